/// Finds corpus shards under the given paths, sorted by path so document ids are stable.
public enum CorpusWalker {
  /// File name endings read as corpus shards.
  public static let suffixes = [
    ".json.gz", ".jsonl.gz", ".json.zst", ".jsonl.zst", ".jsonl", ".json", ".txt.gz", ".txt.zst",
    ".txt", ".gz", ".zst",
  ]

  /// One shard found.
  public struct Shard: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var modificationTime: Int
    /// Whether lines are JSON objects (`.json`, `.jsonl`, with or without `.gz` or `.zst`).
    public var isJSONL: Bool
  }

  /// Every shard under `paths` (files are taken as given; directories are walked recursively,
  /// skipping hidden entries, tailscan's own table directories, and the directories `exclude`
  /// names, however they are spelled), sorted by path, without duplicates.
  public static func shards(in paths: [String], excluding exclude: [String] = []) throws(IOError)
    -> [Shard]
  {
    var found: [String: Shard] = [:]
    // Directories are known by (device, inode), so "./c" and "c" and a link to it are one.
    var visited = Set<[UInt64]>()
    for path in exclude {
      if let status = try Syscalls.status(path) { visited.insert([status.device, status.inode]) }
    }
    for path in paths {
      guard let status = try Syscalls.status(path) else { throw .notFound(path: path) }
      if status.isDirectory {
        try walk(trim(path), visited: &visited, into: &found)
      } else {
        found[path] = Shard(
          path: path, size: status.size, modificationTime: status.modificationTime,
          isJSONL: isJSONLName(path))
      }
    }
    return found.values.sorted { $0.path < $1.path }
  }

  public static func trim(_ path: String) -> String {
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    return p
  }

  /// Whether a file name says JSON lines.
  public static func isJSONLName(_ path: String) -> Bool {
    var name = path
    if name.hasSuffix(".gz") {
      name.removeLast(3)
    } else if name.hasSuffix(".zst") {
      name.removeLast(4)
    }
    return name.hasSuffix(".jsonl") || name.hasSuffix(".json")
  }

  /// Whether `dir` is a table directory written by `tailscan count` (never corpus input).
  public static func isTableDirectory(_ dir: String) throws(IOError) -> Bool {
    guard try Syscalls.status("\(dir)/manifest.json") != nil else { return false }
    return OutputDirectory.isTableListing(try Syscalls.directoryEntries(dir), strict: false)
  }

  private static func walk(
    _ dir: String, visited: inout Set<[UInt64]>, into found: inout [String: Shard]
  ) throws(IOError) {
    guard let dirStatus = try Syscalls.status(dir) else { return }
    // A symbolic link loop would revisit a directory: walk each (device, inode) once.
    guard visited.insert([dirStatus.device, dirStatus.inode]).inserted else { return }
    if try isTableDirectory(dir) { return }
    for name in try Syscalls.directoryEntries(dir).sorted() where !name.hasPrefix(".") {
      let path = dir == "/" ? "/\(name)" : "\(dir)/\(name)"
      if name.contains(".tmp-") || name.contains(".old-") { continue }
      guard let status = try Syscalls.status(path) else { continue }  // dangling link
      if status.isDirectory {
        try walk(path, visited: &visited, into: &found)
      } else if status.isRegularFile && suffixes.contains(where: { name.hasSuffix($0) })
        && !visited.contains([status.device, status.inode])
      {
        found[path] = Shard(
          path: path, size: status.size, modificationTime: status.modificationTime,
          isJSONL: isJSONLName(path))
      }
    }
  }
}
