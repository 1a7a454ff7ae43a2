import Foundation
import TailscanCount
import TailscanIO
import TailscanText
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// The join of answer logs with real count tables: each key looks up the terms it should, on a
/// corpus small enough to count by hand.
@Suite struct JoinTests {
  /// Counts `documents` with numbers and the entity dictionary below into `dir/counts`.
  static func count(_ documents: [String], in dir: TemporaryDirectory) throws -> String {
    try dir.countEntities(
      documents,
      dictionary: """
        Q90\tParis
        Q142\tFrance
        Q243\tEiffel Tower
        Q692\tWilliam Shakespeare\tShakespeare
        Q41567\tHamlet

        """, numbers: true)
  }

  static let corpus = [
    "24 times 18 = 432",
    "24 minutes later 24 hours",
    "7 x 8 = 56",
    "the Eiffel Tower is in Paris , France",
    "Paris is the capital of France",
    "Hamlet by William Shakespeare",
    "Shakespeare wrote Hamlet in London",
    "Paris Paris Paris",
  ]

  /// keys.csv of a correlate run: for each row, (group label, key type, key, frequency,
  /// instances, correct).
  func keyRows(_ report: String) throws -> [[String]] {
    let text = try String(contentsOfFile: "\(report)/keys.csv", encoding: .utf8)
    return Array(parseCSV(text).dropFirst())
  }

  @Test func arithmeticKeys() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.count(Self.corpus, in: dir)
    let log = try dir.write(
      Array(
        [
          #"{"x1": 24, "x2": 18, "answer": "432", "prediction": "432"}"#,
          #"{"x1": 24, "x2": 18, "answer": "432", "prediction": "0"}"#,
          #"{"x1": 7, "x2": 8, "answer": "56", "prediction": "56"}"#,
          #"{"x1": 99, "x2": 1, "answer": "99", "prediction": "99"}"#,
          #"{"x1": "24.5", "x2": 2, "answer": "49", "prediction": "49"}"#,
        ].joined(separator: "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, output: dir.file("report"),
        keys: [.x1, .x1x2, .x1y, .x1x2y], groupBy: [], bootstrap: 10))
    let rows = try keyRows(dir.file("report"))
    func keys(_ type: String) -> [[String]] {
      rows.filter { $0[0] == type }.map { Array($0[1...4]) }
    }
    // key, frequency, instances, correct
    #expect(keys("x1") == [["7", "1", "1", "1"], ["24", "3", "2", "1"]])
    #expect(keys("x1x2") == [["24 18", "1", "2", "1"], ["7 8", "1", "1", "1"]])
    #expect(keys("x1y") == [["24 432", "1", "2", "1"], ["7 56", "1", "1", "1"]])
    #expect(keys("x1x2y") == [["24 18 432", "1", "2", "1"], ["7 8 56", "1", "1", "1"]])
    let x1 = try #require(summary.groups.first?.keys.first)
    #expect(x1.key == .x1 && x1.instances == 3 && x1.keys == 2 && x1.correct == 2)
    #expect(x1.zeroInstances == 1 && x1.zeroKeys == 1)
    #expect(x1.unmatched == [.init(reason: "'24.5' is not a number term (1 to 6 ASCII digits)", instances: 1)])
    #expect(x1.points.frequency == [1, 3])
    let triple = try #require(summary.groups.first?.keys.last)
    #expect(triple.key == .x1x2y && triple.zeroInstances == 1 && triple.instances == 3)
  }

  @Test func unitKeys() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.count(Self.corpus, in: dir)
    let log = try dir.write(
      Array(
        [
          #"{"question": "Q: What is 24 minutes in seconds?\nA:", "answer": "1440", "prediction": "1440"}"#,
          #"{"x1": 24, "unit": "Hours", "answer": "1", "prediction": "2"}"#,
          #"{"x1": 24, "unit": "parsecs", "answer": "1", "prediction": "1"}"#,
          #"{"x1": 24, "answer": "1", "prediction": "1"}"#,
        ].joined(separator: "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, output: dir.file("report"), groupBy: [], bootstrap: 0))
    #expect(summary.settings.keys == [.x1, .x1y, .x1unit])
    let rows = try keyRows(dir.file("report")).filter { $0[0] == "x1unit" }
    // (24, minute) and (24, hour) each occur twice in "24 minutes later 24 hours".
    #expect(rows.map { Array($0[1...4]) } == [["24 minute", "2", "1", "1"], ["24 hour", "2", "1", "0"]])
    let unit = try #require(summary.groups.first?.keys.last)
    #expect(
      unit.unmatched == [
        .init(reason: "'parsecs' is not a unit keyword of the tables", instances: 1),
        .init(reason: "no unit", instances: 1),
      ])
  }

  @Test func kandpalRelevantDocuments() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.count(Self.corpus, in: dir)
    let log = try dir.write(
      Array(
        [
          #"{"question": "Which city is the Eiffel Tower in?", "answers": ["Paris"], "prediction": "Paris", "model": "m"}"#,
          #"{"question": "What is the capital of France?", "answers": ["Paris"], "prediction": "Lyon", "model": "m"}"#,
          #"{"question": "Who wrote it?", "question_entities": ["Q41567"], "answer_entities": [{"id": "Q692"}], "answers": ["Shakespeare"], "prediction": "Shakespeare", "model": "m"}"#,
          #"{"question": "Who painted the Mona Lisa?", "answers": ["Leonardo"], "prediction": "Leonardo", "model": "m"}"#,
          #"{"question": "Where is Paris?", "answer": {"value": "France", "aliases": ["France"]}, "prediction": "France", "model": "m"}"#,
          #"{"question": "What is in Paris?", "answers": ["Paris"], "prediction": "Paris", "model": "m"}"#,
          #"{"question": "Which country, France or Spain?", "answers": ["the capital, Paris"], "prediction": "x", "model": "m"}"#,
        ].joined(separator: "\n").utf8), to: "qa.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, output: dir.file("report"), groupBy: ["model"],
        minBinSize: 1, bootstrap: 0))
    #expect(summary.settings.kind == .qa)
    #expect(summary.settings.keys == [.relevant, .question, .answer])
    #expect(summary.settings.frequency == .documents)
    let rows = try keyRows(dir.file("report"))
    func keys(_ type: String) -> [[String]] {
      rows.filter { $0[1] == type }.map { Array($0[2...5]) }
    }
    // question, documents, instances, correct
    #expect(
      keys("relevant") == [
        ["Which city is the Eiffel Tower in?", "1", "1", "1"],
        ["What is the capital of France?", "2", "1", "0"],
        ["Who wrote it?", "2", "1", "1"],
        ["Where is Paris?", "2", "1", "1"],
        ["Which country, France or Spain?", "2", "1", "0"],
      ])
    #expect(keys("question").map { $0[1] } == ["1", "2", "2", "2", "3"])
    // The answer key needs no question entity: "What is in Paris?" counts here.
    #expect(keys("answer").map { $0[1] } == ["2", "2", "3", "3", "3", "3"])
    let relevant = try #require(summary.groups.first?.keys.first)
    #expect(
      relevant.unmatched == [
        .init(reason: "no answer alias names a dictionary entity", instances: 1),
        .init(
          reason: "the question mentions no dictionary entity other than the answer", instances: 1),
      ])
  }
}

/// The rows of RFC 4180 CSV text.
func parseCSV(_ text: String) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var quoted = false
  var characters = Array(text)[...]
  while let c = characters.popFirst() {
    if quoted {
      if c == "\"" {
        if characters.first == "\"" {
          field.append("\"")
          characters = characters.dropFirst()
        } else {
          quoted = false
        }
      } else {
        field.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      row.append(field)
      field = ""
    } else if c == "\n" {
      row.append(field)
      rows.append(row)
      row = []
      field = ""
    } else {
      field.append(c)
    }
  }
  if !field.isEmpty || !row.isEmpty { rows.append(row + [field]) }
  return rows
}
