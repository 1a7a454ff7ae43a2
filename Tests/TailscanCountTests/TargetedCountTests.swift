import Foundation
import TailscanCount
import TailscanStore
import TailscanTestSupport
import TailscanText
import Testing

/// Number terms and entities counted by the pipeline (files → tables), alone or with n-grams,
/// checked against `NumberReference` and `EntityReference`; and `TermLookup`, which answers
/// `tailscan query --numbers/--numbers-keyword/--entity/--pair`.
struct TargetedCountTests {
  static let entries: [(id: String, aliases: [String])] = [
    ("Q60", ["New York City", "NYC", "the Big Apple"]),
    ("Q1384", ["New York", "NY", "N.Y."]),
    ("W1", ["new"]),
    ("Q4", ["York"]),
    ("Q90", ["Paris", "Paris, France"]),
    ("Q663094", ["(Paris)", "Paris Hilton"]),
    ("Q37", ["AT&T"]),
    ("Q10", ["Über", "Straße"]),
    ("Q404", ["Atlantis"]),
    ("Q4", ["Jorvik"]),
    ("wd:Q1", ["alpha"]),
    ("wd:Q2", ["beta"]),
    ("wd", ["gamma"]),
  ]

  /// Number terms, near-numbers and keywords, entity aliases in several spellings, and tokens
  /// that the `words` tokenizer splits differently (`24.5`, `AT&T`, `N.Y.`).
  static let pool = [
    "7", "07", "24", "18", "100", "0", "432", "123456", "1000000", "24,", "24.5", "18?", "x",
    "minutes", "Minute", "DAYS", "+", "Plus", "times", "*", "-", "years",
    "New", "new", "NEW", "York", "york,", "City", "(Paris),", "Paris", "Hilton", "NYC", "N.Y.",
    "AT&T", "at&t", "Über", "STRASSE", "—", "&", "Jorvik", "alpha", "beta", "gamma", "the", "Big",
    "apple", "of",
  ]

  static func randomTexts(seed: UInt64, count: Int) -> [String] {
    var rng = SplitMix64(seed: seed)
    let separators = [" ", " ", " ", "\t", "\u{A0}", "\u{3000}", "\u{2028}"]
    return (0..<count).map { _ in
      let length = rng.chance(0.05) ? 0 : Int.random(in: 1..<40, using: &rng)
      var text = ""
      for k in 0..<length {
        if k > 0 { text += separators.randomElement(using: &rng)! }
        text += pool.randomElement(using: &rng)!
      }
      return text
    }
  }

  static func jsonLine(_ text: String, _ n: Int) throws -> String {
    let object: [String: Any] = ["id": n, "text": text, "meta": ["text": "7 7 NYC \(n)"]]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  static func writeDictionary(in dir: TemporaryDirectory) throws -> String {
    let tsv = entries.map { ([$0.id] + $0.aliases).joined(separator: "\t") }.joined(separator: "\n")
    return try dir.write(Array((tsv + "\n").utf8), to: "entities.tsv")
  }

  /// Writes `texts` into four shards, in path order: multi-member gzip JSONL (with a blank line),
  /// gzip text (with a blank line), plain JSONL, and plain text in a subdirectory. Returns the
  /// corpus directory and each document with its global id (`shard << 40 | line`).
  static func writeCorpus(_ texts: [String], in dir: TemporaryDirectory) throws
    -> (corpus: String, documents: [(id: UInt64, text: String)])
  {
    let corpus = try dir.makeDirectory("corpus")
    let quarter = (texts.count + 3) / 4
    let parts = stride(from: 0, to: texts.count, by: quarter).map {
      Array(texts[$0..<min($0 + quarter, texts.count)])
    }
    var documents: [(id: UInt64, text: String)] = []
    func id(_ shard: Int, _ line: Int) -> UInt64 { UInt64(shard) << 40 | UInt64(line) }
    // 0: a.jsonl.gz, members of 5 lines, a blank line second.
    var lines0 = try parts[0].enumerated().map { try jsonLine($1, $0) }
    lines0.insert("", at: 1)
    for (i, line) in lines0.enumerated() where !line.isEmpty {
      documents.append((id(0, i + 1), parts[0][i > 1 ? i - 1 : i]))
    }
    let members = stride(from: 0, to: lines0.count, by: 5).map {
      Array((lines0[$0..<min($0 + 5, lines0.count)].joined(separator: "\n") + "\n").utf8)
    }
    try dir.write(try GzipFixtures.concatenatedMembers(members), to: "corpus/a.jsonl.gz")
    // 1: b.txt.gz, one document per line; blank texts and a blank line are no documents.
    var lines1 = parts[1].map { $0.replacingOccurrences(of: "\u{2028}", with: " ") }
    lines1.insert(" \t", at: min(3, lines1.count))
    for (i, line) in lines1.enumerated() where !Reference.split(line).isEmpty {
      documents.append((id(1, i + 1), line))
    }
    try dir.write(try GzipFixtures.gzip(lines1.joined(separator: "\n")), to: "corpus/b.txt.gz")
    // 2: c.jsonl.
    let lines2 = try parts[2].enumerated().map { try jsonLine($1, $0) }
    for (i, text) in parts[2].enumerated() { documents.append((id(2, i + 1), text)) }
    try dir.write(Array(lines2.joined(separator: "\n").utf8), to: "corpus/c.jsonl")
    // 3: d/e.txt.
    let lines3 = (parts.count > 3 ? parts[3] : []).map {
      $0.replacingOccurrences(of: "\u{2028}", with: " ")
    }
    for (i, line) in lines3.enumerated() where !Reference.split(line).isEmpty {
      documents.append((id(3, i + 1), line))
    }
    try dir.write(Array((lines3.joined(separator: "\n") + "\n").utf8), to: "corpus/d/e.txt")
    return (corpus, documents)
  }

  /// Every entry of every order of a table family, by its terms' strings.
  static func contents(_ table: CountTable) throws -> [[String]: Tally] {
    var result: [[String]: Tally] = [:]
    for order in 1...table.maxOrder {
      for index in 0..<table.distinct(order: order) {
        let (ids, counts) = try table.entry(order: order, index: index)
        let key = try ids.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
        result[key] = Tally(count: counts.count, documents: counts.documents)
      }
    }
    return result
  }

  static func expectEntities(
    in output: String, equal expected: EntityReference.Counts, keptDocuments: Bool,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let table = try CountTable(directory: output, family: .entities)
    var stored = try contents(table)
    var entities: [String: Tally] = [:]
    for (key, tally) in stored where key.count == 1 { entities[key[0]] = tally }
    stored = stored.filter { $0.key.count == 2 }
    #expect(entities == expected.entities, sourceLocation: sourceLocation)
    #expect(stored == expected.pairs, sourceLocation: sourceLocation)
    let path = "\(output)/\(DocumentPostings.fileName)"
    #expect(
      FileManager.default.fileExists(atPath: path) == keptDocuments, sourceLocation: sourceLocation)
    if keptDocuments {
      let postings = try DocumentPostings(path: path)
      for e in 0..<table.distinct(order: 1) {
        let id = String(decoding: try table.tokenBytes(UInt32(e)), as: UTF8.self)
        #expect(
          try postings.documents(of: UInt32(e)) == expected.postings[id], "documents of \(id)",
          sourceLocation: sourceLocation)
      }
    }
  }

  enum Mode: String, CaseIterable, Sendable {
    /// n-grams over whitespace tokens: one tokenization serves every counter.
    case sharedPass
    /// n-grams over `words` tokens: number terms and entities still use whitespace tokens.
    case wordsTokenizer
    /// `--no-ngrams`.
    case noNGrams
  }

  @Test(arguments: Mode.allCases)
  func numbersAndEntitiesMatchTheReference(mode: Mode) throws {
    let dir = try TemporaryDirectory()
    let texts = Self.randomTexts(
      seed: 40 + UInt64(Mode.allCases.firstIndex(of: mode)!), count: 120)
    let (corpus, documents) = try Self.writeCorpus(texts, in: dir)
    let rules =
      switch mode {
      case .sharedPass: NumberRules()
      case .wordsTokenizer: NumberRules(window: 7, maxDigits: 2)
      case .noNGrams: NumberRules(window: 1, maxDigits: 9)
      }
    let caseSensitive = mode == .wordsTokenizer
    var request = CountRequest(
      inputs: [corpus], output: dir.file("out"),
      tokenizer: mode == .wordsTokenizer ? .words(lowercase: true) : .whitespace, chunkSize: 7)
    request.numbers = rules
    request.entities = EntityOptions(
      dictionary: try Self.writeDictionary(in: dir), caseSensitive: caseSensitive,
      keepDocumentIDs: mode != .noNGrams)
    request.ngrams = mode != .noNGrams
    let summary = try CountPipeline.run(request)
    #expect(summary.shards == 4)
    #expect(summary.totals.documents == documents.count)
    #expect(summary.warnings.isEmpty)

    let whitespaceTokens = documents.map { Reference.split($0.text) }
    let numbers = try CountTable(directory: dir.file("out"), family: .numbers)
    let expectedNumbers = NumberReference.counts(
      whitespaceTokens, window: rules.window, maxDigits: rules.maxDigits)
    let storedNumbers = try Self.contents(numbers)
    let differences = tallyDifferences(got: storedNumbers, want: expectedNumbers)
    #expect(differences.isEmpty, "\(mode): \(differences)")
    // Sanity: the corpus does hold pairs, triples and keyword pairs.
    #expect(expectedNumbers.keys.contains { $0.count == 3 } == (rules.window >= 2))
    #expect(expectedNumbers.keys.contains { $0.count == 2 && $0[1] == "minute" })

    let expectedEntities = EntityReference.counts(
      documents, entries: Self.entries, foldsCase: !caseSensitive)
    #expect(expectedEntities.pairs.count > 10)
    try Self.expectEntities(
      in: dir.file("out"), equal: expectedEntities, keptDocuments: mode != .noNGrams)

    let manifest = try Manifest.read(directory: dir.file("out"))
    #expect(manifest.settings.numbers == rules)
    #expect(manifest.settings.entities?.caseSensitive == caseSensitive)
    #expect(manifest.settings.entities?.entities == Set(Self.entries.map(\.id)).count)
    switch mode {
    case .sharedPass:
      let ngrams = try CountTable(directory: dir.file("out"))
      #expect(manifest.totals.tokens == UInt64(whitespaceTokens.map(\.count).reduce(0, +)))
      for order in 1...2 {
        let expected = Reference.counts(whitespaceTokens, order: order)
        #expect(ngrams.distinct(order: order) == expected.count)
        for (gram, counts) in expected {
          #expect(
            try ngrams.counts(of: gram.map { Array($0.utf8) })
              == NGramCounts(count: counts.count, documents: counts.documents), "\(gram)")
        }
      }
    case .wordsTokenizer:
      let ngrams = try CountTable(directory: dir.file("out"))
      let words = documents.map { Tokenizer.words(lowercase: true).tokens(of: $0.text) }
      #expect(manifest.totals.tokens == UInt64(words.map(\.count).reduce(0, +)))
      #expect(manifest.totals.tokens != UInt64(whitespaceTokens.map(\.count).reduce(0, +)))
      for order in 1...2 {
        let expected = Reference.counts(words, order: order)
        #expect(ngrams.distinct(order: order) == expected.count)
        for (gram, counts) in expected {
          #expect(
            try ngrams.counts(of: gram.map { Array($0.utf8) })
              == NGramCounts(count: counts.count, documents: counts.documents), "\(gram)")
        }
      }
      // `24.5` is two word tokens, but no number term; `AT&T` is an entity only whole.
      #expect(try ngrams.counts(of: [Array("24".utf8), Array("5".utf8)]).count > 0)
      #expect(expectedEntities.entities["Q37"]!.count > 0)
    case .noNGrams:
      #expect(manifest.settings.orders == [])
      #expect(manifest.totals.tokens == UInt64(whitespaceTokens.map(\.count).reduce(0, +)))
      #expect(throws: StoreError.familyNotCounted(path: dir.file("out"), family: .ngrams)) {
        try CountTable(directory: dir.file("out"))
      }
      let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("out"))
      #expect(!files.contains { $0.hasPrefix("order-") }, "\(files)")
    }
  }

  /// With a pair list, only its pairs are counted; lines naming unknown ids are warned about.
  /// Documents full of entities, every pair counted: a warning says so, once, while counting,
  /// and it is kept in the manifest; with a pair list there is none.
  @Test func denseDocumentsWarnAboutAllPairs() throws {
    let dir = try TemporaryDirectory()
    let names = (0..<60).map { "e\($0)" }
    let dictionary = try dir.write(
      Array(names.map { "\($0)\t\($0)" }.joined(separator: "\n").utf8), to: "d.tsv")
    let document = names.joined(separator: " ")
    try dir.write(
      Array(String(repeating: document + "\n", count: 1100).utf8), to: "corpus/a.txt")
    var request = CountRequest(inputs: [dir.file("corpus")], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: dictionary)
    var seen: [String] = []
    let summary = try CountPipeline.run(request, warn: { seen.append($0) })
    #expect(seen.count == 1)
    #expect(seen.first?.contains("1770 co-occurring entity pairs each") == true)
    #expect(seen.first?.contains("--pairs FILE") == true)
    #expect(summary.warnings.filter { $0.contains("co-occurring") }.count == 1)
    let pairs = try dir.write(Array("e0\te1\n".utf8), to: "p.tsv")
    request.entities = EntityOptions(dictionary: dictionary, pairs: pairs)
    request.overwrite = true
    seen = []
    _ = try CountPipeline.run(request, warn: { seen.append($0) })
    #expect(seen.isEmpty)
  }

  @Test func pairListInThePipeline() throws {
    let dir = try TemporaryDirectory()
    let (corpus, documents) = try Self.writeCorpus(Self.randomTexts(seed: 7, count: 80), in: dir)
    let pairs = try dir.write(
      Array("Q60\tQ90\nQ4 Q1384\n\nQ37\tnope\nwd:Q2\twd:Q1\n".utf8), to: "pairs.tsv")
    var request = CountRequest(inputs: [corpus], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: try Self.writeDictionary(in: dir), pairs: pairs)
    let summary = try CountPipeline.run(request)
    #expect(
      summary.totals.tokens == UInt64(documents.map { Reference.split($0.text).count }.reduce(0, +))
    )
    #expect(
      summary.warnings
        == ["1 pair(s) in '\(pairs)' name entities not in the dictionary; ignored"])
    let list: Set<[String]> = [["Q60", "Q90"], ["Q1384", "Q4"], ["wd:Q1", "wd:Q2"]]
    let expected = EntityReference.counts(
      documents, entries: Self.entries, foldsCase: true, pairList: list)
    #expect(expected.pairs.count == 3)
    try Self.expectEntities(in: dir.file("out"), equal: expected, keptDocuments: false)
    #expect(throws: StoreError.familyNotCounted(path: dir.file("out"), family: .numbers)) {
      try TermLookup(directory: dir.file("out")).numbers(["7"])
    }
    // A listed pair is answered (either order); an unlisted one is not a silent zero.
    let lookup = TermLookup(directory: dir.file("out"))
    let listed = try lookup.pair("Q90:Q60")
    #expect(listed.key == "Q60 Q90")
    #expect(listed.count == UInt64(expected.pairs[["Q60", "Q90"]]?.documents ?? 0))
    #expect(throws: TermError.pairNotCounted("Q60:Q4", list: pairs)) { try lookup.pair("Q60:Q4") }
    #expect(
      try String(contentsOfFile: dir.file("out/entities-pairs.tsv"), encoding: .utf8)
        == "Q1384\tQ4\nQ60\tQ90\nwd:Q1\twd:Q2\n")
  }

  /// A pair list with Windows line endings reads like the same list with `\n` (the reader
  /// strips a trailing `\r`). Fails at 71c9502: `"\r\n"` is one `Character`, so splitting the
  /// text on `"\n"` never splits there and the whole file is one (bad) line.
  @Test func pairListWithCRLFLineEndings() throws {
    let dir = try TemporaryDirectory()
    let crlf = try dir.write(Array("Q60\tQ90\r\nQ4\tQ1384\r\n".utf8), to: "crlf.tsv")
    let lf = try dir.write(Array("Q60\tQ90\nQ4\tQ1384\n".utf8), to: "lf.tsv")
    let ids = ["Q1384", "Q4", "Q60", "Q90"]
    let expected = try EntityDictionary.readPairs(path: lf, ids: ids)
    #expect(expected.pairs.map { [$0.0, $0.1] } == [[2, 3], [1, 0]])
    do {
      let read = try EntityDictionary.readPairs(path: crlf, ids: ids)
      #expect(read.pairs.map { [$0.0, $0.1] } == [[2, 3], [1, 0]])
      #expect(read.unknown == 0)
    } catch {
      Issue.record("a CRLF pair list is rejected: \(error)")
    }
    // One CRLF line: its second id keeps "\r\n" and is reported as unknown.
    let one = try dir.write(Array("Q60\tQ90\r\n".utf8), to: "one.tsv")
    let read = try EntityDictionary.readPairs(path: one, ids: ids)
    #expect(read.pairs.map { [$0.0, $0.1] } == [[2, 3]])
    #expect(read.unknown == 0)
  }

  /// A JSONL dictionary (numeric ids, a name, aliases) counts the same as the same TSV.
  @Test func jsonlDictionaryEqualsTSV() throws {
    let dir = try TemporaryDirectory()
    let (corpus, documents) = try Self.writeCorpus(Self.randomTexts(seed: 8, count: 40), in: dir)
    let jsonl = """
      {"id": "Q60", "name": "New York City", "aliases": ["NYC", "the Big Apple"]}

      {"id": 1384, "aliases": ["New York", "NY"]}
      {"id": "Q60", "aliases": ["nyc"]}
      {"id": "Q90", "name": "Paris"}
      """
    let path = try dir.write(Array(jsonl.utf8), to: "dictionary.jsonl")
    // The same as TSV with Windows line endings.
    let tsv = try dir.write(
      Array(
        "Q60\tNew York City\tNYC\tthe Big Apple\r\n1384\tNew York\tNY\r\n\r\nQ60\tnyc\r\nQ90\tParis\r\n"
          .utf8),
      to: "dictionary.tsv")
    let fromTSV = try EntityDictionary.read(path: tsv)
    let loaded = try EntityDictionary.read(path: path)
    let entries: [(id: String, aliases: [String])] = [
      ("Q60", ["New York City", "NYC", "the Big Apple"]), ("1384", ["New York", "NY"]),
      ("Q60", ["nyc"]), ("Q90", ["Paris"]),
    ]
    #expect(loaded.entries.map(\.id) == entries.map(\.id))
    #expect(loaded.entries.map(\.aliases) == entries.map(\.aliases))
    #expect(fromTSV.entries.map(\.id) == entries.map(\.id))
    #expect(fromTSV.entries.map(\.aliases) == entries.map(\.aliases))
    var request = CountRequest(inputs: [corpus], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: path)
    _ = try CountPipeline.run(request)
    let expected = EntityReference.counts(documents, entries: entries, foldsCase: true)
    try Self.expectEntities(in: dir.file("out"), equal: expected, keptDocuments: false)
    #expect(try TermLookup(directory: dir.file("out")).entity("the big apple").key == "Q60")
  }

  /// A corpus for `TermLookup`: the DESIGN §3 worked example and a few entity documents.
  static let lookupTexts = [
    "Q: What is 24 times 18? A: 432. Also 24 x 18 = 432 and 24.5 or 24, 18 minutes 60 seconds 100000000 7",
    "New York City, (Paris) and the Big Apple",
    "NYC: 7 MINUTES",
    "alpha beta gamma Paris Hilton",
    "Atlantis? no: nyc",
  ]

  static func countLookupCorpus(in dir: TemporaryDirectory, numbers: Bool = true) throws
    -> TermLookup
  {
    let lines = try lookupTexts.enumerated().map { try jsonLine($1, $0) }
    try dir.write(try GzipFixtures.gzip(lines.joined(separator: "\n")), to: "corpus/a.jsonl.gz")
    var request = CountRequest(inputs: [dir.file("corpus")], output: dir.file("out"))
    if numbers { request.numbers = NumberRules() }
    request.entities = EntityOptions(
      dictionary: try writeDictionary(in: dir), keepDocumentIDs: true)
    _ = try CountPipeline.run(request)
    return TermLookup(directory: dir.file("out"))
  }

  @Test func lookupNumbers() throws {
    let dir = try TemporaryDirectory()
    let lookup = try Self.countLookupCorpus(in: dir)
    let reference = NumberReference.counts(Self.lookupTexts.map(Reference.split))
    func term(_ kind: String, _ key: String) -> TermCount {
      let tally =
        reference[key.split(separator: " ").map(String.init)] ?? Tally(count: 0, documents: 0)
      return TermCount(kind: kind, key: key, count: tally.count, documents: tally.documents)
    }
    #expect(
      try lookup.numbers(["24"]) == [TermCount(kind: "number", key: "24", count: 2, documents: 1)])
    // The same number twice: one row for it, and its pair with itself.
    #expect(try lookup.numbers(["24", "24"]) == [term("number", "24"), term("number-pair", "24 24")])
    #expect(
      try lookup.numbers(["24", "18", "432"]) == [
        TermCount(kind: "number", key: "24", count: 2, documents: 1),
        TermCount(kind: "number", key: "18", count: 2, documents: 1),
        TermCount(kind: "number", key: "432", count: 1, documents: 1),
        TermCount(kind: "number-pair", key: "18 24", count: 1, documents: 1),
        TermCount(kind: "number-pair", key: "24 432", count: 1, documents: 1),
        TermCount(kind: "number-pair", key: "18 432", count: 1, documents: 1),
        TermCount(kind: "number-triple", key: "18 24 432", count: 1, documents: 1),
      ])
    #expect(
      try lookup.numbers(["7", "60"]) == [
        term("number", "7"), term("number", "60"), term("number-pair", "60 7"),
      ])
    #expect(
      try lookup.numbers(["7"]) == [TermCount(kind: "number", key: "7", count: 2, documents: 2)])
    #expect(
      try lookup.numbers(["99"]) == [TermCount(kind: "number", key: "99", count: 0, documents: 0)])
    #expect(
      try lookup.numbers(["432", "432", "432"]).last
        == TermCount(kind: "number-triple", key: "432 432 432", count: 0, documents: 0))
    #expect(
      try lookup.numberKeyword("18", "Minutes")
        == TermCount(kind: "number-keyword", key: "18 minute", count: 1, documents: 1))
    #expect(
      try lookup.numberKeyword("7", "minute")
        == TermCount(kind: "number-keyword", key: "7 minute", count: 2, documents: 2))
    #expect(
      try lookup.numberKeyword("24", "times")
        == TermCount(kind: "number-keyword", key: "24 times", count: 1, documents: 1))
    #expect(
      try lookup.numberKeyword("60", "SECOND")
        == TermCount(kind: "number-keyword", key: "60 second", count: 1, documents: 1))
    #expect(try lookup.numberKeyword("18", "*") == term("number-keyword", "18 *"))
  }

  @Test func lookupNumberErrors() throws {
    let dir = try TemporaryDirectory()
    let lookup = try Self.countLookupCorpus(in: dir)
    for notANumber in ["24.5", "24,", "1234567", "x", "", "٣", "-1"] {
      #expect(throws: TermError.notANumber(notANumber, maxDigits: 6)) {
        try lookup.numbers(["24", notANumber])
      }
    }
    #expect(
      thrownMessage { try lookup.numbers(["24.5"]) }
        == "'24.5' is not a number term (1 to 6 ASCII digits, nothing else)")
    #expect(throws: TermError.notANumber("x", maxDigits: 6)) {
      try lookup.numberKeyword("x", "minute")
    }
    #expect(throws: TermError.notAKeyword("Times", rules: NumberRules())) {
      try lookup.numberKeyword("24", "Times")
    }
    #expect(
      thrownMessage { try lookup.numberKeyword("24", "fortnight") }
        == "'fortnight' is not a keyword of these tables (units: second minute hour day week "
        + "month year decade; operators: plus + minus - times *)")
  }

  /// Lookups honour the rules the tables were counted with.
  @Test func lookupUsesTheCountedRules() throws {
    let dir = try TemporaryDirectory()
    try dir.write(Array("100 7 hour 7\n".utf8), to: "corpus/a.txt")
    var request = CountRequest(inputs: [dir.file("corpus")], output: dir.file("out"))
    request.ngrams = false
    request.numbers = NumberRules(window: 1, maxDigits: 2, units: ["Hour"], operators: ["x"])
    _ = try CountPipeline.run(request)
    let lookup = TermLookup(directory: dir.file("out"))
    #expect(throws: TermError.notANumber("100", maxDigits: 2)) { try lookup.numbers(["100"]) }
    #expect(
      try lookup.numberKeyword("7", "HOURS")
        == TermCount(kind: "number-keyword", key: "7 hour", count: 2, documents: 1))
    #expect(throws: TermError.notAKeyword("minute", rules: request.numbers!)) {
      try lookup.numberKeyword("7", "minute")
    }
    #expect(
      try lookup.numbers(["7", "7"]).last
        == TermCount(kind: "number-pair", key: "7 7", count: 0, documents: 0))
  }

  @Test func lookupEntities() throws {
    let dir = try TemporaryDirectory()
    let lookup = try Self.countLookupCorpus(in: dir)
    let documents = Self.lookupTexts.enumerated().map { (UInt64($0 + 1), $1) }
    let reference = EntityReference.counts(documents, entries: Self.entries, foldsCase: true)
    func entity(_ id: String) -> TermCount {
      let tally = reference.entities[id]!
      return TermCount(kind: "entity", key: id, count: tally.count, documents: tally.documents)
    }
    func pair(_ a: String, _ b: String) -> TermCount {
      let key = [a, b].sorted(by: bytesPrecede)
      let tally = reference.pairs[key] ?? Tally(count: 0, documents: 0)
      return TermCount(
        kind: "entity-pair", key: key.joined(separator: " "), count: tally.count,
        documents: tally.documents)
    }
    #expect(reference.entities["Q60"] == Tally(count: 4, documents: 3))
    #expect(try lookup.entity("Q60") == entity("Q60"))
    #expect(try lookup.entity("new york city") == entity("Q60"))
    #expect(try lookup.entity("(NYC),") == entity("Q60"))
    #expect(try lookup.entity("Paris Hilton") == entity("Q663094"))
    #expect(
      try lookup.entity("Atlantis")
        == TermCount(kind: "entity", key: "Q404", count: 1, documents: 1))
    #expect(
      try lookup.entity("Jorvik") == TermCount(kind: "entity", key: "Q4", count: 0, documents: 0))
    #expect(try lookup.entity("wd:Q1") == entity("wd:Q1"))
    #expect(try lookup.entity("gamma") == entity("wd"))

    #expect(reference.pairs[["Q60", "Q90"]] == Tally(count: 1, documents: 1))
    #expect(try lookup.pair("Q60:Q90") == pair("Q60", "Q90"))
    #expect(try lookup.pair("Q90:Q60") == pair("Q60", "Q90"))
    #expect(try lookup.pair("NYC:Q663094") == pair("Q60", "Q663094"))
    #expect(try lookup.pair("wd:Q1:wd:Q2") == pair("wd:Q1", "wd:Q2"))
    #expect(try lookup.pair("wd:wd:Q2") == pair("wd", "wd:Q2"))
    #expect(try lookup.pair("Q60:Q404") == pair("Q60", "Q404"))
    #expect(
      try lookup.pair("Q60:Q60")
        == TermCount(kind: "entity-pair", key: "Q60 Q60", count: 3, documents: 3))
    #expect(try lookup.pair("Q4:Q1384").count == 0)

    // The documents behind the counts.
    let postings = try DocumentPostings(path: dir.file("out/\(DocumentPostings.fileName)"))
    #expect(
      try postings.documents(of: try Self.lookupID(lookup, "Q60")) == [2, 3, 5].map { UInt64($0) })
  }

  static func lookupID(_ lookup: TermLookup, _ id: String) throws -> UInt32 {
    try CountTable(directory: lookup.directory, family: .entities).tokenID(Array(id.utf8))!
  }

  /// In case-sensitive tables, aliases are looked up case-sensitively too.
  @Test func lookupHonoursCaseSensitivity() throws {
    let dir = try TemporaryDirectory()
    try dir.write(Array("New York City and new york city\n".utf8), to: "corpus/a.txt")
    var request = CountRequest(inputs: [dir.file("corpus")], output: dir.file("out"))
    request.entities = EntityOptions(
      dictionary: try Self.writeDictionary(in: dir), caseSensitive: true)
    _ = try CountPipeline.run(request)
    let lookup = TermLookup(directory: dir.file("out"))
    #expect(
      try lookup.entity("New York City")
        == TermCount(kind: "entity", key: "Q60", count: 1, documents: 1))
    #expect(throws: TermError.unknownEntity("new york city")) { try lookup.entity("new york city") }
    #expect(
      try lookup.entity("new") == TermCount(kind: "entity", key: "W1", count: 1, documents: 1))
  }

  /// Alias lookups go through the dictionary copy kept with the tables: ids it cannot hold as
  /// written (edge spaces, tabs, empty) must still name the entity the count used. Fails at
  /// 71c9502: the copy is TSV, which trims ids and turns tabs into spaces, so the rebuilt
  /// matcher sorts its ids differently and an alias names another entity's table id; an empty
  /// id makes the copy unreadable.
  @Test(arguments: [" Q1", "Q\t1", "Q1\n", ""])
  func lookupByAliasWithUnusualJSONLIds(id: String) throws {
    let dir = try TemporaryDirectory()
    try dir.write(Array("alpha beta beta\n".utf8), to: "corpus/a.txt")
    let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [id]), as: UTF8.self)
      .dropFirst().dropLast()
    let dictionary = try dir.write(
      Array(
        "{\"id\": \(quoted), \"aliases\": [\"alpha\"]}\n{\"id\": \"Q 0\", \"aliases\": [\"beta\"]}\n"
          .utf8),
      to: "dictionary.jsonl")
    var request = CountRequest(inputs: [dir.file("corpus")], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: dictionary)
    // Rejecting such an id when counting would be fine too; accepting it and answering wrongly
    // is not.
    guard (try? CountPipeline.run(request)) != nil else { return }
    let lookup = TermLookup(directory: dir.file("out"))
    #expect(
      try lookup.entity(id) == TermCount(kind: "entity", key: id, count: 1, documents: 1))
    #expect(
      try lookup.entity("alpha") == TermCount(kind: "entity", key: id, count: 1, documents: 1))
    #expect(
      try lookup.entity("beta") == TermCount(kind: "entity", key: "Q 0", count: 2, documents: 1))
  }

  @Test func lookupEntityErrors() throws {
    let dir = try TemporaryDirectory()
    let lookup = try Self.countLookupCorpus(in: dir)
    #expect(throws: TermError.unknownEntity("Nowhere")) { try lookup.entity("Nowhere") }
    #expect(
      thrownMessage { try lookup.entity("Nowhere") }
        == "'Nowhere' is neither an entity id nor an alias in the dictionary these tables were "
        + "counted with")
    #expect(throws: TermError.ambiguousAlias("paris", ids: ["Q663094", "Q90"])) {
      try lookup.entity("paris")
    }
    #expect(
      thrownMessage { try lookup.entity("paris") }
        == "'paris' is an alias of several entities (Q663094, Q90); give the id")
    #expect(throws: TermError.badPair("Q60")) { try lookup.pair("Q60") }
    #expect(thrownMessage { try lookup.pair("Q60") } == "'Q60' is not a pair; write it as 'ID1:ID2'")
    #expect(throws: TermError.unknownPair("Q60:nope")) { try lookup.pair("Q60:nope") }
    #expect(
      thrownMessage { try lookup.pair("Q60:nope") }
        == "'Q60:nope' does not split into two known entities at a ':'; check the ids (or aliases)")
    // "paris" names two entities: that is what is said, not that the pair does not split.
    #expect(throws: TermError.ambiguousAlias("paris", ids: ["Q663094", "Q90"])) {
      try lookup.pair("paris:Q60")
    }

    // Tables counted without entities say how to get them.
    let other = try TemporaryDirectory()
    try other.write(Array("7 7\n".utf8), to: "corpus/a.txt")
    var request = CountRequest(inputs: [other.file("corpus")], output: other.file("out"))
    request.numbers = NumberRules()
    _ = try CountPipeline.run(request)
    #expect(throws: StoreError.familyNotCounted(path: other.file("out"), family: .entities)) {
      try TermLookup(directory: other.file("out")).entity("Q60")
    }
    #expect(
      thrownMessage { try TermLookup(directory: other.file("out")).entity("Q60") }
        == "'\(other.file("out"))' has no entity tables; recount with '--entities FILE'")
  }
}
