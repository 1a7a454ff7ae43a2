public import TailscanIO

/// Errors of a counting run.
public enum CountError: Error, Sendable, Equatable {
  /// A corpus line that is not a valid document (and `--skip-bad-lines` was not given).
  case badLine(path: String, line: Int, LineError)
  /// No corpus files under the inputs.
  case noShards(paths: [String])
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
    }
  }
}
