import ArgumentParser
import TailscanCount
import TailscanIO
import TailscanText
import TailscanStore
import Foundation

extension Tailscan {
  struct Count: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count n-grams, number terms and entities in a corpus of JSONL or text shards.",
      discussion: """
        Reads *.json.gz, *.jsonl.gz, *.json.zst, *.jsonl.zst, *.jsonl, *.json, *.txt.gz, *.txt.zst, *.txt, *.gz and *.zst files (directories are walked recursively, in path order; hidden files and earlier table directories are skipped). A document is one line: the '--text-field' string of a JSON object, or the line itself for text files (*.gz and *.zst alone are text). Compression is detected from the content: gzip files may have several members, zstd files several frames; zstd is read through libzstd, loaded at run time (Debian: libzstd1).

        Writes one memory-mapped table per order and manifest.json into the output directory, atomically. '--force' replaces only an earlier table directory (or an empty one), never anything else.

        '-j N' counts N shards at once (default: all cores); '--memory SIZE' keeps the counts within SIZE by writing them out as runs and merging them at the end. Runs go to OUTPUT.parts/ as they are written (also every '--checkpoint' seconds), so a count that stops (killed, a bad line, a full disk) loses little: run it again with '--resume'. The tables are the same, byte for byte, whatever the jobs, budget or interruptions; 'tailscan merge' adds up tables counted apart.

        '--numbers' also counts number terms as Razeghi et al. did, over whitespace tokens: a number is a token of 1 to '--number-digits' ASCII digits; pairs are numbers at most '--number-window' tokens apart (keyed in string order, '18 24'); triples are a number and two later numbers within the window of it; number–keyword pairs are a number and a unit (any case, optional plural s) or operator (exact) within the window on either side.

        '--entities FILE' also matches a dictionary of entities (TSV 'id<TAB>name<TAB>alias…' or JSONL {"id":…,"aliases":[…]}) over whitespace tokens, longest match first, with punctuation at token edges ignored (but sentence punctuation ends a match unless an alias has it there) and case folded (unless '--case-sensitive'), and counts per entity its documents and mentions, and per pair of entities the documents containing both (only the pairs in '--pairs FILE' if given). '--keep-doc-ids' keeps each entity's documents for 'tailscan docs'.

        EXAMPLES
          tailscan count corpus/ -o counts/
          tailscan count corpus/ -o counts/ -j 8 --memory 4GiB
          tailscan count corpus/ -o counts/ -j 8 --memory 4GiB --resume
          tailscan count shard-00.json.gz shard-01.json.gz -o counts/ --orders 1...3
          tailscan count corpus/ -o counts/ --tokenizer words --lowercase
          tailscan count corpus/ -o counts/ --numbers --no-ngrams
          tailscan count corpus/ -o counts/ --entities entities.tsv --keep-doc-ids
        """)

    @Argument(help: "Corpus files or directories.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output directory for the tables.")
    var output: String

    @Option(help: "N-gram orders to count: '2' or '1...2'.")
    var orders = OrderRange(maxOrder: 2)

    @Option(help: "Tokenizer: 'whitespace' (Python str.split(), the default) or 'words'.")
    var tokenizer = "whitespace"

    @Flag(help: "Lower-case tokens (with '--tokenizer words').")
    var lowercase = false

    @Option(help: "The JSON field that holds the document text.")
    var textField = "text"

    @Flag(
      help: "Skip lines that are not valid documents (bad JSON, no text field, invalid UTF-8, longer than '--max-line-bytes'), listing them in the manifest.")
    var skipBadLines = false

    @Option(help: "The longest line (document) accepted.")
    var maxLineBytes = ByteCount(bytes: 1 << 31)

    @Flag(help: "Count number terms (Razeghi et al. 2022).")
    var numbers = false

    @Option(help: "Numbers pair with numbers and keywords at most this many tokens away.")
    var numberWindow = NumberRules.paperWindow

    @Option(help: "The most digits a number token has (up to \(NumberRules.digitLimit)).")
    var numberDigits = NumberRules.paperMaxDigits

    @Option(help: "Unit keywords, comma-separated (matched in any case, with an optional plural s).")
    var numberUnits = NumberRules.paperUnits.joined(separator: ",")

    @Option(help: "Operator keywords, comma-separated (matched exactly).")
    var numberOperators = NumberRules.paperOperators.joined(separator: ",")

    @Option(help: "Count the entities of this dictionary (TSV or JSONL).")
    var entities: String?

    @Option(help: "Count only the entity pairs in this file (two ids per line, tab-separated).")
    var pairs: String?

    @Flag(help: "Match entity aliases case-sensitively.")
    var caseSensitive = false

    @Flag(help: "Keep the documents of each entity, for 'tailscan docs'.")
    var keepDocIds = false

    @Flag(help: "Count only number terms and/or entities, not n-grams.")
    var noNgrams = false

    @Option(
      name: [.customShort("j"), .long],
      help: ArgumentHelp(
        "Shards counted at once (default: all cores, or $SLURM_CPUS_PER_TASK).",
        valueName: "n"))
    var jobs: Int?

    @Option(
      help: ArgumentHelp(
        "Keep the counts within this much memory (e.g. 4GiB): counts that reach it are written out and merged at the end.",
        valueName: "size"))
    var memory: ByteCount?

    @Flag(help: "Finish a count that was interrupted (crash, kill, bad line), keeping what it counted.")
    var resume = false

    @Option(
      help: ArgumentHelp(
        "Write counts out (so that a crash loses at most this much work) at the end of a shard once this many seconds have passed.",
        valueName: "seconds"))
    var checkpoint: Double = 60

    @Flag(name: .shortAndLong, help: "Replace an existing output directory.")
    var force = false

    @Flag(name: .shortAndLong, help: "No progress or summary on standard error.")
    var quiet = false

    func validate() throws {
      guard maxLineBytes.bytes < 1 << 32 else {
        throw ValidationError("'--max-line-bytes' goes up to 4GiB")
      }
      guard orders.maxOrder <= 8 else {
        throw ValidationError("'--orders' goes up to 8, not \(orders.maxOrder)")
      }
      guard Tokenizer(name: tokenizer, lowercase: lowercase) != nil else {
        if tokenizer == "whitespace" {
          throw ValidationError(
            "'--lowercase' works with '--tokenizer words'; 'whitespace' keeps tokens as they are")
        }
        throw ValidationError("'--tokenizer' must be 'whitespace' or 'words', not '\(tokenizer)'")
      }
      if !numbers {
        let defaults = NumberRules()
        let changed =
          numberWindow != defaults.window || numberDigits != defaults.maxDigits
          || numberUnits != defaults.units.joined(separator: ",")
          || numberOperators != defaults.operators.joined(separator: ",")
        if changed { throw ValidationError("the '--number-…' options need '--numbers'") }
      }
      guard (1...64).contains(numberWindow) else {
        throw ValidationError("'--number-window' must be from 1 to 64, not \(numberWindow)")
      }
      guard (1...NumberRules.digitLimit).contains(numberDigits) else {
        throw ValidationError(
          "'--number-digits' must be from 1 to \(NumberRules.digitLimit), not \(numberDigits)")
      }
      if entities == nil && (pairs != nil || caseSensitive || keepDocIds) {
        throw ValidationError("'--pairs', '--case-sensitive' and '--keep-doc-ids' need '--entities FILE'")
      }
      if let jobs, jobs < 1 || jobs > 1024 {
        throw ValidationError("'--jobs' must be from 1 to 1024, not \(jobs)")
      }
      guard checkpoint >= 0 else { throw ValidationError("'--checkpoint' must be 0 or more seconds") }
      if resume && force {
        throw ValidationError("'--resume' keeps what was counted and '--force' throws it away: pass one")
      }
      if noNgrams && !numbers && entities == nil {
        throw ValidationError("'--no-ngrams' leaves nothing to count: add '--numbers' or '--entities FILE'")
      }
      for file in [entities, pairs].compactMap({ $0 }) where (try? Syscalls.status(file)) == nil {
        throw ValidationError("'\(file)' does not exist; check the path")
      }
      for input in inputs where (try? Syscalls.status(input)) == nil {
        throw ValidationError("'\(input)' does not exist; check the path")
      }
    }

    /// `error`, followed by where the counts made before it are kept, if any were.
    func keptNote(_ error: any Error) -> any Error {
      let work = CountPipeline.workDirectory(for: output)
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []
      guard entries.contains(where: { $0.hasPrefix("run-") }) else { return error }
      return CountFailure(
        message: "\(error)\nwhat was counted before this is kept in '\(work)': once the cause is "
          + "fixed, run the same command with '--resume' to go on from there")
    }

    /// All cores, or the CPUs Slurm gave the task.
    static var defaultJobs: Int {
      if let slurm = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"], let n = Int(slurm),
        n > 0
      {
        return n
      }
      return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    func run() async throws {
      var request = CountRequest(
        inputs: inputs, output: output, maxOrder: orders.maxOrder,
        tokenizer: Tokenizer(name: tokenizer, lowercase: lowercase)!, textField: textField,
        skipBadLines: skipBadLines, overwrite: force, maxLineBytes: maxLineBytes.bytes)
      request.ngrams = !noNgrams
      request.jobs = jobs ?? Self.defaultJobs
      request.memoryBudget = memory?.bytes
      request.resume = resume
      request.checkpointSeconds = checkpoint
      if numbers {
        func list(_ s: String) -> [String] {
          s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        request.numbers = NumberRules(
          window: numberWindow, maxDigits: numberDigits, units: list(numberUnits),
          operators: list(numberOperators))
      }
      if let entities {
        request.entities = EntityOptions(
          dictionary: entities, pairs: pairs, caseSensitive: caseSensitive,
          keepDocumentIDs: keepDocIds)
      }
      var shown: [String] = []
      let progress = Diagnostics.progress(quiet: quiet)
      let summary: CountSummary
      do {
        summary = try CountPipeline.run(request, progress: progress) { warning in
          // At once (on a fresh line if a progress line is showing): a run may go on for hours.
          if progress != nil { Diagnostics.note("") }
          Diagnostics.warn(warning)
          shown.append(warning)
        }
      } catch CountError.nothingToResume(let output) {
        // Done already: a job script that resumes until it succeeds may stop.
        if !quiet { Diagnostics.note("'\(output)' is complete: nothing to resume") }
        return
      } catch let error as CountError {
        if case .interruptedRun = error { throw error }
        if case .resumeMismatch = error { throw error }
        if case .damagedRun = error { throw error }
        throw keptNote(error)
      } catch {
        throw keptNote(error)
      }
      for warning in summary.warnings where !shown.contains(warning) { Diagnostics.warn(warning) }
      if !quiet && summary.resumedShards + summary.partlyResumedShards > 0 {
        Diagnostics.note(
          "resumed: \(summary.resumedShards) shard(s) were already counted, "
            + "\(summary.partlyResumedShards) in part")
      }
      if !quiet {
        Diagnostics.note(Diagnostics.counted(summary))
        if summary.runs > 1 {
          Diagnostics.note(
            "merged \(summary.runs) runs (\(Diagnostics.formatBytes(summary.runBytes)) of "
              + "temporary space in \(CountPipeline.workDirectory(for: summary.output)), removed)")
        }
      }
      // Data on standard output: one line per order.
      for table in summary.tables {
        print("\((table.family ?? .ngrams).rawValue)\t\(table.order)\tdistinct\t\(table.distinct)")
      }
      print("wrote\t\(summary.output)")
    }
  }
}

/// An error whose whole message is already written.
struct CountFailure: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
