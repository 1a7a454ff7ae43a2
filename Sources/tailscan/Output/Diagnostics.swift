import Foundation
import TailscanCount
import TailscanIO
import TailscanStore

/// Messages for people go to standard error; data goes to standard output.
enum Diagnostics {
  static func warn(_ message: String) {
    Syscalls.writeToStandardError("warning: \(message)\n")
  }

  static func note(_ message: String) {
    Syscalls.writeToStandardError("\(message)\n")
  }

  /// A progress printer for `count`, or nil when quiet or standard error is not a terminal.
  static func progress(quiet: Bool) -> ((CountProgress) -> Void)? {
    guard !quiet, Syscalls.standardErrorIsTerminal else { return nil }
    return { p in
      let rate = p.elapsedSeconds > 0 ? Double(p.uncompressedBytes) / p.elapsedSeconds / 1e6 : 0
      var line = "\r\u{1B}[K"
      line += "\(formatBytes(p.bytesRead)) / \(formatBytes(p.bytesTotal))"
      if p.bytesTotal > 0 {
        line += String(format: " (%.0f%%)", 100 * Double(p.bytesRead) / Double(p.bytesTotal))
      }
      line += "  shard \(min(p.shardsDone + 1, p.shardsTotal))/\(p.shardsTotal)"
      line += "  \(p.documents) docs  " + String(format: "%.1f MB/s", rate)
      if p.writing { line += "  sorting and writing tables…" }
      if !p.finished && p.bytesRead > 0 && p.bytesTotal > p.bytesRead {
        let remaining = p.elapsedSeconds * Double(p.bytesTotal - p.bytesRead) / Double(p.bytesRead)
        line += "  ETA \(formatDuration(remaining))"
      }
      if p.finished { line += "\n" }
      Syscalls.writeToStandardError(line)
    }
  }

  /// `counted 260 documents, 8253 tokens from 3 shard(s) (60.9 KB uncompressed) in 0.01 s
  /// (6.0 MB/s) with 2 job(s)`.
  static func counted(_ summary: CountSummary) -> String {
    let t = summary.totals
    let rate = Double(t.uncompressedBytes) / max(summary.elapsedSeconds, 1e-9) / 1e6
    return "counted \(t.documents) documents, \(t.tokens) tokens from \(summary.shards) shard(s) "
      + "(\(formatBytes(t.uncompressedBytes)) uncompressed) in "
      + String(format: "%.2f s (%.1f MB/s)", summary.elapsedSeconds, rate)
      + " with \(summary.jobs) job(s)"
  }

  static func formatBytes(_ bytes: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }

  static func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600
      ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
      : String(format: "%d:%02d", s / 60, s % 60)
  }
}

/// One JSON object per line, fields in the order given.
struct JSONLine {
  private var parts: [String] = []

  mutating func add(_ key: String, _ value: String) { parts.append("\(quote(key)):\(quote(value))") }
  mutating func add(_ key: String, _ value: Int) { parts.append("\(quote(key)):\(value)") }
  mutating func add(_ key: String, _ value: UInt64) { parts.append("\(quote(key)):\(value)") }
  mutating func add(_ key: String, _ value: Double) {
    parts.append("\(quote(key)):\(value.isFinite ? "\(value)" : "null")")
  }
  mutating func add(_ key: String, _ value: Bool) { parts.append("\(quote(key)):\(value)") }
  /// Adds `json`, already JSON text (an array or object).
  mutating func addRaw(_ key: String, _ json: String) { parts.append("\(quote(key)):\(json)") }

  var text: String { "{" + parts.joined(separator: ",") + "}" }

  private func quote(_ s: String) -> String { JSONValue.quoted(s) }
}

/// A TSV field: tabs and newlines inside a key are escaped so columns stay aligned.
func tsvField(_ s: String) -> String {
  s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
}
