import TailscanIO
import TailscanTestSupport
import Testing

/// Three pieces of seeded, partly compressible text (for gzip members or zstd frames with real
/// compressed blocks).
func samplePieces(seed: UInt64) -> [[UInt8]] {
  var rng = SplitMix64(seed: seed)
  let words = ["the", "counts", "of", "24", "times", "18", "\n", "é", "漢字"].map { Array($0.utf8) }
  return (0..<3).map { _ in
    var part: [UInt8] = []
    while part.count < 3000 { part += words.randomElement(using: &rng)! + [0x20] }
    part += rng.bytes(count: 200).map { $0 & 0x7F | 0x20 }
    return part
  }
}

/// The error reading `path` throws, if any.
func readError(_ path: String, chunkSize: Int) -> IOError? {
  do {
    _ = try readLines(path, chunkSize: chunkSize)
    return nil
  } catch let error as IOError {
    return error
  } catch {
    Issue.record("unexpected error type: \(error)")
    return nil
  }
}

/// Copies a span's bytes into an array.
func bytes(of span: Span<UInt8>) -> [UInt8] {
  unsafe span.withUnsafeBufferPointer { unsafe Array($0) }
}

/// Every line `ShardReader` returns for `path`.
func readLines(_ path: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 31) throws
  -> [[UInt8]]
{
  var reader = try ShardReader(path: path, chunkSize: chunkSize, maxLineBytes: maxLineBytes)
  var lines: [[UInt8]] = []
  var expectedNumber = 1
  try reader.forEachLine { line, position in
    precondition(position.number == expectedNumber, "line numbers must count up from 1")
    expectedNumber += 1
    lines.append(bytes(of: line))
  }
  return lines
}

/// The oracle for `ShardReader`: split on `\n`, drop the empty piece after a final `\n` (or of
/// an empty file), and strip one `\r` from the end of each line.
func expectedLines(_ text: [UInt8]) -> [[UInt8]] {
  var lines = text.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
  if lines.last?.isEmpty == true { lines.removeLast() }
  return lines.map { line in line.last == 0x0D ? Array(line.dropLast()) : line }
}

/// The lines as strings, for readable failure messages.
func strings(_ lines: [[UInt8]]) -> [String] {
  lines.map { String(decoding: $0, as: UTF8.self) }
}
