import Foundation
import TailscanCount
import TailscanIO
import TailscanTestSupport
import TailscanText
import Testing

@testable import TailscanAnalysis

/// Both papers' procedures end to end (count → log → correlate) on corpora built so the
/// answers are known by hand.
@Suite struct CorrelateTests {
  /// Razeghi: x1 = k occurs k times (k = 1…10) and is answered right k times out of 10, so the
  /// 10 quantile bins hold one key each, bin k has accuracy k/10, Δ = 1.0 − 0.1, ρ = 1.
  @Test func razeghiBinsOnAHandBuiltCorpus() throws {
    let dir = try TemporaryDirectory()
    // Each number on its own line (document), far from the others: no pairs.
    var documents: [String] = []
    for k in 1...10 { documents += Array(repeating: "word \(k) word", count: k) }
    let corpus = try dir.write(Array((documents.joined(separator: "\n") + "\n").utf8), to: "c.txt")
    var request = CountRequest(inputs: [corpus], output: dir.file("counts"))
    request.ngrams = false
    request.numbers = NumberRules()
    _ = try CountPipeline.run(request)
    var lines: [String] = []
    for k in 1...10 {
      for seed in 0..<10 {
        let right = seed < k
        lines.append(
          #"{"x1": \#(k), "x2": 3, "answer": "\#(3 * k)", "prediction": "\#(right ? 3 * k : 0)", "seed": \#(seed), "model": "m"}"#
        )
      }
    }
    let log = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "log.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: dir.file("counts"), output: dir.file("report"), keys: [.x1],
        bootstrap: 200))
    // keys.csv: model, key_type, key, frequency, instances, correct, accuracy, bin.
    let rows = parseCSV(try String(contentsOfFile: dir.file("report/keys.csv"), encoding: .utf8))
    #expect(rows.first == ["model", "key_type", "key", "frequency", "instances", "correct", "accuracy", "bin"])
    #expect(rows.dropFirst().map { $0[7] } == (1...10).map(String.init))
    #expect(rows.dropFirst().map { $0[6] } == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"])
    #expect(summary.settings.groupBy == ["model"])
    let x1 = try #require(summary.groups.first?.keys.first)
    #expect(x1.keys == 10 && x1.instances == 100 && x1.correct == 55)
    #expect(x1.points.frequency == Array(1...10))
    let bins = x1.binning.bins
    #expect(bins.map(\.keys) == Array(repeating: 1, count: 10))
    for (i, bin) in bins.enumerated() {
      #expect(abs((bin.accuracy ?? -1) - Double(i + 1) / 10) < 1e-12)
      #expect(bin.band == nil)  // one key: no sem
    }
    #expect(x1.binning.edges.first == 1 && x1.binning.edges.last == 11)
    #expect(abs((x1.delta ?? 0) - 0.9) < 1e-12)
    #expect(x1.spearman.coefficient == 1)
    #expect((x1.logistic.slope ?? 0) > 0)
    let interval = try #require(x1.deltaBootstrap.interval)
    #expect(interval.lower <= 0.9 && 0.9 <= interval.upper)
    #expect(x1.deltaBootstrap.replicates == 200)

    // Equal frequencies, all correct, one key: nothing undefined is reported as a number.
    let flat = try dir.write(
      Array(
        (1...5).map { _ in #"{"x1": 7, "answer": "7", "prediction": "7"}"# }
          .joined(separator: "\n").utf8), to: "flat.jsonl")
    let one = try Correlate.run(
      CorrelateRequest(inputs: [flat], counts: dir.file("counts"), bootstrap: 50))
    let key = try #require(one.groups.first?.keys.first)
    #expect(key.keys == 1 && key.accuracy == 1)
    #expect(key.delta == nil)  // everything lands in bin 10; bin 1 is empty (NaN in numpy)
    #expect(key.spearman.coefficient == nil && key.pearson.coefficient == nil)
    #expect(key.logistic.slope == nil && key.logistic.note != nil)
    #expect(one.groups.first?.label == "all")
  }

  /// Kandpal: question entity Qi and answer entity Ai share d documents (1, 5, 20, 300), so
  /// the decade bins are [1, 10) with two questions, [10, 100) and [100, 1000) with one each.
  @Test func kandpalDecadesOnAHandBuiltCorpus() throws {
    let dir = try TemporaryDirectory()
    let shared = [1, 5, 20, 300]
    var documents: [String] = []
    for (i, d) in shared.enumerated() {
      documents += Array(repeating: "alpha\(i) met omega\(i) today", count: d)
      documents += Array(repeating: "alpha\(i) alone", count: 2)  // question entity only
    }
    _ = try dir.countEntities(
      documents,
      dictionary: shared.indices.map { "Q\($0)\talpha\($0)\nA\($0)\tomega\($0)\n" }.joined())
    // Three models; the right answers: model m1 gets questions 1-3 (index ≥ 1), m0 only 3.
    var lines: [String] = []
    for model in ["m0", "m1"] {
      for i in shared.indices {
        let right = model == "m1" ? i >= 1 : i == 3
        lines.append(
          #"{"question": "Who met alpha\#(i)?", "answers": ["omega\#(i)"], "prediction": "\#(right ? "omega\(i)" : "nobody")", "model": "\#(model)"}"#
        )
      }
    }
    let log = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "qa.jsonl")
    let summary = try Correlate.run(
      CorrelateRequest(
        inputs: [log], counts: dir.file("counts"), minBinSize: 1, bootstrap: 0))
    #expect(summary.settings.kind == .qa && summary.settings.bins == .decades)
    #expect(summary.groups.map(\.label) == ["model=m0", "model=m1"])
    for group in summary.groups {
      let relevant = try #require(group.keys.first)
      #expect(relevant.key == .relevant)
      #expect(relevant.points.frequency == [1, 5, 20, 300])
      let bins = relevant.binning.bins
      #expect(bins.map(\.lower) == [1, 10, 100])
      #expect(bins.map(\.upper) == [10, 100, 1000])
      #expect(bins.map(\.instances) == [2, 1, 1])
      let expected: [Double] = group.label == "model=m1" ? [0.5, 1, 1] : [0, 0, 1]
      #expect(bins.map { $0.accuracy ?? -1 } == expected)
      #expect(relevant.delta == expected[2] - expected[0])
      // The question key counts the question entity's documents: d + 2.
      #expect(group.keys[1].points.frequency == [3, 7, 22, 302])
      #expect(group.keys[2].points.frequency == [1, 5, 20, 300])
    }
    // With the default minimum bin size (500 for QA) no bin is kept: no Δ, no curve.
    let strict = try Correlate.run(
      CorrelateRequest(inputs: [log], counts: dir.file("counts"), bootstrap: 0))
    let relevant = try #require(strict.groups.first?.keys.first)
    #expect(relevant.binning.bins.allSatisfy { !$0.kept })
    #expect(relevant.delta == nil)
    #expect(strict.settings.minBinSize == 500)
  }
}

extension CorrelateTests {
  /// A group none of whose keys occur in the corpus, read from a two-member gzip log: it is
  /// reported with no keys and no statistic, and the other group is unaffected.
  @Test func emptyGroupFromAGzipLog() throws {
    let dir = try TemporaryDirectory()
    let corpus = try dir.write(Array("a 1 b\na 2 b\na 2 b\n".utf8), to: "c.txt")
    var request = CountRequest(inputs: [corpus], output: dir.file("counts"))
    request.ngrams = false
    request.numbers = NumberRules()
    _ = try CountPipeline.run(request)
    let first = (1...2).map { #"{"x1": \#($0), "answer": "1", "prediction": "1", "model": "seen"}"# }
    let second = [#"{"x1": 99, "answer": "1", "prediction": "1", "model": "unseen"}"#]
    let log = try dir.write(
      try GzipFixtures.concatenatedMembers([
        Array((first.joined(separator: "\n") + "\n").utf8),
        Array((second.joined(separator: "\n") + "\n").utf8),
      ]), to: "log.jsonl.gz")
    let summary = try Correlate.run(
      CorrelateRequest(inputs: [log], counts: dir.file("counts"), output: dir.file("report")))
    #expect(summary.log.instances == 3)
    #expect(summary.inputs.first?.sha256 == SHA256.hex(of: try Fixtures.bytesOf(log)))
    #expect(summary.groups.map(\.label) == ["model=seen", "model=unseen"])
    let seen = try #require(summary.groups.first?.keys.first)
    #expect(seen.keys == 2 && seen.points.frequency == [1, 2])
    let unseen = try #require(summary.groups.last?.keys.first)
    #expect(unseen.keys == 0 && unseen.instances == 0 && unseen.accuracy == nil)
    #expect(unseen.zeroInstances == 1 && unseen.zeroKeys == 1)
    #expect(unseen.binning.bins.isEmpty && unseen.delta == nil)
    #expect(unseen.deltaBootstrap.interval == nil)
    #expect(unseen.spearman.coefficient == nil && unseen.logistic.slope == nil)
    let keys = try String(contentsOfFile: dir.file("report/keys.csv"), encoding: .utf8)
    #expect(keys.split(separator: "\n").count == 1 + 2)
  }
}

extension Fixtures {
  /// The bytes of any file.
  static func bytesOf(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }
}
