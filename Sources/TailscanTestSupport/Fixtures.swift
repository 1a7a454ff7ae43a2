import Foundation

/// The committed test inputs in the repository's `Fixtures/` directory.
///
/// Found from this file's own path (`#filePath`), so tests and `Scripts/smoke.sh` read the same
/// files whatever the working directory.
public enum Fixtures {
  /// The absolute path of `Fixtures/` (no trailing slash).
  public static let root: String = {
    // This file is <repo>/Sources/TailscanTestSupport/Fixtures.swift.
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Fixtures").path
  }()

  /// The absolute path of `relative` inside `Fixtures/`.
  public static func path(_ relative: String) -> String {
    "\(root)/\(relative)"
  }

  /// The bytes of the fixture `relative`.
  public static func bytes(_ relative: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
  }

  /// The text of the fixture `relative`, which must be UTF-8.
  public static func string(_ relative: String) throws -> String {
    try String(contentsOfFile: path(relative), encoding: .utf8)
  }
}
