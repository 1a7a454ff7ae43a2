import Foundation

/// A new, empty directory under the system temporary directory, removed with everything in it
/// when the last reference goes away.
///
/// Prefer ``withTemporaryDirectory(_:)``, which removes the directory when its closure returns.
public final class TemporaryDirectory: Sendable {
  /// The directory's absolute path, without a trailing slash.
  public let path: String

  /// Creates a uniquely named directory, such as `/tmp/tailscan-test-<UUID>`.
  public init(prefix: String = "tailscan-test") throws {
    var base = FileManager.default.temporaryDirectory.path
    while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
    let path = "\(base)/\(prefix)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    self.path = path
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
  }

  /// The path of `name` (which may contain slashes) inside the directory.
  public func file(_ name: String) -> String {
    "\(path)/\(name)"
  }

  /// Creates the subdirectory `name` (and any missing parents) and returns its path.
  @discardableResult
  public func makeDirectory(_ name: String) throws -> String {
    let full = file(name)
    try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
    return full
  }

  /// Writes `bytes` to `name` inside the directory, creating parent directories, and returns
  /// the file's path.
  @discardableResult
  public func write(_ bytes: [UInt8], to name: String) throws -> String {
    let full = file(name)
    let parent = (full as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
    try GzipFixtures.write(bytes, to: full)
    return full
  }
}

/// Calls `body` with the path of a new empty directory, and removes the directory afterwards.
public func withTemporaryDirectory<R>(_ body: (_ path: String) throws -> R) throws -> R {
  let directory = try TemporaryDirectory()
  return try withExtendedLifetime(directory) { try body(directory.path) }
}
