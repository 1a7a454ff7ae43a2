import Foundation
import TailscanTestSupport
import Testing

/// Review of `tailscan correlate` on the command line.
extension CLITests {
  /// `--key ''` (or `--key ,`, a shell variable left empty) asked for no key: the run
  /// printed a table header with no row and exited 0, as if it had computed something.
  @Test func correlateRefusesAnEmptyKeyList() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let log = try dir.write(
      Array("{\"x1\": 1, \"answer\": \"1\", \"prediction\": \"1\"}\n".utf8), to: "log.jsonl")
    for keys in ["", ","] {
      let result = try Self.run(["correlate", log, "--counts", counts, "--key", keys])
      #expect(result.status == 64, "--key '\(keys)': \(result.stdout)")
      #expect(result.stderr.contains("'--key'"))
    }
  }

  /// `--force` replaces a report, never anything else. A directory was taken for a report when
  /// it held a `summary.json` and only JSON/CSV/PDF/PNG/SVG/HTML files: a paper's figure folder
  /// with some other tool's summary.json was deleted whole.
  @Test func correlateForceKeepsAFolderThatIsNotAReport() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let log = try dir.write(
      Array("{\"x1\": 1, \"answer\": \"1\", \"prediction\": \"1\"}\n".utf8), to: "log.jsonl")
    let figures = try dir.makeDirectory("figures")
    _ = try dir.write(Array("{\"_wandb\": {}}".utf8), to: "figures/summary.json")
    _ = try dir.write(Array("%PDF-1.5".utf8), to: "figures/figure1.pdf")
    _ = try dir.write(Array("a,b\n".utf8), to: "figures/table2.csv")
    let result = try Self.run(["correlate", log, "--counts", counts, "-o", figures, "--force"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("is not a tailscan table or report directory"))
    #expect(FileManager.default.fileExists(atPath: "\(figures)/figure1.pdf"))
    // A report is still replaced.
    let report = dir.file("report")
    #expect(try Self.run(["correlate", log, "--counts", counts, "-o", report, "-q"]).status == 0)
    let again = try Self.run(["correlate", log, "--counts", counts, "-o", report, "--force", "-q"])
    #expect(again.status == 0, "\(again.stderr)")
  }

  /// A log given twice (`logs/*.jsonl logs/gpt-j*.jsonl`, `log.jsonl ./log.jsonl`) had every
  /// answer counted twice: instances, keys' accuracies and the bootstrap all silently off.
  @Test func correlateRefusesALogGivenTwice() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let log = try dir.write(
      Array("{\"x1\": 1, \"answer\": \"1\", \"prediction\": \"1\"}\n".utf8), to: "log.jsonl")
    let result = try Self.run(["correlate", log, "\(dir.path)/./log.jsonl", "--counts", counts])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("twice"), "\(result.stderr)")
  }
}
