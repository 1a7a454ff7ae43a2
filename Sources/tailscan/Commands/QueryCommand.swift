import ArgumentParser
import TailscanStore
import Foundation
import TailscanText

extension Tailscan {
  struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the counts of n-grams.",
      discussion: """
        Each key is tokenized as the corpus was, so "24 times" asks for the bigram (24, times). A key never seen has count 0. TSV columns: key, count (occurrences), documents.

        With '--keys-file' (or '-' for standard input), keys are read one per line: use it for many keys.

        EXAMPLES
          tailscan query counts/ "24" "24 times" "of the"
          tailscan query counts/ --json "the"
          tailscan query counts/ --keys-file keys.txt
        """)

    @Argument(help: "The table directory written by 'tailscan count'.")
    var tables: String

    @Argument(help: "N-grams to look up.")
    var keys: [String] = []

    @Option(help: "Read keys from this file, one per line ('-' for standard input).")
    var keysFile: String?

    @Flag(help: "One JSON object per line instead of TSV.")
    var json = false

    func validate() throws {
      guard !keys.isEmpty || keysFile != nil else {
        throw ValidationError("give at least one key to look up, or '--keys-file'")
      }
    }

    /// The keys from the command line, then those of '--keys-file'.
    func allKeys() throws -> [String] {
      guard let keysFile else { return keys }
      let data: Data
      if keysFile == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
      } else {
        guard let contents = FileManager.default.contents(atPath: keysFile) else {
          throw ValidationError("cannot read '\(keysFile)'; check the path")
        }
        data = contents
      }
      let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
      return keys + lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
    }

    func run() async throws {
      let table = try CountTable(directory: tables)
      let settings = table.manifest.settings
      guard let tokenizer = Tokenizer(name: settings.tokenizer, lowercase: settings.lowercase)
      else {
        throw StoreError.badManifest(
          path: tables, detail: "unknown tokenizer '\(settings.tokenizer)'")
      }
      // Tokenize every key first, so a bad key fails before anything is printed.
      var queries: [(key: String, tokens: [String])] = []
      for key in try allKeys() {
        let tokens = tokenizer.tokens(of: key)
        guard !tokens.isEmpty else {
          Diagnostics.note(
            "Error: '\(key)' has no tokens under the '\(settings.tokenizer)' tokenizer")
          throw ExitCode(64)
        }
        queries.append((key, tokens))
      }
      var output = ""
      if !json { output += "key\tcount\tdocuments\n" }
      for (_, tokens) in queries {
        let counts = try table.counts(of: tokens.map { Array($0.utf8) })
        let normalized = tokens.joined(separator: " ")
        if json {
          var line = JSONLine()
          line.add("kind", "ngram")
          line.add("key", normalized)
          line.add("order", tokens.count)
          line.add("count", counts.count)
          line.add("documents", counts.documents)
          output += line.text + "\n"
        } else {
          output += "\(tsvField(normalized))\t\(counts.count)\t\(counts.documents)\n"
        }
        if output.utf8.count >= 1 << 16 {
          print(output, terminator: "")
          output = ""
        }
      }
      print(output, terminator: "")
    }
  }
}
