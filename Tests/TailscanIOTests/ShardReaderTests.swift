@testable import TailscanIO
import TailscanTestSupport
import Testing

/// A shard cut into gzip members at awkward places: a line spans a member boundary, one member
/// is empty, lines end in `\r\n`, one line is empty, and the file has no final newline.
private let memberTexts: [String] = [
  "first line\r\nsecond li",
  "",
  "ne spans two members\n\nafter an empty line\r\n{\"text\": \"a json line\"}\n",
  "unicode: é 漢字 😀\rnot a line end\n\r\ndouble cr\r\r\ncrlf split across\r",
  "\nmembers\nlast line without newline",
]
private let joinedText: [UInt8] = Array(memberTexts.joined().utf8)

@Suite("ShardReader")
struct ShardReaderTests {
  @Test("the line oracle splits the fixed text as written by hand")
  func oracleIsRight() {
    #expect(
      strings(expectedLines(joinedText)) == [
        "first line", "second line spans two members", "", "after an empty line",
        "{\"text\": \"a json line\"}", "unicode: é 漢字 😀\rnot a line end", "", "double cr\r",
        "crlf split across", "members", "last line without newline",
      ])
  }

  @Test("multi-member gzip at every chunk size", arguments: 1...64)
  func multiMemberGzip(chunkSize: Int) throws {
    let gz = try GzipFixtures.concatenatedMembers(memberTexts.map { Array($0.utf8) })
    let dir = try TemporaryDirectory()
    let path = try dir.write(gz, to: "shard.jsonl.gz")
    var reader = try ShardReader(path: path, chunkSize: chunkSize)
    let (compression, fileSize) = (reader.compression, reader.fileSize)
    #expect(compression == .gzip)
    #expect(fileSize == gz.count)
    var lines: [[UInt8]] = []
    try reader.forEachLine { line, _ in lines.append(bytes(of: line)) }
    #expect(strings(lines) == strings(expectedLines(joinedText)), "chunk size \(chunkSize)")
    let (uncompressed, consumed) = (reader.uncompressedBytes, reader.bytesConsumed)
    #expect(uncompressed == joinedText.count)
    #expect(consumed == gz.count)
  }

  @Test("plain file at every chunk size", arguments: 1...64)
  func plainFile(chunkSize: Int) throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write(joinedText, to: "shard.txt")
    var reader = try ShardReader(path: path, chunkSize: chunkSize)
    let compression = reader.compression
    #expect(compression == .none)
    var lines: [[UInt8]] = []
    try reader.forEachLine { line, _ in lines.append(bytes(of: line)) }
    #expect(strings(lines) == strings(expectedLines(joinedText)), "chunk size \(chunkSize)")
  }

  @Test("seeded random lines in random members", arguments: 0..<12)
  func randomMembers(seed: UInt64) throws {
    var rng = SplitMix64(seed: seed)
    let alphabet: [UInt8] = Array("ab\n\n\r é".utf8) + [0x0A, 0x0D]
    let text = (0..<Int.random(in: 0...3000, using: &rng)).map { _ in
      alphabet.randomElement(using: &rng)!
    }
    // Cut into 1...8 members at random points (some empty).
    var cuts = (0..<Int.random(in: 0...7, using: &rng)).map { _ in
      Int.random(in: 0...text.count, using: &rng)
    }
    cuts = [0] + cuts.sorted() + [text.count]
    let parts = zip(cuts, cuts.dropFirst()).map { Array(text[$0..<$1]) }
    let dir = try TemporaryDirectory()
    let path = try dir.write(try GzipFixtures.concatenatedMembers(parts), to: "r.gz")
    for chunkSize in [1, 2, 3, 7, 64, 4096] {
      #expect(
        try readLines(path, chunkSize: chunkSize) == expectedLines(text),
        "seed \(seed), chunk size \(chunkSize)")
    }
  }

  @Test("an empty file and an empty gzip member have no lines", arguments: [false, true])
  func emptyFile(gzip: Bool) throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write(gzip ? try GzipFixtures.gzip([]) : [], to: "empty")
    #expect(try readLines(path, chunkSize: 4).isEmpty)
  }

  @Test("a missing file is .notFound naming it")
  func missingFile() throws {
    let dir = try TemporaryDirectory()
    let path = dir.file("nope.jsonl.gz")
    #expect(throws: IOError.notFound(path: path)) { _ = try ShardReader(path: path) }
  }

  @Test(
    "a line longer than maxLineBytes is .lineTooLong with its line number",
    arguments: [1, 3, 8, 64, 1 << 20])
  func lineTooLong(chunkSize: Int) throws {
    let limit = 50
    let text = "short\nsecond\n" + String(repeating: "x", count: 200) + "\nafter\n"
    for gzip in [false, true] {
      let dir = try TemporaryDirectory()
      let plain = Array(text.utf8)
      let path = try dir.write(gzip ? try GzipFixtures.gzip(plain) : plain, to: "long")
      var seen: [String] = []
      #expect(throws: IOError.lineTooLong(path: path, line: 3, limit: limit)) {
        var reader = try ShardReader(path: path, chunkSize: chunkSize, maxLineBytes: limit)
        try reader.forEachLine { line, _ in seen.append(String(decoding: bytes(of: line), as: UTF8.self)) }
      }
      #expect(seen == ["short", "second"], "chunk size \(chunkSize), gzip \(gzip)")
    }
  }

  @Test("a line of exactly maxLineBytes is accepted; one byte more is not", arguments: [1, 5, 16, 17, 4096])
  func lineLimitBoundary(chunkSize: Int) throws {
    let limit = 16
    let dir = try TemporaryDirectory()
    for final in ["\n", "\r\n", ""] {
      let atLimit = String(repeating: "a", count: limit)
      let path = try dir.write(Array(("ok\n" + atLimit + final).utf8), to: "exact")
      #expect(
        try strings(readLines(path, chunkSize: chunkSize, maxLineBytes: limit)) == ["ok", atLimit],
        "chunk size \(chunkSize), final \(final.debugDescription)")
      let over = try dir.write(Array(("ok\n" + atLimit + "b" + final).utf8), to: "over")
      #expect(throws: IOError.lineTooLong(path: over, line: 2, limit: limit)) {
        _ = try readLines(over, chunkSize: chunkSize, maxLineBytes: limit)
      }
    }
  }

  @Test("a single 20 MB line comes back intact with a small chunk size")
  func hugeLine() throws {
    var rng = SplitMix64(seed: 20)
    let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
    // A seeded 64 KiB block repeated: quick to compress, but every byte is checked.
    let block = (0..<65_536).map { _ in letters.randomElement(using: &rng)! }
    var line: [UInt8] = []
    line.reserveCapacity(20_000_000)
    while line.count < 20_000_000 { line += block }
    line = Array(line.prefix(20_000_000))
    let dir = try TemporaryDirectory()
    let path = try dir.write(try GzipFixtures.gzip(line + [0x0A] + Array("next".utf8), level: 1), to: "huge.gz")
    var reader = try ShardReader(path: path, chunkSize: 16)
    var lengths: [Int] = []
    var firstMatches = false
    try reader.forEachLine { span, _ in
      if lengths.isEmpty { firstMatches = bytes(of: span) == line }
      lengths.append(span.count)
    }
    #expect(lengths == [20_000_000, 4])
    #expect(firstMatches)
  }
}
