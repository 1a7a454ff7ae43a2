@testable import TailscanIO
import TailscanTestSupport
import Testing

@Suite("Damaged gzip")
struct GzipDamageTests {
  static let chunkSizes = [1, 7, 4096]

  @Test("a file cut inside a member is .truncatedGzip at the file's end", arguments: chunkSizes)
  func truncated(chunkSize: Int) throws {
    let parts = samplePieces(seed: 3)
    let gz = try GzipFixtures.concatenatedMembers(parts)
    let starts = try GzipFixtures.memberOffsets(parts)
    let ends = Array(starts.dropFirst()) + [gz.count]
    var cuts: [Int] = []
    for (start, end) in zip(starts, ends) {
      // In the magic, in the header, at the end of the header, mid-body, before and inside the
      // CRC-32/ISIZE trailer. (A 1-byte file is not gzip at all, so the first member starts at 2.)
      let offsets = [start == 0 ? 2 : 1, 2, 5, 10, 11, (end - start) / 2, end - start - 8, end - start - 1]
      cuts += offsets.map { start + $0 }
    }
    let dir = try TemporaryDirectory()
    for keep in cuts {
      let path = try dir.write(GzipFixtures.truncated(gz, keeping: keep), to: "cut-\(keep).gz")
      #expect(
        readError(path, chunkSize: chunkSize) == .truncatedGzip(path: path, offset: keep),
        "kept \(keep) of \(gz.count) bytes, chunk size \(chunkSize)")
    }
  }

  @Test("a cut exactly between members is a shorter, valid file")
  func cutAtMemberBoundary() throws {
    let parts = samplePieces(seed: 3)
    let gz = try GzipFixtures.concatenatedMembers(parts)
    let starts = try GzipFixtures.memberOffsets(parts)
    let dir = try TemporaryDirectory()
    let path = try dir.write(GzipFixtures.truncated(gz, keeping: starts[2]), to: "two.gz")
    #expect(try readLines(path, chunkSize: 5) == expectedLines(parts[0] + parts[1]))
  }

  @Test(
    "a corrupt byte in any member's deflate body is .corruptGzip (or .truncatedGzip)",
    arguments: 0..<3)
  func corruptBody(member: Int) throws {
    let parts = samplePieces(seed: 3)
    let gz = try GzipFixtures.concatenatedMembers(parts)
    let starts = try GzipFixtures.memberOffsets(parts)
    let ends = Array(starts.dropFirst()) + [gz.count]
    // zlib writes a 10-byte header (no name) and an 8-byte trailer.
    let body = (starts[member] + 10)..<(ends[member] - 8)
    var rng = SplitMix64(seed: UInt64(member))
    let dir = try TemporaryDirectory()
    let positions = [body.lowerBound, body.upperBound - 1] + (0..<30).map { _ in Int.random(in: body, using: &rng) }
    for position in positions {
      let path = try dir.write(GzipFixtures.corrupted(gz, at: position), to: "bad-\(position).gz")
      for chunkSize in [3, 4096] {
        let error = readError(path, chunkSize: chunkSize)
        switch error {
        case .corruptGzip(let errorPath, let offset, let message)?:
          #expect(errorPath == path)
          #expect(offset >= 0 && offset <= gz.count, "offset \(offset)")
          #expect(!message.isEmpty)
        case .truncatedGzip(let errorPath, let offset)?:
          #expect(errorPath == path && offset == gz.count)
        default:
          Issue.record("byte \(position) of member \(member), chunk size \(chunkSize): got \(String(describing: error))")
        }
      }
    }
  }

  @Test("a corrupt CRC-32 or length in the trailer is .corruptGzip", arguments: [-8, -5, -4, -1])
  func corruptTrailer(fromEnd: Int) throws {
    let gz = try GzipFixtures.gzip(samplePieces(seed: 3)[0])
    let dir = try TemporaryDirectory()
    let path = try dir.write(GzipFixtures.corrupted(gz, at: gz.count + fromEnd), to: "t.gz")
    guard case .corruptGzip(path, _, let message)? = readError(path, chunkSize: 64) else {
      Issue.record("expected .corruptGzip for byte \(fromEnd) from the end")
      return
    }
    #expect(message.contains(fromEnd < -4 ? "data check" : "length check"))
  }

  @Test("zero padding after the last member is accepted", arguments: [1, 7, 512, 300_000])
  func zeroPadding(count: Int) throws {
    let parts = samplePieces(seed: 3)
    let gz = try GzipFixtures.concatenatedMembers(parts) + [UInt8](repeating: 0, count: count)
    let dir = try TemporaryDirectory()
    let path = try dir.write(gz, to: "padded.gz")
    for chunkSize in [1, 64, 1 << 16] {
      #expect(try readLines(path, chunkSize: chunkSize) == expectedLines(parts.flatMap { $0 }))
    }
  }

  @Test(
    "non-gzip bytes after the last member are .trailingGarbage",
    arguments: ["garbage\n", "PK\u{3}\u{4}", "x", "\n", "\u{1f}\u{8c}tail"])
  func trailingGarbage(garbage: String) throws {
    let gz = try GzipFixtures.concatenatedMembers(samplePieces(seed: 3))
    let dir = try TemporaryDirectory()
    for padding in [0, 3] {
      let path = try dir.write(
        gz + [UInt8](repeating: 0, count: padding) + Array(garbage.utf8), to: "g-\(padding).gz")
      for chunkSize in [1, 4096] {
        let error = readError(path, chunkSize: chunkSize)
        guard case .trailingGarbage(path, let offset)? = error else {
          Issue.record("garbage \(garbage.debugDescription) after \(padding) zeros: got \(String(describing: error))")
          continue
        }
        #expect(offset >= gz.count && offset <= gz.count + padding)
      }
    }
  }

  @Test("a damaged header on a later member is not mistaken for the end of the file")
  func damagedLaterHeader() throws {
    let parts = samplePieces(seed: 3)
    let gz = try GzipFixtures.concatenatedMembers(parts)
    let starts = try GzipFixtures.memberOffsets(parts)
    let dir = try TemporaryDirectory()
    // Byte 3 is FLG; 0xFF sets reserved bits, which zlib rejects ("unknown header flags set").
    let path = try dir.write(GzipFixtures.corrupted(gz, at: starts[1] + 3), to: "flags.gz")
    let error = readError(path, chunkSize: 4096)
    guard case .corruptGzip(path, _, _)? = error else {
      Issue.record("got \(String(describing: error))")
      return
    }
  }
}
