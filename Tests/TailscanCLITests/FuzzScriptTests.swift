import Foundation
import Testing
import TailscanTestSupport

/// Runs every libFuzzer target for a few seconds (`Scripts/fuzz all 10`, issue 8): the nested
/// Fuzz/ package builds with `-sanitize=fuzzer,address`, each harness loads its seed corpus
/// (Fuzz/Corpus/TARGET/), and a few thousand inputs each crash nothing. Long runs are by hand,
/// `Scripts/fuzz TARGET SECONDS`.
///
/// The first run builds the fuzz targets in release into .build-fuzz/ (a few minutes); later
/// runs rebuild only what changed. Where the toolchain has no libFuzzer (Xcode's), the script
/// exits 77 and the test is cancelled with its reason; under `CI=true` it fails instead.
/// `TAILSCAN_FUZZ_SECONDS` changes the time per target; 0 skips the test (not under CI).
struct FuzzScriptTests {
  @Test(.timeLimit(.minutes(30)))
  func everyFuzzTargetRunsItsSeedsAndMutationsWithoutACrash() throws {
    let environment = ProcessInfo.processInfo.environment
    let isCI = environment["CI"] == "true"
    var seconds = environment["TAILSCAN_FUZZ_SECONDS"] ?? "10"
    if seconds == "0" {
      guard isCI else { try Test.cancel("TAILSCAN_FUZZ_SECONDS=0: the fuzz targets were not run") }
      seconds = "10"
    }
    let (status, output) = try ClusterScriptTests.runScript("fuzz", arguments: ["all", seconds])
    if status == 77 {
      let reason = output.split(separator: "\n").last { $0.hasPrefix("SKIP:") } ?? "skipped"
      try Test.cancel("Scripts/fuzz: \(reason)")
    }
    let summary = output.split(separator: "\n").filter { $0.hasPrefix("ok: ") }
    #expect(
      status == 0 && summary.count == 5,
      "Scripts/fuzz all \(seconds) exited with \(status):\n\(output.suffix(6000))")
  }
}
