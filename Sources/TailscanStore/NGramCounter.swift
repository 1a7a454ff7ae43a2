/// Counts n-grams of orders 1...N over a stream of documents, exactly.
///
/// Feed it documents as `beginDocument()`, `add(token:)` per token, `endDocument()`: n-grams
/// never cross a document boundary. The tables are far larger than the caches, so inserts are
/// pipelined with prefetches: a token is hashed when added and looked up a few tokens later,
/// and the n-grams of a document are inserted in batches. Tokens longer than 16 bytes are
/// copied until then (the vocabulary compares their bytes only at the lookup), so the bytes
/// passed to `add(token:)` need not outlive the call.
@safe
public struct NGramCounter: ~Copyable {
  /// The highest order counted (orders 1...maxOrder).
  public let maxOrder: Int
  let vocabulary: VocabularyBuilder
  let builders: [NGramBuilder]
  /// Token ids of the current document not yet turned into n-grams, after `context` ids that
  /// were (kept only to start the n-grams that end in this batch).
  private let ids: UnsafeMutablePointer<UInt32>
  private var idCount = 0
  private var context = 0
  private let keys: UnsafeMutablePointer<UInt64>
  static let batch = 4096
  /// Tokens added but not yet looked up (a ring).
  private let pending: UnsafeMutablePointer<VocabularyBuilder.Pending>
  private var pendingStart = 0
  private var pendingCount = 0
  /// Copies of long tokens awaiting lookup: fixed chunks that never move, reset per document,
  /// and dedicated allocations for tokens larger than a quarter chunk.
  private var chunks: [UnsafeMutableRawPointer] = unsafe []
  private var chunk = 0
  private var chunkOffset = 0
  private var largeCopies: [UnsafeMutableRawPointer] = unsafe []
  static let chunkSize = 1 << 16
  /// Lookahead of the token pipeline: index prefetch at `ring`, entry prefetch at `ring / 2`.
  static let ring = 32
  /// 1-based index of the current document (0 before the first).
  public private(set) var documents: UInt64 = 0
  /// Tokens seen.
  public private(set) var tokens: UInt64 = 0

  /// The hash seed written into every table this counter produces.
  public static let defaultSeed: UInt64 = 0x7461_696C_7363_616E  // "tailscan"

  /// - Parameter sortBuffer: bigram occurrences buffered before a sort (higher orders buffer
  ///   proportionally fewer, so each order's buffer and scratch take 128 MiB); tests use tiny
  ///   ones so that runs are merged many times.
  public init(maxOrder: Int, seed: UInt64 = NGramCounter.defaultSeed, sortBuffer: Int = 1 << 23)
    throws
  {
    precondition(maxOrder >= 1 && maxOrder <= CountTableFormat.maxOrder)
    let vocabulary = try VocabularyBuilder(seed: seed)
    let builders = maxOrder >= 2 ? try (2...maxOrder).map {
        try NGramBuilder(order: $0, bufferRecords: max(16, sortBuffer / ((($0 + 1) / 2))))
      } : []
    self.maxOrder = maxOrder
    self.vocabulary = vocabulary
    self.builders = builders
    unsafe ids = UnsafeMutablePointer<UInt32>.allocate(capacity: Self.batch + maxOrder)
    unsafe keys = UnsafeMutablePointer<UInt64>.allocate(
      capacity: (Self.batch + maxOrder) * CountTableFormat.keyWords(order: maxOrder))
    unsafe pending = UnsafeMutablePointer<VocabularyBuilder.Pending>.allocate(capacity: Self.ring)
  }

  deinit {
    unsafe ids.deallocate()
    unsafe keys.deallocate()
    unsafe pending.deallocate()
    for unsafe p in unsafe chunks { unsafe p.deallocate() }
    for unsafe p in unsafe largeCopies { unsafe p.deallocate() }
  }

  /// A copy of a long token's bytes that stays put until `endDocument()`.
  private mutating func stash(_ raw: UnsafeRawBufferPointer) -> UnsafeRawPointer {
    let n = raw.count
    if n > Self.chunkSize / 4 {
      let copy = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 8)
      unsafe copy.copyMemory(from: raw.baseAddress!, byteCount: n)
      unsafe largeCopies.append(copy)
      return UnsafeRawPointer(copy)
    }
    if chunkOffset + n > Self.chunkSize {
      chunk += 1
      chunkOffset = 0
    }
    if unsafe chunk == chunks.count {
      unsafe chunks.append(UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 8))
    }
    let target = unsafe chunks[chunk] + chunkOffset
    unsafe target.copyMemory(from: raw.baseAddress!, byteCount: n)
    chunkOffset += n
    return UnsafeRawPointer(target)
  }

  /// Memory held by the counts so far (the tables written from them need about as much again).
  package var memoryBytes: Int {
    vocabulary.memoryBytes + builders.reduce(0) { $0 + $1.memoryBytes }
  }

  /// Starts a new document.
  public mutating func beginDocument() throws(StoreError) {
    try endDocument()
    documents &+= 1
  }

  /// Finishes the current document: looks up its pending tokens and inserts its n-grams.
  public mutating func endDocument() throws(StoreError) {
    while pendingCount > 0 { try resolveOldest() }
    try flush()
    idCount = 0
    context = 0
    chunk = 0
    chunkOffset = 0
    if unsafe !largeCopies.isEmpty {
      for unsafe p in unsafe largeCopies { unsafe p.deallocate() }
      unsafe largeCopies.removeAll()
    }
  }

  /// Adds one token of the current document.
  public mutating func add(token: Span<UInt8>) throws(StoreError) {
    precondition(documents > 0, "call beginDocument() before add(token:)")
    let prepared = unsafe token.withUnsafeBytes { raw in
      let base = unsafe raw.count > 16 ? stash(raw) : raw.baseAddress ?? UnsafeRawPointer(pending)
      return unsafe vocabulary.prepare(base, raw.count)
    }
    tokens &+= 1
    let ring = Self.ring
    unsafe pending[(pendingStart + pendingCount) & (ring - 1)] = prepared
    pendingCount += 1
    if pendingCount > ring / 2 {
      unsafe vocabulary.prefetchEntry(pending[(pendingStart + pendingCount - 1 - ring / 2) & (ring - 1)])
    }
    if pendingCount == ring { try resolveOldest() }
  }

  /// Looks up the oldest pending token and queues its id for the n-gram tables.
  @inline(__always)
  private mutating func resolveOldest() throws(StoreError) {
    let id = try unsafe vocabulary.add(pending[pendingStart], document: documents)
    pendingStart = (pendingStart + 1) & (Self.ring - 1)
    pendingCount -= 1
    if maxOrder == 1 { return }
    unsafe ids[idCount] = id
    idCount += 1
    if idCount - context >= Self.batch { try flush() }
  }

  /// Inserts the n-grams of the buffered ids.
  mutating func flush() throws(StoreError) {
    if idCount <= context { return }
    for builder in builders {
      let order = builder.order
      let words = builder.keyWords
      var n = 0
      var p = max(context, order - 1)
      while p < idCount {
        let first = p - order + 1
        let key = unsafe keys + n * words
        for w in 0..<words {
          let hi = UInt64(unsafe ids[first + 2 * w])
          let lo = 2 * w + 1 < order ? UInt64(unsafe ids[first + 2 * w + 1]) : 0
          unsafe key[w] = hi << 32 | lo
        }
        n += 1
        p += 1
      }
      try unsafe builder.add(keys: keys, count: n, document: documents)
    }
    // Keep the last maxOrder - 1 ids to start the n-grams of the next batch.
    let keep = min(maxOrder - 1, idCount)
    for k in 0..<keep { unsafe ids[k] = ids[idCount - keep + k] }
    idCount = keep
    context = keep
  }
}
