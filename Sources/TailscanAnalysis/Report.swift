import Foundation
import TailscanIO

/// The report directory of `correlate`: `summary.json`, `keys.csv`, `bins.csv`.
public enum Report {
  /// Writes the report of `summary` to `path` atomically (a temporary directory renamed into
  /// place); `labels` are each group's keys' labels, in the order of their points.
  static func write(
    _ summary: CorrelateSummary, labels: [[[String]]], to path: String, overwrite: Bool
  ) throws {
    let directory = try OutputDirectory(path: path, overwrite: overwrite, contents: .report)
    try writeFile(directory.file("summary.json"), Array(try json(summary).utf8))
    try writeFile(directory.file("keys.csv"), Array(keysCSV(summary, labels: labels).utf8))
    try writeFile(directory.file("bins.csv"), Array(binsCSV(summary).utf8))
    try directory.commit()
  }

  /// `summary` as JSON: sorted keys, snake_case names, indented, a final newline.
  public static func json(_ summary: CorrelateSummary) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
  }

  /// One row per key: the group's values, the key type, the key, its frequency, instances,
  /// correct, accuracy and bin.
  static func keysCSV(_ summary: CorrelateSummary, labels: [[[String]]]) -> String {
    var out = csvRow(
      summary.settings.groupBy + [
        "key_type", "key", "frequency", "instances", "correct", "accuracy", "bin",
      ])
    for (g, group) in summary.groups.enumerated() {
      for (k, result) in group.keys.enumerated() {
        let points = result.points
        for i in points.frequency.indices {
          let frequency = points.frequency[i]
          let bin = result.binning.bins.first {
            $0.lower <= Double(frequency) && Double(frequency) < $0.upper
          }
          out += csvRow(
            group.values + [
              result.key.rawValue, labels[g][k][i], "\(frequency)", "\(points.instances[i])",
              "\(points.correct[i])",
              number(Double(points.correct[i]) / Double(points.instances[i])),
              bin.map { "\($0.index)" } ?? "",
            ])
        }
      }
    }
    return out
  }

  /// One row per bin of each group and key.
  static func binsCSV(_ summary: CorrelateSummary) -> String {
    var out = csvRow(
      summary.settings.groupBy + [
        "key_type", "bin", "lower", "upper", "midpoint", "keys", "instances", "correct",
        "accuracy", "key_mean", "sem", "band", "wilson_lower", "wilson_upper", "kept",
      ])
    for group in summary.groups {
      for result in group.keys {
        for bin in result.binning.bins {
          out += csvRow(
            group.values + [
              result.key.rawValue, "\(bin.index)", number(bin.lower), number(bin.upper),
              number(bin.midpoint), "\(bin.keys)", "\(bin.instances)", "\(bin.correct)",
              number(bin.accuracy), number(bin.keyMean), number(bin.sem), number(bin.band),
              number(bin.wilsonLower), number(bin.wilsonUpper), bin.kept ? "true" : "false",
            ])
        }
      }
    }
    return out
  }

  /// A number as Swift prints a Double (the shortest text that reads back exactly), whole
  /// numbers without `.0`; empty for nil.
  static func number(_ value: Double?) -> String {
    guard let value else { return "" }
    if value.isFinite && value == value.rounded() && abs(value) < 1e15 {
      return String(Int64(value))
    }
    return "\(value)"
  }

  /// A CSV line (RFC 4180): fields with a comma, quote or line break are quoted.
  static func csvRow(_ fields: [String]) -> String {
    fields.map { field in
      // By bytes: "\r\n" is one Character, equal to neither "\n" nor "\r".
      guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
      else { return field }
      return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }.joined(separator: ",") + "\n"
  }
}
