import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// Reading answer logs: the shapes researchers have, fields, scoring, bad lines.
@Suite struct AnswerLogTests {
  func read(
    _ lines: [String], fields: [String] = [], kind: AnswerKind? = nil,
    groupBy: [String] = CorrelateRequest.defaultGroupBy, skipBadLines: Bool = false
  ) throws -> AnswerSet {
    try withTemporaryDirectory { dir in
      let path = "\(dir)/log.jsonl"
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      return try AnswerLog.read(
        [path], fields: try AnswerFields(overrides: fields), kind: kind, groupBy: groupBy,
        skipBadLines: skipBadLines)
    }
  }

  @Test func razeghiArithmeticLog() throws {
    let set = try read([
      #"{"task": "multiplication", "x1": 24, "x2": 18, "answer": "432", "prediction": " 432\n\nQ:", "model": "6B", "shots": 2, "seed": 1}"#,
      #"{"task": "multiplication", "x1": "07", "x2": 18, "gold": 126, "pred": "126.", "model": "6B", "shots": 2}"#,
      "",
      #"{"task": "addition", "x1": 5, "x2": 6, "y": "11", "correct": true, "model": "6B", "k": 0}"#,
    ])
    #expect(set.kind == .arithmetic)
    #expect(set.instances.count == 3)
    #expect(set.instances.map(\.x1) == ["24", "07", "5"])
    #expect(set.instances.map(\.x2) == ["18", "18", "6"])
    #expect(set.instances.map(\.gold) == ["432", "126", "11"])
    #expect(set.instances.map(\.correct) == [true, false, true])
    #expect(set.groups == [["multiplication", "6B", "2"], ["addition", "6B", "0"]])
    #expect(set.instances.map(\.group) == [0, 0, 1])
    #expect(set.instances.map(\.line) == [1, 2, 4])
    #expect(set.report.blankLines == 1)
    #expect(set.report.judgedByLog == 1 && set.report.judgedByTailscan == 2)
    #expect(set.report.files.first?.lines == 4)
    #expect(set.report.files.first?.sha256.count == 64)
  }

  @Test func operandsFromTheQuestion() throws {
    let set = try read([
      #"{"prompt": "Q: What is 2 times 3?\nA: 6\n\nQ: What is 24 times 18?\nA:", "output": " 432", "gold": 432}"#,
      #"{"doc": {"context": "Question: What is 98 plus 45?\nAnswer:", "completion": " 143"}, "resps": [[" 143"]], "acc": 1}"#,
      #"{"question": "What is 3 minutes in seconds?", "answer": "180", "prediction": "180"}"#,
    ])
    #expect(set.kind == .arithmetic)
    #expect(set.instances.map(\.x1) == ["24", "98", "3"])
    #expect(set.instances.map(\.x2) == ["18", "45", nil])
    #expect(set.instances.map(\.unit) == [nil, nil, "minutes"])
    #expect(set.instances.map(\.correct) == [true, true, true])
    #expect(set.report.operandsFromQuestion == 3)
  }

  @Test func lmEvaluationHarnessTriviaQASamples() throws {
    let set = try read(
      [
        #"{"doc_id": 0, "doc": {"question": "Which city hosts the Eiffel Tower?", "answer": {"aliases": ["Paris", "Paris, France"], "normalized_aliases": ["paris", "paris france"], "value": "Paris"}}, "target": ["Paris", "Paris, France"], "arguments": [["Q: …", {"until": ["\n"]}]], "resps": [[" Paris"]], "filtered_resps": [" Paris"], "exact_match": 1.0}"#,
        #"{"doc_id": 1, "doc": {"question": "Who wrote Hamlet?", "answer": {"aliases": ["Shakespeare"], "value": "William Shakespeare"}}, "target": "William Shakespeare", "resps": [[" Marlowe"]], "filtered_resps": [" Marlowe"], "exact_match": 0.0}"#,
      ], groupBy: ["file"])
    #expect(set.kind == .qa)
    #expect(set.instances.map(\.question) == ["Which city hosts the Eiffel Tower?", "Who wrote Hamlet?"])
    #expect(set.instances[0].aliases == ["Paris", "Paris", "Paris, France", "paris", "paris france"])
    #expect(set.instances[1].aliases == ["William Shakespeare", "Shakespeare"])
    #expect(set.instances.map(\.correct) == [true, false])
    #expect(set.report.judgedByLog == 2 && set.report.disagreements == 0)
    #expect(set.groups == [["log.jsonl"]])
  }

  @Test func qaLogsScoredByNormalisedExactMatch() throws {
    let set = try read([
      #"{"question": "Capital of France?", "answers": ["Paris"], "prediction": "paris."}"#,
      #"{"question": "Band?", "answer": {"value": "The Beatles"}, "prediction": "Beatles", "correct": false}"#,
      #"{"question": "Q?", "answers": "Rome", "prediction": "Milan", "question_entities": ["Q1", {"id": "Q2", "name": "Two", "aliases": ["II"]}], "answer_entities": "Rome"}"#,
    ])
    #expect(set.kind == .qa)
    #expect(set.instances.map(\.correct) == [true, false, false])
    #expect(set.report.disagreements == 1)
    #expect(
      set.instances[2].questionEntities
        == [EntityMention(id: "Q1", names: []), EntityMention(id: "Q2", names: ["Two", "II"])])
    #expect(set.instances[2].answerEntities == [EntityMention(id: "Rome", names: [])])
  }

  @Test func fieldsAreConfigurable() throws {
    let set = try read(
      [#"{"a": 24, "b": {"n": 18}, "truth": "432", "out": "432", "meta": {"lm": "6B"}}"#],
      fields: ["x1=a", "x2=b.n", "gold=truth", "prediction=out"], kind: .arithmetic,
      groupBy: ["meta.lm"])
    #expect(set.instances.first?.x1 == "24")
    #expect(set.instances.first?.x2 == "18")
    #expect(set.instances.first?.correct == true)
    #expect(set.groups == [["6B"]])
    #expect(thrownMessage { try AnswerFields(overrides: ["prediction"]) }?.contains("FIELD=NAME") == true)
    #expect(thrownMessage { try AnswerFields(overrides: ["guess=out"]) }?.contains("'guess' is not a field") == true)
    #expect(thrownMessage { try AnswerFields(overrides: ["x1=a..b"]) }?.contains("empty") == true)
  }

  @Test func badLinesStopTheRunWithTheirLineOrAreCounted() throws {
    let lines = [
      #"{"x1": 1, "answer": "1", "prediction": "1"}"#,
      #"{"x1": 1, "answer": "1""#,
      #"[1, 2]"#,
      #"{"x1": 2, "answer": "2"}"#,
      #"{"x1": 3, "correct": 0.5}"#,
      #"{"x1": 4, "answer": "4", "prediction": "4", "model": ["a"]}"#,
    ]
    let message = thrownMessage { try read(lines) }
    #expect(message?.contains("log.jsonl':2: not valid JSON") == true)
    #expect(message?.contains("--skip-bad-lines") == true)
    let set = try read(lines, skipBadLines: true)
    #expect(set.instances.count == 1)
    #expect(set.report.skippedLines == 5)
    #expect(set.report.firstSkippedLines.map(\.line) == [2, 3, 4, 5, 6])
    #expect(set.report.firstSkippedLines[1].reason.contains("not an object"))
    #expect(set.report.firstSkippedLines[2].reason.contains("no prediction"))
    #expect(set.report.firstSkippedLines[3].reason.contains("'0.5'"))
    #expect(set.report.firstSkippedLines[4].reason.contains("group-by field 'model'"))
    #expect(thrownMessage { try read([#"{"x1": 1}"#], skipBadLines: true) }?.contains("no answered instance") == true)
  }
}

extension AnswerLogTests {
  @Test func defaultGroupFieldsThatNoLineHasAreDropped() throws {
    let set = try read([
      #"{"x1": 1, "answer": "1", "prediction": "1", "model": "a"}"#,
      #"{"x1": 2, "answer": "2", "prediction": "2", "model": "b"}"#,
      #"{"x1": 3, "answer": "3", "prediction": "3", "model": "a", "shots": 4}"#,
    ]).droppingAbsentGroupFields()
    #expect(set.groupFields == ["model", "shots"])
    #expect(set.groups == [["a", ""], ["b", ""], ["a", "4"]])
    #expect(set.instances.map(\.group) == [0, 1, 2])
    let none = try read([#"{"x1": 1, "answer": "1", "prediction": "1"}"#])
      .droppingAbsentGroupFields()
    #expect(none.groupFields.isEmpty && none.groups == [[]])
    #expect(Correlate.label(fields: [], values: []) == "all")
  }
}

extension AnswerLogTests {
  /// A skipped line whose operands came from its question is not counted as read from one.
  @Test func skippedLinesAreNotCountedAsOperandsFromQuestions() throws {
    let set = try read(
      [
        #"{"question": "What is 2 times 3?", "answer": "6", "prediction": "6"}"#,
        #"{"question": "What is 4 times 5?", "answer": "20"}"#,
      ], skipBadLines: true)
    #expect(set.report.skippedLines == 1)
    #expect(set.report.operandsFromQuestion == 1)
  }
}

extension AnswerLogTests {
  /// `Field.index` is each field's position in `allCases` (a switch, for speed).
  @Test func fieldIndexIsThePositionInAllCases() {
    for (position, field) in AnswerFields.Field.allCases.enumerated() {
      #expect(field.index == position)
    }
  }
}
