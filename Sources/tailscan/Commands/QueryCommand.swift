import ArgumentParser
import TailscanStore
import Foundation
import TailscanText

extension Tailscan {
  struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the counts of n-grams.",
      discussion: """
        Each key is tokenized as the corpus was, so "24 times" asks for the bigram (24, times).
        A key never seen has count 0. TSV columns: key, count (occurrences), documents.

        EXAMPLES
          tailscan query counts/ "24" "24 times" "of the"
          tailscan query counts/ --json "the"
        """)

    @Argument(help: "The table directory written by 'tailscan count'.")
    var tables: String

    @Argument(help: "N-grams to look up.")
    var keys: [String] = []

    @Flag(help: "One JSON object per line instead of TSV.")
    var json = false

    func validate() throws {
      guard !keys.isEmpty else { throw ValidationError("give at least one key to look up") }
    }

    func run() async throws {
      let table = try CountTable(directory: tables)
      let settings = table.manifest.settings
      guard let tokenizer = Tokenizer(name: settings.tokenizer, lowercase: settings.lowercase)
      else {
        throw StoreError.badManifest(
          path: tables, detail: "unknown tokenizer '\(settings.tokenizer)'")
      }
      if !json { print("key\tcount\tdocuments") }
      for key in keys {
        let tokens = tokenizer.tokens(of: key)
        guard !tokens.isEmpty else {
          throw ValidationError("'\(key)' has no tokens under the '\(settings.tokenizer)' tokenizer")
        }
        let counts = try table.counts(of: tokens.map { Array($0.utf8) })
        let normalized = tokens.joined(separator: " ")
        if json {
          var line = JSONLine()
          line.add("kind", "ngram")
          line.add("key", normalized)
          line.add("order", tokens.count)
          line.add("count", counts.count)
          line.add("documents", counts.documents)
          print(line.text)
        } else {
          print("\(tsvField(normalized))\t\(counts.count)\t\(counts.documents)")
        }
      }
    }
  }
}
