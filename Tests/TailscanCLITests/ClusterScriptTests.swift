import Foundation
import Testing
import TailscanTestSupport

/// Runs the cluster scripts' own tests (`Scripts/test-slurm`, `Scripts/test-dask`) with the
/// `tailscan` binary these tests built: each counts a small corpus on a real cluster (a one-node
/// Slurm, a Dask LocalCluster) and checks that the merged tables are byte-identical to one
/// `tailscan count`. A script that cannot run here (no Slurm, no dask, not root) exits 77 with
/// its reason, and the test is cancelled with that reason; under `CI=true` the scripts fail
/// instead, so a missing install step fails CI.
struct ClusterScriptTests {
  static let scripts = URL(fileURLWithPath: Fixtures.root).deletingLastPathComponent()
    .appendingPathComponent("Scripts").path

  /// Runs `Scripts/<name> <arguments>` and returns its exit status and combined output.
  static func runScript(_ name: String, arguments: [String] = []) throws
    -> (status: Int32, output: String)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(scripts)/\(name)")
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["TAILSCAN"] = CLITests.binary
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
  }

  static func check(_ name: String) throws {
    let (status, output) = try runScript(name)
    if status == 77 {
      let reason = output.split(separator: "\n").last { $0.hasPrefix("SKIP:") } ?? "skipped"
      try Test.cancel("\(name): \(reason)")
    }
    #expect(status == 0 && output.contains("PASS:"), "\(name) exited with \(status):\n\(output)")
  }

  @Test func slurmArrayAndMergeEqualOneCount() throws {
    try Self.check("test-slurm")
  }

  @Test func daskTasksAndMergeEqualOneCount() throws {
    try Self.check("test-dask")
  }
}
