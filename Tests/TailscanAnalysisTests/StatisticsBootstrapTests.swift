import Foundation
import Testing
import TailscanAnalysis

/// The seeded bootstrap of Δ, its resampling by kinds, and its generator.
struct StatisticsBootstrapTests {
  /// Keys with log-uniform counts from 1 to 10⁸ and accuracy rising with log frequency.
  static func keys(count: Int, seed: UInt64) -> [KeyPoint] {
    var generator = Xoshiro256StarStar(seed: seed)
    func uniform() -> Double { Double(generator.next() >> 11) / Double(UInt64(1) << 53) }
    return (0..<count).map { _ in
      let logFrequency = 8 * uniform()
      let instances = 1 + Int(generator.next(below: 8))
      let p = 1 / (1 + exp(-(logFrequency - 4)))
      let correct = (0..<instances).filter { _ in uniform() < p }.count
      return KeyPoint(
        frequency: UInt64(pow(10, logFrequency)), instances: instances, correct: correct)
    }
  }

  /// Keys answered once each, log-uniform counts from 1 to 10⁸ (8 decades), correct with a
  /// probability rising with log frequency: a QA log's shape, 16 kinds by decade, each large.
  static func onceAnsweredKeys(count: Int, seed: UInt64) -> [KeyPoint] {
    var generator = Xoshiro256StarStar(seed: seed)
    func uniform() -> Double { Double(generator.next() >> 11) / Double(UInt64(1) << 53) }
    return (0..<count).map { _ in
      let logFrequency = 8 * uniform()
      let p = 1 / (1 + exp(-(logFrequency - 4)))
      return KeyPoint(
        frequency: UInt64(pow(10, logFrequency)), instances: 1, correct: uniform() < p ? 1 : 0)
    }
  }

  /// Keys whose counts take 12 values, answered 1 to 3 times: large kinds by frequency (drawn
  /// by binomials) and small ones (drawn one by one) in both binnings.
  static func tiedKeys(count: Int, seed: UInt64) -> [KeyPoint] {
    let values: [UInt64] = [1, 2, 3, 5, 8, 40, 100, 300, 1000, 10_000, 200_000, 1_000_000]
    var generator = Xoshiro256StarStar(seed: seed)
    func uniform() -> Double { Double(generator.next() >> 11) / Double(UInt64(1) << 53) }
    return (0..<count).map { _ in
      let frequency = values[Int(generator.next(below: UInt64(values.count)))]
      let instances = 1 + Int(generator.next(below: 3))
      let p = 1 / (1 + exp(-(log10(Double(frequency)) - 2.5)))
      let correct = (0..<instances).filter { _ in uniform() < p }.count
      return KeyPoint(frequency: frequency, instances: instances, correct: correct)
    }
  }

  /// Key sets and modes where the kinds are all small, all large, or mixed.
  static let keySets: [(name: String, keys: [KeyPoint], mode: BinningMode)] = [
    ("distinct counts", keys(count: 2000, seed: 5), .quantiles(10)),
    ("distinct counts", keys(count: 2000, seed: 5), .quantiles(3)),
    ("distinct counts", keys(count: 2000, seed: 5), .decades(minimumSize: 40)),
    ("answered once", onceAnsweredKeys(count: 2000, seed: 6), .decades(minimumSize: 40)),
    ("tied counts", tiedKeys(count: 2000, seed: 7), .quantiles(10)),
    ("tied counts", tiedKeys(count: 2000, seed: 7), .quantiles(4)),
    ("tied counts", tiedKeys(count: 2000, seed: 7), .decades(minimumSize: 40)),
  ]

  static let modes: [BinningMode] = [.quantiles(10), .quantiles(3), .decades(minimumSize: 40)]

  @Test(arguments: modes)
  func sameSeedSameResultOtherSeedOther(mode: BinningMode) {
    let keys = Self.keys(count: 500, seed: 11)
    let first = Statistics.bootstrapDelta(keys, mode: mode, replicates: 200, seed: 99)
    let again = Statistics.bootstrapDelta(keys, mode: mode, replicates: 200, seed: 99)
    let other = Statistics.bootstrapDelta(keys, mode: mode, replicates: 200, seed: 100)
    #expect(first == again)
    #expect(first.interval != other.interval)
    #expect(first.seed == 99 && first.replicates == 200 && first.defined == 200)
  }

  /// A clear frequency effect: the interval holds the point Δ and excludes 0.
  @Test(arguments: keySets.indices)
  func intervalHoldsThePointDelta(keySet: Int) throws {
    let (name, keys, mode) = Self.keySets[keySet]
    let delta = try #require(Statistics.bin(keys, mode: mode).delta)
    let result = Statistics.bootstrapDelta(keys, mode: mode, replicates: 400, seed: 2022)
    let interval = try #require(result.interval)
    #expect(
      interval.lower < delta && delta < interval.upper, "\(name), \(mode): \(interval), Δ \(delta)")
    #expect(interval.lower > 0, "\(name), \(mode)")
  }

  /// Keys with ties and zeros: repeated counts make repeated edges; zeros are skipped by
  /// decades; a third of the keys are in kinds large enough for a binomial.
  static func keysWithTiesAndZeros() -> [KeyPoint] {
    var keys = Self.keys(count: 300, seed: 3)
    for i in stride(from: 0, to: 300, by: 7) { keys[i].frequency = 1 }
    for i in stride(from: 3, to: 300, by: 31) { keys[i].frequency = 0 }
    for i in stride(from: 1, to: 300, by: 3) {
      keys[i] = KeyPoint(frequency: 5000, instances: 2, correct: i % 5 == 0 ? 1 : 2)
    }
    return keys
  }

  static let shortcutModes: [BinningMode] = modes + [.quantiles(1), .decades(minimumSize: 0)]

  /// The counting shortcut gives, replicate by replicate, what binning each resample afresh
  /// gives (`Statistics.bin` on the resample the documented draws make: each kind's key
  /// as many times as its count; for decades, the count spread over the kind's own keys,
  /// whose frequencies differ within the decade).
  @Test(arguments: shortcutModes)
  func shortcutMatchesBinningEachResample(mode: BinningMode) {
    let keys = Self.keysWithTiesAndZeros()
    let replicates = 60
    let deltas = Statistics.bootstrapDeltas(keys, mode: mode, replicates: replicates, seed: 8)
    let resampler = BootstrapResampler(keys, mode: mode)
    let members = Self.members(of: resampler, keys: keys, mode: mode)
    var generator = Xoshiro256StarStar(seed: 8)
    var counts = [Int](repeating: 0, count: resampler.kinds.count)
    for replicate in 0..<replicates {
      resampler.draw(into: &counts, using: &generator)
      var resample: [KeyPoint] = []
      for (kind, count) in counts.enumerated() {
        resample += (0..<count).map { members[kind][$0 % members[kind].count] }
      }
      let expected = Statistics.bin(resample, mode: mode).delta
      let actual = deltas[replicate]
      #expect((actual == nil) == (expected == nil), "replicate \(replicate)")
      if let actual, let expected {
        #expect(abs(actual - expected) < 1e-12, "replicate \(replicate)")
      }
    }
  }

  /// The keys of each kind, found independently of the resampler: equal instances and
  /// correct answers, and equal frequency (quantiles) or number of digits (decades; 0 apart).
  static func members(
    of resampler: BootstrapResampler, keys: [KeyPoint], mode: BinningMode
  ) -> [[KeyPoint]] {
    func frequencyClass(_ frequency: UInt64) -> UInt64 {
      guard case .decades = mode, frequency > 0 else { return frequency }
      return UInt64(String(frequency).count)
    }
    return resampler.kinds.map { kind in
      keys.filter {
        ($0.instances, $0.correct) == (kind.instances, kind.correct)
          && frequencyClass($0.frequency) == frequencyClass(kind.frequency)
      }
    }
  }

  // MARK: Resampling by kinds

  /// Kinds: decades pool a decade's frequencies (zeros apart), quantiles do not; sizes add up.
  @Test func kindsFollowTheMode() {
    let keys = [
      KeyPoint(frequency: 10, instances: 1, correct: 1),
      KeyPoint(frequency: 99, instances: 1, correct: 1),
      KeyPoint(frequency: 100, instances: 1, correct: 1),
      KeyPoint(frequency: 0, instances: 1, correct: 1),
      KeyPoint(frequency: 0, instances: 1, correct: 1),
      KeyPoint(frequency: 1, instances: 1, correct: 1),
      KeyPoint(frequency: 99, instances: 2, correct: 1),
      KeyPoint(frequency: 99, instances: 1, correct: 1),
    ]
    let decades = BootstrapResampler(keys, mode: .decades(minimumSize: 0))
    #expect(decades.kinds.map(\.frequency) == [10, 100, 0, 1, 99])
    #expect(decades.sizes == [3, 1, 2, 1, 1])
    let quantiles = BootstrapResampler(keys, mode: .quantiles(10))
    #expect(quantiles.kinds.map(\.frequency) == [10, 99, 100, 0, 1, 99])
    #expect(quantiles.sizes == [1, 2, 1, 2, 1, 1])
    #expect(decades.keyCount == 8 && quantiles.keyCount == 8)
  }

  /// Every resample has n draws, and each kind's count is Binomial(n, size/n): its mean
  /// and variance over 2000 resamples are within 5 standard errors.
  @Test(arguments: keySets.indices)
  func resampleCountsAreMultinomial(keySet: Int) {
    let (name, keys, mode) = Self.keySets[keySet]
    let kinds = BootstrapResampler(keys, mode: mode)
    // Renumbered (reversed), as bootstrapDeltas renumbers by frequency: the sizes follow.
    let resampler = kinds.relabeled(Array(kinds.kinds.indices.reversed()))
    #expect(resampler.sizes == kinds.sizes.reversed())
    let n = Double(keys.count)
    var generator = Xoshiro256StarStar(seed: 41)
    var counts = [Int](repeating: 0, count: resampler.kinds.count)
    let replicates = 2000
    var sums = [Double](repeating: 0, count: counts.count)
    var squares = [Double](repeating: 0, count: counts.count)
    for _ in 0..<replicates {
      resampler.draw(into: &counts, using: &generator)
      #expect(counts.reduce(0, +) == keys.count && counts.allSatisfy { $0 >= 0 }, "\(name)")
      for (kind, count) in counts.enumerated() {
        let deviation = Double(count) - Double(resampler.sizes[kind])
        sums[kind] += deviation
        squares[kind] += deviation * deviation
      }
    }
    let r = Double(replicates)
    var worst = (mean: 0.0, variance: 0.0)
    for kind in counts.indices {
      let p = Double(resampler.sizes[kind]) / n
      let variance = n * p * (1 - p)
      // The mean count's standard error, and (the mean is known) that of the variance about
      // it: Var((X − μ)²) = μ₄ − σ⁴ with the binomial's μ₄ = σ²(1 + 3(n − 2)p(1 − p)).
      let meanZ = (sums[kind] / r) / (variance / r).squareRoot()
      let fourth = variance * (1 + 3 * (n - 2) * p * (1 - p))
      let varianceZ =
        (squares[kind] / r - variance) / ((fourth - variance * variance) / r).squareRoot()
      worst = (max(worst.mean, abs(meanZ)), max(worst.variance, abs(varianceZ)))
    }
    #expect(worst.mean < 5 && worst.variance < 5, "\(name), \(mode): \(worst)")
  }

  /// The multinomial draw and the old per-draw method give the same distribution of Δ: the
  /// shares of replicates with a Δ, and the means and standard deviations of the Δs of 2000
  /// replicates, agree within 5 standard errors.
  @Test(arguments: keySets.indices)
  func replicatesMatchDrawingEachKey(keySet: Int) {
    let (name, keys, mode) = Self.keySets[keySet]
    let replicates = 2000
    let multinomial = Statistics.bootstrapDeltas(
      keys, mode: mode, replicates: replicates, seed: 5).compactMap { $0 }
    let perDraw = Statistics.bootstrapDeltasDrawingEachKey(
      keys, mode: mode, replicates: replicates, seed: 6).compactMap { $0 }
    // (Tied counts put a twelfth of the keys at the lowest count: quantile bin 1 is then
    // often empty and Δ undefined.)
    #expect(multinomial.count >= 500 && perDraw.count >= 500, "\(name), \(mode)")
    let shared = Double(multinomial.count + perDraw.count) / Double(2 * replicates)
    if shared < 1 {
      let shareZ =
        Double(multinomial.count - perDraw.count) / Double(replicates)
        / (2 * shared * (1 - shared) / Double(replicates)).squareRoot()
      #expect(abs(shareZ) < 5, "\(name), \(mode): \(multinomial.count) vs \(perDraw.count)")
    }
    func moments(_ values: [Double]) -> (mean: Double, sd: Double) {
      let mean = values.reduce(0, +) / Double(values.count)
      let variance =
        values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
      return (mean, variance.squareRoot())
    }
    let a = moments(multinomial)
    let b = moments(perDraw)
    let (r, s) = (Double(multinomial.count), Double(perDraw.count))
    // Standard errors of a mean, sd/√r, and of a standard deviation, sd/√(2(r − 1)).
    let meanZ = (a.mean - b.mean) / (a.sd * a.sd / r + b.sd * b.sd / s).squareRoot()
    let sdZ =
      (a.sd - b.sd) / (a.sd * a.sd / (2 * (r - 1)) + b.sd * b.sd / (2 * (s - 1))).squareRoot()
    #expect(abs(meanZ) < 5 && abs(sdZ) < 5, "\(name), \(mode): \(a) vs \(b)")
  }

  /// Replicates whose bin 1 or bin n is empty are left out and counted.
  @Test func undefinedReplicatesAreCounted() {
    let keys = (0..<6).map { KeyPoint(frequency: 1, instances: 1, correct: $0 % 2) }
      + [KeyPoint(frequency: 2, instances: 2, correct: 1)]
    let result = Statistics.bootstrapDelta(keys, mode: .quantiles(10), replicates: 100, seed: 4)
    #expect(result.defined < 100)
    let none = Statistics.bootstrapDelta(keys, mode: .quantiles(10), replicates: 0, seed: 4)
    #expect(none == BootstrapResult(interval: nil, replicates: 0, defined: 0, seed: 4))
  }

  // MARK: Generator

  /// Blackman and Vigna's reference xoshiro256** from state (1, 2, 3, 4), and SplitMix64's
  /// first output from seed 0.
  @Test func generatorKnownAnswers() {
    var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
    let first = (0..<4).map { _ in generator.next() }
    #expect(first == [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
    var state: UInt64 = 0
    #expect(Xoshiro256StarStar.splitMix64(&state) == 0xE220_A839_7B1D_CDAF)
  }

  /// Lemire's bounded draws stay below the bound and are spread evenly.
  @Test func boundedDrawsAreUniform() {
    var generator = Xoshiro256StarStar(seed: 1)
    var counts = [Int](repeating: 0, count: 7)
    for _ in 0..<70_000 { counts[Int(generator.next(below: 7))] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 400 }, "\(counts)")
    #expect((0..<1000).allSatisfy { _ in generator.next(below: 1) == 0 })
    #expect((0..<1000).allSatisfy { _ in generator.next(below: UInt64.max) < UInt64.max })
  }

  /// The release-build cost of 1000 replicates, by counts per kind and by the old per-draw
  /// method, printed only when `TAILSCAN_TIMING` is set (`TAILSCAN_TIMING=1 swift test -c
  /// release --filter StatisticsBootstrapTests/timing`); nothing is asserted about time.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["TAILSCAN_TIMING"] != nil))
  func timing() {
    let cases: [(String, [KeyPoint], BinningMode)] = [
      ("100,000 keys answered once", Self.onceAnsweredKeys(count: 100_000, seed: 1),
       .decades(minimumSize: 500)),
      ("10,000 keys", Self.keys(count: 10_000, seed: 1), .quantiles(10)),
      ("10,000 keys", Self.keys(count: 10_000, seed: 1), .decades(minimumSize: 500)),
      ("10,000 tied keys", Self.tiedKeys(count: 10_000, seed: 1), .quantiles(10)),
    ]
    for (label, keys, mode) in cases {
      let kinds = BootstrapResampler(keys, mode: mode).kinds.count
      var start = ContinuousClock.now
      let result = Statistics.bootstrapDelta(keys, mode: mode, replicates: 1000, seed: 7)
      let multinomial = ContinuousClock.now - start
      start = ContinuousClock.now
      let perDraw = Statistics.bootstrapDeltasDrawingEachKey(
        keys, mode: mode, replicates: 1000, seed: 7)
      let old = ContinuousClock.now - start
      print(
        "bootstrap \(mode), 1000 × \(label) (\(kinds) kinds): \(multinomial), per draw "
          + "\(old) (\(result.defined) and \(perDraw.compactMap { $0 }.count) defined)")
    }
    var generator = Xoshiro256StarStar(seed: 3)
    var sink = 0
    for (trials, probability) in [(100_000, 0.00001), (100_000, 0.0001), (100_000, 0.3)] {
      let start = ContinuousClock.now
      for _ in 0..<1_000_000 {
        sink &+= generator.nextBinomial(trials: trials, probability: probability)
      }
      print("Binomial(\(trials), \(probability)): \((ContinuousClock.now - start) / 1_000_000)")
    }
    var tallies = [Int](repeating: 0, count: 100_000)
    let start = ContinuousClock.now
    for _ in 0..<10_000_000 { tallies[Int(generator.next(below: 100_000))] += 1 }
    let perDraw = (ContinuousClock.now - start) / 10_000_000
    print("next(below: 100,000) and a tally: \(perDraw) (\(sink), \(tallies[0]))")
  }
}
