/// How a corpus file is compressed, as detected from its first bytes (never from its name).
///
/// The raw value is the name the manifest records (`compression`).
public enum Compression: String, Sendable, Equatable {
  /// Not compressed: bytes pass through.
  case none
  /// gzip, possibly several members (`cat a.gz b.gz`).
  case gzip
  /// Zstandard, possibly several frames, skippable frames included.
  case zstd

  /// The compression that `prefix` (a file's first bytes, up to four) starts.
  ///
  /// No valid UTF-8 text starts with either magic: gzip's `1f 8b` has a continuation byte
  /// without a lead byte, and a zstd frame (`28 b5 2f fd`, little-endian `0xFD2FB528`) has one
  /// after `(`. A skippable frame (`5X 2a 4d 18`), which pzstd writes first, starts with a
  /// control character after two ASCII ones; no text corpus line starts that way.
  package static func detect(_ prefix: [UInt8]) -> Compression {
    if prefix.count >= 2 && prefix[0] == 0x1f && prefix[1] == 0x8b { return .gzip }
    if prefix.count >= 4 && prefix[1...3] == [0xb5, 0x2f, 0xfd] && prefix[0] == 0x28 {
      return .zstd
    }
    if prefix.count >= 4 && prefix[0] & 0xF0 == 0x50 && prefix[1...3] == [0x2a, 0x4d, 0x18] {
      return .zstd
    }
    return .none
  }
}
