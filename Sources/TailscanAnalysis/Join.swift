import Foundation
import TailscanCount
import TailscanStore

/// What an instance's frequency is measured by (DESIGN §5–§6).
public enum CorrelateKey: String, Sendable, Codable, CaseIterable {
  /// ω(x1): occurrences of the first operand.
  case x1
  /// ω(x1,x2): the operands within the window.
  case x1x2
  /// ω(x1,y): the first operand and the gold answer.
  case x1y
  /// ω(x1,x2,y): the triple.
  case x1x2y
  /// ω(x1,unit): the operand and the unit converted from (time-unit conversion).
  case x1unit
  /// min(ω(x1,unit), ω(x2,unit)): both operands with the unit. The tables hold number–keyword
  /// pairs, not number–number–keyword triples, so this is the weaker of the two pairs.
  case x1x2unit
  /// Kandpal et al.'s relevant documents: the most documents any question entity shares with
  /// an answer entity.
  case relevant
  /// The most documents (or mentions) of any question entity.
  case question
  /// The most documents (or mentions) of any answer entity.
  case answer

  /// The keys that apply to `kind`.
  public static func keys(for kind: AnswerKind) -> [CorrelateKey] {
    switch kind {
    case .arithmetic: [.x1, .x1x2, .x1y, .x1x2y, .x1unit, .x1x2unit]
    case .qa: [.relevant, .question, .answer]
    }
  }

}

/// How a frequency is measured.
public enum FrequencyMeasure: String, Sendable, Codable, CaseIterable {
  /// Occurrences (Razeghi et al.'s ω); for entities, mentions.
  case occurrences
  /// Documents containing the terms (Kandpal et al.); entity pairs are always documents.
  case documents
}

/// A key's value for one instance.
enum KeyValue: Equatable {
  /// The key (a number for it: equal numbers, equal keys; `FrequencyJoin.label` names it) and
  /// its frequency.
  case found(id: Int, frequency: UInt64)
  /// Why the instance has no value for this key.
  case unmatched(String)
}

/// Looks up the frequency of each key of each instance in the count tables, caching every
/// lookup (logs repeat their keys across seeds, shots and models).
///
/// Not thread-safe: its caches are its own. `Correlate` hands each to one worker at a time
/// through a pool, hence `@unchecked Sendable`.
final class FrequencyJoin: @unchecked Sendable {
  let lookup: TermLookup
  let measure: FrequencyMeasure
  /// Number terms as a key of the caches: up to three terms, or a number and a keyword.
  private struct NumberTerms: Hashable {
    enum Kind: UInt8 { case numbers, keyword, unitPair }
    var kind: Kind
    var first: String
    var second: String?
    var third: String?
  }
  private var numberCache: [NumberTerms: KeyValue] = [:]
  /// The entity each text names (id or alias), nil for none.
  private var idCache: [String: UInt32?] = [:]
  /// The entities each answer alias mentions.
  private var aliasCache: [String: [UInt32]] = [:]
  /// The entities each question mentions, by `AnswerInstance.questionID` (shared by every
  /// join of a pool: found once, on all cores, by `JoinPool.resolveEntities`).
  var questionMentions: [[UInt32]] = []
  /// Each instance's values of the entity keys, by `AnswerInstance.index` (shared likewise).
  var entityValues: [EntityValues] = []
  private var countCache: [UInt32: UInt64] = [:]
  private var pairCache: [UInt64: UInt64?] = [:]

  init(directory: String, measure: FrequencyMeasure) {
    lookup = TermLookup(directory: directory)
    self.measure = measure
  }

  /// The value of `key` for instance `i` of `instances`. Read field by field, an instance is
  /// not copied.
  ///
  /// - Throws: errors of the tables themselves (missing family, corruption), never a
  ///   per-instance problem: those are `.unmatched`.
  func value(_ key: CorrelateKey, of instances: [AnswerInstance], at i: Int) throws -> KeyValue {
    switch key {
    case .x1, .x1x2, .x1y, .x1x2y:
      guard let x1 = instances[i].x1 else { return .unmatched("no x1") }
      let withX2 = key == .x1x2 || key == .x1x2y
      let withGold = key == .x1y || key == .x1x2y
      if withX2 && instances[i].x2 == nil { return .unmatched("no x2") }
      if withGold && instances[i].gold == nil { return .unmatched("no gold answer") }
      let rest = [withX2 ? instances[i].x2 : nil, withGold ? instances[i].gold : nil]
        .compactMap { $0 }
      return try numbers(
        NumberTerms(kind: .numbers, first: x1, second: rest.first, third: rest.dropFirst().first))
    case .x1unit, .x1x2unit:
      guard let x1 = instances[i].x1 else { return .unmatched("no x1") }
      guard let unit = instances[i].unit else { return .unmatched("no unit") }
      guard let keyword = try lookup.keyword(unit) else {
        return .unmatched("'\(unit)' is not a unit keyword of the tables")
      }
      let first = try numberKeyword(x1, keyword)
      guard key == .x1x2unit else { return first }
      guard let x2 = instances[i].x2 else { return .unmatched("no x2") }
      let second = try numberKeyword(x2, keyword)
      switch (first, second) {
      case (.found(_, let a), .found(_, let b)):
        return .found(
          id: intern(NumberTerms(kind: .unitPair, first: x1, second: x2, third: keyword)),
          frequency: min(a, b))
      case (.unmatched(let reason), _), (_, .unmatched(let reason)):
        return .unmatched(reason)
      }
    case .relevant, .question, .answer:
      let values = entityValues[i]
      let value =
        key == .answer ? values.answer : key == .question ? values.question : values.relevant
      switch value {
      case .found(let frequency):
        // Questions are interned when read; an instance without one is a key of its own.
        let id = instances[i].questionID >= 0 ? instances[i].questionID : -1 - instances[i].index
        return .found(id: id, frequency: frequency)
      case .unmatched(let reason):
        return .unmatched(reason.rawValue)
      }
    }
  }

  /// The text of the key numbered `id` (`value` gave it for instance `i`).
  func label(_ key: CorrelateKey, id: Int, of instances: [AnswerInstance], at i: Int) -> String {
    switch key {
    case .relevant, .question, .answer:
      // Without a question text, the line is the key: of its log, as lines of two logs differ.
      return instances[i].question ?? "log \(instances[i].file + 1) line \(instances[i].line)"
    default:
      return numberLabels[id]
    }
  }

  // MARK: - Numbers

  private func numbers(_ terms: NumberTerms) throws -> KeyValue {
    try cachedNumbers(terms) {
      try lookup.numberCounts([terms.first] + [terms.second, terms.third].compactMap { $0 })
    }
  }

  private func numberKeyword(_ number: String, _ keyword: String) throws -> KeyValue {
    try cachedNumbers(NumberTerms(kind: .keyword, first: number, second: keyword)) {
      try lookup.numberKeywordCounts(number, keyword)
    }
  }

  /// The value of number terms `key`: looked up with `counts` the first time.
  private func cachedNumbers(
    _ key: NumberTerms, _ counts: () throws -> NGramCounts
  ) throws -> KeyValue {
    if let cached = numberCache[key] { return cached }
    let result: KeyValue
    do {
      result = .found(id: intern(key), frequency: pick(try counts()))
    } catch TermError.notANumber(let value, let digits) {
      result = .unmatched("'\(value)' is not a number term (1 to \(digits) ASCII digits)")
    }
    numberCache[key] = result
    return result
  }

  /// Numbers for the keys of number terms, and their texts by number.
  private var labelIDs: [NumberTerms: Int] = [:]
  private var numberLabels: [String] = []

  /// The number of `terms` (the next one when new).
  private func intern(_ terms: NumberTerms) -> Int {
    if let id = labelIDs[terms] { return id }
    labelIDs[terms] = numberLabels.count
    numberLabels.append(
      ([terms.first] + [terms.second, terms.third].compactMap { $0 }).joined(separator: " "))
    return numberLabels.count - 1
  }

  private func pick(_ counts: NGramCounts) -> UInt64 {
    measure == .occurrences ? counts.count : counts.documents
  }

  // MARK: - Entities (Kandpal et al.)

  /// The values of the entity keys `wanted` of instance `i`: its answer and question entities
  /// found, then their document (or mention) counts; keys not wanted are not looked up.
  func entityValues(
    of instances: [AnswerInstance], at i: Int, wanted: Set<CorrelateKey>
  ) throws -> EntityValues {
    let answers = try answerEntities(of: instances, at: i)
    guard !answers.isEmpty else {
      let reason: EntityValues.Reason =
        instances[i].answerEntities == nil ? .noAnswerAlias : .noAnswerEntity
      return EntityValues(
        relevant: .unmatched(reason), question: .unmatched(reason), answer: .unmatched(reason))
    }
    var values = EntityValues(
      relevant: .unmatched(.notAsked), question: .unmatched(.notAsked),
      answer: .unmatched(.notAsked))
    if wanted.contains(.answer) {
      values.answer = .found(try answers.map(entityFrequency).max() ?? 0)
    }
    guard wanted.contains(.question) || wanted.contains(.relevant) else { return values }
    let questions = try questionEntities(of: instances, at: i).filter { !answers.contains($0) }
    guard !questions.isEmpty else {
      let reason: EntityValues.Reason =
        instances[i].questionEntities == nil ? .noQuestionMention : .noQuestionEntity
      (values.relevant, values.question) = (.unmatched(reason), .unmatched(reason))
      return values
    }
    if wanted.contains(.question) {
      values.question = .found(try questions.map(entityFrequency).max() ?? 0)
    }
    guard wanted.contains(.relevant) else { return values }
    var best: UInt64 = 0
    for q in questions {
      for a in answers {
        guard let shared = try pairDocuments(q, a) else {
          values.relevant = .unmatched(.pairNotCounted)
          return values
        }
        best = max(best, shared)
      }
    }
    values.relevant = .found(best)
    return values
  }

  /// What the question text of each of `questions` (by question number) mentions.
  func mentions(of questions: ArraySlice<String>) throws -> [[UInt32]] {
    try questions.map { try lookup.entitiesMentioned(in: $0) }
  }

  /// The table ids of the mentions that name a dictionary entity (by id, else by a name).
  private func resolve(_ mentions: [EntityMention]) throws -> [UInt32] {
    var ids: [UInt32] = []
    for mention in mentions {
      for text in [mention.id].compactMap({ $0 }) + mention.names {
        if let id = try entityID(text) {
          if !ids.contains(id) { ids.append(id) }
          break
        }
      }
    }
    return ids
  }

  /// The table id of the entity `text` names (its id, or an alias naming one entity), or nil.
  private func entityID(_ text: String) throws -> UInt32? {
    if let cached = idCache[text] { return cached }
    var found: UInt32? = nil
    do {
      found = try lookup.entityID(text)
    } catch let error as TermError {
      switch error {
      case .unknownEntity, .ambiguousAlias: found = nil
      default: throw error
      }
    }
    idCache[text] = found
    return found
  }

  /// The entities the question field names, or failing that those its text mentions.
  private func questionEntities(of instances: [AnswerInstance], at i: Int) throws -> [UInt32] {
    if let mentions = instances[i].questionEntities { return try resolve(mentions) }
    guard instances[i].question != nil else { return [] }
    return questionMentions[instances[i].questionID]
  }

  /// The answer entities: those the field names; failing that, the entity the canonical
  /// answer names; failing that, Kandpal et al.'s rule: the entity the aliases mention most.
  private func answerEntities(of instances: [AnswerInstance], at i: Int) throws -> [UInt32] {
    if let mentions = instances[i].answerEntities { return try resolve(mentions) }
    guard let first = instances[i].aliases.first else { return [] }
    if let id = try entityID(first) { return [id] }
    var tally: [(id: UInt32, count: Int)] = []
    for alias in instances[i].aliases {
      let mentioned = try aliasCache[alias] ?? lookup.entitiesMentioned(in: alias)
      aliasCache[alias] = mentioned
      for id in mentioned {
        if let t = tally.firstIndex(where: { $0.id == id }) {
          tally[t].count += 1
        } else {
          tally.append((id, 1))
        }
      }
    }
    // The first of the most mentioned that the question does not mention.
    let inQuestion = try questionEntities(of: instances, at: i)
    tally.removeAll { inQuestion.contains($0.id) }
    guard let most = tally.map(\.count).max(), let top = tally.first(where: { $0.count == most })
    else { return [] }
    return [top.id]
  }

  private func entityFrequency(_ id: UInt32) throws -> UInt64 {
    if let cached = countCache[id] { return cached }
    let counts = try lookup.entityCounts(id)
    let value = pick(counts)
    countCache[id] = value
    return value
  }

  private func pairDocuments(_ a: UInt32, _ b: UInt32) throws -> UInt64? {
    let key = UInt64(min(a, b)) << 32 | UInt64(max(a, b))
    if let cached = pairCache[key] { return cached }
    let value = try lookup.pairDocuments(a, b)
    pairCache[key] = value
    return value
  }
}

/// The values of the entity keys (Kandpal et al.) of one instance.
struct EntityValues: Sendable {
  enum Reason: String, Sendable {
    case noAnswerAlias = "no answer alias names a dictionary entity"
    case noAnswerEntity = "no answer entity is in the dictionary"
    case noQuestionMention = "the question mentions no dictionary entity other than the answer"
    case noQuestionEntity = "no question entity is in the dictionary"
    case pairNotCounted = "a question–answer entity pair was not counted (pair list)"
    /// A key not asked for (never reported).
    case notAsked = "not asked for"
  }
  enum Value: Sendable {
    case found(UInt64)
    case unmatched(Reason)
  }
  var relevant: Value
  var question: Value
  var answer: Value
}

/// Frequency joins for the cores: each worker takes one (whose caches it keeps for its next
/// job) and gives it back. A join is never in two workers' hands at once, which is what makes
/// `FrequencyJoin`'s `@unchecked Sendable` hold.
final class JoinPool: Sendable {
  private let directory: String
  private let measure: FrequencyMeasure
  /// The most workers at once.
  let jobs: Int
  private let idle = Locked<[FrequencyJoin]>([])
  /// What every join shares: the entities each question mentions, and the entity-key values
  /// of each instance.
  private let shared = Locked<(mentions: [[UInt32]], values: [EntityValues])>(([], []))

  init(directory: String, measure: FrequencyMeasure, jobs: Int) {
    self.directory = directory
    self.measure = measure
    self.jobs = jobs
  }

  /// `body` with a join of the pool (an idle one, or a new one), given back afterwards.
  func withJoin<T>(_ body: (FrequencyJoin) throws -> T) rethrows -> T {
    let join =
      idle.withLock { $0.popLast() } ?? FrequencyJoin(directory: directory, measure: measure)
    (join.questionMentions, join.entityValues) = shared.withLock { ($0.mentions, $0.values) }
    defer { idle.withLock { $0.append(join) } }
    return try body(join)
  }

  /// Finds the values of the entity keys `wanted` of every instance on all cores: first what
  /// each distinct question mentions (once per question, not per model that answered it),
  /// then each instance's entities and their counts.
  func resolveEntities(_ instances: [AnswerInstance], wanted: Set<CorrelateKey>) throws {
    var questions: [String] = []
    for i in instances.indices where instances[i].questionID == questions.count {
      // Question numbers are given in order of first appearance.
      questions.append(instances[i].question ?? "")
    }
    let texts = questions
    let mentions = try onAllCores(count: texts.count) { join, range in
      try join.mentions(of: texts[range])
    }
    shared.withLock { $0.mentions = mentions }
    let values = try onAllCores(count: instances.count) { join, range in
      try range.map { try join.entityValues(of: instances, at: $0, wanted: wanted) }
    }
    shared.withLock { $0.values = values }
  }

  /// `body` over `0..<count` in runs, on `jobs` cores; the results in order.
  private func onAllCores<T: Sendable>(
    count: Int, _ body: @Sendable (FrequencyJoin, Range<Int>) throws -> [T]
  ) throws -> [T] {
    let runs = Parallel.pieces(count, jobs: jobs)
    let results = Parallel.map(count: runs, jobs: jobs) { run in
      let range = (run * count / runs)..<((run + 1) * count / runs)
      return Result { try withJoin { try body($0, range) } }
    }
    return try results.flatMap { try $0.get() }
  }
}
