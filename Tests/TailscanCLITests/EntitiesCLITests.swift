import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// `tailscan entities` on Fixtures/qa-mini.jsonl (entity lists of names, objects and bare
  /// Wikidata ids, single values, a TriviaQA answer, an answer list, an lm-eval-harness `doc`,
  /// `gold`, a tab and a newline inside strings, an empty line) against hand-written snapshots.
  @Test func entitiesFromTheMiniQALog() throws {
    let dir = try TemporaryDirectory()
    let entities = dir.file("entities.tsv")
    let pairs = dir.file("pairs.tsv")
    let arguments = [
      "entities", Fixtures.path("qa-mini.jsonl"), "-o", entities, "--pairs-output", pairs,
    ]
    let result = try Self.run(arguments)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "wrote\t\(entities)\nwrote\t\(pairs)\n")
    #expect(
      try String(contentsOfFile: entities, encoding: .utf8)
        == Fixtures.string("expected/qa-mini-entities.tsv"))
    #expect(
      try String(contentsOfFile: pairs, encoding: .utf8)
        == Fixtures.string("expected/qa-mini-pairs.tsv"))
    let report = result.stderr.split(separator: "\n").map(String.init)
    #expect(
      report.last
        == "read 10 questions from \(Fixtures.path("qa-mini.jsonl")): 5 with entity fields, "
        + "4 from answer aliases, 1 with no usable entity; wrote 10 entities (21 aliases) to "
        + "\(entities) and 4 pairs to \(pairs)")
    // Q42 has no name anywhere: a warning says it was left out.
    #expect(
      report.first == "warning: 1 entity has no name or alias and was left out ('Q42'): a bare id "
        + "cannot be matched in text; give it a name or aliases on some line")

    // A second run refuses to replace the dictionary, and leaves it as it was.
    try GzipFixtures.write(Array("keep\n".utf8), to: entities)
    let refused = try Self.run(arguments)
    #expect(refused.status == 1)
    #expect(refused.stdout.isEmpty)
    #expect(refused.stderr.contains("'\(entities)' already exists"))
    #expect(refused.stderr.contains("'--force'"))
    #expect(try String(contentsOfFile: entities, encoding: .utf8) == "keep\n")

    // With --force it does; -q leaves only the warning on standard error.
    let forced = try Self.run(arguments + ["--force", "-q"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(forced.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("warning:") })
    #expect(
      try String(contentsOfFile: entities, encoding: .utf8)
        == Fixtures.string("expected/qa-mini-entities.tsv"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == [
        "entities.tsv", "pairs.tsv",
      ])
  }

  @Test func entitiesBadLinesAndArguments() throws {
    let dir = try TemporaryDirectory()
    let log = try dir.write(
      Array("{\"answers\": [\"Paris\"]}\n{\"answers\": \n".utf8), to: "log.jsonl")
    var result = try Self.run(["entities", log, "-o", dir.file("e.tsv")])
    #expect(result.status == 1)
    #expect(result.stderr.contains("'\(log)':2: not valid JSON"))
    #expect(result.stderr.contains("'--skip-bad-lines'"))
    #expect(!FileManager.default.fileExists(atPath: dir.file("e.tsv")))
    result = try Self.run(["entities", log, "-o", dir.file("e.tsv"), "--skip-bad-lines"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: 1 bad line(s) were skipped ('\(log)':2)"))
    #expect(try String(contentsOfFile: dir.file("e.tsv"), encoding: .utf8) == "Paris\tParis\n")
    for arguments in [
      ["entities", dir.file("missing.jsonl"), "-o", dir.file("x.tsv")],
      ["entities", log, "-o", dir.file("x.tsv"), "--pairs-output", dir.file("x.tsv")],
      ["entities", log, "-o", log, "--force"],
      ["entities", log],
    ] {
      let result = try Self.run(arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("Error:"), "\(arguments)")
    }
  }
}
