import Foundation
import Testing
import TailscanCount
import TailscanStore
import TailscanTestSupport
import TailscanText

/// Bugs a review found, each kept as a test.
struct ReviewRegressionTests {
  /// Answers with spaces or tabs at their ends give ids that `count` accepts.
  @Test func entitiesTrimsIDsSoCountAcceptsThem() throws {
    let dir = try TemporaryDirectory()
    let log = try dir.write(
      Array(
        """
        {"question": "Capital of France?", "answer": " Paris", "question_entities": ["France"]}
        {"question": "x?", "answers": ["Rome\\t", "Roma"], "question_entities": ["Italy "]}
        """.utf8), to: "log.jsonl")
    let built = try EntityLog.run(
      EntitiesRequest(inputs: [log], output: dir.file("e.tsv"), pairsOutput: dir.file("p.tsv")))
    #expect(built.entities.map(\.id) == ["France", "Italy", "Paris", "Rome"])
    try dir.write(Array("Paris is in France. Rome is in Italy\n".utf8), to: "c.txt")
    var request = CountRequest(inputs: [dir.file("c.txt")], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: dir.file("e.tsv"), pairs: dir.file("p.tsv"))
    _ = try CountPipeline.run(request)
    #expect(try TermLookup(directory: dir.file("out")).pair("Rome:Italy").count == 1)
  }

  /// Ids that differ only in Unicode normalization are different entities (ids are bytes).
  @Test func idsDifferingInNormalizationStayApart() throws {
    let dir = try TemporaryDirectory()
    let nfc = "Caf\u{E9}"
    let nfd = "Cafe\u{301}"
    let dictionary = try dir.write(Array("\(nfc)\tCafe One\n\(nfd)\tCafe Two\n".utf8), to: "d.tsv")
    try dir.write(Array("Cafe One here\nCafe Two there\nCafe Two\n".utf8), to: "c.txt")
    var request = CountRequest(inputs: [dir.file("c.txt")], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: dictionary)
    _ = try CountPipeline.run(request)
    let lookup = TermLookup(directory: dir.file("out"))
    #expect(try lookup.entity(nfc).count == 1)
    #expect(try lookup.entity(nfd).count == 2)
    #expect(try Manifest.read(directory: dir.file("out")).settings.entities?.entities == 2)
  }

  /// A unit with non-ASCII letters matches in any case, as Python's `str.lower()` does.
  @Test func nonASCIIUnitsMatchInAnyCase() {
    let classifier = NumberClassifier(rules: NumberRules(units: ["Übung", "day"]))
    for token in ["Übung", "übung", "ÜBUNG", "Übungs", "ÜBUNGS"] {
      #expect(classifier.classify(Array(token.utf8).span) == .keyword(index: 0), "\(token)")
    }
    #expect(classifier.classify(Array("Ubung".utf8).span) == .other)
    #expect(classifier.classify(Array("DAYS".utf8).span) == .keyword(index: 1))
  }

  /// An ambiguous alias on one side of a pair says so, as it does for `--entity`.
  @Test func ambiguousAliasInAPair() throws {
    let dir = try TemporaryDirectory()
    let dictionary = try dir.write(
      Array("P1\tParis\nP2\tParis\tParis Hilton\nF\tFrance\n".utf8), to: "d.tsv")
    try dir.write(Array("Paris Hilton in Paris France\n".utf8), to: "c.txt")
    var request = CountRequest(inputs: [dir.file("c.txt")], output: dir.file("out"))
    request.ngrams = false
    request.entities = EntityOptions(dictionary: dictionary)
    _ = try CountPipeline.run(request)
    let lookup = TermLookup(directory: dir.file("out"))
    #expect(throws: TermError.ambiguousAlias("Paris", ids: ["P1", "P2"])) {
      try lookup.pair("Paris:France")
    }
    #expect(try lookup.pair("P1:France").count == 1)
  }

  /// A byte order mark before a TSV dictionary is not part of the first id.
  @Test func byteOrderMarkIsIgnored() throws {
    let dir = try TemporaryDirectory()
    let path = try dir.write([0xEF, 0xBB, 0xBF] + Array("Q1\tParis\n".utf8), to: "d.tsv")
    #expect(try EntityDictionary.read(path: path).entries.map(\.id) == ["Q1"])
  }
}
