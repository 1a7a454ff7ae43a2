// Binomial variates from the bootstrap's generator, exact in distribution and the same bits on
// every platform: inversion for small means, Hörmann's BTRD otherwise, and the logarithm and
// exponential they need written out in + − × ÷ (see PortableMath below).

extension Xoshiro256StarStar {
  /// A Binomial(`trials`, `probability`) variate: the number of successes in `trials`
  /// independent trials that each succeed with `probability`.
  ///
  /// Exact in distribution, up to the rounding of the double arithmetic it is written in
  /// (no truncated tails, no normal or Poisson approximation):
  ///
  /// - `probability` above ½: `trials` − Binomial(`trials`, 1 − `probability`) (1 − p is
  ///   exact there), so the sampler below sees p ≤ ½.
  /// - Mean `trials`·p below 10: inversion, BINV of Kachitvichyanukul and Schmeiser (1988,
  ///   "Binomial random variate generation", CACM 31(2)). One ``nextDouble()`` u is walked down
  ///   the probabilities P(0) = (1 − p)^n, P(x) = P(x − 1)·((n + 1)·s/x − s) with s = p/(1 − p),
  ///   returning the first x with u < P(x) (u reduced by each P passed). If u outlasts the
  ///   support or the probabilities underflow (only the double rounding's residue, about
  ///   1e-15, gets there), u is drawn again. About mean + 1 steps.
  /// - Otherwise: BTRD, the transformed rejection with decomposition of Hörmann (1993, "The
  ///   generation of binomial random variates", J. Statist. Comput. Simul. 46, 101–110),
  ///   steps 0–3.4 as the paper gives them: a uniform ``nextDouble()`` v that falls in the
  ///   hat's centre (v ≤ 0.86·v_r) is turned into the variate at once; otherwise a second
  ///   draw gives a candidate k, accepted against f(k)/f(mode), evaluated by the product of
  ///   successive ratios within 15 of the mode, and beyond it first by a squeeze and then by
  ///   Stirling's series (f_c, `stirlingTail`). 1.4 to 2.4 uniforms a variate whatever the
  ///   mean (2.4 at n·p = 10, 1.4 from n·p·(1 − p) ≈ 200 up).
  ///
  /// Only ``nextDouble()`` draws are used, and only + − × ÷, √ (all correctly rounded by
  /// IEEE 754) and ``PortableMath``, so a seed gives the same variates on every platform;
  /// `Scripts/stats-reference` mirrors this operation by operation.
  ///
  /// - Precondition: `trials` ≥ 0 and below 2^53 (so it and its neighbours are doubles
  ///   exactly); `probability` in 0...1.
  /// - Complexity: O(1) expected for BTRD; O(mean + 1) < 11 expected steps for inversion.
  package mutating func nextBinomial(trials: Int, probability: Double) -> Int {
    precondition(trials >= 0 && trials < 1 << 53, "cannot draw from \(trials) trials")
    precondition((0...1).contains(probability), "probability \(probability) is outside 0...1")
    if probability > 0.5 {
      // Sterbenz: 1 − p is exact for p in [½, 1].
      return trials - nextBinomial(trials: trials, probability: 1 - probability)
    }
    if trials == 0 || probability == 0 { return 0 }
    if Double(trials) * probability < 10 {
      return nextBinomialByInversion(trials: trials, probability: probability)
    }
    return nextBinomialByBTRD(trials: trials, probability: probability)
  }

  /// BINV (see ``nextBinomial(trials:probability:)``), for 0 < p ≤ ½ and n·p < 10.
  private mutating func nextBinomialByInversion(trials n: Int, probability p: Double) -> Int {
    let q = 1 - p
    let s = p / q
    let a = Double(n + 1) * s
    // (1 − p)^n as exp(n·log1p(−p)): n·p < 10 and p ≤ ½ put the exponent in [−13.9, 0].
    let first = PortableMath.exp(Double(n) * PortableMath.log1p(-p))
    while true {
      var u = nextDouble()
      var probabilityOfX = first
      var x = 0
      while true {
        if u < probabilityOfX { return x }
        u -= probabilityOfX
        x += 1
        if x > n { break }
        probabilityOfX *= a / Double(x) - s
        if probabilityOfX == 0 { break }
      }
    }
  }

  /// BTRD (see ``nextBinomial(trials:probability:)``), for p ≤ ½ and n·p ≥ 10. The
  /// comments number the paper's steps.
  private mutating func nextBinomialByBTRD(trials n: Int, probability p: Double) -> Int {
    // 0. Set-up: the mode, f's ratio constants, and the hat's shape (the paper's constants).
    let trials = Double(n)
    let q = 1 - p
    let mode = Int((Double(n + 1) * p).rounded(.down))
    let r = p / q
    let nr = Double(n + 1) * r
    let npq = trials * p * q
    let sqrtNPQ = npq.squareRoot()
    let b = 1.15 + 2.53 * sqrtNPQ
    let a = -0.0873 + 0.0248 * b + 0.01 * p
    let c = trials * p + 0.5
    let alpha = (2.83 + 5.1 / b) * sqrtNPQ
    let vr = 0.92 - 4.2 / b
    let urvr = 0.86 * vr
    while true {
      // 1. The centre of the hat: accept at once.
      var v = nextDouble()
      if v <= urvr {
        let u = v / vr - 0.43
        return Int(((2 * a / (0.5 - abs(u)) + b) * u + c).rounded(.down))
      }
      // 2. Otherwise a point (u, v) under the rest of the hat.
      var u: Double
      if v >= vr {
        u = nextDouble() - 0.5
      } else {
        u = v / vr - 0.93
        // sgn(u)·½ − u (sgn 0 = 0).
        if u > 0 {
          u = 0.5 - u
        } else if u < 0 {
          u = -0.5 - u
        }
        v = nextDouble() * vr
      }
      // 3.0 The candidate. (us = 0 only at u = ±½, where the hat's k is ±∞: draw again.)
      let us = 0.5 - abs(u)
      if us == 0 { continue }
      let candidate = ((2 * a / us + b) * u + c).rounded(.down)
      if candidate < 0 || candidate > trials { continue }
      let k = Int(candidate)
      v = v * alpha / (a / (us * us) + b)
      let km = abs(k - mode)
      if km <= 15 {
        // 3.1 f(k)/f(mode) by the ratios f(i)/f(i − 1) = nr/i − r.
        var f = 1.0
        if mode < k {
          for i in (mode + 1)...k { f *= nr / Double(i) - r }
        } else if mode > k {
          for i in (k + 1)...mode { v *= nr / Double(i) - r }
        }
        if v <= f { return k }
        continue
      }
      // 3.2 Squeeze: log f(k)/f(mode) lies within rho of t.
      v = PortableMath.log(v)
      let distance = Double(km)
      let rho =
        (distance / npq) * (((distance / 3 + 0.625) * distance + 1.0 / 6) / npq + 0.5)
      let t = -(distance * distance) / (2 * npq)
      if v < t - rho { return k }
      if v > t + rho { continue }
      // 3.3 log f(mode), less what cancels, by Stirling's series.
      let nm = Double(n - mode + 1)
      let h =
        (Double(mode) + 0.5) * PortableMath.log(Double(mode + 1) / (r * nm))
        + Self.stirlingTail(mode) + Self.stirlingTail(n - mode)
      // 3.4 The exact test, log f(k)/f(mode) by the same series.
      let nk = Double(n - k + 1)
      let bound =
        h + Double(n + 1) * PortableMath.log(nm / nk)
        + (Double(k) + 0.5) * PortableMath.log(nk * r / Double(k + 1))
        - Self.stirlingTail(k) - Self.stirlingTail(n - k)
      if v <= bound { return k }
    }
  }

  /// f_c(k) = log k! − ((k + ½)·log(k + 1) − (k + 1) + ½·log 2π), the error of Stirling's
  /// formula for k!: tabulated for k ≤ 9 (Hörmann's table), and beyond by Stirling's series
  /// 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) with z = k + 1 (Hörmann stops a term
  /// earlier, whose error reaches 3e-11 at k = 10; this one's is below 4e-13).
  package static func stirlingTail(_ k: Int) -> Double {
    if k <= 9 { return stirlingTails[k] }
    let reciprocal = 1.0 / Double(k + 1)
    let square = reciprocal * reciprocal
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - square / 1680) * square) * square)
      * reciprocal
  }

  /// f_c(0) … f_c(9), as Hörmann (1993) tabulates them.
  private static let stirlingTails: [Double] = [
    0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509,
    0.01664469118982119, 0.01387612882307075, 0.01189670994589177, 0.01041126526197209,
    0.009255462182712733, 0.008330563433362871,
  ]
}

/// The logarithm and exponential the binomial sampler needs, in + − × ÷ only, so their bits
/// do not depend on the platform's libm (glibc, Apple's and musl's round differently in the
/// last place; Python's `math` is the platform's libm).
///
/// The algorithms and coefficients are fdlibm's (Sun Microsystems, 1993: `e_log.c`,
/// `e_exp.c`), in one branch each; both are within an ulp of the true value over the domains
/// below, and `log1p` within a few (Goldberg's correction, "What every computer scientist
/// should know about floating-point arithmetic", 1991, Theorem 4). `Scripts/stats-reference`
/// has the same operations in Python, and the tests compare the bits and the accuracy.
package enum PortableMath {
  /// The natural logarithm of `x` ≥ 0 (−∞ at 0; finite `x` only).
  ///
  /// x = 2^k·(1 + f) with 1 + f in (√½, √2]; then log(1 + f) = f − f²/2 + s·(f²/2 + R(s²))
  /// with s = f/(2 + f) and fdlibm's minimax R, and log 2 split in a high part whose
  /// products with k are exact and a low part.
  package static func log(_ x: Double) -> Double {
    precondition(x >= 0 && x.isFinite, "log of \(x)")
    if x == 0 { return -.infinity }
    // Exact: x = significand · 2^exponent, significand in [1, 2) (subnormals too).
    var significand = x.significand
    var k = x.exponent
    if significand > sqrt2 {
      significand *= 0.5
      k += 1
    }
    let f = significand - 1  // exact (Sterbenz)
    let s = f / (2 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (lg2 + w * (lg4 + w * lg6))
    let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
    let remainder = t2 + t1
    let halfSquare = 0.5 * f * f
    let dk = Double(k)
    return dk * ln2High - ((halfSquare - (s * (halfSquare + remainder) + dk * ln2Low)) - f)
  }

  /// log(1 + x) for x > −1, accurate for small x: with u = 1 + x rounded,
  /// log(u)·x/(u − 1) (or x itself when u is 1).
  package static func log1p(_ x: Double) -> Double {
    precondition(x > -1 && x.isFinite, "log1p of \(x)")
    let u = 1 + x
    if u == 1 { return x }
    return log(u) * (x / (u - 1))
  }

  /// e^x for −708 ≤ x ≤ 708 (so neither the result nor 2^k below is subnormal or infinite).
  ///
  /// x = k·log 2 + r with k = ⌊x/log 2 + ½⌋ and |r| ≤ ½·log 2 (nearly), reduced with log 2
  /// in two parts; e^r = 1 + 2r/(2 − c) with c = r − r²·P(r²), fdlibm's minimax P; then
  /// times 2^k (exact).
  package static func exp(_ x: Double) -> Double {
    precondition(x >= -708 && x <= 708, "exp of \(x) is outside the supported -708...708")
    let k = Int((x * inverseLn2 + 0.5).rounded(.down))
    let dk = Double(k)
    let high = x - dk * ln2High
    let low = dk * ln2Low
    let r = high - low
    let t = r * r
    let c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
    let y = 1 - ((low - (r * c) / (2 - c)) - high)
    return y * Double(sign: .plus, exponent: k, significand: 1)
  }

  // fdlibm's constants, as the exact doubles (hexadecimal) its sources give in hex words.
  private static let sqrt2 = 0x1.6a09e667f3bcdp+0
  private static let ln2High = 0x1.62e42fee00000p-1
  private static let ln2Low = 0x1.a39ef35793c76p-33
  private static let inverseLn2 = 0x1.71547652b82fep+0
  private static let lg1 = 0x1.5555555555593p-1
  private static let lg2 = 0x1.999999997fa04p-2
  private static let lg3 = 0x1.2492494229359p-2
  private static let lg4 = 0x1.c71c51d8e78afp-3
  private static let lg5 = 0x1.7466496cb03dep-3
  private static let lg6 = 0x1.39a09d078c69fp-3
  private static let lg7 = 0x1.2f112df3e5244p-3
  private static let p1 = 0x1.555555555553ep-3
  private static let p2 = -0x1.6c16c16bebd93p-9
  private static let p3 = 0x1.1566aaf25de2cp-14
  private static let p4 = -0x1.bbd41c5d26bf1p-20
  private static let p5 = 0x1.6376972bea4d0p-25
}
