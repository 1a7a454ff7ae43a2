/// How keys are grouped by frequency.
public enum BinningMode: Sendable, Equatable, Codable {
  /// Razeghi et al.: `n` bins between the quantiles of the keys' frequencies.
  ///
  /// Exactly their code: `edges = numpy.quantile(freqs, numpy.linspace(0, 1, n + 1))`
  /// (linear), `edges[-1] += 1` so the largest count falls in bin n, `numpy.digitize`
  /// (right = False); a bin's value is the unweighted mean of its keys' accuracies. Edges
  /// repeat when many keys share a count, and the bins between equal edges are empty: with
  /// more than a tenth of the keys at the smallest count, bin 1 is [min, min), empty, and
  /// Δ is undefined (NaN in their code).
  case quantiles(Int)
  /// Kandpal et al.: decades [10^k, 10^(k+1)) of the frequency, decided with integer
  /// arithmetic; a bin's value is correct/instances over all its answered instances, and a
  /// bin with fewer than `minimumSize` instances is not kept. Keys with frequency 0 are not
  /// binned (they are counted in ``Binned/zeroFrequencyKeys``).
  case decades(minimumSize: Int)
}

/// One frequency bin and its statistics.
public struct Bin: Sendable, Equatable, Codable {
  /// 1-based: numpy.digitize's bin number (quantiles); decades: 1 is the lowest decade present.
  public var index: Int
  /// The lower edge: the bin holds frequencies in [lower, upper).
  public var lower: Double
  /// The upper edge (excluded).
  public var upper: Double
  /// The keys in the bin.
  public var keys: Int
  /// Their answered instances.
  public var instances: Int
  /// Of which correct.
  public var correct: Int
  /// The paper's bin value: the unweighted mean of the key accuracies (quantiles) or
  /// correct/instances (decades); nil when the bin is empty.
  public var accuracy: Double?
  /// The unweighted mean of the key accuracies (both modes); nil when the bin is empty.
  public var keyMean: Double?
  /// The standard error of the key accuracies, as `scipy.stats.sem` (ddof = 1); nil for
  /// fewer than 2 keys.
  public var sem: Double?
  /// Razeghi et al.'s ± band, `sem · t.ppf(0.975, keys − 1)`; nil for fewer than 2 keys.
  public var band: Double?
  /// The lower end of the 95% Wilson score interval of correct/instances; nil when empty.
  public var wilsonLower: Double?
  /// The upper end of the 95% Wilson score interval; nil when empty.
  public var wilsonUpper: Double?
  /// Where to draw the bin on a log-x axis: the geometric mid-point √(lower · upper).
  ///
  /// A bin starting at 0 (quantile bins over zero counts) has no geometric mid-point; its
  /// counts are integers, so its positive ones lie in [1, upper): it is drawn at √upper, the
  /// mid-point of that, or at 0 when upper ≤ 1 and the bin can hold only zeros, which a log
  /// axis cannot show.
  public var midpoint: Double
  /// Whether the bin counts: decades, a non-empty bin with at least `minimumSize` instances;
  /// quantiles, always.
  public var kept: Bool

  /// A bin with every field given.
  public init(
    index: Int, lower: Double, upper: Double, keys: Int, instances: Int, correct: Int,
    accuracy: Double?, keyMean: Double?, sem: Double?, band: Double?, wilsonLower: Double?,
    wilsonUpper: Double?, midpoint: Double, kept: Bool
  ) {
    self.index = index
    self.lower = lower
    self.upper = upper
    self.keys = keys
    self.instances = instances
    self.correct = correct
    self.accuracy = accuracy
    self.keyMean = keyMean
    self.sem = sem
    self.band = band
    self.wilsonLower = wilsonLower
    self.wilsonUpper = wilsonUpper
    self.midpoint = midpoint
    self.kept = kept
  }
}

/// Keys binned by frequency, and the accuracy gap across the bins.
public struct Binned: Sendable, Equatable, Codable {
  /// The binning used.
  public var mode: BinningMode
  /// The bins in order of frequency: quantiles, all n (empty ones too); decades, every decade
  /// from the lowest present to the highest present (empty ones between them too).
  public var bins: [Bin]
  /// Quantiles: the n + 1 edges after the last was raised by 1; decades: the n + 1 powers of
  /// ten bounding the bins. Empty for no keys.
  public var edges: [Double]
  /// The last kept bin's accuracy less the first kept bin's (Razeghi's Δ: bin n − bin 1);
  /// nil when either is empty (numpy gives NaN), or with decades when fewer than two bins are
  /// kept.
  public var delta: Double?
  /// Keys with frequency 0 that decades skipped (always 0 for quantiles, which bin them).
  public var zeroFrequencyKeys: Int

  /// A binning with every field given.
  public init(
    mode: BinningMode, bins: [Bin], edges: [Double], delta: Double?, zeroFrequencyKeys: Int
  ) {
    self.mode = mode
    self.bins = bins
    self.edges = edges
    self.delta = delta
    self.zeroFrequencyKeys = zeroFrequencyKeys
  }
}

extension Statistics {
  /// Bins `keys` by frequency the way `mode` says, with each bin's statistics and Δ.
  ///
  /// Frequencies are compared as doubles, as numpy compares an int64 array with float edges:
  /// exact up to 2^53. No keys give no bins and no edges (numpy's quantile raises).
  ///
  /// - Precondition: a `.quantiles` count of at least 1.
  /// - Complexity: O(n log n) for the sort by frequency.
  public static func bin(_ keys: [KeyPoint], mode: BinningMode) -> Binned {
    if case .quantiles(let count) = mode {
      precondition(count >= 1, "quantile binning needs at least 1 bin, not \(count)")
    }
    let sorted = SortedKeys(keys)
    let tallies = sorted.tally(mode: mode, multiplicity: nil)
    var bins: [Bin] = []
    for (offset, tally) in tallies.bins.enumerated() {
      let lower = tallies.edges[offset]
      let upper = tallies.edges[offset + 1]
      let accuracies = Array(sorted.accuracies[tally.positions])
      let keyMean = mean(accuracies)
      let standardError = sem(accuracies)
      let band = standardError.map {
        $0 * studentTQuantile(0.975, degreesOfFreedom: Double(tally.keys - 1))
      }
      let interval = wilson(correct: tally.correct, trials: tally.instances)
      let accuracy: Double?
      let kept: Bool
      switch mode {
      case .quantiles:
        accuracy = keyMean
        kept = true
      case .decades(let minimumSize):
        accuracy = tally.instances > 0 ? Double(tally.correct) / Double(tally.instances) : nil
        kept = tally.instances > 0 && tally.instances >= minimumSize
      }
      bins.append(
        Bin(
          index: offset + 1, lower: lower, upper: upper, keys: tally.keys,
          instances: tally.instances, correct: tally.correct, accuracy: accuracy,
          keyMean: keyMean, sem: standardError, band: band, wilsonLower: interval?.lower,
          wilsonUpper: interval?.upper, midpoint: midpoint(lower: lower, upper: upper),
          kept: kept))
    }
    // Decades: Δ needs two kept bins; with one there is no gap to measure, and Δ is undefined
    // (not 0, which a bootstrap would count as a replicate). Quantiles: bin n − bin 1 as in
    // Razeghi et al.'s code (0 with one quantile bin).
    let keptBins = bins.filter(\.kept)
    var delta: Double? = nil
    let enough: Bool = if case .decades = mode { keptBins.count >= 2 } else { true }
    if enough, let last = keptBins.last?.accuracy, let first = keptBins.first?.accuracy {
      delta = last - first
    }
    return Binned(
      mode: mode, bins: bins, edges: tallies.edges, delta: delta,
      zeroFrequencyKeys: tallies.zeroFrequencyKeys)
  }

  /// The point a bin is drawn at on a log-x axis (see ``Bin/midpoint``).
  static func midpoint(lower: Double, upper: Double) -> Double {
    if lower > 0 { return (lower * upper).squareRoot() }
    return upper > 1 ? upper.squareRoot() : 0
  }

  /// The decade k of a positive count, 10^k ≤ frequency < 10^(k+1), by integer comparison
  /// (0...19 for UInt64).
  static func decade(of frequency: UInt64) -> Int {
    var k = 0
    var bound: UInt64 = 10
    while frequency >= bound {
      k += 1
      let (next, overflow) = bound.multipliedReportingOverflow(by: 10)
      if overflow { break }
      bound = next
    }
    return k
  }

  /// 10^k as a double, k in 0...20 (exact: every power of ten up to 10^22 is a double).
  static func powerOfTen(_ k: Int) -> Double {
    var value = 1.0
    for _ in 0..<k { value *= 10 }
    return value
  }
}

/// Keys in ascending order of frequency (ties in the caller's order), with what binning needs
/// worked out once; shared by `Statistics.bin` and the bootstrap, which weighs each key by
/// how often a resample drew it.
struct SortedKeys {
  /// The frequencies, ascending.
  let frequencies: [UInt64]
  /// The instances of the key at each sorted position.
  let instances: [Int]
  /// The correct answers of the key at each sorted position.
  let correct: [Int]
  /// The accuracy of the key at each sorted position.
  let accuracies: [Double]
  /// The decade of each frequency (see `Statistics.decade(of:)`); -1 for 0.
  let decades: [Int]
  /// The sorted position of each key, by the caller's index.
  let positionOfKey: [Int]

  /// The tallies of one binning: per-bin sums before the bins' statistics.
  struct Tallies {
    /// The bin edges (see ``Binned/edges``).
    var edges: [Double]
    /// One tally per bin.
    var bins: [Tally]
    /// Keys with frequency 0 skipped by decades, counted with their multiplicity.
    var zeroFrequencyKeys: Int
  }

  /// The sums over one bin's keys.
  struct Tally {
    /// Keys (with multiplicity).
    var keys = 0
    /// Instances (with multiplicity).
    var instances = 0
    /// Correct answers (with multiplicity).
    var correct = 0
    /// The sum of key accuracies (with multiplicity).
    var accuracySum = 0.0
    /// The sorted positions of the bin's keys (a bin is a run of sorted positions).
    var positions: Range<Int> = 0..<0

    /// Adds the key at sorted `position`, `times` times.
    mutating func add(position: Int, times: Int, of keys: SortedKeys) {
      if self.keys == 0 { positions = position..<(position + 1) }
      positions = positions.lowerBound..<(position + 1)
      self.keys += times
      instances += times * keys.instances[position]
      correct += times * keys.correct[position]
      accuracySum += Double(times) * keys.accuracies[position]
    }
  }

  init(_ keys: [KeyPoint]) {
    let order = keys.indices.sorted {
      (keys[$0].frequency, $0) < (keys[$1].frequency, $1)
    }
    frequencies = order.map { keys[$0].frequency }
    instances = order.map { keys[$0].instances }
    correct = order.map { keys[$0].correct }
    accuracies = order.map { keys[$0].accuracy }
    decades = frequencies.map { $0 == 0 ? -1 : Statistics.decade(of: $0) }
    var positionOfKey = [Int](repeating: 0, count: keys.count)
    for (position, key) in order.enumerated() { positionOfKey[key] = position }
    self.positionOfKey = positionOfKey
  }

  /// How many keys there are.
  var count: Int { frequencies.count }

  /// Tallies the bins of `mode` over the keys, each taken `multiplicity[position]` times
  /// (nil: once each; a resample's draw counts otherwise).
  func tally(mode: BinningMode, multiplicity: [Int]?) -> Tallies {
    switch mode {
    case .quantiles(let count):
      return tallyQuantiles(count: count, multiplicity: multiplicity)
    case .decades:
      return tallyDecades(multiplicity: multiplicity)
    }
  }

  private func tallyQuantiles(count: Int, multiplicity: [Int]?) -> Tallies {
    let total = multiplicity?.reduce(0, +) ?? self.count
    guard total > 0 else { return Tallies(edges: [], bins: [], zeroFrequencyKeys: 0) }
    var edges = quantileEdges(count: count, total: total, multiplicity: multiplicity)
    edges[count] += 1
    var bins = [Tally](repeating: Tally(), count: count)
    // Both run in ascending order, so digitize is a moving pointer: edge counts edges ≤ f.
    var edge = 0
    for position in 0..<self.count {
      let times = multiplicity?[position] ?? 1
      if times == 0 { continue }
      let frequency = Double(frequencies[position])
      while edge < edges.count && edges[edge] <= frequency { edge += 1 }
      // numpy.digitize gives 0 below the first edge and n + 1 at or past the last: neither
      // is a bin (only counts beyond 2^53, where f + 1 == f as a double, get there).
      if edge >= 1 && edge <= count {
        bins[edge - 1].add(position: position, times: times, of: self)
      }
    }
    return Tallies(edges: edges, bins: bins, zeroFrequencyKeys: 0)
  }

  /// `numpy.quantile(freqs, numpy.linspace(0, 1, count + 1))` over the multiset in which
  /// sorted position i appears `multiplicity[i]` times (`total` values in all).
  private func quantileEdges(count: Int, total: Int, multiplicity: [Int]?) -> [Double] {
    // numpy.linspace(0, 1, n + 1) is i · (1/n), with the last set to exactly 1.
    let step = 1.0 / Double(count)
    let last = Double(total - 1)
    var lowerRanks: [Int] = []
    var fractions: [Double] = []
    for i in 0...count {
      let q = i == count ? 1.0 : Double(i) * step
      let position = last * q
      if position >= last {
        lowerRanks.append(total - 1)
        fractions.append(0)
      } else {
        let below = position.rounded(.down)
        lowerRanks.append(Int(below))
        fractions.append(position - below)
      }
    }
    let lowerValues = frequencies(atRanks: lowerRanks, multiplicity: multiplicity)
    let upperValues = frequencies(
      atRanks: lowerRanks.map { min($0 + 1, total - 1) }, multiplicity: multiplicity)
    return (0...count).map { i in
      let a = lowerValues[i]
      let b = upperValues[i]
      // numpy subtracts the int64 values as integers, then interpolates in float.
      return Statistics.interpolate(
        Double(a), Double(b), difference: Double(b - a), fraction: fractions[i])
    }
  }

  /// The values at non-decreasing `ranks` (0-based) of the sorted multiset.
  private func frequencies(atRanks ranks: [Int], multiplicity: [Int]?) -> [UInt64] {
    guard let multiplicity else { return ranks.map { frequencies[$0] } }
    var result: [UInt64] = []
    result.reserveCapacity(ranks.count)
    var position = 0
    var covered = multiplicity[0]  // ranks below this are at positions ≤ position
    for rank in ranks {
      while rank >= covered {
        position += 1
        covered += multiplicity[position]
      }
      result.append(frequencies[position])
    }
    return result
  }

  private func tallyDecades(multiplicity: [Int]?) -> Tallies {
    var zeros = 0
    var lowest: Int? = nil
    var highest = 0
    for position in 0..<count where (multiplicity?[position] ?? 1) > 0 {
      if decades[position] < 0 {
        zeros += multiplicity?[position] ?? 1
      } else {
        if lowest == nil { lowest = decades[position] }
        highest = decades[position]
      }
    }
    guard let lowest else { return Tallies(edges: [], bins: [], zeroFrequencyKeys: zeros) }
    var bins = [Tally](repeating: Tally(), count: highest - lowest + 1)
    for position in 0..<count where decades[position] >= 0 {
      let times = multiplicity?[position] ?? 1
      if times == 0 { continue }
      bins[decades[position] - lowest].add(position: position, times: times, of: self)
    }
    let edges = (lowest...(highest + 1)).map(Statistics.powerOfTen)
    return Tallies(edges: edges, bins: bins, zeroFrequencyKeys: zeros)
  }
}

extension BinningMode {
  private enum CodingKeys: String, CodingKey {
    case kind, count, minimumSize
  }

  /// `{"kind": "quantiles", "count": 10}` or `{"kind": "decades", "minimumSize": 500}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .quantiles(let count):
      try container.encode("quantiles", forKey: .kind)
      try container.encode(count, forKey: .count)
    case .decades(let minimumSize):
      try container.encode("decades", forKey: .kind)
      try container.encode(minimumSize, forKey: .minimumSize)
    }
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    switch try container.decode(String.self, forKey: .kind) {
    case "quantiles": self = .quantiles(try container.decode(Int.self, forKey: .count))
    case "decades":
      self = .decades(minimumSize: try container.decode(Int.self, forKey: .minimumSize))
    case let other:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container, debugDescription: "unknown binning '\(other)'")
    }
  }
}
