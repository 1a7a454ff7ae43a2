import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// `correlate` reads a log in batches parsed on all cores and writes keys.csv in runs made on
/// all cores: what comes out must be what reading and writing line by line would give, across
/// batch and run boundaries.
@Suite struct ParallelReadTests {
  /// Lines of an arithmetic log over several batches (16,384 lines each), with blank and bad
  /// lines in every batch: line n has x1 = n % 100 and is right when n is even.
  static func arithmeticLog(lines: Int, bad: Set<Int>, blank: Set<Int>) -> String {
    (1...lines).map { n in
      if bad.contains(n) { return n % 2 == 0 ? "{not json" : #"{"x2": 3, "answer": "3"}"# }
      if blank.contains(n) { return "  " }
      let model = "m\(n / 10_000)"
      let x1 = n % 100
      let prediction = n % 2 == 0 ? "\(x1 * 3)" : "\(x1 * 3 + 1)"
      return #"{"x1": \#(x1), "x2": 3, "answer": "\#(x1 * 3)", "prediction": "\#(prediction)", "model": "\#(model)"}"#
    }.joined(separator: "\n") + "\n"
  }

  @Test func batchesAddTheLinesInOrder() throws {
    let bad: Set<Int> = [3, 16_384, 16_385, 20_000, 39_999]
    let blank: Set<Int> = [1, 16_386, 33_000]
    try withTemporaryDirectory { dir in
      let path = "\(dir)/log.jsonl"
      try Self.arithmeticLog(lines: 40_000, bad: bad, blank: blank).write(
        toFile: path, atomically: true, encoding: .utf8)
      let set = try AnswerLog.read(
        [path], fields: try AnswerFields(overrides: []), groupBy: ["model"], skipBadLines: true)
      let good = (1...40_000).filter { !bad.contains($0) && !blank.contains($0) }
      #expect(set.kind == .arithmetic)
      #expect(set.instances.map(\.line) == good)
      #expect(set.instances.map(\.index) == Array(good.indices))
      #expect(set.instances.map(\.x1) == good.map { "\($0 % 100)" })
      #expect(set.instances.map(\.correct) == good.map { $0 % 2 == 0 })
      #expect(set.groups == (0...4).map { ["m\($0)"] })
      #expect(set.instances.map { set.groups[$0.group] } == good.map { ["m\($0 / 10_000)"] })
      #expect(set.report.skippedLines == bad.count && set.report.blankLines == blank.count)
      #expect(set.report.firstSkippedLines.map(\.line) == bad.sorted())
      #expect(set.report.files.first?.instances == good.count)
      #expect(set.report.files.first?.lines == 40_000)

      // Without --skip-bad-lines: the first bad line, in the first batch; then in the second.
      #expect(throws: AnalysisError.self) {
        try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
      }
      do {
        _ = try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
      } catch let AnalysisError.badLine(_, line, _) {
        #expect(line == 3)
      }
      try Self.arithmeticLog(lines: 40_000, bad: [20_000], blank: []).write(
        toFile: path, atomically: true, encoding: .utf8)
      do {
        _ = try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
        Issue.record("a bad line was not reported")
      } catch let AnalysisError.badLine(_, line, reason) {
        #expect(line == 20_000 && reason.contains("not valid JSON"))
      }
    }
  }

  /// The log's kind is that of its first instance, even for lines parsed (on other cores)
  /// before that instance was added: a QA-looking line after an arithmetic one is a bad
  /// arithmetic line, not a QA instance.
  @Test func theFirstInstanceSetsTheKindOfEveryBatch() throws {
    var lines = [#"{"x1": 2, "answer": "4", "prediction": "4"}"#]
    for n in 2...20_000 {
      lines.append(
        n % 7 == 0
          ? #"{"question": "Who wrote Hamlet? (\#(n))", "answer": "Shakespeare", "prediction": "Shakespeare"}"#
          : #"{"x1": \#(n % 50), "answer": "1", "prediction": "1"}"#)
    }
    try withTemporaryDirectory { dir in
      let path = "\(dir)/log.jsonl"
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      let set = try AnswerLog.read(
        [path], fields: try AnswerFields(overrides: []), skipBadLines: true)
      #expect(set.kind == .arithmetic)
      #expect(set.instances.count == 20_000 - 20_000 / 7)
      #expect(set.instances.allSatisfy { $0.question == nil && $0.x1 != nil })
      #expect(set.report.skippedLines == 20_000 / 7)
      #expect(set.report.firstSkippedLines.first?.reason.contains("no operand") == true)
    }
  }

  /// A line that fails before the log's kind is known is read again as the log's kind, as
  /// when lines were read one by one: an arithmetic-looking QA line is a QA instance, and a
  /// line without operands in an arithmetic log fails for want of them.
  @Test func linesThatFailBeforeTheKindIsKnownAreReadAgain() throws {
    try withTemporaryDirectory { dir in
      let qa = "\(dir)/qa.jsonl"
      try [
        #"{"question": "Who wrote Hamlet?", "answers": ["Shakespeare"], "prediction": "Shakespeare"}"#,
        #"{"question": "What is 2 plus 3?", "answers": ["5"], "prediction": "5"}"#,
      ].joined(separator: "\n").write(toFile: qa, atomically: true, encoding: .utf8)
      let set = try AnswerLog.read([qa], fields: try AnswerFields(overrides: []))
      #expect(set.kind == .qa && set.instances.count == 2)
      let arithmetic = "\(dir)/arithmetic.jsonl"
      try [
        #"{"x1": 3, "answer": "12", "prediction": "12"}"#,
        #"{"question": "Compute 3*4", "prediction": "12"}"#,
      ].joined(separator: "\n").write(toFile: arithmetic, atomically: true, encoding: .utf8)
      let skipped = try AnswerLog.read(
        [arithmetic], fields: try AnswerFields(overrides: []), skipBadLines: true)
      #expect(skipped.kind == .arithmetic && skipped.instances.count == 1)
      #expect(skipped.report.firstSkippedLines.first?.reason.hasPrefix("no operand") == true)
    }
  }

  /// A log that cannot be read to its end (a truncated gzip) reports a bad line read before
  /// the damage first, as when lines were added one by one.
  @Test func aBadLineBeforeTruncationComesFirst() throws {
    var lines = (1...2_000).map { n in #"{"x1": \#(n % 100), "answer": "1", "prediction": "1"}"# }
    lines[5] = "{not json"
    let gz = try GzipFixtures.gzip(lines.joined(separator: "\n") + "\n")
    try withTemporaryDirectory { dir in
      let path = "\(dir)/cut.jsonl.gz"
      try GzipFixtures.write(GzipFixtures.truncated(gz, keeping: gz.count - 40), to: path)
      do {
        _ = try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
        Issue.record("no error")
      } catch let AnalysisError.badLine(_, line, _) {
        #expect(line == 6)
      }
      // Skipping bad lines, the truncation is the error.
      #expect(throws: IOError.self) {
        try AnswerLog.read([path], fields: try AnswerFields(overrides: []), skipBadLines: true)
      }
    }
  }

  /// The parallel join, statistics and reading give what one core gives, whatever the keys
  /// asked for: a QA log of 5 models × 3 shot counts over 40 questions (some without a
  /// dictionary entity, some without a question), correlated with -j 1 and -j 4.
  @Test func oneCoreAndManyAgree() throws {
    let dir = try TemporaryDirectory()
    var documents: [String] = []
    for i in 0..<40 {
      documents += Array(repeating: "alpha\(i) met omega\(i) today", count: 1 + i * i)
      documents += Array(repeating: "alpha\(i) alone", count: i % 3)
    }
    _ = try dir.countEntities(
      documents, dictionary: (0..<40).map { "Q\($0)\talpha\($0)\nA\($0)\tomega\($0)\n" }.joined())
    var lines: [String] = []
    for model in 0..<5 {
      for shots in [0, 2, 4] {
        for i in 0..<44 {
          let right = (i * 7 + model * 3 + shots) % 5 < 2 + model % 3
          let answer = i < 40 ? "omega\(i)" : "nowhere\(i)"
          let question = i == 43 ? "" : #""question": "Who met alpha\#(i % 40)?", "#
          lines.append(
            #"{\#(question)"answers": ["\#(answer)"], "prediction": "\#(right ? answer : "nobody")", "model": "m\#(model)", "shots": \#(shots)}"#
          )
        }
      }
    }
    let log = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "qa.jsonl")
    func run(_ keys: [CorrelateKey]?, jobs: Int) throws -> CorrelateSummary {
      try Correlate.run(
        CorrelateRequest(
          inputs: [log], counts: dir.file("counts"), keys: keys, minBinSize: 1, bootstrap: 50,
          jobs: jobs))
    }
    let one = try run(nil, jobs: 1)
    let many = try run(nil, jobs: 4)
    #expect(one.groups.count == 15)
    #expect(try Report.json(one) == Report.json(many))
    #expect(one.groups.allSatisfy { $0.keys.map(\.unmatched.count) == [1, 1, 1] })
    for key in [CorrelateKey.answer, .question, .relevant] {
      let alone = try run([key], jobs: 4)
      for (g, group) in alone.groups.enumerated() {
        let all = one.groups[g].keys.first { $0.key == key }
        #expect(group.keys.first?.points == all?.points, "\(key) \(group.label)")
        #expect(group.keys.first?.unmatched == all?.unmatched, "\(key) \(group.label)")
      }
    }
  }

  /// Long lines (few-shot prompts) end a batch at 8 MiB, before 16,384 lines: 6,000 lines of
  /// 3 KB are three batches, added in order.
  @Test func longLinesMakeSmallerBatches() throws {
    let prompt = String(repeating: #"Q: What is 1 plus 1?\nA: 2\n\n"#, count: 110)
    let lines = (1...6_000).map { n in
      #"{"arguments": "\#(prompt)", "x1": \#(n % 97), "answer": "\#(n)", "prediction": "\#(n % 3 == 0 ? n : -n)"}"#
    }
    try withTemporaryDirectory { dir in
      let path = "\(dir)/long.jsonl"
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      let set = try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
      #expect(set.instances.map(\.line) == Array(1...6_000))
      #expect(set.instances.map(\.x1) == (1...6_000).map { "\($0 % 97)" })
      #expect(set.instances.map(\.correct) == (1...6_000).map { $0 % 3 == 0 })
    }
  }

  /// Questions are numbered by text across batches: the same text, the same number, in order
  /// of first appearance.
  @Test func questionNumbersSpanBatches() throws {
    let lines = (0..<50_000).map { n in
      #"{"question": "Q\#(n % 1_000)?", "answers": ["a\#(n % 1_000)"], "prediction": "a\#(n % 3)"}"#
    }
    try withTemporaryDirectory { dir in
      let path = "\(dir)/qa.jsonl"
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      let set = try AnswerLog.read([path], fields: try AnswerFields(overrides: []))
      #expect(set.kind == .qa)
      #expect(set.instances.map(\.questionID) == (0..<50_000).map { $0 % 1_000 })
      #expect(set.instances.map(\.correct) == (0..<50_000).map { $0 % 1_000 == $0 % 3 })
    }
  }

  /// keys.csv is made in runs of 16,384 rows on all cores: every row in order, each in the bin
  /// that bins.csv gives its frequency, the same as the report read back.
  @Test func keyRowsSpanRuns() throws {
    let summary = FigureFixtures.kandpal(questions: 40_000)
    try withTemporaryDirectory { dir in
      try Report.write(summary, to: "\(dir)/report", overwrite: false)
      let text = try String(contentsOfFile: "\(dir)/report/keys.csv", encoding: .utf8)
      let rows = CSVReader.rows(text)
      #expect(rows.first == ["model", "key_type", "key", "frequency", "instances", "correct",
        "accuracy", "bin"])
      var expected: [[String]] = []
      for group in summary.groups {
        for result in group.keys {
          let points = result.points
          for i in points.frequency.indices {
            let frequency = Double(points.frequency[i])
            let bin = result.binning.bins.first { $0.lower <= frequency && frequency < $0.upper }
            expected.append(
              group.values + [
                result.key.rawValue, points.label[i], "\(points.frequency[i])",
                "\(points.instances[i])", "\(points.correct[i])",
                Report.number(Double(points.correct[i]) / Double(points.instances[i])),
                bin.map { "\($0.index)" } ?? "",
              ])
          }
        }
      }
      #expect(rows.count == 1 + 3 * 40_000)
      #expect(Array(rows.dropFirst()) == expected)
      let back = try Report.read("\(dir)/report")
      #expect(back.groups.map { $0.keys.map(\.points.label) } == summary.groups.map {
        $0.keys.map(\.points.label)
      })
    }
  }

  /// The SHA-256 of a file by libcrypto (loaded at run time) and by the portable code agree;
  /// under CI libcrypto must load (Debian's libssl3, which Scripts/setup installs).
  @Test func fileDigestsAgree() throws {
    try withTemporaryDirectory { dir in
      var random = SplitMix64(seed: 11)
      for size in [0, 1, 55, 56, 63, 64, 65, 1 << 20, (1 << 20) + 3, 3_000_017] {
        let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let path = "\(dir)/f\(size)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let portable = try SHA256.portableHex(ofFile: path)
        #expect(portable == SHA256.hex(of: bytes), "\(size) bytes")
        #expect(try SHA256.hex(ofFile: path) == portable, "\(size) bytes")
        if let library = LibCrypto.shared {
          #expect(try library.sha256Hex(ofFile: path) == portable, "\(size) bytes")
        }
      }
    }
    if ProcessInfo.processInfo.environment["CI"] == "true" {
      #expect(LibCrypto.shared != nil, "libcrypto.so.3 did not load (apt-get install libssl3)")
    }
  }
}
