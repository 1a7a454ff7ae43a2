/// Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF).
package enum UTF8Validation {
  /// The offset of the first byte of the first invalid sequence, or `nil` if all is valid.
  @inline(__always)
  package static func firstInvalid(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var i = 0
    while i < count {
      // ASCII fast path, 8 bytes at a time.
      while i + 8 <= count {
        let word = unsafe UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
        if word & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
      }
      if i >= count { break }
      let b0 = unsafe p[i]
      if b0 < 0x80 {
        i += 1
        continue
      }
      let length = unsafe sequenceLength(p, i, count)
      if length == 0 { return i }
      i += length
    }
    return nil
  }

  /// The length of the valid multi-byte sequence starting at `i`, or 0 if it is invalid.
  @inline(__always)
  package static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int) -> Int {
    let b0 = unsafe p[i]
    @inline(__always) func cont(_ k: Int) -> UInt8? {
      guard i + k < count else { return nil }
      let b = unsafe p[i + k]
      return b & 0xC0 == 0x80 ? b : nil
    }
    switch b0 {
    case 0xC2...0xDF:
      return cont(1) == nil ? 0 : 2
    case 0xE0...0xEF:
      guard let b1 = cont(1), cont(2) != nil else { return 0 }
      if b0 == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
      if b0 == 0xED && b1 > 0x9F { return 0 }  // UTF-16 surrogate
      return 3
    case 0xF0...0xF4:
      guard let b1 = cont(1), cont(2) != nil, cont(3) != nil else { return 0 }
      if b0 == 0xF0 && b1 < 0x90 { return 0 }  // overlong
      if b0 == 0xF4 && b1 > 0x8F { return 0 }  // above U+10FFFF
      return 4
    default:
      return 0
    }
  }
}
