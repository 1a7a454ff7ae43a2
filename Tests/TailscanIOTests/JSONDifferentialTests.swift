import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

/// Seeded random JSON documents, each with the value it must parse to.
///
/// Documents mix nested objects and arrays, duplicate keys, numbers of every shape the grammar
/// allows, every escape (surrogate pairs included), raw text from all UTF-8 lengths, long
/// strings (for the 8-byte scanning) and whitespace between any two tokens.
struct RandomJSON {
  var rng: SplitMix64
  /// Whether to write Python's `NaN`, `Infinity` and `-Infinity` (Foundation rejects them).
  var pythonNumbers = false
  var maxDepth = 5

  init(seed: UInt64, pythonNumbers: Bool = false) {
    rng = SplitMix64(seed: seed)
    self.pythonNumbers = pythonNumbers
  }

  /// A document whose top-level value is an object or an array, without whitespace around it.
  mutating func document() -> (text: [UInt8], value: JSONValue) {
    var text: [UInt8] = []
    let value = rng.chance(0.5) ? object(&text, depth: 1) : array(&text, depth: 1)
    return (text, value)
  }

  /// A document whose top-level value may be anything, with whitespace around it.
  mutating func anyDocument() -> (text: [UInt8], value: JSONValue) {
    var text: [UInt8] = []
    space(&text)
    let value = self.value(&text, depth: 0)
    space(&text)
    return (text, value)
  }

  private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

  private mutating func space(_ text: inout [UInt8]) {
    guard rng.chance(0.3) else { return }
    for _ in 0..<int(1...3) { text.append([0x20, 0x09, 0x0A, 0x0D][int(0...3)]) }
  }

  private mutating func value(_ text: inout [UInt8], depth: Int) -> JSONValue {
    let containers = depth < maxDepth ? 3 : 0
    switch int(0...(9 + containers)) {
    case 0:
      text += Array("null".utf8)
      return .null
    case 1:
      text += Array("true".utf8)
      return .bool(true)
    case 2:
      text += Array("false".utf8)
      return .bool(false)
    case 3...5:
      let literal = number()
      text += Array(literal.utf8)
      return .number(literal)
    case 6...9: return .string(string(&text))
    case 10: return object(&text, depth: depth + 1)
    default: return array(&text, depth: depth + 1)
    }
  }

  private mutating func array(_ text: inout [UInt8], depth: Int) -> JSONValue {
    text.append(UInt8(ascii: "["))
    space(&text)
    var elements: [JSONValue] = []
    for k in 0..<int(0...6) {
      if k > 0 {
        text.append(UInt8(ascii: ","))
        space(&text)
      }
      elements.append(value(&text, depth: depth))
      space(&text)
    }
    text.append(UInt8(ascii: "]"))
    return .array(elements)
  }

  private mutating func object(_ text: inout [UInt8], depth: Int) -> JSONValue {
    text.append(UInt8(ascii: "{"))
    space(&text)
    var members: [(key: String, value: JSONValue)] = []
    // A few keys, so that duplicates are common.
    let pool = ["a", "b", "task", "doc", "", "é", "😀", "x y", "\u{0}", "\u{7F}"]
    for k in 0..<int(0...6) {
      if k > 0 {
        text.append(UInt8(ascii: ","))
        space(&text)
      }
      let key: String
      if rng.chance(0.6) {
        key = pool[int(0...(pool.count - 1))]
        writeEscaped(key, to: &text)
      } else {
        key = string(&text)
      }
      space(&text)
      text.append(UInt8(ascii: ":"))
      space(&text)
      members.append((key, value(&text, depth: depth)))
      space(&text)
    }
    text.append(UInt8(ascii: "}"))
    return .object(JSONObject(members: members))
  }

  /// A number literal: any shape the grammar allows, within `Double`'s range.
  private mutating func number() -> String {
    if pythonNumbers && rng.chance(0.15) { return ["NaN", "Infinity", "-Infinity"][int(0...2)] }
    var s = rng.chance(0.3) ? "-" : ""
    if rng.chance(0.2) {
      s += "0"
    } else {
      s += String(int(1...9))
      for _ in 0..<[0, 1, 2, 5, 18, 25][int(0...5)] { s += String(int(0...9)) }
    }
    if rng.chance(0.4) {
      s += "."
      for _ in 0..<int(1...17) { s += String(int(0...9)) }
    }
    if rng.chance(0.3) {
      s += rng.chance(0.5) ? "e" : "E"
      s += ["", "+", "-"][int(0...2)]
      let exponent = String(int(0...270))
      s += String(repeating: "0", count: int(0...2)) + exponent  // leading zeros are allowed
    }
    return s
  }

  /// Writes a random string literal and returns its value.
  private mutating func string(_ text: inout [UInt8]) -> String {
    text.append(UInt8(ascii: "\""))
    var value = ""
    let pieces = rng.chance(0.05) ? int(100...400) : int(0...8)
    for _ in 0..<pieces {
      switch int(0...13) {
      case 0...3:
        // A run of printable ASCII (no quote or backslash), sometimes long.
        let length = rng.chance(0.2) ? int(8...90) : int(1...6)
        for _ in 0..<length {
          var b = UInt8(int(0x20...0x7E))
          if b == 0x22 || b == 0x5C { b = 0x41 }
          text.append(b)
          value.unicodeScalars.append(Unicode.Scalar(b))
        }
      case 4:
        let escapes: [(String, String)] = [
          (#"\""#, "\""), (#"\\"#, "\\"), (#"\/"#, "/"), (#"\b"#, "\u{8}"), (#"\f"#, "\u{C}"),
          (#"\n"#, "\n"), (#"\r"#, "\r"), (#"\t"#, "\t"),
        ]
        let (escape, decoded) = escapes[int(0...(escapes.count - 1))]
        text += Array(escape.utf8)
        value += decoded
      case 5, 6:
        // Raw text of every UTF-8 length.
        // (Not U+FEFF: Foundation drops it at the start of a string.)
        let raw = [
          "é", "ß", "漢", "字", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}",
          "\u{2028}", "\u{FFFD}", "😀", "𝄞", "\u{10000}", "\u{10FFFF}",
        ]
        let piece = raw[int(0...(raw.count - 1))]
        text += Array(piece.utf8)
        value += piece
      case 7, 8:
        // A \u escape of a BMP scalar (not a surrogate), control characters included.
        let scalar =
          Unicode.Scalar(
            UInt32(
              rng.chance(0.3) ? int(0...0x1F) : int(0x20...0xD7FF) | (rng.chance(0.2) ? 0xE000 : 0))
          )
          ?? "?"
        text += Array(hexEscape(UInt16(scalar.value)).utf8)
        value.unicodeScalars.append(scalar)
      case 9:
        // An astral scalar as a surrogate pair.
        let scalar = Unicode.Scalar(UInt32(int(0x10000...0x10FFFF)))!
        let units = Array(String(scalar).utf16)
        text += Array((hexEscape(units[0]) + hexEscape(units[1])).utf8)
        value.unicodeScalars.append(scalar)
      default:
        // Plain letters, the common case.
        let word = ["the", " ", "Obama", "432", "Q: ", "A:"][int(0...5)]
        text += Array(word.utf8)
        value += word
      }
    }
    text.append(UInt8(ascii: "\""))
    return value
  }

  private mutating func hexEscape(_ unit: UInt16) -> String {
    let hex = String(unit, radix: 16, uppercase: rng.chance(0.5))
    return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
  }

  /// Writes `key` as a string literal, escaping only what must be escaped.
  private func writeEscaped(_ key: String, to text: inout [UInt8]) {
    text.append(UInt8(ascii: "\""))
    for b in key.utf8 {
      if b < 0x20 {
        text += Array(String(format: "\\u%04x", b).utf8)
      } else {
        if b == 0x22 || b == 0x5C { text.append(0x5C) }
        text.append(b)
      }
    }
    text.append(UInt8(ascii: "\""))
  }
}

/// Why `ours` and Foundation's result differ, or nil when they agree: same structure, strings
/// with the same bytes, numbers with the same `Double` value, and for objects the same keys
/// with the same (last) values.
func foundationDifference(_ ours: JSONValue, _ theirs: Any, path: String = "$") -> String? {
  let booleanType = ObjectIdentifier(type(of: NSNumber(value: true)))
  switch ours {
  case .null:
    return theirs is NSNull ? nil : "\(path): expected null, got \(theirs)"
  case .bool(let b):
    guard let number = theirs as? NSNumber, ObjectIdentifier(type(of: number)) == booleanType
    else { return "\(path): expected \(b), got \(theirs)" }
    return number.boolValue == b ? nil : "\(path): expected \(b), got \(number)"
  case .number(let literal):
    guard let number = theirs as? NSNumber, ObjectIdentifier(type(of: number)) != booleanType,
      let expected = Double(literal)
    else { return "\(path): expected \(literal), got \(theirs)" }
    let got = number.doubleValue
    // Foundation's conversion is not correctly rounded (`Double(_:)`'s is): with a long
    // mantissa or a large exponent it can be off in the 15th digit.
    let close = got == expected || abs(got - expected) <= 1e-13 * abs(expected)
    return close ? nil : "\(path): expected \(literal), got \(got)"
  case .string(let s):
    guard let string = theirs as? String, Array(string.utf8) == Array(s.utf8) else {
      return "\(path): expected \(s.debugDescription), got \(theirs)"
    }
    return nil
  case .array(let elements):
    guard let array = theirs as? [Any], array.count == elements.count else {
      return "\(path): expected \(elements.count) elements, got \(theirs)"
    }
    for (k, element) in elements.enumerated() {
      if let difference = foundationDifference(element, array[k], path: "\(path)[\(k)]") {
        return difference
      }
    }
    return nil
  case .object(let object):
    guard let dictionary = theirs as? [String: Any] else {
      return "\(path): expected an object, got \(theirs)"
    }
    let keys = Set(object.keys)
    guard keys.count == dictionary.count else {
      return "\(path): expected keys \(keys.sorted()), got \(dictionary.keys.sorted())"
    }
    for key in keys {
      guard let theirValue = dictionary[key], let ourValue = object[key] else {
        return "\(path): no \(key.debugDescription) in \(dictionary)"
      }
      if let difference = foundationDifference(ourValue, theirValue, path: "\(path).\(key)") {
        return difference
      }
    }
    return nil
  }
}

/// Whether `value` holds a number literal too big for a `Double` (Foundation rejects those).
func hasInfinity(_ value: JSONValue) -> Bool {
  switch value {
  case .number: value.double?.isInfinite == true
  case .array(let elements): elements.contains(where: hasInfinity)
  case .object(let object): object.members.contains { hasInfinity($0.value) }
  default: false
  }
}

/// `bytes` for a failure message: as text, escaped, and cut short if long.
func show(_ bytes: [UInt8]) -> String {
  let text = String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription
  return bytes.count > 400 ? text + "… (\(bytes.count) bytes)" : text
}

/// Foundation's parse of `bytes`, or nil if it rejects them.
func foundationParse(_ bytes: [UInt8]) -> Any? {
  try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

@Suite("JSONParser differential and robustness")
struct JSONDifferentialTests {
  @Test(
    "random documents parse to the values written, and as Foundation reads them", arguments: 0..<8)
  func differential(seed: UInt64) throws {
    var generator = RandomJSON(seed: seed)
    var parser = JSONParser()
    for index in 0..<600 {
      let (text, expected) = index % 4 == 3 ? generator.anyDocument() : generator.document()
      let label = "seed \(seed), document \(index): \(show(text))"
      let value = try parser.parse(text.span)
      #expect(value == expected, "\(label)")
      #expect(try JSONValue.parse(text) == expected, "\(label)")
      guard let theirs = foundationParse(text) else {
        Issue.record("Foundation rejects \(label)")
        continue
      }
      if let difference = foundationDifference(value, theirs) {
        Issue.record("\(difference) in \(label)")
      }
      // The compact form parses back to the same value.
      #expect(try JSONValue.parse(value.description) == value, "\(label)")
    }
    #expect(parser.replacedSurrogates == 0)
  }

  @Test("Python's numbers in random documents", arguments: 0..<2)
  func pythonNumbers(seed: UInt64) throws {
    var generator = RandomJSON(seed: 100 + seed, pythonNumbers: true)
    for index in 0..<500 {
      let (text, expected) = generator.anyDocument()
      #expect(
        try JSONValue.parse(text) == expected,
        "seed \(seed), document \(index): \(show(text))")
    }
  }

  @Test("every proper prefix of a document is cut short exactly at its end", arguments: 0..<4)
  func truncations(seed: UInt64) {
    var generator = RandomJSON(seed: 200 + seed, pythonNumbers: true)
    generator.maxDepth = 4
    var parser = JSONParser()
    var checked = 0
    while checked < 150 {
      let (text, _) = generator.document()
      if text.count > 600 { continue }
      checked += 1
      for cut in 0..<text.count {
        let prefix = Array(text[..<cut])
        do {
          _ = try parser.parse(prefix.span)
          Issue.record("a prefix parsed: \(String(decoding: prefix, as: UTF8.self))")
        } catch {
          // A prefix of a valid document is valid as far as it goes.
          #expect(
            error.offset == cut && error.reason.hasPrefix("unexpected end of input"),
            "\(error) for \(String(decoding: prefix, as: UTF8.self).debugDescription)")
        }
      }
    }
  }

  @Test("mutated documents parse or throw, and agree with Foundation", arguments: 0..<8)
  func mutations(seed: UInt64) {
    var generator = RandomJSON(seed: 300 + seed)
    generator.maxDepth = 3
    var rng = SplitMix64(seed: 400 + seed)
    var parser = JSONParser()
    let interesting: [UInt8] =
      Array(#"{}[]":,\/ -+.0123456789eEtrufalsnNIy"#.utf8)
      + [
        0x00, 0x01, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4,
        0xF5, 0xFF,
      ]
    var outcomes = (accepted: 0, rejected: 0)
    for index in 0..<2_500 {
      var (text, _) = generator.anyDocument()
      for _ in 0..<Int.random(in: 1...3, using: &rng) {
        let at = Int.random(in: 0...text.count, using: &rng)
        let byte =
          rng.chance(0.7)
          ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        switch Int.random(in: 0...3, using: &rng) {
        case 0 where at < text.count: text[at] = byte
        case 1 where at < text.count: text.remove(at: at)
        case 2 where at < text.count:
          let end = min(text.count, at + Int.random(in: 1...8, using: &rng))
          text.insert(contentsOf: text[at..<end], at: Int.random(in: 0...text.count, using: &rng))
        default: text.insert(byte, at: at)
        }
      }
      let label = "seed \(seed), case \(index): \(show(text))"
      let ours: Result<JSONValue, JSONError>
      do {
        ours = .success(try parser.parse(text.span))
        outcomes.accepted += 1
      } catch {
        ours = .failure(error)
        outcomes.rejected += 1
        #expect(error.offset >= 0 && error.offset <= text.count, "\(label)")
      }
      // Foundation guesses UTF-16 and UTF-32 from NUL bytes and skips a byte order mark; and
      // it rejects NaN and lone surrogates, which this parser accepts on purpose.
      if text.contains(0) || text.starts(with: [0xEF, 0xBB, 0xBF]) { continue }
      let theirs = foundationParse(text)
      switch ours {
      case .success(let value):
        guard let theirs else {
          let text = String(decoding: text, as: UTF8.self)
          let explained =
            ["NaN", "Infinity", "\\u"].contains { text.contains($0) } || hasInfinity(value)
          #expect(explained, "only Foundation rejects \(label)")
          continue
        }
        if let difference = foundationDifference(value, theirs) {
          Issue.record("\(difference) in \(label)")
        }
      case .failure(let error):
        // Foundation accepts trailing commas; nothing else should get past it.
        #expect(
          theirs == nil || error.reason.hasPrefix("trailing comma"),
          "only this parser rejects (\(error)) \(label)")
      }
    }
    #expect(outcomes.accepted > 100 && outcomes.rejected > 1_000, "\(outcomes)")
  }

  @Test("random bytes parse or throw, never trap", arguments: 0..<4)
  func randomBytes(seed: UInt64) {
    var rng = SplitMix64(seed: 500 + seed)
    let alphabet = Array(#"{}[]":, \-.0eE1"\\nuD8aIN"#.utf8) + [0x80, 0xC3, 0xA9, 0xFF]
    var parser = JSONParser()
    for _ in 0..<5_000 {
      let count = Int.random(in: 0...40, using: &rng)
      let bytes = (0..<count).map { _ in
        rng.chance(0.8)
          ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
      }
      do {
        _ = try parser.parse(bytes.span)
      } catch {
        #expect(error.offset >= 0 && error.offset <= bytes.count, "\(bytes)")
      }
    }
  }
}
