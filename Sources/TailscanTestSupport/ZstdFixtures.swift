import Foundation
internal import TailscanIO

/// Builds zstd inputs for tests through the same run-time loaded libzstd that tailscan reads
/// with: single and multi-frame files, skippable frames, and (with ``GzipFixtures/truncated(_:keeping:)``
/// and ``GzipFixtures/corrupted(_:at:)``, which work on any bytes) damaged ones.
public enum ZstdFixtures {
  /// Whether libzstd can be loaded on this machine.
  public static var isAvailable: Bool { ZstdWriter.isAvailable }

  /// Whether tests that need libzstd should run: when it loads, and always under `CI=true`,
  /// where a missing libzstd must fail the run rather than skip tests.
  public static var testsShouldRun: Bool {
    isAvailable || ProcessInfo.processInfo.environment["CI"] == "true"
  }

  /// Why tests that need libzstd are skipped.
  public static let skipReason =
    "libzstd cannot be loaded: install Debian's 'libzstd1' (Scripts/setup does) or brew 'zstd'"

  /// `bytes` compressed as one zstd frame, with a content checksum; `contentSize: false`
  /// leaves the size out of the header, as `zstd` does when compressing a pipe.
  public static func zstd(_ bytes: [UInt8], level: Int32 = 3, contentSize: Bool = true) throws
    -> [UInt8]
  {
    try ZstdWriter.compress(bytes, level: level, checksum: true, contentSize: contentSize)
  }

  /// `text` compressed as one zstd frame.
  public static func zstd(_ text: String) throws -> [UInt8] {
    try zstd(Array(text.utf8))
  }

  /// One zstd frame per part, concatenated; decodes to the parts joined. An empty part becomes
  /// a valid, empty frame. Frames alternate between having a content size and not.
  public static func concatenatedFrames(_ parts: [[UInt8]]) throws -> [UInt8] {
    try frames(parts).joined().map { $0 }
  }

  /// The offsets at which each frame of `concatenatedFrames(parts)` starts.
  public static func frameOffsets(_ parts: [[UInt8]]) throws -> [Int] {
    var offsets: [Int] = []
    var offset = 0
    for frame in try frames(parts) {
      offsets.append(offset)
      offset += frame.count
    }
    return offsets
  }

  private static func frames(_ parts: [[UInt8]]) throws -> [[UInt8]] {
    try parts.enumerated().map { k, part in try zstd(part, contentSize: k % 2 == 0) }
  }

  /// A skippable frame holding `payload`: magic `0x184D2A5X` (X is `variant`, 0…15), then the
  /// payload's length, both little-endian. Decoders skip it; pzstd writes one before each frame.
  public static func skippableFrame(_ payload: [UInt8], variant: UInt8 = 0) -> [UInt8] {
    precondition(variant < 16, "a skippable frame's magic ends in 0x50…0x5F")
    let size = UInt32(payload.count)
    return [0x50 | variant, 0x2a, 0x4d, 0x18]
      + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) } + payload
  }
}
