import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// Counts the mini corpus's number terms into `dir/counts`; returns the tables' path.
  static func countMiniNumbers(in dir: TemporaryDirectory) throws -> String {
    let counts = dir.file("counts")
    let counted = try run(
      ["count", Fixtures.path("corpus-mini"), "-o", counts, "--numbers", "--no-ngrams", "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    return counts
  }

  /// `tailscan correlate` on the mini corpus and the synthetic answers-mini log: the table,
  /// the report files, --json, replacing a report, and the errors.
  @Test func correlateTheMiniAnswerLog() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let report = dir.file("report")
    let arguments = [
      "correlate", Fixtures.path("answers-mini.jsonl"), "--counts", counts, "-o", report,
    ]
    let result = try Self.run(arguments)
    #expect(result.status == 0, "\(result.stderr)")
    let table = result.stdout.split(separator: "\n").map(String.init)
    #expect(table.first?.hasPrefix("group") == true)
    #expect(table.first?.contains("Spearman ρ") == true)
    // 2 models × 2 shot counts × 3 keys (x1, x1x2, x1y).
    #expect(table.count == 1 + 12)
    #expect(table.dropFirst().allSatisfy { $0.hasPrefix("task=multiplication model=tiny-") })
    #expect(result.stderr.contains("read 1200 arithmetic instances from"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: report).sorted() == [
        "bins.csv", "index.html", "keys.csv", "razeghi-x1-multiplication.svg",
        "razeghi-x1x2-multiplication.svg", "razeghi-x1y-multiplication.svg", "summary.json",
      ])
    #expect(result.stderr.contains("and 3 figure(s): razeghi-x1-multiplication.svg"))
    let summary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: "\(report)/summary.json"))) as? [String: Any])
    let groups = try #require(summary["groups"] as? [[String: Any]])
    #expect(groups.count == 4)
    #expect(groups.map { $0["instances"] as? Int } == [300, 300, 300, 300])
    let settings = try #require(summary["settings"] as? [String: Any])
    #expect(settings["group_by"] as? [String] == ["task", "model", "shots"])
    #expect(settings["keys"] as? [String] == ["x1", "x1x2", "x1y"])
    let inputs = try #require(summary["inputs"] as? [[String: Any]])
    #expect((inputs.first?["sha256"] as? String)?.count == 64)

    // --json prints the summary itself (no table); the report is the same byte for byte.
    let json = try Self.run(arguments + ["--force", "--json", "-q"])
    #expect(json.status == 0, "\(json.stderr)")
    #expect(json.stdout == (try String(contentsOfFile: "\(report)/summary.json", encoding: .utf8)))

    // An existing report is kept without --force; a directory that is not a report never
    // replaced.
    let refused = try Self.run(arguments)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("'\(report)' already exists; pass '--force'"))
    let other = try dir.makeDirectory("thesis")
    _ = try dir.write(Array("draft".utf8), to: "thesis/chapter1.tex")
    let protected = try Self.run(
      ["correlate", Fixtures.path("answers-mini.jsonl"), "--counts", counts, "-o", other, "--force"])
    #expect(protected.status == 1)
    #expect(protected.stderr.contains("is not a tailscan table or report directory"))
    #expect(FileManager.default.fileExists(atPath: "\(other)/chapter1.tex"))
  }

  @Test func correlateErrors() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let log = try dir.write(
      Array("{\"x1\": 1, \"answer\": \"1\", \"prediction\": \"1\"}\n{\"x1\": 2,\n".utf8),
      to: "log.jsonl")
    let bad = try Self.run(["correlate", log, "--counts", counts])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("'\(log)':2: not valid JSON"))
    #expect(bad.stderr.contains("--skip-bad-lines"))
    let skipped = try Self.run(["correlate", log, "--counts", counts, "--skip-bad-lines"])
    #expect(skipped.status == 0, "\(skipped.stderr)")
    #expect(skipped.stderr.contains("1 bad line(s) were skipped"))

    let key = try Self.run(["correlate", log, "--counts", counts, "--key", "x1,x9"])
    #expect(key.status == 64)
    #expect(key.stderr.contains("'x9' is not one of x1, x1x2"))
    let qaKey = try Self.run(
      ["correlate", log, "--counts", counts, "--key", "relevant", "--skip-bad-lines"])
    #expect(qaKey.status == 1)
    #expect(qaKey.stderr.contains("'relevant' is not a key of arithmetic logs"))
    let noEntities = try Self.run(
      ["correlate", Fixtures.path("qa-mini.jsonl"), "--counts", counts, "--skip-bad-lines"])
    #expect(noEntities.status == 1)
    #expect(noEntities.stderr.contains("--entities"), "\(noEntities.stderr)")
  }
}
