import Foundation
@testable import TailscanIO
import TailscanTestSupport
import Testing

@Suite("GzipWriter")
struct GzipWriterTests {
  @Test("one member round-trips through ShardReader", arguments: [0, 1, 100, 70_000, 300_000])
  func roundTrip(size: Int) throws {
    var rng = SplitMix64(seed: UInt64(size))
    // Compressible text with newlines, so the reader sees lines.
    let words: [[UInt8]] = ["alpha", "beta", "γάμμα", "δ", "\n", " "].map { Array($0.utf8) }
    var text: [UInt8] = []
    while text.count < size { text += words.randomElement(using: &rng)! }
    text = Array(text.prefix(size))
    let gz = try GzipWriter.compress(text)
    #expect(gz.prefix(2) == [0x1f, 0x8b], "gzip magic")
    #expect(gz[2] == 8, "deflate method")
    try withTemporaryDirectory { dir in
      let path = dir + "/t.gz"
      try GzipFixtures.write(gz, to: path)
      #expect(try readLines(path) == expectedLines(text))
    }
  }

  @Test("every level 0...9 produces a valid member", arguments: 0...9)
  func levels(level: Int32) throws {
    let text = Array(String(repeating: "tailscan counts n-grams\n", count: 500).utf8)
    let gz = try GzipWriter.compress(text, level: level)
    if level > 0 { #expect(gz.count < text.count / 4) }
    try withTemporaryDirectory { dir in
      try GzipFixtures.write(gz, to: dir + "/t.gz")
      #expect(try readLines(dir + "/t.gz") == expectedLines(text))
    }
  }

  @Test("a bad level is an error, not a crash")
  func badLevel() {
    #expect(throws: IOError.self) { try GzipWriter.compress([1, 2, 3], level: 42) }
  }

  @Test("the trailer stores CRC-32 and length (ISIZE) little-endian")
  func trailer() throws {
    let gz = try GzipWriter.compress(Array("hello\n".utf8))
    let trailer = Array(gz.suffix(8))
    // CRC-32 of "hello\n" is 0x363A3020.
    #expect(trailer[0..<4] == [0x20, 0x30, 0x3A, 0x36])
    #expect(trailer[4..<8] == [6, 0, 0, 0])
  }

  /// Cross-checks with the system's `gzip`, when there is one.
  @Test(
    "gzip -dc decodes the output",
    .enabled(if: ExternalTool.shouldRun("/usr/bin/gzip"), "needs /usr/bin/gzip"))
  func systemGzipDecodes() throws {
    var rng = SplitMix64(seed: 7)
    let text = rng.bytes(count: 50_000) + Array("end\n".utf8)
    let gz = try GzipFixtures.concatenatedMembers([text, [], Array("tail".utf8)])
    try withTemporaryDirectory { dir in
      let path = dir + "/x.gz"
      try GzipFixtures.write(gz, to: path)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
      process.arguments = ["-dc", path]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      let output = pipe.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      #expect([UInt8](output) == text + Array("tail".utf8))
    }
  }
}
