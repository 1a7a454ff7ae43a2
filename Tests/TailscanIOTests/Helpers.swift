import TailscanIO

/// Copies a span's bytes into an array.
func bytes(of span: Span<UInt8>) -> [UInt8] {
  var result: [UInt8] = []
  result.reserveCapacity(span.count)
  for k in span.indices { result.append(span[k]) }
  return result
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
