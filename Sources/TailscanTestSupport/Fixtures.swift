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

/// Outside programs some tests use. Such a test is skipped, with a reason, where the program is
/// missing; but under CI (`CI=true`) it always runs, so a missing install step fails CI instead
/// of hiding behind a skip.
public enum ExternalTool {
  /// Whether a test needing the executable at `path` should run.
  public static func shouldRun(_ path: String) -> Bool {
    ProcessInfo.processInfo.environment["CI"] == "true"
      || FileManager.default.isExecutableFile(atPath: path)
  }
}
