import Foundation
import TailscanStore
import TailscanTestSupport
import TailscanText
import Testing

/// `AliasTokenIndex.scan` (whole documents: split, strip, fold, hash and look up in one pass,
/// lookups pipelined) against the matcher's token-by-token path (`EntityMatcher.prepare` for each
/// token of `Reference.split`): the same items, tokens, first edges and matches, on seeded
/// documents built to hit every branch of the scan.
struct AliasTokenIndexTests {
  /// The counter tests' dictionary, plus aliases whose tokens have 8, 9, 16 and 17 bytes (the
  /// word boundaries of the index and its limit), sentence punctuation inside, and control bytes.
  static let entries: [(id: String, aliases: [String])] =
    EntityCounterTests.entries + [
      ("L8", ["abcdefgh", "abcdefgh ijklmnop"]),
      ("L9", ["ABCDEFGHI", "abcdefghi jklmnopqr"]),
      ("L16", ["abcdefghijklmnop", "Abcdefghijklmnop qrstuvwxyzabcdef ghi"]),
      ("L17", ["abcdefghijklmnopq", "abcdefghijklmnopq abcdefgh"]),
      ("SW4", ["Star Wars: Episode IV"]),
      ("StL", ["St. Louis"]),
      ("ctl", ["a\u{1}b", "x\u{7F}y z"]),
      ("num", ["1984", "route 66"]),
    ]

  static let pool: [String] = {
    var pool = EntityCounterTests.textPool
    pool += [
      "abcdefgh", "ABCDEFGH", "abcdefghi", "ijklmnop", "IJKLMNOP.", "jklmnopqr", "abcdefghijklmnop",
      "ABCDEFGHIJKLMNOP,", "abcdefghijklmnopq", "(abcdefghijklmnopq)", "qrstuvwxyzabcdef", "ghi",
      "Star", "Wars:", "wars", "Episode", "IV", "IV.", "St.", "St", "Louis", "louis!", "a\u{1}b",
      "x\u{7F}y", "z", "1984", "1984.", "route", "66", "Route", "...", ".", "!?", "&&", "-", "\"",
      "'", "(", ")", "…", "—", "Zzzzzzzzzzzzzzzzzzzzzzzz", "aaaaaaaaaaaaaaaaa", "ÀBCDEFGHIJ", "é",
      "\u{1F600}", "Paris\u{1F600}", "\u{300}", "ǅ", "ﬀ", "K",
    ]
    return pool
  }()

  static let separators = [
    " ", " ", " ", "  ", "\t", "\n", "\r\n", "\u{A0}", "\u{3000}", "\u{2028}", "\u{1C}", "\u{85}",
    "\u{2009}", "\u{1680}", "\u{0B}",
  ]

  /// A seeded document: pool tokens with random case and punctuation at their edges, random
  /// separators, sometimes leading or trailing whitespace and sometimes none at the end.
  static func document(_ rng: inout SplitMix64) -> String {
    var text = rng.chance(0.2) ? separators[Int.random(in: 0..<separators.count, using: &rng)] : ""
    let count = rng.chance(0.1) ? Int.random(in: 200...1200, using: &rng) : Int.random(in: 0...40, using: &rng)
    let before = ["", "", "", "(", "\"", "«", "'", "[", "..."]
    let after = ["", "", "", ",", ".", ")", "!", ":", ";", "?", "\"", "».", "...", "—"]
    for k in 0..<count {
      if k > 0 { text += separators[Int.random(in: 0..<separators.count, using: &rng)] }
      var token = pool[Int.random(in: 0..<pool.count, using: &rng)]
      switch Int.random(in: 0..<4, using: &rng) {
      case 0: token = token.uppercased()
      case 1: token = token.lowercased()
      default: break
      }
      text += before[Int.random(in: 0..<before.count, using: &rng)] + token
        + after[Int.random(in: 0..<after.count, using: &rng)]
    }
    if rng.chance(0.2) { text += separators[Int.random(in: 0..<separators.count, using: &rng)] }
    return text
  }

  @Test(arguments: [true, false])
  func scanEqualsTokenByToken(foldsCase: Bool) throws {
    let matcher = EntityMatcher(entries: Self.entries, foldsCase: foldsCase)
    let index = AliasTokenIndex(matcher: matcher)
    var rng = SplitMix64(seed: foldsCase ? 0xA11A5 : 0xCA5E)
    var scratch: [UInt8] = []
    var scanned = TokenBatch()
    var matchedAny = 0
    for d in 0..<1500 {
      let text = Self.document(&rng)
      let bytes = Array(text.utf8)
      var byToken = TokenBatch()
      let tokens = Reference.split(text)
      for token in tokens { matcher.prepare(Array(token.utf8).span, into: &byToken, scratch: &scratch) }
      // The same batch, reused as the counter reuses it.
      scanned.removeAll()
      let count = index.scan(bytes.span, into: &scanned, scratch: &scratch)
      #expect(count == tokens.count, "document \(d): \(text.debugDescription)")
      #expect(scanned.items == byToken.items, "document \(d): \(text.debugDescription)")
      #expect(scanned.firstEdges.count == scanned.items.count)
      // The scan's first edges are those appendMatches would look up itself.
      var fromScan: [UInt32] = []
      var edges = scanned.firstEdges
      matcher.appendMatches(in: &scanned, to: &fromScan)
      var own: [UInt32] = []
      matcher.appendMatches(in: &byToken, to: &own)
      #expect(byToken.firstEdges == edges, "document \(d): \(text.debugDescription)")
      #expect(fromScan == own, "document \(d): \(text.debugDescription)")
      matchedAny += own.isEmpty ? 0 : 1
      edges.removeAll()
    }
    #expect(matchedAny > 500)
  }

  /// Documents that end inside the last 16 bytes of their buffer, right after a token (the
  /// scan reads words there byte by byte), and every prefix of a document.
  @Test func tokensAtTheEndOfTheText() throws {
    let matcher = EntityMatcher(entries: Self.entries, foldsCase: true)
    let index = AliasTokenIndex(matcher: matcher)
    var scratch: [UInt8] = []
    let text = Array("x New York City. abcdefghijklmnop ABCDEFGHI, Star Wars: Episode IV St. Louis".utf8)
    for end in 0...text.count {
      guard let prefix = String(validating: text[0..<end], as: UTF8.self) else { continue }
      var byToken = TokenBatch()
      for token in Reference.split(prefix) {
        matcher.prepare(Array(token.utf8).span, into: &byToken, scratch: &scratch)
      }
      var scanned = TokenBatch()
      _ = index.scan(text[0..<end].span, into: &scanned, scratch: &scratch)
      #expect(scanned.items == byToken.items, "\(prefix.debugDescription)")
    }
  }

  /// A counter fed whole documents counts what one fed token by token counts.
  @Test func counterByTextEqualsByToken() throws {
    let matcher = EntityMatcher(entries: Self.entries, foldsCase: true)
    var rng = SplitMix64(seed: 0x7E47)
    var byText = try EntityCounter(matcher: matcher, keepDocumentIDs: true)
    var byToken = try EntityCounter(matcher: matcher, index: byText.index, keepDocumentIDs: true)
    for d in 0..<300 {
      let text = Self.document(&rng)
      try byText.beginDocument(id: UInt64(d))
      try byToken.beginDocument(id: UInt64(d))
      byText.add(text: Array(text.utf8).span)
      for token in Reference.split(text) { byToken.add(token: Array(token.utf8).span) }
    }
    try byText.endDocument()
    try byToken.endDocument()
    #expect(byText.tokens == byToken.tokens)
    let dir = try TemporaryDirectory()
    let a = try dir.makeDirectory("by-text")
    let b = try dir.makeDirectory("by-token")
    _ = try byText.writeTables(to: a, seed: 1)
    _ = try byToken.writeTables(to: b, seed: 1)
    for name in ["entities-1.tsc", "entities-2.tsc", "entities-docs.tsd"] {
      let fromText = FileManager.default.contents(atPath: "\(a)/\(name)")
      #expect(fromText != nil && fromText == FileManager.default.contents(atPath: "\(b)/\(name)"), "\(name)")
    }
  }
}
