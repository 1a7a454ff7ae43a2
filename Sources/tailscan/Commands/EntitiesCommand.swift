import ArgumentParser
import TailscanCount
import TailscanIO

extension Tailscan {
  struct Entities: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Build an entity dictionary (and question–answer entity pairs) from QA answer logs.",
      discussion: """
        Reads JSONL answer logs (plain or gzip), one answered question per line, and writes the entity dictionary that 'tailscan count --entities' matches: one line per entity, 'id<TAB>name<TAB>alias<TAB>…', sorted by the UTF-8 bytes of the id. Entities with the same id are merged (the union of their aliases, first seen first). Tabs and line breaks inside ids and aliases become spaces; blank aliases are dropped. An entity left with no alias is not written, but counted in the report.

        '--pairs-output' also writes each question's question-entity × answer-entity pairs, for 'tailscan count --pairs': one 'id1<TAB>id2' line per distinct pair, the two ids in byte order.

        ENTITY FIELDS
        'question_entities' and 'answer_entities' hold a list, or one item, of
          names:
            {"question_entities": ["Eiffel Tower"], "answer_entities": ["Paris"]}
          bare Wikidata ids, usable only if some line names the id or gives aliases:
            {"question_entities": ["Q243"], "answer_entities": "Q90"}
          objects (name and aliases optional; the name is an alias):
            {"answer_entities": {"id": "Q90", "name": "Paris", "aliases": ["Lutèce"]}}

        ANSWER ALIASES
        Without 'answer_entities', the answer entity comes from the first of 'answers', 'answer', 'gold', 'target' (at the top level or in the lm-eval-harness 'doc'). Its id is the TriviaQA 'value', else the first alias; 'normalized_aliases' count only when there is nothing else. Such a line has no question entity unless it has 'question_entities'.
          a list:
            {"question": "Capital of France?", "answers": ["Paris", "Paris, France"]}
          a string:
            {"question": "Capital of France?", "answer": "Paris"}
          a TriviaQA answer:
            {"answer": {"value": "Paris", "aliases": ["Paris", "Lutèce"]}}
          lm-evaluation-harness --log_samples:
            {"doc": {"answer": {"value": "Paris", "aliases": ["Paris", "Lutèce"]}}}

        Empty lines are ignored; any other line that is not a JSON object stops the run, unless '--skip-bad-lines'.

        The outputs are written atomically; an existing file is replaced only with '--force'. The report goes to standard error, one 'wrote<TAB>PATH' line per file to standard output.

        EXAMPLES
          tailscan entities answers.jsonl -o entities.tsv
          tailscan entities answers.jsonl -o entities.tsv --pairs-output pairs.tsv
          tailscan entities samples_triviaqa.jsonl -o entities.tsv --skip-bad-lines
        """)

    @Argument(help: "Answer logs: JSONL, one answered question per line.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The entity dictionary to write (TSV).")
    var output: String

    @Option(help: "Also write the question–answer entity pairs here (TSV).")
    var pairsOutput: String?

    @Flag(help: "Skip lines that are not JSON objects, counting them in the report.")
    var skipBadLines = false

    @Flag(name: .shortAndLong, help: "Replace existing output files.")
    var force = false

    @Flag(name: .shortAndLong, help: "No report on standard error (warnings are still printed).")
    var quiet = false

    func validate() throws {
      for input in inputs where (try? Syscalls.status(input)) == nil {
        throw ValidationError("'\(input)' does not exist; check the path")
      }
      if let pairsOutput, pairsOutput == output {
        throw ValidationError("'-o' and '--pairs-output' must be different files")
      }
      for path in [output] + (pairsOutput.map { [$0] } ?? []) where inputs.contains(path) {
        throw ValidationError("'\(path)' is an input; choose another output path")
      }
    }

    func run() async throws {
      let request = EntitiesRequest(
        inputs: inputs, output: output, pairsOutput: pairsOutput, skipBadLines: skipBadLines,
        overwrite: force)
      let dictionary = try EntityLog.run(request)
      let report = dictionary.report
      if report.skippedLines > 0 {
        let first = report.firstSkippedLines.map { "'\($0.path)':\($0.line)" }
        Diagnostics.warn(
          "\(report.skippedLines) bad line(s) were skipped (\(first.joined(separator: ", "))"
            + "\(report.skippedLines > first.count ? ", …" : ""))")
      }
      if report.entitiesWithoutAliases > 0 {
        let count = report.entitiesWithoutAliases
        let first = report.firstEntitiesWithoutAliases.map { "'\($0)'" }
        Diagnostics.warn(
          (count == 1
            ? "1 entity has no name or alias and was left out"
            : "\(count) entities have no name or alias and were left out")
            + " (\(first.joined(separator: ", "))\(count > first.count ? ", …" : "")): a bare id "
            + "cannot be matched in text; give it a name or aliases on some line")
      }
      if report.questions > 0 && report.withoutUsableEntity == report.questions {
        Diagnostics.warn(
          "no question had a usable entity; see 'tailscan entities --help' for the fields read")
      }
      if !quiet {
        let from = report.files.count == 1 ? report.files[0] : "\(report.files.count) files"
        var line =
          "read \(report.questions) questions from \(from): \(report.withEntityFields) with "
          + "entity fields, \(report.fromAnswerAliases) from answer aliases, "
          + "\(report.withoutUsableEntity) with no usable entity; wrote "
          + "\(dictionary.entities.count) entities (\(dictionary.aliasCount) aliases) to \(output)"
        if let pairsOutput { line += " and \(dictionary.pairs.count) pairs to \(pairsOutput)" }
        Diagnostics.note(line)
      }
      print("wrote\t\(output)")
      if let pairsOutput { print("wrote\t\(pairsOutput)") }
    }
  }
}
