/// An output directory written atomically: files go into a temporary directory beside the
/// target, which replaces the target only in `commit()`. An existing target is kept unless
/// `overwrite` is set; an abandoned temporary directory is removed in `deinit`.
@safe
public struct OutputDirectory: ~Copyable {
  /// Where the result will be.
  public let path: String
  /// Where files are written until `commit()`.
  public let temporaryPath: String
  private let overwrite: Bool
  private let contents: Contents
  private var committed = false

  /// What a directory holds, and so what `--force` may replace.
  public enum Contents: Sendable {
    /// Count tables (`count`, `merge`).
    case tables
    /// A report of `correlate`: JSON, CSV, SVG, PDF and HTML files.
    case report
  }

  public init(path: String, overwrite: Bool, contents: Contents = .tables) throws(IOError) {
    var trimmed = path
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    try Self.checkWritable(trimmed, overwrite: overwrite, contents: contents)
    let temporary = "\(trimmed).tmp-\(Syscalls.processID)"
    Syscalls.removeTree(temporary)
    Self.removeAbandoned(trimmed)
    try Syscalls.makeDirectories(parentDirectory(of: trimmed))
    try Syscalls.makeDirectory(temporary)
    self.path = trimmed
    self.overwrite = overwrite
    self.contents = contents
    temporaryPath = temporary
  }

  /// Checks up front that `path` may be written (so a long run does not fail at the end):
  /// nothing is there, or `overwrite` is set and what is there is an earlier table directory
  /// or an empty directory. `--force` never deletes anything else (a corpus, a thesis).
  public static func checkWritable(
    _ path: String, overwrite: Bool, contents: Contents = .tables
  ) throws(IOError) {
    guard let status = try Syscalls.status(path) else { return }
    guard overwrite else { throw .outputExists(path: path) }
    guard status.isDirectory else { throw .refuseToReplace(path: path) }
    let entries = try Syscalls.directoryEntries(path)
    if entries.isEmpty { return }
    let replaceable =
      switch contents {
      case .tables: isTableListing(entries, strict: true)
      case .report: isReportListing(entries)
      }
    if !replaceable { throw .refuseToReplace(path: path) }
  }

  /// Whether a directory's `entries` are those of a report: `summary.json`, `keys.csv` and
  /// `bins.csv` (a summary.json alone is any tool's), and nothing but JSON, CSV, SVG, PDF, PNG
  /// and HTML files.
  static func isReportListing(_ entries: [String]) -> Bool {
    let suffixes = [".json", ".csv", ".svg", ".pdf", ".png", ".html"]
    return ["summary.json", "keys.csv", "bins.csv"].allSatisfy(entries.contains)
      && entries.allSatisfy { entry in suffixes.contains { entry.hasSuffix($0) } }
  }

  /// Whether a directory's `entries` are those of a table directory: `manifest.json` and a
  /// vocabulary table (`order-1.tsc`, `numbers-1.tsc`, …); with `strict`, nothing else but
  /// table files, posting lists and the kept entity dictionary.
  static func isTableListing(_ entries: [String], strict: Bool) -> Bool {
    guard entries.contains("manifest.json"), entries.contains(where: { $0.hasSuffix("-1.tsc") })
    else { return false }
    return !strict
      || entries.allSatisfy {
        $0 == "manifest.json" || $0.hasSuffix(".tsc") || $0.hasSuffix(".tsd")
          || $0 == "entities-dictionary.tsv" || $0 == "entities-pairs.tsv"
      }
  }

  /// Removes the temporary directories of writers of `path` that were killed (their process is
  /// gone), so that a crash leaves nothing behind for long.
  package static func removeAbandoned(_ path: String) {
    let parent = parentDirectory(of: path)
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let entries = try? Syscalls.directoryEntries(parent) else { return }
    for entry in entries {
      for marker in [".tmp-", ".old-"] where entry.hasPrefix(name + marker) {
        guard let pid = Int32(entry.dropFirst(name.count + marker.count)),
          !Syscalls.processExists(pid)
        else { continue }
        Syscalls.removeTree("\(parent)/\(entry)")
      }
    }
  }

  /// The temporary path of a file named `name` in the directory.
  public func file(_ name: String) -> String { "\(temporaryPath)/\(name)" }

  /// Moves the finished directory into place.
  public consuming func commit() throws(IOError) {
    Syscalls.syncDirectory(temporaryPath)
    if try Syscalls.status(path) != nil {
      try Self.checkWritable(path, overwrite: overwrite, contents: contents)
      let old = "\(path).old-\(Syscalls.processID)"
      try Syscalls.rename(path, to: old)
      try Syscalls.rename(temporaryPath, to: path)
      Syscalls.removeTree(old)
    } else {
      try Syscalls.rename(temporaryPath, to: path)
    }
    Syscalls.syncDirectory(parentDirectory(of: path))
    committed = true
  }

  deinit {
    if !committed { Syscalls.removeTree(temporaryPath) }
  }
}

package func parentDirectory(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  return slash == path.startIndex ? "/" : String(path[..<slash])
}
