import Foundation
import Testing
import TailscanAnalysis

/// Hand-built inputs whose answers can be worked out on paper, and the edge cases.
struct StatisticsKnownAnswerTests {
  // MARK: Razeghi's quantile bins

  /// Frequencies 1…10, two keys each: the ten quantile edges are 1, 1.9, 2.8, …, 10 (+1), so
  /// bin i holds exactly the two keys with frequency i.
  @Test func quantileBinsOfOneToTen() throws {
    // Key pair i answers (i − 1)/10 and i/10: bin mean (2i − 1)/20, sem 0.1/2.
    var keys: [KeyPoint] = []
    for i in 1...10 {
      keys.append(KeyPoint(frequency: UInt64(i), instances: 10, correct: i - 1))
      keys.append(KeyPoint(frequency: UInt64(i), instances: 10, correct: i))
    }
    let binned = Statistics.bin(keys.reversed(), mode: .quantiles(10))
    #expect(binned.bins.count == 10)
    let expectedEdges = [1, 1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1, 11]
    for (edge, expected) in zip(binned.edges, expectedEdges) {
      #expect(abs(edge - expected) < 1e-12, "edge \(edge)")
    }
    let t = Statistics.studentTQuantile(0.975, degreesOfFreedom: 1)
    for (i, bin) in zip(1..., binned.bins) {
      #expect(bin.index == i)
      #expect(bin.keys == 2 && bin.instances == 20 && bin.correct == 2 * i - 1)
      let mean = Double(2 * i - 1) / 20
      #expect(abs(try #require(bin.accuracy) - mean) < 1e-15)
      #expect(bin.keyMean == bin.accuracy)
      #expect(abs(try #require(bin.sem) - 0.05) < 1e-15)
      #expect(abs(try #require(bin.band) - 0.05 * t) < 1e-13)
      #expect(bin.kept)
      #expect(bin.midpoint == (bin.lower * bin.upper).squareRoot())
      let wilson = try #require(Statistics.wilson(correct: 2 * i - 1, trials: 20))
      #expect(bin.wilsonLower == wilson.lower && bin.wilsonUpper == wilson.upper)
    }
    #expect(abs(try #require(binned.delta) - 0.9) < 1e-15)
    #expect(binned.zeroFrequencyKeys == 0)
  }

  /// 5 of 30 keys at the smallest count: the first two edges are equal, bin 1 is [7, 7) and
  /// empty, and Δ is undefined (numpy's NaN).
  @Test func tiesAtTheMinimumEmptyBinOne() throws {
    let keys = ([7, 7, 7, 7, 7] + Array(8...32)).map {
      KeyPoint(frequency: UInt64($0), instances: 1, correct: $0 % 2)
    }
    let binned = Statistics.bin(keys, mode: .quantiles(10))
    #expect(binned.edges[0] == 7 && binned.edges[1] == 7)
    let first = try #require(binned.bins.first)
    #expect(first.keys == 0 && first.accuracy == nil && first.sem == nil)
    #expect(first.wilsonLower == nil && first.wilsonUpper == nil)
    // Bin 2 is [7, 8.8): the five 7s and the 8.
    #expect(binned.bins[1].keys == 6)
    #expect(binned.delta == nil)
  }

  @Test func oneKey() throws {
    let key = KeyPoint(frequency: 500, instances: 4, correct: 3)
    let quantiles = Statistics.bin([key], mode: .quantiles(10))
    // Every edge is 500 but the last (501): the key falls in bin 10, bins 1–9 are empty.
    #expect(quantiles.edges == Array(repeating: 500, count: 10) + [501])
    #expect(quantiles.bins.map(\.keys) == Array(repeating: 0, count: 9) + [1])
    #expect(quantiles.bins[9].accuracy == 0.75 && quantiles.bins[9].sem == nil)
    #expect(quantiles.delta == nil)
    let decades = Statistics.bin([key], mode: .decades(minimumSize: 1))
    #expect(decades.edges == [100, 1000])
    #expect(decades.bins.count == 1 && decades.bins[0].accuracy == 0.75)
    // One kept bin: no gap to measure, Δ undefined (not 0, which a bootstrap would count).
    #expect(decades.delta == nil)
    #expect(Statistics.bin([key], mode: .decades(minimumSize: 5)).delta == nil)
  }

  @Test func allEqualFrequencies() {
    let keys = (0..<12).map { KeyPoint(frequency: 42, instances: 2, correct: $0 % 3 == 0 ? 2 : 0) }
    let binned = Statistics.bin(keys, mode: .quantiles(10))
    #expect(binned.bins.map(\.keys) == Array(repeating: 0, count: 9) + [12])
    #expect(binned.delta == nil)
    let bins = Statistics.bin(keys, mode: .quantiles(1))
    #expect(bins.edges == [42, 43] && bins.bins[0].keys == 12 && bins.delta == 0)
  }

  @Test func allCorrectAndAllWrong() throws {
    let right = (1...30).map { KeyPoint(frequency: UInt64($0 * $0), instances: 3, correct: 3) }
    let binned = Statistics.bin(right, mode: .quantiles(10))
    #expect(binned.bins.allSatisfy { $0.accuracy == 1 && $0.sem == 0 })
    #expect(binned.bins.allSatisfy { abs(($0.wilsonUpper ?? 0) - 1) < 1e-15 })
    #expect(binned.delta == 0)
    let wrong = right.map { KeyPoint(frequency: $0.frequency, instances: 3, correct: 0) }
    let decades = Statistics.bin(wrong, mode: .decades(minimumSize: 1))
    #expect(decades.bins.allSatisfy { $0.accuracy == 0 && ($0.wilsonLower ?? 1) < 1e-15 })
    #expect(decades.delta == 0)
  }

  @Test func emptyInput() {
    for mode in [BinningMode.quantiles(10), .decades(minimumSize: 0)] {
      let binned = Statistics.bin([], mode: mode)
      #expect(binned.bins.isEmpty && binned.edges.isEmpty && binned.delta == nil, "\(mode)")
      let result = Statistics.bootstrapDelta([], mode: mode, replicates: 10, seed: 1)
      #expect(result == BootstrapResult(interval: nil, replicates: 10, defined: 0, seed: 1))
    }
  }

  /// A quantile bin starting at 0 is drawn at √upper (the middle of [1, upper) on a log
  /// axis), or at 0 when it can hold only zeros.
  @Test func midpointOfABinStartingAtZero() {
    // The median of 0, 0, 0, 0, 3, 9, 100, 1000 is 1.5: bin 1 is [0, 1.5).
    let keys = [0, 0, 0, 0, 3, 9, 100, 1000].map {
      KeyPoint(frequency: UInt64($0), instances: 1, correct: 1)
    }
    let bins = Statistics.bin(keys, mode: .quantiles(2)).bins
    #expect(bins[0].lower == 0 && bins[0].upper == 1.5)
    #expect(bins[0].midpoint == 1.5.squareRoot())
    let zeros = Statistics.bin(Array(keys.prefix(4)), mode: .quantiles(2)).bins
    #expect(zeros[0].lower == 0 && zeros[0].upper == 0 && zeros[0].midpoint == 0)
  }

  // MARK: Kandpal's decades

  @Test func decadesAreDecidedWithIntegers() {
    let cases: [(UInt64, Int)] = [
      (1, 0), (9, 0), (10, 1), (99, 1), (100, 2), (999_999, 5), (1_000_000, 6),
      (9_999_999_999_999_999_999, 18), (10_000_000_000_000_000_000, 19), (UInt64.max, 19),
    ]
    for (frequency, decade) in cases {
      // 10^19 − 1 is 10^19 as a double, whose log10 is 19: integers decide it right.
      let binned = Statistics.bin(
        [KeyPoint(frequency: frequency, instances: 1, correct: 0)], mode: .decades(minimumSize: 0))
      #expect(binned.edges.first == Double("1e\(decade)"), "\(frequency)")
    }
  }

  /// Counts 1, 9, 10, 99, 100, 10⁶ − 1 and 10⁶: decades 0, 0, 1, 1, 2, 5, 6, with the empty
  /// decades 3 and 4 between them as empty bins.
  @Test func decadeBinsWithAGapAndAMinimumSize() throws {
    let keys = [
      KeyPoint(frequency: 1, instances: 5, correct: 1),
      KeyPoint(frequency: 9, instances: 5, correct: 0),
      KeyPoint(frequency: 10, instances: 5, correct: 2),
      KeyPoint(frequency: 99, instances: 5, correct: 3),
      KeyPoint(frequency: 100, instances: 5, correct: 4),
      KeyPoint(frequency: 999_999, instances: 5, correct: 5),
      KeyPoint(frequency: 1_000_000, instances: 5, correct: 5),
      KeyPoint(frequency: 0, instances: 9, correct: 9),
    ]
    let all = Statistics.bin(keys, mode: .decades(minimumSize: 0))
    #expect(all.edges == [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7])
    #expect(all.bins.map(\.keys) == [2, 2, 1, 0, 0, 1, 1])
    #expect(all.bins.map(\.index) == Array(1...7))
    #expect(all.bins.map(\.kept) == [true, true, true, false, false, true, true])
    #expect(all.bins.map(\.accuracy) == [0.1, 0.5, 0.8, nil, nil, 1, 1])
    #expect(all.zeroFrequencyKeys == 1)
    #expect(all.delta == 1 - 0.1)
    // Decades here pool instances: bin 1 is 1/10, while its keys' mean is (0.2 + 0)/2.
    #expect(all.bins[0].keyMean == 0.1)
    #expect(all.bins[1].keyMean == (0.4 + 0.6) / 2)
    #expect(all.bins[3].midpoint == (1e3 * 1e4).squareRoot())
    let dropped = Statistics.bin(keys, mode: .decades(minimumSize: 6))
    #expect(dropped.bins.map(\.kept) == [true, true, false, false, false, false, false])
    #expect(dropped.delta == 0.5 - 0.1)
  }

  // MARK: Small functions

  @Test func quantilePercentileAndDigitize() {
    #expect(Statistics.quantile([1, 2, 3, 4], 0.5) == 2.5)
    #expect(Statistics.quantile([1, 2, 3, 4], 1) == 4)
    #expect(Statistics.quantile([], 0.5).isNaN)
    #expect(Statistics.percentile([4, 1, 3, 2], 2.5) == 1.075)
    #expect(Statistics.percentile([4, 1, 3, 2], 97.5) == 3.925)
    #expect(Statistics.percentile([], 50) == nil)
    #expect(Statistics.percentile([1, .nan], 50)?.isNaN == true)
    #expect(Statistics.digitize(5, edges: []) == 0)
    #expect(Statistics.digitize(2, edges: [1, 2, 2, 3]) == 3)
    #expect(Statistics.digitize(.nan, edges: [1, 2]) == 2)
    #expect(Statistics.mean([]) == nil)
    #expect(Statistics.sem([1]) == nil)
    #expect(Statistics.sem([1, 3]) == 1)
  }

  @Test func normalAndStudentT() {
    #expect(Statistics.normalQuantile(0.5) == 0)
    #expect(Statistics.normalQuantile(0) == -.infinity)
    #expect(Statistics.normalQuantile(1) == .infinity)
    #expect(Statistics.normalQuantile(1.5).isNaN)
    #expect(abs(Statistics.normalQuantile(0.975) - 1.959963984540054) < 1e-15)
    #expect(Statistics.studentTQuantile(0, degreesOfFreedom: 3) == -.infinity)
    #expect(Statistics.studentTQuantile(1, degreesOfFreedom: 3) == .infinity)
    #expect(Statistics.studentTQuantile(0.5, degreesOfFreedom: 3) == 0)
    #expect(Statistics.studentTQuantile(0.3, degreesOfFreedom: 0).isNaN)
    #expect(
      Statistics.studentTQuantile(0.1, degreesOfFreedom: .infinity)
        == Statistics.normalQuantile(0.1))
    #expect(Statistics.studentTCDF(0, degreesOfFreedom: 7) == 0.5)
    #expect(Statistics.studentTCDF(-.infinity, degreesOfFreedom: 7) == 0)
    #expect(Statistics.studentTCDF(.infinity, degreesOfFreedom: 7) == 1)
    // ν = 2 has a closed form: P(T ≤ t) = ½ + t/(2√(2 + t²)).
    for t in [-30.0, -2, -0.5, 0.25, 4] {
      let exact = 0.5 + t / (2 * (2 + t * t).squareRoot())
      #expect(abs(Statistics.studentTCDF(t, degreesOfFreedom: 2) - exact) < 1e-15 * 10)
    }
  }

  /// P(T ≤ ppf(p)) gives p back to 1e-12, for p from 1e-300 (beyond where scipy's t.ppf
  /// gives −∞) to ½ in steps of 10^0.37, at every ν from 0.3 to 10⁹ (on both sides of the
  /// switch to Hill's normal deviate at 15,000).
  @Test(arguments: [
    0.3, 0.5, 1, 1.5, 2, 2.5, 3, 5, 8, 13, 57, 1000, 14_999, 15_000, 99_999, 1e6, 1e9,
  ])
  func studentTRoundTrip(degreesOfFreedom: Double) {
    var exponent = -300.0
    while exponent < -0.31 {
      let p = pow(10, exponent)
      exponent += 0.37
      let t = Statistics.studentTQuantile(p, degreesOfFreedom: degreesOfFreedom)
      guard t.isFinite else {
        // Only ν < 1 overflows, where t ≈ −p^(−1/ν) is beyond the doubles.
        #expect(degreesOfFreedom < 1 && p < 1e-90, "ν \(degreesOfFreedom) p \(p)")
        continue
      }
      let back = Statistics.studentTCDF(t, degreesOfFreedom: degreesOfFreedom)
      #expect(abs(back - p) <= 1e-12 * p, "ν \(degreesOfFreedom) p \(p): t \(t) gives \(back)")
      if p >= 1e-4 {
        let upper = Statistics.studentTQuantile(1 - p, degreesOfFreedom: degreesOfFreedom)
        #expect(abs(upper + t) <= 1e-10 * abs(t), "symmetry at ν \(degreesOfFreedom) p \(p)")
      }
    }
  }

  @Test func wilsonEdges() throws {
    #expect(Statistics.wilson(correct: 0, trials: 0) == nil)
    let none = try #require(Statistics.wilson(correct: 0, trials: 20))
    #expect(none.lower < 1e-15 && none.upper > 0.1 && none.upper < 0.2)
    let all = try #require(Statistics.wilson(correct: 20, trials: 20))
    #expect(all.upper <= 1 && abs(all.upper - 1) < 1e-15)
    #expect(abs(all.lower - (1 - none.upper)) < 1e-15)
  }

  // MARK: Correlation

  @Test func correlationsOfKnownShapes() throws {
    let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
    let line = Statistics.pearson(x, x.map { 3 * $0 - 2 })
    #expect(abs(try #require(line.coefficient) - 1) < 1e-15)
    #expect(try #require(line.pValue) < 1e-50)
    #expect(abs(try #require(line.lower) - 1) < 1e-7)
    let monotone = Statistics.spearman(x, x.map { exp($0) })
    #expect(monotone.coefficient == 1 && monotone.pValue == 0)
    #expect(monotone.lower == 1 && monotone.upper == 1)
    let reversed = Statistics.spearman(x, x.map { -$0 * $0 })
    #expect(reversed.coefficient == -1 && reversed.pValue == 0)
    #expect(Statistics.pearson([1, 2], [3, 4]) == Correlation(
      coefficient: nil, n: 2, pValue: nil, lower: nil, upper: nil))
    #expect(Statistics.spearman([1, 1, 1], [1, 2, 3]).coefficient == nil)
    #expect(Statistics.pearson([], []).n == 0)
    let three = Statistics.pearson([1, 2, 3], [1, 3, 2])
    #expect(abs(try #require(three.coefficient) - 0.5) < 1e-15)
    #expect(three.lower == -1 && three.upper == 1)
    #expect(Statistics.averageRanks([10, 20, 20, 5, 20]) == [2, 4, 4, 1, 4])
  }

  // MARK: Logistic regression

  /// Two groups and two parameters: the fit is saturated, so it reproduces each group's
  /// log-odds, ∓log 3, and each has variance 1/(n·p(1 − p)) = 4/3.
  @Test func saturatedLogisticFit() throws {
    let fit = Statistics.logistic(x: [-1, 1], correct: [1, 3], trials: [4, 4])
    #expect(fit.converged && fit.note == nil)
    #expect(abs(try #require(fit.intercept)) < 1e-12)
    #expect(abs(try #require(fit.slope) - log(3)) < 1e-12)
    #expect(abs(try #require(fit.interceptSE) - (2.0 / 3).squareRoot()) < 1e-12)
    #expect(abs(try #require(fit.slopeSE) - (2.0 / 3).squareRoot()) < 1e-12)
    let ci = try #require(fit.slopeCI)
    let z = Statistics.normalQuantile(0.975)
    #expect(abs(ci[0] - (log(3) - z * (2.0 / 3).squareRoot())) < 1e-12)
  }

  /// Keys at equal x are one group to the fit: their counts summed (exactly, here: small
  /// whole numbers), so the fit is the same (the reference cases `random-keys` and
  /// `regrouped-small` check such fits against statsmodels on the ungrouped rows).
  @Test func logisticMergesKeysAtEqualX() {
    let apart = Statistics.logistic(
      x: [1, 2, 1, 3, 2, 3, 4], correct: [1, 2, 0, 3, 1, 2, 4], trials: [2, 3, 2, 4, 2, 3, 5])
    let together = Statistics.logistic(
      x: [1, 2, 3, 4], correct: [1, 3, 5, 4], trials: [4, 5, 7, 5])
    #expect(apart == together)
  }

  @Test func logisticFitsWithoutAnEstimate() {
    let cases: [(x: [Double], correct: [Int], trials: [Int], note: String)] = [
      ([], [], [], "no answers"),
      ([1, 2], [0, 0], [0, 0], "no answers"),
      ([1, 2], [3, 1], [3, 1], "all answers correct"),
      ([1, 2], [0, 0], [3, 1], "all answers wrong"),
      ([2, 2, 2], [1, 0, 2], [3, 1, 2], "fewer than 2 distinct frequencies"),
      // Correct only at x ≥ 2, wrong only at x ≤ 2: separated but for the tie at 2.
      ([1, 2, 3], [0, 1, 2], [2, 2, 2], "perfect separation"),
      // Decreasing: correct only at x ≤ 2, wrong only at x = 3.
      ([1, 2, 3], [2, 2, 0], [2, 2, 3], "perfect separation"),
    ]
    for fitCase in cases {
      let fit = Statistics.logistic(x: fitCase.x, correct: fitCase.correct, trials: fitCase.trials)
      #expect(fit.note == fitCase.note, "\(fitCase)")
      #expect(fit.intercept == nil && fit.slope == nil && fit.slopeCI == nil, "\(fitCase)")
      #expect(!fit.converged && fit.iterations == 0, "\(fitCase)")
    }
    // Overlap on both sides: an estimate exists.
    let fit = Statistics.logistic(x: [1, 2, 3], correct: [1, 1, 2], trials: [2, 2, 3])
    #expect(fit.note == nil && fit.converged && fit.slope != nil)
  }

  // MARK: Coding

  @Test func valuesRoundTripThroughJSON() throws {
    let keys = (1...40).map {
      KeyPoint(frequency: UInt64($0 * 37), instances: 3, correct: $0 % 4 == 0 ? 0 : 2)
    }
    for mode in [BinningMode.quantiles(4), .decades(minimumSize: 5)] {
      let binned = Statistics.bin(keys, mode: mode)
      let data = try JSONEncoder().encode(binned)
      #expect(try JSONDecoder().decode(Binned.self, from: data) == binned)
    }
    let data = try JSONEncoder().encode(keys)
    #expect(try JSONDecoder().decode([KeyPoint].self, from: data) == keys)
    let bad = Data(#"{"frequency": 3, "instances": 2, "correct": 3}"#.utf8)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(KeyPoint.self, from: bad) }
  }
}
