internal import CPrefetch
internal import TailscanIO

/// In-memory table of n-grams of one order (2 or more) over token ids, with exact keys.
///
/// A key is the n-gram's ids packed two to a 64-bit word, the earlier id in the high half, so
/// comparing words as integers orders n-grams token by token. Slots are
/// `[key words…][count][documents][last document]`, laid out contiguously so a probe touches one
/// cache line for bigrams (32 bytes a slot). Inserts come in batches so the slot of a later
/// insert can be prefetched while an earlier one is done (the table is far larger than the
/// caches: without this, nearly every insert waits for memory).
@safe
package final class NGramBuilder {
  package let order: Int
  package let keyWords: Int
  let strideWords: Int
  private(set) var slots: UnsafeMutablePointer<UInt64>
  private(set) var capacity: Int
  private var mask: Int
  package private(set) var distinct = 0
  private var isSealed = false
  /// How many inserts ahead to prefetch.
  static let prefetchDistance = 12

  package init(order: Int, initialCapacity: Int = 1 << 16) throws(StoreError) {
    precondition(order >= 2)
    self.order = order
    keyWords = (order + 1) / 2
    strideWords = keyWords + 3
    var cap = 16
    while cap < initialCapacity { cap <<= 1 }
    capacity = cap
    mask = cap - 1
    unsafe slots = try Self.allocate(cap * strideWords)
  }

  private static func allocate(_ words: Int) throws(StoreError) -> UnsafeMutablePointer<UInt64> {
    guard let raw = unsafe Syscalls.allocateTable(bytes: words * 8) else {
      throw .outOfMemory(bytes: words * 8)
    }
    return unsafe raw.bindMemory(to: UInt64.self, capacity: words)
  }

  deinit { unsafe Syscalls.freeTable(UnsafeMutableRawPointer(slots), bytes: memoryBytes) }

  /// Bytes of memory held.
  package var memoryBytes: Int { capacity * strideWords * 8 }

  @inline(__always)
  static func hash(_ key: UnsafePointer<UInt64>, _ words: Int) -> UInt64 {
    var h = unsafe mix64(key[0])
    var w = 1
    while w < words {
      h = unsafe mix64(h ^ key[w] &+ 0x9E37_79B9_7F4A_7C15)
      w += 1
    }
    return h
  }

  /// Records one occurrence of each of `count` n-grams (packed keys back to back, with their
  /// `hash(_:_:)` values) in document `document`.
  @inline(__always)
  package func add(
    keys: UnsafePointer<UInt64>, hashes: UnsafePointer<UInt64>, count: Int, document: UInt64
  ) throws(StoreError) {
    let distance = Self.prefetchDistance
    for j in 0..<min(distance, count) {
      unsafe tailscan_prefetch(slots + (Int(truncatingIfNeeded: hashes[j]) & mask) * strideWords)
    }
    for j in 0..<count {
      if j + distance < count {
        unsafe tailscan_prefetch(
          slots + (Int(truncatingIfNeeded: hashes[j + distance]) & mask) * strideWords)
      }
      try unsafe add(keys + j * keyWords, hash: hashes[j], document: document)
    }
  }

  @inline(__always)
  private func add(_ key: UnsafePointer<UInt64>, hash: UInt64, document: UInt64) throws(StoreError) {
    let words = keyWords
    let stride = strideWords
    var i = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = unsafe slots + i * stride
      let count = unsafe slot[words]
      if count == 0 {
        for w in 0..<words { unsafe slot[w] = key[w] }
        unsafe slot[words] = 1
        unsafe slot[words + 1] = 1
        unsafe slot[words + 2] = document
        distinct += 1
        if distinct * 2 > capacity { try grow() }
        return
      }
      var same = unsafe slot[0] == key[0]
      var w = 1
      while same && w < words {
        same = unsafe slot[w] == key[w]
        w += 1
      }
      if same {
        unsafe slot[words] = count &+ 1
        if unsafe slot[words + 2] != document {
          unsafe slot[words + 2] = document
          unsafe slot[words + 1] &+= 1
        }
        return
      }
      i = (i + 1) & mask
    }
  }

  private func grow() throws(StoreError) {
    let newCapacity = capacity * 2
    let newMask = newCapacity - 1
    let stride = strideWords
    let grown = try Self.allocate(newCapacity * stride)
    for k in 0..<capacity {
      let slot = unsafe slots + k * stride
      if unsafe slot[keyWords] == 0 { continue }
      var i = unsafe Int(truncatingIfNeeded: Self.hash(slot, keyWords)) & newMask
      while unsafe grown[i * stride + keyWords] != 0 { i = (i + 1) & newMask }
      unsafe (grown + i * stride).update(from: slot, count: stride)
    }
    unsafe Syscalls.freeTable(UnsafeMutableRawPointer(slots), bytes: memoryBytes)
    unsafe slots = grown
    capacity = newCapacity
    mask = newMask
  }

  /// Turns the table, in place, into its entries sorted by key, with token ids renumbered by
  /// `rank`: records `[key words…, count, documents]` back to back. Returns them and the sum of
  /// the counts. The table takes no more inserts afterwards.
  ///
  /// No memory is allocated: records are compacted to the front of the slots (a record is one
  /// word shorter than a slot, and record r comes from slot k >= r, so nothing unread is
  /// overwritten), and the radix sort uses the free back half as its scratch (the table is at
  /// most half full, so the back half holds at least as many records).
  package func sortedRecords(rank: [UInt32]) -> (records: UnsafeBufferPointer<UInt64>, occurrences: UInt64) {
    precondition(!isSealed, "sortedRecords() called twice")
    isSealed = true
    let words = keyWords
    let recordWords = words + 2
    var n = 0
    var occurrences: UInt64 = 0
    // The slot is copied out first: record n may overlap slot k.
    let slot = UnsafeMutablePointer<UInt64>.allocate(capacity: strideWords)
    defer { unsafe slot.deallocate() }
    for k in 0..<capacity {
      let count = unsafe slots[k * strideWords + words]
      if count == 0 { continue }
      unsafe slot.update(from: slots + k * strideWords, count: strideWords)
      let documents = unsafe slot[words + 1]
      let record = unsafe slots + n * recordWords
      for w in 0..<words {
        let word = unsafe slot[w]
        let hi = UInt64(rank[Int(word >> 32)])
        let lo = 2 * w + 1 < order ? UInt64(rank[Int(word & 0xFFFF_FFFF)]) : 0
        unsafe record[w] = hi << 32 | lo
      }
      unsafe record[words] = count
      unsafe record[words + 1] = documents
      occurrences &+= count
      n += 1
    }
    let scratch = unsafe slots + n * recordWords
    precondition(2 * n * recordWords <= capacity * strideWords)
    let sorted = unsafe RadixSort.sort(
      slots, scratch: scratch, count: n, recordWords: recordWords, keyWords: words)
    return (unsafe UnsafeBufferPointer(start: sorted, count: n * recordWords), occurrences)
  }
}
