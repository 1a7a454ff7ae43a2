import Foundation
public import TailscanStore
public import TailscanText

/// The count of one term, as `tailscan query` reports it.
public struct TermCount: Sendable, Equatable {
  /// `number`, `number-pair`, `number-triple`, `number-keyword`, `entity`, `entity-pair`.
  public var kind: String
  /// The terms, space-separated: pairs and triples in string order (`18 24`), a number–keyword
  /// pair as number then keyword (`24 minute`), entities by id.
  public var key: String
  /// Occurrences (for entities, mentions; for entity pairs, documents containing both).
  public var count: UInt64
  public var documents: UInt64
  public init(kind: String, key: String, count: UInt64, documents: UInt64) {
    self.kind = kind
    self.key = key
    self.count = count
    self.documents = documents
  }
}

/// Looks up number terms and entities in a table directory.
public final class TermLookup {
  public let directory: String
  private var numberTable: CountTable?
  private var entityTable: CountTable?
  private var matcher: EntityMatcher?

  public init(directory: String) { self.directory = directory }

  private func numbers() throws -> CountTable {
    if let numberTable { return numberTable }
    let table = try CountTable(directory: directory, family: .numbers)
    numberTable = table
    return table
  }

  private func entities() throws -> CountTable {
    if let entityTable { return entityTable }
    let table = try CountTable(directory: directory, family: .entities)
    entityTable = table
    return table
  }

  private func rules() throws -> NumberRules {
    try numbers().manifest.settings.numbers ?? NumberRules()
  }

  /// Each of `values` (1 to 3 numbers), each pair of them, and with three, the triple.
  public func numbers(_ values: [String]) throws -> [TermCount] {
    precondition((1...3).contains(values.count))
    func count(_ terms: [String], kind: String) throws -> TermCount {
      let counts = try numberCounts(terms)
      let key = terms.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        .joined(separator: " ")
      return TermCount(kind: kind, key: key, count: counts.count, documents: counts.documents)
    }
    var result: [TermCount] = []
    for (i, value) in values.enumerated() where !values[..<i].contains(value) {
      result.append(try count([value], kind: "number"))
    }
    for i in values.indices {
      for j in values.indices where j > i {
        result.append(try count([values[i], values[j]], kind: "number-pair"))
      }
    }
    if values.count == 3 { result.append(try count(values, kind: "number-triple")) }
    return result
  }

  /// The number–keyword pair; the keyword may be written as in text (`Minutes`).
  public func numberKeyword(_ number: String, _ keyword: String) throws -> TermCount {
    let counts = try numberKeywordCounts(number, keyword)
    let name = try self.keyword(keyword) ?? keyword
    return TermCount(
      kind: "number-keyword", key: "\(number) \(name)", count: counts.count,
      documents: counts.documents)
  }

  /// The table id of an entity given by id or, failing that, by one of its aliases.
  public func entityID(_ text: String) throws -> UInt32 {
    let table = try entities()
    if let id = try table.tokenID(Array(text.utf8)) { return id }
    let matcher = try dictionary()
    let found = matcher.entities(forAlias: text)
    guard let first = found.first else { throw TermError.unknownEntity(text) }
    guard found.count == 1 else {
      throw TermError.ambiguousAlias(text, ids: found.map { matcher.entityIDs[Int($0)] })
    }
    // The rebuilt matcher numbers entities by itself: go through the id.
    guard let id = try table.tokenID(Array(matcher.entityIDs[Int(first)].utf8)) else {
      throw TermError.unknownEntity(text)
    }
    return id
  }

  /// The dictionary kept in the table directory.
  public func dictionary() throws -> EntityMatcher {
    if let matcher { return matcher }
    let table = try entities()
    let loaded = try EntityDictionary.read(path: "\(directory)/\(Manifest.dictionaryFileName)")
    let built = EntityMatcher(
      entries: loaded.entries,
      foldsCase: !(table.manifest.settings.entities?.caseSensitive ?? false))
    matcher = built
    return built
  }

  /// Entity `text` (an id or an alias): its mentions and documents.
  public func entity(_ text: String) throws -> TermCount {
    let table = try entities()
    let id = try entityID(text)
    let counts = try table.counts(ofIDs: [id])
    return TermCount(
      kind: "entity", key: String(decoding: try table.tokenBytes(id), as: UTF8.self),
      count: counts.count, documents: counts.documents)
  }

  /// With tables counted from a pair list, the pairs listed (`id1<TAB>id2`, in byte order).
  private var listed: Set<String>??
  private func listedPairs() throws -> Set<String>? {
    if let listed { return listed }
    var result: Set<String>?
    let path = "\(directory)/\(Manifest.pairListFileName)"
    if try entities().manifest.settings.entities?.pairs != nil {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw EntityError.unreadable(path: path)
      }
      result = Set(lines(of: [UInt8](data)).filter { !$0.isEmpty })
    }
    listed = .some(result)
    return result
  }

  /// Splits `A:B` into two entities (at whichever ':' leaves two known entities).
  public func pairIDs(_ spec: String) throws -> (UInt32, UInt32) {
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
    var ambiguity: TermError?
    /// The entity `text` names, nil if none; an ambiguous alias is remembered.
    func resolve(_ text: String) throws -> UInt32? {
      do {
        return try entityID(text)
      } catch let error as TermError {
        if case .ambiguousAlias = error { ambiguity = ambiguity ?? error }
        return nil
      }
    }
    for cut in 1..<max(1, parts.count) {
      let a = parts[..<cut].joined(separator: ":")
      let b = parts[cut...].joined(separator: ":")
      if let x = try resolve(a), let y = try resolve(b) { return (x, y) }
    }
    if let ambiguity { throw ambiguity }
    guard parts.count >= 2 else { throw TermError.badPair(spec) }
    throw TermError.unknownPair(spec)
  }

  // MARK: - Lookups for the answer-log join (many per second, cached by the caller)

  /// The number-term classifier of these tables.
  private var classifier: NumberClassifier?
  private func numberClassifier() throws -> NumberClassifier {
    if let classifier { return classifier }
    let made = NumberClassifier(rules: try rules())
    classifier = made
    return made
  }

  /// The counts of a number, or of the pair or triple of `values` (1 to 3 number terms, in any
  /// order: they are keyed in string order).
  ///
  /// - Throws: `TermError.notANumber` for a value that is not a number term of these tables;
  ///   `StoreError.familyNotCounted` when the tables hold no number terms.
  public func numberCounts(_ values: [String]) throws -> NGramCounts {
    precondition((1...3).contains(values.count))
    let table = try numbers()
    let classifier = try numberClassifier()
    for value in values {
      guard case .number = classifier.classify(Array(value.utf8).span) else {
        throw TermError.notANumber(value, maxDigits: classifier.rules.maxDigits)
      }
    }
    let sorted = values.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    return try table.counts(of: sorted)
  }

  /// The counts of the pair of `number` and `keyword` (a unit or operator as written in text:
  /// `minutes` is the keyword `minute`).
  public func numberKeywordCounts(_ number: String, _ keyword: String) throws -> NGramCounts {
    let table = try numbers()
    let classifier = try numberClassifier()
    guard case .number = classifier.classify(Array(number.utf8).span) else {
      throw TermError.notANumber(number, maxDigits: classifier.rules.maxDigits)
    }
    guard case .keyword(let index) = classifier.classify(Array(keyword.utf8).span) else {
      throw TermError.notAKeyword(keyword, rules: classifier.rules)
    }
    return try table.counts(of: [Array(number.utf8), Array(classifier.rules.keywords[index].utf8)])
  }

  /// The keyword `token` is, as the tables key it (`Minutes` → `minute`), or nil.
  public func keyword(_ token: String) throws -> String? {
    let classifier = try numberClassifier()
    guard case .keyword(let index) = classifier.classify(Array(token.utf8).span) else {
      return nil
    }
    return classifier.rules.keywords[index]
  }

  /// The counts of the entity with table id `id`: mentions and documents.
  public func entityCounts(_ id: UInt32) throws -> NGramCounts {
    try entities().counts(ofIDs: [id])
  }

  /// The number of documents containing both entities, or nil when the tables were counted
  /// from a pair list that does not hold this pair.
  public func pairDocuments(_ a: UInt32, _ b: UInt32) throws -> UInt64? {
    let table = try entities()
    if a == b { return try table.counts(ofIDs: [a]).documents }
    let ids = [min(a, b), max(a, b)]
    if let listed = try listedPairs() {
      let names = try ids.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
      guard listed.contains(names.joined(separator: "\t")) else { return nil }
    }
    return try table.counts(ofIDs: ids).count
  }

  /// The table ids of the dictionary entities mentioned in `text`, matched as `count` matches
  /// documents (whitespace tokens, longest match first), each once, in order of first mention.
  public func entitiesMentioned(in text: String) throws -> [UInt32] {
    let matcher = try dictionary()
    let table = try entities()
    var found: [UInt32] = []
    matcher.forEachMatch(in: matcher.matchTokens(of: Array(text.utf8)).ids) { _, named in
      for entity in named {
        if let id = try? table.tokenID(Array(matcher.entityIDs[Int(entity)].utf8)),
          !found.contains(id)
        {
          found.append(id)
        }
      }
    }
    return found
  }

  /// Documents containing both entities of `A:B`.
  public func pair(_ spec: String) throws -> TermCount {
    let table = try entities()
    let (a, b) = try pairIDs(spec)
    let ids = [min(a, b), max(a, b)]
    let names = try ids.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
    if a != b, let listed = try listedPairs(), !listed.contains(names.joined(separator: "\t")) {
      throw TermError.pairNotCounted(spec, list: table.manifest.settings.entities?.pairs ?? "")
    }
    let counts = a == b ? try table.counts(ofIDs: [a]) : try table.counts(ofIDs: ids)
    return TermCount(
      kind: "entity-pair", key: names.joined(separator: " "),
      count: a == b ? counts.documents : counts.count, documents: counts.documents)
  }
}

/// Errors of term queries.
public enum TermError: Error, Sendable, Equatable, CustomStringConvertible {
  case notANumber(String, maxDigits: Int)
  case notAKeyword(String, rules: NumberRules)
  case unknownEntity(String)
  case ambiguousAlias(String, ids: [String])
  case badPair(String)
  case unknownPair(String)
  case pairNotCounted(String, list: String)

  public var description: String {
    switch self {
    case .notANumber(let s, let digits):
      "'\(s)' is not a number term (1 to \(digits) ASCII digits, nothing else)"
    case .notAKeyword(let s, let rules):
      "'\(s)' is not a keyword of these tables (units: \(rules.units.joined(separator: " ")); "
        + "operators: \(rules.operators.joined(separator: " ")))"
    case .unknownEntity(let s):
      "'\(s)' is neither an entity id nor an alias in the dictionary these tables were counted with"
    case .ambiguousAlias(let s, let ids):
      "'\(s)' is an alias of several entities (\(ids.joined(separator: ", "))); give the id"
    case .badPair(let s): "'\(s)' is not a pair; write it as 'ID1:ID2'"
    case .pairNotCounted(let s, let list):
      "'\(s)' was not counted: these tables counted only the pairs in '\(list)'; recount with "
        + "the pair listed (or without '--pairs'), or see 'tailscan docs' with '--keep-doc-ids'"
    case .unknownPair(let s):
      "'\(s)' does not split into two known entities at a ':'; check the ids (or aliases)"
    }
  }
}
