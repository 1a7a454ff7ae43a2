/// XXH64, the stable 64-bit hash behind every on-disk index (never Swift's `Hasher`, whose
/// values change between runs). Specified at https://github.com/Cyan4973/xxHash (XXH64).
package enum XXH64 {
  static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
  static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  static let p3: UInt64 = 0x1656_67B1_9E37_79F9
  static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
  static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

  @inline(__always) static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }

  @inline(__always) static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
    rotl(acc &+ input &* p2, 31) &* p1
  }

  @inline(__always) static func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 {
    (acc ^ round(0, value)) &* p1 &+ p4
  }

  /// The XXH64 hash of `count` bytes at `p` with `seed`.
  @inline(__always)
  package static func hash(_ p: UnsafeRawPointer, _ count: Int, seed: UInt64) -> UInt64 {
    var i = 0
    var h: UInt64
    if count >= 32 {
      var v1 = seed &+ p1 &+ p2
      var v2 = seed &+ p2
      var v3 = seed
      var v4 = seed &- p1
      while i + 32 <= count {
        v1 = round(v1, unsafe p.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
        v2 = round(v2, unsafe p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian)
        v3 = round(v3, unsafe p.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).littleEndian)
        v4 = round(v4, unsafe p.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).littleEndian)
        i += 32
      }
      h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
      h = merge(h, v1)
      h = merge(h, v2)
      h = merge(h, v3)
      h = merge(h, v4)
    } else {
      h = seed &+ p5
    }
    h = h &+ UInt64(count)
    while i + 8 <= count {
      h ^= round(0, unsafe p.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
      h = rotl(h, 27) &* p1 &+ p4
      i += 8
    }
    if i + 4 <= count {
      h ^= UInt64(unsafe p.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian) &* p1
      h = rotl(h, 23) &* p2 &+ p3
      i += 4
    }
    while i < count {
      h ^= UInt64(unsafe p.load(fromByteOffset: i, as: UInt8.self)) &* p5
      h = rotl(h, 11) &* p1
      i += 1
    }
    h ^= h >> 33
    h = h &* p2
    h ^= h >> 29
    h = h &* p3
    h ^= h >> 32
    return h
  }

  /// The XXH64 hash of `bytes` (for tests and small inputs).
  package static func hash(_ bytes: [UInt8], seed: UInt64) -> UInt64 {
    unsafe bytes.withUnsafeBytes { raw in
      unsafe hash(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, raw.count, seed: seed)
    }
  }
}

/// A fast 64-bit mixer for in-memory tables only (never persisted): murmur3's `fmix64`.
@inline(__always)
package func mix64(_ key: UInt64) -> UInt64 {
  var k = key
  k ^= k >> 33
  k = k &* 0xFF51_AFD7_ED55_8CCD
  k ^= k >> 33
  k = k &* 0xC4CE_B9FE_1A85_EC53
  k ^= k >> 33
  return k
}
