/// Errors from reading corpus files, decompressing them and writing outputs.
///
/// Messages name the file (and the byte offset or line where one is known) and say what to do.
public enum IOError: Error, Sendable, Equatable {
  case cannotOpen(path: String, reason: String)
  case readFailed(path: String, reason: String)
  case writeFailed(path: String, reason: String)
  case notFound(path: String)
  case corruptGzip(path: String, offset: Int, message: String)
  case truncatedGzip(path: String, offset: Int)
  case trailingGarbage(path: String, offset: Int)
  case corruptZstd(path: String, offset: Int, message: String)
  case truncatedZstd(path: String, offset: Int)
  case zstdUnavailable(path: String, reason: String)
  case lineTooLong(path: String, line: Int, limit: Int)
  /// A line longer than a memory budget can hold (see `LongLineGate`).
  case lineExceedsMemory(path: String, line: Int, limit: Int, reason: String)
  case outputExists(path: String)
  case refuseToReplace(path: String)
  case outOfMemory(path: String)
  /// Another process is writing the same output.
  case locked(path: String, lock: String, pid: Int32?)
}

extension IOError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason):
      "cannot open '\(path)': \(reason)"
    case .readFailed(let path, let reason):
      "cannot read '\(path)': \(reason)"
    case .writeFailed(let path, let reason):
      "cannot write '\(path)': \(reason); check free disk space and permissions"
    case .notFound(let path):
      "'\(path)' does not exist; check the path"
    case .corruptGzip(let path, let offset, let message):
      "'\(path)' is corrupt at compressed byte \(offset) (zlib: \(message)); "
        + "re-download or regenerate the shard, or leave it out of the input"
    case .truncatedGzip(let path, let offset):
      "'\(path)' is truncated: the gzip stream ends at compressed byte \(offset) in the middle "
        + "of a member; the download or copy was probably cut short, so fetch the shard again"
    case .trailingGarbage(let path, let offset):
      "'\(path)' has data that does not start another gzip member or zstd frame after the last "
        + "complete one, at compressed byte \(offset); the file may be damaged or two formats "
        + "were concatenated"
    case .corruptZstd(let path, let offset, let message):
      "'\(path)' is corrupt at compressed byte \(offset) (zstd: \(message)); "
        + "re-download or regenerate the shard, or leave it out of the input"
    case .truncatedZstd(let path, let offset):
      "'\(path)' is truncated: the zstd stream ends at compressed byte \(offset) in the middle "
        + "of a frame; the download or copy was probably cut short, so fetch the shard again"
    case .zstdUnavailable(let path, let reason):
      "'\(path)' is zstd-compressed, but libzstd could not be loaded (\(reason)); install it "
        + "('apt-get install libzstd1' on Debian and Ubuntu, 'brew install zstd' on macOS)"
    case .lineTooLong(let path, let line, let limit):
      "'\(path)':\(line) is longer than \(limit) bytes; raise '--max-line-bytes' if this is "
        + "a real document, or pass '--skip-bad-lines' to skip such lines"
    case .lineExceedsMemory(let path, let line, let limit, let reason):
      "'\(path)':\(line) is longer than \(limit >> 20)MiB, the longest document that "
        + "'\(reason)' holds (a document is held whole while it is counted); give more memory, "
        + "or pass such lines over with '--max-line-bytes \(limit >> 20)MiB --skip-bad-lines'"
    case .outputExists(let path):
      "'\(path)' already exists; pass '--force' to replace it or choose another '-o'"
    case .refuseToReplace(let path):
      "'\(path)' exists and is not a tailscan table or report directory, so '--force' will not "
        + "replace it; "
        + "choose another '-o' or move it away yourself"
    case .outOfMemory(let path):
      "out of memory while decompressing '\(path)'"
    case .locked(let path, let lock, let pid):
      "'\(path)' is being written by "
        + (pid.map { "another tailscan (process \($0))" } ?? "another tailscan")
        + " (it holds '\(lock)'); wait for it to finish or choose another output"
    }
  }
}
