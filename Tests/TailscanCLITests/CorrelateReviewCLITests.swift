import Foundation
import TailscanTestSupport
import Testing

/// Review of `tailscan correlate` on the command line.
extension CLITests {
  /// `--key ''` (or `--key ,`, a shell variable left empty) asked for no key: the run
  /// printed a table header with no row and exited 0, as if it had computed something.
  @Test func correlateRefusesAnEmptyKeyList() throws {
    let dir = try TemporaryDirectory()
    let counts = dir.file("counts")
    let counted = try Self.run(
      ["count", Fixtures.path("corpus-mini"), "-o", counts, "--numbers", "--no-ngrams", "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    let log = try dir.write(
      Array("{\"x1\": 1, \"answer\": \"1\", \"prediction\": \"1\"}\n".utf8), to: "log.jsonl")
    for keys in ["", ","] {
      let result = try Self.run(["correlate", log, "--counts", counts, "--key", keys])
      #expect(result.status == 64, "--key '\(keys)': \(result.stdout)")
      #expect(result.stderr.contains("'--key'"))
    }
  }
}
