/// The papers' statistics (DESIGN §6) and the ones beyond them: pure functions over plain values.
///
/// - Binning: ``bin(_:mode:)``, Razeghi et al.'s quantile bins and Δ, Kandpal et al.'s
///   decades, with per-bin standard errors, t bands and Wilson intervals.
/// - Beyond the papers: ``pearson(_:_:)`` and ``spearman(_:_:)`` with intervals,
///   ``logistic(x:correct:trials:)``, ``wilson(correct:trials:confidence:)`` and the seeded
///   bootstrap of Δ, ``bootstrapDelta(_:mode:replicates:seed:)``.
/// - Beneath them: the normal and Student t distributions, and numpy's `quantile`,
///   `percentile` and `digitize`.
///
/// Each function matches the numpy, scipy or statsmodels function its documentation names.
/// `Scripts/stats-reference` runs those on the cases in `Fixtures/statistics/`, and the tests
/// compare every number (relative 1e-9 or better; see `StatisticsReferenceTests`).
public enum Statistics {}
