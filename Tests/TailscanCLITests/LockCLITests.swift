import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

extension CLITests {
  /// Two writers of one output: the second fails at once, naming the first's process; a lock
  /// left by a killed writer (a file nobody holds) is taken over; a finished run leaves none.
  @Test func secondWriterOfAnOutputIsRefused() throws {
    let dir = try TemporaryDirectory()
    let counts = dir.file("counts")
    do {
      let held = try OutputLock(output: counts)
      #expect(held.path == "\(counts).lock")
      let me = ProcessInfo.processInfo.processIdentifier
      for arguments in [
        ["count", Fixtures.path("corpus-mini"), "-o", counts, "-q"],
        ["count", Fixtures.path("corpus-mini"), "-o", "\(counts)/", "-q", "--resume"],
        ["merge", Fixtures.path("corpus-mini"), "-o", counts],
        ["correlate", Fixtures.path("answers-mini.jsonl"), "--counts", dir.file("c"), "-o", "\(counts)"],
      ] {
        let refused = try Self.run(arguments)
        #expect(refused.status == 1, "\(arguments)")
        #expect(
          refused.stderr.contains(
            "'\(counts)' is being written by another tailscan (process \(me)) (it holds "
              + "'\(counts).lock'); wait for it to finish or choose another output"),
          "\(arguments): \(refused.stderr)")
      }
      #expect(!FileManager.default.fileExists(atPath: counts))
    }
    // Released (deinit): the lock file is gone.
    #expect(!FileManager.default.fileExists(atPath: "\(counts).lock"))

    // A stale lock file, as a SIGKILLed writer leaves it: taken over, and removed at the end.
    _ = try dir.write(Array("999999\n".utf8), to: "counts.lock")
    let counted = try Self.run(["count", Fixtures.path("corpus-mini"), "-o", counts, "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(counts).lock"))
  }
}
