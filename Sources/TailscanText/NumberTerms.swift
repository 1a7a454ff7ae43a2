/// The number-term rules of Razeghi et al. 2022 (DESIGN §3), with the paper's values as defaults.
///
/// Tokens are whitespace tokens (Python `str.split()`). A number is a token of 1 to `maxDigits`
/// ASCII digits and nothing else (`24,`, `24.5`, `$24`, `1,000` are not numbers; `07` and `7`
/// differ). Numbers pair with the numbers at most `window` tokens after them, and with keywords
/// at most `window` tokens away on either side. A keyword is a unit (`units`, matched
/// ASCII-case-insensitively, with an optional plural `s`, and keyed by its singular form) or an
/// operator (`operators`, matched exactly).
public struct NumberRules: Sendable, Equatable, Codable {
  public var window: Int
  public var maxDigits: Int
  public var units: [String]
  public var operators: [String]

  public static let paperWindow = 4
  public static let paperMaxDigits = 6
  public static let paperUnits = ["second", "minute", "hour", "day", "week", "month", "year", "decade"]
  public static let paperOperators = ["plus", "+", "minus", "-", "times", "*"]
  /// Numbers of up to this many digits can be counted.
  public static let digitLimit = 9

  public init(
    window: Int = NumberRules.paperWindow, maxDigits: Int = NumberRules.paperMaxDigits,
    units: [String] = NumberRules.paperUnits, operators: [String] = NumberRules.paperOperators
  ) {
    self.window = window
    self.maxDigits = maxDigits
    self.units = units
    self.operators = operators
  }

  /// The keywords as keyed in the tables: units (lower-cased) then operators.
  public var keywords: [String] { units.map { $0.lowercased() } + operators }
}

/// A number token's place in the byte (string) order of all digit strings of up to
/// `NumberRules.digitLimit` digits: comparing codes compares the strings (`"100" < "7"`).
public enum NumberCode {
  /// `subtree[i]`: how many digit strings start with a given prefix of length `i + 1`, itself
  /// included.
  static let subtree: [UInt32] = (1...NumberRules.digitLimit).map { depth in
    var total: UInt32 = 0
    var power: UInt32 = 1
    for _ in 0...(NumberRules.digitLimit - depth) {
      total += power
      power &*= 10
    }
    return total
  }

  /// The code of a token of ASCII digits (at most `digitLimit` of them).
  public static func encode(_ token: Span<UInt8>) -> UInt32 {
    var code: UInt32 = 0
    for i in token.indices {
      code += UInt32(token[i] &- 0x30) &* subtree[i] + 1
    }
    return code - 1
  }

  /// The digits of `code`.
  public static func decode(_ code: UInt32) -> [UInt8] {
    var digits: [UInt8] = []
    var rest = code
    for depth in 0..<NumberRules.digitLimit {
      let digit = rest / subtree[depth]
      digits.append(0x30 + UInt8(digit))
      rest -= digit * subtree[depth]
      if rest == 0 { break }
      rest -= 1
    }
    return digits
  }
}

/// Classifies whitespace tokens as numbers, keywords or neither, for `NumberRules`.
public struct NumberClassifier: Sendable {
  /// What a token is.
  public enum Term: Equatable, Sendable {
    case number(code: UInt32)
    case keyword(index: Int)
    case other
  }

  public let rules: NumberRules
  /// Keyword forms: bytes, keyword index, and whether ASCII case is ignored.
  private let forms: [(bytes: [UInt8], keyword: Int, foldsCase: Bool)]
  /// An open-addressing table of form indices + 1, by the hash of the lower-cased bytes.
  private let slots: [Int]
  private let mask: Int
  @usableFromInline let longestForm: Int
  /// Whether a byte can start a keyword form (either case for units), and whether two
  /// ASCII-lower-cased bytes can start one: most tokens stop at these.
  @usableFromInline let starts: [Bool]
  private let prefixes: [Bool]

  public init(rules: NumberRules) {
    precondition(rules.maxDigits >= 1 && rules.maxDigits <= NumberRules.digitLimit)
    self.rules = rules
    var forms: [(bytes: [UInt8], keyword: Int, foldsCase: Bool)] = []
    for (k, unit) in rules.units.enumerated() {
      let lower = Array(unit.lowercased().utf8)
      forms.append((lower, k, true))
      forms.append((lower + [UInt8(ascii: "s")], k, true))
    }
    for (k, op) in rules.operators.enumerated() {
      forms.append((Array(op.utf8), rules.units.count + k, false))
    }
    forms.removeAll { $0.bytes.isEmpty }
    var size = 16
    while size < forms.count * 4 { size <<= 1 }
    var slots = [Int](repeating: 0, count: size)
    var starts = [Bool](repeating: false, count: 256)
    var prefixes = [Bool](repeating: false, count: 1 << 16)
    for (f, form) in forms.enumerated() {
      var i = Self.hash(form.bytes.span) & (size - 1)
      while slots[i] != 0 { i = (i + 1) & (size - 1) }
      slots[i] = f + 1
      let first = form.bytes[0]
      starts[Int(first)] = true
      if form.foldsCase { starts[Int(Self.upper(first))] = true }
      if form.bytes.count >= 2 {
        prefixes[Int(Self.lower(first)) << 8 | Int(Self.lower(form.bytes[1]))] = true
      }
    }
    self.forms = forms
    self.slots = slots
    mask = size - 1
    longestForm = forms.map(\.bytes.count).max() ?? 0
    self.starts = starts
    self.prefixes = prefixes
    // Units with non-ASCII letters are matched in any case through Unicode lower-casing (as
    // Python's str.lower()), for tokens with non-ASCII bytes only.
    var unicodeUnits: [String: Int] = [:]
    for (k, unit) in rules.units.enumerated() where !unit.utf8.allSatisfy({ $0 < 0x80 }) {
      unicodeUnits[unit.lowercased()] = k
      unicodeUnits[unit.lowercased() + "s"] = k
    }
    self.unicodeUnits = unicodeUnits
    hasUnicodeUnits = !unicodeUnits.isEmpty
  }

  /// Lower-cased unit forms that contain non-ASCII letters (usually none).
  private let unicodeUnits: [String: Int]
  @usableFromInline let hasUnicodeUnits: Bool

  /// Whether `token` may be a number or a keyword (false for most tokens, answered inline in
  /// the caller's loop; `classify` decides).
  @inlinable @inline(__always)
  public func isCandidate(_ token: Span<UInt8>) -> Bool {
    let n = token.count
    if n == 0 { return false }
    let first = token[0]
    if first &- 0x30 < 10 || hasUnicodeUnits { return true }
    return n <= longestForm && starts[Int(first)]
  }

  @inline(__always)
  static func lower(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }
  @inline(__always)
  static func upper(_ b: UInt8) -> UInt8 { b &- 0x61 < 26 ? b & ~0x20 : b }

  /// FNV-1a of the ASCII-lower-cased bytes.
  static func hash(_ bytes: Span<UInt8>) -> Int {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in bytes.indices { h = (h ^ UInt64(lower(bytes[i]))) &* 0x100_0000_01b3 }
    return Int(truncatingIfNeeded: h ^ h >> 29)
  }

  /// What `token` is.
  @inline(__always)
  public func classify(_ token: Span<UInt8>) -> Term {
    let n = token.count
    if n == 0 { return .other }
    let first = token[0]
    if first &- 0x30 < 10 {
      if n > rules.maxDigits { return .other }
      for i in 1..<n where token[i] &- 0x30 >= 10 { return .other }
      return .number(code: NumberCode.encode(token))
    }
    if !unicodeUnits.isEmpty, case .keyword(let k)? = unicodeKeyword(token) {
      return .keyword(index: k)
    }
    if n > longestForm || !starts[Int(first)] { return .other }
    if n >= 2 && !prefixes[Int(Self.lower(first)) << 8 | Int(Self.lower(token[1]))] {
      return .other
    }
    return keyword(token)
  }

  /// A unit with non-ASCII letters, for a token with non-ASCII bytes.
  private func unicodeKeyword(_ token: Span<UInt8>) -> Term? {
    var bytes: [UInt8] = []
    var ascii = true
    for i in token.indices {
      bytes.append(token[i])
      if token[i] >= 0x80 { ascii = false }
    }
    if ascii { return nil }
    return unicodeUnits[String(decoding: bytes, as: UTF8.self).lowercased()].map {
      .keyword(index: $0)
    }
  }

  private func keyword(_ token: Span<UInt8>) -> Term {
    var i = Self.hash(token) & mask
    while slots[i] != 0 {
      let form = forms[slots[i] - 1]
      if form.bytes.count == token.count {
        var same = true
        for k in token.indices where same {
          let b = form.foldsCase ? Self.lower(token[k]) : token[k]
          same = b == form.bytes[k]
        }
        if same { return .keyword(index: form.keyword) }
      }
      i = (i + 1) & mask
    }
    return .other
  }
}
