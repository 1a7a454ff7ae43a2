import Foundation
import TailscanIO

/// What `tailscan entities` needs, filled in by the command line.
public struct EntitiesRequest: Sendable {
  /// Answer logs (JSONL, plain or gzip).
  public var inputs: [String]
  /// The entity dictionary to write.
  public var output: String
  /// Where to write the question–answer entity pairs, if anywhere.
  public var pairsOutput: String?
  public var skipBadLines: Bool
  /// Replace existing output files.
  public var overwrite: Bool

  public init(
    inputs: [String], output: String, pairsOutput: String? = nil, skipBadLines: Bool = false,
    overwrite: Bool = false
  ) {
    self.inputs = inputs
    self.output = output
    self.pairsOutput = pairsOutput
    self.skipBadLines = skipBadLines
    self.overwrite = overwrite
  }
}

/// Builds entity dictionaries from QA answer logs (DESIGN §4–§5).
///
/// Each line of a log is one answered question, a JSON object. Its entities come from:
/// - `question_entities` and `answer_entities`: a list (or a single item) of names, bare
///   Wikidata ids (`Q90`: usable only if some line gives the id a name or aliases), or objects
///   `{"id", "name", "aliases"}`;
/// - failing `answer_entities`, the answer aliases: `answers`, `answer`, then `gold`, `target`
///   (at the top level or in the lm-evaluation-harness `doc`), each a string, a list of strings
///   or a TriviaQA answer object `{"value", "aliases", "normalized_aliases"}`. They make one
///   answer entity whose id is the canonical value (else the first alias).
public enum EntityLog {
  /// Whether `text` is a bare Wikidata id, `^Q[0-9]+$`: an id with no name.
  package static func isWikidataID(_ text: String) -> Bool {
    let bytes = text.utf8
    return bytes.count >= 2 && bytes.first == UInt8(ascii: "Q")
      && bytes.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
  }

  /// How many skipped lines the report lists one by one (all are counted).
  static let listedSkips = 5
  /// How many ids without aliases the report lists one by one (all are counted).
  static let listedUnnamed = 3

  /// Reads answer logs (plain or gzip JSONL) in order and builds their entity dictionary.
  ///
  /// - Throws: `CountError.badLogLine` for a line that is not a JSON object unless
  ///   `skipBadLines`; `IOError` when a file cannot be read.
  public static func read(_ paths: [String], skipBadLines: Bool = false) throws
    -> EntityLogDictionary
  {
    var builder = EntityDictionaryBuilder()
    for path in paths {
      builder.report.files.append(path)
      var reader = try ShardReader(path: path)
      var bytes: [UInt8] = []
      try reader.forEachLine { line, position in
        bytes.removeAll(keepingCapacity: true)
        for i in line.indices { bytes.append(line[i]) }
        do throws(BadLine) {
          try builder.add(line: bytes)
        } catch {
          guard skipBadLines else {
            throw CountError.badLogLine(path: path, line: position.number, reason: error.reason)
          }
          builder.report.skippedLines += 1
          if builder.report.firstSkippedLines.count < listedSkips {
            builder.report.firstSkippedLines.append(
              .init(path: path, line: position.number, reason: error.reason))
          }
        }
      }
    }
    return builder.finish()
  }
}

/// Why a line is not an answered question.
private struct BadLine: Error {
  var reason: String
}

/// An entity as one line gives it; ids and aliases already cleaned.
private struct RawEntity {
  var id: String
  var aliases: [String]
}

/// Collects entities, merging those with the same id, and the pairs of each question.
private struct EntityDictionaryBuilder {
  /// How each question's entities were found.
  private enum Source {
    case entityFields, answerAliases
  }

  var report = EntityLogReport()
  /// Entities by the UTF-8 bytes of their id (not `String`, whose `==` is canonical
  /// equivalence: ids and aliases are kept exactly).
  private var indexByID: [[UInt8]: Int] = [:]
  private var ids: [[UInt8]] = []
  private var aliases: [[String]] = []
  private var aliasBytes: [Set<[UInt8]>] = []
  /// Pairs of entity indices, the smaller index first.
  private var pairs: Set<IndexPair> = []
  /// Each question's source and entities, judged once all lines are read (an id without
  /// aliases may get some on a later line).
  private var questions: [(source: Source, entities: [Int])] = []

  private struct IndexPair: Hashable {
    var a: Int
    var b: Int
  }

  /// Adds the entities of one line; empty and blank lines are passed over.
  mutating func add(line: [UInt8]) throws(BadLine) {
    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
    let parsed: Any
    do {
      parsed = try JSONSerialization.jsonObject(with: Data(line))
    } catch {
      throw BadLine(reason: "not valid JSON (or not UTF-8)")
    }
    guard let object = parsed as? [String: Any] else {
      throw BadLine(reason: "a JSON \(parsed is [Any] ? "array" : "value"), not an object")
    }
    report.questions += 1
    let doc = object["doc"] as? [String: Any]
    /// A field at the top level, else in the lm-evaluation-harness `doc`; null is absent.
    func field(_ name: String) -> Any? {
      // `type(of:)`, not `is NSNull`: the cast would bridge every array and object it tests.
      if let value = object[name], type(of: value) != NSNull.self { return value }
      if let value = doc?[name], type(of: value) != NSNull.self { return value }
      return nil
    }

    var source = Source.answerAliases
    var questionEntities: [Int] = []
    var answerEntities: [Int] = []
    if let items = Self.entityItems(field("question_entities")) {
      source = .entityFields
      questionEntities = items.map { insert($0) }
    }
    if let items = Self.entityItems(field("answer_entities")) {
      source = .entityFields
      answerEntities = items.map { insert($0) }
    } else {
      for name in ["answers", "answer", "gold", "target"] {
        if let value = field(name), let entity = Self.answerEntity(value) {
          answerEntities = [insert(entity)]
          break
        }
      }
    }
    for q in questionEntities {
      for a in answerEntities where q != a {
        pairs.insert(IndexPair(a: min(q, a), b: max(q, a)))
      }
    }
    questions.append((source, questionEntities + answerEntities))
  }

  /// Adds `entity`, merging it with an earlier one of the same id; returns its index.
  private mutating func insert(_ entity: RawEntity) -> Int {
    let key = Array(entity.id.utf8)
    let index: Int
    if let existing = indexByID[key] {
      index = existing
    } else {
      index = ids.count
      indexByID[key] = index
      ids.append(key)
      aliases.append([])
      aliasBytes.append([])
    }
    for alias in entity.aliases where aliasBytes[index].insert(Array(alias.utf8)).inserted {
      aliases[index].append(alias)
    }
    return index
  }

  /// The dictionary: usable entities in id byte order, pairs of usable entities, the report.
  consuming func finish() -> EntityLogDictionary {
    let usable = aliases.map { !$0.isEmpty }
    for (_, entities) in questions where !entities.contains(where: { usable[$0] }) {
      report.withoutUsableEntity += 1
    }
    for (source, entities) in questions where entities.contains(where: { usable[$0] }) {
      switch source {
      case .entityFields: report.withEntityFields += 1
      case .answerAliases: report.fromAnswerAliases += 1
      }
    }
    let order = ids.indices.sorted { ids[$0].lexicographicallyPrecedes(ids[$1]) }
    var entities: [Entity] = []
    for index in order {
      let id = String(decoding: ids[index], as: UTF8.self)
      if usable[index] {
        entities.append(Entity(id: id, aliases: aliases[index]))
      } else {
        report.entitiesWithoutAliases += 1
        if report.firstEntitiesWithoutAliases.count < EntityLog.listedUnnamed {
          report.firstEntitiesWithoutAliases.append(id)
        }
      }
    }
    // Ids are distinct, so comparing their ranks in `order` compares their bytes.
    var rank = [Int](repeating: 0, count: ids.count)
    for (position, index) in order.enumerated() { rank[index] = position }
    let sortedPairs =
      pairs
      .filter { usable[$0.a] && usable[$0.b] }
      .map { rank[$0.a] < rank[$0.b] ? ($0.a, $0.b) : ($0.b, $0.a) }
      .sorted { (rank[$0.0], rank[$0.1]) < (rank[$1.0], rank[$1.1]) }
      .map {
        EntityPair(
          String(decoding: ids[$0.0], as: UTF8.self), String(decoding: ids[$0.1], as: UTF8.self))
      }
    return EntityLogDictionary(entities: entities, pairs: sortedPairs, report: report)
  }

  // MARK: - Shapes

  /// The entities of a `question_entities`/`answer_entities` value (a list, or one item), or
  /// nil when it holds none.
  private static func entityItems(_ value: Any?) -> [RawEntity]? {
    guard let value else { return nil }
    let items = value is String || value is [String: Any] ? [value] : value as? [Any] ?? []
    let entities = items.compactMap { item -> RawEntity? in
      if let text = item as? String {
        guard let id = clean(text) else { return nil }
        return RawEntity(id: id, aliases: EntityLog.isWikidataID(text) ? [] : [id])
      }
      if let object = item as? [String: Any] {
        let name = (object["name"] as? String).flatMap(clean)
        let aliases = [name].compactMap { $0 } + strings(object["aliases"])
        guard let id = (object["id"] as? String).flatMap(clean) ?? aliases.first else { return nil }
        return RawEntity(id: id, aliases: aliases)
      }
      return nil
    }
    return entities.isEmpty ? nil : entities
  }

  /// The answer entity of an answer field: a string, a list of strings, or a TriviaQA answer
  /// object; nil when it has no alias.
  private static func answerEntity(_ value: Any) -> RawEntity? {
    var canonical: String? = nil
    var aliases: [String]
    if let object = value as? [String: Any] {
      canonical = (object["value"] as? String).flatMap(clean)
      aliases = [canonical].compactMap { $0 } + strings(object["aliases"])
      if aliases.isEmpty { aliases = strings(object["normalized_aliases"]) }
    } else {
      aliases = strings(value)
    }
    guard let id = canonical ?? aliases.first else { return nil }
    return RawEntity(id: id, aliases: aliases)
  }

  /// The cleaned, non-blank strings of a string or a list (other items are passed over).
  private static func strings(_ value: Any?) -> [String] {
    if let text = value as? String { return clean(text).map { [$0] } ?? [] }
    guard let list = value as? [Any] else { return [] }
    return list.compactMap { ($0 as? String).flatMap(clean) }
  }

  /// `text` with tabs, carriage returns and line feeds replaced by spaces (they separate TSV
  /// fields and lines) and white space at its ends removed (answers often start with a space;
  /// `count` refuses ids with white space at an edge), or nil when nothing is left.
  static func clean(_ text: String) -> String? {
    var scalars = Array(text.unicodeScalars).map {
      $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0
    }
    while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
    let start = scalars.firstIndex { !$0.properties.isWhitespace } ?? scalars.count
    scalars.removeFirst(start)
    if scalars.isEmpty { return nil }
    var cleaned = ""
    cleaned.unicodeScalars.append(contentsOf: scalars)
    return cleaned
  }

}
