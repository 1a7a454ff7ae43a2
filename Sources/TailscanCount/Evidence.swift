import Foundation
import TailscanIO
import TailscanStore
public import TailscanText

/// What `tailscan docs` asks for: the documents that contain every one of some entities.
public struct EvidenceRequest: Sendable {
  /// The table directory written by `tailscan count … --keep-doc-ids`.
  public var directory: String
  /// Entities given by id or alias (`--entity`); a document must contain all of them.
  public var entities: [String]
  /// Pairs `ID1:ID2` (`--pair`); a document must contain both entities of each.
  public var pairs: [String]
  /// How many documents to read and return, first in corpus order; nil for all.
  public var limit: Int?
  /// Unicode scalars of (whitespace-collapsed) text kept on each side of the first mention.
  public var context: Int
  /// Decompression buffer size (tests use tiny ones).
  public var chunkSize: Int

  public init(
    directory: String, entities: [String] = [], pairs: [String] = [], limit: Int? = 10,
    context: Int = 80, chunkSize: Int = 1 << 20
  ) {
    self.directory = directory
    self.entities = entities
    self.pairs = pairs
    self.limit = limit
    self.context = context
    self.chunkSize = chunkSize
  }
}

/// A mention of a requested entity in a snippet.
public struct EvidenceMention: Sendable, Equatable {
  /// The entity's id.
  public var entity: String
  /// Where the mention is in the snippet, in Unicode scalars (code points, as Python indexes a
  /// `str`): `start` inclusive, `end` exclusive.
  public var start: Int
  public var end: Int

  public init(entity: String, start: Int, end: Int) {
    self.entity = entity
    self.start = start
    self.end = end
  }
}

/// One evidence document: where it is and the text around its first mention of a requested
/// entity.
public struct EvidenceDocument: Sendable, Equatable {
  /// The document id, `shard << 40 | line` (`DocumentID`).
  public var id: UInt64
  /// The shard as it was read (the path in the manifest, or that path relative to the parent
  /// of the table directory).
  public var path: String
  /// The shard's path as the manifest records it.
  public var recordedPath: String
  /// The 1-based line in the shard.
  public var line: Int
  /// The text around the first mention: whitespace tokens joined by single spaces, about
  /// `context` scalars on each side, with `…` where the text is cut.
  public var snippet: String
  /// The mentions of requested entities that lie wholly in the snippet, in order (the first is
  /// the one the snippet is centred on). Edge punctuation of a token is not part of a mention
  /// (`(Paris),` → `Paris`). A mention of an alias several requested entities share is listed
  /// once per entity.
  public var mentions: [EvidenceMention]

  public init(
    id: UInt64, path: String, recordedPath: String, line: Int, snippet: String,
    mentions: [EvidenceMention]
  ) {
    self.id = id
    self.path = path
    self.recordedPath = recordedPath
    self.line = line
    self.snippet = snippet
    self.mentions = mentions
  }

  /// The snippet with each mention between `open` and `close` (`…of [[Paris]] is…`).
  public func markedSnippet(open: String = "[[", close: String = "]]") -> String {
    let scalars = Array(snippet.unicodeScalars)
    var bounds: [(start: Int, end: Int)] = []
    for mention in mentions where !bounds.contains(where: { $0 == (mention.start, mention.end) }) {
      bounds.append((mention.start, mention.end))
    }
    bounds.sort { $0.start < $1.start }
    var result = String.UnicodeScalarView()
    var at = 0
    for bound in bounds where bound.start >= at {
      result.append(contentsOf: scalars[at..<bound.start])
      result.append(contentsOf: open.unicodeScalars)
      result.append(contentsOf: scalars[bound.start..<bound.end])
      result.append(contentsOf: close.unicodeScalars)
      at = bound.end
    }
    result.append(contentsOf: scalars[at...])
    return String(result)
  }
}

/// The answer to an `EvidenceRequest`.
public struct EvidenceResult: Sendable, Equatable {
  /// The requested entities, by id, each once, in the order asked.
  public var entities: [String]
  /// How many documents contain all of them.
  public var total: Int
  /// The first `limit` of those documents, in corpus order.
  public var documents: [EvidenceDocument]
  /// Problems that do not stop the answer (a shard changed since counting).
  public var warnings: [String]
}

/// Finds the documents behind an entity count and shows where they mention the entities.
///
/// The documents come from `entities-docs.tsd` (kept by `tailscan count --keep-doc-ids`); each
/// is read again from its shard and matched again, as the counter matched it, to find its
/// mentions.
public enum Evidence {
  /// Thrown out of a shard's line loop once the last wanted line has been read.
  private struct Done: Error {}

  /// The documents containing every entity of `request`, with snippets.
  ///
  /// - Throws: `TermError` for an unknown entity or pair, `StoreError` without entity tables,
  ///   `CountError` when the tables were counted without `--keep-doc-ids` or a shard has moved
  ///   or changed so that a document is no longer where it was.
  public static func find(_ request: EvidenceRequest) throws -> EvidenceResult {
    precondition(!request.entities.isEmpty || !request.pairs.isEmpty, "no entities requested")
    let lookup = TermLookup(directory: request.directory)
    var ids: [UInt32] = []
    for spec in request.entities {
      let id = try lookup.entityID(spec)
      if !ids.contains(id) { ids.append(id) }
    }
    for spec in request.pairs {
      let (a, b) = try lookup.pairIDs(spec)
      for id in [a, b] where !ids.contains(id) { ids.append(id) }
    }
    let table = try CountTable(directory: request.directory, family: .entities)
    let names = try ids.map { String(decoding: try table.tokenBytes($0), as: UTF8.self) }
    let manifest = table.manifest
    let postingsPath = "\(request.directory)/\(DocumentPostings.fileName)"
    guard manifest.settings.entities?.keepDocumentIDs ?? false,
      FileManager.default.fileExists(atPath: postingsPath)
    else { throw CountError.documentIDsNotKept(directory: request.directory) }
    let postings = try DocumentPostings(path: postingsPath)

    var documents = try postings.documents(of: ids[0])
    for id in ids.dropFirst() { documents = intersection(documents, try postings.documents(of: id)) }
    let total = documents.count
    if let limit = request.limit, limit < documents.count {
      documents.removeLast(documents.count - limit)
    }

    let matcher = try lookup.dictionary()
    var found: [EvidenceDocument] = []
    var warnings: [String] = []
    var k = 0
    while k < documents.count {
      let shard = DocumentID.shard(documents[k])
      var lines: [Int] = []
      while k < documents.count && DocumentID.shard(documents[k]) == shard {
        lines.append(DocumentID.line(documents[k]))
        k += 1
      }
      guard shard < manifest.inputs.count else {
        throw StoreError.corrupt(
          path: postingsPath, detail: "document of shard \(shard), but only \(manifest.inputs.count) shards")
      }
      let input = manifest.inputs[shard]
      let (path, status) = try locate(input.path, directory: request.directory)
      if status.size != input.bytes || status.modificationTime != input.modificationTime {
        func time(_ seconds: Int) -> String {
          ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(seconds)))
        }
        warnings.append(
          "'\(path)' has changed since it was counted (now \(status.size) bytes, modified "
            + "\(time(status.modificationTime)); counted: \(input.bytes) bytes, modified "
            + "\(time(input.modificationTime))): its lines may not match what was counted; "
            + "restore it or recount")
      }
      found += try read(
        lines: lines, shard: shard, path: path, recordedPath: input.path,
        textField: manifest.settings.textField, matcher: matcher, entities: names,
        request: request)
    }
    return EvidenceResult(entities: names, total: total, documents: found, warnings: warnings)
  }

  /// The ids in both ascending lists.
  static func intersection(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
    var result: [UInt64] = []
    var i = 0
    var j = 0
    while i < a.count && j < b.count {
      if a[i] < b[j] {
        i += 1
      } else if a[i] > b[j] {
        j += 1
      } else {
        result.append(a[i])
        i += 1
        j += 1
      }
    }
    return result
  }

  /// Finds a shard: at its recorded path, or else relative to the parent of the table
  /// directory (where `tailscan count corpus/ -o counts/` usually ran).
  static func locate(_ recorded: String, directory: String) throws -> (String, Syscalls.FileStatus) {
    var tried = [recorded]
    if let status = try Syscalls.status(recorded), !status.isDirectory { return (recorded, status) }
    if !recorded.hasPrefix("/") {
      let parent = URL(fileURLWithPath: directory).absoluteURL.standardized
        .deletingLastPathComponent().path
      let candidate = parent == "/" ? "/\(recorded)" : "\(parent)/\(recorded)"
      tried.append(candidate)
      if let status = try Syscalls.status(candidate), !status.isDirectory {
        return (candidate, status)
      }
    }
    throw CountError.shardMissing(path: recorded, tried: tried, directory: directory)
  }

  /// Reads the wanted `lines` (ascending) of one shard, stopping after the last.
  static func read(
    lines: [Int], shard: Int, path: String, recordedPath: String, textField: String,
    matcher: EntityMatcher, entities: [String], request: EvidenceRequest
  ) throws -> [EvidenceDocument] {
    let isJSONL = CorpusWalker.isJSONLName(path)
    var reader = try ShardReader(path: path, chunkSize: request.chunkSize)
    var extractor = TextExtractor(format: isJSONL ? .jsonl(field: textField) : .plain)
    var result: [EvidenceDocument] = []
    var next = 0
    var lastLine = 0
    do {
      try reader.forEachLine { line, position in
        lastLine = position.number
        guard position.number == lines[next] else { return }
        var text: [UInt8] = []
        let isDocument: Bool
        do {
          // A text line of nothing but whitespace is not a document (as when counting).
          isDocument =
            try (isJSONL || !WhitespaceSplitter.isBlank(line))
            && extractor.extract(from: line) { span in
              text.reserveCapacity(span.count)
              for i in span.indices { text.append(span[i]) }
            }
        } catch let error as LineError {
          throw CountError.documentChanged(
            path: path, line: position.number, reason: "is no longer a valid document (\(error))")
        }
        guard isDocument else {
          throw CountError.documentChanged(
            path: path, line: position.number, reason: "is blank, no longer a document")
        }
        guard
          let made = Evidence.snippet(
            of: text, matcher: matcher, entities: entities, context: request.context)
        else {
          throw CountError.documentChanged(
            path: path, line: position.number,
            reason: "no longer mentions \(entities.joined(separator: " or "))")
        }
        result.append(
          EvidenceDocument(
            id: DocumentID.make(shard: shard, line: position.number), path: path,
            recordedPath: recordedPath, line: position.number, snippet: made.snippet,
            mentions: made.mentions))
        next += 1
        if next == lines.count { throw Done() }
      }
    } catch is Done {}
    if next < lines.count {
      throw CountError.lineNotFound(path: path, line: lines[next], lines: lastLine)
    }
    return result
  }

  /// The snippet of document `text` around its first mention of one of `entities`, and the
  /// mentions in it; nil if the text mentions none of them.
  ///
  /// Matching is the counter's: whitespace tokens, each mapped by `matcher.tokenID` (tokens of
  /// nothing but punctuation are skipped), then `matcher.forEachMatch`.
  public static func snippet(
    of text: [UInt8], matcher: EntityMatcher, entities: [String], context: Int
  ) -> (snippet: String, mentions: [EvidenceMention])? {
    let (tokens, ids, tokenOfID) = matcher.matchTokens(of: text)
    // Matches of requested entities, as token ranges.
    var matches: [(tokens: Range<Int>, entity: String)] = []
    matcher.forEachMatch(in: ids) { range, named in
      let first = tokenOfID[range.lowerBound]
      let last = tokenOfID[range.upperBound - 1]
      for entity in named {
        let id = matcher.entityIDs[Int(entity)]
        if entities.contains(id) { matches.append((first..<(last + 1), id)) }
      }
    }
    guard let focus = matches.first else { return nil }

    // The collapsed text is the tokens joined by single spaces; positions are in scalars.
    var starts: [Int] = []
    var lengths: [Int] = []
    starts.reserveCapacity(tokens.count)
    var offset = 0
    for range in tokens {
      var length = 0
      for i in range where text[i] & 0xC0 != 0x80 { length += 1 }
      starts.append(offset)
      lengths.append(length)
      offset += length + 1
    }
    let total = offset - 1
    func scalars(_ t: Int) -> [Unicode.Scalar] {
      Array(String(decoding: text[tokens[t]], as: UTF8.self).unicodeScalars)
    }
    /// A match's scalar range in the collapsed text, without edge punctuation.
    func bounds(_ range: Range<Int>) -> Range<Int> {
      let first = scalars(range.lowerBound)
      let last = range.count == 1 ? first : scalars(range.upperBound - 1)
      let lead = first.prefix { EntityNormalizer.isPunctuation($0) }.count
      let trail = last.reversed().prefix { EntityNormalizer.isPunctuation($0) }.count
      let start = starts[range.lowerBound] + lead
      let end = starts[range.upperBound - 1] + lengths[range.upperBound - 1] - trail
      return start..<max(start, end)
    }
    let focused = bounds(focus.tokens)
    let windowStart = max(0, focused.lowerBound - context)
    let windowEnd = min(total, focused.upperBound + context)
    // The tokens that overlap the window.
    var t0 = focus.tokens.lowerBound
    while t0 > 0 && starts[t0 - 1] + lengths[t0 - 1] > windowStart { t0 -= 1 }
    var t1 = focus.tokens.upperBound - 1
    while t1 + 1 < tokens.count && starts[t1 + 1] < windowEnd { t1 += 1 }
    var joined = String.UnicodeScalarView()
    for t in t0...t1 {
      if t > t0 { joined.append(" ") }
      joined.append(contentsOf: String(decoding: text[tokens[t]], as: UTF8.self).unicodeScalars)
    }
    // The window may start or end on a space between tokens: leave it out.
    let base = starts[t0]
    let from = max(windowStart, base)
    let to = min(windowEnd, starts[t1] + lengths[t1])
    let window = Array(joined)[(from - base)..<(to - base)]
    let prefix = from > 0 ? "…" : ""
    var snippet = String.UnicodeScalarView(prefix.unicodeScalars)
    snippet.append(contentsOf: window)
    if windowEnd < total { snippet.append("…") }
    let shift = prefix.unicodeScalars.count - from
    var mentions: [EvidenceMention] = []
    for match in matches {
      let range = match.tokens == focus.tokens ? focused : bounds(match.tokens)
      guard range.lowerBound >= from && range.upperBound <= to else { continue }
      mentions.append(
        EvidenceMention(
          entity: match.entity, start: range.lowerBound + shift, end: range.upperBound + shift))
    }
    return (String(snippet), mentions)
  }
}
