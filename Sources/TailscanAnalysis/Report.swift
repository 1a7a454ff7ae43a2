import Foundation
import TailscanIO

/// The report directory of `correlate`: `summary.json`, `keys.csv`, `bins.csv`, a figure per
/// key (`razeghi-x1.svg`, …) and `index.html`.
public enum Report {
  /// Writes the report of `summary` to `path` atomically (a temporary directory renamed into
  /// place); returns the figures' file names.
  @discardableResult
  static func write(
    _ summary: CorrelateSummary, to path: String, overwrite: Bool,
    jobs: Int = ProcessInfo.processInfo.activeProcessorCount
  ) throws -> [String] {
    let directory = try OutputDirectory(path: path, overwrite: overwrite, contents: .report)
    try writeFile(directory.file("summary.json"), Array(try json(summary).utf8))
    let figures = try Figures.make(summary)
    for figure in figures {
      try writeFile(directory.file("\(figure.name).svg"), Array(figure.svg().utf8))
    }
    try writeFile(
      directory.file("index.html"), Array(HTMLReport.page(summary, figures: figures).utf8))
    var keys = try CSVWriter(path: directory.file("keys.csv"))
    try writeKeys(summary, to: &keys, jobs: jobs)
    try keys.close()
    var bins = try CSVWriter(path: directory.file("bins.csv"))
    try writeBins(summary, to: &bins)
    try bins.close()
    try directory.commit()
    return figures.map { "\($0.name).svg" }
  }

  /// Reads a report back: `path` is its `summary.json` or its directory. The keys come from
  /// `keys.csv` beside it when it is there (a summary alone has the bins but not the keys).
  public static func read(_ path: String) throws -> CorrelateSummary {
    let file = (try? Syscalls.status(path))??.isDirectory == true ? "\(path)/summary.json" : path
    guard let data = FileManager.default.contents(atPath: file) else {
      throw AnalysisError.unreadable(path: file)
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .custom { path in Self.camelCase(path.last!) }
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    var summary: CorrelateSummary
    do {
      summary = try decoder.decode(CorrelateSummary.self, from: data)
    } catch {
      throw AnalysisError.badReport(path: file, reason: "not a tailscan summary (\(error))")
    }
    guard summary.tool == "tailscan" else {
      throw AnalysisError.badReport(path: file, reason: "written by '\(summary.tool)'")
    }
    // Each group: a value per group-by field and a result per key, in the settings' order.
    for (g, group) in summary.groups.enumerated()
    where group.values.count != summary.settings.groupBy.count
      || group.keys.map(\.key) != summary.settings.keys
    {
      throw AnalysisError.badReport(
        path: file,
        reason: "group \(g + 1) ('\(group.label)') does not have a value for each of "
          + "settings.group_by and a result for each of settings.keys, in their order")
    }
    let keys = (file as NSString).deletingLastPathComponent + "/keys.csv"
    if let text = FileManager.default.contents(atPath: keys) {
      try readKeys(String(decoding: text, as: UTF8.self), path: keys, into: &summary)
    }
    return summary
  }

  /// The property name a `summary.json` key was written from: snake_case back to camelCase,
  /// with the acronyms that `convertToSnakeCase` lowered (`manifest_sha256` → `manifestSHA256`,
  /// `slope_ci` → `slopeCI`, `slope_se` → `slopeSE`).
  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
      stringValue = "\(intValue)"
      self.intValue = intValue
    }
  }

  private static func camelCase(_ key: any CodingKey) -> any CodingKey {
    if key.intValue != nil { return key }
    let words = key.stringValue.split(separator: "_", omittingEmptySubsequences: false)
    guard words.count > 1 else { return key }
    var name = String(words[0])
    for word in words.dropFirst() {
      switch word {
      case "sha256" where name != "": name += "SHA256"
      case "ci": name += "CI"
      case "se": name += "SE"
      default: name += word.prefix(1).uppercased() + word.dropFirst()
      }
    }
    return Key(stringValue: name)
  }

  /// Fills each key result's points from `keys.csv`.
  static func readKeys(_ text: String, path: String, into summary: inout CorrelateSummary) throws {
    let rows = CSVReader.rows(text)
    let fields = summary.settings.groupBy
    let header =
      fields + ["key_type", "key", "frequency", "instances", "correct", "accuracy", "bin"]
    guard let first = rows.first, first == header else {
      throw AnalysisError.badReport(
        path: path, reason: "its header is not \(header.joined(separator: ","))")
    }
    var groups: [[String]: Int] = [:]
    for (i, group) in summary.groups.enumerated() { groups[group.values] = i }
    for (n, row) in rows.dropFirst().enumerated() {
      let g = fields.count
      guard row.count == header.count, let group = groups[Array(row[0..<g])],
        let k = summary.settings.keys.firstIndex(where: { $0.rawValue == row[g] }),
        let frequency = UInt64(row[g + 2]), let instances = Int(row[g + 3]),
        let correct = Int(row[g + 4])
      else {
        throw AnalysisError.badReport(
          path: path, reason: "line \(n + 2) is not a key of this summary")
      }
      summary.groups[group].keys[k].points.label.append(row[g + 1])
      summary.groups[group].keys[k].points.frequency.append(frequency)
      summary.groups[group].keys[k].points.instances.append(instances)
      summary.groups[group].keys[k].points.correct.append(correct)
    }
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
  /// correct, accuracy and bin. The rows are made on all cores, a few runs of rows at a time,
  /// and written in order.
  static func writeKeys(
    _ summary: CorrelateSummary, to out: inout CSVWriter, jobs: Int
  ) throws {
    try out.row(
      summary.settings.groupBy + [
        "key_type", "key", "frequency", "instances", "correct", "accuracy", "bin",
      ])
    // Runs of rows of one key: the cores take neighbouring runs of the same key, whose labels
    // differ (the keys of one group share their strings, and copying one from two cores at
    // once contends for its reference count).
    var runs: [(values: [String], result: CorrelateSummary.KeyResult, rows: Range<Int>)] = []
    let runLength = 1 << 14
    for group in summary.groups {
      for result in group.keys {
        let count = result.points.frequency.count
        for start in stride(from: 0, to: count, by: runLength) {
          runs.append((group.values, result, start..<min(start + runLength, count)))
        }
      }
    }
    let window = Parallel.pieces(runs.count, jobs: jobs)
    for start in stride(from: 0, to: runs.count, by: max(1, window)) {
      let batch = runs[start..<min(start + window, runs.count)]
      let made = Parallel.map(count: batch.count, jobs: jobs) { i in
        let run = batch[batch.startIndex + i]
        return keyRows(values: run.values, result: run.result, rows: run.rows)
      }
      for rows in made { try out.write(rows) }
    }
  }

  /// The keys.csv rows `rows` of one group's key.
  private static func keyRows(
    values: [String], result: CorrelateSummary.KeyResult, rows: Range<Int>
  ) -> CSVRows {
    var out = CSVRows()
    // The group's values and the key type begin every row of this key.
    let prefix = Array(CSVRows.line(values + [result.key.rawValue]).utf8.dropLast())
    let points = result.points
    let labels = points.label.span
    let frequencies = points.frequency
    let (instances, correct) = (points.instances, points.correct)
    let bins = result.binning.bins
    var bin = 0  // keys ascend in frequency, and so do the bins
    for i in rows {
      let frequency = Double(frequencies[i])
      while bin < bins.count && bins[bin].upper <= frequency { bin += 1 }
      out.raw(prefix)
      out.field(labels[i])
      out.field(frequencies[i])
      out.field(instances[i])
      out.field(correct[i])
      out.field(number(Double(correct[i]) / Double(instances[i])))
      if bin < bins.count && bins[bin].lower <= frequency && frequency < bins[bin].upper {
        out.field(bins[bin].index)
      } else {
        out.field("")
      }
      out.endRow()
    }
    return out
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

/// Reads CSV (RFC 4180): quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVReader {
  static func rows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    var quoted = false
    var bytes = Array(text.utf8).makeIterator()
    var pending: UInt8? = nil
    func finishField() {
      row.append(String(decoding: field, as: UTF8.self))
      field.removeAll(keepingCapacity: true)
    }
    while let byte = pending ?? bytes.next() {
      pending = nil
      if quoted {
        if byte == 0x22 {
          if let next = bytes.next() {
            if next == 0x22 { field.append(0x22) } else { quoted = false; pending = next }
          } else { quoted = false }
        } else {
          field.append(byte)
        }
        continue
      }
      switch byte {
      case 0x22 where field.isEmpty: quoted = true
      case 0x2C: finishField()
      case 0x0A:
        finishField()
        rows.append(row)
        row = []
      case 0x0D: continue
      default: field.append(byte)
      }
    }
    if !field.isEmpty || !row.isEmpty {
      finishField()
      rows.append(row)
    }
    return rows
  }
}

/// CSV rows (RFC 4180) made in memory: fields with a comma, a quote or a line break are
/// quoted; lines end in `\n`.
struct CSVRows: Sendable {
  private(set) var bytes: [UInt8] = []
  private var atRowStart = true

  /// Bytes already CSV (whole fields, commas between them) that begin a row.
  mutating func raw(_ fields: [UInt8]) {
    bytes.append(contentsOf: fields)
    atRowStart = fields.isEmpty
  }

  mutating func field(_ text: borrowing String) {
    if !atRowStart { bytes.append(0x2C) }
    atRowStart = false
    Self.append(text, to: &bytes)
  }

  /// A whole number, its decimal digits written straight into the bytes (keys.csv writes
  /// three per row, a million rows and more).
  mutating func field(_ value: some BinaryInteger) {
    if !atRowStart { bytes.append(0x2C) }
    atRowStart = false
    guard let magnitude = UInt64(exactly: value.magnitude) else {
      Self.append(String(value), to: &bytes)
      return
    }
    if value < 0 { bytes.append(0x2D) }
    let start = bytes.count
    var rest = magnitude
    repeat {
      bytes.append(0x30 + UInt8(rest % 10))
      rest /= 10
    } while rest > 0
    bytes[start...].reverse()
  }

  mutating func endRow() {
    bytes.append(0x0A)
    atRowStart = true
  }

  mutating func row(_ fields: [String]) {
    for field in fields { self.field(field) }
    endRow()
  }

  mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    atRowStart = true
  }

  /// Appends `text` as a CSV field, quoted if it holds a comma, a quote or a line break.
  static func append(_ text: borrowing String, to buffer: inout [UInt8]) {
    // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n". The
    // contiguous bytes (a Span) are scanned and copied in place: keys.csv writes a million
    // questions, and a copy of each String would have the cores contend for its reference
    // count (a question labels a key of every group).
    let bytes = text.utf8.span
    var special = false
    for i in bytes.indices {
      let byte = bytes[i]
      if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D {
        special = true
        break
      }
    }
    guard special else {
      buffer.append(copying: bytes)
      return
    }
    buffer.append(0x22)
    for i in bytes.indices {
      if bytes[i] == 0x22 { buffer.append(0x22) }
      buffer.append(bytes[i])
    }
    buffer.append(0x22)
  }

  /// One CSV line of `fields`.
  static func line(_ fields: [String]) -> String {
    var rows = CSVRows()
    rows.row(fields)
    return String(decoding: rows.bytes, as: UTF8.self)
  }
}

/// A CSV file written as it is made, a MiB at a time.
struct CSVWriter: ~Copyable {
  private var file: FileWriter
  private var rows = CSVRows()

  init(path: String) throws {
    file = try FileWriter(path: path)
  }

  mutating func row(_ fields: [String]) throws {
    rows.row(fields)
    if rows.bytes.count >= 1 << 20 { try flush() }
  }

  /// Rows made elsewhere (on other cores), after those written so far.
  mutating func write(_ made: CSVRows) throws {
    try flush()
    try file.write(bytes: made.bytes)
  }

  private mutating func flush() throws {
    try file.write(bytes: rows.bytes)
    rows.removeAll()
  }

  consuming func close() throws {
    try file.write(bytes: rows.bytes)
    try file.close()
  }
}
