import Foundation
import TailscanTestSupport
import Testing

@Suite("TailscanTestSupport")
struct TestSupportTests {
  @Test("SplitMix64 gives the reference sequence")
  func splitMix() {
    // The published SplitMix64 outputs for seed 0.
    var rng = SplitMix64(seed: 0)
    #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    var a = SplitMix64(seed: 42)
    var b = SplitMix64(seed: 42)
    #expect(a.bytes(count: 100) == b.bytes(count: 100))
    #expect(a.seed == 42)
  }

  @Test("temporary directories are created empty and removed afterwards")
  func temporaryDirectory() throws {
    var kept = ""
    try withTemporaryDirectory { path in
      kept = path
      #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty)
      try GzipFixtures.write([1, 2, 3], to: path + "/f")
    }
    #expect(!kept.isEmpty && !FileManager.default.fileExists(atPath: kept))
    var dir: TemporaryDirectory? = try TemporaryDirectory()
    let path = try #require(dir).write([4], to: "sub/dir/file")
    #expect(FileManager.default.fileExists(atPath: path))
    let root = try #require(dir).path
    dir = nil
    #expect(!FileManager.default.fileExists(atPath: root))
  }

  @Test("Fixtures points at the repository's Fixtures directory")
  func fixtures() throws {
    #expect(Fixtures.root.hasSuffix("/Fixtures"))
    let values = try URL(fileURLWithPath: Fixtures.root).resourceValues(forKeys: [.isDirectoryKey])
    #expect(values.isDirectory == true)
    #expect(FileManager.default.fileExists(atPath: Fixtures.root + "/../Package.swift"))
  }

  @Test("gzip helpers")
  func gzipHelpers() throws {
    let gz = try GzipFixtures.gzip("abc")
    #expect(gz.prefix(3) == [0x1f, 0x8b, 8])
    #expect(GzipFixtures.truncated(gz, keeping: 4) == Array(gz.prefix(4)))
    let bad = GzipFixtures.corrupted(gz, at: 12)
    #expect(bad[12] == gz[12] ^ 0xFF && bad.count == gz.count)
    let parts: [[UInt8]] = [Array("a".utf8), [], Array("bc".utf8)]
    let multi = try GzipFixtures.concatenatedMembers(parts)
    let offsets = try GzipFixtures.memberOffsets(parts)
    #expect(offsets.count == 3 && offsets[0] == 0)
    #expect(offsets.allSatisfy { multi[$0] == 0x1f && multi[$0 + 1] == 0x8b })
  }
}
