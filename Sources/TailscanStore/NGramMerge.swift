internal import Dispatch
internal import Synchronization
internal import Foundation
internal import TailscanIO

/// Merges the n-gram tables of one order from several table directories, with their token ids
/// renumbered into a merged vocabulary, in parallel.
///
/// Renumbering keeps order (vocabularies are byte-sorted, so an id map is increasing), so the
/// merged key space can be cut by first token into parts of about equal size, found with each
/// input's offsets by first token; each part is a k-way merge of one slice of every input,
/// written by its own thread, and the parts are joined in order.
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
    let total = files.reduce(0) { $0 + $1.entryCount }
    // Small parts are not worth a thread.
    let parts = max(1, min(threads, total / max(1, minimumPart)))
    // Cut points in the merged first-token space, and each input's slice of each part.
    var cuts = [0]
    for p in 1..<parts {
      let target = total * p / parts
      var low = cuts.last!
      var high = vocabularySize
      while low < high {
        let mid = (low + high) / 2
        if entriesBelow(mid, files, remaps) < target { low = mid + 1 } else { high = mid }
      }
      cuts.append(low)
    }
    cuts.append(vocabularySize)
    let name = CountTableFormat.fileName(family: family, order: order)
    let path = "\(output)/\(name)"
    let partPaths = (0..<parts).map { parts == 1 ? path : "\(output)/.\(name).part-\($0)" }
    let results = Mutex([Result<Part, any Error>?](repeating: nil, count: parts))
    let ranges = (0..<parts).map { cuts[$0]..<cuts[$0 + 1] }
    DispatchQueue.concurrentPerform(iterations: parts) { p in
      let result = Result {
        try mergePart(
          files, remaps: remaps, order: order, firstIDs: ranges[p], to: partPaths[p],
          header: parts == 1)
      }
      results.withLock { $0[p] = result }
    }
    let done = try results.withLock { $0 }.map { try $0!.get() }
    // The index: per merged first token, the first entry with that first token or a later one.
    var index = [UInt64](repeating: 0, count: vocabularySize + 1)
    var n = 0
    var occurrences: UInt64 = 0
    for (p, part) in done.enumerated() {
      for (t, offset) in part.index.enumerated() { index[cuts[p] + t] = UInt64(n + offset) }
      n += part.count
      occurrences &+= part.occurrences
    }
    index[vocabularySize] = UInt64(n)
    let stride = CountTableFormat.nGramStride(order: order)
    let entriesOffset = CountTableFormat.headerSize
    var writer: FileWriter
    if parts == 1 {
      writer = try FileWriter(appendingTo: path)
    } else {
      writer = try FileWriter(path: path)
      try writer.write(bytes: [UInt8](repeating: 0, count: entriesOffset))
      for partPath in partPaths {
        let part = try MappedFile(path: partPath)
        if let base = unsafe part.base {
          try unsafe writer.write(UnsafeRawBufferPointer(start: base, count: part.size))
        }
        Syscalls.removeTree(partPath)
      }
    }
    precondition(writer.offset == entriesOffset + n * stride)
    try writer.write(words: index)
    let header = CountTableFormat.Header(
      kind: CountTableFormat.kindNGrams, order: UInt32(order), stride: UInt32(stride), seed: seed,
      entryCount: UInt64(n), indexCount: UInt64(vocabularySize + 1),
      entriesOffset: UInt64(entriesOffset), entriesLength: UInt64(n * stride), stringsOffset: 0,
      stringsLength: 0, indexOffset: UInt64(entriesOffset + n * stride),
      indexLength: UInt64((vocabularySize + 1) * 8), occurrences: occurrences)
    try writer.overwrite(bytes: header.encoded(), at: 0)
    let bytes = writer.offset
    try writer.close()
    return TableSummary(
      family: family, order: order, file: name, distinct: n, occurrences: occurrences,
      bytes: bytes)
  }

  /// Entries of all inputs whose first token's merged id is below `id`.
  static func entriesBelow(_ id: Int, _ files: [TableFile], _ remaps: [[UInt32]]) -> Int {
    var sum = 0
    for (k, file) in files.enumerated() {
      sum += file.firstEntry(ofID: lowerBound(remaps[k], UInt32(clamping: id)))
    }
    return sum
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

  /// What one part wrote: its entries, their occurrences, and per first token of its range the
  /// offset (within the part) of its first entry.
  struct Part: Sendable {
    var count: Int
    var occurrences: UInt64
    var index: [Int]
  }

  /// Merges the entries whose first token's merged id is in `firstIDs` into `path` (after a
  /// blank header when `header`).
  static func mergePart(
    _ files: [TableFile], remaps: [[UInt32]], order: Int, firstIDs: Range<Int>, to path: String,
    header: Bool
  ) throws -> Part {
    let words = CountTableFormat.keyWords(order: order)
    let rw = words + 2
    let k = files.count
    var writer = try FileWriter(path: path)
    if header { try writer.write(bytes: [UInt8](repeating: 0, count: CountTableFormat.headerSize)) }
    let heads = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, k) * rw)
    defer { unsafe heads.deallocate() }
    let record = UnsafeMutablePointer<UInt64>.allocate(capacity: rw)
    defer { unsafe record.deallocate() }
    var position = [Int](repeating: 0, count: k)
    var end = [Int](repeating: 0, count: k)
    var heap: [Int] = []
    heap.reserveCapacity(k)
    for (i, file) in files.enumerated() {
      position[i] = file.firstEntry(ofID: lowerBound(remaps[i], UInt32(clamping: firstIDs.lowerBound)))
      end[i] = file.firstEntry(ofID: lowerBound(remaps[i], UInt32(clamping: firstIDs.upperBound)))
    }
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
          guard hi < remap.count, lo < remap.count,
            w > 0 || firstIDs.contains(Int(unsafe remap[hi]))
          else {
            throw StoreError.corrupt(path: file.file.path, detail: "an entry out of place (bad token id or offsets)")
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
    var index = [Int](repeating: 0, count: firstIDs.count)
    var nextFirst = firstIDs.lowerBound
    var n = 0
    var occurrences: UInt64 = 0
    while let top = heap.first {
      let head = unsafe heads + top * rw
      for w in 0..<rw { unsafe record[w] = head[w] }
      // Add in every input's record with this key.
      while true {
        let i = heap[0]
        position[i] += 1
        if position[i] < end[i] {
          if position[i] & 0xFFFF == 0 { files[i].releaseBehind(position[i]) }
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
      let first = Int(unsafe record[0] >> 32)
      while nextFirst <= first {
        index[nextFirst - firstIDs.lowerBound] = n
        nextFirst += 1
      }
      try unsafe writer.write(UnsafeRawBufferPointer(start: record, count: rw * 8))
      occurrences &+= unsafe record[words]
      n += 1
    }
    while nextFirst < firstIDs.upperBound {
      index[nextFirst - firstIDs.lowerBound] = n
      nextFirst += 1
    }
    try writer.closeWithoutSync()
    return Part(count: n, occurrences: occurrences, index: index)
  }
}

