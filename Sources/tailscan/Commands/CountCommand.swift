import ArgumentParser
import TailscanCount
import TailscanIO
import TailscanText
import TailscanStore
import Foundation

extension Tailscan {
  struct Count: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count n-grams in a corpus of JSONL or text shards into exact tables.",
      discussion: """
        Reads *.json.gz, *.jsonl.gz, *.jsonl, *.json, *.txt.gz, *.txt and *.gz files (directories are walked recursively, in path order; hidden files and earlier table directories are skipped). A document is one line: the '--text-field' string of a JSON object, or the line itself for text files (*.gz alone is text). gzip files may have several members.

        Writes one memory-mapped table per order and manifest.json into the output directory, atomically. '--force' replaces only an earlier table directory (or an empty one), never anything else.

        EXAMPLES
          tailscan count corpus/ -o counts/
          tailscan count shard-00.json.gz shard-01.json.gz -o counts/ --orders 1...3
          tailscan count corpus/ -o counts/ --tokenizer words --lowercase
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
      for input in inputs where (try? Syscalls.status(input)) == nil {
        throw ValidationError("'\(input)' does not exist; check the path")
      }
    }

    func run() async throws {
      let request = CountRequest(
        inputs: inputs, output: output, maxOrder: orders.maxOrder,
        tokenizer: Tokenizer(name: tokenizer, lowercase: lowercase)!, textField: textField,
        skipBadLines: skipBadLines, overwrite: force, maxLineBytes: maxLineBytes.bytes)
      let summary = try CountPipeline.run(request, progress: Diagnostics.progress(quiet: quiet))
      for warning in summary.warnings { Diagnostics.warn(warning) }
      if !quiet {
        let t = summary.totals
        let rate = Double(t.uncompressedBytes) / max(summary.elapsedSeconds, 1e-9) / 1e6
        Diagnostics.note(
          "counted \(t.documents) documents, \(t.tokens) tokens from \(summary.shards) shard(s) "
            + "(\(Diagnostics.formatBytes(t.uncompressedBytes)) uncompressed) in "
            + String(format: "%.2f s (%.1f MB/s)", summary.elapsedSeconds, rate))
      }
      // Data on standard output: one line per order.
      for (index, distinct) in summary.distinct.enumerated() {
        print("order\t\(index + 1)\tdistinct\t\(distinct)")
      }
      print("wrote\t\(summary.output)")
    }
  }
}
