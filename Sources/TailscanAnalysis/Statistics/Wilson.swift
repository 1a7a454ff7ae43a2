/// A closed interval [lower, upper] of real numbers.
public struct Interval: Sendable, Equatable, Codable {
  /// The lower end.
  public var lower: Double
  /// The upper end.
  public var upper: Double

  /// The interval from `lower` to `upper`.
  public init(lower: Double, upper: Double) {
    self.lower = lower
    self.upper = upper
  }
}

extension Statistics {
  /// The Wilson score interval for a proportion, as statsmodels'
  /// `proportion_confint(correct, trials, alpha=1 - confidence, method="wilson")`.
  ///
  /// With z = Φ⁻¹(1 − α/2) and p̂ = correct/trials: centre (p̂ + z²/2n)/(1 + z²/n), half-width
  /// z·√(p̂(1 − p̂)/n + z²/4n²)/(1 + z²/n), clipped to [0, 1] as statsmodels clips it. Unlike
  /// the normal approximation it stays inside [0, 1] and is not empty at 0 or n successes.
  ///
  /// - Precondition: `0...trials` contains `correct`; `confidence` is in (0, 1).
  /// - Returns: nil when `trials` is 0.
  public static func wilson(correct: Int, trials: Int, confidence: Double = 0.95) -> Interval? {
    guard trials > 0 else { return nil }
    precondition((0...trials).contains(correct), "\(correct) correct of \(trials) trials")
    precondition(confidence > 0 && confidence < 1, "confidence \(confidence) not in (0, 1)")
    let n = Double(trials)
    let proportion = Double(correct) / n
    // statsmodels halves alpha = 1 − confidence and takes norm.isf(alpha / 2).
    let z = -normalQuantile((1 - confidence) / 2)
    let z2 = z * z
    let denominator = 1 + z2 / n
    let centre = (proportion + z2 / (2 * n)) / denominator
    let halfWidth =
      z * (proportion * (1 - proportion) / n + z2 / (4 * n * n)).squareRoot() / denominator
    return Interval(
      lower: min(max(centre - halfWidth, 0), 1), upper: min(max(centre + halfWidth, 0), 1))
  }
}
