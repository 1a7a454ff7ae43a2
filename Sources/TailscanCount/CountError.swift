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
  /// `--memory` leaves too little for the workers.
  /// `largest` says what takes most of the memory that is not the counts'.
  case memoryBudgetTooSmall(budget: Int, needed: Int, jobs: Int, largest: String)
  /// An earlier count into `output` stopped before it finished; its runs are in `work`.
  case interruptedRun(output: String, work: String)
  /// `--resume`, but the count into `output` has finished.
  case nothingToResume(output: String)
  /// `--resume` with settings other than the interrupted run's.
  case resumeMismatch(work: String, detail: String)
  /// A run of an interrupted count cannot be read.
  case damagedRun(path: String, detail: String)
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
    case .memoryBudgetTooSmall(let budget, let needed, let jobs, let largest):
      "'--memory \(budget >> 20)MiB' is too small for \(jobs) job(s): give at least "
        + "\((needed + (1 << 20) - 1) >> 20)MiB (\(largest)), or fewer '--jobs'"
    case .interruptedRun(let output, let work):
      "an earlier count into '\(output)' did not finish; what it counted is kept in '\(work)': "
        + "pass '--resume' to finish it, or '--force' to start over"
    case .nothingToResume(let output):
      "'\(output)' is complete: there is no interrupted count to resume"
    case .resumeMismatch(let work, let detail):
      "cannot resume the count in '\(work)': \(detail); run with the same options, or pass "
        + "'--force' (without '--resume') to start over"
    case .damagedRun(let path, let detail):
      "'\(path)' (a run of an interrupted count) is damaged (\(detail)); remove its directory "
        + "and start over"
    case .documentChanged(let path, let line, let reason):
      "'\(path)':\(line) \(reason); the shard has changed since it was counted: restore it or "
        + "recount"
    }
  }
}
