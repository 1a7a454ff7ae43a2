public import TailscanIO
import TailscanStore

/// Errors of TailscanCount: counting runs, answer logs, and the evidence behind counts.
public enum CountError: Error, Sendable, Equatable {
  /// A corpus line that is not a valid document (and `--skip-bad-lines` was not given).
  case badLine(path: String, line: Int, LineError)
  /// No corpus files under the inputs.
  case noShards(paths: [String])
  /// An answer-log line that is not a JSON object (and `--skip-bad-lines` was not given).
  case badLogLine(path: String, line: Int, reason: String)
  /// An output file exists and `--force` was not given; `option` is the flag that named it.
  case outputFileExists(path: String, option: String)
  /// An output file's path is a directory, which is never replaced.
  case outputIsDirectory(path: String, option: String)
  /// The tables hold no document ids (`tailscan docs` needs them).
  case documentIDsNotKept(directory: String)
  /// A shard in the manifest is at none of the paths `tried`.
  case shardMissing(path: String, tried: [String], directory: String)
  /// A shard ended (after `lines` lines) before the line of a document counted from it.
  case lineNotFound(path: String, line: Int, lines: Int)
  /// A line counted as a document is not the same document any more.
  case documentChanged(path: String, line: Int, reason: String)
}

extension CountError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .badLine(let path, let line, let error):
      "'\(path)':\(line): \(error); fix or remove the line, or pass '--skip-bad-lines' to skip "
        + "such lines (they are counted in the manifest)"
    case .noShards(let paths):
      "no corpus files (\(CorpusWalker.suffixes.joined(separator: ", "))) under "
        + paths.map { "'\($0)'" }.joined(separator: ", ")
    case .badLogLine(let path, let line, let reason):
      "'\(path)':\(line): \(reason); each line must be one answered question, a JSON object: "
        + "fix or remove the line, or pass '--skip-bad-lines' to skip such lines (they are "
        + "counted in the report)"
    case .outputFileExists(let path, let option):
      "'\(path)' already exists; pass '--force' to replace it or choose another '\(option)'"
    case .outputIsDirectory(let path, let option):
      "'\(path)' is a directory; give '\(option)' the path of a file"
    case .documentIDsNotKept(let directory):
      "'\(directory)' was counted without document ids, so it cannot list the documents behind "
        + "a count; recount with '--entities FILE --keep-doc-ids'"
    case .shardMissing(let path, let tried, let directory):
      "shard '\(path)' of '\(directory)/\(Manifest.fileName)' no longer exists (tried "
        + tried.map { "'\($0)'" }.joined(separator: ", ")
        + "); shard paths are recorded as given to 'tailscan count', relative to the directory "
        + "it ran in: run 'tailscan docs' from that directory, or put the shard back"
    case .lineNotFound(let path, let line, let lines):
      "'\(path)' has \(lines) lines, but a document was counted at line \(line); the shard has "
        + "changed since it was counted: restore it or recount"
    case .documentChanged(let path, let line, let reason):
      "'\(path)':\(line) \(reason); the shard has changed since it was counted: restore it or "
        + "recount"
    }
  }
}
