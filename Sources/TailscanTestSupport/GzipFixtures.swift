import Foundation
internal import TailscanIO

/// Builds gzip inputs for tests: single and multi-member files, and damaged ones.
public enum GzipFixtures {
  /// `bytes` compressed as one gzip member (by zlib, through `TailscanIO`'s `GzipWriter`).
  public static func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    try GzipWriter.compress(bytes, level: level)
  }

  /// `bytes` compressed as one gzip member.
  public static func gzip(_ text: String, level: Int32 = 6) throws -> [UInt8] {
    try gzip(Array(text.utf8), level: level)
  }

  /// One gzip member per part, concatenated (`cat a.gz b.gz`); decodes to the parts joined.
  ///
  /// An empty part becomes a valid, empty member.
  public static func concatenatedMembers(_ parts: [[UInt8]], level: Int32 = 6) throws -> [UInt8] {
    var result: [UInt8] = []
    for part in parts { result += try gzip(part, level: level) }
    return result
  }

  /// The first `keeping` bytes of `gz`, as if a download was cut short.
  public static func truncated(_ gz: [UInt8], keeping: Int) -> [UInt8] {
    precondition(keeping >= 0 && keeping <= gz.count, "cannot keep \(keeping) of \(gz.count) bytes")
    return Array(gz.prefix(keeping))
  }

  /// `gz` with the byte at `offset` inverted (`^ 0xFF`), so it always differs.
  public static func corrupted(_ gz: [UInt8], at offset: Int) -> [UInt8] {
    precondition(gz.indices.contains(offset), "offset \(offset) outside \(gz.count) bytes")
    var copy = gz
    copy[offset] ^= 0xFF
    return copy
  }

  /// The offsets at which each member of `concatenatedMembers(parts)` starts.
  public static func memberOffsets(_ parts: [[UInt8]], level: Int32 = 6) throws -> [Int] {
    var offsets: [Int] = []
    var offset = 0
    for part in parts {
      offsets.append(offset)
      offset += try gzip(part, level: level).count
    }
    return offsets
  }

  /// Writes `bytes` to `path`, replacing any file there.
  public static func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }
}
