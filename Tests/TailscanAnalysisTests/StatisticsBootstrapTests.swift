import Foundation
import Testing
import TailscanAnalysis

/// The seeded bootstrap of Δ and its generator.
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
  @Test(arguments: modes)
  func intervalHoldsThePointDelta(mode: BinningMode) throws {
    let keys = Self.keys(count: 2000, seed: 5)
    let delta = try #require(Statistics.bin(keys, mode: mode).delta)
    let result = Statistics.bootstrapDelta(keys, mode: mode, replicates: 400, seed: 2022)
    let interval = try #require(result.interval)
    #expect(interval.lower < delta && delta < interval.upper, "\(interval) and Δ \(delta)")
    #expect(interval.lower > 0)
  }

  /// The counting shortcut gives, replicate by replicate, what binning each resample afresh
  /// gives (`Statistics.bin` on the drawn keys, drawn with the documented generator).
  @Test(arguments: modes + [.quantiles(1), .decades(minimumSize: 0)])
  func shortcutMatchesBinningEachResample(mode: BinningMode) {
    var keys = Self.keys(count: 300, seed: 3)
    // Ties and zeros: repeated counts make repeated edges; zeros are skipped by decades.
    for i in stride(from: 0, to: 300, by: 7) { keys[i].frequency = 1 }
    for i in stride(from: 3, to: 300, by: 31) { keys[i].frequency = 0 }
    let replicates = 60
    let deltas = Statistics.bootstrapDeltas(keys, mode: mode, replicates: replicates, seed: 8)
    var generator = Xoshiro256StarStar(seed: 8)
    for replicate in 0..<replicates {
      let resample = keys.indices.map { _ in
        keys[Int(generator.next(below: UInt64(keys.count)))]
      }
      let expected = Statistics.bin(resample, mode: mode).delta
      let actual = deltas[replicate]
      #expect((actual == nil) == (expected == nil), "replicate \(replicate)")
      if let actual, let expected {
        #expect(abs(actual - expected) < 1e-12, "replicate \(replicate)")
      }
    }
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

  /// The release-build cost of 1000 replicates over 10,000 keys, printed only when
  /// `TAILSCAN_TIMING` is set (`TAILSCAN_TIMING=1 swift test -c release --filter
  /// StatisticsBootstrapTests/timing`); nothing is asserted about time.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["TAILSCAN_TIMING"] != nil))
  func timing() {
    let keys = Self.keys(count: 10_000, seed: 1)
    for mode in [BinningMode.quantiles(10), .decades(minimumSize: 500)] {
      let start = ContinuousClock.now
      let result = Statistics.bootstrapDelta(keys, mode: mode, replicates: 1000, seed: 7)
      let elapsed = ContinuousClock.now - start
      print("bootstrapDelta \(mode), 1000 × 10,000 keys: \(elapsed) (\(result.defined) defined)")
    }
  }
}
