internal import Foundation
internal import TailscanIO
internal import TailscanText

/// Merges table directories into one: counts of equal terms add up, and the result is the table
/// directory that counting all their inputs in one run writes (the same table files, byte for
/// byte). Merging is associative and commutative, so partial tables can be merged in any order
/// and grouping: per shard on a cluster, per worker on one machine, as a tree.
///
/// Streaming: vocabularies are merged in byte order into the merged vocabulary (the only thing
/// held in memory, with one id map per input); n-gram tables are merged k ways with the ids
/// renumbered (ranks in a byte-sorted vocabulary, so order is kept), straight into the output;
/// pages read are dropped behind the readers. More than `fanIn` inputs are merged as a tree.
public enum TableMerger {
  /// Inputs merged at once; more are merged in groups first.
  public static let defaultFanIn = 32

  /// Merges `directories` into `output` (an existing, empty directory) and returns the manifest
  /// written there.
  ///
  /// - Parameters:
  ///   - allowSplitShards: whether one shard may appear in several inputs (parts of a shard
  ///     counted apart, as `count` does under a memory budget); otherwise that is refused,
  ///     since it would count the shard twice.
  ///   - consume: the inputs are temporary (a single input's files are then linked, not
  ///     rewritten).
  ///   - threads: threads that merge each n-gram table, each a part of at least `minimumPart`
  ///     records (tests use tiny parts).
  ///   - createdAt: the manifest's time stamp.
  public static func merge(
    _ directories: [String], into output: String, allowSplitShards: Bool = false,
    fanIn: Int = defaultFanIn, consume: Bool = false, threads: Int = 1,
    minimumPart: Int = 1 << 20, toolVersion: String, createdAt: String
  ) throws -> Manifest {
    precondition(fanIn >= 2)
    guard !directories.isEmpty else {
      throw StoreError.badManifest(path: output, detail: "nothing to merge")
    }
    var manifests = try directories.map { try Manifest.read(directory: $0) }
    let settings = try agreedSettings(manifests, directories)
    if !allowSplitShards { try checkDisjoint(manifests, directories) }
    var inputs = directories
    var level = 0
    // A tree of merges while there are too many inputs for one.
    while inputs.count > fanIn {
      var next: [String] = []
      var nextManifests: [Manifest] = []
      for (g, start) in stride(from: 0, to: inputs.count, by: fanIn).enumerated() {
        let group = start..<min(start + fanIn, inputs.count)
        let directory = "\(output)/.merge-\(level)-\(g)"
        try Syscalls.makeDirectory(directory)
        nextManifests.append(
          try mergeOnce(
            Array(inputs[group]), manifests: Array(manifests[group]), settings: settings,
            into: directory, threads: threads, minimumPart: minimumPart,
            toolVersion: toolVersion, createdAt: createdAt))
        if level > 0 { for d in inputs[group] { Syscalls.removeTree(d) } }
        next.append(directory)
      }
      inputs = next
      manifests = nextManifests
      level += 1
    }
    let manifest = try mergeOnce(
      inputs, manifests: manifests, settings: settings, into: output,
      consume: consume || level > 0, threads: threads, minimumPart: minimumPart,
      toolVersion: toolVersion, createdAt: createdAt)
    if level > 0 { for d in inputs { Syscalls.removeTree(d) } }
    return manifest
  }

  /// One k-way merge of `directories` into `output`.
  static func mergeOnce(
    _ directories: [String], manifests: [Manifest], settings: Manifest.Settings,
    into output: String, consume: Bool = false, threads: Int = 1, minimumPart: Int = 1 << 20, toolVersion: String,
    createdAt: String
  ) throws -> Manifest {
    let (inputs, shardMaps) = mergedInputs(manifests.map(\.inputs))
    var tables: [TableSummary] = []
    let moved = consume && directories.count == 1 && shardMaps[0] == Array(shardMaps[0].indices)
    if moved {
      // One input, already what a merge would write: its files are linked (so the input stays
      // whole until it is removed), or copied where links are not allowed.
      for name in try Syscalls.directoryEntries(directories[0])
      where name.hasSuffix(".tsc") || name.hasSuffix(".tsd") {
        let from = "\(directories[0])/\(name)"
        do {
          try Syscalls.hardLink(from, to: "\(output)/\(name)")
        } catch {
          try FileManager.default.copyItem(atPath: from, toPath: "\(output)/\(name)")
        }
      }
      tables = manifests[0].tables
    }
    for family in TableFamily.allCases where !moved {
      let orders = manifests[0].tables.filter { ($0.family ?? .ngrams) == family }.map(\.order)
      guard let maxOrder = orders.max() else { continue }
      tables += try mergeFamily(
        family, maxOrder: maxOrder, directories: directories, into: output,
        seed: settings.hashSeed, threads: threads, minimumPart: minimumPart)
    }
    if let entities = settings.entities {
      if entities.keepDocumentIDs && !moved {
        try mergePostings(directories, shardMaps: shardMaps, into: output)
      }
      // The same in every input (their hashes agree): the first one's copy.
      for name in [Manifest.dictionaryFileName, Manifest.pairListFileName] {
        let source = "\(directories[0])/\(name)"
        if try Syscalls.status(source) != nil {
          try FileManager.default.copyItem(atPath: source, toPath: "\(output)/\(name)")
        }
      }
    }
    let manifest = Manifest(
      merging: manifests.map { ($0.skipped, $0.warnings, $0.totals.replacedSurrogates) },
      inputs: inputs, settings: settings, tables: tables, toolVersion: toolVersion,
      createdAt: createdAt)
    try manifest.encoded().write(to: URL(fileURLWithPath: "\(output)/\(Manifest.fileName)"))
    return manifest
  }

  // MARK: Settings and inputs

  /// The settings all manifests share, or an error naming the first difference. File names of
  /// the dictionary and pair list may differ (the same file on other machines); their hashes
  /// may not. Bad lines skipped in some inputs only are fine (the merged setting says so).
  static func agreedSettings(_ manifests: [Manifest], _ directories: [String]) throws
    -> Manifest.Settings
  {
    var merged = manifests[0].settings
    for (k, manifest) in manifests.enumerated().dropFirst() {
      if let (what, a, b) = difference(merged, manifest.settings) {
        throw StoreError.mismatch(
          detail: "\(what) differ: '\(directories[0])' has \(a), '\(directories[k])' has \(b); "
            + "only tables counted with the same settings can be merged")
      }
      merged.skipBadLines = merged.skipBadLines || manifest.settings.skipBadLines
    }
    return merged
  }

  /// The first way in which counts made with `a` and with `b` cannot be added up: what differs,
  /// and how `a` and `b` have it. Nil if they can.
  public static func difference(_ a: Manifest.Settings, _ b: Manifest.Settings)
    -> (String, String, String)?
  {
    func tokenizer(_ s: Manifest.Settings) -> String {
      "\(s.tokenizer)\(s.lowercase ? " (lower-cased)" : "")"
    }
    if a.tokenizer != b.tokenizer || a.lowercase != b.lowercase {
      return ("tokenizers", tokenizer(a), tokenizer(b))
    }
    if a.orders != b.orders { return ("n-gram orders", "\(a.orders)", "\(b.orders)") }
    if a.textField != b.textField {
      return ("text fields", "'\(a.textField)'", "'\(b.textField)'")
    }
    if a.hashAlgorithm != b.hashAlgorithm || a.hashSeed != b.hashSeed {
      return ("hash settings", "\(a.hashAlgorithm) \(a.hashSeed)", "\(b.hashAlgorithm) \(b.hashSeed)")
    }
    if a.numbers != b.numbers {
      func describe(_ rules: NumberRules?) -> String {
        rules.map {
          "window \($0.window), \($0.maxDigits) digits, units \($0.units), operators \($0.operators)"
        } ?? "no number terms"
      }
      return ("number-term rules", describe(a.numbers), describe(b.numbers))
    }
    switch (a.entities, b.entities) {
    case (nil, nil): return nil
    case (let x?, nil): return ("entity settings", "entities of '\(x.dictionary)'", "none")
    case (nil, let y?): return ("entity settings", "none", "entities of '\(y.dictionary)'")
    case (let x?, let y?):
      if x.dictionaryHash != y.dictionaryHash {
        return (
          "entity dictionaries", "'\(x.dictionary)' (hash \(x.dictionaryHash))",
          "'\(y.dictionary)' (hash \(y.dictionaryHash))"
        )
      }
      if x.caseSensitive != y.caseSensitive {
        func describe(_ s: Bool) -> String { s ? "case-sensitive" : "case-folded" }
        return ("entity matching", describe(x.caseSensitive), describe(y.caseSensitive))
      }
      if x.pairsHash != y.pairsHash {
        return (
          "pair lists", x.pairs.map { "'\($0)'" } ?? "all pairs", y.pairs.map { "'\($0)'" } ?? "all pairs"
        )
      }
      if x.keepDocumentIDs != y.keepDocumentIDs {
        func describe(_ kept: Bool) -> String { kept ? "document ids" : "none" }
        return ("'--keep-doc-ids' settings", describe(x.keepDocumentIDs), describe(y.keepDocumentIDs))
      }
      return nil
    }
  }

  /// Refuses a shard found in two inputs: merging would count it twice.
  static func checkDisjoint(_ manifests: [Manifest], _ directories: [String]) throws {
    var owner: [String: Int] = [:]
    for (k, manifest) in manifests.enumerated() {
      for input in manifest.inputs {
        if let first = owner[input.path], first != k {
          throw StoreError.mismatch(
            detail: "'\(input.path)' was counted in both '\(directories[first])' and "
              + "'\(directories[k])'; merging would count it twice (merge each part once)")
        }
        owner[input.path] = k
      }
    }
  }

  /// The merged inputs of several lists (one per table directory or part), by path, with the
  /// parts of a shard counted apart made one; and per list the new index of each of its
  /// inputs (document ids hold the index).
  public static func mergedInputs(_ lists: [[Manifest.Input]]) -> ([Manifest.Input], [[Int]]) {
    var byPath: [String: Manifest.Input] = [:]
    for list in lists {
      for input in list {
        guard var combined = byPath[input.path] else {
          byPath[input.path] = input
          continue
        }
        // Parts of one shard: positions (line, bytes) are where the last part ended.
        combined.lines = max(combined.lines, input.lines)
        combined.uncompressedBytes = max(combined.uncompressedBytes, input.uncompressedBytes)
        combined.documents += input.documents
        combined.tokens += input.tokens
        combined.skippedLines += input.skippedLines
        combined.blankLines += input.blankLines
        byPath[input.path] = combined
      }
    }
    let inputs = byPath.values.sorted { $0.path < $1.path }
    var index: [String: Int] = [:]
    for (k, input) in inputs.enumerated() { index[input.path] = k }
    let maps = lists.map { $0.map { index[$0.path]! } }
    return (inputs, maps)
  }

  // MARK: Tables

  /// Merges the tables of `family` (orders 1...maxOrder).
  static func mergeFamily(
    _ family: TableFamily, maxOrder: Int, directories: [String], into output: String,
    seed: UInt64, threads: Int, minimumPart: Int
  ) throws -> [TableSummary] {
    let vocabularies = try directories.map {
      try TableFile(path: "\($0)/\(CountTableFormat.fileName(family: family, order: 1))")
    }
    // The merged vocabulary is dropped once written: the n-grams need only the id maps.
    var (merged, remaps) = try mergeVocabularies(vocabularies)
    let vocabularySize = merged.count
    var summaries = [
      try unsafe CountTableWriter.writeVocabulary(
        family: family, count: merged.count, to: output, seed: seed
      ) { e, body in
        unsafe merged.bytes.withUnsafeBytes { raw in
          let start = merged.offsets[e]
          let token = unsafe UnsafeRawBufferPointer(rebasing: raw[start..<merged.offsets[e + 1]])
          unsafe body(token, merged.counts[2 * e], merged.counts[2 * e + 1])
        }
      }
    ]
    merged = Vocabulary()
    if maxOrder >= 2 {
      for order in 2...maxOrder {
        let files = try directories.map {
          try TableFile(path: "\($0)/\(CountTableFormat.fileName(family: family, order: order))")
        }
        summaries.append(
          try NGramMerge.merge(
            files, remaps: remaps, order: order, family: family, vocabularySize: vocabularySize,
            into: output, seed: seed, threads: threads, minimumPart: minimumPart))
      }
    }
    return summaries
  }

  /// A merged vocabulary: token bytes back to back, offsets, and (count, documents) pairs.
  struct Vocabulary {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    var counts: [UInt64] = []
    var count: Int { offsets.count - 1 }
  }

  /// Merges byte-sorted vocabularies; returns the merged one and, per input, the new id of
  /// each of its ids.
  static func mergeVocabularies(_ files: [TableFile]) throws -> (Vocabulary, [[UInt32]]) {
    var merged = Vocabulary()
    var remaps = files.map { [UInt32](repeating: 0, count: $0.entryCount) }
    var cursors = [Int](repeating: 0, count: files.count)
    func token(_ k: Int) -> UnsafeRawBufferPointer { unsafe files[k].token(cursors[k]) }
    var heap = MinHeap(
      (0..<files.count).filter { files[$0].entryCount > 0 },
      less: { unsafe Self.compare(token($0), token($1)) < 0 })
    while let k = heap.top {
      let t = unsafe token(k)
      let id = UInt32(merged.count)
      guard merged.count < Int(UInt32.max >> 1) else {
        throw StoreError.tooManyTokens(limit: Int(UInt32.max >> 1))
      }
      unsafe merged.bytes.append(contentsOf: t)
      merged.offsets.append(merged.bytes.count)
      var count: UInt64 = 0
      var documents: UInt64 = 0
      // Every input whose current token is this one.
      while let j = heap.top, unsafe Self.compare(token(j), t) == 0 {
        let (c, d) = files[j].vocabularyCounts(cursors[j])
        count &+= c
        documents &+= d
        remaps[j][cursors[j]] = id
        cursors[j] += 1
        if cursors[j] & 0xFFF == 0 { files[j].releaseVocabulary(before: cursors[j]) }
        if cursors[j] < files[j].entryCount { heap.replaceTop(j) } else { heap.removeTop() }
      }
      merged.counts.append(count)
      merged.counts.append(documents)
    }
    return (merged, remaps)
  }

  /// Byte order of two tokens (a prefix first).
  static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
      let c = unsafe memcmp(a.baseAddress!, b.baseAddress!, n)
      if c != 0 { return Int(c) }
    }
    return a.count - b.count
  }

  /// Merges the posting lists: per entity, every input's documents with their shard numbers
  /// renumbered, in order.
  static func mergePostings(_ directories: [String], shardMaps: [[Int]], into output: String)
    throws
  {
    let files = try directories.map { try DocumentPostings(path: "\($0)/\(DocumentPostings.fileName)") }
    let n = files[0].entityCount
    guard files.allSatisfy({ $0.entityCount == n }) else {
      throw StoreError.mismatch(detail: "the inputs' posting lists hold different entity counts")
    }
    var writer = try DocumentPostings.Writer(
      path: "\(output)/\(DocumentPostings.fileName)", entityCount: n)
    for e in 0..<n {
      var ids: [UInt64] = []
      for (k, file) in files.enumerated() {
        for id in try file.documents(of: UInt32(e)) {
          let shard = DocumentID.shard(id)
          guard shard < shardMaps[k].count else {
            throw StoreError.corrupt(
              path: "\(directories[k])/\(DocumentPostings.fileName)",
              detail: "a document of shard \(shard), of \(shardMaps[k].count) counted")
          }
          ids.append(DocumentID.make(shard: shardMaps[k][shard], line: DocumentID.line(id)))
        }
      }
      if files.count > 1 { ids.sort() }
      try writer.append(ids: ids)
    }
    try writer.close()
  }
}

/// One table file, mapped for a sequential merge.
@safe
struct TableFile: Sendable {
  let file: MappedFile
  let header: CountTableFormat.Header
  var entryCount: Int { Int(header.entryCount) }

  init(path: String) throws {
    file = try MappedFile.table(path)
    header = try unsafe CountTableFormat.Header.decode(file.base, size: file.size, path: path)
    // A merge reads every byte: check them all first, so no damaged count is merged in.
    try BlockChecks(file: file, header: header).checkAll()
  }

  /// Vocabulary entry `e`'s token bytes (valid while the file is open).
  func token(_ e: Int) -> UnsafeRawBufferPointer {
    let entry = unsafe file.base! + Int(header.entriesOffset) + e * 32
    let offset = Int(UInt64(littleEndian: unsafe entry.loadUnaligned(as: UInt64.self)))
    let length = Int(UInt32(littleEndian: unsafe entry.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
    return unsafe UnsafeRawBufferPointer(
      start: file.base! + Int(header.stringsOffset) + offset, count: length)
  }

  /// Vocabulary entry `e`'s count and documents.
  func vocabularyCounts(_ e: Int) -> (UInt64, UInt64) {
    let entry = unsafe file.base! + Int(header.entriesOffset) + e * 32
    return (
      UInt64(littleEndian: unsafe entry.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
      UInt64(littleEndian: unsafe entry.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    )
  }

  /// N-gram entry `e`'s words (entries are 8-byte aligned; valid while the file is open).
  func record(_ e: Int) -> UnsafePointer<UInt64> {
    let entry = unsafe file.base! + Int(header.entriesOffset) + e * Int(header.stride)
    return unsafe entry.assumingMemoryBound(to: UInt64.self)
  }

  /// The first n-gram entry whose first token id is `id` or more (the table's offsets by first
  /// token, clamped to the entries).
  func firstEntry(ofID id: Int) -> Int {
    let slots = Int(header.indexCount)
    if id >= slots - 1 || slots == 0 { return entryCount }
    let at = Int(header.indexOffset) + id * 8
    let value = UInt64(littleEndian: unsafe file.base!.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    return min(Int(value), entryCount)
  }

  /// Drops the pages of vocabulary entries before `e`, and of their tokens, from memory.
  func releaseVocabulary(before e: Int) {
    let entries = Int(header.entriesOffset)
    file.release(from: entries, to: entries + e * 32)
    let strings = Int(header.stringsOffset)
    let entry = unsafe file.base! + entries + e * 32
    let offset = Int(UInt64(littleEndian: unsafe entry.loadUnaligned(as: UInt64.self)))
    file.release(from: strings, to: strings + offset)
  }

  /// Drops the pages before entry `e` from memory.
  func releaseBehind(_ e: Int) {
    file.release(before: Int(header.entriesOffset) + e * Int(header.stride))
  }
}

/// A binary min-heap under a comparison that may change as the top's key does (`replaceTop`
/// after the top's key grew).
struct MinHeap<Element> {
  private(set) var items: [Element]
  private let less: (Element, Element) -> Bool

  init(_ items: [Element], less: @escaping (Element, Element) -> Bool) {
    self.items = []
    self.less = less
    for item in items { push(item) }
  }

  var top: Element? { items.first }
  var count: Int { items.count }

  mutating func push(_ item: Element) {
    items.append(item)
    var c = items.count - 1
    while c > 0 {
      let p = (c - 1) / 2
      guard less(items[c], items[p]) else { break }
      items.swapAt(c, p)
      c = p
    }
  }

  /// Puts `item` in the top's place and restores the order.
  mutating func replaceTop(_ item: Element) {
    items[0] = item
    siftDown()
  }

  mutating func removeTop() {
    items.swapAt(0, items.count - 1)
    items.removeLast()
    if !items.isEmpty { siftDown() }
  }

  private mutating func siftDown() {
    var p = 0
    while true {
      let l = 2 * p + 1
      let r = l + 1
      var m = p
      if l < items.count && less(items[l], items[m]) { m = l }
      if r < items.count && less(items[r], items[m]) { m = r }
      if m == p { return }
      items.swapAt(p, m)
      p = m
    }
  }
}
