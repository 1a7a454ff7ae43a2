import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

/// What the oracle decodes: `JSONDecoder` ignores the other fields but still parses them.
private struct Document: Decodable {
  var text: String
}

/// Random JSON text, written with every escape form JSON allows.
private struct JSONWriter {
  var rng: SplitMix64

  /// Scalars chosen to hit every code path: escapes, control characters, each UTF-8 length,
  /// surrogate-pair territory, combining marks, and text that looks like JSON.
  static let pools: [[Unicode.Scalar]] = [
    Array("abcXYZ019 ".unicodeScalars),
    Array("\"\\/{}[]:,".unicodeScalars),
    (0..<0x20).map { Unicode.Scalar(UInt8($0)) } + ["\u{7F}"],
    ["é", "ß", "\u{80}", "\u{7FF}", "\u{A0}", "\u{85}"],
    ["漢", "字", "\u{800}", "\u{FFFD}", "\u{FFFF}", "\u{2028}", "\u{2029}", "\u{D7FF}", "\u{E000}"],
    ["😀", "𝄞", "\u{10000}", "\u{10FFFF}", "\u{1F600}"],
    ["\u{301}", "\u{308}", "\u{200D}", "\u{FEFF}"],
  ]

  mutating func randomString(maxLength: Int = 24) -> String {
    var s = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...maxLength, using: &rng) {
      s.append(Self.pools.randomElement(using: &rng)!.randomElement(using: &rng)!)
    }
    if rng.chance(0.1) { return "\"text\": \"" + String(s) }  // looks like the field
    return String(s)
  }

  mutating func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    let padded = String(repeating: "0", count: 4 - digits.count) + digits
    return "\\u" + (rng.chance(0.5) ? padded.uppercased() : padded)
  }

  /// `s` as a JSON string literal, each scalar written in a randomly chosen valid form.
  mutating func literal(_ s: String) -> String {
    if rng.chance(0.15) {
      // Sometimes exactly what JSONEncoder writes (it escapes '/' as '\/').
      let data = try! JSONEncoder().encode(s)
      return String(decoding: data, as: UTF8.self)
    }
    var out = "\""
    for scalar in s.unicodeScalars {
      let v = scalar.value
      let escapeAnyway = rng.chance(0.2)
      switch v {
      case 0x22: out += rng.chance(0.5) ? "\\\"" : hex4(v)
      case 0x5C: out += rng.chance(0.5) ? "\\\\" : hex4(v)
      case 0x2F: out += escapeAnyway ? (rng.chance(0.5) ? "\\/" : hex4(v)) : "/"
      case 0x08: out += rng.chance(0.5) ? "\\b" : hex4(v)
      case 0x0C: out += rng.chance(0.5) ? "\\f" : hex4(v)
      case 0x0A: out += rng.chance(0.5) ? "\\n" : hex4(v)
      case 0x0D: out += rng.chance(0.5) ? "\\r" : hex4(v)
      case 0x09: out += rng.chance(0.5) ? "\\t" : hex4(v)
      case 0..<0x20: out += hex4(v)
      case 0x10000...:
        if escapeAnyway {
          let u = v - 0x10000
          out += hex4(0xD800 + (u >> 10)) + hex4(0xDC00 + (u & 0x3FF))
        } else {
          out.unicodeScalars.append(scalar)
        }
      default:
        if escapeAnyway { out += hex4(v) } else { out.unicodeScalars.append(scalar) }
      }
    }
    return out + "\""
  }

  mutating func space() -> String {
    guard rng.chance(0.4) else { return "" }
    return (0..<Int.random(in: 1...3, using: &rng)).map { _ in [" ", "\t", "\r", "\n"].randomElement(using: &rng)! }.joined()
  }

  mutating func number() -> String {
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: return String(Int.random(in: -1000...1000, using: &rng))
    case 1: return String(Int64.random(in: .min ... .max, using: &rng))
    case 2: return "\(Int.random(in: -99...99, using: &rng)).\(Int.random(in: 0...999, using: &rng))"
    case 3: return "\(Int.random(in: 1...9, using: &rng))e\(["", "+", "-"].randomElement(using: &rng)!)\(Int.random(in: 0...30, using: &rng))"
    default: return "-0.5E-3"
    }
  }

  /// Any JSON value; nested objects may contain a "text" key of any type.
  mutating func value(depth: Int) -> String {
    let kinds = depth > 2 ? 5 : 7
    switch Int.random(in: 0..<kinds, using: &rng) {
    case 0: return "null"
    case 1: return rng.chance(0.5) ? "true" : "false"
    case 2: return number()
    case 3, 4: return literal(randomString())
    case 5:
      let items = (0..<Int.random(in: 0...3, using: &rng)).map { _ in space() + value(depth: depth + 1) + space() }
      return "[" + items.joined(separator: ",") + (items.isEmpty ? space() : "") + "]"
    default:
      var keys = Set<String>()
      for _ in 0..<Int.random(in: 0...3, using: &rng) { keys.insert(rng.chance(0.3) ? "text" : randomString(maxLength: 6)) }
      let members = keys.sorted().shuffled(using: &rng).map { key in
        space() + literal(key) + space() + ":" + space() + value(depth: depth + 1) + space()
      }
      return "{" + members.joined(separator: ",") + (members.isEmpty ? space() : "") + "}"
    }
  }

  /// A JSONL line whose "text" field holds `text`, with other fields of every type around it.
  mutating func line(text: String) -> String {
    var keys = Set<String>()
    for _ in 0..<Int.random(in: 0...5, using: &rng) {
      let key = randomString(maxLength: 8)
      if key != "text" { keys.insert(key) }
    }
    var members = keys.sorted().map { key in (literal(key), value(depth: 1)) }
    let textKey = rng.chance(0.2) ? #""t\u0065xt""# : (rng.chance(0.1) ? #""\u0074ext""# : literal("text"))
    members.insert((textKey, literal(text)), at: Int.random(in: 0...members.count, using: &rng))
    let body = members.map { key, value in space() + key + space() + ":" + space() + value + space() }
    return space() + "{" + body.joined(separator: ",") + "}" + space()
  }
}

@Suite("TextExtractor against JSONDecoder")
struct TextExtractorDifferentialTests {
  @Test("seeded random lines decode exactly as JSONDecoder decodes them", arguments: 0..<8)
  func randomLines(seed: UInt64) throws {
    var writer = JSONWriter(rng: SplitMix64(seed: seed))
    var extractor = TextExtractor(format: .jsonl(field: "text"))
    let decoder = JSONDecoder()
    for index in 0..<400 {
      let text = writer.randomString(maxLength: index % 10 == 0 ? 400 : 40)
      let line = writer.line(text: text)
      let oracle = try decoder.decode(Document.self, from: Data(line.utf8)).text
      #expect(oracle == text, "the generator must write what it means (seed \(seed), line \(index))")
      let got = try extract(Array(line.utf8), with: &extractor)
      #expect(
        got == Array(oracle.utf8),
        "seed \(seed), line \(index): \(line.debugDescription)")
    }
    let replaced = extractor.replacedSurrogates
    #expect(replaced == 0)
  }

  @Test("JSONEncoder's own output, in each of its formats", arguments: 0..<4)
  func encoderOutput(formatting: Int) throws {
    struct Line: Codable {
      var id: Int
      var text: String
      var meta: [String: [String]]
      var score: Double?
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [
      [], [.sortedKeys], [.withoutEscapingSlashes], [.prettyPrinted, .sortedKeys],
    ][formatting]
    var writer = JSONWriter(rng: SplitMix64(seed: 100 + UInt64(formatting)))
    var extractor = TextExtractor(format: .jsonl(field: "text"))
    for id in 0..<200 {
      let value = Line(
        id: id, text: writer.randomString(maxLength: 60),
        meta: ["text": [writer.randomString()], writer.randomString(maxLength: 5): []],
        score: id % 2 == 0 ? nil : Double(id) / 7)
      let data = try encoder.encode(value)
      #expect(try extract([UInt8](data), with: &extractor) == Array(value.text.utf8), "id \(id)")
    }
  }
}
