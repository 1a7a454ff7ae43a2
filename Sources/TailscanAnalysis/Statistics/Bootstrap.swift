/// A bootstrap interval for Δ.
public struct BootstrapResult: Sendable, Equatable, Codable {
  /// The 2.5th and 97.5th percentiles (numpy's linear method) of the replicate Δs that are
  /// defined; nil when none is.
  public var interval: Interval?
  /// The replicates asked for.
  public var replicates: Int
  /// The replicates whose Δ was defined (a resample can leave bin 1 or bin n empty).
  public var defined: Int
  /// The seed of the generator.
  public var seed: UInt64

  /// A result with every field given.
  public init(interval: Interval?, replicates: Int, defined: Int, seed: UInt64) {
    self.interval = interval
    self.replicates = replicates
    self.defined = defined
    self.seed = seed
  }
}

extension Statistics {
  /// A percentile bootstrap interval for Δ (see ``Binned/delta``): the keys are resampled
  /// with replacement (n draws from n keys), binned again with `mode` (quantile edges
  /// recomputed on each resample), and Δ taken.
  ///
  /// Deterministic for a seed on every platform: one ``Xoshiro256StarStar`` seeded with
  /// `seed` draws, replicate after replicate, the n indices (into `keys`, in the caller's
  /// order) of each resample with ``Xoshiro256StarStar/next(below:)``.
  ///
  /// A resample is kept as counts per kind of key (frequency, instances, correct) rather than
  /// sorted afresh: the kinds are sorted by frequency once, and each replicate's quantiles,
  /// bins and Δ come from one pass over the counts, so a replicate costs n draws and O(kinds).
  ///
  /// - Returns: no interval when `keys` is empty, `replicates` is not positive, or no
  ///   replicate's Δ is defined.
  public static func bootstrapDelta(
    _ keys: [KeyPoint], mode: BinningMode, replicates: Int, seed: UInt64
  ) -> BootstrapResult {
    let deltas = bootstrapDeltas(keys, mode: mode, replicates: replicates, seed: seed)
      .compactMap { $0 }
    var interval: Interval? = nil
    if let lower = percentile(deltas, 2.5), let upper = percentile(deltas, 97.5) {
      interval = Interval(lower: lower, upper: upper)
    }
    return BootstrapResult(
      interval: interval, replicates: replicates, defined: deltas.count, seed: seed)
  }

  /// Each bootstrap replicate's Δ, nil where it is undefined (see `bootstrapDelta`).
  package static func bootstrapDeltas(
    _ keys: [KeyPoint], mode: BinningMode, replicates: Int, seed: UInt64
  ) -> [Double?] {
    if case .quantiles(let count) = mode {
      precondition(count >= 1, "quantile binning needs at least 1 bin, not \(count)")
    }
    guard !keys.isEmpty, replicates > 0 else { return [] }
    // Keys with the same frequency, instances and correct answers are interchangeable in
    // every binning, so a resample is tallied per such kind of key: a replicate costs n draws
    // and a pass over the kinds (a QA log's 100,000 questions are a few dozen kinds).
    struct Kind: Hashable {
      var frequency: UInt64
      var instances: Int
      var correct: Int
    }
    var kindIndex: [Kind: Int] = [:]
    var kinds: [KeyPoint] = []
    var kindOfKey: [Int] = []
    kindOfKey.reserveCapacity(keys.count)
    for key in keys {
      let kind = Kind(frequency: key.frequency, instances: key.instances, correct: key.correct)
      if let index = kindIndex[kind] {
        kindOfKey.append(index)
      } else {
        kindIndex[kind] = kinds.count
        kindOfKey.append(kinds.count)
        kinds.append(key)
      }
    }
    let sorted = SortedKeys(kinds)
    let positionOfKey = kindOfKey.map { sorted.positionOfKey[$0] }
    var generator = Xoshiro256StarStar(seed: seed)
    var multiplicity = [Int](repeating: 0, count: kinds.count)
    var deltas: [Double?] = []
    deltas.reserveCapacity(replicates)
    for _ in 0..<replicates {
      for position in multiplicity.indices { multiplicity[position] = 0 }
      for _ in 0..<keys.count {
        let key = Int(generator.next(below: UInt64(keys.count)))
        multiplicity[positionOfKey[key]] += 1
      }
      deltas.append(sorted.delta(mode: mode, multiplicity: multiplicity))
    }
    return deltas
  }
}

extension SortedKeys {
  /// Δ of the keys taken `multiplicity[position]` times each: what `Statistics.bin` gives for
  /// that resample, from the tallies alone.
  func delta(mode: BinningMode, multiplicity: [Int]) -> Double? {
    let bins = tally(mode: mode, multiplicity: multiplicity).bins
    switch mode {
    case .quantiles:
      guard let first = bins.first, let last = bins.last, first.keys > 0, last.keys > 0
      else { return nil }
      return last.accuracySum / Double(last.keys) - first.accuracySum / Double(first.keys)
    case .decades(let minimumSize):
      let kept = bins.filter { $0.instances > 0 && $0.instances >= minimumSize }
      guard let first = kept.first, let last = kept.last else { return nil }
      return Double(last.correct) / Double(last.instances)
        - Double(first.correct) / Double(first.instances)
    }
  }
}
