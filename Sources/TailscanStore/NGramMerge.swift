internal import Dispatch
internal import Synchronization
internal import Foundation
internal import TailscanIO

/// Writes an n-gram table in parts, in parallel: the key space is cut by first token into
/// ranges of about equal size; a thread writes each range's records (a k-way merge of sorted
/// sources) to a part file, with its offsets by first token; the parts are joined in order.
/// Serves both merges: of table files (`tailscan merge`, a count's runs) and of the workers'
/// counts in memory at the end of a count.
enum NGramTableParts {
  /// Cut points in the first-token space [0, vocabularySize] into at most `threads` ranges of
  /// at least `minimumPart` records, `below(id)` being the records whose first token is below
  /// `id` (an increasing function, `below(vocabularySize)` the total).
  static func ranges(
    vocabularySize: Int, threads: Int, minimumPart: Int, below: (Int) -> Int
  ) -> [Range<Int>] {
    let total = below(vocabularySize)
    let parts = max(1, min(threads, total / max(1, minimumPart)))
    var cuts = [0]
    for p in 1..<parts {
      let target = total * p / parts
      var low = cuts.last!
      var high = vocabularySize
      while low < high {
        let mid = (low + high) / 2
        if below(mid) < target { low = mid + 1 } else { high = mid }
      }
      cuts.append(low)
    }
    cuts.append(vocabularySize)
    return (0..<parts).map { cuts[$0]..<cuts[$0 + 1] }
  }

  /// What one part wrote: its entries, their occurrences, and per first token of its range the
  /// offset (within the part) of its first entry.
  struct Part: Sendable {
    var count: Int
    var occurrences: UInt64
    var index: [Int]
  }

  /// Writes the table of `order`: `produce(p, body)` passes `body` the records (wide, in
  /// increasing key order) whose first token is in `ranges[p]` (which cover the vocabulary),
  /// each part on its own thread.
  static func write(
    order: Int, family: TableFamily, vocabularySize: Int, to directory: String, seed: UInt64,
    ranges: [Range<Int>],
    produce: @escaping @Sendable (Int, (UnsafePointer<UInt64>) throws -> Void) throws -> Void
  ) throws -> TableSummary {
    let name = CountTableFormat.fileName(family: family, order: order)
    let path = "\(directory)/\(name)"
    // The first part goes straight into the table (after room for its header), the others into
    // part files appended to it.
    let partPaths = ranges.indices.map { $0 == 0 ? path : "\(directory)/.\(name).part-\($0)" }
    let rw = CountTableFormat.keyWords(order: order) + 2
    let results = Mutex([Result<Part, any Error>?](repeating: nil, count: ranges.count))
    DispatchQueue.concurrentPerform(iterations: ranges.count) { p in
      let result = Result { () throws -> Part in
        let range = ranges[p]
        var writer = try FileWriter(path: partPaths[p])
        if p == 0 {
          try writer.write(bytes: [UInt8](repeating: 0, count: CountTableFormat.headerSize))
        }
        var index = [Int](repeating: 0, count: range.count)
        var nextFirst = range.lowerBound
        var n = 0
        var occurrences: UInt64 = 0
        try unsafe produce(p) { record in
          let first = Int(unsafe record[0] >> 32)
          guard range.contains(first) else {
            throw StoreError.corrupt(path: directory, detail: "an n-gram out of its place")
          }
          while nextFirst <= first {
            index[nextFirst - range.lowerBound] = n
            nextFirst += 1
          }
          try unsafe writer.write(UnsafeRawBufferPointer(start: record, count: rw * 8))
          occurrences &+= unsafe record[rw - 2]
          n += 1
        }
        while nextFirst < range.upperBound {
          index[nextFirst - range.lowerBound] = n
          nextFirst += 1
        }
        try writer.closeWithoutSync()
        return Part(count: n, occurrences: occurrences, index: index)
      }
      results.withLock { $0[p] = result }
    }
    defer { for partPath in partPaths.dropFirst() { Syscalls.removeTree(partPath) } }
    let done = try results.withLock { $0 }.map { try $0!.get() }
    // The index: per first token, the first entry with that first token or a later one.
    var index = [UInt64](repeating: 0, count: vocabularySize + 1)
    var n = 0
    var occurrences: UInt64 = 0
    for (p, part) in done.enumerated() {
      for (t, offset) in part.index.enumerated() {
        index[ranges[p].lowerBound + t] = UInt64(n + offset)
      }
      n += part.count
      occurrences &+= part.occurrences
    }
    index[vocabularySize] = UInt64(n)
    let stride = CountTableFormat.nGramStride(order: order)
    let entriesOffset = CountTableFormat.headerSize
    var writer = try FileWriter(appendingTo: path)
    precondition(writer.offset == entriesOffset + done[0].count * stride)
    for partPath in partPaths.dropFirst() {
      let part = try MappedFile(path: partPath)
      if let base = unsafe part.base {
        // In blocks, each dropped from memory once copied.
        let block = 8 << 20
        for start in Swift.stride(from: 0, to: part.size, by: block) {
          let count = min(block, part.size - start)
          try unsafe writer.write(UnsafeRawBufferPointer(start: base + start, count: count))
          part.release(before: start + count)
        }
      }
    }
    try writer.write(words: index)
    let header = CountTableFormat.Header(
      kind: CountTableFormat.kindNGrams, order: UInt32(order), stride: UInt32(stride), seed: seed,
      entryCount: UInt64(n), indexCount: UInt64(vocabularySize + 1),
      entriesOffset: UInt64(entriesOffset), entriesLength: UInt64(n * stride), stringsOffset: 0,
      stringsLength: 0, indexOffset: UInt64(entriesOffset + n * stride),
      indexLength: UInt64((vocabularySize + 1) * 8), occurrences: occurrences)
    try writer.overwrite(bytes: header.encoded(), at: 0)
    try writer.close()
    let bytes = try CountTableFormat.seal(path)
    return TableSummary(
      family: family, order: order, file: name, distinct: n, occurrences: occurrences,
      bytes: bytes)
  }
}

/// Merges the n-gram tables of one order from several table directories, with their token ids
/// renumbered into a merged vocabulary (an increasing map, since vocabularies are byte-sorted,
/// so each input's entries stay sorted and its offsets by first token still cut it).
enum NGramMerge {
  static func merge(
    _ files: [TableFile], remaps: [[UInt32]], order: Int, family: TableFamily,
    vocabularySize: Int, into output: String, seed: UInt64, threads: Int, minimumPart: Int
  ) throws -> TableSummary {
    for (k, file) in files.enumerated() {
      guard Int(file.header.indexCount) == remaps[k].count + 1 else {
        throw StoreError.corrupt(
          path: file.file.path, detail: "its offsets do not match its vocabulary")
      }
    }
    /// Input k's first entry whose first token's merged id is `id` or more.
    func start(_ k: Int, _ id: Int) -> Int {
      files[k].firstEntry(ofID: lowerBound(remaps[k], UInt32(clamping: id)))
    }
    let ranges = NGramTableParts.ranges(
      vocabularySize: vocabularySize, threads: threads, minimumPart: minimumPart
    ) { id in files.indices.reduce(0) { $0 + start($1, id) } }
    let slices = ranges.map { range in
      files.indices.map { start($0, range.lowerBound)..<start($0, range.upperBound) }
    }
    let shared = UncheckedSendable((files, remaps))
    return try unsafe NGramTableParts.write(
      order: order, family: family, vocabularySize: vocabularySize, to: output, seed: seed,
      ranges: ranges
    ) { p, body in
      try unsafe mergeSlices(shared.value.0, remaps: shared.value.1, order: order, slices: slices[p], body)
    }
  }

  /// The first old id whose new id is at least `id` (id maps increase).
  static func lowerBound(_ remap: [UInt32], _ id: UInt32) -> Int {
    var low = 0
    var high = remap.count
    while low < high {
      let mid = (low + high) / 2
      if remap[mid] < id { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// Merges entries `slices[k]` of each input k, renumbered, adding up equal keys.
  static func mergeSlices(
    _ files: [TableFile], remaps: [[UInt32]], order: Int, slices: [Range<Int>],
    _ body: (UnsafePointer<UInt64>) throws -> Void
  ) throws {
    let words = CountTableFormat.keyWords(order: order)
    let rw = words + 2
    let k = files.count
    let heads = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, k) * rw)
    defer { unsafe heads.deallocate() }
    let record = UnsafeMutablePointer<UInt64>.allocate(capacity: rw)
    defer { unsafe record.deallocate() }
    var position = slices.map(\.lowerBound)
    let end = slices.map(\.upperBound)
    var heap: [Int] = []
    heap.reserveCapacity(k)
    /// Loads input i's current record into its head, renumbered.
    func load(_ i: Int) throws {
      let file = files[i]
      try unsafe remaps[i].withUnsafeBufferPointer { remap in
        let source = unsafe file.record(position[i])
        let head = unsafe heads + i * rw
        for w in 0..<words {
          let word = UInt64(littleEndian: unsafe source[w])
          let hi = Int(word >> 32)
          let lo = 2 * w + 1 < order ? Int(word & 0xFFFF_FFFF) : 0
          guard hi < remap.count, lo < remap.count else {
            throw StoreError.corrupt(path: file.file.path, detail: "an entry out of place")
          }
          unsafe head[w] = UInt64(remap[hi]) << 32 | (2 * w + 1 < order ? UInt64(remap[lo]) : 0)
        }
        unsafe head[words] = UInt64(littleEndian: source[words])
        unsafe head[words + 1] = UInt64(littleEndian: source[words + 1])
      }
    }
    @inline(__always) func less(_ a: Int, _ b: Int) -> Bool {
      let x = unsafe heads + a * rw
      let y = unsafe heads + b * rw
      for w in 0..<words where unsafe x[w] != y[w] { return unsafe x[w] < y[w] }
      return false
    }
    func siftDown() {
      var p = 0
      let n = heap.count
      while true {
        let l = 2 * p + 1
        if l >= n { return }
        var m = l
        if l + 1 < n && less(heap[l + 1], heap[l]) { m = l + 1 }
        if !less(heap[m], heap[p]) { return }
        heap.swapAt(p, m)
        p = m
      }
    }
    for i in 0..<k where position[i] < end[i] {
      try load(i)
      heap.append(i)
      var c = heap.count - 1
      while c > 0 && less(heap[c], heap[(c - 1) / 2]) {
        heap.swapAt(c, (c - 1) / 2)
        c = (c - 1) / 2
      }
    }
    while let top = heap.first {
      let head = unsafe heads + top * rw
      for w in 0..<rw { unsafe record[w] = head[w] }
      // Add in every input's record with this key.
      while true {
        let i = heap[0]
        position[i] += 1
        if position[i] < end[i] {
          if position[i] & 0x1FFF == 0 { files[i].releaseBehind(position[i]) }
          try load(i)
        } else {
          heap.swapAt(0, heap.count - 1)
          heap.removeLast()
        }
        siftDown()
        guard let next = heap.first else { break }
        let h = unsafe heads + next * rw
        var same = true
        for w in 0..<words where unsafe h[w] != record[w] { same = false }
        if !same { break }
        unsafe record[words] &+= h[words]
        unsafe record[words + 1] &+= h[words + 1]
      }
      try unsafe body(record)
    }
  }
}
