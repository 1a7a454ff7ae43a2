import Foundation
import TailscanAnalysis
import TailscanTestSupport

/// The inputs and the numpy/scipy/statsmodels results in `Fixtures/statistics/`, written by
/// `Scripts/stats-reference`.
enum StatisticsFixtures {
  /// `cases.json`, decoded once (`try StatisticsFixtures.cases.get()`).
  static let cases = Result { try load(Cases.self, "statistics/cases.json") }
  /// `expected.json`, decoded once.
  static let expected = Result { try load(Expected.self, "statistics/expected.json") }

  private static func load<T: Decodable>(_ type: T.Type, _ relative: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(Fixtures.bytes(relative)))
  }

  // MARK: cases.json

  struct Cases: Decodable {
    var binning: [BinningCase]
    var quantile: [ValuesAndQ]
    var percentile: [ValuesAndQ]
    var digitize: [DigitizeCase]
    var means: [[Double]]
    var tQuantile: [TQuantileCase]
    var tCDF: [TCDFCase]
    var normal: NormalCase
    var wilson: [[Double]]
    var correlation: [CorrelationCase]
    var correlationFormula: [FormulaCase]
    var logistic: [LogisticCase]
    var bootstrap: [BootstrapCase]
  }

  /// A binning mode as the script writes it: {"kind": "quantiles", "count": n} or
  /// {"kind": "decades", "minimumSize": m}.
  struct Mode: Decodable, CustomStringConvertible {
    var kind: String
    var count: Int?
    var minimumSize: Int?

    var mode: BinningMode {
      kind == "quantiles" ? .quantiles(count ?? 0) : .decades(minimumSize: minimumSize ?? 0)
    }

    var description: String { "\(mode)" }
  }

  struct BinningCase: Decodable {
    var name: String
    var keys: [[UInt64]]
    var modes: [Mode]

    var keyPoints: [KeyPoint] { StatisticsFixtures.keyPoints(keys) }
  }

  struct ValuesAndQ: Decodable {
    var values: [Double]
    var q: [Double]
  }

  struct DigitizeCase: Decodable {
    var edges: [Double]
    var x: [Double]
  }

  struct TQuantileCase: Decodable {
    var df: Double
    var p: [Double]
  }

  struct TCDFCase: Decodable {
    var df: Double
    var t: [Double]
  }

  struct NormalCase: Decodable {
    var p: [Double]
    var x: [Double]
  }

  struct CorrelationCase: Decodable {
    var name: String
    var x: [Double]
    var y: [Double]
  }

  /// A large sample made from integers on both sides: x_i = i and
  /// y_i = (i·multiplier mod modulus) + i / step (integer division), for i in 0..<n.
  struct FormulaCase: Decodable {
    var name: String
    var n: Int
    var multiplier: Int
    var modulus: Int
    var step: Int

    var pairs: (x: [Double], y: [Double]) {
      let x = (0..<n).map(Double.init)
      let y = (0..<n).map { Double($0 * multiplier % modulus + $0 / step) }
      return (x, y)
    }
  }

  struct LogisticCase: Decodable {
    var name: String
    var x: [Double]
    var correct: [Int]
    var trials: [Int]
  }

  struct BootstrapCase: Decodable {
    var name: String
    var keys: [[UInt64]]
    var mode: Mode
    var replicates: Int
    var seed: UInt64

    var keyPoints: [KeyPoint] { StatisticsFixtures.keyPoints(keys) }
  }

  /// [frequency, instances, correct] triples as keys.
  static func keyPoints(_ triples: [[UInt64]]) -> [KeyPoint] {
    triples.map { KeyPoint(frequency: $0[0], instances: Int($0[1]), correct: Int($0[2])) }
  }

  // MARK: expected.json

  struct Expected: Decodable {
    var versions: [String: String]
    var binning: [ExpectedBinned]
    var quantile: [[Double]]
    var percentile: [[Double]]
    var digitize: [[Int]]
    var means: [ExpectedMean]
    var tQuantile: [[Double?]]
    var tCDF: [[Double]]
    var tCDFCauchy: [Double]
    var normal: ExpectedNormal
    var wilson: [[Double]]
    var correlation: [ExpectedCorrelations]
    var correlationFormula: [ExpectedCorrelations]
    var logistic: [ExpectedLogistic]
    var bootstrap: [ExpectedBootstrap]
    var random: [ExpectedRandom]
    var binomial: [ExpectedBinomial]
    var portableMath: ExpectedPortableMath
  }

  struct ExpectedBinned: Decodable {
    var name: String
    var mode: Mode
    var edges: [Double]
    var bins: [ExpectedBin]
    var delta: Double?
    var zeroFrequencyKeys: Int
  }

  struct ExpectedBin: Decodable {
    var index: Int
    var lower: Double
    var upper: Double
    var keys: Int
    var instances: Int
    var correct: Int
    var accuracy: Double?
    var keyMean: Double?
    var sem: Double?
    var band: Double?
    var wilsonLower: Double?
    var wilsonUpper: Double?
    var midpoint: Double
    var kept: Bool
  }

  struct ExpectedMean: Decodable {
    var mean: Double
    var sem: Double?
  }

  struct ExpectedNormal: Decodable {
    var ppf: [Double]
    var cdf: [Double]
  }

  struct ExpectedCorrelation: Decodable {
    var coefficient: Double?
    var pValue: Double?
    var lower: Double?
    var upper: Double?
    var n: Int
  }

  struct ExpectedCorrelations: Decodable {
    var name: String
    var pearson: ExpectedCorrelation
    var spearman: ExpectedCorrelation
  }

  struct ExpectedLogistic: Decodable {
    var name: String
    var intercept: Double?
    var slope: Double?
    var interceptSE: Double?
    var slopeSE: Double?
    var interceptCI: [Double]?
    var slopeCI: [Double]?
    var note: String?
  }

  struct ExpectedInterval: Decodable {
    var lower: Double
    var upper: Double
  }

  struct ExpectedBootstrap: Decodable {
    var name: String
    var interval: ExpectedInterval?
    var replicates: Int
    var defined: Int
    var seed: UInt64
    var firstDeltas: [Double]
  }

  struct ExpectedRandom: Decodable {
    var seed: String
    var splitmix64First: String
    var next: [String]
    var bounds: [UInt64]
    var below: [UInt64]
    var belowLarge: [String]
  }

  /// The script's first 200 draws of Binomial(trials, probability) from a generator seeded
  /// with `seed`; the probability as the hex of its bits.
  struct ExpectedBinomial: Decodable {
    var trials: Int
    var probability: String
    var seed: UInt64
    var draws: [Int]
  }

  /// [x, f(x)] pairs of the script's PortableMath, both as the hex of their bits.
  struct ExpectedPortableMath: Decodable {
    var log: [[String]]
    var log1p: [[String]]
    var exp: [[String]]
  }
}

/// Whether `actual` is within `relative` of `expected` (or within `absolute` of it, for
/// values near zero); two nils agree, a nil and a number do not.
func agrees(
  _ actual: Double?, _ expected: Double?, relative: Double = 1e-9, absolute: Double = 1e-12
) -> Bool {
  switch (actual, expected) {
  case (nil, nil): return true
  case (let actual?, let expected?):
    if actual == expected { return true }
    return abs(actual - expected) <= max(relative * abs(expected), absolute)
  default: return false
  }
}

/// A UInt64 from 16 hexadecimal digits (the script writes 64-bit values as hex strings).
func hex(_ text: String) -> UInt64? {
  UInt64(text, radix: 16)
}
