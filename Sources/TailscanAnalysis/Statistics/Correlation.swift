import Foundation

/// A correlation coefficient with its p-value and 95% confidence interval.
public struct Correlation: Sendable, Equatable, Codable {
  /// Pearson's r or Spearman's ρ; nil when undefined (n < 3 or a constant input).
  public var coefficient: Double?
  /// The number of pairs.
  public var n: Int
  /// The two-sided p-value for no correlation, as scipy's; nil when `coefficient` is.
  public var pValue: Double?
  /// The lower end of the 95% confidence interval; nil when `coefficient` is.
  public var lower: Double?
  /// The upper end of the 95% confidence interval; nil when `coefficient` is.
  public var upper: Double?

  /// A correlation with every field given.
  public init(coefficient: Double?, n: Int, pValue: Double?, lower: Double?, upper: Double?) {
    self.coefficient = coefficient
    self.n = n
    self.pValue = pValue
    self.lower = lower
    self.upper = upper
  }

  /// The undefined correlation of `n` pairs.
  static func undefined(_ n: Int) -> Correlation {
    Correlation(coefficient: nil, n: n, pValue: nil, lower: nil, upper: nil)
  }
}

extension Statistics {
  /// Pearson's correlation of `x` and `y`, as `scipy.stats.pearsonr`.
  ///
  /// r from the centred values, clipped to [−1, 1]. The p-value is scipy's: under no
  /// correlation (r + 1)/2 is Beta(n/2 − 1, n/2 − 1), and p = 2·P(B ≥ (|r| + 1)/2), computed
  /// as a lower tail so that it keeps its precision when tiny (for n ≥ 15,002 as the equal
  /// Student t tail of r·√((n − 2)/(1 − r²)), which stays precise there). The interval is
  /// `pearsonr(...).confidence_interval(0.95)`: tanh(atanh r ∓ z₀.₉₇₅/√(n − 3)), and
  /// [−1, 1] for n = 3.
  ///
  /// Unlike scipy, n = 2 is undefined (scipy gives r = ±1 with p = 1).
  ///
  /// - Precondition: `x` and `y` have the same length.
  /// - Returns: an undefined correlation for n < 3 or a constant `x` or `y`.
  public static func pearson(_ x: [Double], _ y: [Double]) -> Correlation {
    precondition(x.count == y.count, "\(x.count) x values but \(y.count) y values")
    let n = x.count
    guard n >= 3, let r = pearsonCoefficient(x, y) else { return .undefined(n) }
    let pValue: Double
    if Double(n - 2) >= largeDegreesOfFreedom {
      // The same p-value through t = r·√((n − 2)/(1 − r²)) with n − 2 degrees of freedom:
      // Beta(a, a) with a this large is where the incomplete beta function loses digits.
      let t = abs(r) * (Double(n - 2) / ((1 - abs(r)) * (1 + abs(r)))).squareRoot()
      pValue = t.isFinite ? 2 * studentTTail(t, degreesOfFreedom: Double(n - 2)) : 0
    } else {
      let a = Double(n) / 2 - 1
      let upper = (abs(r) + 1) / 2
      pValue = 2 * incompleteBeta(a, a, x: upper, y: 1 - upper).upper
    }
    let interval = fisherInterval(r, n: n, standardError: (1 / Double(n - 3)).squareRoot())
    return Correlation(
      coefficient: r, n: n, pValue: pValue, lower: interval.lower, upper: interval.upper)
  }

  /// Spearman's rank correlation of `x` and `y`, as `scipy.stats.spearmanr`.
  ///
  /// ρ is Pearson's r of the ranks, ties given their average rank (`scipy.stats.rankdata`).
  /// The p-value is scipy's: t = ρ·√((n − 2)/((1 + ρ)(1 − ρ))) against Student's t with
  /// n − 2 degrees of freedom, two-sided (0 when |ρ| = 1).
  ///
  /// The interval is not scipy's (it has none): Fisher's z with Bonett and Wright's (2000)
  /// standard error for Spearman, tanh(atanh ρ ∓ z₀.₉₇₅·√((1 + ρ²/2)/(n − 3))), which is
  /// wider than Pearson's 1/√(n − 3) as the rank correlation's sampling variance is; [−1, 1]
  /// for n = 3, as for Pearson.
  ///
  /// - Precondition: `x` and `y` have the same length.
  /// - Returns: an undefined correlation for n < 3 or a constant `x` or `y`.
  public static func spearman(_ x: [Double], _ y: [Double]) -> Correlation {
    precondition(x.count == y.count, "\(x.count) x values but \(y.count) y values")
    let n = x.count
    guard n >= 3, let rho = pearsonCoefficient(averageRanks(x), averageRanks(y)) else {
      return .undefined(n)
    }
    let df = Double(n - 2)
    let t = rho * max(df / ((rho + 1) * (1 - rho)), 0).squareRoot()
    let pValue = 2 * studentTCDF(-abs(t), degreesOfFreedom: df)
    let standardError = ((1 + rho * rho / 2) / Double(n - 3)).squareRoot()
    let interval = fisherInterval(rho, n: n, standardError: standardError)
    return Correlation(
      coefficient: rho, n: n, pValue: pValue, lower: interval.lower, upper: interval.upper)
  }

  /// The 1-based ranks of `values`, ties given the mean of the ranks they span, as
  /// `scipy.stats.rankdata(values, method="average")`.
  public static func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start + 1
      while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
      // Positions start..<end hold ranks start + 1 through end; their mean:
      let rank = Double(start + 1 + end) / 2
      for position in start..<end { ranks[order[position]] = rank }
      start = end
    }
    return ranks
  }

  /// Pearson's r of two equally long samples, clipped to [−1, 1]; nil if either is constant.
  private static func pearsonCoefficient(_ x: [Double], _ y: [Double]) -> Double? {
    guard let firstX = x.first, let firstY = y.first,
      x.contains(where: { $0 != firstX }), y.contains(where: { $0 != firstY }),
      let meanX = mean(x), let meanY = mean(y)
    else { return nil }
    var xx = CompensatedSum()
    var yy = CompensatedSum()
    var xy = CompensatedSum()
    for (u, v) in zip(x, y) {
      let du = u - meanX
      let dv = v - meanY
      xx.add(du * du)
      yy.add(dv * dv)
      xy.add(du * dv)
    }
    let r = xy.total / (xx.total.squareRoot() * yy.total.squareRoot())
    return min(max(r, -1), 1)
  }

  /// tanh(atanh(r) ∓ z₀.₉₇₅ · standardError); [−1, 1] for n ≤ 3, [r, r] for |r| = 1.
  private static func fisherInterval(_ r: Double, n: Int, standardError: Double) -> Interval {
    if n <= 3 { return Interval(lower: -1, upper: 1) }
    let z = atanh(r)
    let h = normalQuantile(0.975) * standardError
    return Interval(lower: tanh(z - h), upper: tanh(z + h))
  }
}
