public import TailscanIO

/// Errors of a counting run.
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
    }
  }
}
