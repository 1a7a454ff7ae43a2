import ArgumentParser
import Foundation
import TailscanAnalysis
import TailscanCount
import TailscanIO


/// Parses one of `T`'s cases by its raw value, or says which there are.
private func choice<T: RawRepresentable & CaseIterable>(_ text: String) throws -> T
where T.RawValue == String {
  guard let value = T(rawValue: text) else {
    throw ValidationError(
      "'\(text)' is not one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
  }
  return value
}

extension Tailscan {
  struct Correlate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Join model answer logs with the counts and compute the papers' statistics.",
      discussion: """
        Reads JSONL answer logs (plain or gzip), one answered instance per line, looks up each instance's key frequencies in the count tables, and reports per group (by default per task, model and shots) and per key: accuracy, the binned accuracy curve, Razeghi et al.'s performance gap Δ with a seeded bootstrap CI, Spearman and Pearson correlations of per-key accuracy with log10 frequency (95% CIs), a logistic regression of correctness on log10 frequency, and Wilson intervals per bin. With '-o' it writes summary.json (every number, the settings, the inputs' SHA-256), keys.csv and bins.csv.

        ARITHMETIC LOGS (Razeghi et al.): keys x1, x1x2, x1y (y = the gold answer), x1x2y, x1unit (x1 with the unit converted from), x1x2unit (the weaker of x1 and x2 with the unit). Operands come from 'x1'/'x2', or from a question 'What is 24 times 18?' (also 'plus', 'minus', 'divided by', and 'What is 3 minutes in seconds?'), and so does the task when the log has no 'task' field. Bins: 10 quantile bins of the keys' frequencies (numpy quantile, last edge +1, digitize); a bin's accuracy is the unweighted mean of its keys' accuracies; Δ = last bin − first; band ± sem·t(0.975, n−1). Frequencies are occurrences by default.
          {"task": "multiplication", "x1": 24, "x2": 18, "answer": "432", "prediction": " 432", "model": "6B", "shots": 2, "seed": 1}

        QA LOGS (Kandpal et al.): keys relevant (the most documents any question entity shares with an answer entity), question, answer. The tables must be counted with '--entities' from the same log ('tailscan entities'). Question entities come from 'question_entities', or are matched with the tables' dictionary in the question text (of a few-shot prompt, its last question: after the last line starting 'Q:' or 'Question:'); answer entities from 'answer_entities', else the entity the canonical answer names, else the one the aliases mention most. Bins: decades of the document count; a bin's accuracy is the mean over its questions; bins with fewer than --min-bin-size (500) questions are left out of the curve.
          {"question": "Who wrote Hamlet?", "answers": ["Shakespeare", "William Shakespeare"], "prediction": "Shakespeare", "model": "bloom-560m"}
          a TriviaQA answer object: {"question": "…", "answer": {"value": "Paris", "aliases": ["Paris"]}, "prediction": "Paris"}
          lm-evaluation-harness --log_samples: {"doc": {"question": "…", "answer": {"value": "Paris", "aliases": […]}}, "target": "…", "filtered_resps": ["Paris"], "exact_match": 1.0}

        CORRECTNESS
        From 'correct', 'is_correct', 'exact_match', 'em' or 'acc' (true/false or 1/0) when present; else scored: arithmetic = the first whitespace token of the completion equals the gold answer ('prediction', 'pred', 'output', 'response', 'generation', 'filtered_resps', 'resps'; a prompt echoed in it is dropped, or in a generation starting 'Q:' everything up to its last 'A:'; later 'Q:'s and 'A:'s are the model going on); QA = TriviaQA's normalised exact match against any alias. Where both exist, disagreements are counted in the report.

        FIELDS
        Each field is read from the first present of its names, at the top level or in the lm-eval 'doc': x1, x2, gold (gold, answer, y, target, completion), prediction, correct, question (question, prompt, input, context, query), answers (answers, answer, aliases, gold, target), unit, question_entities, answer_entities, task, model (model, model_name), shots (shots, k, num_fewshot), seed. '--field FIELD=NAME' reads FIELD from NAME instead, and no other field reads NAME (a dotted path such as doc.answer.value reaches inside objects). '--group-by' takes these fields, any other name or dotted path, and 'file' (the log's file name, or its path where two logs share a name).

        Keys never seen in the corpus are dropped (as both papers did) and reported; '--zero keep' keeps them in quantile bins. Instances a key cannot be found for (no entity, not a number term, a pair not counted) are reported with the reason, never silently dropped. Bad lines stop the run with their line number, unless '--skip-bad-lines'.

        EXAMPLES
          tailscan correlate answers.jsonl --counts counts/ -o report/
          tailscan correlate answers.jsonl --counts counts/ --key x1,x1x2,x1y --group-by model,shots
          tailscan correlate qa.jsonl --counts counts/ --bins decades --min-bin-size 500
          tailscan correlate samples_triviaqa.jsonl --counts counts/ --group-by file --field prediction=filtered_resps
        """)

    @Argument(help: "Answer logs: JSONL (plain or gzip), one answered instance per line.")
    var inputs: [String]

    @Option(help: "The count tables ('tailscan count' output).")
    var counts: String

    @Option(name: .shortAndLong, help: "Write the report here (a directory).")
    var output: String?

    @Option(
      help: "The kind of log: arithmetic or qa (default: detected from the first line).",
      transform: choice)
    var kind: AnswerKind?

    @Option(
      name: .customLong("key"), parsing: .unconditional,
      help: "Comma-separated keys (default: what the log supports).",
      transform: { text in try text.split(separator: ",").map { try choice(String($0)) } })
    var keys: [CorrelateKey]?

    @Option(
      help: ArgumentHelp(
        "Comma-separated fields to group by; empty for one group.",
        valueName: "fields"))
    var groupBy: String?

    @Option(
      name: .customLong("field"),
      help: ArgumentHelp("Read FIELD from NAME (repeatable).", valueName: "FIELD=NAME"))
    var fields: [String] = []

    @Option(help: "quantiles (arithmetic default) or decades (QA default).", transform: choice)
    var bins: CorrelateRequest.Bins?

    @Option(help: "The number of quantile bins.")
    var quantiles = 10

    @Option(help: "Decade bins with fewer instances are left out (default: 500 for QA, else 1).")
    var minBinSize: Int?

    @Option(help: "drop (default) or keep keys never seen in the corpus.", transform: choice)
    var zero: CorrelateRequest.Zero = .drop

    @Option(
      help: "occurrences (arithmetic default) or documents (QA default).", transform: choice)
    var frequency: FrequencyMeasure?

    @Option(help: "Bootstrap replicates for the CI of Δ (0: none).")
    var bootstrap = 1000

    @Option(help: "The bootstrap's seed.")
    var seed: UInt64 = 0

    @Flag(help: "Skip lines that are not answered instances, counting them in the report.")
    var skipBadLines = false

    @Option(
      name: [.customShort("j"), .long],
      help: ArgumentHelp(
        "Cores used at once (default: all cores, or $SLURM_CPUS_PER_TASK).", valueName: "n"))
    var jobs: Int?

    @Flag(name: .shortAndLong, help: "Replace an existing report directory.")
    var force = false

    @Flag(name: .shortAndLong, help: "No report on standard error (warnings are still printed).")
    var quiet = false

    @Flag(help: "Print summary.json to standard output instead of the table.")
    var json = false

    func validate() throws {
      var seen: [[UInt64]: String] = [:]  // (device, inode): a log however it is spelled
      for input in inputs {
        guard let status = try? Syscalls.status(input) else {
          throw ValidationError("'\(input)' does not exist; check the path")
        }
        if let first = seen.updateValue(input, forKey: [status.device, status.inode]) {
          throw ValidationError(
            "'\(first)' and '\(input)' are the same log; given twice, its answers would count "
              + "twice")
        }
      }
      if let keys, keys.isEmpty {
        throw ValidationError("'--key' names no key; give one or more, e.g. --key x1,x1x2")
      }
      guard quantiles >= 1 else { throw ValidationError("'--quantiles' must be at least 1") }
      if let jobs, jobs < 1 || jobs > 1024 {
        throw ValidationError("'--jobs' must be from 1 to 1024, not \(jobs)")
      }
      guard bootstrap >= 0 else { throw ValidationError("'--bootstrap' must be 0 or more") }
      if let minBinSize, minBinSize < 1 {
        throw ValidationError("'--min-bin-size' must be at least 1")
      }
      if let output, inputs.contains(output) || output == counts {
        throw ValidationError("'-o \(output)' is an input; choose another report directory")
      }
    }

    func run() async throws {
      let groupFields = groupBy.map {
        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
          .filter { !$0.isEmpty }
      }
      let request = CorrelateRequest(
        inputs: inputs, counts: counts, output: output, kind: kind, keys: keys,
        groupBy: groupFields, fields: fields, bins: bins, quantiles: quantiles,
        minBinSize: minBinSize, zero: zero, frequency: frequency, bootstrap: bootstrap,
        seed: seed, skipBadLines: skipBadLines, overwrite: force,
        jobs: jobs ?? Count.defaultJobs)
      let summary = try TailscanAnalysis.Correlate.run(request, version: TailscanVersion.current)
      report(summary)
      if json {
        print(try Report.json(summary), terminator: "")
      } else {
        print(CorrelateTable.render(summary), terminator: "")
      }
      if let output {
        let figures = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? [])
          .filter { $0.hasSuffix(".svg") }.sorted()
        Diagnostics.note(
          "wrote \(output)/index.html, summary.json, keys.csv, bins.csv and \(figures.count) "
            + "figure(s): \(figures.joined(separator: ", "))")
      }
    }

    /// The reading report and warnings, on standard error.
    private func report(_ summary: CorrelateSummary) {
      let log = summary.log
      if log.skippedLines > 0 {
        let first = log.firstSkippedLines.map { "'\($0.path)':\($0.line) (\($0.reason))" }
        Diagnostics.warn(
          "\(log.skippedLines) bad line(s) were skipped: \(first.joined(separator: ", "))"
            + (log.skippedLines > first.count ? ", …" : ""))
      }
      if log.disagreements > 0 {
        Diagnostics.warn(
          "tailscan's scoring disagrees with the log's own correctness field on "
            + "\(log.disagreements) of \(log.judgedByLog) instances; the log's field is used")
      }
      // One line per key, summed over the groups.
      for (k, key) in summary.settings.keys.enumerated() {
        let results = summary.groups.map { $0.keys[k] }
        let groups = summary.groups.count > 1 ? " over \(summary.groups.count) groups" : ""
        var reasons: [String: Int] = [:]
        for result in results {
          for reason in result.unmatched { reasons[reason.reason, default: 0] += reason.instances }
        }
        let unmatched = reasons.values.reduce(0, +)
        if unmatched > 0 {
          let listed = reasons.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)
            .map { "\($0.value): \($0.key)" }
          Diagnostics.warn(
            "\(key.rawValue): \(unmatched) of \(summary.log.instances) instances\(groups) have no "
              + "frequency and are left out (\(listed.joined(separator: "; "))"
              + (reasons.count > 3 ? "; …" : "") + ")")
        }
        let zeroInstances = results.reduce(0) { $0 + $1.zeroInstances }
        if zeroInstances > 0 && !quiet {
          let zeroKeys = results.reduce(0) { $0 + $1.zeroKeys }
          Diagnostics.note(
            "\(key.rawValue): \(zeroKeys) keys (\(zeroInstances) instances)\(groups) never occur "
              + "in the corpus and are "
              + (summary.settings.zero == .drop
                ? "dropped ('--zero keep' keeps them)" : "kept with frequency 0"))
        }
      }
      if !quiet {
        let from = log.files.count == 1 ? log.files[0].path : "\(log.files.count) logs"
        Diagnostics.note(
          "read \(log.instances) \(summary.settings.kind.rawValue) instances from \(from) "
            + "(\(log.judgedByLog) judged by the log, \(log.judgedByTailscan) scored by tailscan)"
            + "; counts: \(summary.counts.documents) documents in \(summary.counts.shards) shard(s)")
      }
    }
  }
}

/// The human summary: one row per group and key.
enum CorrelateTable {
  static func render(_ summary: CorrelateSummary) -> String {
    var rows: [[String]] = [
      ["group", "key", "instances", "keys", "accuracy", "Δ", "Δ 95% CI", "Spearman ρ", "bins"]
    ]
    func f(_ value: Double?, _ digits: Int = 3) -> String {
      guard let value else { return "-" }
      return String(format: "%.\(digits)f", value)
    }
    for group in summary.groups {
      for key in group.keys {
        let ci = key.deltaBootstrap.interval.map { "[\(f($0.lower)), \(f($0.upper))]" } ?? "-"
        let kept = key.binning.bins.count { $0.kept && $0.accuracy != nil }
        rows.append([
          group.label, key.key.rawValue, "\(key.instances)", "\(key.keys)", f(key.accuracy),
          f(key.delta), ci, f(key.spearman.coefficient), "\(kept)",
        ])
      }
    }
    let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { c, cell in
        c < 2
          ? cell + String(repeating: " ", count: widths[c] - cell.count)
          : String(repeating: " ", count: widths[c] - cell.count) + cell
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}
