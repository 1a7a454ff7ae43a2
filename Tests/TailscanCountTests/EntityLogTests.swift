import Foundation
import TailscanCount
import TailscanIO
import TailscanTestSupport
import Testing

/// Building entity dictionaries from answer logs (`tailscan entities`).
struct EntityLogTests {
  /// The dictionary of `lines`, written as one log.
  static func dictionary(_ lines: [String], skipBadLines: Bool = false) throws -> EntityLogDictionary {
    let dir = try TemporaryDirectory()
    let path = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "answers.jsonl")
    return try EntityLog.read([path], skipBadLines: skipBadLines)
  }

  /// Each entity as `[id, name, alias…]`.
  static func rows(_ dictionary: EntityLogDictionary) -> [[String]] {
    dictionary.entities.map { [$0.id] + $0.aliases }
  }

  /// Each pair as `[first, second]`.
  static func pairs(_ dictionary: EntityLogDictionary) -> [[String]] {
    dictionary.pairs.map { [$0.first, $0.second] }
  }

  @Test func entityListsOfStrings() throws {
    let d = try Self.dictionary([
      #"{"question_entities": ["Eiffel Tower", "France"], "answer_entities": ["Paris"]}"#
    ])
    #expect(
      Self.rows(d) == [
        ["Eiffel Tower", "Eiffel Tower"], ["France", "France"], ["Paris", "Paris"],
      ])
    #expect(Self.pairs(d) == [["Eiffel Tower", "Paris"], ["France", "Paris"]])
    #expect(d.report.questions == 1)
    #expect(d.report.withEntityFields == 1)
  }

  @Test func entityObjects() throws {
    let d = try Self.dictionary([
      #"{"question_entities": [{"id": "Q41567", "name": "Hamlet"}], "#
        + #""answer_entities": [{"id": "Q692", "name": "William Shakespeare", "#
        + #""aliases": ["Shakespeare", "The Bard"]}]}"#,
      // No id: the name is the id. Aliases may be one string. No name: the first alias names it.
      #"{"answer_entities": [{"name": "Lutèce", "aliases": "Lutetia"}, {"id": "Q3", "aliases": ["Three"]}]}"#,
      // Neither name nor aliases: an id alone, which cannot be matched.
      #"{"answer_entities": [{"id": "Paris"}]}"#,
    ])
    #expect(
      Self.rows(d) == [
        ["Lutèce", "Lutèce", "Lutetia"], ["Q3", "Three"], ["Q41567", "Hamlet"],
        ["Q692", "William Shakespeare", "Shakespeare", "The Bard"],
      ])
    #expect(Self.pairs(d) == [["Q41567", "Q692"]])
    #expect(d.report.entitiesWithoutAliases == 1)
    #expect(d.report.firstEntitiesWithoutAliases == ["Paris"])
    #expect(d.report.withoutUsableEntity == 1)
  }

  @Test func singleValuesInsteadOfLists() throws {
    let d = try Self.dictionary([
      #"{"question_entities": "Eiffel Tower", "answer_entities": {"id": "Q90", "name": "Paris"}}"#
    ])
    #expect(Self.rows(d) == [["Eiffel Tower", "Eiffel Tower"], ["Q90", "Paris"]])
    #expect(Self.pairs(d) == [["Eiffel Tower", "Q90"]])
  }

  @Test func triviaQAAnswerObject() throws {
    let d = try Self.dictionary([
      // The value is the id and the name; normalized aliases are not used when there are others.
      #"{"question": "Capital of Japan?", "answer": {"value": "Tokyo", "aliases": ["Tokyo", "Edo"], "#
        + #""normalized_aliases": ["tokyo", "edo"]}}"#,
      // Without a value, the first alias is the id.
      #"{"answers": {"aliases": ["Nile", "River Nile"], "normalized_aliases": ["nile"]}}"#,
      // Nothing but normalized aliases: they are used.
      #"{"answer": {"normalized_aliases": ["jupiter", "planet jupiter"]}}"#,
    ])
    #expect(
      Self.rows(d) == [
        ["Nile", "Nile", "River Nile"], ["Tokyo", "Tokyo", "Edo"],
        ["jupiter", "jupiter", "planet jupiter"],
      ])
    #expect(d.pairs.isEmpty)
    #expect(d.report.fromAnswerAliases == 3)
    #expect(d.report.withEntityFields == 0)
  }

  @Test(arguments: ["answers", "answer", "gold", "target"])
  func answerAliasFields(field: String) throws {
    let d = try Self.dictionary([
      #"{"question": "Largest planet?", "\#(field)": ["Jupiter", "planet Jupiter"]}"#,
      #"{"question": "Capital of Peru?", "\#(field)": "Lima"}"#,
    ])
    #expect(Self.rows(d) == [["Jupiter", "Jupiter", "planet Jupiter"], ["Lima", "Lima"]])
    #expect(d.report.fromAnswerAliases == 2)
  }

  @Test func answersComeBeforeGoldAndTarget() throws {
    let d = try Self.dictionary([
      #"{"target": "Rome", "gold": "Milan", "answer": "Roma", "answers": ["Rome, Italy"]}"#,
      #"{"target": "Oslo", "gold": "Bergen"}"#,
      // An answer field without any alias gives way to the next one.
      #"{"answers": [], "answer": " ", "target": "Lima"}"#,
    ])
    #expect(
      Self.rows(d) == [["Bergen", "Bergen"], ["Lima", "Lima"], ["Rome, Italy", "Rome, Italy"]])
  }

  @Test func lmEvaluationHarnessDoc() throws {
    let d = try Self.dictionary([
      #"{"doc_id": 0, "doc": {"question": "Which river flows through Cairo?", "question_id": "tc_5", "#
        + #""answer": {"value": "Nile", "aliases": ["Nile", "The Nile"], "normalized_aliases": ["nile"]}}, "#
        + #""target": "Nile river", "resps": [["Nile"]], "filtered_resps": ["Nile"], "exact_match": 1.0}"#,
      #"{"doc": {"question": "Where is the Eiffel Tower?", "question_entities": ["Eiffel Tower"], "#
        + #""answer_entities": ["Paris"]}, "target": "Paris"}"#,
    ])
    #expect(
      Self.rows(d) == [
        ["Eiffel Tower", "Eiffel Tower"], ["Nile", "Nile", "The Nile"], ["Paris", "Paris"],
      ])
    #expect(Self.pairs(d) == [["Eiffel Tower", "Paris"]])
    #expect(d.report.fromAnswerAliases == 1)
    #expect(d.report.withEntityFields == 1)
  }

  @Test func entityFieldsComeBeforeAnswerAliases() throws {
    let d = try Self.dictionary([
      // The answer entity is 'answer_entities'; the aliases are not used.
      #"{"question_entities": ["Hamlet"], "answer_entities": ["Q692"], "answers": ["Shakespeare"]}"#,
      // Without 'answer_entities', the answer aliases give the answer entity for the pairs.
      #"{"question_entities": ["Eiffel Tower"], "answers": ["Paris"]}"#,
    ])
    #expect(
      Self.rows(d) == [
        ["Eiffel Tower", "Eiffel Tower"], ["Hamlet", "Hamlet"], ["Paris", "Paris"],
      ])
    #expect(Self.pairs(d) == [["Eiffel Tower", "Paris"]])
    #expect(d.report.withEntityFields == 2)
    #expect(d.report.entitiesWithoutAliases == 1)
  }

  @Test func bareWikidataIDs() throws {
    let d = try Self.dictionary([
      // Q90 and Q1 are named on later lines; Q692 and Q42 never.
      #"{"question_entities": ["Q692"], "answer_entities": ["Q90"]}"#,
      #"{"answer_entities": [{"id": "Q90", "name": "Paris"}]}"#,
      #"{"question_entities": ["Q42"], "answer_entities": "Q1"}"#,
      #"{"answer_entities": {"id": "Q1", "aliases": ["universe"]}}"#,
      // Only Q followed by digits is a bare id; these are names.
      #"{"answer_entities": ["Q42a", "q7", "Q", "QQ1"]}"#,
    ])
    #expect(
      Self.rows(d) == [
        ["Q", "Q"], ["Q1", "universe"], ["Q42a", "Q42a"], ["Q90", "Paris"], ["QQ1", "QQ1"],
        ["q7", "q7"],
      ])
    // Pairs need both ids usable: (Q42, Q1) and (Q692, Q90) are left out.
    #expect(d.pairs.isEmpty)
    #expect(d.report.entitiesWithoutAliases == 2)
    #expect(d.report.firstEntitiesWithoutAliases == ["Q42", "Q692"])
    // The first line's Q90 is usable after all; every line has a usable entity.
    #expect(d.report.withoutUsableEntity == 0)
    #expect(d.report.withEntityFields == 5)
  }

  @Test func sameIDMergesAcrossLines() throws {
    let d = try Self.dictionary([
      #"{"answer_entities": {"id": "Q692", "name": "William Shakespeare", "aliases": ["Shakespeare"]}}"#,
      #"{"answer_entities": {"id": "Q692", "name": "Shakespeare", "aliases": ["The Bard"]}}"#,
      #"{"answer_entities": {"id": "Q692", "aliases": ["Will", "William Shakespeare"]}}"#,
    ])
    // The name stays the first alias seen; later aliases follow in the order first seen.
    #expect(Self.rows(d) == [["Q692", "William Shakespeare", "Shakespeare", "The Bard", "Will"]])
    #expect(d.entities[0].name == "William Shakespeare")
    #expect(d.aliasCount == 4)
  }

  @Test func aliasesAreDeduplicatedExactly() throws {
    // "é" composed (U+00E9) and decomposed (e + U+0301) are equal as Swift strings but not as
    // bytes: both are kept, as two aliases and as two ids, ordered by their bytes.
    let composed = "caf\u{E9}"
    let decomposed = "cafe\u{301}"
    let d = try Self.dictionary([
      #"{"answers": ["Paris", "paris", "Paris", "PARIS", "Paris "]}"#,
      #"{"answer_entities": [{"id": "X", "aliases": ["\#(composed)", "\#(decomposed)", "\#(composed)"]}]}"#,
      #"{"answer_entities": ["\#(composed)", "\#(decomposed)"]}"#,
    ])
    #expect(
      d.entities.map { Array($0.id.utf8) } == [
        Array("Paris".utf8), Array("X".utf8), Array(decomposed.utf8), Array(composed.utf8),
      ])
    // White space at the ends is trimmed first, so "Paris " is "Paris".
    #expect(d.entities[0].aliases == ["Paris", "paris", "PARIS"])
    #expect(
      d.entities[1].aliases.map { Array($0.utf8) } == [
        Array(composed.utf8), Array(decomposed.utf8),
      ])
  }

  @Test func tabsAndLineBreaksBecomeSpaces() throws {
    let d = try Self.dictionary([
      #"{"answer_entities": [{"id": "Q\t1", "name": "New\tYork", "aliases": ["New\r\nYork", "NY\n", "\t", "", " \n "]}]}"#,
      // An entity with nothing but blank strings is no entity at all.
      #"{"question_entities": ["\t\n"], "answers": ["a\u00a0b", "\u00a0"]}"#,
    ])
    // Then white space at the ends is trimmed ("NY\n" is "NY").
    #expect(Self.rows(d) == [["Q 1", "New York", "New  York", "NY"], ["a\u{A0}b", "a\u{A0}b"]])
    #expect(d.entitiesTSV() == "Q 1\tNew York\tNew  York\tNY\na\u{A0}b\ta\u{A0}b\n")
    #expect(d.report.entitiesWithoutAliases == 0)
  }

  @Test func entitiesAreSortedByUTF8Bytes() throws {
    let d = try Self.dictionary([
      #"{"answer_entities": ["zebra", "Zebra", "écru", "Ωmega", "😀", "a b", "ab", "a", "10", "9"]}"#
    ])
    let ids = d.entities.map(\.id)
    #expect(ids == ["10", "9", "Zebra", "a", "a b", "ab", "zebra", "écru", "Ωmega", "😀"])
    #expect(
      ids.map { Array($0.utf8) }
        == ids.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
  }

  @Test func pairsAreCanonicalDeduplicatedAndSorted() throws {
    let d = try Self.dictionary([
      #"{"question_entities": ["Paris"], "answer_entities": ["Eiffel Tower"]}"#,
      #"{"question_entities": ["Eiffel Tower"], "answer_entities": ["Paris"]}"#,
      #"{"question_entities": ["Paris", "Paris"], "answer_entities": ["Eiffel Tower", "Paris"]}"#,
      // A question whose answer entity is also its question entity pairs nothing with itself.
      #"{"question_entities": ["Lima"], "answer_entities": ["Lima"]}"#,
      #"{"question_entities": ["Zurich", "Bern"], "answer_entities": ["Aare", "Q5"]}"#,
    ])
    #expect(
      Self.pairs(d) == [
        ["Aare", "Bern"], ["Aare", "Zurich"], ["Eiffel Tower", "Paris"],
      ])
    #expect(d.pairsTSV() == "Aare\tBern\nAare\tZurich\nEiffel Tower\tParis\n")
    #expect(EntityPair("b", "a") == EntityPair("a", "b"))
    #expect(EntityPair("b", "a").first == "a")
  }

  @Test func badLineNamesFileAndLine() throws {
    let dir = try TemporaryDirectory()
    let lines = [
      #"{"answers": ["Paris"]}"#, "", #"{"answers": ["Lima"]"#, "[1, 2]", "42",
      #"{"answers": ["Oslo"]}"#,
    ]
    let path = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "answers.jsonl")
    let error = CountError.badLogLine(path: path, line: 3, reason: "not valid JSON (or not UTF-8)")
    #expect(throws: error) { try EntityLog.read([path]) }
    #expect(error.description.contains("'\(path)':3"))
    #expect(error.description.contains("'--skip-bad-lines'"))
  }

  @Test func skipBadLinesCountsThem() throws {
    var bytes = Array(#"{"answers": ["Paris"]}"#.utf8) + [0x0A]
    bytes += Array(#"{"answers": ["Li"#.utf8) + [0xC3, 0x28] + Array(#"ma"]}"#.utf8) + [0x0A]  // not UTF-8
    bytes += Array("[1, 2]\n\n   \r\nnull\n".utf8)
    bytes += Array(#"{"answers": ["Oslo"]}"#.utf8)
    let dir = try TemporaryDirectory()
    let path = try dir.write(bytes, to: "answers.jsonl")
    #expect(
      throws: CountError.badLogLine(path: path, line: 2, reason: "not valid JSON (or not UTF-8)")
    ) {
      try EntityLog.read([path])
    }
    let d = try EntityLog.read([path], skipBadLines: true)
    #expect(Self.rows(d) == [["Oslo", "Oslo"], ["Paris", "Paris"]])
    #expect(d.report.questions == 2)
    #expect(d.report.skippedLines == 3)
    #expect(d.report.firstSkippedLines.map(\.line) == [2, 3, 6])
    #expect(d.report.firstSkippedLines[1].reason == "a JSON array, not an object")
  }

  @Test func reportCountsEachQuestionOnce() throws {
    let d = try Self.dictionary([
      #"{"question_entities": ["A"], "answer_entities": ["B"]}"#,
      #"{"answers": ["C"]}"#,
      #"{"answer": {"value": "D"}}"#,
      #"{"answer_entities": ["Q1"]}"#,
      #"{"question": "no answer at all", "answer": 432, "answer_entities": [], "question_entities": null}"#,
      "",
      #"{"question": "blank", "answers": ["", " "]}"#,
    ])
    let r = d.report
    #expect(r.questions == 6)
    #expect(r.withEntityFields == 1)
    #expect(r.fromAnswerAliases == 2)
    #expect(r.withoutUsableEntity == 3)
    #expect(r.withEntityFields + r.fromAnswerAliases + r.withoutUsableEntity == r.questions)
    #expect(r.entitiesWithoutAliases == 1)
    #expect(d.entities.count == 4)
  }

  @Test func severalLogsAndGzip() throws {
    let dir = try TemporaryDirectory()
    let a = try dir.write(
      Array(#"{"answer_entities": {"id": "Q90", "name": "Paris"}}"#.utf8), to: "a.jsonl")
    let b = dir.file("b.jsonl.gz")
    try GzipFixtures.write(
      try GzipFixtures.gzip(#"{"answer_entities": {"id": "Q90", "aliases": ["Lutetia"]}}"# + "\n"),
      to: b)
    let d = try EntityLog.read([a, b])
    #expect(Self.rows(d) == [["Q90", "Paris", "Lutetia"]])
    #expect(d.report.files == [a, b])
    #expect(d.report.questions == 2)
    #expect(throws: IOError.notFound(path: dir.file("missing.jsonl"))) {
      try EntityLog.read([a, dir.file("missing.jsonl")])
    }
  }

  @Test func runWritesAtomicallyAndKeepsExistingFiles() throws {
    let dir = try TemporaryDirectory()
    let log = try dir.write(
      Array(#"{"question_entities": ["Hamlet"], "answer_entities": ["Shakespeare"]}"#.utf8),
      to: "log.jsonl")
    let request = EntitiesRequest(
      inputs: [log], output: dir.file("entities.tsv"), pairsOutput: dir.file("pairs.tsv"))
    let d = try EntityLog.run(request)
    #expect(try String(contentsOfFile: request.output, encoding: .utf8) == d.entitiesTSV())
    #expect(
      try String(contentsOfFile: dir.file("pairs.tsv"), encoding: .utf8) == "Hamlet\tShakespeare\n")
    // Existing files are refused, before anything is read, without '--force'.
    try GzipFixtures.write(Array("keep\n".utf8), to: dir.file("pairs.tsv"))
    #expect(
      throws: CountError.outputFileExists(path: dir.file("pairs.tsv"), option: "--pairs-output")
    ) {
      try EntityLog.run(
        EntitiesRequest(
          inputs: [dir.file("missing")], output: dir.file("new.tsv"),
          pairsOutput: dir.file("pairs.tsv")))
    }
    #expect(throws: CountError.outputFileExists(path: request.output, option: "-o")) {
      try EntityLog.run(request)
    }
    #expect(try String(contentsOfFile: dir.file("pairs.tsv"), encoding: .utf8) == "keep\n")
    var forced = request
    forced.overwrite = true
    _ = try EntityLog.run(forced)
    #expect(
      try String(contentsOfFile: dir.file("pairs.tsv"), encoding: .utf8) == "Hamlet\tShakespeare\n")
    // A directory is never replaced, even with '--force'.
    try dir.makeDirectory("taken")
    forced.output = dir.file("taken")
    #expect(throws: CountError.outputIsDirectory(path: dir.file("taken"), option: "-o")) {
      try EntityLog.run(forced)
    }
    // A bad line leaves no output and no temporary file behind.
    let bad = try dir.write(Array("{\"answers\": [\"x\"]}\nnot json\n".utf8), to: "bad.jsonl")
    #expect(throws: CountError.self) {
      try EntityLog.run(EntitiesRequest(inputs: [bad], output: dir.file("never.tsv")))
    }
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        == ["bad.jsonl", "entities.tsv", "log.jsonl", "pairs.tsv", "taken"])
  }
}
