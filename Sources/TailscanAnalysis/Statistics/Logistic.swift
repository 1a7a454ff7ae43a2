import Foundation

/// A logistic regression of correctness on one predictor (log10 frequency), with Wald
/// standard errors and 95% intervals.
public struct LogisticFit: Sendable, Equatable, Codable {
  /// The intercept β₀ (log-odds of a correct answer at x = 0); nil when there is no estimate.
  public var intercept: Double?
  /// The slope β₁ (change in log-odds per unit of x); nil when there is no estimate.
  public var slope: Double?
  /// The standard error of the intercept, from the inverse Fisher information.
  public var interceptSE: Double?
  /// The standard error of the slope.
  public var slopeSE: Double?
  /// The 95% Wald interval of the intercept, [lower, upper].
  public var interceptCI: [Double]?
  /// The 95% Wald interval of the slope, [lower, upper].
  public var slopeCI: [Double]?
  /// The Newton steps taken.
  public var iterations: Int
  /// Whether the steps converged (a fit without an estimate did not run, and is false).
  public var converged: Bool
  /// Why there is no estimate ("no answers", "all answers correct", "all answers wrong",
  /// "fewer than 2 distinct frequencies", "perfect separation"), or that the fit did not
  /// converge; nil for a good fit.
  public var note: String?

  /// A fit with every field given.
  public init(
    intercept: Double?, slope: Double?, interceptSE: Double?, slopeSE: Double?,
    interceptCI: [Double]?, slopeCI: [Double]?, iterations: Int, converged: Bool, note: String?
  ) {
    self.intercept = intercept
    self.slope = slope
    self.interceptSE = interceptSE
    self.slopeSE = slopeSE
    self.interceptCI = interceptCI
    self.slopeCI = slopeCI
    self.iterations = iterations
    self.converged = converged
    self.note = note
  }

  /// No estimate, for the reason `note`.
  static func none(_ note: String) -> LogisticFit {
    LogisticFit(
      intercept: nil, slope: nil, interceptSE: nil, slopeSE: nil, interceptCI: nil,
      slopeCI: nil, iterations: 0, converged: false, note: note)
  }
}

extension Statistics {
  /// The most Newton steps `logistic` takes.
  static let logisticIterationLimit = 100

  /// Fits P(correct) = 1/(1 + e^−(β₀ + β₁x)) by maximum likelihood to grouped answers: at
  /// `x[i]`, `correct[i]` of `trials[i]` were right.
  ///
  /// A binomial GLM with the logit link, by Newton's method (for this canonical link the same
  /// steps as IRLS) from β = (logit of the overall rate, 0), halving a step that would lower
  /// the likelihood, until a step moves neither coefficient by more than 1e-12 of its size.
  /// Grouping changes neither the likelihood's maximum nor its curvature, so the estimates,
  /// standard errors (√ of the inverse Fisher information's diagonal) and Wald intervals
  /// (β ± Φ⁻¹(0.975)·SE) are those of statsmodels' `GLM(y, add_constant(x),
  /// family=Binomial()).fit()` on the 0/1 rows.
  ///
  /// The maximum likelihood estimate does not exist when a threshold on x puts every correct
  /// answer on one side and every wrong one on the other (ties at it allowed): this is checked
  /// exactly beforehand and reported as "perfect separation", where statsmodels warns and
  /// returns estimates that grew until it stopped.
  ///
  /// - Precondition: the three arrays have the same length; `trials[i] >= 0` and
  ///   `0...trials[i]` contains `correct[i]`. Groups with no trials are ignored.
  public static func logistic(x: [Double], correct: [Int], trials: [Int]) -> LogisticFit {
    precondition(
      x.count == correct.count && x.count == trials.count,
      "\(x.count) x values, \(correct.count) correct counts, \(trials.count) trial counts")
    var groups: [(x: Double, correct: Double, trials: Double)] = []
    for i in x.indices where trials[i] != 0 {
      precondition(
        trials[i] > 0 && (0...trials[i]).contains(correct[i]),
        "\(correct[i]) correct of \(trials[i]) trials at x = \(x[i])")
      groups.append((x[i], Double(correct[i]), Double(trials[i])))
    }
    groups = mergingEqualX(groups)
    if let note = logisticNote(groups) { return .none(note) }

    // Fit against x − x̄ (x̄ the answers' mean x): the same model with a better conditioned
    // information matrix; β₀ = β₀' − x̄·β₁ afterwards.
    let totalCorrect = groups.reduce(0) { $0 + $1.correct }
    let totalTrials = groups.reduce(0) { $0 + $1.trials }
    let centre = compensatedSum(groups.map { $0.trials * $0.x }) / totalTrials
    groups = groups.map { ($0.x - centre, $0.correct, $0.trials) }

    var beta = (log(totalCorrect / (totalTrials - totalCorrect)), 0.0)
    var logLikelihood = logisticLogLikelihood(groups, beta)
    var iterations = 0
    var converged = false
    while iterations < logisticIterationLimit {
      iterations += 1
      let (gradient, information) = logisticScore(groups, beta)
      guard let step = solve(information, gradient) else { break }
      var scale = 1.0
      var candidate = (beta.0 + step.0, beta.1 + step.1)
      var candidateLikelihood = logisticLogLikelihood(groups, candidate)
      // The log-likelihood is concave, so a Newton step can only overshoot: halve it until
      // the likelihood does not fall (allowing for rounding at the maximum).
      let slack = 1e-12 * (1 + abs(logLikelihood))
      while !(candidateLikelihood >= logLikelihood - slack) && scale > 1e-10 {
        scale /= 2
        candidate = (beta.0 + scale * step.0, beta.1 + scale * step.1)
        candidateLikelihood = logisticLogLikelihood(groups, candidate)
      }
      beta = candidate
      logLikelihood = candidateLikelihood
      if abs(scale * step.0) <= 1e-12 * (1 + abs(beta.0))
        && abs(scale * step.1) <= 1e-12 * (1 + abs(beta.1))
      {
        converged = true
        break
      }
    }
    let (_, information) = logisticScore(groups, beta)
    guard let covariance = invert(information) else {
      return .none("singular information matrix")
    }
    // Back to x: β₀ = β₀' − x̄β₁, so Var β₀ = Var β₀' − 2x̄·Cov(β₀', β₁) + x̄²·Var β₁.
    let intercept = beta.0 - centre * beta.1
    let slope = beta.1
    let interceptSE =
      (covariance.0 - 2 * centre * covariance.1 + centre * centre * covariance.2).squareRoot()
    let slopeSE = covariance.2.squareRoot()
    let z = normalQuantile(0.975)
    return LogisticFit(
      intercept: intercept, slope: slope, interceptSE: interceptSE, slopeSE: slopeSE,
      interceptCI: [intercept - z * interceptSE, intercept + z * interceptSE],
      slopeCI: [slope - z * slopeSE, slope + z * slopeSE], iterations: iterations,
      converged: converged,
      note: converged ? nil : "did not converge in \(iterations) Newton steps")
  }

  /// The groups with equal x as one (in order of first appearance). The likelihood, its
  /// gradient and its curvature are sums over groups of terms linear in the counts at each x,
  /// so merging changes none of them; and a report's 100,000 keys (one per question) often
  /// have only a few hundred frequencies, each Newton step then summing a few hundred terms.
  static func mergingEqualX(
    _ groups: [(x: Double, correct: Double, trials: Double)]
  ) -> [(x: Double, correct: Double, trials: Double)] {
    var merged: [(x: Double, correct: Double, trials: Double)] = []
    var index: [Double: Int] = [:]
    for group in groups {
      if let i = index[group.x] {
        merged[i].correct += group.correct
        merged[i].trials += group.trials
      } else {
        index[group.x] = merged.count
        merged.append(group)
      }
    }
    return merged
  }

  /// Why the maximum likelihood estimate does not exist, or nil when it does.
  private static func logisticNote(_ groups: [(x: Double, correct: Double, trials: Double)])
    -> String?
  {
    if groups.isEmpty { return "no answers" }
    if groups.allSatisfy({ $0.correct == $0.trials }) { return "all answers correct" }
    if groups.allSatisfy({ $0.correct == 0 }) { return "all answers wrong" }
    guard let firstX = groups.first?.x, groups.contains(where: { $0.x != firstX }) else {
      return "fewer than 2 distinct frequencies"
    }
    // With an intercept and one predictor the estimate exists iff the x of the correct
    // answers and the x of the wrong ones overlap on both sides.
    let right = groups.filter { $0.correct > 0 }.map(\.x)
    let wrong = groups.filter { $0.correct < $0.trials }.map(\.x)
    guard let minRight = right.min(), let maxRight = right.max(), let minWrong = wrong.min(),
      let maxWrong = wrong.max(), minRight < maxWrong, minWrong < maxRight
    else { return "perfect separation" }
    return nil
  }

  /// Σ cᵢ·ηᵢ − mᵢ·log(1 + e^ηᵢ), with ηᵢ = β₀ + β₁xᵢ.
  private static func logisticLogLikelihood(
    _ groups: [(x: Double, correct: Double, trials: Double)], _ beta: (Double, Double)
  ) -> Double {
    var sum = CompensatedSum()
    for group in groups {
      let eta = beta.0 + beta.1 * group.x
      // log(1 + e^η) without overflow.
      let softplus = max(eta, 0) + log1p(exp(-abs(eta)))
      sum.add(group.correct * eta - group.trials * softplus)
    }
    return sum.total
  }

  /// The gradient of the log-likelihood and the Fisher information (h₀₀, h₀₁, h₁₁) at β.
  private static func logisticScore(
    _ groups: [(x: Double, correct: Double, trials: Double)], _ beta: (Double, Double)
  ) -> (gradient: (Double, Double), information: (Double, Double, Double)) {
    var g0 = CompensatedSum()
    var g1 = CompensatedSum()
    var h00 = CompensatedSum()
    var h01 = CompensatedSum()
    var h11 = CompensatedSum()
    for group in groups {
      let eta = beta.0 + beta.1 * group.x
      // μ and 1 − μ each computed directly, so neither loses precision near 0.
      let mu = eta >= 0 ? 1 / (1 + exp(-eta)) : exp(eta) / (1 + exp(eta))
      let oneMinusMu = eta >= 0 ? exp(-eta) / (1 + exp(-eta)) : 1 / (1 + exp(eta))
      let residual = group.correct - group.trials * mu
      let weight = group.trials * mu * oneMinusMu
      g0.add(residual)
      g1.add(residual * group.x)
      h00.add(weight)
      h01.add(weight * group.x)
      h11.add(weight * group.x * group.x)
    }
    return ((g0.total, g1.total), (h00.total, h01.total, h11.total))
  }

  /// The solution of [[h₀₀, h₀₁], [h₀₁, h₁₁]]·s = g, or nil when the matrix is singular.
  private static func solve(_ h: (Double, Double, Double), _ g: (Double, Double))
    -> (Double, Double)?
  {
    guard let inverse = invert(h) else { return nil }
    return (inverse.0 * g.0 + inverse.1 * g.1, inverse.1 * g.0 + inverse.2 * g.1)
  }

  /// The inverse (i₀₀, i₀₁, i₁₁) of a symmetric 2×2 matrix, or nil when it is not positive
  /// definite.
  private static func invert(_ h: (Double, Double, Double)) -> (Double, Double, Double)? {
    let determinant = h.0 * h.2 - h.1 * h.1
    guard determinant > 0, determinant.isFinite, h.0 > 0 else { return nil }
    return (h.2 / determinant, -h.1 / determinant, h.0 / determinant)
  }
}
