/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64: the bootstrap's
/// generator, specified here so a seed gives the same resamples on every platform and Swift
/// version (the standard library's generators and `random(in:using:)` promise no algorithm).
///
/// - Seeding: the four state words are the first four outputs of SplitMix64 started at the
///   seed (state += 0x9E3779B97F4A7C15; z = state; z = (z ^ z>>30)·0xBF58476D1CE4E5B9;
///   z = (z ^ z>>27)·0x94D049BB133111EB; output z ^ z>>31), as the authors recommend.
/// - Output: rotl(s₁·5, 7)·9; then t = s₁<<17, s₂ ^= s₀, s₃ ^= s₁, s₁ ^= s₂, s₀ ^= s₃,
///   s₂ ^= t, s₃ = rotl(s₃, 45).
/// - Bounded draws: ``next(below:)``, Lemire's multiply-shift with rejection.
/// - Unit draws: ``nextDouble()``, the top 53 bits of ``next()`` times 2^−53.
///
/// `Scripts/stats-reference` implements the same four steps in Python; the tests check both
/// against each other and against published values. Not for cryptography.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Equatable {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  /// A generator whose state is the first four SplitMix64 outputs from `seed`.
  public init(seed: UInt64) {
    var state = seed
    s0 = Self.splitMix64(&state)
    s1 = Self.splitMix64(&state)
    s2 = Self.splitMix64(&state)
    s3 = Self.splitMix64(&state)
  }

  /// A generator with the given state words (for known-answer tests).
  ///
  /// - Precondition: not all four are zero (the one state xoshiro never leaves).
  public init(state: (UInt64, UInt64, UInt64, UInt64)) {
    precondition(state != (0, 0, 0, 0), "xoshiro256** cannot start from the all-zero state")
    (s0, s1, s2, s3) = state
  }

  /// One SplitMix64 step (Steele, Lea and Flood): advances `state` and returns its output.
  public static func splitMix64(_ state: inout UInt64) -> UInt64 {
    // 0x9E3779B97F4A7C15 is 2^64 divided by the golden ratio (the Weyl sequence's step); the
    // multipliers and shifts are SplitMix64's finalizer.
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    let result = rotateLeft(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotateLeft(s3, 45)
    return result
  }

  /// A uniformly distributed integer in 0..<bound, by Lemire's method (ACM TOMACS 2019):
  /// the high word of next()·bound, drawing again while the low word is below
  /// 2^64 mod bound (so every value has exactly ⌊2^64/bound⌋ chances).
  ///
  /// - Precondition: `bound > 0`.
  public mutating func next(below bound: UInt64) -> UInt64 {
    precondition(bound > 0, "cannot draw below 0")
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      // 2^64 mod bound, computed in 64 bits as (2^64 − bound) mod bound.
      let threshold = (0 &- bound) % bound
      while product.low < threshold {
        product = next().multipliedFullWidth(by: bound)
      }
    }
    return product.high
  }

  /// A uniformly distributed double in [0, 1): the top 53 bits of ``next()`` times 2^−53,
  /// one of the 2^53 multiples of 2^−53 below 1, each equally likely (exact: no rounding).
  package mutating func nextDouble() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 - k))
  }

  /// Whether two generators are in the same state (and so will draw the same).
  public static func == (a: Self, b: Self) -> Bool {
    (a.s0, a.s1, a.s2, a.s3) == (b.s0, b.s1, b.s2, b.s3)
  }
}
