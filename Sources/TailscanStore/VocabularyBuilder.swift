internal import CPrefetch
internal import TailscanIO

/// In-memory table of distinct tokens: exact bytes, an id per token, and its counts.
///
/// Ids are given in order of first appearance, so the frequent tokens, which come early, have
/// small ids and their entries share cache lines. The index is open addressing with linear
/// probing over 8-byte slots (32 bits of the hash, 32 bits of id + 1); an entry holds the
/// token's first 16 bytes inline, so most comparisons never touch the byte arena. Keys are
/// compared byte for byte: there are no false hits.
@safe
package final class VocabularyBuilder {
  struct Entry {
    var prefix0: UInt64
    var prefix1: UInt64
    var offset: UInt64
    var length: UInt64
    var count: UInt64
    var documents: UInt64
    var lastDocument: UInt64
    /// The token's in-memory hash, kept for rehashing when the index grows.
    var hash: UInt64
  }

  /// Ids stay below 2^31: the n-gram builders use the top bit of an id's word for a flag.
  package static let maxTokens = Int(Int32.max) - 1
  private var index: UnsafeMutablePointer<UInt64>
  private var indexCapacity: Int
  private var mask: Int
  private var entries: UnsafeMutablePointer<Entry>
  private var entryCapacity: Int
  package private(set) var distinct = 0
  private var arena: UnsafeMutablePointer<UInt8>
  private var arenaCount = 0
  private var arenaCapacity: Int
  let seed: UInt64

  package init(initialCapacity: Int = 1 << 16, seed: UInt64) throws(StoreError) {
    self.seed = seed
    var cap = 16
    while cap < initialCapacity { cap <<= 1 }
    indexCapacity = cap
    mask = cap - 1
    entryCapacity = cap / 2
    unsafe index = try Self.allocate(UInt64.self, cap)
    unsafe entries = try Self.allocate(Entry.self, cap / 2)
    arenaCapacity = 1 << 16
    unsafe arena = try Self.allocate(UInt8.self, arenaCapacity)
  }

  /// Memory held (allocated capacity; a growth step briefly holds the old and the new).
  package var memoryBytes: Int {
    indexCapacity * 8 + entryCapacity * MemoryLayout<Entry>.stride + arenaCapacity
  }

  private static func allocate<T>(_ type: T.Type, _ count: Int) throws(StoreError)
    -> UnsafeMutablePointer<T>
  {
    let bytes = count * MemoryLayout<T>.stride
    guard let raw = unsafe Syscalls.allocateTable(bytes: bytes) else {
      throw .outOfMemory(bytes: bytes)
    }
    return unsafe raw.bindMemory(to: T.self, capacity: count)
  }

  private static func free<T>(_ p: UnsafeMutablePointer<T>, _ count: Int) {
    unsafe Syscalls.freeTable(UnsafeMutableRawPointer(p), bytes: count * MemoryLayout<T>.stride)
  }

  deinit {
    unsafe Self.free(index, indexCapacity)
    unsafe Self.free(entries, entryCapacity)
    unsafe Self.free(arena, arenaCapacity)
  }

  /// The first 16 bytes of a token, zero-padded, as two words.
  @inline(__always)
  static func prefix(_ p: UnsafeRawPointer, _ n: Int) -> (UInt64, UInt64) {
    if n >= 16 {
      return unsafe (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }
    // Overlapping loads that stay inside the token, shifted into place (little-endian).
    if n >= 8 {
      let w0 = unsafe p.loadUnaligned(as: UInt64.self)
      if n == 8 { return (w0, 0) }
      let tail = unsafe p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      return (w0, tail >> UInt64(8 * (16 - n)))
    }
    if n >= 4 {
      let low = UInt64(unsafe p.loadUnaligned(as: UInt32.self))
      let high = UInt64(unsafe p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      return (low | high << UInt64(8 * (n - 4)), 0)
    }
    var w0: UInt64 = 0
    for k in 0..<n { w0 |= UInt64(unsafe p.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
    return (w0, 0)
  }

  /// The in-memory hash of a token (not persisted; files use XXH64).
  @inline(__always)
  static func hash(_ p: UnsafeRawPointer, _ n: Int, _ w0: UInt64, _ w1: UInt64, seed: UInt64)
    -> UInt64
  {
    if n <= 16 { return mix64(w0 &+ mix64(w1 ^ UInt64(n) ^ seed)) }
    return unsafe XXH64.hash(p, n, seed: seed)
  }

  /// A token on its way into the table: where it is, and what `add` needs of it.
  @safe struct Pending {
    var base: UnsafeRawPointer
    var length: Int
    var hash: UInt64
    var prefix0: UInt64
    var prefix1: UInt64
  }

  /// Hashes a token and prefetches its index slot (the first stage of an insert).
  @inline(__always)
  func prepare(_ base: UnsafeRawPointer, _ n: Int) -> Pending {
    let (w0, w1) = unsafe Self.prefix(base, n)
    let hash = unsafe Self.hash(base, n, w0, w1, seed: seed)
    unsafe tailscan_prefetch(index + (Int(truncatingIfNeeded: hash) & mask))
    return unsafe Pending(base: base, length: n, hash: hash, prefix0: w0, prefix1: w1)
  }

  /// Prefetches the entry the token's index slot points at (the second stage).
  @inline(__always)
  func prefetchEntry(_ token: Pending) {
    let slot = unsafe index[Int(truncatingIfNeeded: token.hash) & mask]
    if slot != 0 { unsafe tailscan_prefetch(entries + (Int(slot & 0xFFFF_FFFF) - 1)) }
  }

  /// Records one occurrence of a prepared token (the last stage) and returns its id.
  @inline(__always)
  func add(_ token: Pending, document: UInt64) throws(StoreError) -> UInt32 {
    let n = token.length
    let base = unsafe token.base
    let w0 = token.prefix0
    let w1 = token.prefix1
    let hash = token.hash
    let tag = hash >> 32
    var i = Int(truncatingIfNeeded: hash) & mask
    while true {
      let slot = unsafe index[i]
      if slot == 0 { break }
      if slot >> 32 == tag {
        let id = Int(slot & 0xFFFF_FFFF) - 1
        let entry = unsafe entries + id
        if unsafe entry.pointee.prefix0 == w0 && entry.pointee.prefix1 == w1
          && entry.pointee.length == UInt64(n)
          && (n <= 16 || equalBytes(arena + Int(entry.pointee.offset), base, n))
        {
          unsafe entry.pointee.count &+= 1
          if unsafe entry.pointee.lastDocument != document {
            unsafe entry.pointee.lastDocument = document
            unsafe entry.pointee.documents &+= 1
          }
          return UInt32(id)
        }
      }
      i = (i + 1) & mask
    }
    // A new token.
    guard distinct < Self.maxTokens else { throw .tooManyTokens(limit: Self.maxTokens) }
    if distinct == entryCapacity { try growEntries() }
    var offset = 0
    if n > 16 {
      if arenaCount + n > arenaCapacity { try growArena(arenaCount + n) }
      unsafe (arena + arenaCount).update(from: base.assumingMemoryBound(to: UInt8.self), count: n)
      offset = arenaCount
      arenaCount += n
    }
    let id = distinct
    unsafe entries[id] = Entry(
      prefix0: w0, prefix1: w1, offset: UInt64(offset), length: UInt64(n), count: 1,
      documents: 1, lastDocument: document, hash: hash)
    unsafe index[i] = tag << 32 | UInt64(id + 1)
    distinct += 1
    if distinct * 2 > indexCapacity { try growIndex() }
    return UInt32(id)
  }

  @inline(__always)
  private func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var k = 0
    while k + 8 <= n {
      if unsafe UnsafeRawPointer(a).loadUnaligned(fromByteOffset: k, as: UInt64.self)
        != b.loadUnaligned(fromByteOffset: k, as: UInt64.self)
      {
        return false
      }
      k += 8
    }
    while k < n {
      if unsafe a[k] != b.load(fromByteOffset: k, as: UInt8.self) { return false }
      k += 1
    }
    return true
  }

  private func growArena(_ needed: Int) throws(StoreError) {
    var cap = arenaCapacity
    while cap < needed { cap *= 2 }
    let grown = try unsafe Self.allocate(UInt8.self, cap)
    unsafe grown.update(from: arena, count: arenaCount)
    unsafe Self.free(arena, arenaCapacity)
    unsafe arena = grown
    arenaCapacity = cap
  }

  private func growEntries() throws(StoreError) {
    let cap = entryCapacity * 2
    let grown = try unsafe Self.allocate(Entry.self, cap)
    unsafe grown.update(from: entries, count: distinct)
    unsafe Self.free(entries, entryCapacity)
    unsafe entries = grown
    entryCapacity = cap
  }

  private func growIndex() throws(StoreError) {
    let newCapacity = indexCapacity * 2
    let newMask = newCapacity - 1
    let grown = try unsafe Self.allocate(UInt64.self, newCapacity)
    for id in 0..<distinct {
      let hash = unsafe entries[id].hash
      var i = Int(truncatingIfNeeded: hash) & newMask
      while unsafe grown[i] != 0 { i = (i + 1) & newMask }
      unsafe grown[i] = (hash >> 32) << 32 | UInt64(id + 1)
    }
    unsafe Self.free(index, indexCapacity)
    unsafe index = grown
    indexCapacity = newCapacity
    mask = newMask
  }

  /// The bytes of token `id`, for the duration of `body`.
  package func withToken<R>(_ id: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows
    -> R
  {
    let entry = unsafe entries + Int(id)
    let n = Int(unsafe entry.pointee.length)
    if n > 16 {
      return try unsafe body(UnsafeRawBufferPointer(start: arena + Int(entry.pointee.offset), count: n))
    }
    var words = unsafe (entry.pointee.prefix0.littleEndian, entry.pointee.prefix1.littleEndian)
    return try unsafe withUnsafeBytes(of: &words) { raw in
      try unsafe body(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
    }
  }

  /// The counts of token `id`.
  package func counts(of id: UInt32) -> (count: UInt64, documents: UInt64) {
    let entry = unsafe entries[Int(id)]
    return (entry.count, entry.documents)
  }

  /// Ids sorted by their token bytes (unsigned byte order; a prefix sorts first).
  package func idsSortedByBytes() -> [UInt32] {
    // Radix-sort [first 8 bytes, next 8 bytes (big-endian, so integer order is byte order),
    // length << 32 | id], then settle ties (tokens sharing 16 bytes) with a full comparison.
    let n = distinct
    let records = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, 3 * n))
    let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, 3 * n))
    defer {
      unsafe records.deallocate()
      unsafe scratch.deallocate()
    }
    for id in 0..<n {
      let entry = unsafe entries[id]
      unsafe records[3 * id] = entry.prefix0.byteSwapped
      unsafe records[3 * id + 1] = entry.prefix1.byteSwapped
      unsafe records[3 * id + 2] = entry.length << 32 | UInt64(id)
    }
    let sorted = unsafe RadixSort.sort(records, scratch: scratch, count: n, recordWords: 3, keyWords: 2)
    var ids = [UInt32](repeating: 0, count: n)
    for r in 0..<n { ids[r] = UInt32(truncatingIfNeeded: unsafe sorted[3 * r + 2]) }
    var start = 0
    while start < n {
      var end = start + 1
      while unsafe end < n && sorted[3 * end] == sorted[3 * start]
        && sorted[3 * end + 1] == sorted[3 * start + 1]
      {
        end += 1
      }
      if end - start > 1 { ids[start..<end].sort { self.precedes($0, $1) } }
      start = end
    }
    return ids
  }

  /// Whether token `a` sorts before token `b` in byte order (a prefix first).
  private func precedes(_ a: UInt32, _ b: UInt32) -> Bool {
    let ea = unsafe entries[Int(a)]
    let eb = unsafe entries[Int(b)]
    if ea.prefix0 != eb.prefix0 { return ea.prefix0.byteSwapped < eb.prefix0.byteSwapped }
    if ea.prefix1 != eb.prefix1 { return ea.prefix1.byteSwapped < eb.prefix1.byteSwapped }
    if ea.length <= 16 || eb.length <= 16 { return ea.length < eb.length }
    let n = Int(min(ea.length, eb.length)) - 16
    let c = unsafe compareBytes(arena + Int(ea.offset) + 16, arena + Int(eb.offset) + 16, n)
    if c != 0 { return c < 0 }
    return ea.length < eb.length
  }
}

@inline(__always)
func compareBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int {
  var k = 0
  while k < n {
    let x = unsafe a[k]
    let y = unsafe b[k]
    if x != y { return x < y ? -1 : 1 }
    k += 1
  }
  return 0
}
