// Means, standard errors, quantiles and numpy's digitize: the small pieces the bins are made
// of, each matching the numpy or scipy function it names.

extension Statistics {
  /// The arithmetic mean, as `numpy.mean`; nil for no values.
  ///
  /// The sum is compensated (Neumaier), so it is at least as accurate as numpy's pairwise
  /// summation.
  public static func mean(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    return compensatedSum(values) / Double(values.count)
  }

  /// The standard error of the mean, as `scipy.stats.sem` (ddof = 1): the sample standard
  /// deviation over √n; nil for fewer than 2 values.
  ///
  /// Two passes (the mean, then the squared deviations), as numpy's `std`. Identical values
  /// give 0 or, as in numpy, a rounding-sized number when their mean is not exactly one of
  /// them (thirty 0.1s give about 5e-18).
  public static func sem(_ values: [Double]) -> Double? {
    guard values.count >= 2, let mean = mean(values) else { return nil }
    var squares = CompensatedSum()
    for value in values { squares.add((value - mean) * (value - mean)) }
    let n = Double(values.count)
    return (squares.total / (n - 1)).squareRoot() / n.squareRoot()
  }

  /// The `q` quantile of ascending `sortedValues` by linear interpolation, as
  /// `numpy.quantile(values, q)` (method "linear", Hyndman & Fan's type 7).
  ///
  /// The position is h = (n − 1)·q; between the values at ⌊h⌋ and ⌊h⌋ + 1 it interpolates
  /// the way numpy's `_lerp` does (from the lower value when the fraction is below ½, from
  /// the upper one otherwise), so the result is numpy's to the last bit and a quantile that
  /// falls on a data value equals it.
  ///
  /// - Precondition: `q` is in 0...1 (numpy raises otherwise).
  /// - Returns: NaN for no values (numpy raises).
  public static func quantile(_ sortedValues: [Double], _ q: Double) -> Double {
    precondition((0...1).contains(q), "quantile \(q) is outside 0...1")
    guard let first = sortedValues.first, let last = sortedValues.last else { return .nan }
    let position = Double(sortedValues.count - 1) * q
    if position >= Double(sortedValues.count - 1) { return last }
    if position <= 0 { return first }
    let below = position.rounded(.down)
    let index = Int(below)
    let lower = sortedValues[index]
    let upper = sortedValues[index + 1]
    return interpolate(lower, upper, difference: upper - lower, fraction: position - below)
  }

  /// The `q` percentile (0...100) of `values` in any order, as `numpy.percentile(values, q)`
  /// (method "linear"): `quantile(sorted, q / 100)`.
  ///
  /// - Precondition: `q` is in 0...100.
  /// - Returns: nil for no values; NaN when a value is NaN (as numpy).
  public static func percentile(_ values: [Double], _ q: Double) -> Double? {
    precondition((0...100).contains(q), "percentile \(q) is outside 0...100")
    guard !values.isEmpty else { return nil }
    if values.contains(where: \.isNaN) { return .nan }
    return quantile(values.sorted(), q / 100)
  }

  /// The bin of `x` among non-decreasing `edges`, as `numpy.digitize(x, edges)` (right =
  /// False): the number of edges ≤ x, that is `searchsorted(edges, x, side="right")`.
  ///
  /// 0 means below the first edge and `edges.count` at or beyond the last; with repeated
  /// edges the bins between equal edges are empty and x goes past them. NaN goes past every
  /// edge, as numpy sorts it last.
  ///
  /// - Complexity: O(log n).
  public static func digitize(_ x: Double, edges: [Double]) -> Int {
    if x.isNaN { return edges.count }
    var low = 0
    var high = edges.count
    while low < high {
      let middle = low + (high - low) / 2
      if edges[middle] <= x { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// numpy's `_lerp`: a + d·t for t < ½, b − d·(1 − t) otherwise, where d = b − a.
  ///
  /// The difference is passed in so integer counts can give it exactly (numpy subtracts
  /// integer arrays as integers).
  static func interpolate(_ a: Double, _ b: Double, difference: Double, fraction t: Double)
    -> Double
  {
    t >= 0.5 ? b - difference * (1 - t) : a + difference * t
  }

  /// The sum of `values` with Neumaier's compensation.
  static func compensatedSum(_ values: some Sequence<Double>) -> Double {
    var sum = CompensatedSum()
    for value in values { sum.add(value) }
    return sum.total
  }
}

/// A running sum with Neumaier's compensation (Kahan–Babuška): the rounding error of each
/// addition is kept and added back at the end.
struct CompensatedSum {
  private var sum = 0.0
  private var compensation = 0.0

  /// Adds `value`.
  mutating func add(_ value: Double) {
    let next = sum + value
    if abs(sum) >= abs(value) {
      compensation += (sum - next) + value
    } else {
      compensation += (value - next) + sum
    }
    sum = next
  }

  /// The sum so far.
  var total: Double { sum + compensation }
}
