public import TailscanText
internal import TailscanIO

/// Counts dictionary entities over whitespace tokens (DESIGN §4): per entity its mentions and
/// the documents containing it; per pair of entities the documents containing both (every pair
/// that co-occurs, or only the pairs asked for); optionally the documents themselves.
///
/// Feed it documents as `beginDocument(id:)`, then `add(text:)` with the whole text (the
/// counting path: `AliasTokenIndex.scan`) or `add(token:)` per whitespace token (the same
/// result, token by token), then `endDocument()`. Tokens are mapped to alias-token ids as they
/// come; a document's matches are found when it ends.
public struct EntityCounter {
  public let matcher: EntityMatcher
  /// The matcher's short alias tokens, for whole documents (`add(text:)`).
  public let index: AliasTokenIndex
  private var batch = TokenBatch()
  private var scratch: [UInt8] = []
  /// Per entity, side by side (one cache line): mentions, documents, the last document seen.
  private var stats: [UInt64]
  /// Entities of the current document's mentions, and each once, in order of first mention.
  private var matched: [UInt32] = []
  private var present: [UInt32] = []
  let pairs: NGramBuilder
  /// With a pair list: each entity's partners of higher id, those of entity e at
  /// `partners[partnerStarts[e]..<partnerStarts[e + 1]]`.
  private let partners: [UInt32]?
  private let partnerStarts: [Int]
  private var pairKeys: [UInt64] = []
  /// With document ids kept: per entity, the ids as LEB128 deltas.
  private var postings: [[UInt8]]?
  private var lastPosted: [UInt64]
  private var postingBytes = 0
  private let partnerBytes: Int
  private var documentID: UInt64 = 0
  /// 1-based index of the current document (0 before the first).
  public private(set) var documents: UInt64 = 0
  /// Tokens seen.
  public private(set) var tokens: UInt64 = 0
  /// Pairs counted (one per pair per document), and whether only listed pairs are.
  public private(set) var pairOccurrences: UInt64 = 0
  public var countsListedPairsOnly: Bool { partners != nil }

  /// - Parameters:
  ///   - pairList: count only these pairs (entity ids as in `matcher.entityIDs`); nil for all.
  ///   - keepDocumentIDs: record the documents of each entity (for `tailscan docs`).
  ///   - index: the matcher's `AliasTokenIndex`, shared by counters; nil to make one.
  public init(
    matcher: EntityMatcher, index: AliasTokenIndex? = nil, pairList: [(UInt32, UInt32)]? = nil,
    keepDocumentIDs: Bool = false, sortBuffer: Int = 1 << 22
  ) throws {
    precondition(index == nil || index!.matcher === matcher, "the index is of another matcher")
    self.matcher = matcher
    self.index = index ?? AliasTokenIndex(matcher: matcher)
    let n = matcher.entityIDs.count
    stats = [UInt64](repeating: 0, count: 3 * n)
    if let pairList {
      var keys = pairList.compactMap { a, b in a == b ? nil : UInt64(min(a, b)) << 32 | UInt64(max(a, b)) }
      keys.sort()
      var partners: [UInt32] = []
      var starts = [Int](repeating: 0, count: n + 1)
      for (k, key) in keys.enumerated() where k == 0 || key != keys[k - 1] {
        partners.append(UInt32(truncatingIfNeeded: key))
        starts[Int(key >> 32) + 1] += 1
      }
      for e in 0..<n { starts[e + 1] += starts[e] }
      self.partners = partners
      partnerStarts = starts
      partnerBytes = partners.count * 4 + starts.count * 8
    } else {
      partners = nil
      partnerStarts = []
      partnerBytes = 0
    }
    postings = keepDocumentIDs ? [[UInt8]](repeating: [], count: n) : nil
    lastPosted = keepDocumentIDs ? [UInt64](repeating: 0, count: n) : []
    pairs = try NGramBuilder(order: 2, bufferRecords: sortBuffer)
  }

  /// Memory held by the counts so far (the dictionary's matcher is shared, not counted).
  package var memoryBytes: Int {
    stats.count * 8 + lastPosted.count * 8 + (postings?.count ?? 0) * 32 + 2 * postingBytes
      + pairs.memoryBytes + partnerBytes
  }

  /// Starts document `id` (ids must increase: `DocumentID.make(shard:line:)`).
  public mutating func beginDocument(id: UInt64) throws(StoreError) {
    try endDocument()
    precondition(id >= documentID || documents == 0, "document ids must increase")
    documents &+= 1
    documentID = id
  }

  /// Adds the next whitespace token of the current document.
  @inline(__always)
  public mutating func add(token: Span<UInt8>) {
    tokens &+= 1
    matcher.prepare(token, into: &batch, scratch: &scratch)
  }

  /// Adds every whitespace token of the current document's `text` (the same as `add(token:)`
  /// for each, faster).
  public mutating func add(text: Span<UInt8>) {
    tokens &+= UInt64(index.scan(text, into: &batch, scratch: &scratch))
  }

  /// Finishes the current document: finds its entities and pairs.
  public mutating func endDocument() throws(StoreError) {
    if batch.isEmpty { return }
    let document = documents
    matched.removeAll(keepingCapacity: true)
    matcher.appendMatches(in: &batch, to: &matched)
    for entity in matched {
      let e = 3 * Int(entity)
      stats[e] &+= 1
      if stats[e + 2] != document {
        stats[e + 2] = document
        stats[e + 1] &+= 1
        present.append(entity)
      }
    }
    batch.removeAll()
    if present.isEmpty { return }
    if postings != nil {
      for entity in present {
        let e = Int(entity)
        let before = postings![e].count
        DocumentPostings.encode(documentID - lastPosted[e], into: &postings![e])
        postingBytes += postings![e].count - before
        lastPosted[e] = documentID
      }
    }
    if let partners {
      for a in present {
        for k in partnerStarts[Int(a)]..<partnerStarts[Int(a) + 1] {
          let b = partners[k]
          if stats[3 * Int(b) + 2] == document { pairKeys.append(UInt64(a) << 32 | UInt64(b)) }
        }
      }
    } else if present.count > 1 {
      present.sort()
      for i in 0..<(present.count - 1) {
        for j in (i + 1)..<present.count {
          pairKeys.append(UInt64(present[i]) << 32 | UInt64(present[j]))
          if pairKeys.count >= 1 << 16 { try flushPairs() }
        }
      }
    }
    present.removeAll(keepingCapacity: true)
    try flushPairs()
  }

  private mutating func flushPairs() throws(StoreError) {
    if pairKeys.isEmpty { return }
    pairOccurrences &+= UInt64(pairKeys.count)
    try pairs.add(keys: pairKeys, document: documents)
    pairKeys.removeAll(keepingCapacity: true)
  }

  /// Writes `entities-1.tsc` (every dictionary entity: mentions, documents), `entities-2.tsc`
  /// (pairs: documents containing both), with document ids kept `entities-docs.tsd`, and with
  /// a pair list `entities-pairs.tsv` (the pairs counted, ids in byte order, sorted).
  public mutating func writeTables(to directory: String, seed: UInt64) throws -> [TableSummary] {
    let parts = try tableParts()
    return try Self.write([parts], shardMaps: [nil], to: directory, seed: seed, threads: 1)
  }

  /// The counts, sorted, to be written alone or merged with other counters'.
  package struct Parts: Sendable {
    var tables: TableParts
    var postings: [[UInt8]]?
    var pairList: [UInt8]?
  }

  /// The tables, sorted, to be written alone or merged with other counters' (see `TableParts`).
  package mutating func tableParts() throws -> Parts {
    try endDocument()
    let ids = matcher.entityIDs.map { Array($0.utf8) }
    let stats = self.stats
    let tables = try unsafe TableParts(
      family: .entities, order: (0..<UInt32(ids.count)).map { $0 }, builders: [pairs],
      term: { e, body in
        unsafe ids[e].withUnsafeBytes { raw in unsafe body(raw, stats[3 * e], stats[3 * e + 1]) }
      }, ids: ids.count)
    var pairList: [UInt8]?
    if let partners {
      // The pairs counted, so that `query` can tell a pair never counted from a zero.
      var lines: [UInt8] = []
      for a in 0..<(partnerStarts.count - 1) {
        for b in partners[partnerStarts[a]..<partnerStarts[a + 1]] {
          lines += ids[a] + [0x09] + ids[Int(b)] + [0x0A]
        }
      }
      pairList = lines
    }
    return Parts(tables: tables, postings: postings, pairList: pairList)
  }

  /// Writes the entity tables of `parts` merged; `shardMaps[p]` renumbers the shards of part
  /// p's document ids (nil: as they are).
  package static func write(
    _ parts: [Parts], shardMaps: [[Int]?], to directory: String, seed: UInt64, threads: Int,
    minimumPart: Int = 1 << 20
  ) throws -> [TableSummary] {
    let summaries = try CountTableWriter.write(
      parts.map(\.tables), to: directory, seed: seed, threads: threads, minimumPart: minimumPart)
    if parts[0].postings != nil {
      let n = parts[0].tables.termCount
      var writer = try DocumentPostings.Writer(
        path: "\(directory)/\(DocumentPostings.fileName)", entityCount: n)
      for e in 0..<n {
        if parts.count == 1 && shardMaps[0] == nil {
          try writer.append(encoded: parts[0].postings![e])
          continue
        }
        var ids: [UInt64] = []
        for (p, part) in parts.enumerated() {
          for id in DocumentPostings.decode(part.postings![e]) {
            let shard = shardMaps[p].map { $0[DocumentID.shard(id)] } ?? DocumentID.shard(id)
            ids.append(DocumentID.make(shard: shard, line: DocumentID.line(id)))
          }
        }
        ids.sort()
        try writer.append(ids: ids)
      }
      try writer.close()
    }
    if let pairList = parts[0].pairList {
      try writeFile("\(directory)/\(Manifest.pairListFileName)", pairList)
    }
    return summaries
  }
}

/// A document's global id: its shard's index (in path order) and its line number.
public enum DocumentID {
  public static let lineBits: UInt64 = 40
  public static func make(shard: Int, line: Int) -> UInt64 {
    UInt64(shard) << lineBits | UInt64(line)
  }
  public static func shard(_ id: UInt64) -> Int { Int(id >> lineBits) }
  public static func line(_ id: UInt64) -> Int { Int(id & (1 << lineBits - 1)) }
}
