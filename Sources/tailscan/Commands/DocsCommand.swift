import ArgumentParser
import TailscanCount

extension Tailscan {
  struct Docs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show the documents behind an entity count, with the text around each mention.",
      discussion: """
        Lists the documents that contain all the given entities ('--entity', repeatable, by id or alias; '--pair ID1:ID2' for both of a pair), in corpus order, and reads each again from its shard to show where it mentions them. The tables must have been counted with '--entities FILE --keep-doc-ids'.

        Each line of output is 'path:line<TAB>snippet'. The snippet is the document text around its first mention of a requested entity: whitespace runs collapsed to one space, about '--context' characters (Unicode code points) on each side, '…' where the text is cut, and every mention of a requested entity in it marked as [[Paris]] (punctuation at the edges of a token is outside the mark: ([[Paris]]),). A header on standard error says how many documents there are and how many are shown.

        With '--json', one object per line: id (the document id, shard index << 40 | line), path, line, snippet (unmarked), and mentions: the mentions of requested entities wholly inside the snippet, a list of {entity, start, end}, offsets into the snippet in Unicode code points (as Python indexes a str), end exclusive.

        Shard paths are recorded as given to 'tailscan count'; a relative path is tried as it is, then relative to the parent of the table directory, and the path printed is the one that was read. A shard whose size or modification time differs from the manifest gets a warning: its lines may not be what was counted.

        EXAMPLES
          tailscan docs counts/ --pair Q42:Q1 --limit 5
          tailscan docs counts/ --entity Q90 --limit 3
          tailscan docs counts/ --pair Q90:Q142 --json
        """)

    @Argument(help: "The table directory written by 'tailscan count --keep-doc-ids'.")
    var tables: String

    @Option(help: "An entity id (or alias) the documents must contain. Repeatable.")
    var entity: [String] = []

    @Option(help: "Two entities 'ID1:ID2' the documents must both contain. Repeatable.")
    var pair: [String] = []

    @Option(help: "Show at most this many documents, first in corpus order (0 for all).")
    var limit = 10

    @Option(help: "Characters of text to show on each side of the first mention.")
    var context = 80

    @Flag(help: "One JSON object per line instead of 'path:line<TAB>snippet'.")
    var json = false

    func validate() throws {
      guard !entity.isEmpty || !pair.isEmpty else {
        throw ValidationError("give at least one '--entity ID' or '--pair ID1:ID2'")
      }
      guard limit >= 0 else { throw ValidationError("'--limit' must be 0 (all) or more") }
      guard context >= 0 else { throw ValidationError("'--context' must be 0 or more") }
    }

    func run() async throws {
      let result = try Evidence.find(
        EvidenceRequest(
          directory: tables, entities: entity, pairs: pair, limit: limit == 0 ? nil : limit,
          context: context))
      for warning in result.warnings { Diagnostics.warn(warning) }
      if !json { Diagnostics.note(Self.header(result)) }
      var output = ""
      for document in result.documents {
        if json {
          var line = JSONLine()
          line.add("id", document.id)
          line.add("path", document.path)
          line.add("line", document.line)
          line.add("snippet", document.snippet)
          let mentions = document.mentions.map { mention in
            var object = JSONLine()
            object.add("entity", mention.entity)
            object.add("start", mention.start)
            object.add("end", mention.end)
            return object.text
          }
          line.addRaw("mentions", "[" + mentions.joined(separator: ",") + "]")
          output += line.text + "\n"
        } else {
          output += "\(document.path):\(document.line)\t\(document.markedSnippet())\n"
        }
        if output.utf8.count >= 1 << 16 {
          print(output, terminator: "")
          output = ""
        }
      }
      print(output, terminator: "")
    }

    /// `3 of 17 documents containing both Q90 and Q142 (showing the first 3 in corpus order)`.
    static func header(_ result: EvidenceResult) -> String {
      let ids = result.entities
      let what =
        switch ids.count {
        case 1: ids[0]
        case 2: "both \(ids[0]) and \(ids[1])"
        default: "all of \(ids.dropLast().joined(separator: ", ")) and \(ids.last!)"
        }
      let noun = result.total == 1 ? "document" : "documents"
      let shown = result.documents.count
      if shown == result.total {
        return "\(result.total) \(noun) containing \(what)"
          + (shown > 1 ? " (all, in corpus order)" : "")
      }
      return "\(shown) of \(result.total) \(noun) containing \(what) "
        + "(showing the first \(shown) in corpus order)"
    }
  }
}
