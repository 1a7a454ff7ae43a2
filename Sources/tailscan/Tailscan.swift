import ArgumentParser
import TailscanCount
import TailscanIO

@main
enum Main {
  static func main() async {
    // A write past a file-size limit ('ulimit -f') fails with EFBIG, reported with the file's
    // name, rather than killing the process with SIGXFSZ.
    Syscalls.ignoreFileSizeSignal()
    await Tailscan.main()
  }
}

struct Tailscan: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tailscan",
    abstract: "Count terms in a pretraining corpus and relate their frequency to model accuracy.",
    discussion: """
      Count n-grams, number terms (Razeghi et al. 2022) and dictionary entities (Kandpal et al. 2022) in gzip JSONL shards into exact, memory-mapped tables, then query them.

      EXAMPLES
        tailscan count corpus/ -o counts/
        tailscan count corpus/ -o counts/ -j 8 --memory 4GiB
        tailscan merge parts/* -o counts/
        tailscan query counts/ "24" "24 times" "of the"
        tailscan stats counts/ --order 2 --top 20
        tailscan count corpus/ -o counts/ --numbers
        tailscan query counts/ --numbers 24 18
        tailscan entities answers.jsonl -o entities.tsv --pairs-output pairs.tsv
        tailscan count corpus/ -o counts/ --entities entities.tsv --keep-doc-ids
        tailscan docs counts/ --pair Q90:Q142 --limit 5
        tailscan correlate answers.jsonl --counts counts/ -o report/
      """,
    version: TailscanVersion.current,
    subcommands: [
      Count.self, Merge.self, Query.self, Stats.self, Entities.self, Docs.self, Correlate.self,
      Plot.self, Demo.self, Verify.self,
    ])
}
