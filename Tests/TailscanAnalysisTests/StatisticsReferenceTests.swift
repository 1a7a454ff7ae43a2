import Testing
import TailscanAnalysis

/// Every number of the statistics against what numpy, scipy and statsmodels computed from the
/// same inputs (`Fixtures/statistics/`, written by `Scripts/stats-reference`).
///
/// Tolerance: relative 1e-9, or absolute 1e-12 near zero, unless a test says otherwise;
/// counts, bin numbers and nils must match exactly.
struct StatisticsReferenceTests {
  @Test func fixturesAreFromTheRecordedLibraries() throws {
    let expected = try StatisticsFixtures.expected.get()
    #expect(expected.versions.keys.sorted() == ["numpy", "scipy", "statsmodels"])
  }

  /// Razeghi's quantile bins and Kandpal's decades, field by field, for every case and mode.
  @Test func binning() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    var checked = 0
    for binningCase in cases.binning {
      let keys = binningCase.keyPoints
      for mode in binningCase.modes {
        let label = "\(binningCase.name) \(mode)"
        let reference = try #require(
          expected.binning.first { $0.name == binningCase.name && "\($0.mode)" == "\(mode)" },
          "\(label): no expected result")
        let binned = Statistics.bin(keys, mode: mode.mode)
        checked += 1
        #expect(binned.mode == mode.mode, "\(label)")
        #expect(binned.zeroFrequencyKeys == reference.zeroFrequencyKeys, "\(label)")
        #expect(agrees(binned.delta, reference.delta), "\(label): Δ \(binned.delta as Any)")
        try #require(binned.edges.count == reference.edges.count, "\(label): edges")
        for (actual, edge) in zip(binned.edges, reference.edges) {
          #expect(agrees(actual, edge), "\(label): edge \(actual) vs \(edge)")
        }
        try #require(binned.bins.count == reference.bins.count, "\(label): bins")
        for (bin, want) in zip(binned.bins, reference.bins) {
          let at = "\(label) bin \(want.index)"
          #expect(bin.index == want.index, "\(at)")
          #expect(bin.keys == want.keys, "\(at): keys")
          #expect(bin.instances == want.instances, "\(at): instances")
          #expect(bin.correct == want.correct, "\(at): correct")
          #expect(bin.kept == want.kept, "\(at): kept")
          #expect(agrees(bin.lower, want.lower), "\(at): lower")
          #expect(agrees(bin.upper, want.upper), "\(at): upper")
          #expect(agrees(bin.accuracy, want.accuracy), "\(at): accuracy \(bin.accuracy as Any)")
          #expect(agrees(bin.keyMean, want.keyMean), "\(at): keyMean")
          #expect(agrees(bin.sem, want.sem), "\(at): sem \(bin.sem as Any)")
          #expect(agrees(bin.band, want.band), "\(at): band \(bin.band as Any)")
          #expect(agrees(bin.wilsonLower, want.wilsonLower), "\(at): wilsonLower")
          #expect(agrees(bin.wilsonUpper, want.wilsonUpper), "\(at): wilsonUpper")
          #expect(agrees(bin.midpoint, want.midpoint), "\(at): midpoint")
        }
      }
    }
    #expect(checked == expected.binning.count)
  }

  /// numpy.quantile's edges are reproduced to the last bit (bin membership depends on them).
  @Test func quantileEdgesAreNumpysExactly() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (index, reference) in expected.binning.enumerated()
    where reference.mode.kind == "quantiles" {
      let keys = try #require(cases.binning.first { $0.name == reference.name }).keyPoints
      #expect(Statistics.bin(keys, mode: reference.mode.mode).edges == reference.edges, "\(index)")
    }
  }

  @Test func quantile() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (quantileCase, results) in zip(cases.quantile, expected.quantile) {
      for (q, result) in zip(quantileCase.q, results) {
        // Bit for bit: the same interpolation as numpy's _lerp.
        #expect(
          Statistics.quantile(quantileCase.values, q) == result,
          "q \(q) of \(quantileCase.values.count) values")
      }
    }
  }

  @Test func percentile() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (percentileCase, results) in zip(cases.percentile, expected.percentile) {
      for (q, result) in zip(percentileCase.q, results) {
        #expect(
          Statistics.percentile(percentileCase.values, q) == result,
          "q \(q) of \(percentileCase.values.count) values")
      }
    }
  }

  @Test func digitize() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (digitizeCase, results) in zip(cases.digitize, expected.digitize) {
      let actual = digitizeCase.x.map { Statistics.digitize($0, edges: digitizeCase.edges) }
      #expect(actual == results, "edges \(digitizeCase.edges)")
    }
  }

  @Test func meanAndStandardError() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (values, result) in zip(cases.means, expected.means) {
      #expect(agrees(Statistics.mean(values), result.mean), "mean of \(values.count)")
      #expect(agrees(Statistics.sem(values), result.sem), "sem of \(values.count)")
    }
  }

  /// scipy.stats.t.ppf from p = 1e-300 to 1 − 1e-15 and ν = 1 to 10⁶ (scipy's −∞ at
  /// p = 1e-300 for 3 ≤ ν ≤ 1000 is null in the file and skipped).
  @Test func studentTQuantile() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    var checked = 0
    for (tCase, results) in zip(cases.tQuantile, expected.tQuantile) {
      for (p, result) in zip(tCase.p, results) {
        guard let result else { continue }
        let actual = Statistics.studentTQuantile(p, degreesOfFreedom: tCase.df)
        #expect(agrees(actual, result), "t.ppf(\(p), \(tCase.df)) = \(actual), not \(result)")
        checked += 1
      }
    }
    #expect(checked > 200)
  }

  /// scipy.stats.t.cdf for ν = 1 to 10⁶. For ν = 1 scipy's `stdtr` loses digits near 0 (at
  /// t = −1e-8 it is 1.6e-9 too low, and exactly ½ at −1e-10): there the reference is
  /// scipy's Cauchy distribution function, exact, and t.cdf is only checked to 1e-8.
  @Test func studentTCDF() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (tCase, results) in zip(cases.tCDF, expected.tCDF) {
      for (index, (t, result)) in zip(tCase.t, results).enumerated() {
        let actual = Statistics.studentTCDF(t, degreesOfFreedom: tCase.df)
        let label = "t.cdf(\(t), \(tCase.df)) = \(actual), not \(result)"
        if tCase.df == 1 {
          #expect(agrees(actual, expected.tCDFCauchy[index]), "\(label) (Cauchy)")
          #expect(agrees(actual, result, absolute: 1e-8), "\(label)")
        } else {
          // Values that underflow in scipy are 0 there and ~1e-300 here; relative otherwise.
          #expect(agrees(actual, result, absolute: 1e-300), "\(label)")
        }
      }
    }
  }

  @Test func normalDistribution() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (p, result) in zip(cases.normal.p, expected.normal.ppf) {
      let actual = Statistics.normalQuantile(p)
      // AS 241 and scipy's ndtri agree far below the general tolerance.
      #expect(agrees(actual, result, relative: 1e-14), "norm.ppf(\(p)) = \(actual)")
    }
    for (x, result) in zip(cases.normal.x, expected.normal.cdf) {
      let actual = Statistics.normalCDF(x)
      #expect(agrees(actual, result, absolute: 0), "norm.cdf(\(x)) = \(actual)")
    }
  }

  @Test func wilson() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for (wilsonCase, result) in zip(cases.wilson, expected.wilson) {
      let correct = Int(wilsonCase[0])
      let trials = Int(wilsonCase[1])
      let interval = try #require(
        Statistics.wilson(correct: correct, trials: trials, confidence: wilsonCase[2]))
      let label = "\(correct)/\(trials) at \(wilsonCase[2])"
      #expect(agrees(interval.lower, result[0]), "\(label): \(interval.lower)")
      #expect(agrees(interval.upper, result[1]), "\(label): \(interval.upper)")
    }
  }

  /// scipy.stats.pearsonr and spearmanr (and Bonett–Wright intervals from the script), on
  /// the listed samples and on two of 150,001 and 200,000 pairs made from a formula.
  @Test func correlations() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    var samples: [(name: String, x: [Double], y: [Double])] = cases.correlation.map {
      ($0.name, $0.x, $0.y)
    }
    for formula in cases.correlationFormula {
      samples.append((formula.name, formula.pairs.x, formula.pairs.y))
    }
    let references = expected.correlation + expected.correlationFormula
    #expect(samples.count == references.count)
    for sample in samples {
      let reference = try #require(references.first { $0.name == sample.name })
      for (kind, actual, want) in [
        ("pearson", Statistics.pearson(sample.x, sample.y), reference.pearson),
        ("spearman", Statistics.spearman(sample.x, sample.y), reference.spearman),
      ] {
        let label = "\(sample.name) \(kind)"
        #expect(actual.n == want.n, "\(label)")
        #expect(
          agrees(actual.coefficient, want.coefficient),
          "\(label): coefficient \(actual.coefficient as Any)")
        // p-values that underflow to 0 in scipy are ~1e-300 or 0 here.
        #expect(
          agrees(actual.pValue, want.pValue, absolute: 1e-300),
          "\(label): p \(actual.pValue as Any) vs \(want.pValue as Any)")
        #expect(agrees(actual.lower, want.lower), "\(label): lower \(actual.lower as Any)")
        #expect(agrees(actual.upper, want.upper), "\(label): upper \(actual.upper as Any)")
      }
    }
  }

  /// statsmodels' GLM(Binomial) on the ungrouped 0/1 rows, fitted to convergence; the same
  /// notes where it has no estimate.
  @Test func logistic() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for logisticCase in cases.logistic {
      let want = try #require(expected.logistic.first { $0.name == logisticCase.name })
      let fit = Statistics.logistic(
        x: logisticCase.x, correct: logisticCase.correct, trials: logisticCase.trials)
      let label = logisticCase.name
      #expect(fit.note == want.note, "\(label)")
      #expect(fit.converged == (want.note == nil), "\(label)")
      #expect(agrees(fit.intercept, want.intercept), "\(label): \(fit.intercept as Any)")
      #expect(agrees(fit.slope, want.slope), "\(label): \(fit.slope as Any)")
      #expect(agrees(fit.interceptSE, want.interceptSE), "\(label): \(fit.interceptSE as Any)")
      #expect(agrees(fit.slopeSE, want.slopeSE), "\(label): \(fit.slopeSE as Any)")
      #expect(fit.interceptCI?.count == want.interceptCI?.count, "\(label)")
      #expect(fit.slopeCI?.count == want.slopeCI?.count, "\(label)")
      for (actual, bound) in zip(fit.interceptCI ?? [], want.interceptCI ?? []) {
        #expect(agrees(actual, bound), "\(label): intercept CI \(actual) vs \(bound)")
      }
      for (actual, bound) in zip(fit.slopeCI ?? [], want.slopeCI ?? []) {
        #expect(agrees(actual, bound), "\(label): slope CI \(actual) vs \(bound)")
      }
    }
  }

  /// The script's own generator, binomial sampler and resampling by kinds, with numpy's
  /// binning, give the same replicates.
  @Test func bootstrap() throws {
    let cases = try StatisticsFixtures.cases.get()
    let expected = try StatisticsFixtures.expected.get()
    for bootstrapCase in cases.bootstrap {
      let want = try #require(expected.bootstrap.first { $0.name == bootstrapCase.name })
      let keys = bootstrapCase.keyPoints
      let mode = bootstrapCase.mode.mode
      let result = Statistics.bootstrapDelta(
        keys, mode: mode, replicates: bootstrapCase.replicates, seed: bootstrapCase.seed)
      let label = bootstrapCase.name
      #expect(result.replicates == want.replicates, "\(label)")
      #expect(result.seed == want.seed, "\(label)")
      #expect(result.defined == want.defined, "\(label)")
      #expect(agrees(result.interval?.lower, want.interval?.lower), "\(label)")
      #expect(agrees(result.interval?.upper, want.interval?.upper), "\(label)")
      let deltas = Statistics.bootstrapDeltas(
        keys, mode: mode, replicates: bootstrapCase.replicates, seed: bootstrapCase.seed)
      let firstDefined = deltas.compactMap { $0 }.prefix(want.firstDeltas.count)
      #expect(firstDefined.count == want.firstDeltas.count, "\(label)")
      for (actual, delta) in zip(firstDefined, want.firstDeltas) {
        #expect(agrees(actual, delta), "\(label): Δ \(actual) vs \(delta)")
      }
    }
  }

  /// SplitMix64, xoshiro256** and Lemire's bounded draw agree with the script's Python.
  @Test func generatorMatchesTheScript() throws {
    let expected = try StatisticsFixtures.expected.get()
    for vector in expected.random {
      let seed = try #require(hex(vector.seed))
      var state = seed
      #expect(Xoshiro256StarStar.splitMix64(&state) == hex(vector.splitmix64First))
      var generator = Xoshiro256StarStar(seed: seed)
      for word in vector.next {
        #expect(generator.next() == hex(word), "seed \(vector.seed)")
      }
      for (bound, value) in zip(vector.bounds, vector.below) {
        #expect(generator.next(below: bound) == value, "seed \(vector.seed) below \(bound)")
      }
      // Then bounds 2^63 + 1 (rejection likeliest) and 2^64 − 1.
      for (bound, value) in zip([(UInt64(1) << 63) + 1, UInt64.max], vector.belowLarge) {
        #expect(generator.next(below: bound) == hex(value), "seed \(vector.seed) below \(bound)")
      }
    }
  }

  /// The sampler gives the script's draws exactly, through every branch of inversion and
  /// BTRD (the script mirrors it operation by operation, and a draw is an integer).
  @Test func binomialMatchesTheScript() throws {
    let expected = try StatisticsFixtures.expected.get()
    #expect(expected.binomial.count >= 20)
    for vector in expected.binomial {
      let bits = try #require(hex(vector.probability))
      let probability = Double(bitPattern: bits)
      var generator = Xoshiro256StarStar(seed: vector.seed)
      let draws = vector.draws.map { _ in
        generator.nextBinomial(trials: vector.trials, probability: probability)
      }
      #expect(draws == vector.draws, "Binomial(\(vector.trials), \(probability))")
    }
  }

  /// PortableMath's log, log1p and exp give the script's bits.
  @Test func portableMathMatchesTheScript() throws {
    let expected = try StatisticsFixtures.expected.get().portableMath
    for (name, pairs, function) in [
      ("log", expected.log, PortableMath.log),
      ("log1p", expected.log1p, PortableMath.log1p),
      ("exp", expected.exp, PortableMath.exp),
    ] as [(String, [[String]], (Double) -> Double)] {
      #expect(pairs.count > 10)
      for pair in pairs {
        let x = Double(bitPattern: try #require(hex(pair[0])))
        let y = try #require(hex(pair[1]))
        #expect(function(x).bitPattern == y, "\(name)(\(x)) = \(function(x))")
      }
    }
  }
}
