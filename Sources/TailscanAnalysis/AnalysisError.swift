/// Errors of `tailscan correlate`; each says what, where, and what to do.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
  case badFieldOption(String, reason: String)
  case badLine(path: String, line: Int, reason: String)
  case noInstances(paths: [String], skipped: Int, first: AnswerLogReport.SkippedLine? = nil)
  case unreadable(path: String)
  case badKey(String, kind: AnswerKind)
  /// A figure option that does not fit the report; the text says which and why.
  case badFigureOption(String)
  /// A report file that cannot be read back.
  case badReport(path: String, reason: String)
  /// PDF or PNG output without rsvg-convert, or its failure.
  case converter(String)
  /// The demo's bundled data is not where it was looked for.
  case demoData(path: String)

  public var description: String {
    switch self {
    case .badFieldOption(let spec, let reason):
      "'--field \(spec)': \(reason)"
    case .badLine(let path, let line, let reason):
      "'\(path)':\(line): \(reason); fix or remove the line, or pass '--skip-bad-lines' to skip "
        + "such lines (they are counted in the report)"
    case .noInstances(let paths, let skipped, let first):
      "no answered instance in \(paths.map { "'\($0)'" }.joined(separator: ", "))"
        + (skipped > 0 ? " (\(skipped) bad lines skipped)" : "")
        + (first.map { ", the first '\($0.path)':\($0.line): \($0.reason)" } ?? "")
        + "; each line must be a JSON object with an answer (see 'tailscan correlate --help')"
    case .unreadable(let path):
      "cannot read '\(path)'; check that it exists and is readable"
    case .badKey(let key, let kind):
      "'\(key)' is not a key of \(kind.rawValue) logs; the keys are "
        + CorrelateKey.keys(for: kind).map(\.rawValue).joined(separator: ", ")
    case .badFigureOption(let text):
      text
    case .badReport(let path, let reason):
      "'\(path)': \(reason); give the summary.json that 'tailscan correlate -o' wrote"
    case .converter(let text):
      text
    case .demoData(let path):
      "the demo's data is not in '\(path)' (it needs corpus/, answers-arithmetic.jsonl and "
        + "answers-qa.jsonl); run from the tailscan checkout, or pass '--data DIR/Fixtures/demo'"
    }
  }
}
