public import TailscanText

/// Counts Razeghi et al.'s number terms (DESIGN §3) over whitespace tokens: ω(x) for numbers and
/// keywords, ω(x1, x2) and ω(x, keyword) pairs, and ω(x1, x2, x3) triples, each with its
/// document frequency.
///
/// Feed it documents as `beginDocument()`, `add(token:)` per whitespace token, `endDocument()`.
/// Numbers are few among tokens, so they are counted in a dictionary; pairs and triples go to
/// the same sort-based builders as n-grams, keyed by dense ids (keywords first, then numbers in
/// order of first sight). A pair or triple of numbers is keyed in string order (`18 24`,
/// `100 7`), a number–keyword pair as (number, keyword).
public struct NumberCounter {
  public let rules: NumberRules
  @usableFromInline let classifier: NumberClassifier
  /// Dense id of each number code seen.
  private var idOfCode: [UInt32: UInt32] = [:]
  /// Per dense id: the number's code (`keywordCode` for keywords), occurrences, documents, and
  /// the last document it was seen in.
  private var codes: [UInt32]
  private var counts: [UInt64]
  private var documentCounts: [UInt64]
  private var lastDocument: [UInt64]
  static let keywordCode = UInt32.max
  let pairs: NGramBuilder
  let triples: NGramBuilder
  private var pairKeys: [UInt64] = []
  private var tripleKeys: [UInt64] = []
  /// Numbers and keywords of the current document within the window before the current token.
  private var recentNumbers: [(position: Int, id: UInt32)] = []
  private var recentKeywords: [(position: Int, id: UInt32)] = []
  @usableFromInline var position = 0
  /// 1-based index of the current document (0 before the first).
  public private(set) var documents: UInt64 = 0
  /// Tokens seen.
  public var tokens: UInt64 { tokenCount }
  @usableFromInline var tokenCount: UInt64 = 0
  static let flushAt = 4096

  /// - Parameter sortBuffer: pair occurrences buffered before a sort (tests use tiny ones).
  public init(rules: NumberRules, sortBuffer: Int = 1 << 20) throws {
    self.rules = rules
    classifier = NumberClassifier(rules: rules)
    let keywords = rules.keywords.count
    codes = [UInt32](repeating: Self.keywordCode, count: keywords)
    counts = [UInt64](repeating: 0, count: keywords)
    documentCounts = counts
    lastDocument = counts
    pairs = try NGramBuilder(order: 2, bufferRecords: sortBuffer)
    triples = try NGramBuilder(order: 3, bufferRecords: sortBuffer)
  }

  /// Memory held by the counts so far.
  package var memoryBytes: Int {
    pairs.memoryBytes + triples.memoryBytes + codes.count * 40 + idOfCode.capacity * 16
  }

  /// Starts a new document.
  public mutating func beginDocument() throws(StoreError) {
    try endDocument()
    documents &+= 1
  }

  /// Finishes the current document.
  public mutating func endDocument() throws(StoreError) {
    try flush()
    recentNumbers.removeAll(keepingCapacity: true)
    recentKeywords.removeAll(keepingCapacity: true)
    position = 0
  }

  /// Adds the next whitespace token of the current document.
  @inlinable @inline(__always)
  public mutating func add(token: Span<UInt8>) throws(StoreError) {
    precondition(documents > 0, "call beginDocument() before add(token:)")
    tokenCount &+= 1
    if classifier.isCandidate(token) { try addCandidate(token) }
    position += 1
  }

  @usableFromInline
  mutating func addCandidate(_ token: Span<UInt8>) throws(StoreError) {
    let term = classifier.classify(token)
    if term != .other { try add(term) }
  }

  private mutating func add(_ term: NumberClassifier.Term) throws(StoreError) {
    let window = rules.window
    recentNumbers.removeAll { position - $0.position > window }
    recentKeywords.removeAll { position - $0.position > window }
    switch term {
    case .number(let code):
      let id = numberID(code)
      see(id)
      for (k, earlier) in recentNumbers.enumerated() {
        pairKeys.append(orderedKey(earlier.id, id))
        // Triples: the earlier number, a number between, and this one.
        for between in recentNumbers[(k + 1)...] {
          var t = (earlier.id, between.id, id)
          if codes[Int(t.1)] < codes[Int(t.0)] { swap(&t.0, &t.1) }
          if codes[Int(t.2)] < codes[Int(t.1)] { swap(&t.1, &t.2) }
          if codes[Int(t.1)] < codes[Int(t.0)] { swap(&t.0, &t.1) }
          tripleKeys.append(UInt64(t.0) << 32 | UInt64(t.1))
          tripleKeys.append(UInt64(t.2) << 32)
        }
      }
      for keyword in recentKeywords { pairKeys.append(UInt64(id) << 32 | UInt64(keyword.id)) }
      recentNumbers.append((position, id))
    case .keyword(let index):
      let id = UInt32(index)
      see(id)
      for number in recentNumbers { pairKeys.append(UInt64(number.id) << 32 | UInt64(id)) }
      recentKeywords.append((position, id))
    case .other:
      return
    }
    if pairKeys.count >= Self.flushAt || tripleKeys.count >= Self.flushAt { try flush() }
  }

  /// The pair key of two numbers, in string order.
  @inline(__always)
  private func orderedKey(_ a: UInt32, _ b: UInt32) -> UInt64 {
    codes[Int(a)] <= codes[Int(b)] ? UInt64(a) << 32 | UInt64(b) : UInt64(b) << 32 | UInt64(a)
  }

  private mutating func numberID(_ code: UInt32) -> UInt32 {
    if let id = idOfCode[code] { return id }
    let id = UInt32(codes.count)
    idOfCode[code] = id
    codes.append(code)
    counts.append(0)
    documentCounts.append(0)
    lastDocument.append(0)
    return id
  }

  @inline(__always)
  private mutating func see(_ id: UInt32) {
    let i = Int(id)
    counts[i] &+= 1
    if lastDocument[i] != documents {
      lastDocument[i] = documents
      documentCounts[i] &+= 1
    }
  }

  private mutating func flush() throws(StoreError) {
    if !pairKeys.isEmpty {
      try pairs.add(keys: pairKeys, document: documents)
      pairKeys.removeAll(keepingCapacity: true)
    }
    if !tripleKeys.isEmpty {
      try triples.add(keys: tripleKeys, document: documents)
      tripleKeys.removeAll(keepingCapacity: true)
    }
  }

  /// The bytes of the term with dense id `id`.
  private func termBytes(_ id: Int) -> [UInt8] {
    codes[id] == Self.keywordCode ? Array(rules.keywords[id].utf8) : NumberCode.decode(codes[id])
  }

  /// Writes `numbers-1.tsc` (numbers and keywords that occurred), `numbers-2.tsc` (pairs) and
  /// `numbers-3.tsc` (triples) into `directory`.
  public mutating func writeTables(to directory: String, seed: UInt64) throws -> [TableSummary] {
    try CountTableWriter.write([tableParts()], to: directory, seed: seed, threads: 1)
  }

  /// The tables, sorted, to be written alone or merged with other counters' (see `TableParts`).
  package mutating func tableParts() throws -> TableParts {
    try endDocument()
    var terms: [(bytes: [UInt8], id: Int)] = []
    for id in codes.indices where counts[id] > 0 { terms.append((termBytes(id), id)) }
    terms.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
    let counts = self.counts
    let documentCounts = self.documentCounts
    let bytes = Dictionary(uniqueKeysWithValues: terms.map { ($0.id, $0.bytes) })
    return try unsafe TableParts(
      family: .numbers, order: terms.map { UInt32($0.id) }, builders: [pairs, triples],
      term: { id, body in
        unsafe bytes[id]!.withUnsafeBytes { raw in unsafe body(raw, counts[id], documentCounts[id]) }
      }, ids: codes.count)
  }
}
