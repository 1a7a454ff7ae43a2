/// Finds corpus shards under the given paths, sorted by path so document ids are stable.
public enum CorpusWalker {
  /// File name endings read as corpus shards.
  public static let suffixes = [".json.gz", ".jsonl.gz", ".jsonl", ".json", ".txt.gz", ".txt", ".gz"]

  /// One shard found.
  public struct Shard: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var modificationTime: Int
    /// Whether lines are JSON objects (`.json`, `.jsonl`, with or without `.gz`).
    public var isJSONL: Bool
  }

  /// Every shard under `paths` (files are taken as given; directories are walked recursively,
  /// skipping hidden entries and `exclude`), sorted by path, without duplicates.
  public static func shards(in paths: [String], excluding exclude: [String] = []) throws(IOError)
    -> [Shard]
  {
    var found: [String: Shard] = [:]
    var visited = Set<[UInt64]>()
    for path in paths {
      guard let status = try Syscalls.status(path) else { throw .notFound(path: path) }
      if status.isDirectory {
        try walk(trim(path), exclude: Set(exclude.map(trim)), visited: &visited, into: &found)
      } else {
        found[path] = Shard(
          path: path, size: status.size, modificationTime: status.modificationTime,
          isJSONL: isJSONLName(path))
      }
    }
    return found.values.sorted { $0.path < $1.path }
  }

  static func trim(_ path: String) -> String {
    var p = path
    while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
    return p
  }

  /// Whether a file name says JSON lines.
  public static func isJSONLName(_ path: String) -> Bool {
    var name = path
    if name.hasSuffix(".gz") { name.removeLast(3) }
    return name.hasSuffix(".jsonl") || name.hasSuffix(".json")
  }

  private static func walk(
    _ dir: String, exclude: Set<String>, visited: inout Set<[UInt64]>,
    into found: inout [String: Shard]
  ) throws(IOError) {
    guard let dirStatus = try Syscalls.status(dir) else { return }
    // A symbolic link loop would revisit a directory: walk each (device, inode) once.
    guard visited.insert([dirStatus.device, dirStatus.inode]).inserted else { return }
    for name in try Syscalls.directoryEntries(dir).sorted() where !name.hasPrefix(".") {
      let path = dir == "/" ? "/\(name)" : "\(dir)/\(name)"
      if exclude.contains(path) || name.contains(".tmp-") { continue }
      guard let status = try Syscalls.status(path) else { continue }  // dangling link
      if status.isDirectory {
        try walk(path, exclude: exclude, visited: &visited, into: &found)
      } else if status.isRegularFile && suffixes.contains(where: { name.hasSuffix($0) }) {
        found[path] = Shard(
          path: path, size: status.size, modificationTime: status.modificationTime,
          isJSONL: isJSONLName(path))
      }
    }
  }
}
