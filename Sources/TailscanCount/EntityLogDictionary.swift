/// One entry of an entity dictionary: an id and the surface forms `tailscan count` matches.
///
/// Ids and aliases are compared by their UTF-8 bytes (no Unicode normalization), and contain no
/// tab, carriage return or line feed.
public struct Entity: Sendable, Equatable {
  /// The entity's id: a Wikidata id such as `Q90`, or the name itself for entities given by name.
  public var id: String
  /// The surface forms, the name first, each once, in the order first seen; never empty.
  public var aliases: [String]

  public init(id: String, aliases: [String]) {
    self.id = id
    self.aliases = aliases
  }

  /// The canonical name: the first alias seen.
  public var name: String { aliases[0] }
}

/// A question entity and an answer entity asked about together, its ids in UTF-8 byte order.
public struct EntityPair: Sendable, Equatable {
  /// The id that sorts first by UTF-8 bytes.
  public var first: String
  /// The id that sorts second by UTF-8 bytes.
  public var second: String

  /// The pair of `a` and `b`, whichever order they come in.
  public init(_ a: String, _ b: String) {
    if b.utf8.lexicographicallyPrecedes(a.utf8) {
      (first, second) = (b, a)
    } else {
      (first, second) = (a, b)
    }
  }
}

/// What reading answer logs found, for the report.
public struct EntityLogReport: Sendable, Equatable {
  /// A line that was skipped with `--skip-bad-lines`.
  public struct SkippedLine: Sendable, Equatable {
    public var path: String
    /// The 1-based line number.
    public var line: Int
    public var reason: String
  }

  /// The answer logs read, in order.
  public var files: [String] = []
  /// Answered questions read: lines that are JSON objects.
  public var questions = 0
  /// Questions with at least one usable entity, some from `question_entities`/`answer_entities`.
  public var withEntityFields = 0
  /// Questions whose usable entity is the answer, taken from the answer aliases.
  public var fromAnswerAliases = 0
  /// Questions left with no usable entity.
  public var withoutUsableEntity = 0
  /// Lines that were not JSON objects, skipped with `--skip-bad-lines`.
  public var skippedLines = 0
  /// The first few of those.
  public var firstSkippedLines: [SkippedLine] = []
  /// Entities that ended with no alias (bare Wikidata ids nothing names): not in the dictionary.
  public var entitiesWithoutAliases = 0
  /// The first few of those ids, in UTF-8 byte order.
  public var firstEntitiesWithoutAliases: [String] = []

  public init() {}
}

/// An entity dictionary built from answer logs: the entities, the question–answer pairs, and
/// what was read.
public struct EntityLogDictionary: Sendable, Equatable {
  /// The entities with at least one alias, sorted by the UTF-8 bytes of their ids.
  public var entities: [Entity]
  /// The distinct question-entity × answer-entity pairs of the questions (both entities in
  /// `entities`, two different ids), sorted by the UTF-8 bytes of `first`, then of `second`.
  public var pairs: [EntityPair]
  public var report: EntityLogReport

  public init(entities: [Entity], pairs: [EntityPair], report: EntityLogReport) {
    self.entities = entities
    self.pairs = pairs
    self.report = report
  }

  /// The number of aliases of all entities (names included).
  public var aliasCount: Int { entities.reduce(0) { $0 + $1.aliases.count } }

  /// The dictionary as `tailscan count --entities` reads it: one line per entity,
  /// `id<TAB>name<TAB>alias<TAB>…`, in the order of `entities`.
  public func entitiesTSV() -> String {
    var text = ""
    for entity in entities {
      text += entity.id
      for alias in entity.aliases { text += "\t" + alias }
      text += "\n"
    }
    return text
  }

  /// The pairs as `tailscan count --pairs` reads them: one `id1<TAB>id2` line per pair.
  public func pairsTSV() -> String {
    var text = ""
    for pair in pairs { text += pair.first + "\t" + pair.second + "\n" }
    return text
  }
}
