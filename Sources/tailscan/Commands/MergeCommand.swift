import ArgumentParser
import Foundation
import TailscanCount
import TailscanIO
import TailscanStore

extension Tailscan {
  struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Merge table directories counted apart (per shard, per machine) into one.",
      discussion: """
        Adds up the counts of every table family in the inputs. The result is what one 'tailscan count' over all their shards writes: the same table files, byte for byte, whatever the order or grouping of the merges. The inputs must have been counted with the same settings (tokenizer, orders, text field, number rules, entity dictionary and pair list), and no shard may be in two of them; either is refused with the difference named. Streaming: memory holds the merged vocabulary, not the tables.

        EXAMPLES
          tailscan count corpus/shard-0007.json.gz -o parts/0007/     # one task of a cluster job
          tailscan merge parts/* -o counts/
        """)

    @Argument(help: "Table directories written by 'tailscan count' (or 'tailscan merge').")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "Output directory for the merged tables.")
    var output: String

    @Option(
      name: [.customShort("j"), .long],
      help: ArgumentHelp("Threads that merge (default: all cores).", valueName: "n"))
    var jobs = Tailscan.Count.defaultJobs

    @Flag(name: .shortAndLong, help: "Replace an existing output directory.")
    var force = false

    @Flag(name: .shortAndLong, help: "No summary on standard error.")
    var quiet = false

    func validate() throws {
      guard !inputs.isEmpty else { throw ValidationError("give the table directories to merge") }
      guard (1...1024).contains(jobs) else {
        throw ValidationError("'--jobs' must be from 1 to 1024, not \(jobs)")
      }
      for input in inputs where (try? Syscalls.status(input)) == nil {
        throw ValidationError("'\(input)' does not exist; check the path")
      }
    }

    func run() async throws {
      let start = Syscalls.monotonicSeconds()
      let lock = try OutputLock(output: output)
      defer { _ = lock.path }
      let directory = try OutputDirectory(path: output, overwrite: force)
      let manifest = try TableMerger.merge(
        inputs, into: directory.temporaryPath, threads: jobs, toolVersion: TailscanVersion.current,
        createdAt: ISO8601DateFormatter().string(from: Date()))
      let path = directory.path
      try directory.commit()
      for warning in manifest.warnings { Diagnostics.warn(warning) }
      if !quiet {
        let t = manifest.totals
        Diagnostics.note(
          "merged \(inputs.count) table directories: \(t.documents) documents, \(t.tokens) tokens "
            + "from \(t.files) shard(s) in "
            + String(format: "%.2f s", Syscalls.monotonicSeconds() - start))
      }
      for table in manifest.tables {
        print("\((table.family ?? .ngrams).rawValue)\t\(table.order)\tdistinct\t\(table.distinct)")
      }
      print("wrote\t\(path)")
    }
  }
}
