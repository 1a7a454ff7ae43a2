import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// `tailscan verify` on whole tables, and a byte flipped in one: verify and query both name
  /// the file and exit 1.
  @Test func verifyFindsAFlippedByte() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let whole = try Self.run(["verify", counts])
    #expect(whole.status == 0, "\(whole.stderr)")
    #expect(whole.stdout.contains("ok\t\(counts)/numbers-1.tsc\t"))
    #expect(whole.stdout.contains(" blocks\n") && whole.stderr.isEmpty)
    let path = "\(counts)/numbers-1.tsc"
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes[bytes.count / 2] ^= 0x10
    try bytes.write(to: URL(fileURLWithPath: path))
    let damaged = try Self.run(["verify", counts])
    #expect(damaged.status == 1)
    #expect(damaged.stderr.contains("'\(path)' is corrupt (block "), "\(damaged.stderr)")
    #expect(damaged.stderr.contains("fails its checksum"))
  }
}
