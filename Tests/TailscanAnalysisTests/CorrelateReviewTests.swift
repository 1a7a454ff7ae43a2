import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// Review of `tailscan correlate`: each test is a bug a researcher would hit.
@Suite struct CorrelateReviewTests {
  func read(
    _ lines: [String], kind: AnswerKind? = nil,
    groupBy: [String] = CorrelateRequest.defaultGroupBy, skipBadLines: Bool = false
  ) throws -> AnswerSet {
    try AnswerLogTests().read(lines, kind: kind, groupBy: groupBy, skipBadLines: skipBadLines)
  }

  /// A skipped bad line must not create a group: it made an empty group (0 instances,
  /// accuracy NaN in summary.json, a row per key in the table) and kept a group-by field that
  /// no instance has.
  @Test func aSkippedLineMakesNoGroup() throws {
    let lines = [
      #"{"x1": 24, "x2": 18, "answer": "432", "prediction": "432", "model": "a"}"#,
      #"{"x1": 7, "x2": 8, "answer": "56", "model": "b", "shots": 2}"#,  // no prediction: bad
    ]
    let set = try read(lines, skipBadLines: true)
    #expect(set.report.skippedLines == 1)
    #expect(set.groups == [["", "a", ""]])
    #expect(set.droppingAbsentGroupFields().groupFields == ["model"])

    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let log = try dir.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(inputs: [log], counts: counts, bootstrap: 0, skipBadLines: true))
    #expect(summary.groups.map(\.label) == ["model=a"])
    #expect(summary.groups.allSatisfy { $0.instances > 0 && !$0.accuracy.isNaN })
  }

  /// The kind is detected from the first instance, as documented, not from the first line: a
  /// skipped header line (`{"config": …}`, no `x1`) made a whole arithmetic log QA, its
  /// `answer` read as aliases and its keys relevant/question/answer.
  @Test func theKindComesFromTheFirstInstanceNotASkippedLine() throws {
    let lines = [
      #"{"config": {"model": "6B", "shots": 2}}"#,
      #"{"x1": 24, "x2": 18, "answer": "432", "prediction": "432"}"#,
      #"{"x1": 7, "x2": 8, "answer": "56", "prediction": "54"}"#,
    ]
    let set = try read(lines, skipBadLines: true)
    #expect(set.report.skippedLines == 1)
    #expect(set.kind == .arithmetic)
    #expect(set.instances.map(\.x1) == ["24", "7"])

    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let log = try dir.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(inputs: [log], counts: counts, bootstrap: 0, skipBadLines: true))
    #expect(summary.settings.kind == .arithmetic)
    #expect(summary.settings.keys == [.x1, .x1x2, .x1y])
  }

  /// A CSV field holding a CR LF line break (a question from a Windows-made dataset: QA keys
  /// are question texts) must be quoted: "\r\n" is one Swift Character, equal to neither
  /// "\n" nor "\r", so it was written bare and split the row in two.
  @Test func csvQuotesCRLF() {
    #expect(CSVRows.line(["Who wrote\r\nHamlet?", "2"]) == "\"Who wrote\r\nHamlet?\",2\n")
    #expect(CSVRows.line(["a\rb"]) == "\"a\rb\"\n")
    #expect(CSVRows.line(["plain"]) == "plain\n")
  }

  /// Razeghi et al.'s answer is the first token of the completion, i.e. after the prompt's last
  /// `A:`. A completion that goes on with another few-shot question (`" 432\n\nQ: What is 5
  /// times 7?\nA: 35"`, GPT-J does this all the time) was scored by the text after the
  /// prediction's last `A:`: 35, not 432.
  @Test(
    arguments: [
      // A completion (the prompt not in it) that goes on with another question.
      (" 432\n\nQ: What is 5 times 7?\nA: 35", nil, "432", true),
      // A completion that repeats the question is still a completion: its first token answers.
      (" 431\nQ: What is 24 times 18?\nA: 432", "What is 24 times 18?", "432", false),
      (" 432\n\nQ: What is 5 times 7?\nA: 35", "Q: What is 24 times 18?\nA:", "432", true),
      (" 35\n\nQ: What is 5 times 7?\nA: 432", nil, "432", false),
      (" 432\nQ: What is 5 times 7?\nA: 35", "What is 24 times 18?", "432", true),
      // A whole generation holding a bare question: the answer follows its 'A:'.
      (
        "Q: What is 24 times 18?\nA: 432\n\nQ: What is 5 times 7?\nA: 35", "What is 24 times 18?",
        "432", true
      ),
      (
        "Q: What is 24 times 18?\nA: 432\n\nQ: What is 5 times 7?\nA: 35",
        "Q: What is 24 times 18?\nA:", "432", true
      ),
      // The shapes the original tests cover still hold.
      ("Q: What is 2 times 3?\nA: 6\nQ: What is 24 times 18?\nA: 431", nil, "432", false),
      ("Q: What is 24 times 18?\nA: 432", nil, "432", true),
      (" 432 (USA: 12)", nil, "432", true),
    ] as [(String, String?, String, Bool)])
  func arithmeticAnswerIsTheCompletionsFirstToken(
    prediction: String, prompt: String?, gold: String, correct: Bool
  ) {
    #expect(
      Scoring.arithmeticCorrect(prediction: prediction, prompt: prompt, gold: gold) == correct)
  }

  /// A QA line without a question text is its own key. The key was labelled `line N`, so line
  /// 1 of one log and line 1 of another (different questions, same group) were merged: the
  /// second took the first's frequency and the relevant-document curve moved.
  @Test func qaLinesWithoutAQuestionFromTwoLogsAreNotMerged() throws {
    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let a = try dir.write(
      Array(
        (#"{"question_entities": ["Q243"], "answer_entities": ["Q90"], "answers": ["Paris"], "prediction": "Paris"}"#
          + "\n").utf8), to: "a.jsonl")
    let b = try dir.write(
      Array(
        (#"{"question_entities": ["Q41567"], "answer_entities": ["Q692"], "answers": ["Shakespeare"], "prediction": "Marlowe"}"#
          + "\n").utf8), to: "b.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [a, b], counts: counts, output: dir.file("report"), keys: [.relevant],
        groupBy: [], minBinSize: 1, bootstrap: 0))
    let relevant = try #require(summary.groups.first?.keys.first)
    // (Eiffel Tower, Paris) share 1 document, (Hamlet, Shakespeare) 2.
    #expect(relevant.points.frequency == [1, 2])
    #expect(relevant.points.instances == [1, 1])
    let rows = parseCSV(try String(contentsOfFile: dir.file("report/keys.csv"), encoding: .utf8))
    #expect(Set(rows.dropFirst().map { $0[1] }).count == 2)
  }

  /// `--group-by file` groups by the log's file name; logs named alike in different
  /// directories (`gpt-j/answers.jsonl`, `gpt-neo/answers.jsonl`, lm-eval's per-model output
  /// folders) were one group: two models' answers pooled into one curve.
  @Test func groupByFileKeepsLogsOfTheSameNameApart() throws {
    let dir = try TemporaryDirectory()
    _ = try dir.makeDirectory("gpt-j")
    _ = try dir.makeDirectory("gpt-neo")
    let a = try dir.write(
      Array(#"{"x1": 24, "answer": "432", "prediction": "432"}"#.utf8) + [0x0A],
      to: "gpt-j/answers.jsonl")
    let b = try dir.write(
      Array(#"{"x1": 7, "answer": "56", "prediction": "0"}"#.utf8) + [0x0A],
      to: "gpt-neo/answers.jsonl")
    let c = try dir.write(
      Array(#"{"x1": 8, "answer": "64", "prediction": "64"}"#.utf8) + [0x0A], to: "other.jsonl")
    let set = try AnswerLog.read([a, b, c], fields: try AnswerFields(), groupBy: ["file"])
    #expect(set.groups.count == 3)
    #expect(set.instances.map(\.group) == [0, 1, 2])
    // A name no other log has stays the bare file name.
    #expect(set.groups.last == ["other.jsonl"])
  }

  /// The join's lookup cache was keyed by the terms joined with spaces, so a pair whose term
  /// holds a space (a gold answer "18 432") and the triple (24, 18, 432) shared an entry: the
  /// triple took the pair's "not a number term" and its instance was left out.
  @Test func lookupsOfDifferentTermsDoNotShareACacheEntry() throws {
    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let log = try dir.write(
      Array(
        [
          #"{"x1": 24, "answer": "18 432", "correct": false}"#,
          #"{"x1": 24, "x2": 18, "answer": "432", "correct": true}"#,
        ].joined(separator: "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, keys: [.x1y, .x1x2y], groupBy: [], bootstrap: 0))
    let triple = try #require(summary.groups.first?.keys.last)
    #expect(triple.key == .x1x2y)
    #expect(triple.unmatched == [.init(reason: "no x2", instances: 1)])
    // "24 times 18 = 432": the triple occurs once.
    #expect(triple.points.frequency == [1])
  }

  /// By default instances are grouped per task. lm-evaluation-harness arithmetic samples
  /// (`samples_arithmetic_2da_….jsonl`, `…_2dm_…`) have no `task` field: the task is in the
  /// question tailscan already reads the operands from. The addition and multiplication logs
  /// were pooled into one group, and x1 = 24's accuracy mixed both tasks.
  @Test func theTaskOfAQuestionGroupsWhenTheLogHasNoTaskField() throws {
    let set = try read([
      #"{"doc": {"context": "Question: What is 24 plus 18?\nAnswer:", "completion": " 42"}, "resps": [[" 42"]], "acc": 1}"#,
      #"{"doc": {"context": "Question: What is 24 times 18?\nAnswer:", "completion": " 432"}, "resps": [[" 400"]], "acc": 0}"#,
      #"{"task": "multiplication", "x1": 7, "x2": 8, "answer": "56", "prediction": "56"}"#,
    ]).droppingAbsentGroupFields()
    #expect(set.groupFields == ["task"])
    #expect(set.groups == [["addition"], ["multiplication"]])
    #expect(set.instances.map(\.group) == [0, 1, 1])
  }

  /// When --skip-bad-lines skipped every line, the error said only "each line must be a JSON
  /// object with an answer", whatever the lines' fault was (here: a group-by field that is an
  /// object); it now gives the first skipped line's reason.
  @Test func noInstancesSaysWhyTheLinesWereSkipped() throws {
    let message = thrownMessage {
      try read(
        [
          #"{"x1": 1, "answer": "1", "prediction": "1", "meta": {"lm": "6B"}}"#,
          #"{"x1": 2, "answer": "2", "prediction": "2", "meta": {"lm": "6B"}}"#,
        ], groupBy: ["meta"], skipBadLines: true)
    }
    #expect(message?.contains("2 bad lines skipped") == true)
    #expect(
      message?.contains("log.jsonl':1: the group-by field 'meta' is a list or an object") == true,
      "\(message ?? "")")
  }

  /// `--field prediction=answer` (a log naming the model's output `answer`, the gold `target`):
  /// the gold answer was still read from `answer` too (one of its default names, ahead of
  /// `target`), so the prediction was compared with itself and every instance was correct.
  @Test func aNameGivenToOneFieldIsNoLongerAnotherFieldsDefault() throws {
    let set = try withTemporaryDirectory { dir in
      let path = "\(dir)/log.jsonl"
      try
        ([
          #"{"x1": 24, "x2": 18, "target": "432", "answer": " 431"}"#,
          #"{"x1": 7, "x2": 8, "target": "56", "answer": " 56"}"#,
        ].joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
      return try AnswerLog.read([path], fields: try AnswerFields(overrides: ["prediction=answer"]))
    }
    #expect(set.instances.map(\.gold) == ["432", "56"])
    #expect(set.instances.map(\.correct) == [false, true])
  }

  /// QA keys are labelled by the question text; two questions written alike but about other
  /// entities (templated questions with entity fields) were one key: the second took the
  /// first's frequency.
  @Test func questionsWrittenAlikeWithOtherFrequenciesStayApart() throws {
    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let log = try dir.write(
      Array(
        [
          #"{"question": "Where is it?", "question_entities": ["Q243"], "answer_entities": ["Q90"], "answers": ["Paris"], "prediction": "Paris"}"#,
          #"{"question": "Where is it?", "question_entities": ["Q142"], "answer_entities": ["Q90"], "answers": ["Paris"], "prediction": "Lyon"}"#,
          #"{"question": "Where is it?", "question_entities": ["Q243"], "answer_entities": ["Q90"], "answers": ["Paris"], "prediction": "Rome"}"#,
        ].joined(separator: "\n").utf8), to: "qa.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, keys: [.relevant], groupBy: [], minBinSize: 1,
        bootstrap: 0))
    let relevant = try #require(summary.groups.first?.keys.first)
    // (Eiffel Tower, Paris): 1 document; (France, Paris): 2.
    #expect(relevant.points.frequency == [1, 2])
    #expect(relevant.points.instances == [2, 1])
    #expect(relevant.points.correct == [1, 0])
  }

  /// A QA log whose question field is a few-shot prompt (`prompt`, `input`, `context` are
  /// default names of the question): the question entities are matched in the whole prompt,
  /// the examples' entities included, and the relevant-document count is the best pair of
  /// any of them: here France (an example's) with Paris, 2 documents, where the question's
  /// own Eiffel Tower shares 1.
  @Test func fewShotPromptsDoNotLendTheirExamplesEntities() throws {
    let dir = try TemporaryDirectory()
    let counts = try JoinTests.count(JoinTests.corpus, in: dir)
    let log = try dir.write(
      Array(
        (#"{"prompt": "Q: What is the capital of France?\nA: Paris\n\nQ: Which city is the Eiffel Tower in?\nA:", "answers": ["Paris"], "prediction": "Paris"}"#
          + "\n").utf8), to: "qa.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: counts, keys: [.relevant], groupBy: [], minBinSize: 1,
        bootstrap: 0))
    let relevant = try #require(summary.groups.first?.keys.first)
    #expect(relevant.points.frequency == [1])
  }

  /// lm-evaluation-harness arithmetic tasks are log-likelihood tasks: `resps` and
  /// `filtered_resps` hold `[log-probability, is-greedy]`, not a generation. The
  /// log-probability was read as the prediction and scored, so every right answer counted as
  /// a disagreement with the log's `acc` ("tailscan's scoring disagrees … on 1 of 2").
  @Test func logLikelihoodResponsesAreNoPrediction() throws {
    let set = try read([
      #"{"doc": {"context": "Question: What is 98 plus 45?\nAnswer:", "completion": " 143"}, "target": " 143", "resps": [[[-0.0123, true]]], "filtered_resps": [[-0.0123, true]], "acc": 1.0}"#,
      #"{"doc": {"context": "Question: What is 98 plus 46?\nAnswer:", "completion": " 144"}, "target": " 144", "resps": [[[-4.5, false]]], "filtered_resps": [[-4.5, false]], "acc": 0.0}"#,
    ])
    #expect(set.instances.map(\.correct) == [true, false])
    #expect(set.report.judgedByLog == 2)
    #expect(set.report.disagreements == 0)
  }
}
