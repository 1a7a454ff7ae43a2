import FuzzSupport
import TailscanIO

/// Fuzzes the gzip reader: the input is a shard file, read line by line through `ShardReader`,
/// the path every corpus shard and answer log takes (the format is sniffed from the first bytes,
/// so plain and zstd inputs are reached too). The buffer size and line limit vary with the
/// input's length, so boundaries fall everywhere. Throwing is fine; crashing is not.
func fuzzOne(_ bytes: [UInt8]) {
  let size = bytes.count
  let path = writeScratchFile("shard.gz", bytes)
  do {
    var reader = try ShardReader(
      path: path, chunkSize: 16 << (size % 8), maxLineBytes: size % 3 == 0 ? 100 : 1 << 20)
    var lines = 0
    var bytesSeen = 0
    let passOver: ((Int) throws -> Void)? = size % 2 == 0 ? { _ in } : nil
    try reader.forEachLine(tooLong: passOver) { line, position in
      lines += 1
      bytesSeen += line.count
      precondition(position.number >= lines, "line numbers go backwards")
    }
    precondition(bytesSeen <= reader.uncompressedBytes, "more line bytes than were decompressed")
  } catch {}
}
