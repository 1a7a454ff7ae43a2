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
  /// The key (its text, and a number for it: equal numbers, equal keys) and its frequency.
  case found(label: String, id: Int, frequency: UInt64)
  /// Why the instance has no value for this key.
  case unmatched(String)
}

/// Looks up the frequency of each key of each instance in the count tables, caching every
/// lookup (logs repeat their keys across seeds, shots and models).
final class FrequencyJoin {
  let lookup: TermLookup
  let measure: FrequencyMeasure
  private var numberCache: [String: KeyValue] = [:]
  /// The entity each text names (id or alias), nil for none.
  private var idCache: [String: UInt32?] = [:]
  /// The entities each answer alias mentions.
  private var aliasCache: [String: [UInt32]] = [:]
  /// The entities each question mentions, by `AnswerInstance.questionID`.
  private var questionCache: [Int: [UInt32]] = [:]
  private var countCache: [UInt32: UInt64] = [:]
  private var pairCache: [UInt64: UInt64?] = [:]

  init(directory: String, measure: FrequencyMeasure) {
    lookup = TermLookup(directory: directory)
    self.measure = measure
  }

  /// The value of `key` for `instance`.
  ///
  /// - Throws: errors of the tables themselves (missing family, corruption), never a
  ///   per-instance problem: those are `.unmatched`.
  func value(_ key: CorrelateKey, of instance: AnswerInstance) throws -> KeyValue {
    switch key {
    case .x1, .x1x2, .x1y, .x1x2y:
      var terms: [(name: String, value: String?)] = [("x1", instance.x1)]
      if key == .x1x2 || key == .x1x2y { terms.append(("x2", instance.x2)) }
      if key == .x1y || key == .x1x2y { terms.append(("gold answer", instance.gold)) }
      if let missing = terms.first(where: { $0.value == nil }) {
        return .unmatched("no \(missing.name)")
      }
      return try numbers(terms.compactMap(\.value))
    case .x1unit, .x1x2unit:
      guard let x1 = instance.x1 else { return .unmatched("no x1") }
      guard let unit = instance.unit else { return .unmatched("no unit") }
      guard let keyword = try lookup.keyword(unit) else {
        return .unmatched("'\(unit)' is not a unit keyword of the tables")
      }
      let first = try numberKeyword(x1, keyword)
      guard key == .x1x2unit else { return first }
      guard let x2 = instance.x2 else { return .unmatched("no x2") }
      let second = try numberKeyword(x2, keyword)
      switch (first, second) {
      case (.found(_, _, let a), .found(_, _, let b)):
        let label = "\(x1) \(x2) \(keyword)"
        return .found(label: label, id: intern(label), frequency: min(a, b))
      case (.unmatched(let reason), _), (_, .unmatched(let reason)):
        return .unmatched(reason)
      }
    case .relevant, .question, .answer:
      return try entityValue(key, of: instance)
    }
  }

  // MARK: - Numbers

  private func numbers(_ terms: [String]) throws -> KeyValue {
    // Cached by the terms, length-prefixed: a term may hold a space ("18 432").
    try cachedNumbers(
      key: terms.map { "\($0.utf8.count):\($0)" }.joined(),
      label: terms.joined(separator: " ")
    ) { try lookup.numberCounts(terms) }
  }

  private func numberKeyword(_ number: String, _ keyword: String) throws -> KeyValue {
    // "k…" is never a key of `numbers`, whose keys start with a digit.
    try cachedNumbers(
      key: "k\(number.utf8.count):\(number)\(keyword)", label: "\(number) \(keyword)"
    ) { try lookup.numberKeywordCounts(number, keyword) }
  }

  /// The value of number terms under cache key `key`: looked up with `counts` the first time.
  private func cachedNumbers(
    key: String, label: @autoclosure () -> String, _ counts: () throws -> NGramCounts
  ) throws -> KeyValue {
    if let cached = numberCache[key] { return cached }
    let result: KeyValue
    do {
      result = .found(label: label(), id: intern(key), frequency: pick(try counts()))
    } catch TermError.notANumber(let value, let digits) {
      result = .unmatched("'\(value)' is not a number term (1 to \(digits) ASCII digits)")
    }
    numberCache[key] = result
    return result
  }

  /// Numbers for the keys of number terms.
  private var labelIDs: [String: Int] = [:]

  /// The number of `label` (the next one when new).
  private func intern(_ label: String) -> Int {
    if let id = labelIDs[label] { return id }
    labelIDs[label] = labelIDs.count
    return labelIDs.count - 1
  }

  private func pick(_ counts: NGramCounts) -> UInt64 {
    measure == .occurrences ? counts.count : counts.documents
  }

  // MARK: - Entities (Kandpal et al.)

  /// Each instance's answer and question entities (by `AnswerInstance.index`), found once for
  /// all keys.
  private var instanceEntities: [(answers: [UInt32], questions: [UInt32])?] = []

  private func entityValue(_ key: CorrelateKey, of instance: AnswerInstance) throws -> KeyValue {
    // Without a question text, the line is the key: of its log, as lines of two logs differ.
    let label = instance.question ?? "log \(instance.file + 1) line \(instance.line)"
    // Questions are interned when read; an instance without one is a key of its own.
    let id = instance.questionID >= 0 ? instance.questionID : -1 - instance.index
    if instanceEntities.count <= instance.index {
      instanceEntities.append(
        contentsOf: repeatElement(nil, count: instance.index + 1 - instanceEntities.count))
    }
    let answers: [UInt32]
    let questions: [UInt32]
    if let found = instanceEntities[instance.index] {
      (answers, questions) = found
    } else {
      answers = try answerEntities(of: instance)
      questions = try questionEntities(of: instance).filter { !answers.contains($0) }
      instanceEntities[instance.index] = (answers, questions)
    }
    guard !answers.isEmpty else {
      return .unmatched(
        instance.answerEntities == nil
          ? "no answer alias names a dictionary entity" : "no answer entity is in the dictionary")
    }
    switch key {
    case .answer:
      return .found(
        label: label, id: id, frequency: try answers.map(entityFrequency).max() ?? 0)
    case .question:
      guard !questions.isEmpty else { return .unmatched(noQuestionEntity(instance)) }
      return .found(
        label: label, id: id, frequency: try questions.map(entityFrequency).max() ?? 0)
    default:
      guard !questions.isEmpty else { return .unmatched(noQuestionEntity(instance)) }
      var best: UInt64 = 0
      for q in questions {
        for a in answers {
          guard let shared = try pairDocuments(q, a) else {
            return .unmatched("a question–answer entity pair was not counted (pair list)")
          }
          best = max(best, shared)
        }
      }
      return .found(label: label, id: id, frequency: best)
    }
  }

  private func noQuestionEntity(_ instance: AnswerInstance) -> String {
    instance.questionEntities == nil
      ? "the question mentions no dictionary entity other than the answer"
      : "no question entity is in the dictionary"
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
  private func questionEntities(of instance: AnswerInstance) throws -> [UInt32] {
    if let mentions = instance.questionEntities { return try resolve(mentions) }
    guard let question = instance.question else { return [] }
    if let cached = questionCache[instance.questionID] { return cached }
    let found = try lookup.entitiesMentioned(in: question)
    questionCache[instance.questionID] = found
    return found
  }

  /// The answer entities: those the field names; failing that, the entity the canonical
  /// answer names; failing that, Kandpal et al.'s rule: the entity the aliases mention most.
  private func answerEntities(of instance: AnswerInstance) throws -> [UInt32] {
    if let mentions = instance.answerEntities { return try resolve(mentions) }
    guard let first = instance.aliases.first else { return [] }
    if let id = try entityID(first) { return [id] }
    var tally: [(id: UInt32, count: Int)] = []
    for alias in instance.aliases {
      let mentioned = try aliasCache[alias] ?? lookup.entitiesMentioned(in: alias)
      aliasCache[alias] = mentioned
      for id in mentioned {
        if let i = tally.firstIndex(where: { $0.id == id }) {
          tally[i].count += 1
        } else {
          tally.append((id, 1))
        }
      }
    }
    // The first of the most mentioned that the question does not mention.
    let inQuestion = try questionEntities(of: instance)
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
