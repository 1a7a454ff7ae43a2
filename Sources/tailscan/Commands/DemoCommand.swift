import ArgumentParser
import Foundation
import TailscanAnalysis
import TailscanCount

extension Tailscan {
  struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Count the bundled corpus, correlate the bundled answer logs, write a report.",
      discussion: """
        The whole story on bundled real data, offline: an entity dictionary from the bundled QA answer log ('tailscan entities'), one count of the bundled corpus (gzip JSONL shards of real English text) with Razeghi et al.'s number terms and the entities ('tailscan count --numbers --entities'), and 'tailscan correlate' of a small language model's real answers to arithmetic questions and to quiz questions. Writes DIR/index.html (both papers' figures and statistics on one page), DIR/arithmetic/ and DIR/qa/ (the reports), DIR/counts/ (the tables, for 'tailscan query DIR/counts …') and DIR/entities.tsv. Fixtures/README.md says where the data comes from.

        EXAMPLES
          swift run -c release tailscan demo
          tailscan demo --output /tmp/demo
          tailscan query demo-report/counts --numbers 24 18
        """)

    @Option(
      name: .shortAndLong,
      help: "The demo's directory (an earlier demo there is replaced, nothing else).")
    var output = "demo-report"

    @Option(help: "The bundled data (default: Fixtures/demo of the tailscan checkout).")
    var data: String?

    @Option(name: .shortAndLong, help: "Shards counted at once (default: all cores).")
    var jobs: Int?

    @Flag(name: .shortAndLong, help: "No progress or report on standard error.")
    var quiet = false

    func validate() throws {
      if let jobs, jobs < 1 { throw ValidationError("'--jobs' must be at least 1") }
    }

    /// `Fixtures/demo` here, above the executable (`.build/release/tailscan`), or in the
    /// checkout this binary was built from.
    static func bundledData() -> String {
      let candidates = ["Fixtures/demo"]
      var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      var above: [String] = []
      for _ in 0..<6 {
        directory.deleteLastPathComponent()
        above.append(directory.appendingPathComponent("Fixtures/demo").path)
      }
      var source = URL(fileURLWithPath: #filePath)
      for _ in 0..<4 { source.deleteLastPathComponent() }
      let all = candidates + above + [source.appendingPathComponent("Fixtures/demo").path]
      return all.first { FileManager.default.fileExists(atPath: "\($0)/corpus") } ?? "Fixtures/demo"
    }

    func run() throws {
      let request = DemoRequest(
        data: data ?? Self.bundledData(), output: output, jobs: jobs ?? Count.defaultJobs)
      let result = try TailscanAnalysis.Demo.run(
        request, progress: Diagnostics.progress(quiet: quiet),
        warn: { Diagnostics.warn($0) })
      if !quiet {
        Diagnostics.note(
          Diagnostics.counted(result.count)
            + ": number terms and \(result.entities) entities")
      }
      for (title, summary) in [
        ("Arithmetic (Razeghi et al.): accuracy against the frequency of the operands",
         result.arithmetic),
        ("Question answering (Kandpal et al.): accuracy against relevant documents", result.qa),
      ] {
        print("\n\(title)")
        let log = summary.log
        print(
          "\(log.instances) answers by \(Set(summary.groups.compactMap { group in summary.settings.groupBy.firstIndex(of: "model").map { group.values[$0] } }).sorted().joined(separator: ", ")) "
            + "from \(summary.inputs.map { ($0.path as NSString).lastPathComponent }.joined(separator: ", "))")
        print(CorrelateTable.render(summary), terminator: "")
      }
      print("\nwrote \(result.index) (both papers' figures and statistics), "
        + "\(output)/arithmetic/, \(output)/qa/, \(output)/counts/")
    }
  }
}
