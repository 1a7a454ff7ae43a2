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
  /// A resample is drawn as counts per kind of key (see `BootstrapResampler`): keys that
  /// every binning with `mode` treats alike are interchangeable, so only how many of the n
  /// draws fall on each kind matters, and those counts are one multinomial variate, drawn as
  /// a binomial per kind (per kind of 20 keys or more; the few draws that fall on smaller
  /// kinds are drawn one by one). The kinds are sorted by frequency once, and each
  /// replicate's quantiles, bins and Δ come from one pass over the counts: a replicate costs
  /// O(kinds), not n draws.
  ///
  /// Deterministic for a seed on every platform: one ``Xoshiro256StarStar`` seeded with
  /// `seed` draws replicate after replicate, with its `nextBinomial(trials:probability:)`
  /// and ``Xoshiro256StarStar/next(below:)`` only, which use integer arithmetic and double
  /// arithmetic whose rounding IEEE 754 fixes (no libm).
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
    let kinds = BootstrapResampler(keys, mode: mode)
    let sorted = SortedKeys(kinds.kinds)
    // Kinds numbered by sorted position, so the draws land where the tallies read them.
    let resampler = kinds.relabeled(sorted.positionOfKey)
    var generator = Xoshiro256StarStar(seed: seed)
    var multiplicity = [Int](repeating: 0, count: sorted.count)
    var deltas: [Double?] = []
    deltas.reserveCapacity(replicates)
    for _ in 0..<replicates {
      resampler.draw(into: &multiplicity, using: &generator)
      deltas.append(sorted.delta(mode: mode, multiplicity: multiplicity))
    }
    return deltas
  }

  /// The replicates as `bootstrapDeltas` drew them before it drew counts per kind: each of
  /// the n draws of a resample an index into `keys` with ``Xoshiro256StarStar/next(below:)``,
  /// tallied per (frequency, instances, correct). The same distribution at O(n) a replicate,
  /// kept as the reference the tests compare the multinomial draw with.
  package static func bootstrapDeltasDrawingEachKey(
    _ keys: [KeyPoint], mode: BinningMode, replicates: Int, seed: UInt64
  ) -> [Double?] {
    if case .quantiles(let count) = mode {
      precondition(count >= 1, "quantile binning needs at least 1 bin, not \(count)")
    }
    guard !keys.isEmpty, replicates > 0 else { return [] }
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

/// The keys of a bootstrap grouped into kinds, and the draw of a resample (n draws with
/// replacement from the n keys) as how many draws fell on each kind.
///
/// Keys of one kind are interchangeable in every binning with the mode: quantiles, keys with
/// equal frequency, instances and correct answers; decades, keys with equal instances and
/// correct answers whose frequencies are in the same decade (or both 0), since a decade bin
/// sees nothing else of a key. (A QA log's 100,000 questions are a few dozen kinds by
/// decade.)
///
/// The counts per kind are Multinomial(n; size_k/n), drawn by sequential conditional
/// binomials: kind k's count is Binomial(draws left, size_k/keys left), the keys left being
/// those not of a kind drawn before (`Xoshiro256StarStar.nextBinomial`, with the
/// probability one correctly rounded division of integers). A binomial costs about as much as
/// `binomialThreshold` single draws, so only the kinds with at least that many keys get one,
/// in the order the kinds first appear among the keys; the draws left after them fall
/// uniformly on the keys of the smaller kinds, and are drawn one by one with
/// ``Xoshiro256StarStar/next(below:)`` over those keys in the caller's order. Both steps
/// together are exactly the multinomial. A resample costs a binomial per large kind and, on
/// average, as many single draws as the small kinds have keys: O(kinds) whatever n, none
/// when every kind is large, and n, the draws of the old per-key method
/// (`Statistics.bootstrapDeltasDrawingEachKey`), when none is.
package struct BootstrapResampler: Sendable {
  /// One key of each kind, in the order the kinds first appear among the keys.
  package let kinds: [KeyPoint]
  /// How many keys are of each kind.
  package let sizes: [Int]
  /// The kinds drawn by a binomial, in order.
  private let largeKinds: [Int]
  /// The kind of each key of the other kinds, in the keys' order.
  private let pooledKinds: [Int]
  /// The number of keys, and of draws in a resample.
  package let keyCount: Int

  /// Kinds with at least this many keys get a binomial: in release builds a binomial costs
  /// 40–65 ns, about as much as this many draws with ``Xoshiro256StarStar/next(below:)``
  /// and their tallies (2.7 ns each), which a kind of this size gets on average.
  package static let binomialThreshold = 20

  /// The kinds of `keys` for `mode`.
  package init(_ keys: [KeyPoint], mode: BinningMode) {
    struct Kind: Hashable {
      /// The frequency (quantiles), or 0 for frequency 0 and the decade plus 1 (decades).
      var frequencyClass: UInt64
      var instances: Int
      var correct: Int
    }
    var kindIndex: [Kind: Int] = [:]
    var kinds: [KeyPoint] = []
    var sizes: [Int] = []
    var kindOfKey: [Int] = []
    kindOfKey.reserveCapacity(keys.count)
    for key in keys {
      var frequencyClass = key.frequency
      if case .decades = mode, key.frequency > 0 {
        frequencyClass = UInt64(Statistics.decade(of: key.frequency) + 1)
      }
      let kind = Kind(
        frequencyClass: frequencyClass, instances: key.instances, correct: key.correct)
      if let index = kindIndex[kind] {
        kindOfKey.append(index)
        sizes[index] += 1
      } else {
        kindIndex[kind] = kinds.count
        kindOfKey.append(kinds.count)
        kinds.append(key)
        sizes.append(1)
      }
    }
    self.init(
      kinds: kinds, sizes: sizes,
      largeKinds: sizes.indices.filter { sizes[$0] >= Self.binomialThreshold },
      pooledKinds: kindOfKey.filter { sizes[$0] < Self.binomialThreshold },
      keyCount: keys.count)
  }

  private init(
    kinds: [KeyPoint], sizes: [Int], largeKinds: [Int], pooledKinds: [Int], keyCount: Int
  ) {
    self.kinds = kinds
    self.sizes = sizes
    self.largeKinds = largeKinds
    self.pooledKinds = pooledKinds
    self.keyCount = keyCount
  }

  /// The same resampler with kind k renumbered `number[k]`: `kinds`, `sizes` and the counts
  /// in that order, drawn exactly as before (the same draws, in the same order).
  ///
  /// - Precondition: `number` is a permutation of the kinds' indices.
  package func relabeled(_ number: [Int]) -> BootstrapResampler {
    precondition(number.count == kinds.count, "\(number.count) numbers for \(kinds.count) kinds")
    var kinds = kinds
    var sizes = sizes
    for (kind, newNumber) in number.enumerated() {
      kinds[newNumber] = self.kinds[kind]
      sizes[newNumber] = self.sizes[kind]
    }
    return BootstrapResampler(
      kinds: kinds, sizes: sizes, largeKinds: largeKinds.map { number[$0] },
      pooledKinds: pooledKinds.map { number[$0] }, keyCount: keyCount)
  }

  /// Draws one resample: `counts[k]` becomes how many of the n draws fell on kind k.
  ///
  /// - Precondition: `counts` has one element per kind.
  package func draw(into counts: inout [Int], using generator: inout Xoshiro256StarStar) {
    precondition(counts.count == kinds.count, "\(counts.count) counts for \(kinds.count) kinds")
    for kind in counts.indices { counts[kind] = 0 }
    var draws = keyCount
    var keysLeft = keyCount
    for kind in largeKinds {
      if draws == 0 { return }
      // The last kind, when every kind is large, gets probability 1 and every draw left.
      let count = generator.nextBinomial(
        trials: draws, probability: Double(sizes[kind]) / Double(keysLeft))
      counts[kind] = count
      draws -= count
      keysLeft -= sizes[kind]
    }
    // keysLeft is now the pooled keys', and each draw left is uniform over them.
    let pooled = UInt64(pooledKinds.count)
    for _ in 0..<draws {
      counts[pooledKinds[Int(generator.next(below: pooled))]] += 1
    }
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
      guard kept.count >= 2, let first = kept.first, let last = kept.last else { return nil }
      return Double(last.correct) / Double(last.instances)
        - Double(first.correct) / Double(first.instances)
    }
  }
}
