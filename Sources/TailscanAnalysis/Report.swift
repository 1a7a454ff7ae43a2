import Foundation
import TailscanIO

/// The report directory of `correlate`: `summary.json`, `keys.csv`, `bins.csv`.
public enum Report {
  /// Writes the report of `summary` to `path` atomically (a temporary directory renamed into
  /// place).
  static func write(
    _ summary: CorrelateSummary, to path: String, overwrite: Bool
  ) throws {
    let directory = try OutputDirectory(path: path, overwrite: overwrite, contents: .report)
    try writeFile(directory.file("summary.json"), Array(try json(summary).utf8))
    var keys = try CSVWriter(path: directory.file("keys.csv"))
    try writeKeys(summary, to: &keys)
    try keys.close()
    var bins = try CSVWriter(path: directory.file("bins.csv"))
    try writeBins(summary, to: &bins)
    try bins.close()
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
  static func writeKeys(
    _ summary: CorrelateSummary, to out: inout CSVWriter
  ) throws {
    try out.row(
      summary.settings.groupBy + [
        "key_type", "key", "frequency", "instances", "correct", "accuracy", "bin",
      ])
    for group in summary.groups {
      for result in group.keys {
        let points = result.points
        var bin = 0  // keys ascend in frequency, and so do the bins
        let bins = result.binning.bins
        for i in points.frequency.indices {
          let frequency = Double(points.frequency[i])
          while bin < bins.count && bins[bin].upper <= frequency { bin += 1 }
          for value in group.values { try out.field(value) }
          try out.field(result.key.rawValue)
          try out.field(points.label[i])
          try out.field(points.frequency[i])
          try out.field(points.instances[i])
          try out.field(points.correct[i])
          try out.field(number(Double(points.correct[i]) / Double(points.instances[i])))
          let inBin =
            bin < bins.count && bins[bin].lower <= frequency && frequency < bins[bin].upper
          try out.field(inBin ? "\(bins[bin].index)" : "")
          try out.endRow()
        }
      }
    }
  }

  /// One row per bin of each group and key.
  static func writeBins(_ summary: CorrelateSummary, to out: inout CSVWriter) throws {
    try out.row(
      summary.settings.groupBy + [
        "key_type", "bin", "lower", "upper", "midpoint", "keys", "instances", "correct",
        "accuracy", "key_mean", "sem", "band", "wilson_lower", "wilson_upper", "kept",
      ])
    for group in summary.groups {
      for result in group.keys {
        for bin in result.binning.bins {
          try out.row(
            group.values + [
              result.key.rawValue, "\(bin.index)", number(bin.lower), number(bin.upper),
              number(bin.midpoint), "\(bin.keys)", "\(bin.instances)", "\(bin.correct)",
              number(bin.accuracy), number(bin.keyMean), number(bin.sem), number(bin.band),
              number(bin.wilsonLower), number(bin.wilsonUpper), bin.kept ? "true" : "false",
            ])
        }
      }
    }
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
}

/// A CSV file (RFC 4180) written as it is made: fields with a comma, a quote or a line break
/// are quoted; lines end in `\n`.
struct CSVWriter: ~Copyable {
  private var file: FileWriter
  private var buffer: [UInt8] = []
  private var atRowStart = true

  init(path: String) throws {
    file = try FileWriter(path: path)
    buffer.reserveCapacity(1 << 20)
  }

  mutating func field(_ text: String) throws {
    if !atRowStart { buffer.append(0x2C) }
    atRowStart = false
    Self.append(text, to: &buffer)
  }

  /// Appends `text` as a CSV field, quoted if it holds a comma, a quote or a line break.
  static func append(_ text: String, to buffer: inout [UInt8]) {
    let utf8 = text.utf8
    // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
    if utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
      buffer.append(0x22)
      for byte in utf8 {
        if byte == 0x22 { buffer.append(0x22) }
        buffer.append(byte)
      }
      buffer.append(0x22)
    } else {
      buffer.append(contentsOf: utf8)
    }
  }

  /// One CSV line of `fields`.
  static func line(_ fields: [String]) -> String {
    var buffer: [UInt8] = []
    for (i, field) in fields.enumerated() {
      if i > 0 { buffer.append(0x2C) }
      append(field, to: &buffer)
    }
    buffer.append(0x0A)
    return String(decoding: buffer, as: UTF8.self)
  }

  mutating func field(_ value: some BinaryInteger) throws {
    try field(String(value))
  }

  mutating func endRow() throws {
    buffer.append(0x0A)
    atRowStart = true
    if buffer.count >= 1 << 20 {
      try file.write(bytes: buffer)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  mutating func row(_ fields: [String]) throws {
    for field in fields { try self.field(field) }
    try endRow()
  }

  consuming func close() throws {
    try file.write(bytes: buffer)
    try file.close()
  }
}
