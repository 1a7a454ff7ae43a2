@testable import TailscanIO
import TailscanTestSupport
import Testing

/// The shard of ShardReaderTests cut differently: a line spans a frame boundary, one frame is
/// empty, lines end in `\r\n`, one line is empty, and the file has no final newline.
private let frameTexts: [[UInt8]] = [
  "first line\r\nsecond li", "", "ne spans two frames\n\nafter an empty line\r\n",
  "{\"text\": \"é 漢字 😀\"}\r", "\nlast line without newline",
].map { Array($0.utf8) }

@Suite("zstd", .enabled(if: ZstdFixtures.testsShouldRun, Comment(rawValue: ZstdFixtures.skipReason)))
struct ZstdTests {
  @Test("one frame at every chunk size", arguments: 1...64)
  func singleFrame(chunkSize: Int) throws {
    let text = Array(frameTexts.joined())
    let zst = try ZstdFixtures.zstd(text)
    let dir = try TemporaryDirectory()
    let path = try dir.write(zst, to: "shard.jsonl.zst")
    var reader = try ShardReader(path: path, chunkSize: chunkSize)
    let compression = reader.compression
    #expect(compression == .zstd)
    var lines: [[UInt8]] = []
    try reader.forEachLine { line, _ in lines.append(bytes(of: line)) }
    #expect(strings(lines) == strings(expectedLines(text)), "chunk size \(chunkSize)")
    let (uncompressed, consumed) = (reader.uncompressedBytes, reader.bytesConsumed)
    #expect(uncompressed == text.count)
    #expect(consumed == zst.count)
  }

  @Test("frames, empty frames and skippable frames at every chunk size", arguments: 1...64)
  func multiFrame(chunkSize: Int) throws {
    let zst =
      try ZstdFixtures.skippableFrame(Array("pzstd-like header".utf8), variant: 0xF)
      + ZstdFixtures.concatenatedFrames(Array(frameTexts[0...2]))
      + ZstdFixtures.skippableFrame([]) + ZstdFixtures.concatenatedFrames(Array(frameTexts[3...]))
      + ZstdFixtures.skippableFrame([1, 2, 3], variant: 5)
    let dir = try TemporaryDirectory()
    let path = try dir.write(zst, to: "shard.zst")
    #expect(try readLines(path, chunkSize: chunkSize) == expectedLines(Array(frameTexts.joined())))
  }

  /// `ShardReader` reads compressed input a block at a time, so its chunk-size tests never put
  /// a frame boundary at an input boundary; this does, at every input size.
  @Test("frame boundaries at every input chunk size", arguments: 1...64)
  func everyInputCapacity(inputCapacity: Int) throws {
    let parts: [[UInt8]] = ["first\npart", "", "", "second part\n", "x", ""].map { Array($0.utf8) }
    let zst =
      try ZstdFixtures.concatenatedFrames(Array(parts[..<3])) + ZstdFixtures.skippableFrame([9])
      + ZstdFixtures.concatenatedFrames(Array(parts[3...]))
    let dir = try TemporaryDirectory()
    let path = try dir.write(zst, to: "m.zst")
    for outputCount in [1, 3, 64] {
      #expect(
        try decompress(
          path, compression: .zstd, inputCapacity: inputCapacity, outputCount: outputCount)
          == parts.flatMap { $0 },
        "input \(inputCapacity), output \(outputCount)")
    }
  }

  @Test("seeded random text in random frames matches, at random chunk sizes", arguments: 0..<8)
  func randomFrames(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let alphabet: [UInt8] = Array("ab\n\n\r é{}\"".utf8)
    let text = (0..<Int.random(in: 0..<20_000, using: &rng)).map { _ in
      alphabet.randomElement(using: &rng)!
    }
    var parts: [[UInt8]] = []
    var start = 0
    while start < text.count {
      let end = min(text.count, start + Int.random(in: 0..<5000, using: &rng))
      parts.append(Array(text[start..<end]))
      start = end
    }
    let dir = try TemporaryDirectory()
    let path = try dir.write(try ZstdFixtures.concatenatedFrames(parts + [[]]), to: "r.txt.zst")
    let chunkSize = Int.random(in: 1..<300, using: &rng)
    #expect(
      try readLines(path, chunkSize: chunkSize) == expectedLines(text),
      "seed \(seed), chunk size \(chunkSize)")
  }

  @Test("an empty file is plain and has no lines; an empty frame is zstd and has none")
  func empty() throws {
    let dir = try TemporaryDirectory()
    let emptyFile = try dir.write([], to: "empty.jsonl.zst")
    var reader = try ShardReader(path: emptyFile, chunkSize: 4)
    let compression = reader.compression
    #expect(compression == .none)
    try reader.forEachLine { _, _ in Issue.record("an empty file has no lines") }
    let emptyFrames = try dir.write(
      try ZstdFixtures.concatenatedFrames([[], []]) + ZstdFixtures.skippableFrame([]),
      to: "frame.jsonl.zst")
    var frameReader = try ShardReader(path: emptyFrames, chunkSize: 4)
    let frameCompression = frameReader.compression
    #expect(frameCompression == .zstd)
    try frameReader.forEachLine { _, _ in Issue.record("an empty frame has no lines") }
  }

  @Test("a file cut inside a frame is .truncatedZstd at the file's end", arguments: [1, 7, 4096])
  func truncated(chunkSize: Int) throws {
    let parts = samplePieces(seed: 7)
    let zst = try ZstdFixtures.concatenatedFrames(parts)
    let starts = try ZstdFixtures.frameOffsets(parts)
    let ends = Array(starts.dropFirst()) + [zst.count]
    var cuts: [Int] = []
    for (start, end) in zip(starts, ends) {
      // In the magic (a file shorter than the magic is not zstd, so the first frame's cuts start
      // after it), in the header, mid-block, before and inside the checksum.
      let offsets = [start == 0 ? 4 : 1, 3, 4, 5, 6, (end - start) / 2, end - start - 4, end - start - 1]
      cuts += offsets.map { start + $0 }.filter { $0 >= 4 }
    }
    let dir = try TemporaryDirectory()
    for keep in cuts {
      let path = try dir.write(GzipFixtures.truncated(zst, keeping: keep), to: "cut-\(keep).zst")
      #expect(
        readError(path, chunkSize: chunkSize) == .truncatedZstd(path: path, offset: keep),
        "kept \(keep) of \(zst.count) bytes, chunk size \(chunkSize)")
    }
  }

  @Test("truncation and trailing garbage at every input chunk size", arguments: [1, 2, 3, 5, 8, 13, 64])
  func damageAtEveryInputCapacity(inputCapacity: Int) throws {
    let zst = try ZstdFixtures.concatenatedFrames([Array("one\n".utf8), Array("two\n".utf8)])
    let dir = try TemporaryDirectory()
    let cut = try dir.write(Array(zst.dropLast(3)), to: "cut.zst")
    #expect(throws: IOError.truncatedZstd(path: cut, offset: zst.count - 3)) {
      _ = try decompress(cut, compression: .zstd, inputCapacity: inputCapacity, outputCount: 2)
    }
    let garbage = try dir.write(zst + Array("junk".utf8), to: "junk.zst")
    #expect(throws: IOError.trailingGarbage(path: garbage, offset: zst.count)) {
      _ = try decompress(garbage, compression: .zstd, inputCapacity: inputCapacity, outputCount: 2)
    }
  }

  @Test("a cut exactly between frames is a shorter, valid file")
  func cutAtFrameBoundary() throws {
    let parts = samplePieces(seed: 7)
    let zst = try ZstdFixtures.concatenatedFrames(parts)
    let starts = try ZstdFixtures.frameOffsets(parts)
    let dir = try TemporaryDirectory()
    let path = try dir.write(GzipFixtures.truncated(zst, keeping: starts[2]), to: "two.zst")
    #expect(try readLines(path, chunkSize: 5) == expectedLines(parts[0] + parts[1]))
  }

  @Test("a corrupt byte in any frame is an error naming the file, never wrong text", arguments: 0..<3)
  func corruptByte(frame: Int) throws {
    let parts = samplePieces(seed: 7)
    let zst = try ZstdFixtures.concatenatedFrames(parts)
    let starts = try ZstdFixtures.frameOffsets(parts)
    let ends = Array(starts.dropFirst()) + [zst.count]
    // After the first frame's magic (which decides whether the file is zstd at all).
    let frameBytes = (frame == 0 ? 4 : starts[frame])..<ends[frame]
    var rng = SplitMix64(seed: UInt64(frame))
    let positions =
      [frameBytes.lowerBound, frameBytes.lowerBound + 1, frameBytes.upperBound - 1]
      + (0..<30).map { _ in Int.random(in: frameBytes, using: &rng) }
    let dir = try TemporaryDirectory()
    for position in positions {
      let path = try dir.write(GzipFixtures.corrupted(zst, at: position), to: "bad-\(position).zst")
      for chunkSize in [3, 4096] {
        let error = readError(path, chunkSize: chunkSize)
        switch error {
        case .corruptZstd(let errorPath, let offset, let message)?:
          #expect(errorPath == path)
          #expect(offset >= 0 && offset <= zst.count, "offset \(offset)")
          #expect(!message.isEmpty)
        case .truncatedZstd(let errorPath, let offset)?:
          #expect(errorPath == path && offset == zst.count)
        case .trailingGarbage(let errorPath, let offset)?:
          // A damaged magic on a later frame is not a frame: data after the last one.
          #expect(errorPath == path && offset == starts[frame] && position < starts[frame] + 4)
        default:
          Issue.record("byte \(position) of frame \(frame), chunk size \(chunkSize): got \(String(describing: error))")
        }
      }
    }
  }

  @Test("a corrupt checksum is .corruptZstd and says so")
  func corruptChecksum() throws {
    let zst = try ZstdFixtures.zstd(samplePieces(seed: 7)[0])
    let dir = try TemporaryDirectory()
    let path = try dir.write(GzipFixtures.corrupted(zst, at: zst.count - 2), to: "c.zst")
    guard case .corruptZstd(path, _, let message)? = readError(path, chunkSize: 64) else {
      Issue.record("expected .corruptZstd")
      return
    }
    #expect(message.contains("checksum"))
  }

  @Test(
    "bytes after the last frame that start no frame are .trailingGarbage",
    arguments: ["garbage\n", "\n", "x", "\0\0\0\0", "PK\u{3}\u{4}"])
  func trailingGarbage(garbage: String) throws {
    let zst = try ZstdFixtures.concatenatedFrames(samplePieces(seed: 7))
    let dir = try TemporaryDirectory()
    let path = try dir.write(zst + Array(garbage.utf8), to: "g.zst")
    for chunkSize in [1, 4096] {
      #expect(readError(path, chunkSize: chunkSize) == .trailingGarbage(path: path, offset: zst.count))
    }
  }
}

/// These need no libzstd, so they always run.
@Suite("zstd detection and loading")
struct ZstdDetectionTests {
  @Test(
    "compression is detected from the first bytes",
    arguments: [
      ([0x1f, 0x8b], Compression.gzip), ([0x1f, 0x8b, 8, 0], .gzip), ([0x28, 0xb5, 0x2f, 0xfd], .zstd),
      ([0x28, 0xb5, 0x2f], .none), ([0x50, 0x2a, 0x4d, 0x18], .zstd), ([0x5f, 0x2a, 0x4d, 0x18], .zstd),
      ([0x60, 0x2a, 0x4d, 0x18], .none), ([0x7b, 0x22, 0x74, 0x65], .none), ([], .none), ([0x1f], .none),
    ] as [([UInt8], Compression)])
  func detect(prefix: [UInt8], expected: Compression) {
    #expect(Compression.detect(prefix) == expected)
  }

  @Test("a missing libzstd is a load failure that names what was tried")
  func missingLibrary() {
    let result = ZstdLibrary.load(candidates: ["libtailscan-no-such-zstd.so.1"])
    guard case .failure(let failure) = result else {
      Issue.record("loaded a library that does not exist")
      return
    }
    #expect(failure.reason.contains("libtailscan-no-such-zstd.so.1"))
  }

  @Test("the error for a missing libzstd names the file and says what to install")
  func missingLibraryMessage() {
    let message = IOError.zstdUnavailable(path: "c/a.jsonl.zst", reason: "not found").description
    #expect(message.contains("'c/a.jsonl.zst'"))
    #expect(message.contains("libzstd1"))
    #expect(message.contains("brew install zstd"))
  }
}
