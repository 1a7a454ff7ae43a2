import TailscanTestSupport
import TailscanText
import Testing

/// Whether a scalar is part of a word: general category L*, M* or N*.
private func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.properties.generalCategory {
  case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
    .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
    true
  default:
    false
  }
}

/// The reference: maximal runs of word scalars, lower-cased scalar by scalar with
/// `String.lowercased()`.
private func referenceWords(_ text: String, lowercase: Bool) -> [String] {
  var tokens: [String] = []
  var current = ""
  for scalar in text.unicodeScalars {
    if isWordScalar(scalar) {
      current += lowercase ? String(scalar).lowercased() : String(scalar)
    } else {
      if !current.isEmpty { tokens.append(current) }
      current = ""
    }
  }
  if !current.isEmpty { tokens.append(current) }
  return tokens
}

@Suite("Tokenizer.words")
struct WordTokenizerTests {
  @Test("examples", arguments: [
    ("Café au lait, Paris!", false, ["Café", "au", "lait", "Paris"]),
    ("Café au lait, Paris!", true, ["café", "au", "lait", "paris"]),
    ("Paris,", false, ["Paris"]),
    ("ŞEHİR Istanbul", true, ["şehi\u{307}r", "istanbul"]),
    ("ΣΟΦΊΑ", true, ["σοφία"]),
    ("don't l'été rock’n’roll", false, ["don", "t", "l", "été", "rock", "n", "roll"]),
    ("24.5 or 24, 18 minutes", false, ["24", "5", "or", "24", "18", "minutes"]),
    ("abc123 ４５ x² Ⅻ", true, ["abc123", "４５", "x²", "ⅻ"]),
    ("snake_case-and-kebab", false, ["snake", "case", "and", "kebab"]),
    ("e\u{301}te\u{301}", false, ["e\u{301}te\u{301}"]),
    ("a😀b 漢字テスト", false, ["a", "b", "漢字テスト"]),
    ("ǅemal ẞ", true, ["ǆemal", "ß"]),
    ("", false, []), (" .,;", true, []),
  ] as [(String, Bool, [String])])
  func examples(text: String, lowercase: Bool, expected: [String]) {
    let got = Tokenizer.words(lowercase: lowercase).tokens(of: text)
    #expect(sameScalars(got, expected), "\(got)")
    #expect(sameScalars(referenceWords(text, lowercase: lowercase), expected), "the reference agrees")
  }

  @Test("seeded random strings match the reference", arguments: 0..<16)
  func random(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let pools: [[Unicode.Scalar]] = [
      Array("abcxyzABCXYZ".unicodeScalars), Array("0189".unicodeScalars),
      Array(" \t\n.,;:!?'’_-\"()".unicodeScalars),
      ["À", "É", "Þ", "ß", "ÿ", "Σ", "ς", "σ", "İ", "ı", "Ş", "ẞ", "ǅ", "Ǆ", "Ω", "Ж", "Ա", "Ⴀ", "Ꭰ"],
      ["漢", "字", "テ", "한", "ก", "ไ", "א", "ع"],
      ["\u{301}", "\u{308}", "\u{20DD}", "\u{0E49}", "\u{093F}"],
      ["٣", "४", "５", "²", "½", "Ⅻ", "ⅻ", "①"],
      ["😀", "👍", "\u{1F3FD}", "\u{200D}", "\u{FEFF}", "\u{A0}", "\u{3000}", "Ⓐ", "\u{E000}", "\u{10FFFF}", "\u{378}"],
      ["𝐀", "𝔸", "𐐀", "𐐨", "𞤀"],
    ]
    var scratch: [UInt8] = []
    for index in 0..<400 {
      var text = String.UnicodeScalarView()
      for _ in 0..<Int.random(in: 0...30, using: &rng) {
        text.append(pools.randomElement(using: &rng)!.randomElement(using: &rng)!)
      }
      let string = String(text)
      for lowercase in [false, true] {
        let tokenizer = Tokenizer.words(lowercase: lowercase)
        let expected = referenceWords(string, lowercase: lowercase)
        let label = "seed \(seed), case \(index), lowercase \(lowercase): \(string.debugDescription)"
        #expect(sameScalars(tokenizer.tokens(of: string), expected), "\(label)")
        // The streaming API, with one scratch buffer reused across documents.
        var streamed: [String] = []
        let bytes = Array(string.utf8)
        tokenizer.forEachToken(in: bytes.span, scratch: &scratch) { token in
          var copy: [UInt8] = []
          for k in token.indices { copy.append(token[k]) }
          streamed.append(String(decoding: copy, as: UTF8.self))
        }
        #expect(sameScalars(streamed, expected), "streamed: \(label)")
      }
    }
  }

  @Test("names round-trip", arguments: [
    Tokenizer.whitespace, .words(lowercase: false), .words(lowercase: true),
  ])
  func names(tokenizer: Tokenizer) {
    #expect(Tokenizer(name: tokenizer.name, lowercase: tokenizer.lowercases) == tokenizer)
  }

  @Test("unknown names and lower-cased whitespace are rejected")
  func badNames() {
    #expect(Tokenizer(name: "whitespace", lowercase: true) == nil)
    #expect(Tokenizer(name: "bpe", lowercase: false) == nil)
  }
}
