import Foundation
import Testing
import TailscanAnalysis

/// The bootstrap's binomial sampler, in distribution, and the elementary functions under it.
struct StatisticsBinomialTests {
  /// A binomial's parameters, printed readably in test names.
  struct Parameters: Sendable, CustomTestStringConvertible {
    var trials: Int
    var probability: Double

    var testDescription: String { "Binomial(\(trials), \(probability))" }

    var mean: Double { Double(trials) * probability }
    var variance: Double { Double(trials) * probability * (1 - probability) }
  }

  /// Inversion (mean below 10), BTRD near and far from the mode, and symmetry (p > ½), from
  /// tiny p to p near 1 and from 1 trial to 10⁹.
  static let momentCases: [Parameters] = [
    (1, 0.3), (10, 0.3), (19, 0.5), (20, 0.5), (50, 0.9), (100, 0.25), (1000, 0.001),
    (1_000_000, 1e-7), (1_000_000, 0.45), (1_000_000, 0.999_999), (1_000_000_000, 1e-9),
    (1_000_000_000, 3e-8), (1_000_000_000, 0.4), (1_000_000_000, 0.7),
    (1_000_000_000, 1 - 1e-9),
  ].map { Parameters(trials: $0.0, probability: $0.1) }

  /// Over 200,000 draws the mean and the variance are within 5 standard errors of n·p and
  /// n·p·(1 − p). (Not Binomial(1, ½), whose sample variance is ¼ − (mean − ½)², with no
  /// first-order error to scale a standard error by; the χ² test below covers it.)
  @Test(arguments: momentCases)
  func meanAndVarianceWithinFiveStandardErrors(_ parameters: Parameters) {
    let count = 200_000
    var generator = Xoshiro256StarStar(seed: UInt64(parameters.trials) &+ 17)
    let draws = (0..<count).map { _ in
      generator.nextBinomial(trials: parameters.trials, probability: parameters.probability)
    }
    #expect(draws.allSatisfy { (0...parameters.trials).contains($0) })
    let n = Double(count)
    let mean = Double(draws.reduce(0, +)) / n
    let squares = draws.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
    let variance = squares / (n - 1)
    let sigma2 = parameters.variance
    let p = parameters.probability
    // The binomial's fourth central moment, σ²(1 + 3(m − 2)p(1 − p)), and the standard error
    // of the sample variance, √((μ₄ − σ⁴(N − 3)/(N − 1))/N).
    let fourth = sigma2 * (1 + 3 * (Double(parameters.trials) - 2) * p * (1 - p))
    let varianceError = ((fourth - sigma2 * sigma2 * (n - 3) / (n - 1)) / n).squareRoot()
    let meanZ = (mean - parameters.mean) / (sigma2 / n).squareRoot()
    let varianceZ = (variance - sigma2) / varianceError
    #expect(abs(meanZ) < 5, "mean \(mean), z \(meanZ)")
    #expect(abs(varianceZ) < 5, "variance \(variance), z \(varianceZ)")
  }

  /// Small n through every branch: inversion, BTRD with the mode-ratio test (3.1) and with
  /// the squeeze and the Stirling test (3.2–3.4, more than 15 from the mode), symmetry.
  static let goodnessOfFitCases: [Parameters] = [
    (1, 0.3), (1, 0.5), (10, 0.3), (19, 0.5), (20, 0.5), (30, 0.9), (40, 0.5), (60, 0.8),
    (100, 0.25), (200, 0.1), (500, 0.3), (1000, 0.5), (2000, 0.98),
  ].map { Parameters(trials: $0.0, probability: $0.1) }

  /// Pearson's χ² of 200,000 draws against the exact probabilities (cells pooled to an
  /// expected count of at least 5) stays below the 1 − 10⁻⁶ quantile of its χ² distribution.
  @Test(arguments: goodnessOfFitCases)
  func chiSquareAgainstTheExactProbabilities(_ parameters: Parameters) {
    let count = 200_000
    var generator = Xoshiro256StarStar(seed: UInt64(parameters.trials) &+ 99)
    var observed = [Int](repeating: 0, count: parameters.trials + 1)
    for _ in 0..<count {
      observed[generator.nextBinomial(
        trials: parameters.trials, probability: parameters.probability)] += 1
    }
    let (statistic, degrees) = Self.chiSquare(
      observed: observed, probabilities: Self.probabilities(parameters), draws: count)
    let critical = Self.chiSquareQuantile(1 - 1e-6, degreesOfFreedom: degrees)
    #expect(statistic < critical, "χ² \(statistic) on \(degrees) df, critical \(critical)")
  }

  /// The χ² test has power: the draws of Binomial(100, 0.25) fail it against p = 0.26.
  @Test func chiSquareRejectsAWrongProbability() {
    var generator = Xoshiro256StarStar(seed: 199)
    var observed = [Int](repeating: 0, count: 101)
    for _ in 0..<200_000 { observed[generator.nextBinomial(trials: 100, probability: 0.25)] += 1 }
    let wrong = Self.probabilities(Parameters(trials: 100, probability: 0.26))
    let (statistic, degrees) = Self.chiSquare(
      observed: observed, probabilities: wrong, draws: 200_000)
    #expect(statistic > Self.chiSquareQuantile(1 - 1e-6, degreesOfFreedom: degrees))
  }

  /// P(X = k) for k = 0…n, by the ratios P(k)/P(k − 1) = (n − k + 1)p/(k(1 − p)) from the
  /// mode both ways, normalized (relative error about 1e-13 for n ≤ 2000).
  static func probabilities(_ parameters: Parameters) -> [Double] {
    let n = parameters.trials
    let p = parameters.probability
    let mode = min(n, Int((Double(n + 1) * p).rounded(.down)))
    var weights = [Double](repeating: 0, count: n + 1)
    weights[mode] = 1
    if mode < n {
      for k in (mode + 1)...n {
        weights[k] = weights[k - 1] * Double(n - k + 1) * p / (Double(k) * (1 - p))
      }
    }
    if mode > 0 {
      for k in stride(from: mode - 1, through: 0, by: -1) {
        weights[k] = weights[k + 1] * Double(k + 1) * (1 - p) / (Double(n - k) * p)
      }
    }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
  }

  /// Pearson's statistic over cells of consecutive values, each pooled until its expected
  /// count is at least 5 (a short last cell joins the one before); and its degrees of freedom.
  static func chiSquare(
    observed: [Int], probabilities: [Double], draws: Int
  ) -> (statistic: Double, degrees: Int) {
    var cells: [(observed: Double, expected: Double)] = []
    var current = (observed: 0.0, expected: 0.0)
    for (k, probability) in probabilities.enumerated() {
      current.observed += Double(observed[k])
      current.expected += probability * Double(draws)
      if current.expected >= 5 {
        cells.append(current)
        current = (0, 0)
      }
    }
    if current.expected > 0 || current.observed > 0 {
      if cells.isEmpty {
        cells.append(current)
      } else {
        cells[cells.count - 1].observed += current.observed
        cells[cells.count - 1].expected += current.expected
      }
    }
    let statistic = cells.reduce(0.0) {
      $0 + ($1.observed - $1.expected) * ($1.observed - $1.expected) / $1.expected
    }
    return (statistic, cells.count - 1)
  }

  /// The q quantile of χ² with k degrees of freedom by Wilson and Hilferty's cube-root
  /// normal approximation, k·(1 − 2/(9k) + z·√(2/(9k)))³ (within a few per cent at k ≥ 1 and
  /// q = 1 − 10⁻⁶, far less than the margin a biased sampler would leave).
  static func chiSquareQuantile(_ q: Double, degreesOfFreedom k: Int) -> Double {
    let z = Statistics.normalQuantile(q)
    let h = 2 / (9 * Double(k))
    return Double(k) * pow(1 - h + z * h.squareRoot(), 3)
  }

  /// p = 0 and n = 0 give 0, p = 1 gives n, without drawing.
  @Test func degenerateParametersDrawNothing() {
    var generator = Xoshiro256StarStar(seed: 5)
    let start = generator
    #expect(generator.nextBinomial(trials: 1000, probability: 0) == 0)
    #expect(generator.nextBinomial(trials: 1000, probability: 1) == 1000)
    #expect(generator.nextBinomial(trials: 0, probability: 0.3) == 0)
    #expect(generator.nextBinomial(trials: 0, probability: 1) == 0)
    #expect(generator == start)
    #expect(generator.nextBinomial(trials: 1, probability: 0.5) <= 1)
    #expect(generator != start)
  }

  /// nextDouble is the top 53 bits of next() times 2^−53: in [0, 1), on the 2^−53 grid.
  @Test func unitDrawsAreTheTopBits() {
    var generator = Xoshiro256StarStar(seed: 12)
    var copy = generator
    for _ in 0..<1000 {
      let u = generator.nextDouble()
      #expect(u == Double(copy.next() >> 11) / 9_007_199_254_740_992)
      #expect(u >= 0 && u < 1)
    }
  }

  // MARK: The elementary functions

  /// The difference in units in the last place of `expected`.
  static func ulps(_ actual: Double, _ expected: Double) -> Double {
    actual == expected ? 0 : abs(actual - expected) / expected.ulp
  }

  /// PortableMath is within 1 ulp (log, exp) or 2 (log1p) of the platform's libm over 100,000
  /// seeded points each, and exact where the answer is.
  @Test func portableMathAgreesWithLibm() {
    var generator = Xoshiro256StarStar(seed: 2024)
    var worst = (log: 0.0, log1p: 0.0, exp: 0.0)
    for _ in 0..<100_000 {
      let wide = pow(10, 600 * generator.nextDouble() - 300)
      let near = 0.5 + 1.5 * generator.nextDouble()
      worst.log = max(
        worst.log, Self.ulps(PortableMath.log(wide), Foundation.log(wide)),
        Self.ulps(PortableMath.log(near), Foundation.log(near)))
      let small = -pow(10, (-17 - log10(0.5)) * generator.nextDouble() + log10(0.5))
      worst.log1p = max(worst.log1p, Self.ulps(PortableMath.log1p(small), Foundation.log1p(small)))
      let sampler = -14 * generator.nextDouble()
      let full = 1416 * generator.nextDouble() - 708
      worst.exp = max(
        worst.exp, Self.ulps(PortableMath.exp(sampler), Foundation.exp(sampler)),
        Self.ulps(PortableMath.exp(full), Foundation.exp(full)))
    }
    #expect(worst.log <= 1 && worst.exp <= 1 && worst.log1p <= 2, "\(worst)")
    #expect(PortableMath.log(1) == 0 && PortableMath.log(2) == Foundation.log(2.0))
    #expect(PortableMath.log(0) == -.infinity)
    let tiny = Double.leastNonzeroMagnitude
    #expect(PortableMath.log(tiny) == Foundation.log(tiny))
    #expect(PortableMath.exp(0) == 1 && PortableMath.log1p(0) == 0)
    #expect(PortableMath.log1p(-1e-300) == -1e-300)
  }

  /// f_c(k), Stirling's error, against log k! − ((k + ½)log(k + 1) − (k + 1) + ½log 2π) with
  /// log k! summed: Hörmann's table to 9, the series beyond.
  @Test func stirlingTailMatchesLogFactorial() {
    var logFactorial = 0.0
    for k in 0...40 {
      if k > 0 { logFactorial += Foundation.log(Double(k)) }
      let z = Double(k + 1)
      let stirling = (z - 0.5) * Foundation.log(z) - z + 0.5 * Foundation.log(2 * .pi)
      let expected = logFactorial - stirling
      let actual = Xoshiro256StarStar.stirlingTail(k)
      #expect(abs(actual - expected) < 1e-12, "f_c(\(k)) = \(actual), not \(expected)")
    }
  }
}
