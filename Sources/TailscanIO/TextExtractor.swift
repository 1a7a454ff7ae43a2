/// Why a corpus line could not be turned into a document.
public enum LineError: Error, Sendable, Equatable {
  /// The line is not a JSON object; `column` is the 1-based byte where parsing stopped.
  case malformedJSON(column: Int, expected: String)
  /// The object has no such field.
  case missingField(String)
  /// The field is there but its value is not a string.
  case notAString(String)
  /// The text is not valid UTF-8 at the 1-based byte `column`.
  case invalidUTF8(column: Int)
}

extension LineError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .malformedJSON(let column, let expected):
      "malformed JSON at byte \(column): expected \(expected)"
    case .missingField(let field):
      "no '\(field)' field; pass '--text-field' to name the field that holds the text"
    case .notAString(let field):
      "the '\(field)' field is not a string"
    case .invalidUTF8(let column):
      "invalid UTF-8 at byte \(column)"
    }
  }

  /// A short machine-readable reason, for manifests.
  public var reason: String {
    switch self {
    case .malformedJSON: "malformed-json"
    case .missingField: "missing-field"
    case .notAString: "not-a-string"
    case .invalidUTF8: "invalid-utf8"
    }
  }
}

/// Turns corpus lines into document text: the JSON string field of a JSONL line, or a plain line.
///
/// For JSONL it decodes the named field exactly (all escapes, `\uXXXX` with surrogate pairs)
/// and validates its UTF-8, without building a JSON tree. The rest of the object is checked for
/// structure only (one object, quoted keys, balanced brackets, terminated strings, nothing
/// after it); the contents of other fields are not validated (`"y": tru` passes), since they
/// cannot change a count.
/// A lone surrogate escape, which UTF-8 cannot carry, becomes U+FFFD and is counted in
/// `replacedSurrogates`. A duplicated field takes its last value, as Python's `json` does.
@safe
public struct TextExtractor: ~Copyable {
  /// What the lines are.
  public enum Format: Sendable, Equatable {
    /// One JSON object per line; the text is the string in `field`.
    case jsonl(field: String)
    /// The line itself is the text.
    case plain
  }

  public let format: Format
  private let field: [UInt8]
  private var output: UnsafeMutablePointer<UInt8>
  private var outputCapacity: Int
  private var outputCount = 0
  /// Lone `\uD800`–`\uDFFF` escapes replaced by U+FFFD so far.
  public private(set) var replacedSurrogates = 0

  public init(format: Format) {
    self.format = format
    if case .jsonl(let name) = format { field = Array(name.utf8) } else { field = [] }
    outputCapacity = Self.initialCapacity
    unsafe output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity + 16)
  }

  /// The output buffer's first size.
  private static let initialCapacity = 4096

  deinit { unsafe output.deallocate() }

  /// Returns the output buffer to its first size after a long document (the reader's
  /// `LongLineGate` accounts for one long document at a time).
  public mutating func releaseLongBuffer() {
    guard outputCapacity > LongLineGate.freeBytes else { return }
    unsafe output.deallocate()
    outputCapacity = Self.initialCapacity
    unsafe output = UnsafeMutablePointer<UInt8>.allocate(capacity: outputCapacity + 16)
    outputCount = 0
  }

  /// Extracts the document text of `line` and calls `body` with it.
  ///
  /// - Returns: `false` (without calling `body`) for a blank line, which is not a document.
  /// - Throws: `LineError` when the line is not a valid document.
  public mutating func extract(
    from line: Span<UInt8>, _ body: (Span<UInt8>) throws -> Void
  ) throws -> Bool {
    let result: Bool = try unsafe line.withUnsafeBufferPointer { raw throws(LineError) in
      let count = raw.count
      guard let p = raw.baseAddress, count > 0 else { return false }
      if case .plain = format {
        if let bad = unsafe UTF8Validation.firstInvalid(p, count) {
          throw .invalidUTF8(column: bad + 1)
        }
        return true
      }
      var i = 0
      unsafe skipSpace(p, count, &i)
      if i == count { return false }
      try unsafe decodeObject(p, count, &i)
      return true
    }
    if !result { return false }
    switch format {
    case .plain:
      try body(line)
    case .jsonl:
      let bytes = unsafe UnsafeBufferPointer(start: output, count: outputCount)
      try body(unsafe bytes.span)
    }
    return true
  }

  // MARK: - JSON structure

  @inline(__always)
  private func skipSpace(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) {
    while i < n {
      let b = unsafe p[i]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 } else { break }
    }
  }

  @inline(__always)
  private func expect(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ byte: UInt8)
    throws(LineError)
  {
    guard i < n, unsafe p[i] == byte else {
      throw .malformedJSON(column: i + 1, expected: "'\(Character(Unicode.Scalar(byte)))'")
    }
    i += 1
  }

  private mutating func decodeObject(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int)
    throws(LineError)
  {
    try unsafe expect(p, n, &i, UInt8(ascii: "{"))
    outputCount = 0
    // nil until the field is seen; then whether its latest value is a string (the last
    // occurrence of a duplicated key wins, as in Python's json).
    var fieldIsString: Bool? = nil
    unsafe skipSpace(p, n, &i)
    if unsafe i < n && p[i] == UInt8(ascii: "}") {
      i += 1
    } else {
      while true {
        unsafe skipSpace(p, n, &i)
        guard i < n, unsafe p[i] == UInt8(ascii: "\"") else {
          throw .malformedJSON(column: i + 1, expected: "a quoted key")
        }
        let isField = try unsafe keyMatches(p, n, &i)
        unsafe skipSpace(p, n, &i)
        try unsafe expect(p, n, &i, UInt8(ascii: ":"))
        unsafe skipSpace(p, n, &i)
        if isField {
          if unsafe i < n && p[i] == UInt8(ascii: "\"") {
            try unsafe decodeString(p, n, &i)
            fieldIsString = true
          } else {
            try unsafe skipValue(p, n, &i)
            fieldIsString = false
          }
        } else {
          try unsafe skipValue(p, n, &i)
        }
        unsafe skipSpace(p, n, &i)
        guard i < n else { throw .malformedJSON(column: i + 1, expected: "',' or '}'") }
        let b = unsafe p[i]
        i += 1
        if b == UInt8(ascii: "}") { break }
        if b != UInt8(ascii: ",") {
          throw .malformedJSON(column: i, expected: "',' or '}'")
        }
      }
    }
    unsafe skipSpace(p, n, &i)
    if i != n { throw .malformedJSON(column: i + 1, expected: "end of line after the object") }
    switch fieldIsString {
    case nil: throw .missingField(String(decoding: field, as: UTF8.self))
    case false?: throw .notAString(String(decoding: field, as: UTF8.self))
    case true?: break
    }
  }

  /// Reads a key starting at its opening quote; true when it equals the text field's name.
  private mutating func keyMatches(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int)
    throws(LineError) -> Bool
  {
    let start = i + 1
    var j = start
    var escaped = false
    while j < n {
      let b = unsafe p[j]
      if b == UInt8(ascii: "\"") { break }
      if b == UInt8(ascii: "\\") {
        escaped = true
        j += 2
        continue
      }
      j += 1
    }
    guard j < n else { throw .malformedJSON(column: n + 1, expected: "the end of a key string") }
    if !escaped {
      i = j + 1
      return unsafe j - start == field.count
        && field.withUnsafeBufferPointer { f in
          unsafe memcmpEqual(p + start, f.baseAddress!, field.count)
        }
    }
    // A key with escapes: decode it into the output buffer after the text decoded so far (a
    // key may follow the field), compare, and drop it again.
    let saved = outputCount
    try unsafe decodeString(p, n, &i, at: saved)
    let equal =
      unsafe outputCount - saved == field.count
      && field.withUnsafeBufferPointer { f in
        unsafe memcmpEqual(output + saved, f.baseAddress!, field.count)
      }
    outputCount = saved
    return equal
  }

  @inline(__always)
  private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool
  {
    var k = 0
    while k < n {
      if unsafe a[k] != b[k] { return false }
      k += 1
    }
    return true
  }

  /// Skips any JSON value, checking its structure loosely (strings, nesting, literals).
  private func skipValue(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) throws(LineError) {
    guard i < n else { throw .malformedJSON(column: i + 1, expected: "a value") }
    switch unsafe p[i] {
    case UInt8(ascii: "\""):
      try unsafe skipString(p, n, &i)
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      var stack: [UInt8] = []
      while i < n {
        let b = unsafe p[i]
        switch b {
        case UInt8(ascii: "\""):
          try unsafe skipString(p, n, &i)
          continue
        case UInt8(ascii: "{"): stack.append(UInt8(ascii: "}"))
        case UInt8(ascii: "["): stack.append(UInt8(ascii: "]"))
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          guard stack.last == b else {
            throw .malformedJSON(column: i + 1, expected: "matching brackets")
          }
          stack.removeLast()
          if stack.isEmpty {
            i += 1
            return
          }
        default: break
        }
        i += 1
      }
      throw .malformedJSON(column: n + 1, expected: "the end of a nested value")
    default:
      // A number or a literal: a run of the characters they are made of.
      let start = i
      while i < n {
        let b = unsafe p[i]
        let isAtom =
          (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
          || b == UInt8(ascii: "+") || b == UInt8(ascii: ".")
          || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
          || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
        if !isAtom { break }
        i += 1
      }
      if i == start { throw .malformedJSON(column: i + 1, expected: "a value") }
    }
  }

  private func skipString(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) throws(LineError) {
    var j = i + 1
    while j < n {
      let b = unsafe p[j]
      if b == UInt8(ascii: "\"") {
        i = j + 1
        return
      }
      j += b == UInt8(ascii: "\\") ? 2 : 1
    }
    throw .malformedJSON(column: n + 1, expected: "the end of a string")
  }

  // MARK: - String decoding

  /// Makes room for `bytes` bytes of output, keeping the `outputCount` bytes already there.
  private mutating func reserve(_ bytes: Int) {
    if bytes <= outputCapacity { return }
    // Doubling, but a long document's exact size (`bytes` bounds the rest of the line).
    let capacity = bytes > LongLineGate.freeBytes ? bytes : max(bytes, outputCapacity * 2)
    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 16)
    unsafe grown.initialize(from: output, count: outputCount)
    unsafe output.deallocate()
    unsafe output = grown
    outputCapacity = capacity
  }

  /// Decodes the string whose opening quote is at `i` into the output buffer at offset `base`,
  /// validating it; `outputCount` becomes `base` plus the decoded length.
  private mutating func decodeString(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, at base: Int = 0
  ) throws(LineError) {
    // Decoded text is never longer than its escaped form.
    reserve(base + n - i)
    let out = unsafe output + base
    var o = 0
    var j = i + 1
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    while true {
      // Fast path: 8 bytes with no quote, backslash, control byte or non-ASCII byte.
      while j + 8 <= n {
        let w = unsafe UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
        let quote = w ^ (ones &* 0x22)
        let slash = w ^ (ones &* 0x5C)
        let special =
          ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((w &- ones &* 0x20) & ~w) | w
        if special & highs != 0 { break }
        unsafe UnsafeMutableRawPointer(out + o).storeBytes(of: w, as: UInt64.self)
        o += 8
        j += 8
      }
      guard j < n else { throw .malformedJSON(column: n + 1, expected: "the end of a string") }
      let b = unsafe p[j]
      if b == UInt8(ascii: "\"") {
        j += 1
        break
      } else if b == UInt8(ascii: "\\") {
        guard j + 1 < n else {
          throw .malformedJSON(column: n + 1, expected: "an escape")
        }
        let e = unsafe p[j + 1]
        var simple: UInt8 = 0
        switch e {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
          var scalar = try unsafe hex4(p, n, j + 2)
          j += 6
          if scalar >= 0xD800 && scalar <= 0xDBFF {
            // A high surrogate must be followed by an escaped low surrogate.
            if unsafe j + 6 <= n && p[j] == UInt8(ascii: "\\") && p[j + 1] == UInt8(ascii: "u"),
              let low = try? unsafe hex4(p, n, j + 2), low >= 0xDC00 && low <= 0xDFFF
            {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
              j += 6
            } else {
              scalar = 0xFFFD
              replacedSurrogates += 1
            }
          } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
            scalar = 0xFFFD
            replacedSurrogates += 1
          }
          o += unsafe Self.encodeUTF8(scalar, out + o)
          continue
        default:
          throw .malformedJSON(column: j + 2, expected: "a valid escape")
        }
        unsafe out[o] = simple
        o += 1
        j += 2
      } else if b < 0x20 {
        throw .malformedJSON(column: j + 1, expected: "no raw control character in a string")
      } else if b < 0x80 {
        unsafe out[o] = b
        o += 1
        j += 1
      } else {
        let length = unsafe UTF8Validation.sequenceLength(p, j, n)
        if length == 0 { throw .invalidUTF8(column: j + 1) }
        for k in 0..<length { unsafe out[o + k] = p[j + k] }
        o += length
        j += length
      }
    }
    outputCount = base + o
    i = j
  }

  private func hex4(_ p: UnsafePointer<UInt8>, _ n: Int, _ at: Int) throws(LineError) -> UInt32 {
    guard at + 4 <= n else { throw .malformedJSON(column: at + 1, expected: "4 hex digits") }
    var value: UInt32 = 0
    for k in 0..<4 {
      let c = unsafe p[at + k]
      let digit: UInt32
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
      default: throw .malformedJSON(column: at + k + 1, expected: "a hex digit")
      }
      value = value << 4 | digit
    }
    return value
  }

  private static func encodeUTF8(_ scalar: UInt32, _ out: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case 0..<0x80:
      unsafe out[0] = UInt8(scalar)
      return 1
    case 0x80..<0x800:
      unsafe out[0] = UInt8(0xC0 | (scalar >> 6))
      unsafe out[1] = UInt8(0x80 | (scalar & 0x3F))
      return 2
    case 0x800..<0x10000:
      unsafe out[0] = UInt8(0xE0 | (scalar >> 12))
      unsafe out[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
      unsafe out[2] = UInt8(0x80 | (scalar & 0x3F))
      return 3
    default:
      unsafe out[0] = UInt8(0xF0 | (scalar >> 18))
      unsafe out[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
      unsafe out[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
      unsafe out[3] = UInt8(0x80 | (scalar & 0x3F))
      return 4
    }
  }
}
