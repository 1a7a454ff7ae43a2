/// A small, fast, seeded random number generator (Steele, Lea and Flood's SplitMix64).
///
/// The same seed gives the same sequence on every platform and run, so a failing randomized
/// test can be replayed from the seed it prints. Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The seed this generator started from (for failure messages).
  public let seed: UInt64
  private var state: UInt64

  /// Creates a generator whose sequence is determined by `seed`.
  public init(seed: UInt64) {
    self.seed = seed
    state = seed
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    // 0x9E3779B97F4A7C15 is 2^64 divided by the golden ratio (Weyl sequence step); the two
    // multipliers and shifts are SplitMix64's finalizer (a variant of MurmurHash3's fmix64).
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` random bytes.
  public mutating func bytes(count: Int) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
  }

  /// True with probability `probability`.
  public mutating func chance(_ probability: Double) -> Bool {
    Double.random(in: 0..<1, using: &self) < probability
  }
}
