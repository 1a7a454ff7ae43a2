/// How document text is split into tokens. One tokenizer is used for a whole run and is
/// recorded in the manifest, so queries are tokenized the same way.
public enum Tokenizer: Sendable, Equatable, Hashable {
  /// Python's `str.split()` with no argument: maximal runs of non-whitespace, where whitespace is
  /// exactly the characters for which Python's `str.isspace()` is true. No other cleaning, so
  /// `24,` and `24` differ, as in Razeghi et al.
  case whitespace
  /// Maximal runs of Unicode letters, marks and numbers (general categories L*, M*, N*);
  /// everything else separates tokens. With `lowercase`, tokens are lower-cased
  /// (Unicode lowercase mapping).
  case words(lowercase: Bool)

  /// The name recorded in manifests and accepted by `--tokenizer`.
  public var name: String {
    switch self {
    case .whitespace: "whitespace"
    case .words: "words"
    }
  }

  /// Whether tokens are lower-cased.
  public var lowercases: Bool {
    if case .words(let lowercase) = self { return lowercase }
    return false
  }

  /// Builds a tokenizer from its manifest name.
  public init?(name: String, lowercase: Bool) {
    switch name {
    case "whitespace": if lowercase { return nil } else { self = .whitespace }
    case "words": self = .words(lowercase: lowercase)
    default: return nil
    }
  }

  /// Splits valid UTF-8 `text` into tokens and calls `body` with each, in order.
  ///
  /// `scratch` is reused storage for tokens that must be rewritten (lower-casing); pass the same
  /// array for every document to avoid allocations.
  @inlinable
  public func forEachToken(
    in text: Span<UInt8>, scratch: inout [UInt8], _ body: (Span<UInt8>) throws -> Void
  ) rethrows {
    switch self {
    case .whitespace:
      try WhitespaceSplitter.forEachToken(in: text, body)
    case .words(let lowercase):
      try WordSplitter.forEachToken(in: text, lowercase: lowercase, scratch: &scratch, body)
    }
  }

  /// The tokens of `text` as strings (for queries and tests; not for the counting hot path).
  public func tokens(of text: String) -> [String] {
    var result: [String] = []
    var scratch: [UInt8] = []
    let bytes = Array(text.utf8)
    forEachToken(in: bytes.span, scratch: &scratch) { token in
      var chars: [UInt8] = []
      chars.reserveCapacity(token.count)
      for k in token.indices { chars.append(token[k]) }
      result.append(String(decoding: chars, as: UTF8.self))
    }
    return result
  }
}

/// Python `str.split()` on UTF-8 bytes.
public enum WhitespaceSplitter {
  /// Byte classes: 0 = part of a token, 1 = ASCII whitespace, 2 = lead byte that may start a
  /// multi-byte whitespace character (C2, E1, E2, E3).
  @usableFromInline
  static let byteClass: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 256)
    for b in [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20] { table[b] = 1 }
    for b in [0xC2, 0xE1, 0xE2, 0xE3] { table[b] = 2 }
    return table
  }()

  /// The length of the whitespace character at `i` (0 if none). `text` must be valid UTF-8.
  ///
  /// Multi-byte whitespace in Python: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
  /// U+202F, U+205F, U+3000.
  @inlinable
  static func multiByteSpaceLength(_ text: Span<UInt8>, _ i: Int, lead: UInt8) -> Int {
    let n = text.count
    switch lead {
    case 0xC2:
      guard i + 1 < n else { return 0 }
      let b1 = text[i + 1]
      return b1 == 0x85 || b1 == 0xA0 ? 2 : 0
    case 0xE1:
      guard i + 2 < n else { return 0 }
      return text[i + 1] == 0x9A && text[i + 2] == 0x80 ? 3 : 0
    case 0xE2:
      guard i + 2 < n else { return 0 }
      let b1 = text[i + 1]
      let b2 = text[i + 2]
      if b1 == 0x80 { return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0 }
      if b1 == 0x81 { return b2 == 0x9F ? 3 : 0 }
      return 0
    default:  // 0xE3
      guard i + 2 < n else { return 0 }
      return text[i + 1] == 0x80 && text[i + 2] == 0x80 ? 3 : 0
    }
  }

  /// The length of the whitespace character at `i` (0 if the byte there starts none). `text`
  /// must be valid UTF-8.
  @inlinable
  package static func spaceLength(_ text: Span<UInt8>, at i: Int) -> Int {
    let b = text[i]
    if b == 0x20 || b &- 0x09 < 5 || b &- 0x1C < 4 { return 1 }
    if b == 0xC2 || b &- 0xE1 < 3 { return multiByteSpaceLength(text, i, lead: b) }
    return 0
  }

  /// Whether `text` (valid UTF-8) is empty or only whitespace, as Python's
  /// `not text.strip()`.
  public static func isBlank(_ text: Span<UInt8>) -> Bool {
    var i = 0
    let n = text.count
    while i < n {
      let length = spaceLength(text, at: i)
      if length == 0 { return false }
      i += length
    }
    return true
  }

  /// The byte ranges of the tokens of `text` (valid UTF-8), in order: the tokens
  /// `forEachToken` hands out, where they are. For showing matches in the text; not for the
  /// counting hot path.
  public static func tokenRanges(in text: Span<UInt8>) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    let n = text.count
    var i = 0
    var start = -1
    while i < n {
      let space = spaceLength(text, at: i)
      if space > 0 {
        if start >= 0 {
          ranges.append(start..<i)
          start = -1
        }
        i += space
      } else {
        if start < 0 { start = i }
        i += 1
      }
    }
    if start >= 0 { ranges.append(start..<n) }
    return ranges
  }

  @inlinable
  static func forEachToken(in text: Span<UInt8>, _ body: (Span<UInt8>) throws -> Void) rethrows {
    let n = text.count
    var i = 0
    var start = -1
    let classes = byteClass
    while i < n {
      let b = text[i]
      // Printable ASCII (most bytes) is always part of a token.
      if b &- 0x21 < 0x5F {
        if start < 0 { start = i }
        i += 1
        while i < n && text[i] &- 0x21 < 0x5F { i += 1 }
        continue
      }
      let cls = classes[Int(b)]
      var spaceLength = 0
      if cls == 1 {
        spaceLength = 1
      } else if cls == 2 {
        spaceLength = multiByteSpaceLength(text, i, lead: b)
      }
      if spaceLength > 0 {
        if start >= 0 {
          try body(text.extracting(start..<i))
          start = -1
        }
        i += spaceLength
      } else {
        if start < 0 { start = i }
        i += 1
      }
    }
    if start >= 0 { try body(text.extracting(start..<n)) }
  }
}

/// Unicode letter/mark/number runs on UTF-8 bytes.
public enum WordSplitter {
  @usableFromInline
  static let asciiWord: [Bool] = (0..<128).map { b in
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
  }

  @usableFromInline
  static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
      return true
    default:
      return false
    }
  }

  /// Decodes the scalar at `i` of valid UTF-8 and returns it with its length.
  @inlinable
  static func decode(_ text: Span<UInt8>, _ i: Int) -> (Unicode.Scalar, Int) {
    let b0 = UInt32(text[i])
    if b0 < 0x80 { return (Unicode.Scalar(UInt8(b0)), 1) }
    if b0 < 0xE0 {
      let v = (b0 & 0x1F) << 6 | UInt32(text[i + 1] & 0x3F)
      return (Unicode.Scalar(v) ?? "\u{FFFD}", 2)
    }
    if b0 < 0xF0 {
      let v = (b0 & 0x0F) << 12 | UInt32(text[i + 1] & 0x3F) << 6 | UInt32(text[i + 2] & 0x3F)
      return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
    }
    let v =
      (b0 & 0x07) << 18 | UInt32(text[i + 1] & 0x3F) << 12 | UInt32(text[i + 2] & 0x3F) << 6
      | UInt32(text[i + 3] & 0x3F)
    return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
  }

  @inlinable
  static func forEachToken(
    in text: Span<UInt8>, lowercase: Bool, scratch: inout [UInt8],
    _ body: (Span<UInt8>) throws -> Void
  ) rethrows {
    let n = text.count
    var i = 0
    var start = -1
    var needsRewrite = false
    let ascii = asciiWord
    @inline(__always) func flush(_ end: Int) throws {
      if start < 0 { return }
      if lowercase && needsRewrite {
        scratch.removeAll(keepingCapacity: true)
        var k = start
        while k < end {
          let b = text[k]
          if b < 0x80 {
            scratch.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
            k += 1
          } else {
            let (scalar, length) = decode(text, k)
            scratch.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            k += length
          }
        }
        try body(scratch.span)
      } else {
        try body(text.extracting(start..<end))
      }
      start = -1
      needsRewrite = false
    }
    while i < n {
      let b = text[i]
      if b < 0x80 {
        if ascii[Int(b)] {
          if start < 0 { start = i }
          if b >= 0x41 && b <= 0x5A { needsRewrite = true }
        } else {
          try flush(i)
        }
        i += 1
      } else {
        let (scalar, length) = decode(text, i)
        if isWordScalar(scalar) {
          if start < 0 { start = i }
          needsRewrite = true
        } else {
          try flush(i)
        }
        i += length
      }
    }
    try flush(n)
  }
}
