import Foundation
import TailscanCount
import TailscanStore
import TailscanTestSupport
import TailscanText
import Testing

/// `Evidence.find` (what `tailscan docs` prints) against a brute-force scan of the documents
/// with `EntityReference`, on the four-shard corpus of `TargetedCountTests` (multi-member gzip
/// JSONL, gzip text, JSONL, text in a subdirectory).
struct EvidenceTests {
  typealias Corpus = (corpus: String, documents: [(id: UInt64, text: String)])

  static let shardNames = ["a.jsonl.gz", "b.txt.gz", "c.jsonl", "d/e.txt"]

  /// Counts random texts with document ids kept; returns the corpus and the table directory.
  static func count(in dir: TemporaryDirectory, seed: UInt64 = 11, keepDocumentIDs: Bool = true)
    throws -> (corpus: Corpus, tables: String)
  {
    let corpus = try TargetedCountTests.writeCorpus(
      TargetedCountTests.randomTexts(seed: seed, count: 120), in: dir)
    var request = CountRequest(inputs: [corpus.corpus], output: dir.file("out"), chunkSize: 5)
    request.ngrams = false
    request.entities = EntityOptions(
      dictionary: try TargetedCountTests.writeDictionary(in: dir),
      keepDocumentIDs: keepDocumentIDs)
    _ = try CountPipeline.run(request)
    return (corpus, dir.file("out"))
  }

  static let aliases = EntityReference.aliasTable(TargetedCountTests.entries, foldsCase: true)

  /// The ids of the documents mentioning every one of `entities`, by brute force.
  static func expectedDocuments(_ documents: [(id: UInt64, text: String)], _ entities: [String])
    -> [(id: UInt64, text: String)]
  {
    documents.filter { document in
      let tokens = EntityReference.tokens(document.text, foldsCase: true)
      let present = EntityReference.matches(
        tokens, aliases: aliases,
        stopPrefixes: EntityReference.stopPrefixes(TargetedCountTests.entries, foldsCase: true)).reduce(Set<String>()) {
        $0.union($1.entities)
      }
      return entities.allSatisfy(present.contains)
    }
  }

  /// The text as the snippet shows it: whitespace tokens joined by single spaces.
  static func collapsed(_ text: String) -> String { Reference.split(text).joined(separator: " ") }

  static func scalars(_ s: String, _ range: Range<Int>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: Array(s.unicodeScalars)[range])
    return String(view)
  }

  /// Checks one answer against the brute-force scan: the same documents in corpus order, the
  /// right path and line, snippets cut from the document's text, and mentions that are aliases.
  static func check(
    _ result: EvidenceResult, corpus: Corpus, entities: [String], limit: Int?, context: Int,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let expected = expectedDocuments(corpus.documents, entities)
    #expect(result.total == expected.count, sourceLocation: sourceLocation)
    let shown = Array(expected.prefix(limit ?? expected.count))
    #expect(result.documents.map(\.id) == shown.map(\.id), sourceLocation: sourceLocation)
    for (document, want) in zip(result.documents, shown) {
      let shard = DocumentID.shard(want.id)
      #expect(document.path == "\(corpus.corpus)/\(shardNames[shard])", sourceLocation: sourceLocation)
      #expect(document.recordedPath == document.path, sourceLocation: sourceLocation)
      #expect(document.line == DocumentID.line(want.id), sourceLocation: sourceLocation)
      // The snippet is a piece of the collapsed text, '…' where cut.
      let text = collapsed(want.text)
      var inner = document.snippet
      let cutBefore = inner.hasPrefix("…")
      let cutAfter = inner.hasSuffix("…")
      if cutBefore { inner.removeFirst() }
      if cutAfter { inner.removeLast() }
      let whole = Array(text.unicodeScalars)
      let piece = Array(inner.unicodeScalars)
      let places = (0...max(0, whole.count - piece.count)).filter { p in
        p + piece.count <= whole.count && Array(whole[p..<(p + piece.count)]) == piece
          && (p > 0) == cutBefore && (p + piece.count < whole.count) == cutAfter
      }
      #expect(!places.isEmpty, "\(document.snippet) in \(text)", sourceLocation: sourceLocation)
      // Every mention is an alias of its entity, which was asked for; the first is at most
      // `context` scalars from the snippet's ends (less where the document ends).
      guard let first = document.mentions.first else {
        Issue.record("no mention in \(document)", sourceLocation: sourceLocation)
        continue
      }
      // A cut that falls on a space leaves the space out: one scalar less.
      let count = document.snippet.unicodeScalars.count
      let after = count - first.end
      if cutBefore {
        #expect([context, context + 1].contains(first.start), sourceLocation: sourceLocation)
      } else {
        #expect(first.start <= context, sourceLocation: sourceLocation)
      }
      if cutAfter {
        #expect([context, context + 1].contains(after), sourceLocation: sourceLocation)
      } else {
        #expect(after <= context, sourceLocation: sourceLocation)
      }
      for mention in document.mentions {
        #expect(entities.contains(mention.entity), sourceLocation: sourceLocation)
        let written = scalars(document.snippet, mention.start..<mention.end)
        let tokens = EntityReference.key(EntityReference.tokens(written, foldsCase: true))
        #expect(
          aliases[tokens]?.contains(mention.entity) == true, "'\(written)' is no alias of \(mention.entity)",
          sourceLocation: sourceLocation)
        // Edge punctuation is outside the mention.
        #expect(
          !EntityNormalizer.isPunctuation(written.unicodeScalars.first!)
            && !EntityNormalizer.isPunctuation(written.unicodeScalars.last!),
          sourceLocation: sourceLocation)
      }
      // Marking puts each mention between [[ and ]].
      let marked = document.markedSnippet()
      #expect(marked.contains("[[\(scalars(document.snippet, first.start..<first.end))]]"))
      #expect(
        marked.replacingOccurrences(of: "[[", with: "").replacingOccurrences(of: "]]", with: "")
          == document.snippet, sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: [0, 12, 80, 10_000])
  func queriesMatchABruteForceScan(context: Int) throws {
    let dir = try TemporaryDirectory()
    let (corpus, tables) = try Self.count(in: dir)
    let reference = EntityReference.counts(
      corpus.documents, entries: TargetedCountTests.entries, foldsCase: true)
    // The pair in most documents, and the entity in most.
    let pair = try #require(reference.pairs.max { $0.value.documents < $1.value.documents }).key
    let single = try #require(
      reference.entities.max { ($0.value.documents, $1.key) < ($1.value.documents, $0.key) }).key
    #expect(Self.expectedDocuments(corpus.documents, pair).count > 5)

    for limit in [nil, 3, 1000] as [Int?] {
      let byPair = try Evidence.find(
        EvidenceRequest(
          directory: tables, pairs: ["\(pair[0]):\(pair[1])"], limit: limit, context: context,
          chunkSize: 7))
      #expect(byPair.entities == pair)
      #expect(byPair.warnings.isEmpty)
      Self.check(byPair, corpus: corpus, entities: pair, limit: limit, context: context)
      let bySingle = try Evidence.find(
        EvidenceRequest(directory: tables, entities: [single], limit: limit, context: context))
      Self.check(bySingle, corpus: corpus, entities: [single], limit: limit, context: context)
    }
    // Several '--entity': documents with all of them. By alias too.
    let three = ["Q60", "Q90", "Q1384"]
    let all = try Evidence.find(
      EvidenceRequest(
        directory: tables, entities: ["the big apple", "Q90", "Q1384"], limit: nil,
        context: context))
    #expect(all.entities == three)
    #expect(all.total > 1)
    Self.check(all, corpus: corpus, entities: three, limit: nil, context: context)
    // An entity and a pair, with repeats: each entity counts once.
    let mixed = try Evidence.find(
      EvidenceRequest(
        directory: tables, entities: ["Q90", "Q60"], pairs: ["Q60:Q90"], limit: nil,
        context: context))
    #expect(mixed.entities == ["Q90", "Q60"])
    Self.check(mixed, corpus: corpus, entities: ["Q90", "Q60"], limit: nil, context: context)
    if context == 10_000 {
      // Nothing is cut: every snippet is its whole document, collapsed.
      for document in all.documents {
        let text = corpus.documents.first { $0.id == document.id }!.text
        #expect(document.snippet == Self.collapsed(text))
      }
    }
  }

  /// Snippets, mentions and marks on hand-written documents.
  @Test func snippetsAndMarks() throws {
    let matcher = EntityMatcher(entries: TargetedCountTests.entries, foldsCase: true)
    func snippet(_ text: String, _ entities: [String], context: Int = 80) -> (String, String)? {
      guard
        let made = Evidence.snippet(
          of: Array(text.utf8), matcher: matcher, entities: entities, context: context)
      else { return nil }
      let document = EvidenceDocument(
        id: 1, path: "p", recordedPath: "p", line: 1, snippet: made.snippet,
        mentions: made.mentions)
      return (made.snippet, document.markedSnippet())
    }
    #expect(
      snippet("I  love\t(Paris),\u{3000}and NYC — Paris\n", ["Q90"])?.1
        == "I love ([[Paris]]), and NYC — [[Paris]]")
    #expect(
      snippet("I  love\t(Paris),\u{3000}and NYC — Paris\n", ["Q90", "Q60"])?.1
        == "I love ([[Paris]]), and [[NYC]] — [[Paris]]")
    // Longest match: 'New York City' is Q60, so there is no Q1384 here.
    #expect(snippet("in New York City", ["Q1384"]) == nil)
    #expect(snippet("in New\tYork City.", ["Q60"])?.1 == "in [[New York City]].")
    // Cuts count scalars of the collapsed text, from the mention without its punctuation.
    #expect(snippet("in New\tYork City.", ["Q60"], context: 2)?.1 == "…n [[New York City]].")
    #expect(snippet("ab in New\tYork City. Yes", ["Q60"], context: 2)?.1 == "…n [[New York City]].…")
    #expect(snippet("ab cd Paris ef gh", ["Q90"], context: 3)?.1 == "…cd [[Paris]] ef…")
    // A cut at a space leaves no space at the snippet's edge.
    #expect(snippet("ab cd Paris ef gh", ["Q90"], context: 4)?.1 == "…cd [[Paris]] ef…")
    #expect(snippet("Paris", ["Q90"], context: 0)?.1 == "[[Paris]]")
    #expect(snippet("x Paris y", ["Q90"], context: 0)?.1 == "…[[Paris]]…")
    // Offsets are in Unicode scalars; a mention cut off by the window is not listed.
    let made = try #require(
      Evidence.snippet(
        of: Array("Über é Paris Straße".utf8), matcher: matcher, entities: ["Q10", "Q90"],
        context: 8))
    #expect(made.snippet == "Über é Paris…")
    #expect(
      made.mentions == [
        EvidenceMention(entity: "Q10", start: 0, end: 4),
        EvidenceMention(entity: "Q90", start: 7, end: 12),
      ])
    // An alias of several requested entities: one mention per entity, one mark.
    let shared = EntityMatcher(entries: [("A", ["Mercury"]), ("B", ["Mercury"])], foldsCase: true)
    let both = try #require(
      Evidence.snippet(
        of: Array("the mercury rises".utf8), matcher: shared, entities: ["A", "B"], context: 80))
    #expect(both.mentions.map(\.entity) == ["A", "B"])
    let document = EvidenceDocument(
      id: 0, path: "", recordedPath: "", line: 1, snippet: both.snippet, mentions: both.mentions)
    #expect(document.markedSnippet() == "the [[mercury]] rises")
  }

  @Test func tokenRangesAgreeWithTheTokenizer() {
    for text in TargetedCountTests.randomTexts(seed: 3, count: 200) + ["", " ", " a\u{85}b\u{2029} "] {
      let bytes = Array(text.utf8)
      let ranges = WhitespaceSplitter.tokenRanges(in: bytes.span)
      #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == Reference.split(text))
    }
  }

  @Test func tablesWithoutDocumentIDs() throws {
    let dir = try TemporaryDirectory()
    let (_, tables) = try Self.count(in: dir, keepDocumentIDs: false)
    #expect(throws: CountError.documentIDsNotKept(directory: tables)) {
      try Evidence.find(EvidenceRequest(directory: tables, entities: ["Q90"]))
    }
    #expect("\(CountError.documentIDsNotKept(directory: tables))".contains("--keep-doc-ids'"))
    #expect(throws: TermError.unknownEntity("Q0")) {
      try Evidence.find(EvidenceRequest(directory: tables, entities: ["Q0"]))
    }
    #expect(throws: TermError.unknownPair("Q90:Q0")) {
      try Evidence.find(EvidenceRequest(directory: tables, pairs: ["Q90:Q0"]))
    }
  }

  @Test func tablesWithoutEntities() throws {
    let dir = try TemporaryDirectory()
    try dir.write(Array("Paris\n".utf8), to: "corpus/a.txt")
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("corpus")], output: dir.file("out")))
    #expect(throws: StoreError.familyNotCounted(path: dir.file("out"), family: .entities)) {
      try Evidence.find(EvidenceRequest(directory: dir.file("out"), entities: ["Q90"]))
    }
  }

  @Test func movedShard() throws {
    let dir = try TemporaryDirectory()
    let (corpus, tables) = try Self.count(in: dir)
    let shard = try #require(
      try Evidence.find(EvidenceRequest(directory: tables, entities: ["Q90"])).documents.first
    ).path
    try FileManager.default.moveItem(atPath: corpus.corpus, toPath: dir.file("elsewhere"))
    #expect(
      throws: CountError.shardMissing(path: shard, tried: [shard], directory: tables)
    ) {
      try Evidence.find(EvidenceRequest(directory: tables, entities: ["Q90"]))
    }
    let message = "\(CountError.shardMissing(path: "c/a.txt", tried: ["c/a.txt", "/t/c/a.txt"], directory: "t"))"
    #expect(message.contains("'c/a.txt'"))
    #expect(message.contains("'/t/c/a.txt'"))
    #expect(message.contains("relative to the directory it ran in"))
  }

  @Test func modifiedShard() throws {
    let dir = try TemporaryDirectory()
    let (corpus, tables) = try Self.count(in: dir)
    let request = EvidenceRequest(directory: tables, entities: ["Q90"], limit: nil)
    let before = try Evidence.find(request)
    // The same bytes, touched: a warning, and the same answer.
    let c = "\(corpus.corpus)/c.jsonl"
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: -86_400)], ofItemAtPath: c)
    var after = try Evidence.find(request)
    #expect(after.warnings.count == 1)
    #expect(after.warnings.first?.hasPrefix("'\(c)' has changed since it was counted") == true)
    #expect(after.warnings.first?.contains("lines may not match what was counted") == true)
    after.warnings = []
    #expect(after == before)
    // Lines gone: the line is not found.
    let lastInC = try #require(before.documents.last { $0.path == c })
    let lines = try String(contentsOfFile: c, encoding: .utf8).split(
      separator: "\n", omittingEmptySubsequences: false)
    try lines.prefix(lastInC.line - 1).joined(separator: "\n").write(
      toFile: c, atomically: false, encoding: .utf8)
    #expect(
      throws: CountError.lineNotFound(path: c, line: lastInC.line, lines: lastInC.line - 1)
    ) { try Evidence.find(request) }
    // The line is there but no longer mentions the entity.
    var changed = lines.map(String.init)
    changed[lastInC.line - 1] = #"{"text": "no entity here"}"#
    try changed.joined(separator: "\n").write(toFile: c, atomically: false, encoding: .utf8)
    #expect(
      throws: CountError.documentChanged(
        path: c, line: lastInC.line, reason: "no longer mentions Q90")
    ) { try Evidence.find(request) }
    // Or is not a document.
    changed[lastInC.line - 1] = #"{"text": "#
    try changed.joined(separator: "\n").write(toFile: c, atomically: false, encoding: .utf8)
    #expect(throws: CountError.self) { try Evidence.find(request) }
  }
}
