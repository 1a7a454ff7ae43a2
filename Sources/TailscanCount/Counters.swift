import TailscanStore
import TailscanText

/// Everything one run counts, fed one document at a time.
///
/// One mutating method per document keeps the per-token work inside a single exclusive access
/// (a counter captured by the closures of the read loop would be checked at every token).
/// Number terms and entities are over whitespace tokens: when n-grams use them too, one pass
/// over the tokens serves every counter.
struct Counters: ~Copyable {
  /// With '--no-ngrams' the n-gram counter is made but never fed nor written.
  var ngrams: NGramCounter
  let nGramTokenizer: Tokenizer?
  var numbers: NumberCounter?
  var entities: EntityCounter?
  private var scratch: [UInt8]
  private let sharedPass: Bool
  /// Whether `numbers` and `entities` are set (tested once: comparing them with nil copies).
  private let hasNumbers: Bool
  private let hasEntities: Bool

  /// - Parameter sortBytes: memory for each sort buffer (and its scratch); nil for the default.
  init(request: CountRequest, entities: EntityCounter?, sortBytes: Int? = nil) throws {
    let numbers = try request.numbers.map { rules in
      try sortBytes.map { try NumberCounter(rules: rules, sortBuffer: $0 / 32) }
        ?? NumberCounter(rules: rules)
    }
    let maxOrder = request.ngrams ? request.maxOrder : 1
    let ngrams = try sortBytes.map { try NGramCounter(maxOrder: maxOrder, sortBuffer: $0 / 16) }
      ?? NGramCounter(maxOrder: maxOrder)
    let nGramTokenizer = request.ngrams ? request.tokenizer : nil
    sharedPass = nGramTokenizer == .whitespace || (numbers == nil && entities == nil)
    self.nGramTokenizer = nGramTokenizer
    hasNumbers = numbers != nil
    hasEntities = entities != nil
    self.numbers = numbers
    self.entities = entities
    self.ngrams = ngrams
    scratch = []
  }

  /// A warning, once, when every co-occurring entity pair is counted and documents hold so
  /// many that the pair table grows without bound (the cure is a pair list).
  mutating func pairWarning() -> String? {
    guard !warnedAboutPairs, hasEntities, !entities!.countsListedPairsOnly else { return nil }
    let documents = entities!.documents
    let pairs = entities!.pairOccurrences
    guard documents >= 1000, pairs / documents >= 1000 else { return nil }
    warnedAboutPairs = true
    return "documents hold \(pairs / documents) co-occurring entity pairs each on average "
      + "(\(pairs) so far), and every pair is counted: the pair table grows with the square of "
      + "the entities per document. With a large dictionary, count only the pairs you need: "
      + "'--pairs FILE' (e.g. from 'tailscan entities --pairs-output')"
  }
  private var warnedAboutPairs = false

  /// Memory held by the counts so far.
  var memoryBytes: Int {
    ngrams.memoryBytes + (numbers?.memoryBytes ?? 0) + (entities?.memoryBytes ?? 0)
  }

  /// Tokens so far: of the n-gram tokenizer, or whitespace tokens without n-grams.
  var tokens: UInt64 {
    nGramTokenizer != nil ? ngrams.tokens : numbers?.tokens ?? entities?.tokens ?? 0
  }

  /// Counts one document.
  mutating func count(_ text: Span<UInt8>, id: UInt64) throws {
    let counting = nGramTokenizer != nil
    // Moved out for the document and back after (no copies; a throw ends the run anyway).
    var numbers = self.numbers.take()
    var entities = self.entities.take()
    defer {
      self.numbers = numbers.take()
      self.entities = entities.take()
    }
    if counting { try ngrams.beginDocument() }
    if hasNumbers { try numbers!.beginDocument() }
    if hasEntities { try entities!.beginDocument(id: id) }
    // Entities take the whole text: they split it themselves, in one pass with their lookups.
    if hasEntities { entities!.add(text: text) }
    if sharedPass {
      if counting || hasNumbers {
        try (nGramTokenizer ?? .whitespace).forEachToken(in: text, scratch: &scratch) { token in
          if counting { try ngrams.add(token: token) }
          if hasNumbers { try numbers!.add(token: token) }
        }
      }
    } else {
      if let nGramTokenizer {
        try nGramTokenizer.forEachToken(in: text, scratch: &scratch) { token in
          try ngrams.add(token: token)
        }
      }
      if hasNumbers {
        try Tokenizer.whitespace.forEachToken(in: text, scratch: &scratch) { token in
          try numbers!.add(token: token)
        }
      }
    }
    if counting { try ngrams.endDocument() }
    if hasNumbers { try numbers!.endDocument() }
    if hasEntities { try entities!.endDocument() }
  }

  /// Everything counted, sorted, to be written alone or merged with other counters' (the
  /// workers of a count); the counters take no more documents.
  struct Parts: Sendable {
    var ngrams: TableParts?
    var numbers: TableParts?
    var entities: EntityCounter.Parts?
  }

  mutating func parts() throws -> Parts {
    Parts(
      ngrams: nGramTokenizer != nil ? try ngrams.tableParts() : nil,
      numbers: try numbers?.tableParts(), entities: try entities?.tableParts())
  }

  /// Writes the tables of `parts` merged into `directory`; `shardMaps[p]` renumbers the shards
  /// of part p's document ids.
  static func write(
    _ parts: [Parts], shardMaps: [[Int]?], to directory: String, threads: Int,
    minimumPart: Int = 1 << 20
  ) throws -> [TableSummary] {
    let seed = NGramCounter.defaultSeed
    var tables: [TableSummary] = []
    if parts[0].ngrams != nil {
      tables += try CountTableWriter.write(
        parts.map { $0.ngrams! }, to: directory, seed: seed, threads: threads,
        minimumPart: minimumPart)
    }
    if parts[0].numbers != nil {
      tables += try CountTableWriter.write(
        parts.map { $0.numbers! }, to: directory, seed: seed, threads: threads,
        minimumPart: minimumPart)
    }
    if parts[0].entities != nil {
      tables += try EntityCounter.write(
        parts.map { $0.entities! }, shardMaps: shardMaps, to: directory, seed: seed,
        threads: threads, minimumPart: minimumPart)
    }
    return tables
  }

  /// Writes every table into `directory`.
  mutating func writeTables(to directory: String) throws -> [TableSummary] {
    var tables = nGramTokenizer != nil ? try ngrams.writeTables(to: directory) : []
    tables += try numbers?.writeTables(to: directory, seed: NGramCounter.defaultSeed) ?? []
    tables += try entities?.writeTables(to: directory, seed: NGramCounter.defaultSeed) ?? []
    return tables
  }
}
