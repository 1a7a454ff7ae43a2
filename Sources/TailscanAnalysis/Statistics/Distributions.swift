import Foundation

// The normal and Student t distributions, and the special functions beneath them. Written out
// here (no libm lgamma, whose sign global is shared state) and checked against scipy in
// Tests/TailscanAnalysisTests/StatisticsReferenceTests.swift.

extension Statistics {
  /// The standard normal distribution function Φ(x), as `scipy.stats.norm.cdf`.
  ///
  /// Computed as `erfc(-x / √2) / 2`, as scipy's `ndtr` does, so the lower tail keeps its
  /// relative precision down to the smallest normal doubles (x ≈ −37.5).
  public static func normalCDF(_ x: Double) -> Double {
    0.5 * erfc(-x / 2.0.squareRoot())
  }

  /// The standard normal quantile Φ⁻¹(p), as `scipy.stats.norm.ppf`.
  ///
  /// Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988): rational
  /// approximations with about 16 correct digits, one for the centre (|p − ½| ≤ 0.425) and
  /// two for the tails in r = √(−log(min(p, 1 − p))).
  ///
  /// - Returns: −∞ at 0, +∞ at 1, and NaN outside [0, 1].
  public static func normalQuantile(_ p: Double) -> Double {
    guard p >= 0, p <= 1 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      let numerator =
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
          + 67265.770927008700853) * r + 45921.953931549871457) * r
          + 13731.693765509461125) * r + 1971.5909503065514427) * r
          + 133.14166789178437745) * r + 3.387132872796366608)
      let denominator =
        (((((((5226.495278852545925 * r + 28729.085735721942674) * r
          + 39307.89580009271061) * r + 21213.794301586595867) * r
          + 5394.1960214247511077) * r + 687.1870074920579083) * r
          + 42.313330701600911252) * r + 1.0)
      return q * numerator / denominator
    }
    // 1 − p is exact here (p > 0.5), so the upper tail is as precise as p allows.
    var r = (-log(q < 0 ? p : 1 - p)).squareRoot()
    let value: Double
    if r <= 5 {
      r -= 1.6
      let numerator =
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
          + 0.24178072517745061177) * r + 1.27045825245236838258) * r
          + 3.64784832476320460504) * r + 5.7694972214606914055) * r
          + 4.6303378461565452959) * r + 1.42343711074968357734)
      let denominator =
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
          + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
          + 0.68976733498510000455) * r + 1.6763848301838038494) * r
          + 2.05319162663775882187) * r + 1.0)
      value = numerator / denominator
    } else {
      r -= 5
      let numerator =
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
          + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
          + 0.29656057182850489123) * r + 1.7848265399172913358) * r
          + 5.4637849111641143699) * r + 6.6579046435011037772)
      let denominator =
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
          + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
          + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
          + 0.59983220655588793769) * r + 1.0)
      value = numerator / denominator
    }
    return q < 0 ? -value : value
  }

  /// The Student t distribution function P(T ≤ t) with `degreesOfFreedom` ν, as
  /// `scipy.stats.t.cdf`.
  ///
  /// The smaller tail is computed directly, as ½·I_x(ν/2, ½) with x = ν/(ν + t²) (the
  /// regularized incomplete beta function), so a p-value keeps its relative precision however
  /// small it is; ν = 1 (Cauchy) uses its closed form, ν ≥ 15,000 Hill's normal deviate
  /// (see `largeDegreesOfFreedom`), and ν = ∞ the normal distribution itself. About 13
  /// correct digits throughout (scipy's own t.cdf loses digits near 0 at ν = 1).
  ///
  /// - Returns: NaN when `t` is NaN or ν is not positive.
  public static func studentTCDF(_ t: Double, degreesOfFreedom: Double) -> Double {
    let df = degreesOfFreedom
    guard !t.isNaN, df > 0 else { return .nan }
    if df == .infinity { return normalCDF(t) }
    if t == 0 { return 0.5 }
    if t.isInfinite { return t < 0 ? 0 : 1 }
    let tail = studentTTail(abs(t), degreesOfFreedom: df)
    return t < 0 ? tail : 1 - tail
  }

  /// The Student t quantile: the t with P(T ≤ t) = p for `degreesOfFreedom` ν, as
  /// `scipy.stats.t.ppf`.
  ///
  /// Closed forms for ν = 1 and ν = 2. Otherwise the better of two starting points (the
  /// Cornish–Fisher expansion about the normal quantile, Abramowitz & Stegun 26.7.5, and the
  /// power-law tail t ≈ (K/q)^(1/ν)) is refined by Newton's method on log(tail/q) against
  /// log t, with q = min(p, 1 − p) the smaller tail. P(T ≤ result) is p to 1e-12 relative
  /// (tested for p from 1e-300 to ½ and ν from 0.3 to 10⁹), where scipy 1.17 returns −∞ at
  /// p = 1e-300 for 3 ≤ ν ≤ 1000. For ν < 1 a tiny p can put t beyond the largest double:
  /// then the result is ∓∞.
  ///
  /// - Returns: −∞ at 0, +∞ at 1, NaN for p outside [0, 1] or ν not positive.
  public static func studentTQuantile(_ p: Double, degreesOfFreedom: Double) -> Double {
    let df = degreesOfFreedom
    guard p >= 0, p <= 1, df > 0 else { return .nan }
    if p == 0 { return -.infinity }
    if p == 1 { return .infinity }
    if p == 0.5 { return 0 }
    if df == .infinity { return normalQuantile(p) }
    // 1 − p is exact for p > 0.5, so the upper tail loses nothing here.
    let q = p < 0.5 ? p : 1 - p
    let t = studentTUpperQuantile(q, degreesOfFreedom: df)
    return p < 0.5 ? -t : t
  }

  /// P(T > t) for t > 0.
  static func studentTTail(_ t: Double, degreesOfFreedom df: Double) -> Double {
    if df == 1 { return atan2(1, t) / Double.pi }
    if df >= largeDegreesOfFreedom { return studentTTailForLargeDegrees(t, degreesOfFreedom: df) }
    let t2 = t * t
    guard t2.isFinite else {
      // t > 1.3e154, so x = ν/t² < ν·1e-308 may underflow, but the tail need not (ν < 2):
      // I_x(ν/2, ½) = x^(ν/2)/((ν/2)·B(ν/2, ½))·(1 + O(x)), in logs.
      let logX = log(df) - 2 * log(t)
      return 0.5 * exp(df / 2 * logX - logBeta(df / 2, 0.5) - log(df / 2))
    }
    // x = ν/(ν + t²) and y = t²/(ν + t²), each to full relative precision; log x from t
    // itself, as the prefactor's ν/2 · log x multiplies the rounding error of x by ν/2.
    let x = df / (df + t2)
    let y = t2 / (df + t2)
    let logX = -log1p(t2 / df)
    return 0.5 * incompleteBeta(df / 2, 0.5, x: x, y: y, logX: logX, logY: log(y)).lower
  }

  /// From here on (ν ≥ 15,000) t tails use Hill's normal deviate rather than the incomplete
  /// beta function: against scipy the two cross over between ν = 10⁴ (fraction 2e-13, Hill
  /// 4e-13) and 2·10⁴ (fraction 8e-13, Hill 2e-13), and the fraction keeps losing digits
  /// as ν grows (1e-9 at 10⁸) while Hill's error shrinks.
  static let largeDegreesOfFreedom = 15_000.0

  /// P(T > t) for t > 0 and large ν, by Hill's normal deviate (CACM Algorithm 395, 1970):
  /// z = √(a·log(1 + t²/ν)) with a = ν − ½, corrected by terms in 1/(48a²), then Φ(−z).
  ///
  /// About 13 digits out to t = 37 for ν ≥ 10⁴ (checked against scipy and mpmath).
  static func studentTTailForLargeDegrees(_ t: Double, degreesOfFreedom df: Double) -> Double {
    let a = df - 0.5
    let b = 48 * a * a
    var z = (a * log1p(t * t / df)).squareRoot()
    let z2 = z * z
    z += (z2 + 3) * z / b
      - (((4 * z2 + 33) * z2 + 240) * z2 + 855) * z / (10 * b * (b + 0.8 * z2 * z2 + 100))
    return normalCDF(-z)
  }

  /// The logarithm of the t distribution's density at t (the density itself underflows in
  /// the tails that p = 1e-300 reaches).
  static func studentTLogDensity(_ t: Double, degreesOfFreedom df: Double) -> Double {
    // log(1 + t²/ν), kept finite for |t| far beyond √ν.
    let u = abs(t) / df.squareRoot()
    let log1PlusSquare = u > 1 ? 2 * log(u) + log1p(1 / (u * u)) : log1p(u * u)
    return -(df + 1) / 2 * log1PlusSquare - 0.5 * log(df) - logBeta(df / 2, 0.5)
  }

  /// The t > 0 with P(T > t) = q, for 0 < q < ½.
  static func studentTUpperQuantile(_ q: Double, degreesOfFreedom df: Double) -> Double {
    if df == 1 { return 1 / tan(Double.pi * q) }
    if df == 2 { return (1 - 2 * q) / (2 * q * (1 - q)).squareRoot() }

    // Two starting points; keep the one whose tail is nearer q (on a log scale).
    let z = -normalQuantile(q)
    let z2 = z * z
    let g1 = (z2 + 1) * z / 4
    let g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    let g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    let g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    let cornishFisher = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
    // P(T > t) ≈ K·t^(−ν) for large t, with log K = (ν/2 − 1)·log ν − log B(ν/2, ½).
    let logK = (df / 2 - 1) * log(df) - logBeta(df / 2, 0.5)
    let powerLaw = exp((logK - log(q)) / df)
    var t = cornishFisher
    var tail = t > 0 && t.isFinite ? studentTTail(t, degreesOfFreedom: df) : .nan
    if powerLaw > 0 && powerLaw.isFinite {
      let other = studentTTail(powerLaw, degreesOfFreedom: df)
      if tail.isNaN || abs(log(other / q)) < abs(log(tail / q)) {
        t = powerLaw
        tail = other
      }
    }
    guard t > 0, t.isFinite, tail > 0 else { return powerLaw.isInfinite ? .infinity : .nan }

    // Newton's method on g(v) = log(tail(t)/q) with v = log t. The tail elasticity
    // t·density/tail = −g'(v) rises monotonically from 0 towards ν (checked numerically for
    // ν from ½ to 10⁵), so g is decreasing and concave: from the right of the root the steps
    // approach it without passing it; from the left the first step passes it and the rest
    // approach from the right. In a power-law tail g is nearly linear, so a step or two get
    // there from far off, where plain Newton on t would crawl. log(tail/q) is taken from the
    // ratio, not as a difference of two logs of size ~690; tail/density as
    // exp(log tail − log density), as each underflows alone far out.
    func logRatio(_ tail: Double) -> Double {
      let ratio = tail / q
      return ratio.isFinite && ratio > 0 ? log(ratio) : log(tail) - log(q)
    }
    var best = (t: t, error: abs(logRatio(tail)))
    for _ in 0..<100 {
      if tail == 0 {
        // Underflowed: far right of the root; halve log t.
        t = t > 1 ? t.squareRoot() : t / 2
        tail = studentTTail(t, degreesOfFreedom: df)
        continue
      }
      let elasticity = exp(studentTLogDensity(t, degreesOfFreedom: df) + log(t) - log(tail))
      // At most e^±50 at a time, which only a start far in the flat centre would ask for.
      let step = min(max(logRatio(tail) / elasticity, -50), 50)
      guard step.isFinite else { break }
      let next = t * exp(step)
      guard next.isFinite else { return .infinity }  // beyond the largest double
      if next == t { break }
      t = next
      tail = studentTTail(t, degreesOfFreedom: df)
      let error = abs(logRatio(tail))
      if error < best.error { best = (t, error) }
      if abs(step) <= 1e-15 { break }
    }
    return best.t
  }

  // MARK: Special functions

  /// The regularized incomplete beta function I_x(a, b) and its complement 1 − I_x(a, b).
  ///
  /// `y` must be 1 − x, passed separately so a caller that knows it more precisely than
  /// `1 - x` (a tail near 1) loses nothing; likewise `logX` and `logY` (default `log(x)`,
  /// `log(y)`), which the prefactor x^a·y^b multiplies by a and b.
  ///
  /// Two methods, as in cephes' `incbet`: the power series in x where it converges without
  /// cancellation (x ≤ 0.95 and b·x ≤ 1, or the same for I_y(b, a)); otherwise the
  /// continued fraction (modified Lentz) for whichever of I_x(a, b) and I_y(b, a) converges
  /// (x below (a + 1)/(a + b + 2)). Either way the result computed directly is the smaller
  /// one or close to it, so a small tail keeps its relative precision. Against
  /// `scipy.special.betainc` over a, b in 0.5…5·10⁴ and x in 1e-9…1 − 1e-6 the smaller
  /// result agrees to 1e-11; with a and b both far beyond that, the fraction needs ~√a terms
  /// near the mean and loses digits (which is why large-ν t tails go another way).
  static func incompleteBeta(
    _ a: Double, _ b: Double, x: Double, y: Double, logX: Double? = nil, logY: Double? = nil
  ) -> (lower: Double, upper: Double) {
    if x <= 0 { return (0, 1) }
    if y <= 0 { return (1, 0) }
    let logX = logX ?? log(x)
    let logY = logY ?? log(y)
    if x <= 0.95 && b * x <= 1 {
      let value = betaSeries(a, b, x: x, logX: logX)
      return (value, 1 - value)
    }
    if y <= 0.95 && a * y <= 1 {
      let value = betaSeries(b, a, x: y, logX: logY)
      return (1 - value, value)
    }
    let swapped = x > (a + 1) / (a + b + 2)
    let (p, q, u, logU, logV) = swapped ? (b, a, y, logY, logX) : (a, b, x, logX, logY)
    let logFront = p * logU + q * logV - logBeta(p, q) - log(p)
    let value = exp(logFront) * betaContinuedFraction(p, q, x: u)
    return swapped ? (1 - value, value) : (value, 1 - value)
  }

  /// I_x(a, b) by its power series, x^a/B(a, b) · Σₙ (1 − b)ₙ xⁿ/(n!(a + n)) ((1 − b)ₙ the
  /// rising factorial), for x ≤ ½ and b·x ≤ 5: the terms shrink at least like (b·x)ⁿ/n! and
  /// then like xⁿ, and cancel by at most e^(2bx).
  private static func betaSeries(_ a: Double, _ b: Double, x: Double, logX: Double) -> Double {
    var sum = 1 / a
    var factor = 1.0  // (1 − b)ₙ xⁿ / n!
    for n in 1...5000 {
      let n = Double(n)
      factor *= (n - b) * x / n
      let term = factor / (a + n)
      sum += term
      if abs(term) <= 1e-17 * abs(sum) { break }
    }
    return exp(a * logX - logBeta(a, b)) * sum
  }

  /// The continued fraction for I_x(a, b) (Numerical Recipes' betacf), modified Lentz.
  private static func betaContinuedFraction(_ a: Double, _ b: Double, x: Double) -> Double {
    let tiny = 1e-300
    let limit = 200 + Int(20 * max(a, b).squareRoot())
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    // One Lentz step with the partial numerator `numerator`: updates C and D and multiplies
    // the running value h by C·D, which it returns.
    func step(_ numerator: Double) -> Double {
      d = 1 + numerator * d
      if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      return d * c
    }
    for m in 1...limit {
      let m = Double(m)
      _ = step(m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)))
      let factor = step(-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)))
      // Within an ulp of 1: the fraction has converged.
      if abs(factor - 1) < 3e-16 { break }
    }
    return h
  }

  /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b) for a, b > 0.
  ///
  /// With a large argument the Stirling terms are combined before they are added, as in
  /// R's `lbeta`, so the result keeps its absolute precision (log Γ(10⁶) alone is ~10⁷).
  static func logBeta(_ a: Double, _ b: Double) -> Double {
    let p = min(a, b)
    let q = max(a, b)
    let halfLogTwoPi = 0.918_938_533_204_672_741_78
    if p >= 10 {
      let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
      return -0.5 * log(q) + halfLogTwoPi + correction + (p - 0.5) * log(p / (p + q))
        + q * log1p(-p / (p + q))
    }
    if q >= 10 {
      let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
      return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
    }
    return logGamma(p) + logGamma(q) - logGamma(p + q)
  }

  /// log Γ(x) for x > 0: Stirling's series at x + k ≥ 10, less log x(x+1)…(x+k−1).
  static func logGamma(_ x: Double) -> Double {
    var z = x
    var shift = 0.0
    while z < 10 {
      shift += log(z)
      z += 1
    }
    return (z - 0.5) * log(z) - z + 0.918_938_533_204_672_741_78 + stirlingCorrection(z) - shift
  }

  /// log Γ(z) − [(z − ½)·log z − z + ½·log 2π] for z ≥ 10: Stirling's series in 1/z, to
  /// the term in z⁻¹⁵ (the next is below 2e-18 at z = 10).
  private static func stirlingCorrection(_ z: Double) -> Double {
    let w = 1 / (z * z)
    // B₂ₖ / (2k(2k − 1)) for k = 1…8.
    let series =
      1.0 / 12 + w * (-1.0 / 360 + w * (1.0 / 1260 + w * (-1.0 / 1680 + w * (1.0 / 1188
        + w * (-691.0 / 360_360 + w * (1.0 / 156 + w * (-3617.0 / 122_400)))))))
    return series / z
  }
}
