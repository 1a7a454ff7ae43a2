import ArgumentParser
import TailscanStore
import Foundation

extension Tailscan {
  struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print a table directory's totals and its most frequent n-grams (or terms).",
      discussion: """
        '--family numbers' lists number terms (order 1: numbers and keywords; 2: pairs; 3: triples), '--family entities' entities (order 1) and entity pairs (order 2). Without it: n-grams, or the first family counted.

        EXAMPLES
          tailscan stats counts/
          tailscan stats counts/ --order 2 --top 20
          tailscan stats counts/ --family numbers --order 2
          tailscan stats counts/ --json
        """)

    @Argument(help: "The table directory written by 'tailscan count'.")
    var tables: String

    @Option(help: "The order of the top list.")
    var order = 1

    @Option(help: "Which tables: 'ngrams', 'numbers' or 'entities'.")
    var family: String?

    @Option(help: "How many of the most frequent n-grams to list.")
    var top = 10

    @Flag(help: "One JSON object per line.")
    var json = false

    func validate() throws {
      guard order >= 1 else { throw ValidationError("'--order' must be at least 1") }
      guard top >= 0 else { throw ValidationError("'--top' must not be negative") }
      if let family, Self.family(named: family) == nil {
        throw ValidationError("'--family' must be 'ngrams', 'numbers' or 'entities', not '\(family)'")
      }
    }

    static func family(named name: String) -> TableFamily? {
      name == "ngrams" ? .ngrams : name == "order" ? nil : TableFamily(rawValue: name)
    }

    func run() async throws {
      let chosen: TableFamily
      if let family {
        chosen = Self.family(named: family)!
      } else {
        // N-grams if they were counted, else the first family that was.
        let counted = try Manifest.read(directory: tables).tables.map { $0.family ?? .ngrams }
        chosen = counted.contains(.ngrams) ? .ngrams : counted.first ?? .ngrams
      }
      let table = try CountTable(directory: tables, family: chosen)
      let m = table.manifest
      let prefix = chosen == .ngrams ? "order" : chosen.rawValue
      let t = m.totals
      let totals: [(String, String)] = [
        ("files", "\(t.files)"), ("bytes", "\(t.bytes)"),
        ("uncompressed_bytes", "\(t.uncompressedBytes)"), ("lines", "\(t.lines)"),
        ("documents", "\(t.documents)"), ("tokens", "\(t.tokens)"),
        ("skipped_lines", "\(t.skippedLines)"), ("blank_lines", "\(t.blankLines)"),
        ("empty_files", "\(t.emptyFiles)"),
      ]
      let topList = try table.top(top, order: order)
      if json {
        var line = JSONLine()
        line.add("kind", "totals")
        for (name, value) in totals { line.add(name, Int(value) ?? 0) }
        line.add("tokenizer", m.settings.tokenizer)
        line.add("lowercase", m.settings.lowercase)
        print(line.text)
        for o in 1...table.maxOrder {
          var line = JSONLine()
          line.add("kind", "order")
          if chosen != .ngrams { line.add("family", chosen.rawValue) }
          line.add("order", o)
          line.add("distinct", table.distinct(order: o))
          line.add("occurrences", table.occurrences(order: o))
          print(line.text)
        }
        for (rank, item) in topList.enumerated() {
          var line = JSONLine()
          line.add("kind", "top")
          if chosen != .ngrams { line.add("family", chosen.rawValue) }
          line.add("order", order)
          line.add("rank", rank + 1)
          line.add("key", item.tokens.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))
          line.add("count", item.counts.count)
          line.add("documents", item.counts.documents)
          print(line.text)
        }
        return
      }
      print("tables\t\(tables)")
      print("tokenizer\t\(m.settings.tokenizer)\(m.settings.lowercase ? " (lowercase)" : "")")
      for (name, value) in totals { print("\(name)\t\(value)") }
      for o in 1...table.maxOrder {
        print("\(prefix)_\(o)\tdistinct \(table.distinct(order: o))\toccurrences \(table.occurrences(order: o))")
      }
      print("")
      print(chosen == .ngrams ? "rank\t\(order)-gram\tcount\tdocuments" : "rank\t\(prefix)-\(order)\tcount\tdocuments")
      for (rank, item) in topList.enumerated() {
        let key = item.tokens.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        print("\(rank + 1)\t\(tsvField(key))\t\(item.counts.count)\t\(item.counts.documents)")
      }
    }
  }
}
