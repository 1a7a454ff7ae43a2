import ArgumentParser
import TailscanStore

extension Tailscan {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check every byte of table directories against their checksums.",
      discussion: """
        Reads each table file a directory's manifest lists, and the document postings (entities-docs.tsd) of a '--keep-doc-ids' count, and checks its header (magic, version, sizes, XXH64) and every 4 KiB block of its body against the block checksums stored at its end. A damaged file (a bad disk, a cut or altered copy) is reported with its name and the damaged block, and the exit status is 1. 'query', 'stats', 'docs' and 'correlate' check the blocks they read as they go; 'merge' checks whole tables before merging them.

        Tables written before format version 2 have no block checksums: their headers and sizes are checked, and a warning says so.

        EXAMPLES
          tailscan verify counts/
          tailscan verify parts/*
        """)

    @Argument(help: "Table directories.")
    var directories: [String]

    @Flag(name: .shortAndLong, help: "Print nothing when every table is whole.")
    var quiet = false

    func run() throws {
      for directory in directories {
        let checked = try TableVerifier.verify(directory: directory)
        let unchecked = checked.filter { $0.blocks == 0 }.map(\.file)
        if !unchecked.isEmpty {
          Diagnostics.warn(
            "'\(directory)': \(unchecked.joined(separator: ", ")) carry no block checksums "
              + "(format version 1): only their headers and sizes were checked; recount to add them")
        }
        if !quiet {
          for table in checked {
            let what = table.blocks == 0 ? "header and sizes only" : "\(table.blocks) blocks"
            print("ok\t\(directory)/\(table.file)\t\(what)")
          }
        }
      }
    }
  }
}
