@testable import TailscanIO
import TailscanTestSupport
import Testing

/// Decodes `path` with `Decompressor` reading `inputCapacity` compressed bytes at a time and
/// producing at most `outputCount` bytes per call.
func decompress(
  _ path: String, compression: Compression = .gzip, inputCapacity: Int, outputCount: Int,
  inflater: GzipInflater = .automatic
) throws -> [UInt8] {
  let fd = try Syscalls.openForReading(path)
  defer { Syscalls.close(fd) }
  var decompressor = try Decompressor(
    fd: fd, path: path, compression: compression, inputCapacity: inputCapacity,
    inflater: inflater)
  var result: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: outputCount)
  while true {
    // Safe because `read` writes at most `outputCount` bytes into `chunk`'s storage, which stays
    // valid for the closure, and the pointer does not escape it.
    let n = try unsafe chunk.withUnsafeMutableBytes { raw in
      try unsafe decompressor.read(into: raw.baseAddress!, count: outputCount)
    }
    if n == 0 { return result }
    result += chunk[..<n]
  }
}

@Suite("Decompressor")
struct DecompressorTests {
  /// `ShardReader` always reads 256 KiB of compressed input at a time, so its chunk-size tests
  /// never put a member boundary at an input boundary; this does, at every input size.
  @Test("member boundaries at every input chunk size", arguments: 1...64)
  func everyInputCapacity(inputCapacity: Int) throws {
    let parts: [[UInt8]] = ["first\npart", "", "", "second part\n", "x", ""].map { Array($0.utf8) }
    let gz = try GzipFixtures.concatenatedMembers(parts) + [0, 0, 0]
    let dir = try TemporaryDirectory()
    let path = try dir.write(gz, to: "m.gz")
    for outputCount in [1, 3, 64] {
      #expect(
        try decompress(path, inputCapacity: inputCapacity, outputCount: outputCount)
          == parts.flatMap { $0 },
        "input \(inputCapacity), output \(outputCount)")
    }
  }

  @Test("truncation and trailing garbage at every input chunk size", arguments: [1, 2, 3, 5, 8, 13, 64])
  func damageAtEveryInputCapacity(inputCapacity: Int) throws {
    let gz = try GzipFixtures.concatenatedMembers([Array("one\n".utf8), Array("two\n".utf8)])
    let dir = try TemporaryDirectory()
    let cut = try dir.write(Array(gz.dropLast(3)), to: "cut.gz")
    #expect(throws: IOError.truncatedGzip(path: cut, offset: gz.count - 3)) {
      _ = try decompress(cut, inputCapacity: inputCapacity, outputCount: 2)
    }
    let garbage = try dir.write(gz + Array("junk".utf8), to: "junk.gz")
    #expect(throws: IOError.trailingGarbage(path: garbage, offset: gz.count)) {
      _ = try decompress(garbage, inputCapacity: inputCapacity, outputCount: 2)
    }
  }
}
