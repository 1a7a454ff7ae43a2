import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// Reads a JSONL log, plain or gzip (through the gzip program, as a user would check it).
  static func logLines(_ path: String) throws -> [[String: Any]] {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    if path.hasSuffix(".gz") {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "gzip -dc '\(path)'"]
      let out = Pipe()
      process.standardOutput = out
      try process.run()
      data = out.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
    }
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  /// `tailscan demo` end to end on the bundled data: the files it writes, and its key numbers
  /// against the logs and the corpus read independently.
  @Test func demoOnTheBundledData() throws {
    let dir = try TemporaryDirectory()
    let output = dir.file("demo")
    let result = try Self.run(["demo", "--output", output, "-q"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("wrote \(output)/index.html"))
    #expect(result.stdout.contains("Arithmetic (Razeghi et al.)"))
    #expect(result.stdout.contains("Question answering (Kandpal et al.)"))
    for file in ["index.html", "entities.tsv", "counts/manifest.json", "arithmetic/summary.json",
      "arithmetic/keys.csv", "arithmetic/index.html", "qa/summary.json", "qa/bins.csv"]
    {
      #expect(FileManager.default.fileExists(atPath: "\(output)/\(file)"), "\(file)")
    }
    let arithmeticFigures = try FileManager.default.contentsOfDirectory(atPath: "\(output)/arithmetic")
      .filter { $0.hasPrefix("razeghi-x1-") && $0.hasSuffix(".svg") }
    #expect(!arithmeticFigures.isEmpty)
    #expect(FileManager.default.fileExists(atPath: "\(output)/qa/kandpal-relevant.svg"))
    let page = try String(contentsOfFile: "\(output)/index.html", encoding: .utf8)
    #expect(page.contains("class=\"bar\"") && page.contains("class=\"band\""))  // both styles

    // The numbers, against the bundled logs read here: every answer, and tailscan's scoring
    // (the first whitespace token of the completion equals the gold answer) per task.
    let data = Fixtures.path("demo")
    let logs = try FileManager.default.contentsOfDirectory(atPath: data)
    let arithmeticLog = try #require(logs.first { $0.hasPrefix("answers-arithmetic.jsonl") })
    let lines = try Self.logLines("\(data)/\(arithmeticLog)")
    let summary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(output)/arithmetic/summary.json")))
        as? [String: Any])
    let log = try #require(summary["log"] as? [String: Any])
    #expect(log["instances"] as? Int == lines.count)
    let groups = try #require(summary["groups"] as? [[String: Any]])
    #expect(groups.reduce(0) { $0 + ($1["instances"] as? Int ?? 0) } == lines.count)
    let qaLog = try #require(logs.first { $0.hasPrefix("answers-qa.jsonl") })
    let qaSummary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(output)/qa/summary.json")))
        as? [String: Any])
    #expect((qaSummary["log"] as? [String: Any])?["instances"] as? Int == (try Self.logLines("\(data)/\(qaLog)")).count)
    // Kandpal's relevant-document key found a count for most questions.
    let qaGroups = try #require(qaSummary["groups"] as? [[String: Any]])
    for group in qaGroups {
      let keys = try #require(group["keys"] as? [[String: Any]])
      let relevant = try #require(keys.first { $0["key"] as? String == "relevant" })
      #expect((relevant["instances"] as? Int ?? 0) * 2 > (group["instances"] as? Int ?? 0), "\(group["label"] ?? "")")
    }

    // The README shows two of the demo's figures (docs/): they are what the demo draws.
    for (shown, drawn) in [
      ("demo-razeghi-x1-multiplication.svg", "arithmetic/razeghi-x1-multiplication.svg"),
      ("demo-kandpal-answer.svg", "qa/kandpal-answer.svg"),
    ] {
      let readme = try String(contentsOfFile: "\(Fixtures.root)/../docs/\(shown)", encoding: .utf8)
      #expect(
        readme == (try String(contentsOfFile: "\(output)/\(drawn)", encoding: .utf8)),
        "docs/\(shown) is not the demo's \(drawn): copy it there (tailscan demo; cp demo-report/\(drawn) docs/\(shown))")
    }

    // Again: an earlier demo is replaced; another directory never.
    let again = try Self.run(["demo", "--output", output, "-q"])
    #expect(again.status == 0 && again.stdout == result.stdout, "\(again.stderr)")
    let other = try dir.makeDirectory("thesis")
    _ = try dir.write(Array("draft".utf8), to: "thesis/chapter1.tex")
    let refused = try Self.run(["demo", "--output", other, "-q"])
    #expect(refused.status == 1 && FileManager.default.fileExists(atPath: "\(other)/chapter1.tex"))
    let missing = try Self.run(["demo", "--output", dir.file("x"), "--data", dir.file("nowhere")])
    #expect(missing.status == 1 && missing.stderr.contains("the demo's data is not in"))
  }
}
