import Foundation
import TailscanIO

/// Where each field of an answer-log line is read from (DESIGN §5).
///
/// A field has a list of candidate paths, tried in order; the first present and not null wins.
/// A path is a member name, looked up at the top level and then in the lm-evaluation-harness
/// `doc`, or a dotted path from the top (`doc.answer.value`).
public struct AnswerFields: Sendable {
  /// The fields tailscan reads.
  public enum Field: String, CaseIterable, Sendable, Codable {
    case x1, x2, gold, prediction, correct, question, answers, unit
    case questionEntities = "question_entities"
    case answerEntities = "answer_entities"
    case task, model, shots, seed

    /// The field's position in `allCases`.
    var index: Int {
      switch self {
      case .x1: 0
      case .x2: 1
      case .gold: 2
      case .prediction: 3
      case .correct: 4
      case .question: 5
      case .answers: 6
      case .unit: 7
      case .questionEntities: 8
      case .answerEntities: 9
      case .task: 10
      case .model: 11
      case .shots: 12
      case .seed: 13
      }
    }
  }

  /// The candidate paths of each field.
  public private(set) var paths: [Field: [String]]

  /// The names read when not configured: the papers' field names and common aliases, including
  /// lm-evaluation-harness `--log_samples` (`doc`, `target`, `filtered_resps`, `resps`,
  /// `exact_match`, `acc`) and TriviaQA (`answer` objects).
  public static let defaultPaths: [Field: [String]] = [
    .x1: ["x1"],
    .x2: ["x2"],
    .gold: ["gold", "answer", "y", "target", "completion"],
    .prediction: [
      "prediction", "pred", "output", "response", "generation", "filtered_resps", "resps",
    ],
    .correct: ["correct", "is_correct", "exact_match", "em", "acc"],
    .question: ["question", "prompt", "input", "context", "query"],
    .answers: ["answers", "answer", "aliases", "gold", "target"],
    .unit: ["unit"],
    .questionEntities: ["question_entities"],
    .answerEntities: ["answer_entities"],
    .task: ["task"],
    .model: ["model", "model_name"],
    .shots: ["shots", "k", "num_fewshot"],
    .seed: ["seed"],
  ]

  /// The default paths, with each `FIELD=PATH` of `overrides` replacing a field's candidates.
  ///
  /// - Throws: `AnalysisError.badFieldOption` for an unknown field or a malformed override.
  public init(overrides: [String] = []) throws(AnalysisError) {
    paths = Self.defaultPaths
    var given: [Field: String] = [:]
    for spec in overrides {
      guard let equals = spec.firstIndex(of: "=") else {
        throw .badFieldOption(spec, reason: "write it as FIELD=NAME, e.g. prediction=output")
      }
      let name = String(spec[..<equals])
      let path = String(spec[spec.index(after: equals)...])
      guard let field = Field(rawValue: name) else {
        throw .badFieldOption(
          spec,
          reason: "'\(name)' is not a field; the fields are "
            + Field.allCases.map(\.rawValue).joined(separator: ", "))
      }
      guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false)
        .contains(where: \.isEmpty)
      else {
        throw .badFieldOption(spec, reason: "the name after '=' is empty")
      }
      paths[field] = [path]
      given[field] = path
    }
    // A name given to a field is that field's alone: `--field prediction=answer` must not
    // leave `answer` among the gold answer's default names.
    for (field, path) in given {
      for other in Field.allCases where other != field && given[other] == nil {
        paths[other]?.removeAll { $0 == path }
      }
    }
    (candidates, dotted) = Self.candidateTable(paths)
  }

  /// Every field of `line` at once: one pass over its members (and its `doc`'s), each name
  /// looked up in a table of the candidates, instead of a search per candidate.
  func resolve(_ line: JSONObject) -> ResolvedFields {
    var found = ResolvedFields()
    var rank = [Int](repeating: .max, count: Field.allCases.count)
    func visit(_ object: JSONObject, level: Int) {
      for member in object.members {
        guard let hits = candidates[member.key], !member.value.isNull else { continue }
        for hit in hits {
          let priority = hit.rank * 2 + level
          if priority <= rank[hit.field] {  // `<=`: the last of duplicate keys wins
            rank[hit.field] = priority
            found.values[hit.field] = member.value
          }
        }
      }
    }
    visit(line, level: 0)
    if case .object(let doc)? = line["doc"] { visit(doc, level: 1) }
    for (field, path) in dotted {
      let index = field.index
      if found.values[index] == nil, let value = Self.lookup(path, in: .object(line)) {
        found.values[index] = value
      }
    }
    return found
  }

  /// Each plain candidate name: the fields it is a candidate of, and its rank among theirs.
  private let candidates: [String: [(field: Int, rank: Int)]]
  /// The candidates that are dotted paths, looked up one by one.
  private let dotted: [(Field, String)]

  static func candidateTable(_ paths: [Field: [String]]) -> (
    plain: [String: [(field: Int, rank: Int)]], dotted: [(Field, String)]
  ) {
    var plain: [String: [(field: Int, rank: Int)]] = [:]
    var dotted: [(Field, String)] = []
    for field in Field.allCases {
      for (rank, path) in (paths[field] ?? []).enumerated() {
        if path.utf8.contains(0x2E) {  // "."
          dotted.append((field, path))
        } else {
          plain[path, default: []].append((field.index, rank))
        }
      }
    }
    return (plain, dotted)
  }

  /// The value at `path` in `line`, or nil when absent or null.
  static func lookup(_ path: String, in line: JSONValue) -> JSONValue? {
    if !path.utf8.contains(0x2E) {  // no "."
      if let value = line[path], !value.isNull { return value }
      if let value = line["doc"]?[path], !value.isNull { return value }
      return nil
    }
    var value: JSONValue? = line
    for part in path.split(separator: ".") {
      if let index = Int(part), case .array = value {
        value = value?[index]
      } else {
        value = value?[String(part)]
      }
    }
    guard let value, !value.isNull else { return nil }
    return value
  }
}

/// The fields of one line, found by `AnswerFields.resolve`.
struct ResolvedFields {
  var values = [JSONValue?](repeating: nil, count: AnswerFields.Field.allCases.count)

  subscript(field: AnswerFields.Field) -> JSONValue? {
    values[field.index]
  }
}

// MARK: - Reading values

extension JSONValue {
  /// The text of a scalar: a string as is, a number as written, a boolean as `true`/`false`;
  /// for a list, the text of its first element (`resps: [[" 432"]]`); nil otherwise.
  var text: String? {
    switch self {
    case .string(let s): s
    case .number(let n): n
    case .bool(let b): b ? "true" : "false"
    case .array(let items): items.first?.text
    case .null, .object: nil
    }
  }

  /// The text of a prediction: as `text`, but nil for a list whose first element is a number
  /// or a boolean: lm-eval's log-likelihood responses (`[[-0.0123, true]]`) answer nothing.
  var predictionText: String? {
    switch self {
    case .array(let items):
      switch items.first {
      case .number?, .bool?: nil
      default: items.first?.predictionText
      }
    default: text
    }
  }

  /// The strings of a string, a list of strings, or a TriviaQA answer object (`value`,
  /// `aliases`, `normalized_aliases`); numbers as written. Empty when none.
  var aliases: [String] {
    switch self {
    case .string(let s): [s]
    case .number(let n): [n]
    case .array(let items): items.flatMap { item -> [String] in
        switch item {
        case .string, .number: item.aliases
        default: []
        }
      }
    case .object(let object):
      [object["value"], object["aliases"], object["normalized_aliases"]].flatMap {
        $0?.aliases ?? []
      }
    case .null, .bool: []
    }
  }

  /// A truth value: a boolean, a number equal to 0 or 1, or the strings `true`/`false`; nil
  /// for anything else.
  var truth: Bool? {
    switch self {
    case .bool(let b): return b
    case .number:
      guard let d = double else { return nil }
      return d == 1 ? true : d == 0 ? false : nil
    case .string(let s):
      switch s.lowercased() {
      case "true": return true
      case "false": return false
      default: return nil
      }
    default: return nil
    }
  }
}
