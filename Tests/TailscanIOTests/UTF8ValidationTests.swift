import Foundation
@testable import TailscanIO
import TailscanTestSupport
import Testing

/// `UTF8Validation.firstInvalid` on an array.
private func firstInvalid(_ bytes: [UInt8]) -> Int? {
  // Safe because the pointer is used only inside the closure, for `bytes.count` bytes.
  unsafe bytes.withUnsafeBufferPointer { buffer in
    guard let base = buffer.baseAddress else { return nil }
    return unsafe UTF8Validation.firstInvalid(base, buffer.count)
  }
}

/// The standard library's strict validation (no overlongs, surrogates or values past U+10FFFF).
private func isValid<C: Collection<UInt8>>(_ bytes: C) -> Bool {
  String(validating: bytes, as: UTF8.self) != nil
}

@Suite("UTF8Validation")
struct UTF8ValidationTests {
  /// Random bytes, mostly high ones, with valid sequences mixed in so both outcomes occur.
  private static func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
    var bytes: [UInt8] = []
    let valid: [[UInt8]] = ["a", "é", "漢", "😀", "\u{10FFFF}", "\u{D7FF}", "\u{E000}", "\u{800}"].map { Array($0.utf8) }
    for _ in 0..<Int.random(in: 0...24, using: &rng) {
      switch Int.random(in: 0..<10, using: &rng) {
      case 0..<3: bytes += valid.randomElement(using: &rng)!
      case 3: bytes.append(UInt8.random(in: 0...0x7F, using: &rng))
      case 4..<7: bytes.append(UInt8.random(in: 0x80...0xBF, using: &rng))  // continuation bytes
      case 7..<9: bytes.append([0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF].randomElement(using: &rng)!)
      default: bytes.append(UInt8.random(in: 0x80...0xFF, using: &rng))
      }
    }
    // Sometimes push the interesting part past the 8-byte ASCII fast path.
    if rng.chance(0.3) { bytes = Array("12345678abcdefgh".utf8).prefix(Int.random(in: 1...16, using: &rng)) + bytes }
    return bytes
  }

  @Test("agrees with String(validating:) on seeded random bytes", arguments: 0..<8)
  func differential(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    var invalidSeen = 0
    for index in 0..<5_000 {
      let bytes = Self.randomBytes(&rng)
      let got = firstInvalid(bytes)
      let label = "seed \(seed), case \(index): \(bytes.map { String($0, radix: 16) })"
      #expect((got == nil) == isValid(bytes), "\(label)")
      #expect((got == nil) == (String(data: Data(bytes), encoding: .utf8) != nil), "Foundation: \(label)")
      if let k = got {
        invalidSeen += 1
        // k is the first invalid sequence exactly when everything before it is valid and no
        // sequence of 1–4 bytes starting at k is.
        #expect(isValid(bytes[..<k]), "\(label): prefix before \(k) should be valid")
        for m in (k + 1)...min(k + 4, bytes.count) {
          #expect(!isValid(bytes[..<m]), "\(label): bytes \(k)..<\(m) form a valid sequence")
        }
      }
    }
    #expect(invalidSeen > 1000 && invalidSeen < 4900, "both outcomes are exercised")
  }

  @Test("every 1- and 2-byte string, and every 3-byte string starting with E0, ED, EF, F0 or F4")
  func exhaustiveShort() {
    for a in 0...255 {
      #expect((firstInvalid([UInt8(a)]) == nil) == isValid([UInt8(a)]))
      for b in 0...255 {
        let two = [UInt8(a), UInt8(b)]
        #expect((firstInvalid(two) == nil) == isValid(two), "\(two)")
      }
    }
    for lead in [0xE0, 0xED, 0xEF, 0xF0, 0xF4] as [UInt8] {
      for b in 0x70...0xC0 {
        for c in [0x41, 0x80, 0xBF, 0xC0] {
          let three = [lead, UInt8(b), UInt8(c)]
          let four = three + [0x80]
          #expect((firstInvalid(three) == nil) == isValid(three), "\(three)")
          #expect((firstInvalid(four) == nil) == isValid(four), "\(four)")
        }
      }
    }
  }
}
