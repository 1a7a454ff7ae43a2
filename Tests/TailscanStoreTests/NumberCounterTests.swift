import Foundation
import TailscanStore
import TailscanTestSupport
import TailscanText
import Testing

/// Number terms (DESIGN §3): `NumberCounter`'s written tables against `NumberReference`
/// (TailscanTestSupport), which follows the rules with nested loops over token positions.
struct NumberCounterTests {
  /// Counts `documents` (whitespace tokens), writes the tables and a manifest, and opens them.
  ///
  /// With `closesDocuments` false, documents are closed only by the next `beginDocument()` and
  /// by `writeTables`.
  static func count(
    _ documents: [[String]], rules: NumberRules = NumberRules(), sortBuffer: Int = 1 << 20,
    closesDocuments: Bool = true, in dir: TemporaryDirectory
  ) throws -> (table: CountTable, counter: NumberCounter) {
    var counter = try NumberCounter(rules: rules, sortBuffer: sortBuffer)
    for document in documents {
      try counter.beginDocument()
      for token in document {
        let bytes = Array(token.utf8)
        try counter.add(token: bytes.span)
      }
      if closesDocuments { try counter.endDocument() }
    }
    let path = try dir.makeDirectory("numbers-\(UUID().uuidString)")
    let tables = try counter.writeTables(to: path, seed: 0x5EED)
    let manifest = Manifest(
      toolVersion: "test", createdAt: "",
      settings: .init(
        tokenizer: "whitespace", lowercase: false, orders: [], textField: "text",
        skipBadLines: false, hashSeed: 0x5EED, numbers: rules),
      totals: .init(), tables: tables, inputs: [], skipped: [], warnings: [])
    try manifest.encoded().write(to: URL(fileURLWithPath: "\(path)/\(Manifest.fileName)"))
    return (try CountTable(directory: path, family: .numbers), counter)
  }

  /// Every entry of every order of `table`, by its terms' strings.
  static func contents(_ table: CountTable) throws -> [[String]: Tally] {
    var result: [[String]: Tally] = [:]
    for order in 1...table.maxOrder {
      for index in 0..<table.distinct(order: order) {
        let (ids, counts) = try table.entry(order: order, index: index)
        let key = try ids.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
        #expect(result[key] == nil, "\(key) stored twice")
        result[key] = Tally(count: counts.count, documents: counts.documents)
      }
    }
    return result
  }

  /// Checks `table` holds exactly `expected`, both by listing its entries and by looking each
  /// expected key up.
  static func expectTable(
    _ table: CountTable, equals expected: [[String]: Tally], _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(table.maxOrder == 3, "\(context)", sourceLocation: sourceLocation)
    let stored = try contents(table)
    let differences = tallyDifferences(got: stored, want: expected)
    #expect(differences.isEmpty, "\(context): \(differences)", sourceLocation: sourceLocation)
    for (key, tally) in expected {
      let counts = try table.counts(of: key.map { Array($0.utf8) })
      if counts != NGramCounts(count: tally.count, documents: tally.documents) {
        Issue.record(
          "\(context): counts(of: \(key)) = \(counts), want \(tally)",
          sourceLocation: sourceLocation)
      }
    }
  }

  static let workedExample =
    "Q: What is 24 times 18? A: 432. Also 24 x 18 = 432 and 24.5 or 24, 18 minutes 60 seconds 100000000 7"

  /// DESIGN §3: exactly these terms, each once per document, and nothing else.
  @Test func designWorkedExample() throws {
    let dir = try TemporaryDirectory()
    let (table, counter) = try Self.count([Reference.split(Self.workedExample)], in: dir)
    let one = Tally(count: 1, documents: 1)
    let expected: [[String]: Tally] = [
      ["24"]: Tally(count: 2, documents: 1), ["18"]: Tally(count: 2, documents: 1), ["432"]: one,
      ["60"]: one, ["7"]: one, ["times"]: one, ["minute"]: one, ["second"]: one,
      ["18", "24"]: one, ["24", "432"]: one, ["18", "432"]: one, ["18", "60"]: one,
      ["60", "7"]: one,
      ["24", "times"]: one, ["18", "minute"]: one, ["18", "second"]: one, ["60", "minute"]: one,
      ["60", "second"]: one, ["7", "minute"]: one, ["7", "second"]: one,
      ["18", "24", "432"]: one,
    ]
    try Self.expectTable(table, equals: expected, "worked example")
    // The reference agrees with the paper's example, so the random tests check the same rules.
    #expect(NumberReference.counts([Reference.split(Self.workedExample)]) == expected)
    #expect(counter.tokens == 24)
    #expect(counter.documents == 1)
    #expect(table.occurrences(order: 1) == 10)
    #expect(table.occurrences(order: 2) == 12)
    #expect(table.occurrences(order: 3) == 1)
  }

  /// Numbers (some too long for 2 or 6 digits), things that look like numbers, keywords in
  /// every allowed form, and near-keywords that are not.
  static let numberPool = [
    "7", "07", "24", "18", "100", "0", "00", "99", "12", "3", "432", "123456", "1000000",
    "999999999", "1234567890",
  ]
  static let keywordPool = [
    "minutes", "Minute", "DAYS", "day", "dayS", "Years", "decades", "hours", "WEEK", "month",
    "seconds", "+", "plus", "-", "minus", "times", "*",
  ]
  static let otherPool = [
    "24,", "24.", "24.5", "$24", "18?", "1,000", "-5", "+5", "\u{663}", "\u{FF12}", "1e3", "½",
    "7a",
    "Plus", "TIMES", "x", "minutess", "minute.", "sminute", "M\u{130}NUTE", "\u{17F}econds",
    "dayss",
    "s", "the", "of", "=", "Q:", "A:", "été",
  ]

  /// Random number-dense documents: empty, short, and now and then one long enough that its
  /// pairs and triples are handed on several times within the document.
  static func randomDocuments(_ rng: inout SplitMix64, count: Int, long: Bool) -> [[String]] {
    var documents: [[String]] = []
    for d in 0..<count {
      let length =
        long && d == count / 2
        ? Int.random(in: 1500...2500, using: &rng) : Int.random(in: 0..<30, using: &rng)
      documents.append(
        (0..<length).map { _ in
          let roll = Int.random(in: 0..<100, using: &rng)
          let pool = roll < 45 ? numberPool : roll < 70 ? keywordPool : otherPool
          return pool.randomElement(using: &rng)!
        })
    }
    return documents
  }

  @Test(arguments: [1, 4, 7], [2, 6])
  func randomStreamsMatchTheReference(window: Int, maxDigits: Int) throws {
    let dir = try TemporaryDirectory()
    for seed: UInt64 in 1...3 {
      var rng = SplitMix64(seed: seed &* 1000 &+ UInt64(window * 10 + maxDigits))
      let documents = Self.randomDocuments(&rng, count: 60, long: seed == 2)
      let rules = NumberRules(window: window, maxDigits: maxDigits)
      // Seed 1: tiny sort buffer (many runs merged); seed 3: documents closed by the next one.
      let (table, counter) = try Self.count(
        documents, rules: rules, sortBuffer: seed == 1 ? 1 : 1 << 20, closesDocuments: seed != 3,
        in: dir)
      let expected = NumberReference.counts(documents, window: window, maxDigits: maxDigits)
      try Self.expectTable(
        table, equals: expected, "seed \(rng.seed) window \(window) digits \(maxDigits)")
      #expect(counter.tokens == UInt64(documents.map(\.count).reduce(0, +)))
      #expect(counter.documents == UInt64(documents.count))
    }
  }

  /// Keywords other than the paper's: mixed-case units, a non-ASCII operator, an operator that
  /// differs from a paper one only in case.
  @Test func customKeywordsMatchTheReference() throws {
    let units = ["Hour", "km"]
    let operators = ["x", "÷", "Plus"]
    let rules = NumberRules(window: 3, maxDigits: 9, units: units, operators: operators)
    #expect(rules.keywords == ["hour", "km", "x", "÷", "Plus"])
    var rng = SplitMix64(seed: 99)
    let pool =
      Self.numberPool + [
        "HOURS", "hour", "Km", "KMS", "x", "X", "÷", "Plus", "plus", "minutes", "the",
      ]
    let documents = (0..<80).map { _ in
      (0..<Int.random(in: 0..<25, using: &rng)).map { _ in pool.randomElement(using: &rng)! }
    }
    let dir = try TemporaryDirectory()
    let (table, _) = try Self.count(documents, rules: rules, sortBuffer: 1, in: dir)
    let expected = NumberReference.counts(
      documents, window: 3, maxDigits: 9, units: units, operators: operators)
    try Self.expectTable(table, equals: expected, "custom keywords")
  }

  /// Documents of 0, 1 and 2 tokens; windows end with their document.
  @Test func tinyDocumentsAndDocumentBoundaries() throws {
    let documents: [[String]] = [
      [], ["7"], ["7", "7"], ["minutes"], ["7", "minutes"], ["Minutes", "07"], [], ["1"], ["2"],
      ["plus"], ["3"],
    ]
    let dir = try TemporaryDirectory()
    let (table, counter) = try Self.count(documents, in: dir)
    let expected: [[String]: Tally] = [
      ["7"]: Tally(count: 4, documents: 3), ["minute"]: Tally(count: 3, documents: 3),
      ["07"]: Tally(count: 1, documents: 1), ["1"]: Tally(count: 1, documents: 1),
      ["2"]: Tally(count: 1, documents: 1), ["3"]: Tally(count: 1, documents: 1),
      ["plus"]: Tally(count: 1, documents: 1),
      ["7", "7"]: Tally(count: 1, documents: 1), ["7", "minute"]: Tally(count: 1, documents: 1),
      ["07", "minute"]: Tally(count: 1, documents: 1),
    ]
    try Self.expectTable(table, equals: expected, "tiny documents")
    #expect(NumberReference.counts(documents) == expected)
    #expect(table.distinct(order: 3) == 0)
    #expect(counter.documents == 11)
    #expect(counter.tokens == 12)
  }

  /// A window of exactly `window` tokens counts; one more does not (both directions for
  /// keywords).
  @Test(arguments: [1, 4, 7])
  func windowEdges(window: Int) throws {
    let gap = { (n: Int) in Array(repeating: "w", count: n) }
    let documents = [
      ["1"] + gap(window - 1) + ["2"], ["3"] + gap(window) + ["4"],
      ["hour"] + gap(window - 1) + ["5"], ["6"] + gap(window - 1) + ["hour"],
      ["day"] + gap(window) + ["8"], ["9"] + gap(window) + ["day"],
      ["1", "1", "1"],
    ]
    let dir = try TemporaryDirectory()
    let (table, _) = try Self.count(documents, rules: NumberRules(window: window), in: dir)
    let one = NGramCounts(count: 1, documents: 1)
    func counts(_ key: String) throws -> NGramCounts {
      try table.counts(of: key.split(separator: " ").map { Array($0.utf8) })
    }
    #expect(try counts("1 2") == one)
    #expect(try counts("3 4") == .zero)
    #expect(try counts("5 hour") == one)
    #expect(try counts("6 hour") == one)
    #expect(try counts("8 day") == .zero)
    #expect(try counts("9 day") == .zero)
    // Three 1s in a row: (x, x) pairs and, when the window spans them, the triple (x, x, x).
    #expect(try counts("1 1") == NGramCounts(count: window >= 2 ? 3 : 2, documents: 1))
    #expect(try counts("1 1 1") == (window >= 2 ? one : .zero))
    try Self.expectTable(
      table, equals: NumberReference.counts(documents, window: window), "window \(window)")
  }

  /// No number at all: the three tables exist and are empty.
  @Test func documentsWithoutNumbersGiveEmptyTables() throws {
    let dir = try TemporaryDirectory()
    let (table, _) = try Self.count([["the", "minutes"], [], ["24,", "x"]], in: dir)
    #expect(table.distinct(order: 1) == 1)  // the keyword alone
    #expect(table.distinct(order: 2) == 0)
    #expect(table.distinct(order: 3) == 0)
    let (empty, _) = try Self.count([["the"], []], in: dir)
    #expect(empty.maxOrder == 3)
    #expect((1...3).map { empty.distinct(order: $0) } == [0, 0, 0])
    #expect(try empty.counts(of: [Array("7".utf8)]) == .zero)
  }

  /// The classifier against the reference's number and keyword rules, for the paper's rules
  /// and custom ones.
  @Test func classifierMatchesTheReference() {
    let pool = Self.numberPool + Self.keywordPool + Self.otherPool + ["", "HOURS", "Km", "÷", "X"]
    for rules in [
      NumberRules(), NumberRules(maxDigits: 1), NumberRules(maxDigits: 9),
      NumberRules(units: ["Hour", "km"], operators: ["x", "÷", "Plus"]),
    ] {
      let classifier = NumberClassifier(rules: rules)
      for token in pool {
        let bytes = Array(token.utf8)
        let term = classifier.classify(bytes.span)
        if NumberReference.isNumber(token, maxDigits: rules.maxDigits) {
          #expect(term == .number(code: NumberCode.encode(bytes.span)), "\(token)")
        } else if let keyword = NumberReference.keyword(
          token, units: rules.units, operators: rules.operators)
        {
          guard case .keyword(let index) = term else {
            Issue.record("'\(token)' should be keyword '\(keyword)', is \(term)")
            continue
          }
          #expect(rules.keywords[index] == keyword, "\(token)")
        } else {
          #expect(term == .other, "'\(token)' with units \(rules.units)")
        }
      }
    }
  }

  /// Every digit string of up to 4 digits, and random ones of up to 9: decode(encode(s)) == s,
  /// and codes are in the strings' byte order.
  @Test func numberCodesRoundTripInByteOrder() {
    var strings: [String] = []
    func all(_ prefix: String) {
      if !prefix.isEmpty { strings.append(prefix) }
      if prefix.count < 4 { for d in 0...9 { all(prefix + String(d)) } }
    }
    all("")
    var rng = SplitMix64(seed: 5)
    for _ in 0..<3000 {
      let length = Int.random(in: 1...NumberRules.digitLimit, using: &rng)
      strings.append(String((0..<length).map { _ in "0123456789".randomElement(using: &rng)! }))
    }
    strings += ["9", "99999999", "999999999", "000000000", "100000000", "1", "10"]
    strings.sort(by: bytesPrecede)
    var previous: (string: String, code: UInt32)?
    for string in strings {
      let bytes = Array(string.utf8)
      let code = NumberCode.encode(bytes.span)
      #expect(NumberCode.decode(code) == bytes, "\(string) → \(code)")
      if let previous {
        if previous.string == string {
          #expect(previous.code == code)
        } else {
          #expect(
            previous.code < code, "\(previous.string) → \(previous.code), \(string) → \(code)")
        }
      }
      previous = (string, code)
    }
    #expect(NumberCode.encode(Array("0".utf8).span) == 0)
    #expect(NumberCode.encode(Array("00".utf8).span) == 1)
    // The last 9-digit string stays clear of the keyword marker (UInt32.max).
    let last = NumberCode.encode(Array("999999999".utf8).span)
    #expect(last == 1_111_111_109)
    #expect(last < UInt32.max)
  }
}
