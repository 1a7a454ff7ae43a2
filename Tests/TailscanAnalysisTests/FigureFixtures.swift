import Foundation
import TailscanTestSupport

@testable import TailscanAnalysis

/// Summaries built without counting, for the figure tests: seeded synthetic keys whose accuracy
/// rises with log frequency, run through the real statistics.
enum FigureFixtures {
  /// A probability from a logit.
  private static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

  private static func summary(
    kind: AnswerKind, keys: [CorrelateKey], groupBy: [String], bins: CorrelateRequest.Bins,
    mode: BinningMode, groups: [([String], [CorrelateKey: Correlate.JoinedKeys])]
  ) -> CorrelateSummary {
    var built: [CorrelateSummary.Group] = []
    for (values, joined) in groups {
      let results = keys.map { Correlate.statistics(joined[$0]!, mode: mode, bootstrap: 200, seed: 7) }
      let instances = results[0].instances
      let correct = results[0].correct
      built.append(
        .init(
          values: values, label: Correlate.label(fields: groupBy, values: values),
          instances: instances, correct: correct,
          accuracy: Double(correct) / Double(max(instances, 1)), keys: results))
    }
    let minimum: Int? = if case .decades(let size) = mode { size } else { nil }
    return CorrelateSummary(
      tool: "tailscan", version: "test",
      settings: .init(
        kind: kind, keys: keys, groupBy: groupBy, fields: [:], bins: bins,
        quantiles: bins == .quantiles ? 10 : nil, minBinSize: minimum, zero: .drop,
        frequency: kind == .qa ? .documents : .occurrences, bootstrap: 200, seed: 7,
        skipBadLines: false),
      inputs: [
        .init(path: "answers.jsonl", sha256: String(repeating: "0", count: 64), bytes: 1, lines: 1, instances: 1)
      ],
      log: AnswerLogReport(), counts: .init(directory: "counts", manifestSHA256: String(repeating: "1", count: 64), documents: 1000, shards: 1),
      groups: built)
  }

  /// Razeghi et al.'s setting: x1 = 0…99 with frequencies spread over five decades, two models
  /// (6B better than 1.3B) and k = 0, 2 shots (more shots better).
  static func razeghi() -> CorrelateSummary {
    var random = SplitMix64(seed: 2022)
    let frequencies = (0..<100).map { _ in UInt64(pow(10, Double.random(in: 1...6, using: &random)).rounded()) }
    var groups: [([String], [CorrelateKey: Correlate.JoinedKeys])] = []
    for model in ["GPT-J-6B", "GPT-Neo-1.3B"] {
      for shots in ["0", "2"] {
        let offset = (model == "GPT-J-6B" ? 0.8 : -0.4) + (shots == "2" ? 0.6 : 0)
        var joined = Correlate.JoinedKeys(key: .x1)
        var pairs = Correlate.JoinedKeys(key: .x1x2)
        for (x1, frequency) in frequencies.enumerated() {
          let p = sigmoid(1.3 * (log10(Double(frequency)) - 3.5) + offset)
          let correct = (0..<20).count { _ in random.chance(p) }
          joined.points.append(KeyPoint(frequency: frequency, instances: 20, correct: correct))
          joined.labels.append("\(x1)")
          let pairFrequency = max(1, frequency / UInt64(3 + x1 % 7))
          let pairCorrect = (0..<4).count { _ in random.chance(p) }
          pairs.points.append(KeyPoint(frequency: pairFrequency, instances: 4, correct: pairCorrect))
          pairs.labels.append("\(x1) \(x1 % 9 + 1)")
        }
        sort(&joined)
        sort(&pairs)
        groups.append((["multiplication", model, shots], [.x1: joined, .x1x2: pairs]))
      }
    }
    return summary(
      kind: .arithmetic, keys: [.x1, .x1x2], groupBy: ["task", "model", "shots"], bins: .quantiles,
      mode: .quantiles(10), groups: groups)
  }

  /// Kandpal et al.'s setting: `questions` questions whose relevant-document counts spread
  /// over six decades, three BLOOM sizes, bigger better.
  static func kandpal(questions: Int = 4000) -> CorrelateSummary {
    var random = SplitMix64(seed: 2023)
    let frequencies = (0..<questions).map { _ in UInt64(pow(10, Double.random(in: 0...6.3, using: &random)).rounded(.down)) }
    var groups: [([String], [CorrelateKey: Correlate.JoinedKeys])] = []
    for (model, scale) in [("bloom-560m", 0.35), ("bloom-176b", 1.0), ("bloom-3b", 0.6)] {
      var joined = Correlate.JoinedKeys(key: .relevant)
      for (q, frequency) in frequencies.enumerated() {
        let p = min(0.95, scale * (0.02 + 0.11 * log10(Double(frequency) + 1)))
        joined.points.append(KeyPoint(frequency: frequency, instances: 1, correct: random.chance(p) ? 1 : 0))
        joined.labels.append("Question \(q)?")
      }
      sort(&joined)
      groups.append(([model], [.relevant: joined]))
    }
    return summary(
      kind: .qa, keys: [.relevant], groupBy: ["model"], bins: .decades,
      mode: .decades(minimumSize: 300), groups: groups)
  }

  /// Keys in ascending frequency (the order `joinKeys` hands the statistics).
  private static func sort(_ joined: inout Correlate.JoinedKeys) {
    let order = joined.points.indices.sorted {
      (joined.points[$0].frequency, $0) < (joined.points[$1].frequency, $1)
    }
    joined.points = order.map { joined.points[$0] }
    joined.labels = order.map { joined.labels[$0] }
  }
}
