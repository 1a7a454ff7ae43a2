internal import TailscanIO

/// Counts the n-grams of one order (2 or more) over token ids, exactly, by sorting.
///
/// A hash table of n-grams is far larger than the caches, so nearly every insert waits for
/// memory, and growing it touches twice the memory again. Instead each occurrence is appended
/// to a buffer (sequential writes); a full buffer is radix-sorted and collapsed into a sorted
/// run of `[key words…, count, documents]`; runs are merged as they accumulate (sizes kept
/// geometric, so each record is merged O(log n) times). Sorted runs are also what the table
/// files hold and what a merge of tables or a spill to disk needs.
///
/// A key is the n-gram's ids packed two to a 64-bit word, the earlier id in the high half (so
/// comparing words as integers orders n-grams token by token). In the buffer, the last word is
/// shifted left by one and its low bit says "first occurrence in its document", which a small
/// per-document set decides; document frequency is the number of such flags.
@safe
package final class NGramBuilder {
  package let order: Int
  package let keyWords: Int
  var recordWords: Int { keyWords + 2 }
  private let bufferBlock: WordBlock
  private let scratchBlock: WordBlock
  private var buffer: UnsafeMutablePointer<UInt64> { unsafe bufferBlock.words }
  private var scratch: UnsafeMutablePointer<UInt64> { unsafe scratchBlock.words }
  private let bufferCapacity: Int
  private var bufferCount = 0
  private var runs: [Run] = []
  var sealedRuns: [Run] { runs }
  var isSealedForWriting: Bool { isSealed }
  /// Blocks of merged-away runs, reused so that memory is zeroed by the kernel only once.
  private var pool = BlockPool()
  private let seen: DocumentSet
  private var isSealed = false

  /// A sorted run of records: `[key words…, count << 32 | documents]` (narrow, straight from a
  /// sort buffer) or `[key words…, count, documents]` (wide, merged).
  final class Run {
    let block: WordBlock
    let count: Int
    let words: Int
    var records: UnsafeMutablePointer<UInt64> { unsafe block.words }
    init(block: WordBlock, words: Int, count: Int) {
      self.block = block
      self.count = count
      self.words = words
    }
    var bytes: Int { block.capacity * 8 }
    var view: RunView {
      unsafe RunView(records: UnsafeBufferPointer(start: records, count: count * words), recordWords: words)
    }
  }

  /// - Parameter bufferRecords: occurrences buffered before a sort (memory: 16 bytes each per
  ///   key word, buffer and scratch).
  package init(order: Int, bufferRecords: Int = 1 << 22) throws(StoreError) {
    precondition(order >= 2)
    // Narrow runs hold a count below 2^32: a buffer must hold fewer occurrences than that.
    precondition(bufferRecords < 1 << 32)
    self.order = order
    keyWords = (order + 1) / 2
    bufferCapacity = max(16, bufferRecords)
    bufferBlock = try WordBlock(capacity: bufferCapacity * keyWords)
    scratchBlock = try WordBlock(capacity: bufferCapacity * keyWords)
    var narrowRun = 1 << 16
    while narrowRun < bufferCapacity * (keyWords + 1) { narrowRun <<= 1 }
    pool.largestKept = narrowRun
    seen = DocumentSet(keyWords: keyWords)
  }

  /// Memory held: sort buffer and scratch, runs, free blocks, the per-document set.
  package var memoryBytes: Int {
    (bufferBlock.capacity + scratchBlock.capacity) * 8 + runs.reduce(0) { $0 + $1.bytes }
      + pool.bytes + seen.bytes
  }

  /// Records one occurrence of each of `count` n-grams (packed keys back to back) in document
  /// `document`.
  package func add(keys: UnsafePointer<UInt64>, count: Int, document: UInt64) throws(StoreError) {
    precondition(!isSealed)
    let words = keyWords
    for j in 0..<count {
      let key = unsafe keys + j * words
      let first: UInt64 = unsafe seen.insert(key, document: document) ? 1 : 0
      let slot = unsafe buffer + bufferCount * words
      for w in 0..<(words - 1) { unsafe slot[w] = key[w] }
      unsafe slot[words - 1] = key[words - 1] << 1 | first
      bufferCount += 1
      if bufferCount == bufferCapacity { try sortBuffer() }
    }
  }

  /// Records one occurrence of each of the n-grams whose packed keys are back to back in `keys`.
  package func add(keys: [UInt64], document: UInt64) throws(StoreError) {
    precondition(keys.count % keyWords == 0)
    try unsafe keys.withUnsafeBufferPointer { buffer throws(StoreError) in
      try unsafe add(keys: buffer.baseAddress!, count: buffer.count / keyWords, document: document)
    }
  }

  /// Sorts the buffer into a new run, and merges runs (see below).
  private func sortBuffer() throws(StoreError) {
    if bufferCount == 0 { return }
    let words = keyWords
    // Bigram keys are `(id1 << 32 | id2) << 1 | flag`: close the gap above id2 before sorting.
    let lowBits = words == 1 ? unsafe Packing.compact(buffer, count: bufferCount, stride: 1, split: 33) : 0
    let sorted = unsafe RadixSort.sort(
      buffer, scratch: scratch, count: bufferCount, recordWords: words, keyWords: words)
    if words == 1 {
      unsafe Packing.expand(sorted, count: bufferCount, stride: 1, split: 33, lowBits: lowBits)
    }
    // Collapse equal keys (ignoring the flag bit) into records.
    var groups = 1
    for r in 1..<bufferCount where unsafe sorted[r * words + words - 1] >> 1 != sorted[(r - 1) * words + words - 1] >> 1 || !equalHead(sorted, r, words) {
      groups += 1
    }
    // Narrow records `[key words…, count << 32 | documents]`: a buffer holds fewer than 2^32
    // occurrences, so neither overflows.
    let block = try pool.take(groups * (words + 1))
    let out = unsafe block.words
    var n = 0
    var i = 0
    while i < bufferCount {
      let key = unsafe sorted + i * words
      var count: UInt64 = 0
      var documents: UInt64 = 0
      var j = i
      while j < bufferCount {
        let other = unsafe sorted + j * words
        var same = unsafe other[words - 1] >> 1 == key[words - 1] >> 1
        var w = 0
        while same && w < words - 1 {
          same = unsafe other[w] == key[w]
          w += 1
        }
        if !same { break }
        count += 1
        documents += unsafe other[words - 1] & 1
        j += 1
      }
      let record = unsafe out + n * (words + 1)
      for w in 0..<(words - 1) { unsafe record[w] = key[w] }
      unsafe record[words - 1] = key[words - 1] >> 1
      unsafe record[words] = count << 32 | documents
      n += 1
      i = j
    }
    bufferCount = 0
    runs.append(Run(block: block, words: words + 1, count: n))
    // Merge the newest runs while the one before them is at most twice their size (run sizes
    // then halve from the oldest on, so a record is merged O(log n) times and the runs hold at
    // most about twice the largest), but only once more than `maxRuns` have piled up, so a
    // corpus of a few buffers is merged once, at the end.
    while runs.count > Self.maxRuns
      && runs[runs.count - 2].count <= 2 * runs[runs.count - 1].count
    {
      try merge(last: 2)
    }
  }

  /// Runs collected before any merge.
  static let maxRuns = 4

  /// Merges the newest `k` runs into one.
  private func merge(last k: Int) throws(StoreError) {
    let merging = Array(runs.suffix(k))
    let rw = keyWords + 2
    let block = try pool.take(merging.reduce(0) { $0 + $1.count } * rw)
    var n = 0
    unsafe RunMerger.merge(merging.map(\.view), keyWords: keyWords) { record in
      unsafe (block.words + n * rw).update(from: record, count: rw)
      n += 1
    }
    for run in merging { pool.give(run.block) }
    runs.removeLast(k)
    runs.append(Run(block: block, words: rw, count: n))
  }

  /// Whether record `r` and `r - 1` agree on every key word but the last.
  @inline(__always)
  private func equalHead(_ p: UnsafeMutablePointer<UInt64>, _ r: Int, _ words: Int) -> Bool {
    for w in 0..<(words - 1) where unsafe p[r * words + w] != p[(r - 1) * words + w] {
      return false
    }
    return true
  }

  /// The runs, each with its token ids renumbered by `rank` and sorted again: records
  /// `[key words…, count, documents]`. A key may be in several runs (their counts add up).
  /// Valid while the builder lives; the builder takes no more occurrences afterwards.
  package func sortedRuns(rank: [UInt32]) throws(StoreError) -> [RunView] {
    precondition(!isSealed, "sortedRuns(rank:) renumbers in place and may run once")
    try sortBuffer()
    isSealed = true
    let words = keyWords
    // Largest first, so a block freed by one run can be the scratch of the next.
    runs.sort { $0.count * $0.words > $1.count * $1.words }
    var scratch = try pool.take(max(1, runs.first.map { $0.count * $0.words } ?? 1))
    var sortedRuns: [Run] = []
    for run in runs {
      let n = run.count
      let rw = run.words
      renumber(run, rank)
      let lowBits = words == 1 ? unsafe Packing.compact(run.records, count: n, stride: rw, split: 32) : 0
      let sorted = unsafe RadixSort.sort(
        run.records, scratch: scratch.words, count: n, recordWords: rw, keyWords: words)
      if words == 1 {
        unsafe Packing.expand(sorted, count: n, stride: rw, split: 32, lowBits: lowBits)
      }
      if unsafe sorted == run.records {
        sortedRuns.append(run)
      } else {
        sortedRuns.append(Run(block: scratch, words: rw, count: n))
        scratch = run.block
      }
    }
    runs = sortedRuns
    pool = BlockPool()
    return runs.map(\.view)
  }
}

extension NGramBuilder {
  /// Renumbers the ids of the runs `sortedRuns(rank:)` returned by `map`, in place. `map` must
  /// be increasing (it keeps the runs sorted), as is a map into a merged byte-sorted vocabulary.
  package func renumberSortedRuns(_ map: [UInt32]) {
    precondition(isSealedForWriting, "call sortedRuns(rank:) first")
    for run in sealedRuns { renumber(run, map) }
  }

  /// Replaces every id in `run`'s keys by `map[id]`.
  func renumber(_ run: Run, _ map: [UInt32]) {
    let words = keyWords
    let rw = run.words
    for r in 0..<run.count {
      let record = unsafe run.records + r * rw
      for w in 0..<words {
        let word = unsafe record[w]
        let hi = UInt64(map[Int(word >> 32)])
        let lo = 2 * w + 1 < order ? UInt64(map[Int(word & 0xFFFF_FFFF)]) : 0
        unsafe record[w] = hi << 32 | lo
      }
    }
  }
}

/// The n-gram keys seen in the current document: open addressing, cleared by moving to the
/// next document (a slot is in use only if its stamp is the current document).
@safe
final class DocumentSet {
  let keyWords: Int
  /// Slots of `[key words…, stamp]`, so a probe reads one cache line.
  private var slots: UnsafeMutablePointer<UInt64>
  private var capacity: Int
  private var count = 0
  private var document: UInt64 = 0
  private var stride: Int { keyWords + 1 }

  init(keyWords: Int, capacity: Int = 1 << 12) {
    self.keyWords = keyWords
    self.capacity = capacity
    unsafe slots = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * (keyWords + 1))
    unsafe slots.initialize(repeating: 0, count: capacity * (keyWords + 1))
  }

  var bytes: Int { capacity * stride * 8 }

  @inline(__always)
  static func hash(_ key: UnsafePointer<UInt64>, _ words: Int) -> UInt64 {
    var h = unsafe mix64(key[0])
    for w in 1..<max(1, words) { h = unsafe mix64(h ^ key[w] &+ 0x9E37_79B9_7F4A_7C15) }
    return h
  }

  /// Adds `key` for `document` (documents are numbered from 1); true if it was not there yet.
  @inline(__always)
  func insert(_ key: UnsafePointer<UInt64>, document: UInt64) -> Bool {
    if document != self.document {
      self.document = document
      count = 0
    }
    let words = keyWords
    let stride = words + 1
    let mask = capacity - 1
    var i = unsafe Int(truncatingIfNeeded: Self.hash(key, words)) & mask
    while unsafe slots[i * stride + words] == document {
      var same = true
      for w in 0..<words where same { same = unsafe slots[i * stride + w] == key[w] }
      if same { return false }
      i = (i + 1) & mask
    }
    for w in 0..<words { unsafe slots[i * stride + w] = key[w] }
    unsafe slots[i * stride + words] = document
    count += 1
    if count * 2 > capacity { grow() }
    return true
  }

  private func grow() {
    let oldCapacity = capacity
    let old = unsafe slots
    let stride = self.stride
    capacity *= 2
    unsafe slots = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity * stride)
    unsafe slots.initialize(repeating: 0, count: capacity * stride)
    let mask = capacity - 1
    for k in 0..<oldCapacity where unsafe old[k * stride + keyWords] == document {
      let key = unsafe old + k * stride
      var i = unsafe Int(truncatingIfNeeded: Self.hash(key, keyWords)) & mask
      while unsafe slots[i * stride + keyWords] == document { i = (i + 1) & mask }
      unsafe (slots + i * stride).update(from: key, count: stride)
    }
    unsafe old.deallocate()
  }

  deinit { unsafe slots.deallocate() }
}

/// Zeroed memory for sort buffers and runs, from `Syscalls.allocateTable`: huge pages where the
/// kernel allows, so filling hundreds of megabytes takes hundreds, not hundreds of thousands,
/// of page faults. Freed in `deinit`.
@safe
final class WordBlock {
  let words: UnsafeMutablePointer<UInt64>
  let capacity: Int

  init(capacity: Int) throws(StoreError) {
    let bytes = max(1, capacity) * 8
    guard let raw = unsafe Syscalls.allocateTable(bytes: bytes) else {
      throw .outOfMemory(bytes: bytes)
    }
    unsafe words = raw.bindMemory(to: UInt64.self, capacity: max(1, capacity))
    self.capacity = max(1, capacity)
  }

  deinit { unsafe Syscalls.freeTable(UnsafeMutableRawPointer(words), bytes: capacity * 8) }
}

/// Free `WordBlock`s by capacity. Capacities are powers of two, so a block freed by one run
/// fits the next run of its size class. Blocks larger than `largestKept` words (merged runs,
/// which only grow) are released instead, so memory stays bounded by the distinct n-grams plus
/// the runs that are being collected.
struct BlockPool {
  private var free: [WordBlock] = []
  var largestKept = Int.max

  /// A block of at least `words` words (its contents are arbitrary).
  mutating func take(_ words: Int) throws(StoreError) -> WordBlock {
    var best: Int? = nil
    for (k, block) in free.enumerated() where block.capacity >= words {
      if best == nil || block.capacity < free[best!].capacity { best = k }
    }
    if let best { return free.remove(at: best) }
    var capacity = 1 << 16
    while capacity < words { capacity <<= 1 }
    return try WordBlock(capacity: capacity)
  }

  /// Bytes of the free blocks.
  var bytes: Int { free.reduce(0) { $0 + $1.capacity * 8 } }

  mutating func give(_ block: WordBlock) {
    if block.capacity <= largestKept { free.append(block) }
  }
}

/// A run's records, narrow (`recordWords == keyWords + 1`) or wide (`keyWords + 2`).
@safe
package struct RunView {
  let records: UnsafeBufferPointer<UInt64>
  let recordWords: Int
  var count: Int { unsafe records.count / recordWords }

  /// The first record whose first token id is `id` or more (records are sorted).
  func firstRecord(ofID id: Int) -> Int {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if Int(unsafe records[mid * recordWords] >> 32) < id { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// The records whose first token id is in `ids`.
  func slice(_ ids: Range<Int>) -> RunView {
    let start = firstRecord(ofID: ids.lowerBound)
    let end = firstRecord(ofID: ids.upperBound)
    return unsafe RunView(
      records: UnsafeBufferPointer(rebasing: records[start * recordWords..<end * recordWords]),
      recordWords: recordWords)
  }
}

/// Merges sorted runs, adding up the counts of a key found in several runs, and hands each
/// merged record, wide (`[key words…, count, documents]`), to `body` in key order. The number of
/// runs is small (at most `NGramBuilder.maxRuns + 1`), so the smallest head is found by a scan.
enum RunMerger {
  static func merge(
    _ runs: [RunView], keyWords words: Int, _ body: (UnsafePointer<UInt64>) throws -> Void
  ) rethrows {
    let rw = words + 2
    var heads = [Int](repeating: 0, count: runs.count)
    let ends = runs.map { unsafe $0.records.count }
    let record = UnsafeMutablePointer<UInt64>.allocate(capacity: rw)
    defer { unsafe record.deallocate() }
    while true {
      var best = -1
      for k in 0..<runs.count where heads[k] < ends[k] {
        if unsafe best < 0
          || precedes(runs[k].records, heads[k], runs[best].records, heads[best], words)
        {
          best = k
        }
      }
      if best < 0 { return }
      for w in 0..<words { unsafe record[w] = runs[best].records[heads[best] + w] }
      unsafe record[words] = 0
      unsafe record[words + 1] = 0
      for k in 0..<runs.count where heads[k] < ends[k] {
        let r = unsafe runs[k].records
        if unsafe equals(r, heads[k], record, words) {
          if runs[k].recordWords == rw {
            unsafe record[words] &+= r[heads[k] + words]
            unsafe record[words + 1] &+= r[heads[k] + words + 1]
          } else {
            let packed = unsafe r[heads[k] + words]
            unsafe record[words] &+= packed >> 32
            unsafe record[words + 1] &+= packed & 0xFFFF_FFFF
          }
          heads[k] += runs[k].recordWords
        }
      }
      try unsafe body(record)
    }
  }

  @inline(__always)
  private static func precedes(
    _ a: UnsafeBufferPointer<UInt64>, _ i: Int, _ b: UnsafeBufferPointer<UInt64>, _ j: Int,
    _ words: Int
  ) -> Bool {
    for w in 0..<words {
      let x = unsafe a[i + w]
      let y = unsafe b[j + w]
      if x != y { return x < y }
    }
    return false
  }

  @inline(__always)
  private static func equals(
    _ a: UnsafeBufferPointer<UInt64>, _ i: Int, _ key: UnsafeMutablePointer<UInt64>, _ words: Int
  ) -> Bool {
    for w in 0..<words where unsafe a[i + w] != key[w] { return false }
    return true
  }
}
