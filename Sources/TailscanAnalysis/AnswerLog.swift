import Foundation
import Synchronization
import TailscanCount
import TailscanIO

/// The two kinds of answer log (DESIGN §5).
public enum AnswerKind: String, Sendable, Codable, CaseIterable {
  /// Razeghi et al.: arithmetic questions about numbers `x1`, `x2`.
  case arithmetic
  /// Kandpal et al.: factual questions with answer aliases.
  case qa
}

/// An entity as a log line gives it: an id and/or names.
public struct EntityMention: Sendable, Equatable, Hashable {
  public var id: String?
  public var names: [String]
}

/// One answered instance of a log.
public struct AnswerInstance: Sendable {
  /// The instance's position in `AnswerSet.instances`.
  public var index: Int
  /// Which log (index into `AnswerSet.files`) and line (1-based).
  public var file: Int
  public var line: Int
  /// Index into `AnswerSet.groups`.
  public var group: Int
  public var correct: Bool

  // Arithmetic: the number terms as written.
  public var x1: String?
  public var x2: String?
  public var gold: String?
  public var unit: String?

  // QA.
  public var question: String?
  /// The same number for the same question text (-1 without a question).
  public var questionID = -1
  public var aliases: [String] = []
  public var questionEntities: [EntityMention]?
  public var answerEntities: [EntityMention]?
}

/// What reading the logs found, for the report.
public struct AnswerLogReport: Sendable, Codable, Equatable {
  public struct File: Sendable, Codable, Equatable {
    public var path: String
    public var sha256: String
    public var bytes: Int
    public var lines: Int
    public var instances: Int
  }
  public struct SkippedLine: Sendable, Codable, Equatable {
    public var path: String
    public var line: Int
    public var reason: String
  }
  public var files: [File] = []
  public var instances = 0
  public var blankLines = 0
  public var skippedLines = 0
  public var firstSkippedLines: [SkippedLine] = []
  /// Instances judged by the log's own `correct` (or metric) field, and by tailscan's scoring.
  public var judgedByLog = 0
  public var judgedByTailscan = 0
  /// Instances with both, where tailscan's scoring disagrees with the log.
  public var disagreements = 0
  /// Arithmetic operands read from the question text (no `x1` field).
  public var operandsFromQuestion = 0
}

/// Answer logs read into instances.
public struct AnswerSet: Sendable {
  public var kind: AnswerKind
  public var instances: [AnswerInstance]
  /// The group-by fields, and each group's values (in order of first appearance).
  public var groupFields: [String]
  public var groups: [[String]]
  public var report: AnswerLogReport
}

extension AnswerSet {
  /// The set without the group-by fields that no instance has (all values empty).
  func droppingAbsentGroupFields() -> AnswerSet {
    var copy = self
    copy.dropAbsentGroupFields()
    return copy
  }

  /// Drops the group-by fields that no instance has (all values empty), in place: a million
  /// instances are renumbered, not copied.
  mutating func dropAbsentGroupFields() {
    let kept = groupFields.indices.filter { f in groups.contains { !$0[f].isEmpty } }
    guard kept.count < groupFields.count else { return }
    groupFields = kept.map { groupFields[$0] }
    let old = groups
    groups = []
    var index: [[String]: Int] = [:]
    var remap: [Int] = []
    for values in old {
      let key = kept.map { values[$0] }
      if index[key] == nil {
        index[key] = groups.count
        groups.append(key)
      }
      remap.append(index[key] ?? 0)
    }
    for i in instances.indices { instances[i].group = remap[instances[i].group] }
  }
}

/// Reads answer logs (plain or gzip JSONL).
public enum AnswerLog {
  /// How many skipped lines the report lists one by one (all are counted).
  static let listedSkips = 5

  /// Reads `paths` in order.
  ///
  /// - Parameters:
  ///   - kind: the kind of log; nil detects it from the first instance (arithmetic when it has
  ///     `x1` or an arithmetic question, else QA).
  ///   - groupBy: fields whose values split the instances into groups; a field of
  ///     `AnswerFields` is read from its candidates; `file` is the log's file name.
  ///   - jobs: the most cores the lines are parsed on (default: all).
  /// - Throws: `AnalysisError.badLine` for a line that is not an answered instance, unless
  ///   `skipBadLines`; `AnalysisError.noInstances` when nothing was read; `IOError`.
  public static func read(
    _ paths: [String], fields: AnswerFields, kind: AnswerKind? = nil, groupBy: [String] = [],
    skipBadLines: Bool = false, jobs: Int? = nil
  ) throws -> AnswerSet {
    let jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    let parser = LineParser(fields: fields, groupBy: groupBy)
    // What the lines added so far made: changed only by the core adding a batch.
    let state = Mutex(LogState(reader: InstanceCollector(kind: kind)))
    // The logs' digests are computed on another core while they are parsed.
    let digests = Mutex([Result<String, any Error>?](repeating: nil, count: paths.count))
    let hashing = DispatchGroup()
    DispatchQueue.global().async(group: hashing) {
      for (i, path) in paths.enumerated() {
        let digest = Result { try SHA256.hex(ofFile: path) }
        digests.withLock { $0[i] = digest }
      }
    }
    // `file` groups by the file name, or by the path where logs share a name (`a/x`, `b/x`).
    let baseNames = paths.map { String($0.split(separator: "/").last ?? Substring($0)) }
    let fileNames = paths.indices.map { i in
      baseNames.count(where: { $0 == baseNames[i] }) > 1 ? paths[i] : baseNames[i]
    }
    var files: [AnswerLogReport.File] = []
    var blankLines = 0
    for (fileIndex, path) in paths.enumerated() {
      var file = AnswerLogReport.File(path: path, sha256: "", bytes: 0, lines: 0, instances: 0)
      var shard = try ShardReader(path: path)
      file.bytes = shard.fileSize
      let source = LogState.Source(
        file: fileIndex, path: path, fileName: fileNames[fileIndex], parser: parser,
        skipBadLines: skipBadLines)
      // Lines are read a batch at a time. Each batch is parsed on all cores (`jobs`) while one
      // of them adds the batch before it, in order.
      var batch = LineBatch()
      var previous: (lines: LineBatch, parsedAs: AnswerKind?)? = nil
      let parsed = Mutex<[[Result<ParsedLine, BadLine>]]>([])  // the previous batch's lines
      func step() throws {
        let current = batch
        let last = previous
        let kind = state.withLock { $0.reader.kind }
        let runs = Parallel.pieces(current.count, jobs: jobs)
        let failure = Mutex<(any Error)?>(nil)
        // Job 0 adds the batch before; jobs 1...runs parse this one's runs.
        let made = Parallel.map(count: runs + 1, jobs: jobs) { i in
          guard i > 0 else {
            guard let last else { return [Result<ParsedLine, BadLine>]() }
            var lines = parsed.withLock { LineBatch.take(&$0) }
            do {
              try state.withLock {
                try $0.add(last.lines, &lines, parsedAs: last.parsedAs, from: source)
              }
            } catch {
              failure.withLock { $0 = error }
            }
            return []
          }
          return current.parse(
            run: i - 1, of: runs, parser, kind: kind, fileName: source.fileName)
        }
        if let error = failure.withLock({ $0 }) { throw error }
        parsed.withLock { $0 = Array(made.dropFirst()) }
        previous = current.count == 0 ? nil : (current, kind)
        batch = LineBatch()
      }
      do {
        try shard.forEachLine { line, position in
          file.lines = position.number
          if WhitespaceOnly.check(line) {
            blankLines += 1
            return
          }
          batch.append(line, number: position.number)
          if batch.isFull { try step() }
        }
      } catch let error where !(error is AnalysisError) {
        // The file cannot be read on (truncated, corrupt): the lines read before come first,
        // and a bad one among them is the error to report, as when lines were added one by one.
        try step()
        try step()
        throw error
      }
      try step()  // the last batch parsed
      try step()  // and added
      file.instances = state.withLock { $0.instancesAdded(file: fileIndex) }
      files.append(file)
    }
    hashing.wait()
    var (reader, report) = state.withLock { state in
      (InstanceCollector.take(&state.reader), state.report)
    }
    report.files = files
    report.blankLines = blankLines
    for i in report.files.indices {
      report.files[i].sha256 = try digests.withLock { $0[i] }?.get() ?? ""
    }
    report.instances = reader.instances.count
    report.judgedByLog = reader.judgedByLog
    report.judgedByTailscan = reader.judgedByTailscan
    report.disagreements = reader.disagreements
    report.operandsFromQuestion = reader.operandsFromQuestion
    guard let detected = reader.kind, !reader.instances.isEmpty else {
      throw AnalysisError.noInstances(
        paths: paths, skipped: report.skippedLines, first: report.firstSkippedLines.first)
    }
    return AnswerSet(
      kind: detected, instances: reader.instances, groupFields: groupBy, groups: reader.groups,
      report: report)
  }
}

/// Whether a line holds nothing but spaces, tabs and carriage returns.
enum WhitespaceOnly {
  static func check(_ line: Span<UInt8>) -> Bool {
    for i in line.indices where line[i] != 0x20 && line[i] != 0x09 && line[i] != 0x0D {
      return false
    }
    return true
  }
}

/// Why a line is not an answered instance.
struct BadLine: Error {
  var reason: String
}

/// Lines read but not yet parsed: their bytes, one after another.
private struct LineBatch {
  /// Lines a batch holds: enough that each core has thousands to parse.
  static let capacity = 16384
  /// Bytes a batch holds at most: two batches are in memory at once, and the lines of
  /// lm-evaluation-harness logs (few-shot prompts included) can run to tens of KB each.
  static let byteCapacity = 8 << 20
  private var bytes: [UInt8] = []
  private var ends: [Int] = []
  private(set) var numbers: [Int] = []

  var isFull: Bool { numbers.count >= Self.capacity || bytes.count >= Self.byteCapacity }

  mutating func append(_ line: Span<UInt8>, number: Int) {
    bytes.append(copying: line)
    ends.append(bytes.count)
    numbers.append(number)
  }

  /// Line `i` parsed as `kind` (nil: detected from the line).
  func parse(_ i: Int, _ parser: LineParser, kind: AnswerKind?, fileName: String)
    throws(BadLine) -> ParsedLine
  {
    try parser.parse(
      bytes.span.extracting((i == 0 ? 0 : ends[i - 1])..<ends[i]), kind: kind, fileName: fileName)
  }

  var count: Int { numbers.count }

  /// The lines of run `run` of `runs` (equal runs, in order) parsed, in reverse order:
  /// `popLast` then moves them out in order without a copy.
  func parse(run: Int, of runs: Int, _ parser: LineParser, kind: AnswerKind?, fileName: String)
    -> [Result<ParsedLine, BadLine>]
  {
    let range = (run * count / runs)..<((run + 1) * count / runs)
    return range.reversed().map { i in
      Result { () throws(BadLine) in try parse(i, parser, kind: kind, fileName: fileName) }
    }
  }

  /// `value`, leaving it empty: moved, not copied.
  static func take<T>(_ value: inout [T]) -> [T] {
    var taken: [T] = []
    swap(&taken, &value)
    return taken
  }
}

/// What reading the logs has made so far: the instances and the report of the lines added.
private struct LogState {
  /// Where the lines come from, and how they are read.
  struct Source: Sendable {
    var file: Int
    var path: String
    var fileName: String
    var parser: LineParser
    var skipBadLines: Bool
  }

  var reader: InstanceCollector
  var report = AnswerLogReport()
  private var added: [Int: Int] = [:]

  init(reader: InstanceCollector) {
    self.reader = reader
  }

  /// The instances added from log `file`.
  func instancesAdded(file: Int) -> Int { added[file] ?? 0 }

  /// Adds the lines of `batch`, parsed into `runs` as `parsedAs` (nil: each line as the kind
  /// it looks), in order.
  ///
  /// - Throws: `AnalysisError.badLine` for the first line that is not an instance, unless
  ///   `source.skipBadLines`.
  mutating func add(
    _ batch: LineBatch, _ runs: inout [[Result<ParsedLine, BadLine>]], parsedAs: AnswerKind?,
    from source: Source
  ) throws {
    var i = -1  // the line's place in the batch
    for run in runs.indices {
      while var result = runs[run].popLast() {
        i += 1
        if parsedAs == nil, let kind = reader.kind {
          // Parsed before the first instance set the log's kind: a line that failed, or looks
          // like the other kind, is parsed again as the log's.
          var stands = false
          if case .success(let line) = result { stands = line.kind == kind }
          if !stands {
            result = Result { () throws(BadLine) in
              try batch.parse(i, source.parser, kind: kind, fileName: source.fileName)
            }
          }
        }
        do throws(BadLine) {
          let line = try (consume result).get()
          reader.add(line, file: source.file, number: batch.numbers[i])
          added[source.file, default: 0] += 1
        } catch {
          guard source.skipBadLines else {
            throw AnalysisError.badLine(
              path: source.path, line: batch.numbers[i], reason: error.reason)
          }
          report.skippedLines += 1
          if report.firstSkippedLines.count < AnswerLog.listedSkips {
            report.firstSkippedLines.append(
              .init(path: source.path, line: batch.numbers[i], reason: error.reason))
          }
        }
      }
    }
  }
}

/// A text with its hash computed once, on the parsing cores: the dictionary of questions,
/// filled in line order on one core, does not hash a question again.
struct HashedText: Hashable, Sendable {
  let text: String
  let hash: Int

  init(_ text: String) {
    self.text = text
    hash = text.hashValue
  }

  static func == (a: Self, b: Self) -> Bool { a.hash == b.hash && a.text == b.text }

  func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}

/// A line parsed into an instance, before it takes its place in the set: its index, group and
/// question number are given in line order by `InstanceCollector.add`.
private struct ParsedLine: Sendable {
  var kind: AnswerKind
  var instance: AnswerInstance
  var groupKey: [String]
  /// The instance's question, hashed.
  var question: HashedText?
  var judgedByLog = false
  var judgedByTailscan = false
  var disagreement = false
  var operandsFromQuestion = false
}

/// The instances of the lines parsed so far, in order; their groups and question numbers.
private struct InstanceCollector {
  /// The log's kind: given, or that of the first instance.
  var kind: AnswerKind?
  var instances: [AnswerInstance] = []
  var groups: [[String]] = []
  var groupIndex: [[String]: Int] = [:]
  var questionIDs: [HashedText: Int] = [:]
  var judgedByLog = 0
  var judgedByTailscan = 0
  var disagreements = 0
  var operandsFromQuestion = 0

  /// `collector`, leaving an empty one: moved, not copied.
  static func take(_ collector: inout InstanceCollector) -> InstanceCollector {
    var taken = InstanceCollector(kind: collector.kind)
    swap(&taken, &collector)
    return taken
  }

  mutating func add(_ line: consuming ParsedLine, file: Int, number: Int) {
    var instance = line.instance
    instance.index = instances.count
    instance.file = file
    instance.line = number
    if let question = line.question {
      let next = questionIDs.count
      instance.questionID = questionIDs[question, default: next]
      if instance.questionID == next { questionIDs[question] = next }
    }
    // Lines of a log mostly share the group of the line before.
    if let last = instances.last, groups[last.group] == line.groupKey {
      instance.group = last.group
    } else if let index = groupIndex[line.groupKey] {
      instance.group = index
    } else {
      instance.group = groups.count
      groupIndex[line.groupKey] = groups.count
      groups.append(line.groupKey)
    }
    if line.judgedByLog { judgedByLog += 1 }
    if line.judgedByTailscan { judgedByTailscan += 1 }
    if line.disagreement { disagreements += 1 }
    if line.operandsFromQuestion { operandsFromQuestion += 1 }
    kind = line.kind
    instances.append(instance)
  }
}

/// Turns lines into instances; the same on any thread.
private struct LineParser: Sendable {
  let fields: AnswerFields
  let groupBy: [String]
  /// The group-by names that are fields of `AnswerFields`.
  let groupFields: [AnswerFields.Field?]

  init(fields: AnswerFields, groupBy: [String]) {
    self.fields = fields
    self.groupBy = groupBy
    groupFields = groupBy.map(AnswerFields.Field.init(rawValue:))
  }

  /// The instance of `line`, of `kind` (nil: detected from the line).
  func parse(_ line: Span<UInt8>, kind: AnswerKind?, fileName: String) throws(BadLine)
    -> ParsedLine
  {
    let value: JSONValue
    do {
      value = try JSONValue.parse(line)
    } catch {
      throw BadLine(reason: "not valid JSON: \(error.reason) at byte \(error.offset)")
    }
    guard case .object(let object) = value else {
      throw BadLine(reason: "a JSON value, not an object")
    }
    let resolved = fields.resolve(object)
    let question = resolved[.question]?.text
    // Detected from the first instance: set only once the line is known good.
    let lineKind =
      kind
      ?? (resolved[.x1] != nil || question.flatMap(ArithmeticQuestion.init) != nil
        ? .arithmetic : .qa)
    // The group is added only once the line is known good: a skipped line makes no group.
    var groupKey = try groupKey(of: value, resolved, fileName: fileName)
    var instance = AnswerInstance(index: 0, file: 0, line: 0, group: 0, correct: false)
    let fromLog = try resolved[.correct].map { v throws(BadLine) -> Bool in
      guard let truth = v.truth else {
        throw BadLine(
          reason: "the correctness field is \(v.text.map { "'\($0)'" } ?? "not a scalar"), not "
            + "true/false/1/0")
      }
      return truth
    }
    let prediction = resolved[.prediction]?.predictionText
    var scored: Bool? = nil
    var fromQuestion = false  // counted only once the line is known good

    switch lineKind {
    case .arithmetic:
      instance.x1 = resolved[.x1].flatMap(\.text)
      instance.x2 = resolved[.x2].flatMap(\.text)
      instance.unit = resolved[.unit].flatMap(\.text)
      // The question is parsed only when an operand or a unit is missing.
      let parsedQuestion =
        instance.x1 == nil || (instance.unit == nil && instance.x2 == nil)
        ? question.flatMap(ArithmeticQuestion.init) : nil
      if instance.x1 == nil, let parsedQuestion {
        fromQuestion = true
        instance.x1 = parsedQuestion.x1
        instance.x2 = parsedQuestion.x2
        instance.unit = instance.unit ?? parsedQuestion.unit
      } else if instance.unit == nil, let parsedQuestion, parsedQuestion.x1 == instance.x1 {
        instance.unit = parsedQuestion.unit
      }
      // No task field: the task of the question, as its operands (lm-eval arithmetic samples).
      if let t = groupBy.firstIndex(of: "task"), groupKey[t].isEmpty,
        let task = (parsedQuestion ?? question.flatMap(ArithmeticQuestion.init))?.task
      {
        groupKey[t] = task
      }
      guard instance.x1 != nil else {
        throw BadLine(
          reason: "no operand: no 'x1' field and no 'What is …' question to read it from "
            + "(name the field with --field x1=NAME)")
      }
      instance.gold = resolved[.gold].flatMap(\.text).map(Scoring.trimmed)
      if let prediction, let gold = instance.gold {
        scored = Scoring.arithmeticCorrect(prediction: prediction, prompt: question, gold: gold)
      }
    case .qa:
      instance.question = question.map(Scoring.lastQuestion)
      instance.aliases = resolved[.answers]?.aliases ?? []
      instance.questionEntities = Self.mentions(resolved[.questionEntities])
      instance.answerEntities = Self.mentions(resolved[.answerEntities])
      if instance.aliases.isEmpty, let entities = instance.answerEntities {
        // No answer field: the answer entities' names (and ids that are names) are the answers.
        instance.aliases = entities.flatMap { entity in
          entity.names + [entity.id].compactMap { id in
            id.flatMap { EntityLog.isWikidataID($0) ? nil : $0 }
          }
        }
      }
      if let prediction, !instance.aliases.isEmpty {
        scored = Scoring.qaCorrect(prediction: prediction, aliases: instance.aliases)
      }
    }

    var parsed = ParsedLine(
      kind: lineKind, instance: instance, groupKey: groupKey,
      question: instance.question.map(HashedText.init))
    switch (fromLog, scored) {
    case (let log?, let mine):
      parsed.instance.correct = log
      parsed.judgedByLog = true
      parsed.disagreement = mine.map { $0 != log } ?? false
    case (nil, let mine?):
      parsed.instance.correct = mine
      parsed.judgedByTailscan = true
    case (nil, nil):
      let missing =
        prediction == nil
        ? "no prediction" : lineKind == .arithmetic ? "no gold answer" : "no answer aliases"
      throw BadLine(
        reason: "cannot tell whether the answer is right: no correctness field and \(missing) "
          + "(see 'tailscan correlate --help' for the fields read, or name one with --field)")
    }
    parsed.operandsFromQuestion = fromQuestion
    return parsed
  }

  /// The group-by values of `value`.
  private func groupKey(
    of value: JSONValue, _ resolved: ResolvedFields, fileName: String
  ) throws(BadLine) -> [String] {
    var key: [String] = []
    for (name, canonical) in zip(groupBy, groupFields) {
      if name == "file" {
        key.append(fileName)
        continue
      }
      let found = canonical.map { resolved[$0] } ?? AnswerFields.lookup(name, in: value)
      guard let found else {
        key.append("")
        continue
      }
      guard let text = found.text, found.array == nil else {
        throw BadLine(reason: "the group-by field '\(name)' is a list or an object, not a value")
      }
      key.append(text)
    }
    return key
  }

  /// The entities of a `question_entities`/`answer_entities` value: a list or one item, each a
  /// name, an id (`Q90`) or an object `{"id", "name", "aliases"}`; nil when absent or empty.
  private static func mentions(_ value: JSONValue?) -> [EntityMention]? {
    guard let value else { return nil }
    let items: [JSONValue]
    if case .array(let list) = value { items = list } else { items = [value] }
    let result = items.compactMap { item -> EntityMention? in
      switch item {
      case .string(let s):
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : EntityMention(id: trimmed, names: [])
      case .object(let object):
        let id = object["id"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines)
        let names = ([object["name"]].compactMap { $0?.string } + (object["aliases"]?.aliases ?? []))
          .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if (id ?? "").isEmpty && names.isEmpty { return nil }
        return EntityMention(id: (id ?? "").isEmpty ? nil : id, names: names)
      default:
        return nil
      }
    }
    return result.isEmpty ? nil : result
  }
}
