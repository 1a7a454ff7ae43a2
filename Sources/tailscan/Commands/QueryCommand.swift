import ArgumentParser
import TailscanStore
import Foundation
import TailscanText
import TailscanCount

extension Tailscan {
  struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print the counts of n-grams, number terms and entities.",
      discussion: """
        Each key is tokenized as the corpus was, so "24 times" asks for the bigram (24, times). A key never seen has count 0. TSV columns: key, count (occurrences), documents.

        With '--keys-file' (or '-' for standard input), keys are read one per line: use it for many keys.

        '--numbers 24 18' prints ω(24), ω(18) and the pair ω(18 24) (with three numbers, every pair and the triple); '--numbers-keyword 24 minute' the number–keyword pair. '--entity ID' prints an entity's mentions (count) and documents (an alias works too if it names one entity); '--pair ID1:ID2' the documents containing both (count = documents). With any of these, TSV rows start with a 'kind' column: number, number-pair, number-triple, number-keyword, entity, entity-pair, or ngram. Pairs and triples are keyed in string order ('18 24', '100 7').

        EXAMPLES
          tailscan query counts/ "24" "24 times" "of the"
          tailscan query counts/ --json "the"
          tailscan query counts/ --keys-file keys.txt
          tailscan query counts/ --numbers 24 18
          tailscan query counts/ --numbers-keyword 24 minute
          tailscan query counts/ --entity Q90 --entity Q142 --pair Q90:Q142 --json
        """)

    @Argument(help: "The table directory written by 'tailscan count'.")
    var tables: String

    @Argument(help: "N-grams to look up.")
    var keys: [String] = []

    @Option(help: "Read keys from this file, one per line ('-' for standard input).")
    var keysFile: String?

    @Option(parsing: .upToNextOption, help: "One to three numbers: their counts, pairs and triple.")
    var numbers: [String] = []

    @Option(parsing: .upToNextOption, help: "A number and a keyword: their pair's count.")
    var numbersKeyword: [String] = []

    @Option(help: "An entity id (or alias): its mentions and documents. Repeatable.")
    var entity: [String] = []

    @Option(help: "Two entities 'ID1:ID2': the documents containing both. Repeatable.")
    var pair: [String] = []

    @Flag(help: "One JSON object per line instead of TSV.")
    var json = false

    var targeted: Bool {
      !numbers.isEmpty || !numbersKeyword.isEmpty || !entity.isEmpty || !pair.isEmpty
    }

    func validate() throws {
      guard !keys.isEmpty || keysFile != nil || targeted else {
        throw ValidationError(
          "give at least one key to look up, '--keys-file', '--numbers', '--entity' or '--pair'")
      }
      guard numbers.count <= 3 else {
        throw ValidationError("'--numbers' takes one to three numbers, not \(numbers.count)")
      }
      guard numbersKeyword.isEmpty || numbersKeyword.count == 2 else {
        throw ValidationError("'--numbers-keyword' takes a number and a keyword: '24 minute'")
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
      // Split the bytes at LF: a String would keep CRLF together as one character.
      let lines = [UInt8](data).split(separator: 0x0A).map { line in
        String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
      }
      return keys + lines.filter { !$0.isEmpty }
    }

    func run() async throws {
      var rows: [TermCount] = []
      // Number terms and entities first: a bad one fails before anything is printed.
      if targeted {
        let lookup = TermLookup(directory: tables)
        if !numbers.isEmpty { rows += try lookup.numbers(numbers) }
        if numbersKeyword.count == 2 {
          rows.append(try lookup.numberKeyword(numbersKeyword[0], numbersKeyword[1]))
        }
        rows += try entity.map { try lookup.entity($0) }
        rows += try pair.map { try lookup.pair($0) }
      }
      if !keys.isEmpty || keysFile != nil { rows += try nGramRows() }
      var output = ""
      if !json { output += targeted ? "kind\tkey\tcount\tdocuments\n" : "key\tcount\tdocuments\n" }
      for row in rows {
        if json {
          var line = JSONLine()
          line.add("kind", row.kind)
          line.add("key", row.key)
          if row.kind == "ngram" { line.add("order", row.key.split(separator: " ").count) }
          line.add("count", row.count)
          line.add("documents", row.documents)
          output += line.text + "\n"
        } else {
          if targeted { output += row.kind + "\t" }
          output += "\(tsvField(row.key))\t\(row.count)\t\(row.documents)\n"
        }
        if output.utf8.count >= 1 << 16 {
          print(output, terminator: "")
          output = ""
        }
      }
      print(output, terminator: "")
    }

    /// The n-gram keys' counts.
    func nGramRows() throws -> [TermCount] {
      let table = try CountTable(directory: tables)
      let settings = table.manifest.settings
      guard let tokenizer = Tokenizer(name: settings.tokenizer, lowercase: settings.lowercase)
      else {
        throw StoreError.badManifest(
          path: tables, detail: "unknown tokenizer '\(settings.tokenizer)'")
      }
      // Tokenize every key first, so a bad key fails before anything is printed.
      var queries: [[String]] = []
      for key in try allKeys() {
        let tokens = tokenizer.tokens(of: key)
        guard !tokens.isEmpty else {
          Diagnostics.note(
            "Error: '\(key)' has no tokens under the '\(settings.tokenizer)' tokenizer")
          throw ExitCode(64)
        }
        queries.append(tokens)
      }
      return try queries.map { tokens in
        let counts = try table.counts(of: tokens.map { Array($0.utf8) })
        return TermCount(
          kind: "ngram", key: tokens.joined(separator: " "), count: counts.count,
          documents: counts.documents)
      }
    }
  }
}
