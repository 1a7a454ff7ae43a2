import Foundation
import TailscanIO
import TailscanStore

/// What `tailscan correlate` needs, filled in by the command line.
public struct CorrelateRequest: Sendable {
  public enum Bins: String, Sendable, Codable, CaseIterable {
    /// Razeghi et al.'s quantile bins over keys (the default for arithmetic logs).
    case quantiles
    /// Kandpal et al.'s decade bins over instances (the default for QA logs).
    case decades
  }
  public enum Zero: String, Sendable, Codable, CaseIterable {
    /// Leave out keys never seen in the corpus (both papers did); they are reported.
    case drop
    /// Keep them with frequency 0 (in quantile bins; decade bins and log-scale statistics
    /// cannot hold 0).
    case keep
  }

  public var inputs: [String]
  public var counts: String
  /// The report directory; nil writes nothing.
  public var output: String?
  public var kind: AnswerKind?
  /// nil: the defaults of the kind (arithmetic: x1, x1x2 when the log has x2, x1y when it has
  /// gold answers, x1unit when it has units; QA: relevant, question, answer).
  public var keys: [CorrelateKey]?
  /// nil: those of `task`, `model`, `shots` that the log has.
  public var groupBy: [String]?
  public var fields: [String]
  public var bins: Bins?
  public var quantiles: Int
  /// nil: 500 for QA logs, 1 otherwise.
  public var minBinSize: Int?
  public var zero: Zero
  /// nil: occurrences for arithmetic logs, documents for QA logs.
  public var frequency: FrequencyMeasure?
  public var bootstrap: Int
  public var seed: UInt64
  public var skipBadLines: Bool
  public var overwrite: Bool
  /// The most cores used at once (reading, joining, statistics, keys.csv; default: all).
  public var jobs: Int

  public init(
    inputs: [String], counts: String, output: String? = nil, kind: AnswerKind? = nil,
    keys: [CorrelateKey]? = nil, groupBy: [String]? = nil, fields: [String] = [],
    bins: Bins? = nil, quantiles: Int = 10, minBinSize: Int? = nil, zero: Zero = .drop,
    frequency: FrequencyMeasure? = nil, bootstrap: Int = 1000, seed: UInt64 = 0,
    skipBadLines: Bool = false, overwrite: Bool = false, jobs: Int? = nil
  ) {
    self.inputs = inputs
    self.counts = counts
    self.output = output
    self.kind = kind
    self.keys = keys
    self.groupBy = groupBy
    self.fields = fields
    self.bins = bins
    self.quantiles = quantiles
    self.minBinSize = minBinSize
    self.zero = zero
    self.frequency = frequency
    self.bootstrap = bootstrap
    self.seed = seed
    self.skipBadLines = skipBadLines
    self.overwrite = overwrite
    self.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
  }

  /// The default group-by fields.
  public static let defaultGroupBy = ["task", "model", "shots"]
}

/// Everything `correlate` computed: written as `summary.json`, printed as a table.
public struct CorrelateSummary: Sendable, Codable {
  public struct Settings: Sendable, Codable {
    public var kind: AnswerKind
    public var keys: [CorrelateKey]
    public var groupBy: [String]
    public var fields: [String: [String]]
    public var bins: CorrelateRequest.Bins
    public var quantiles: Int?
    public var minBinSize: Int?
    public var zero: CorrelateRequest.Zero
    public var frequency: FrequencyMeasure
    public var bootstrap: Int
    public var seed: UInt64
    public var skipBadLines: Bool
  }
  public struct Counts: Sendable, Codable {
    public var directory: String
    /// The SHA-256 of the tables' `manifest.json` (which names every table file's settings).
    public var manifestSHA256: String
    public var documents: Int
    public var shards: Int
  }
  /// Instances of a key left out, and why.
  public struct Reason: Sendable, Codable, Equatable {
    public var reason: String
    public var instances: Int
  }
  /// The keys: parallel arrays, one entry per key, in ascending frequency.
  public struct Points: Sendable, Codable, Equatable {
    /// Each key's text (`24`, `24 18`, the question).
    public var label: [String] = []
    public var frequency: [UInt64] = []
    public var instances: [Int] = []
    public var correct: [Int] = []
  }
  public struct KeyResult: Sendable, Codable {
    public var key: CorrelateKey
    /// Instances joined (with a frequency, zeros kept or not), their distinct keys, accuracy.
    public var instances: Int
    public var keys: Int
    public var correct: Int
    public var accuracy: Double?
    /// Instances without a value for the key, by reason (most common first).
    public var unmatched: [Reason]
    /// Instances and keys with frequency 0, and whether they were kept.
    public var zeroInstances: Int
    public var zeroKeys: Int
    public var binning: Binned
    /// Δ: the last bin's accuracy minus the first's (Razeghi et al.'s performance gap).
    public var delta: Double?
    public var deltaBootstrap: BootstrapResult
    /// Over keys with frequency > 0: per-key accuracy against log10 frequency.
    public var spearman: Correlation
    public var pearson: Correlation
    /// Over instances with frequency > 0: correctness against log10 frequency.
    public var logistic: LogisticFit
    /// The keys, for the caller; not in `summary.json` (keys.csv lists them, with their text).
    public var points = Points()

    private enum CodingKeys: String, CodingKey {
      case key, instances, keys, correct, accuracy, unmatched, zeroInstances, zeroKeys, binning
      case delta, deltaBootstrap, spearman, pearson, logistic
    }
  }
  public struct Group: Sendable, Codable {
    /// The group-by fields' values, in the order of `settings.groupBy`.
    public var values: [String]
    public var label: String
    public var instances: Int
    public var correct: Int
    public var accuracy: Double
    public var keys: [KeyResult]
  }

  public var tool: String
  public var version: String
  public var settings: Settings
  public var inputs: [AnswerLogReport.File]
  public var log: AnswerLogReport
  public var counts: Counts
  public var groups: [Group]
}

/// `tailscan correlate`: answer logs joined with count tables, and the papers' statistics.
public enum Correlate {
  /// Reads the logs, joins them with the tables, computes every statistic per group and key,
  /// and writes the report directory when `request.output` is set.
  public static func run(_ request: CorrelateRequest, version: String = "") throws
    -> CorrelateSummary
  {
    guard let output = request.output else { return try compute(request, version: version) }
    // One writer per report directory.
    let lock = try OutputLock(output: output)
    defer { _ = lock.path }
    return try compute(request, version: version)
  }

  private static func compute(_ request: CorrelateRequest, version: String) throws
    -> CorrelateSummary
  {
    if let output = request.output {
      try OutputDirectory.checkWritable(output, overwrite: request.overwrite, contents: .report)
    }
    let fields = try AnswerFields(overrides: request.fields)
    var answers = try AnswerLog.read(
      request.inputs, fields: fields, kind: request.kind,
      groupBy: request.groupBy ?? CorrelateRequest.defaultGroupBy,
      skipBadLines: request.skipBadLines, jobs: request.jobs)
    if request.groupBy == nil { answers.dropAbsentGroupFields() }
    let groupBy = answers.groupFields
    let kind = answers.kind
    let keys = request.keys ?? defaultKeys(answers)
    for key in keys where !CorrelateKey.keys(for: kind).contains(key) {
      throw AnalysisError.badKey(key.rawValue, kind: kind)
    }
    let binsChoice = request.bins ?? (kind == .qa ? .decades : .quantiles)
    let mode: BinningMode =
      binsChoice == .quantiles
      ? .quantiles(request.quantiles)
      : .decades(minimumSize: request.minBinSize ?? (kind == .qa ? 500 : 1))
    let measure = request.frequency ?? (kind == .qa ? .documents : .occurrences)
    let manifest = try Manifest.read(directory: request.counts)

    // Each group and key is joined and its statistics computed on its own, on all cores.
    let groupMembers = { (answers: AnswerSet) in
      var members = [[Int]](repeating: [], count: answers.groups.count)
      for i in answers.instances.indices { members[answers.instances[i].group].append(i) }
      return members
    }(answers)
    let pool = JoinPool(directory: request.counts, measure: measure, jobs: request.jobs)
    let instances = answers.instances
    let entityKeys = Set(keys).intersection(CorrelateKey.keys(for: .qa))
    if !entityKeys.isEmpty { try pool.resolveEntities(instances, wanted: entityKeys) }
    let computed = Parallel.map(count: groupMembers.count * keys.count, jobs: request.jobs) {
      job -> (place: Int, result: Result<CorrelateSummary.KeyResult, any Error>) in
      // Taken key by key, so that the cores work on different groups: the keys of one group
      // share its instances' strings, whose reference counts the cores would contend for.
      let (k, g) = job.quotientAndRemainder(dividingBy: groupMembers.count)
      let result = Result {
        let joined = try pool.withJoin { join in
          try joinKeys(
            keys[k], instances: instances, members: groupMembers[g], join: join,
            zero: request.zero)
        }
        return statistics(joined, mode: mode, bootstrap: request.bootstrap, seed: request.seed)
      }
      return (g * keys.count + k, result)
    }
    // Group by group; the first error in that order, whichever worker met it first.
    let results = try computed.sorted { $0.place < $1.place }.map { try $0.result.get() }
    var groups: [CorrelateSummary.Group] = []
    for (g, members) in groupMembers.enumerated() {
      let correct = members.count { answers.instances[$0].correct }
      groups.append(
        .init(
          values: answers.groups[g],
          label: label(fields: groupBy, values: answers.groups[g]),
          instances: members.count, correct: correct,
          accuracy: Double(correct) / Double(members.count),
          keys: Array(results[(g * keys.count)..<((g + 1) * keys.count)])))
    }

    let summary = CorrelateSummary(
      tool: "tailscan", version: version,
      settings: .init(
        kind: kind, keys: keys, groupBy: groupBy,
        fields: Dictionary(uniqueKeysWithValues: fields.paths.map { ($0.key.rawValue, $0.value) }),
        bins: binsChoice, quantiles: binsChoice == .quantiles ? request.quantiles : nil,
        minBinSize: {
          if case .decades(let size) = mode { return size }
          return nil
        }(), zero: request.zero, frequency: measure, bootstrap: request.bootstrap,
        seed: request.seed, skipBadLines: request.skipBadLines),
      inputs: answers.report.files, log: answers.report,
      counts: .init(
        directory: request.counts,
        manifestSHA256: try SHA256.hex(ofFile: "\(request.counts)/manifest.json"),
        documents: manifest.totals.documents, shards: manifest.inputs.count),
      groups: groups)
    if let output = request.output {
      try Report.write(summary, to: output, overwrite: request.overwrite, jobs: request.jobs)
    }
    return summary
  }

  /// The keys a log supports: arithmetic x1, and x1x2, x1y, x1unit when some instance has
  /// what they need; QA relevant, question, answer.
  static func defaultKeys(_ answers: AnswerSet) -> [CorrelateKey] {
    switch answers.kind {
    case .qa: return [.relevant, .question, .answer]
    case .arithmetic:
      var keys: [CorrelateKey] = [.x1]
      if answers.instances.contains(where: { $0.x2 != nil }) { keys.append(.x1x2) }
      if answers.instances.contains(where: { $0.gold != nil }) { keys.append(.x1y) }
      if answers.instances.contains(where: { $0.unit != nil }) { keys.append(.x1unit) }
      return keys
    }
  }

  /// `model=6B shots=2`, or `all` with no group-by fields.
  static func label(fields: [String], values: [String]) -> String {
    guard !fields.isEmpty else { return "all" }
    return zip(fields, values).map { "\($0)=\($1.isEmpty ? "-" : $1)" }.joined(separator: " ")
  }

  /// One key over one group's instances, joined: what the statistics take.
  struct JoinedKeys: Sendable {
    var key: CorrelateKey
    /// The keys in ascending frequency (ties in order of first appearance), and their labels.
    var points: [KeyPoint] = []
    var labels: [String] = []
    var reasons: [String: Int] = [:]
    var zeroInstances = 0
    var zeroKeys = 0
  }

  /// Joins one group's instances (`members`, indices into `instances`) for `key`: their keys,
  /// frequencies and answers.
  static func joinKeys(
    _ key: CorrelateKey, instances: [AnswerInstance], members: [Int], join: FrequencyJoin,
    zero: CorrelateRequest.Zero
  ) throws -> JoinedKeys {
    var joined = JoinedKeys(key: key)
    /// A key: its number from the join, and its frequency.
    struct KeyIdentity: Hashable {
      var id: Int
      var frequency: UInt64
    }
    // Each key's place in `points`: for an id ≥ 0 (ids are dense, numbered from 0) with the
    // first frequency it was seen with, a slot of `byID` (its place + 1); otherwise `index`.
    var byID: [Int] = []
    var index: [KeyIdentity: Int] = [:]
    var zeroLabels: Set<Int> = []
    for member in members {
      let correct = instances[member].correct
      switch try join.value(key, of: instances, at: member) {
      case .unmatched(let reason):
        joined.reasons[reason, default: 0] += 1
      case .found(let id, let frequency):
        if frequency == 0 {
          joined.zeroInstances += 1
          zeroLabels.insert(id)
          if zero == .drop { continue }
        }
        var place: Int? = nil
        var slotFree = false
        if id >= 0 {
          if id >= byID.count {
            byID.append(contentsOf: repeatElement(0, count: id + 1 - byID.count))
          }
          let slot = byID[id] - 1
          if slot < 0 {
            slotFree = true
          } else if joined.points[slot].frequency == frequency {
            place = slot
          }
        }
        // A label seen with another frequency (questions written alike) is another key.
        let identity = KeyIdentity(id: id, frequency: frequency)
        if place == nil && !slotFree { place = index[identity] }
        if let place {
          joined.points[place].instances += 1
          joined.points[place].correct += correct ? 1 : 0
        } else {
          if slotFree {
            byID[id] = joined.points.count + 1
          } else {
            index[identity] = joined.points.count
          }
          joined.labels.append(join.label(key, id: id, of: instances, at: member))
          joined.points.append(
            KeyPoint(frequency: frequency, instances: 1, correct: correct ? 1 : 0))
        }
      }
    }
    joined.zeroKeys = zeroLabels.count
    // Ascending frequency, ties in first-seen order: a stable input for every statistic.
    let order = joined.points.indices.sorted {
      (joined.points[$0].frequency, $0) < (joined.points[$1].frequency, $1)
    }
    joined.points = order.map { joined.points[$0] }
    joined.labels = order.map { joined.labels[$0] }
    return joined
  }

  /// Every statistic of one key over one group.
  static func statistics(
    _ joined: JoinedKeys, mode: BinningMode, bootstrap: Int, seed: UInt64
  ) -> CorrelateSummary.KeyResult {
    let points = joined.points
    let binned = Statistics.bin(points, mode: mode)
    let positive = points.filter { $0.frequency > 0 }
    let logs = positive.map { log10(Double($0.frequency)) }
    let accuracies = positive.map(\.accuracy)
    let instances = points.reduce(0) { $0 + $1.instances }
    let correct = points.reduce(0) { $0 + $1.correct }
    return CorrelateSummary.KeyResult(
      key: joined.key, instances: instances, keys: points.count, correct: correct,
      accuracy: instances > 0 ? Double(correct) / Double(instances) : nil,
      unmatched: joined.reasons.map { .init(reason: $0.key, instances: $0.value) }
        .sorted { ($1.instances, $0.reason) < ($0.instances, $1.reason) },
      zeroInstances: joined.zeroInstances, zeroKeys: joined.zeroKeys, binning: binned,
      delta: binned.delta,
      deltaBootstrap: Statistics.bootstrapDelta(
        points, mode: mode, replicates: bootstrap, seed: seed),
      spearman: Statistics.spearman(logs, accuracies),
      pearson: Statistics.pearson(logs, accuracies),
      logistic: Statistics.logistic(
        x: logs, correct: positive.map(\.correct), trials: positive.map(\.instances)),
      points: .init(
        label: joined.labels, frequency: points.map(\.frequency), instances: points.map(\.instances),
        correct: points.map(\.correct)))
  }
}
