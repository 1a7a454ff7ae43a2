import Foundation
import TailscanStore
import TailscanTestSupport
import TailscanText
import Testing

/// Dictionary entities (DESIGN §4): `EntityMatcher` and `EntityCounter`'s tables and posting
/// lists against `EntityReference` (TailscanTestSupport), which follows the rules directly.
struct EntityCounterTests {
  /// Overlapping aliases (`new`, `new york`, `new york city`, `york`, `city`), an alias shared
  /// by two entities (`Paris`), aliases with punctuation inside and at the edges, an alias of
  /// nothing but punctuation, a repeated id, a repeated alias, ids whose byte order differs
  /// from their numeric order, and an entity that never occurs.
  static let entries: [(id: String, aliases: [String])] = [
    ("Q60", ["New York City", "NYC", "the Big Apple"]),
    ("Q1384", ["New York", "NY", "N.Y."]),
    ("W1", ["new"]),
    ("Q4", ["York"]),
    ("Q90", ["Paris", "Paris, France", "City of Light"]),
    ("Q663094", ["(Paris)", "Paris Hilton"]),
    ("Q2", ["Rock & Roll", "rock and roll"]),
    ("Q37", ["AT&T"]),
    ("Q10", ["Über", "Straße"]),
    ("Q9", ["σοφος"]),
    ("Q8", ["İstanbul"]),
    ("Q4", ["Jorvik"]),
    ("a-lower", ["city"]),
    ("é", ["Été"]),
    ("Q404", ["Atlantis"]),
    ("Q0", ["—", " & "]),
    ("Q60", ["nyc", "N Y C"]),
  ]

  static let textPool = [
    "New", "new", "NEW", "York", "york,", "City", "city.", "(Paris),", "Paris", "paris", "Hilton",
    "France", "France.", "the", "big", "Big", "apple", "Apple!", "NYC", "N.Y.", "N.Y.C.", "NY",
    "N", "Y", "C", "—", "&", "Rock", "roll", "ROLL", "and", "of", "…", "«Paris»", "Über", "ÜBER",
    "über", "STRASSE", "straße", "ΣΟΦΟΣ", "σοφοσ", "İstanbul", "İSTANBUL", "istanbul", "AT&T",
    "at&t", "Jorvik", "ÉTÉ", "été", "Light", "light", "Paris™", "city-of-light", "\"New", "York\"",
    "Paris's", "Paris’", "‘Paris’", "x",
  ]

  /// Random entity-dense documents, with increasing global ids (several shards, line 0, and
  /// lines near the 40-bit limit).
  static func randomDocuments(seed: UInt64, count: Int) -> [(id: UInt64, text: String)] {
    var rng = SplitMix64(seed: seed)
    let separators = [" ", "  ", "\t", "\u{A0}", "\u{3000}", "\n"]
    var documents: [(id: UInt64, text: String)] = []
    var shard = 0
    var line = 0
    for d in 0..<count {
      if d > 0 {
        if rng.chance(0.1) {
          shard += Int.random(in: 1...3, using: &rng)
          line = rng.chance(0.5) ? 0 : 1
        } else if rng.chance(0.05) {
          line = max(line + 1, (1 << 40) - Int.random(in: 2...100, using: &rng))
        } else {
          line += Int.random(in: 1...4, using: &rng)
        }
        if line >= (1 << 40) {
          shard += 1
          line = 1
        }
      }
      let length = Int.random(in: 0..<25, using: &rng)
      var text = rng.chance(0.2) ? separators.randomElement(using: &rng)! : ""
      for k in 0..<length {
        if k > 0 { text += separators.randomElement(using: &rng)! }
        text += textPool.randomElement(using: &rng)!
      }
      documents.append((DocumentID.make(shard: shard, line: line), text))
    }
    return documents
  }

  /// The matches the matcher finds in `text`: normalized-token ranges and entity ids.
  static func matches(_ matcher: EntityMatcher, _ text: String) -> (tokens: Int, found: [String]) {
    var scratch: [UInt8] = []
    var ids: [UInt32] = []
    for token in Reference.split(text) {
      let bytes = Array(token.utf8)
      if let id = matcher.tokenID(bytes.span, scratch: &scratch) { ids.append(id) }
    }
    var found: [String] = []
    matcher.forEachMatch(in: ids) { range, entities in
      let names = entities.map { matcher.entityIDs[Int($0)] }.sorted(by: bytesPrecede)
      found.append("\(range.lowerBound)..<\(range.upperBound) \(names)")
    }
    return (ids.count, found)
  }

  static func referenceMatches(_ text: String, foldsCase: Bool) -> (tokens: Int, found: [String]) {
    let aliases = EntityReference.aliasTable(entries, foldsCase: foldsCase)
    let tokens = EntityReference.tokens(text, foldsCase: foldsCase)
    let stopPrefixes = EntityReference.stopPrefixes(entries, foldsCase: foldsCase)
    let found = EntityReference.matches(tokens, aliases: aliases, stopPrefixes: stopPrefixes).map {
      "\($0.range.lowerBound)..<\($0.range.upperBound) \($0.entities.sorted(by: bytesPrecede))"
    }
    return (tokens.count, found)
  }

  /// Counts `documents` and opens what was written: the tables and, if kept, the postings.
  static func count(
    _ documents: [(id: UInt64, text: String)], entries: [(id: String, aliases: [String])] = entries,
    foldsCase: Bool, pairList: [[String]]? = nil, keepDocumentIDs: Bool = true,
    sortBuffer: Int = 1 << 22, in dir: TemporaryDirectory
  ) throws -> (table: CountTable, postings: DocumentPostings?, counter: EntityCounter) {
    let matcher = EntityMatcher(entries: entries, foldsCase: foldsCase)
    let index = Dictionary(
      uniqueKeysWithValues: matcher.entityIDs.enumerated().map { ($1, UInt32($0)) })
    let pairs = pairList?.map { (index[$0[0]]!, index[$0[1]]!) }
    var counter = try EntityCounter(
      matcher: matcher, pairList: pairs, keepDocumentIDs: keepDocumentIDs, sortBuffer: sortBuffer)
    for document in documents {
      try counter.beginDocument(id: document.id)
      for token in Reference.split(document.text) {
        let bytes = Array(token.utf8)
        counter.add(token: bytes.span)
      }
      try counter.endDocument()
    }
    let path = try dir.makeDirectory("entities-\(UUID().uuidString)")
    let tables = try counter.writeTables(to: path, seed: 0x5EED)
    let manifest = Manifest(
      toolVersion: "test", createdAt: "",
      settings: .init(
        tokenizer: "whitespace", lowercase: false, orders: [], textField: "text",
        skipBadLines: false, hashSeed: 0x5EED),
      totals: .init(), tables: tables, inputs: [], skipped: [], warnings: [])
    try manifest.encoded().write(to: URL(fileURLWithPath: "\(path)/\(Manifest.fileName)"))
    let postingsPath = "\(path)/\(DocumentPostings.fileName)"
    #expect(FileManager.default.fileExists(atPath: postingsPath) == keepDocumentIDs)
    return (
      try CountTable(directory: path, family: .entities),
      keepDocumentIDs ? try DocumentPostings(path: postingsPath) : nil, counter
    )
  }

  /// Checks the tables and postings hold exactly `expected`.
  static func expect(
    _ written: (table: CountTable, postings: DocumentPostings?, counter: EntityCounter),
    equal expected: EntityReference.Counts, _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let table = written.table
    let ids = written.counter.matcher.entityIDs
    #expect(
      ids == expected.entities.keys.sorted(by: bytesPrecede), "\(context)",
      sourceLocation: sourceLocation)
    #expect(table.maxOrder == 2, sourceLocation: sourceLocation)
    #expect(table.distinct(order: 1) == expected.entities.count, sourceLocation: sourceLocation)
    for (id, tally) in expected.entities {
      let counts = try table.counts(of: [Array(id.utf8)])
      #expect(
        counts == NGramCounts(count: tally.count, documents: tally.documents),
        "\(context): entity \(id)", sourceLocation: sourceLocation)
    }
    var pairs: [[String]: Tally] = [:]
    for index in 0..<table.distinct(order: 2) {
      let (pair, counts) = try table.entry(order: 2, index: index)
      let key = try pair.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
      pairs[key] = Tally(count: counts.count, documents: counts.documents)
    }
    #expect(pairs == expected.pairs, "\(context): pairs", sourceLocation: sourceLocation)
    for (key, tally) in expected.pairs {
      #expect(
        try table.counts(of: key.map { Array($0.utf8) })
          == NGramCounts(count: tally.count, documents: tally.documents),
        "\(context): pair \(key)", sourceLocation: sourceLocation)
    }
    if let postings = written.postings {
      #expect(postings.entityCount == ids.count, sourceLocation: sourceLocation)
      for (e, id) in ids.enumerated() {
        #expect(
          try postings.documents(of: UInt32(e)) == expected.postings[id],
          "\(context): documents of \(id)", sourceLocation: sourceLocation)
      }
      #expect(try postings.documents(of: UInt32(ids.count)) == [], sourceLocation: sourceLocation)
    }
  }

  /// Match by match, the matcher finds what the reference finds, in case-folded and
  /// case-sensitive mode.
  @Test(arguments: [true, false])
  func matchesEqualTheReference(foldsCase: Bool) {
    let matcher = EntityMatcher(entries: Self.entries, foldsCase: foldsCase)
    for document in Self.randomDocuments(seed: foldsCase ? 11 : 12, count: 400) {
      let got = Self.matches(matcher, document.text)
      let want = Self.referenceMatches(document.text, foldsCase: foldsCase)
      #expect(got.tokens == want.tokens, "\(document.text.debugDescription)")
      #expect(got.found == want.found, "\(document.text.debugDescription)")
    }
    // Every alias of the reference names the same entities through entities(forAlias:).
    let aliases = EntityReference.aliasTable(Self.entries, foldsCase: foldsCase)
    #expect(matcher.aliasCount == aliases.values.map(\.count).reduce(0, +))
    for entry in Self.entries {
      for alias in entry.aliases {
        let tokens = EntityReference.tokens(alias, foldsCase: foldsCase)
        let want = aliases[EntityReference.key(tokens)].map { $0.sorted(by: bytesPrecede) } ?? []
        let got = matcher.entities(forAlias: alias).map { matcher.entityIDs[Int($0)] }
        #expect(got == want, "alias \(alias)")
      }
    }
    for notAnAlias in ["New York Ci", "York City", "", "—", "Paris France Hilton", "Big Apple"] {
      #expect(matcher.entities(forAlias: notAnAlias) == [], "\(notAnAlias)")
    }
  }

  /// Mentions, documents, every co-occurring pair and the posting lists, with sort buffers that
  /// force many merged runs and the default.
  @Test(arguments: [(UInt64(1), true, 1), (2, true, 1 << 22), (3, false, 1), (4, false, 1 << 22)])
  func countsEqualTheReference(seed: UInt64, foldsCase: Bool, sortBuffer: Int) throws {
    let documents = Self.randomDocuments(seed: seed, count: 300)
    let dir = try TemporaryDirectory()
    let written = try Self.count(
      documents, foldsCase: foldsCase, sortBuffer: sortBuffer, in: dir)
    let expected = EntityReference.counts(documents, entries: Self.entries, foldsCase: foldsCase)
    try Self.expect(written, equal: expected, "seed \(seed)")
    #expect(written.counter.documents == UInt64(documents.count))
    #expect(
      written.counter.tokens
        == UInt64(documents.map { Reference.split($0.text).count }.reduce(0, +)))
    // The random documents do exercise what they should.
    #expect(expected.entities["Q404"] == Tally(count: 0, documents: 0))
    #expect(expected.entities["Q0"] == Tally(count: 0, documents: 0))
    #expect(expected.pairs.count > 20)
  }

  /// Only the listed pairs are counted (either order, repeats and self-pairs are harmless).
  @Test func pairListRestrictsThePairs() throws {
    let documents = Self.randomDocuments(seed: 21, count: 300)
    let list = [
      ["Q60", "Q90"], ["Q90", "Q60"], ["Q4", "Q1384"], ["Q4", "Q4"], ["é", "W1"],
      ["Q404", "Q60"], ["Q663094", "Q90"],
    ]
    let canonical = Set(list.filter { $0[0] != $0[1] }.map { $0.sorted(by: bytesPrecede) })
    let dir = try TemporaryDirectory()
    let written = try Self.count(documents, foldsCase: true, pairList: list, in: dir)
    let expected = EntityReference.counts(
      documents, entries: Self.entries, foldsCase: true, pairList: canonical)
    try Self.expect(written, equal: expected, "pair list")
    #expect(Set(expected.pairs.keys).isSubset(of: canonical))
    #expect(expected.pairs.count == canonical.count - 1)  // Q404 never occurs
    // Without document ids, no postings file.
    let bare = try Self.count(
      documents, foldsCase: true, pairList: list, keepDocumentIDs: false, in: dir)
    try Self.expect(bare, equal: expected, "pair list, no document ids")
  }

  /// A document's entities and pairs, written out by hand.
  @Test func handWrittenDocuments() throws {
    let documents: [(id: UInt64, text: String)] = [
      (0, "New York City is not new York, (Paris), is"),
      (DocumentID.make(shard: 0, line: 7), "NEW YORK"),
      (DocumentID.make(shard: 0, line: 8), ""),
      (DocumentID.make(shard: 2, line: 1), "— & Rock & Roll city-of-light City of Light."),
      (DocumentID.make(shard: 2, line: (1 << 40) - 1), "«Paris» Hilton; new york city new"),
    ]
    let dir = try TemporaryDirectory()
    let written = try Self.count(documents, foldsCase: true, in: dir)
    let expected = EntityReference.counts(documents, entries: Self.entries, foldsCase: true)
    #expect(expected.entities["Q60"] == Tally(count: 2, documents: 2))
    #expect(expected.entities["W1"] == Tally(count: 1, documents: 1))
    #expect(expected.entities["Q1384"] == Tally(count: 2, documents: 2))
    #expect(expected.entities["Q90"] == Tally(count: 2, documents: 2))
    #expect(expected.entities["Q663094"] == Tally(count: 2, documents: 2))
    #expect(expected.entities["Q2"] == Tally(count: 1, documents: 1))
    #expect(expected.entities["a-lower"] == Tally(count: 0, documents: 0))
    #expect(expected.pairs[["Q1384", "Q60"]] == Tally(count: 1, documents: 1))
    #expect(expected.pairs[["Q60", "Q663094"]] == Tally(count: 2, documents: 2))
    #expect(expected.pairs[["Q2", "Q90"]] == Tally(count: 1, documents: 1))
    #expect(expected.postings["Q60"] == [0, DocumentID.make(shard: 2, line: (1 << 40) - 1)])
    try Self.expect(written, equal: expected, "hand-written")
    #expect(DocumentID.shard(DocumentID.make(shard: 2, line: (1 << 40) - 1)) == 2)
    #expect(DocumentID.line(DocumentID.make(shard: 2, line: (1 << 40) - 1)) == (1 << 40) - 1)
  }

  /// A document naming so many entities that its pairs are handed on in several batches.
  @Test func documentWithManyEntities() throws {
    let entries = (0..<370).map { (id: "E\($0)", aliases: ["ent\($0)", "Entity number \($0)"]) }
    let all = entries.indices.map { $0 % 3 == 0 ? "Entity NUMBER \($0)," : "ent\($0)" }
    var rng = SplitMix64(seed: 3)
    let documents: [(id: UInt64, text: String)] = [
      (1, all.joined(separator: " ")),
      (2, all.prefix(40).reversed().joined(separator: " ") + " ent7 ent7"),
      (3, "nothing here"),
      (4, all.shuffled(using: &rng).joined(separator: " ")),
    ]
    let dir = try TemporaryDirectory()
    let written = try Self.count(documents, entries: entries, foldsCase: true, in: dir)
    let expected = EntityReference.counts(documents, entries: entries, foldsCase: true)
    #expect(expected.pairs.count == 370 * 369 / 2)
    #expect(expected.pairs[["E1", "E2"]] == Tally(count: 3, documents: 3))
    #expect(expected.entities["E7"] == Tally(count: 5, documents: 3))
    try Self.expect(written, equal: expected, "many entities")
  }

  /// The entities the matcher finds in `text`, one list per match.
  static func found(_ text: String, aliases: [(id: String, aliases: [String])], foldsCase: Bool)
    -> [[String]]
  {
    let matcher = EntityMatcher(entries: aliases, foldsCase: foldsCase)
    var scratch: [UInt8] = []
    var ids: [UInt32] = []
    for token in Reference.split(text) {
      let bytes = Array(token.utf8)
      if let id = matcher.tokenID(bytes.span, scratch: &scratch) { ids.append(id) }
    }
    var result: [[String]] = []
    matcher.forEachMatch(in: ids) { _, entities in
      result.append(entities.map { matcher.entityIDs[Int($0)] })
    }
    return result
  }

  /// Unicode case folding: lowercase mapping plus ß/ẞ → ss, ς → σ, ſ → s, the same for aliases
  /// and text; and nothing folded in case-sensitive mode.
  @Test func unicodeCaseFolding() {
    let dictionary: [(id: String, aliases: [String])] = [
      ("U", ["Über"]), ("S", ["Straße"]), ("G", ["ΣΟΦΟΣ"]), ("g", ["σοφος"]),
      ("I", ["İstanbul"]), ("i", ["istanbul"]), ("K", ["Kelvin"]), ("P", ["paris"]), ("E", ["été"]),
    ]
    func count(_ text: String, _ foldsCase: Bool) -> [String: Int] {
      var counts: [String: Int] = [:]
      for match in Self.found(text, aliases: dictionary, foldsCase: foldsCase) {
        for id in match { counts[id, default: 0] += 1 }
      }
      // The reference agrees.
      var want: [String: Int] = [:]
      let reference = EntityReference.counts(
        [(0, text)], entries: dictionary, foldsCase: foldsCase)
      for (id, tally) in reference.entities where tally.count > 0 { want[id] = Int(tally.count) }
      #expect(counts == want, "\(text) foldsCase \(foldsCase)")
      return counts
    }
    #expect(count("ÜBER über Über uber UBER (Über),", true) == ["U": 4])
    #expect(count("ÜBER über Über uber UBER (Über),", false) == ["U": 2])
    #expect(count("STRASSE straße Strasse STRAẞE strasse ſtraſſe Straße STRAßE", true) == ["S": 8])
    #expect(count("STRASSE straße Strasse STRAẞE strasse ſtraſſe Straße", false) == ["S": 1])
    // Final and medial sigma fold alike; both aliases name every spelling.
    #expect(count("ΣΟΦΟΣ σοφος σοφοσ Σοφος", true) == ["G": 4, "g": 4])
    #expect(count("ΣΟΦΟΣ σοφος σοφοσ Σοφος", false) == ["G": 1, "g": 1])
    // İ lower-cases to i + U+0307 in alias and text alike: it never meets a plain i.
    #expect(count("İstanbul İSTANBUL i\u{307}stanbul istanbul ISTANBUL", true) == ["I": 3, "i": 2])
    #expect(
      count("İstanbul İSTANBUL i\u{307}stanbul istanbul ISTANBUL", false) == ["I": 1, "i": 1])
    // Kelvin sign K lower-cases to k; the ASCII and non-ASCII paths agree.
    #expect(count("\u{212A}elvin KELVIN «Kelvin» kelvin™", true) == ["K": 3])
    #expect(count("PARIS «PARIS» ‘paris’ Paris… ¿paris? paris's PARIS’S", true) == ["P": 5])
    #expect(count("PARIS «PARIS» ‘paris’ Paris… ¿paris? paris's", false) == ["P": 2])
    // No Unicode normalization: a decomposed é is not the precomposed one.
    #expect(count("Été ÉTÉ E\u{301}te\u{301} e\u{301}te\u{301}", true) == ["E": 2])
    // Beyond the Basic Multilingual Plane: Deseret capital and small letters.
    let deseret: [(id: String, aliases: [String])] = [("D", ["\u{10414}\u{10437}"])]
    #expect(
      Self.found(
        "\u{1043C}\u{10437} \u{10414}\u{1040F} (\u{1043C}\u{1040F})", aliases: deseret,
        foldsCase: true
      ).count == 3)
    #expect(
      Self.found(
        "\u{1043C}\u{10437} \u{10414}\u{1040F} \u{10414}\u{10437}", aliases: deseret,
        foldsCase: false
      ).count == 1)
  }

  /// An alias longer than any text, matches that end where the document ends, and tokens of
  /// nothing but punctuation between alias tokens.
  @Test func matchesAtTheEdges() {
    let dictionary: [(id: String, aliases: [String])] = [
      ("A", ["a b c d e f"]), ("B", ["b"]), ("C", ["c d"]), ("D", ["a b"]),
    ]
    #expect(Self.found("a b c d e", aliases: dictionary, foldsCase: true) == [["D"], ["C"]])
    #expect(Self.found("a — b & c d e f", aliases: dictionary, foldsCase: true) == [["A"]])
    #expect(Self.found("c d", aliases: dictionary, foldsCase: true) == [["C"]])
    #expect(Self.found("x a b c", aliases: dictionary, foldsCase: true) == [["D"]])
    #expect(Self.found("b", aliases: dictionary, foldsCase: true) == [["B"]])
    #expect(Self.found("", aliases: dictionary, foldsCase: true) == [])
    #expect(Self.found("a-b c", aliases: dictionary, foldsCase: true) == [])
  }
}

/// Sentence punctuation inside a would-be match: it ends the match unless an alias has it there.
struct SentencePunctuationTests {
  static let entries: [(id: String, aliases: [String])] = [
    ("NY", ["New York"]),
    ("NYC", ["New York City"]),
    ("STL", ["St. Louis"]),
    ("SW4", ["Star Wars: Episode IV"]),
    ("SW", ["Star Wars"]),
    ("X", ["Yes . No"]),
    ("EN", ["Élan Noir"]),
    ("ZU", ["Zürich Über"]),
  ]

  static func found(_ text: String) -> [String] {
    let matcher = EntityMatcher(entries: entries, foldsCase: true)
    var scratch: [UInt8] = []
    var ids: [UInt32] = []
    for token in Reference.split(text) {
      if let id = matcher.tokenID(Array(token.utf8).span, scratch: &scratch) { ids.append(id) }
    }
    var result: [String] = []
    matcher.forEachMatch(in: ids) { _, entities in
      result += entities.map { matcher.entityIDs[Int($0)] }
    }
    // The counter's path (prepare, appendMatches) finds the same.
    var batch = TokenBatch()
    for token in Reference.split(text) { matcher.prepare(Array(token.utf8).span, into: &batch, scratch: &scratch) }
    var viaBatch: [UInt32] = []
    matcher.appendMatches(in: &batch, to: &viaBatch)
    #expect(viaBatch.map { matcher.entityIDs[Int($0)] } == result, "\(text)")
    // And the reference.
    let reference = EntityReference.matches(
      EntityReference.tokens(text, foldsCase: true),
      aliases: EntityReference.aliasTable(entries, foldsCase: true),
      stopPrefixes: EntityReference.stopPrefixes(entries, foldsCase: true)
    ).flatMap { $0.entities.sorted() }
    #expect(reference == result, "\(text)")
    return result
  }

  @Test func sentencePunctuationEndsAMatch() {
    #expect(Self.found("in New York City today") == ["NYC"])
    #expect(Self.found("in New York. City officials") == ["NY"])
    #expect(Self.found("in New York; City officials") == ["NY"])
    #expect(Self.found("in New York, City officials") == ["NYC"])  // a comma does not end it
    #expect(Self.found("in New York … City") == ["NY"])  // nor does a token of it alone go unnoticed
    #expect(Self.found("in New York! City") == ["NY"])
    #expect(Self.found("New York.") == ["NY"])  // at the end of a match it does not matter
  }

  @Test func aliasesWithSentencePunctuationStillMatch() {
    #expect(Self.found("St. Louis is west") == ["STL"])
    #expect(Self.found("St Louis is west") == ["STL"])  // the alias's punctuation is optional
    #expect(Self.found("Star Wars: Episode IV was first") == ["SW4"])
    #expect(Self.found("Star Wars Episode IV") == ["SW4"])
    // Any sentence punctuation goes where the alias has some ("." for ":").
    #expect(Self.found("Star Wars. Episode IV") == ["SW4"])
    #expect(Self.found("Star. Wars Episode IV") == [])
    #expect(Self.found("Yes . No") == [])  // an alias with a token of only "." never matches
  }

  /// Tokens of more than ASCII take the matcher's general path: the same rules.
  @Test func tokensBeyondASCII() {
    #expect(Self.found("l'Élan Noir") == [])
    #expect(Self.found("«Élan» Noir.") == ["EN"])
    #expect(Self.found("ÉLAN NOIR") == ["EN"])
    #expect(Self.found("Élan. Noir") == [])
    #expect(Self.found("Élan… Noir") == [])
    #expect(Self.found("Élan。 Noir") == [])
    #expect(Self.found("Élan, Noir") == ["EN"])
    #expect(Self.found("Élan», Noir") == ["EN"])
    #expect(Self.found("Zürich! Über") == [])
    #expect(Self.found("Zürich’ Über") == ["ZU"])
    #expect(Self.found("„Zürich Über“") == ["ZU"])
  }
}
