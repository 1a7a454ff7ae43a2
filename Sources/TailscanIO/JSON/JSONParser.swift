/// A strict JSON parser that builds ``JSONValue``s, reusing its working storage from one
/// parse to the next (keep one per task to parse many lines).
///
/// It accepts exactly RFC 8259 JSON, plus Python's `NaN`, `Infinity` and `-Infinity`:
///
/// * The input is one value with optional JSON whitespace (space, tab, line feed, carriage
///   return) around it. A UTF-8 byte order mark is rejected, as Python's `json.loads` does:
///   a JSONL line never needs one, and skipping it silently would hide a wrongly saved file.
/// * The input must be valid UTF-8 (no overlong forms, surrogates, or values past U+10FFFF).
/// * No comments, trailing commas, single quotes, leading zeros (`01`), `+1`, `.5` or `1.`,
///   and no raw control characters (U+0000–U+001F) in strings.
/// * `\u` escapes of a surrogate pair become the one scalar they encode. A lone surrogate
///   escape, which UTF-8 cannot carry, becomes U+FFFD (Python would keep it in its `str`) and
///   is counted in ``replacedSurrogates``.
/// * Arrays and objects nest at most ``maximumDepth`` deep.
///
/// It never traps or recurses, whatever the bytes: containers are tracked on an explicit
/// stack, and every byte is looked at a bounded number of times, so time is linear in the
/// input's length. The working storage keeps the capacity of the largest line parsed (its
/// open containers' members, and its longest string with escapes).
///
/// ```swift
/// var parser = JSONParser()
/// try reader.forEachLine { line, position in
///   let record = try parser.parse(line)
///   if let answer = record["answer"]?.string { … }
/// }
/// ```
public struct JSONParser: ~Copyable, Sendable {
  /// The deepest nesting of arrays and objects accepted (`[[1]]` is 2 deep).
  public static let maximumDepth = 512

  /// The lone surrogate escapes (`\uD800`–`\uDFFF` not in a high–low pair) replaced by
  /// U+FFFD in all parses so far.
  public private(set) var replacedSurrogates = 0

  /// An array or object whose closing bracket has not been reached yet.
  private struct Frame {
    /// Whether it is an object (else an array).
    var isObject: Bool
    /// Where its members start in `entries`.
    var start: Int
  }

  /// The members (arrays: elements, with empty keys) of all open containers, outermost
  /// first.
  private var entries = MoveStack<(key: String, value: JSONValue)>()
  /// The key of each open object's member whose value is being parsed, outermost first.
  private var keys = MoveStack<String>(capacity: 8)
  /// The open containers, outermost first.
  private var frames: [Frame] = []
  /// Decoded text of a string with escapes.
  private var scratch: [UInt8] = []

  /// Creates a parser.
  public init() {}

  /// Parses `input`, which must hold exactly one JSON value, optionally surrounded by JSON
  /// whitespace.
  ///
  /// - Throws: ``JSONError`` with the byte offset where the input stopped being valid JSON.
  /// - Complexity: O(*n*) in the length of the input.
  public mutating func parse(_ input: Span<UInt8>) throws(JSONError) -> JSONValue {
    defer {
      // Left over only after an error; drop the partial values, keep the capacity.
      entries.removeAll()
      keys.removeAll()
      frames.removeAll(keepingCapacity: true)
    }
    let n = input.count
    var i = Self.skipSpace(input, 0)
    var value: JSONValue
    nextValue: while true {
      // Parse the value starting at i, or open a container and go on to its first member.
      guard i < n else { throw .endOfInput(n) }
      switch input[i] {
      case UInt8(ascii: "\""):
        value = .string(try string(input, &i))
      case UInt8(ascii: "{"):
        guard frames.count < Self.maximumDepth else { throw Self.tooDeep(i) }
        i = Self.skipSpace(input, i + 1)
        if i < n && input[i] == UInt8(ascii: "}") {
          i += 1
          value = .object(JSONObject())
        } else {
          frames.append(Frame(isObject: true, start: entries.count))
          try beginMember(input, &i, afterComma: false)
          continue nextValue
        }
      case UInt8(ascii: "["):
        guard frames.count < Self.maximumDepth else { throw Self.tooDeep(i) }
        i = Self.skipSpace(input, i + 1)
        if i < n && input[i] == UInt8(ascii: "]") {
          i += 1
          value = .array([])
        } else {
          frames.append(Frame(isObject: false, start: entries.count))
          continue nextValue
        }
      case UInt8(ascii: "t"):
        try Self.literal(input, &i, "true")
        value = .bool(true)
      case UInt8(ascii: "f"):
        try Self.literal(input, &i, "false")
        value = .bool(false)
      case UInt8(ascii: "n"):
        try Self.literal(input, &i, "null")
        value = .null
      case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "N"),
        UInt8(ascii: "I"):
        value = .number(try Self.number(input, &i))
      case let b:
        throw Self.notAValue(input, i, b, afterComma: false)
      }

      // Add the finished value to the innermost open container, and close each container
      // whose end follows; then go on to the next member, or finish with the top-level value.
      while let frame = frames.last {
        entries.push((key: frame.isObject ? keys.removeLast() : "", value: Self.take(&value)))
        i = Self.skipSpace(input, i)
        guard i < n else { throw .endOfInput(n) }
        let b = input[i]
        if b == UInt8(ascii: ",") {
          i = Self.skipSpace(input, i + 1)
          if frame.isObject {
            try beginMember(input, &i, afterComma: true)
          } else if i < n {
            let b = input[i]
            if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
              throw Self.notAValue(input, i, b, afterComma: true)
            }
          }
          continue nextValue
        }
        guard b == (frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
          throw JSONError(
            offset: i,
            reason: frame.isObject
              ? "expected ',' or '}' after an object member"
              : "expected ',' or ']' after an array element")
        }
        i += 1
        frames.removeLast()
        if frame.isObject {
          value = .object(JSONObject(members: entries.removeArray(from: frame.start)))
        } else {
          value = .array(entries.removeArray(from: frame.start) { $0.value })
        }
      }
      break
    }
    i = Self.skipSpace(input, i)
    guard i == n else {
      throw JSONError(offset: i, reason: "trailing characters after the value")
    }
    return value
  }

  // MARK: - Structure

  /// Moves `value` out, leaving `.null`: no retain of the value and release of the original.
  @inline(__always)
  private static func take(_ value: inout JSONValue) -> JSONValue {
    var taken = JSONValue.null
    swap(&taken, &value)
    return taken
  }

  /// The index of the first byte at or after `i` that is not JSON whitespace.
  @inline(__always)
  private static func skipSpace(_ s: Span<UInt8>, _ i: Int) -> Int {
    var i = i
    while i < s.count {
      switch s[i] {
      case 0x20, 0x0A, 0x0D, 0x09: i += 1
      default: return i
      }
    }
    return i
  }

  /// Reads an object member's key and the ':' after it (and the whitespace after that), and
  /// keeps the key until its value is parsed.
  private mutating func beginMember(_ s: Span<UInt8>, _ i: inout Int, afterComma: Bool)
    throws(JSONError)
  {
    guard i < s.count else { throw .endOfInput(s.count) }
    guard s[i] == UInt8(ascii: "\"") else {
      let b = s[i]
      if afterComma && b == UInt8(ascii: "}") {
        throw JSONError(offset: i, reason: "trailing comma before '}'")
      }
      throw JSONError(
        offset: i,
        reason: b == UInt8(ascii: "'")
          ? "expected a key in double quotes, not single quotes"
          : "expected a string key")
    }
    let key = try string(s, &i)
    i = Self.skipSpace(s, i)
    guard i < s.count else { throw .endOfInput(s.count) }
    guard s[i] == UInt8(ascii: ":") else {
      throw JSONError(offset: i, reason: "expected ':' after an object key")
    }
    i = Self.skipSpace(s, i + 1)
    keys.push(key)
  }

  /// The error for the byte `b` at `i`, where a value should start.
  private static func notAValue(_ s: Span<UInt8>, _ i: Int, _ b: UInt8, afterComma: Bool)
    -> JSONError
  {
    let reason: String
    switch b {
    case UInt8(ascii: "]") where afterComma: reason = "trailing comma before ']'"
    case UInt8(ascii: "'"): reason = "expected a value (strings take double quotes, not single)"
    case UInt8(ascii: "/"): reason = "expected a value (JSON has no comments)"
    case 0xEF where i == 0 && s.count >= 3 && s[1] == 0xBB && s[2] == 0xBF:
      reason = "a UTF-8 byte order mark is not allowed before the value"
    default: reason = "expected a value"
    }
    return JSONError(offset: i, reason: reason)
  }

  private static func tooDeep(_ i: Int) -> JSONError {
    JSONError(offset: i, reason: "nesting deeper than \(maximumDepth)")
  }

  /// Reads the literal `word` (ASCII) at `i`.
  private static func literal(_ s: Span<UInt8>, _ i: inout Int, _ word: String)
    throws(JSONError)
  {
    var k = 0
    for expected in word.utf8 {
      guard i + k < s.count else { throw .endOfInput(s.count) }
      guard s[i + k] == expected else {
        throw JSONError(offset: i + k, reason: "invalid literal (expected '\(word)')")
      }
      k += 1
    }
    i += k
  }

  // MARK: - Numbers

  /// Reads a number (or `NaN`, `Infinity`, `-Infinity`) at `i` and returns its literal.
  ///
  /// The grammar is RFC 8259's: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  private static func number(_ s: Span<UInt8>, _ i: inout Int) throws(JSONError) -> String {
    let n = s.count
    let start = i
    var j = i
    switch s[j] {
    case UInt8(ascii: "N"):
      try literal(s, &i, "NaN")
      return "NaN"
    case UInt8(ascii: "I"):
      try literal(s, &i, "Infinity")
      return "Infinity"
    case UInt8(ascii: "-"):
      j += 1
      guard j < n else { throw .endOfInput(n) }
      if s[j] == UInt8(ascii: "I") {
        try literal(s, &j, "Infinity")
        i = j
        return "-Infinity"
      }
    default:
      break
    }
    // Integer part.
    switch s[j] {
    case UInt8(ascii: "0"):
      j += 1
      if j < n && isDigit(s[j]) {
        throw JSONError(offset: j, reason: "leading zeros are not allowed in a number")
      }
    case UInt8(ascii: "1")...UInt8(ascii: "9"):
      j = skipDigits(s, j + 1)
    default:
      throw JSONError(offset: j, reason: "expected a digit after '-'")
    }
    // Fraction.
    if j < n && s[j] == UInt8(ascii: ".") {
      j += 1
      guard j < n else { throw .endOfInput(n) }
      guard isDigit(s[j]) else {
        throw JSONError(offset: j, reason: "expected a digit after the decimal point")
      }
      j = skipDigits(s, j + 1)
    }
    // Exponent.
    if j < n && (s[j] == UInt8(ascii: "e") || s[j] == UInt8(ascii: "E")) {
      j += 1
      if j < n && (s[j] == UInt8(ascii: "+") || s[j] == UInt8(ascii: "-")) { j += 1 }
      guard j < n else { throw .endOfInput(n) }
      guard isDigit(s[j]) else {
        throw JSONError(offset: j, reason: "expected a digit in the exponent")
      }
      j = skipDigits(s, j + 1)
    }
    i = j
    return asciiString(s, start, j)
  }

  @inline(__always)
  private static func isDigit(_ b: UInt8) -> Bool {
    b &- UInt8(ascii: "0") < 10
  }

  @inline(__always)
  private static func skipDigits(_ s: Span<UInt8>, _ i: Int) -> Int {
    var i = i
    while i < s.count && isDigit(s[i]) { i += 1 }
    return i
  }

  /// The bytes `start..<end` of `s`, which the caller has seen to be ASCII, as a `String`.
  private static func asciiString(_ s: Span<UInt8>, _ start: Int, _ end: Int) -> String {
    // Safe because ASCII is valid UTF-8.
    String(copying: unsafe UTF8Span(unchecked: s.extracting(start..<end), isKnownASCII: true))
  }

  // MARK: - Strings

  /// Reads the string whose opening quote is at `i`, and moves `i` past its closing quote.
  ///
  /// Text between escapes is validated as UTF-8 in runs; a string without escapes becomes a
  /// `String` with one copy of its bytes.
  private mutating func string(_ s: Span<UInt8>, _ i: inout Int) throws(JSONError) -> String {
    let n = s.count
    var runStart = i + 1
    var j = runStart
    var hasEscapes = false
    while true {
      // Find the end of the run: a quote, a backslash or a control character. `bits` gathers
      // the bits of the bytes passed over, to tell whether they were all ASCII.
      var bits: UInt8 = 0
      var words: UInt64 = 0
      while j + 8 <= n {
        // Safe because every bit pattern is a valid UInt64, and the load is bounds-checked.
        let w = unsafe s.bytes.unsafeLoadUnaligned(fromByteOffset: j, as: UInt64.self)
        if Self.hasSpecialByte(w) { break }
        words |= w
        j += 8
      }
      if words & 0x8080_8080_8080_8080 != 0 { bits = 0x80 }
      while j < n {
        let b = s[j]
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
        bits |= b
        j += 1
      }
      let run: UTF8Span
      if bits < 0x80 {
        // Safe because every byte of the run was just seen to be ASCII, which is valid UTF-8.
        run = unsafe UTF8Span(unchecked: s.extracting(runStart..<j), isKnownASCII: true)
      } else {
        do {
          run = try UTF8Span(validating: s.extracting(runStart..<j))
        } catch {
          throw Self.invalidUTF8(error, s, runStart)
        }
      }
      guard j < n else { throw .endOfInputInString(n) }
      let b = s[j]
      if b < 0x20 {
        throw JSONError(
          offset: j, reason: "unescaped control character U+00\(Self.hex(b)) in a string")
      }
      if b == UInt8(ascii: "\"") {
        i = j + 1
        guard hasEscapes else { return String(copying: run) }
        scratch.append(copying: run.span)
        // Safe because `scratch` holds validated runs and the UTF-8 of whole scalars (never a
        // surrogate) that escapes decoded to: valid UTF-8.
        return String(copying: unsafe UTF8Span(unchecked: scratch.span))
      }
      // A backslash.
      if !hasEscapes {
        hasEscapes = true
        scratch.removeAll(keepingCapacity: true)
      }
      scratch.append(copying: run.span)
      j = try escape(s, j)
      runStart = j
    }
  }

  /// Whether any of the 8 bytes of `w` is a quote, a backslash or a control character.
  ///
  /// Each test is the classic "has a zero byte" one, `(x - 0x01…) & ~x & 0x80…`: a byte's
  /// top bit ends up set only if that byte, or one below it, was zero (`x ^ 0x22…` for the
  /// quote, `x ^ 0x5C…` for the backslash; `w - 0x20…` borrows from a byte below 0x20).
  @inline(__always)
  private static func hasSpecialByte(_ w: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let quote = w ^ (ones &* 0x22)
    let backslash = w ^ (ones &* 0x5C)
    let special =
      ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
    return special & 0x8080_8080_8080_8080 != 0
  }

  /// The error for the invalid UTF-8 that `error` found in the bytes of `s` from `start` on:
  /// the end of input, if the invalid sequence is only cut short by it.
  private static func invalidUTF8(_ error: UTF8.ValidationError, _ s: Span<UInt8>, _ start: Int)
    -> JSONError
  {
    if error.kind == .truncatedScalar && start + error.byteOffsets.upperBound == s.count {
      return .endOfInputInString(s.count)
    }
    return JSONError(offset: start + error.byteOffsets.lowerBound, reason: "not UTF-8")
  }

  /// Decodes the escape whose backslash is at `j` into `scratch`; returns the index after it.
  private mutating func escape(_ s: Span<UInt8>, _ j: Int) throws(JSONError) -> Int {
    let n = s.count
    guard j + 1 < n else { throw .endOfInputInString(n) }
    let simple: UInt8
    switch s[j + 1] {
    case UInt8(ascii: "\""): simple = 0x22
    case UInt8(ascii: "\\"): simple = 0x5C
    case UInt8(ascii: "/"): simple = 0x2F
    case UInt8(ascii: "b"): simple = 0x08
    case UInt8(ascii: "f"): simple = 0x0C
    case UInt8(ascii: "n"): simple = 0x0A
    case UInt8(ascii: "r"): simple = 0x0D
    case UInt8(ascii: "t"): simple = 0x09
    case UInt8(ascii: "u"):
      var scalar = try Self.hex4(s, j + 2)
      var next = j + 6
      switch scalar {
      case 0xD800...0xDBFF:
        // A high surrogate counts only when an escaped low surrogate follows; anything else
        // after it is left for the caller to read.
        if next + 1 < n && s[next] == UInt8(ascii: "\\") && s[next + 1] == UInt8(ascii: "u") {
          let low = try Self.hex4(s, next + 2)
          if (0xDC00...0xDFFF).contains(low) {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            next += 6
          } else {
            scalar = 0xFFFD
            replacedSurrogates += 1
          }
        } else {
          if next + 1 >= n && (next == n || s[next] == UInt8(ascii: "\\")) {
            // The input ends where a low surrogate could still follow.
            throw .endOfInputInString(n)
          }
          scalar = 0xFFFD
          replacedSurrogates += 1
        }
      case 0xDC00...0xDFFF:
        scalar = 0xFFFD
        replacedSurrogates += 1
      default:
        break
      }
      Self.appendUTF8(scalar, to: &scratch)
      return next
    default:
      throw JSONError(offset: j + 1, reason: "invalid escape '\\\(Self.printable(s[j + 1]))'")
    }
    scratch.append(simple)
    return j + 2
  }

  /// The value of the four hex digits at `at`.
  private static func hex4(_ s: Span<UInt8>, _ at: Int) throws(JSONError) -> UInt32 {
    var value: UInt32 = 0
    for k in at..<(at + 4) {
      guard k < s.count else { throw .endOfInputInString(s.count) }
      let c = s[k]
      let digit: UInt8
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
      default: throw JSONError(offset: k, reason: "invalid \\u escape (expected 4 hex digits)")
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Appends the UTF-8 encoding of `scalar` (not a surrogate, at most U+FFFF or a combined
  /// pair up to U+10FFFF) to `out`.
  private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
      out.append(UInt8(scalar))
    case 0x80..<0x800:
      out.append(UInt8(0xC0 | scalar >> 6))
      out.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
      out.append(UInt8(0xE0 | scalar >> 12))
      out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      out.append(UInt8(0x80 | scalar & 0x3F))
    default:
      out.append(UInt8(0xF0 | scalar >> 18 & 0x07))
      out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
      out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
      out.append(UInt8(0x80 | scalar & 0x3F))
    }
  }


  /// `b` as two upper-case hex digits.
  private static func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 0xF)]], as: UTF8.self)
  }

  /// `b` as itself when it is printable ASCII, else as `\xHH`-style hex.
  private static func printable(_ b: UInt8) -> String {
    (0x20..<0x7F).contains(b) ? String(UnicodeScalar(b)) : "x\(hex(b))"
  }
}
