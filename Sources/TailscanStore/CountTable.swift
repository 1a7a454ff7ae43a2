internal import TailscanIO

/// Counts of one n-gram.
public struct NGramCounts: Sendable, Equatable {
  /// Occurrences.
  public var count: UInt64
  /// Documents containing it at least once.
  public var documents: UInt64
  public init(count: UInt64, documents: UInt64) {
    self.count = count
    self.documents = documents
  }
  public static let zero = NGramCounts(count: 0, documents: 0)
}

/// A table directory opened for queries: each order file is memory-mapped, nothing is loaded
/// whole, and a lookup touches a handful of pages.
// @unchecked Sendable: every mapping is PROT_READ and never mutated after init; munmap happens in
// MappedFile's deinit, after the last reference (and so the last reader) is gone.
@safe
public final class CountTable: @unchecked Sendable {
  public let directory: String
  public let manifest: Manifest
  private let files: [MappedFile]
  private let headers: [CountTableFormat.Header]
  /// Each order's block checks: a lookup checks the blocks it reads (once each).
  fileprivate let checks: [BlockChecks]

  /// The family of tables opened.
  public let family: TableFamily

  /// Opens the tables of `family` in `directory` and checks their headers.
  public init(directory: String, family: TableFamily = .ngrams) throws {
    self.directory = directory
    self.family = family
    manifest = try Manifest.read(directory: directory)
    var files: [MappedFile] = []
    var headers: [CountTableFormat.Header] = []
    let orders = manifest.tables.filter { ($0.family ?? .ngrams) == family }.map(\.order)
    guard let maxOrder = orders.max() else {
      throw StoreError.familyNotCounted(path: directory, family: family)
    }
    guard maxOrder >= 1, maxOrder <= CountTableFormat.maxOrder,
      orders.sorted() == Array(1...maxOrder)
    else {
      throw StoreError.badManifest(path: directory, detail: "tables of orders \(orders)")
    }
    for order in 1...maxOrder {
      let path = "\(directory)/\(CountTableFormat.fileName(family: family, order: order))"
      let file = try MappedFile.table(path)
      let header = try unsafe CountTableFormat.Header.decode(file.base, size: file.size, path: path)
      guard header.order == UInt32(order) else {
        throw StoreError.corrupt(path: path, detail: "holds order \(header.order)")
      }
      files.append(file)
      headers.append(header)
    }
    self.files = files
    self.headers = headers
    checks = zip(files, headers).map { BlockChecks(file: $0, header: $1) }
  }

  /// Checks every block of every order's table; throws `StoreError.corrupt` naming the file.
  /// Returns the number of blocks checked (0 for version 1 tables, which have no checksums).
  @discardableResult
  public func verifyAll() throws -> Int {
    var blocks = 0
    for check in checks {
      try check.checkAll()
      blocks += check.blocks
    }
    return blocks
  }

  /// Whether the tables carry block checksums (version 2).
  public var isChecksummed: Bool { headers.allSatisfy(\.checksummed) }

  /// The highest order stored.
  public var maxOrder: Int { headers.count }

  /// Distinct n-grams of `order`.
  public func distinct(order: Int) -> Int { Int(headers[order - 1].entryCount) }

  /// Total occurrences of n-grams of `order`.
  public func occurrences(order: Int) -> UInt64 { headers[order - 1].occurrences }

  private func corrupt(_ order: Int, _ detail: String) -> StoreError {
    .corrupt(path: files[order - 1].path, detail: detail)
  }

  /// The id of a token (its rank in byte order), or nil if it never occurred.
  public func tokenID(_ token: [UInt8]) throws -> UInt32? {
    let header = headers[0]
    let base = unsafe files[0].base!
    let mask = Int(header.indexCount - 1)
    let hash = unsafe token.withUnsafeBytes { raw in
      unsafe XXH64.hash(raw.baseAddress ?? UnsafeRawPointer(base), raw.count, seed: header.seed)
    }
    var i = Int(truncatingIfNeeded: hash) & mask
    for _ in 0..<Int(header.indexCount) {
      try checks[0].check(Int(header.indexOffset) + i * 8, 8)
      let slot = UInt64(littleEndian: unsafe base.loadUnaligned(
        fromByteOffset: Int(header.indexOffset) + i * 8, as: UInt64.self))
      if slot == 0 { return nil }
      guard slot <= header.entryCount else { throw corrupt(1, "index slot out of range") }
      let id = UInt32(slot - 1)
      if try tokenBytes(id) == token { return id }
      i = (i + 1) & mask
    }
    return nil
  }

  /// The bytes of token `id`.
  public func tokenBytes(_ id: UInt32) throws -> [UInt8] {
    let header = headers[0]
    guard UInt64(id) < header.entryCount else { throw corrupt(1, "token id out of range") }
    let base = unsafe files[0].base!
    let entry = Int(header.entriesOffset) + Int(id) * CountTableFormat.vocabularyStride
    try checks[0].check(entry, CountTableFormat.vocabularyStride)
    let offset = UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry, as: UInt64.self))
    let length = UInt64(UInt32(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8, as: UInt32.self)))
    guard offset <= header.stringsLength, length <= header.stringsLength - offset else {
      throw corrupt(1, "token \(id) points outside the strings")
    }
    try checks[0].check(Int(header.stringsOffset + offset), Int(length))
    let start = unsafe base + Int(header.stringsOffset + offset)
    return unsafe Array(UnsafeRawBufferPointer(start: start, count: Int(length)))
  }

  /// The counts of token `id`.
  private func vocabularyCounts(_ id: UInt32) throws -> NGramCounts {
    let header = headers[0]
    let base = unsafe files[0].base!
    let entry = Int(header.entriesOffset) + Int(id) * CountTableFormat.vocabularyStride
    try checks[0].check(entry, CountTableFormat.vocabularyStride)
    return NGramCounts(
      count: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 16, as: UInt64.self)),
      documents: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 24, as: UInt64.self)))
  }

  /// The counts of the n-gram made of `tokens` (its order is `tokens.count`); zero if never seen.
  public func counts(of tokens: [[UInt8]]) throws -> NGramCounts {
    guard !tokens.isEmpty else { return .zero }
    guard tokens.count <= maxOrder else {
      throw StoreError.orderNotCounted(order: tokens.count, counted: 1...maxOrder)
    }
    var ids: [UInt32] = []
    for token in tokens {
      guard let id = try tokenID(token) else { return .zero }
      ids.append(id)
    }
    return try counts(ofIDs: ids)
  }

  /// The counts of the n-gram of token ids `ids`; zero if never seen.
  public func counts(ofIDs ids: [UInt32]) throws -> NGramCounts {
    let order = ids.count
    guard order >= 1 else { return .zero }
    guard order <= maxOrder else {
      throw StoreError.orderNotCounted(order: order, counted: 1...maxOrder)
    }
    guard ids.allSatisfy({ UInt64($0) < headers[0].entryCount }) else { return .zero }
    if order == 1 { return try vocabularyCounts(ids[0]) }
    let header = headers[order - 1]
    let base = unsafe files[order - 1].base!
    let words = CountTableFormat.keyWords(order: order)
    var key = [UInt64](repeating: 0, count: words)
    for w in 0..<words {
      let hi = UInt64(ids[2 * w])
      let lo = 2 * w + 1 < order ? UInt64(ids[2 * w + 1]) : 0
      key[w] = (hi << 32 | lo).littleEndian
    }
    // The entries whose first token is ids[0], then a binary search by key.
    let firstID = Int(ids[0])
    guard UInt64(firstID) + 1 < header.indexCount else { return .zero }
    let check = checks[order - 1]
    func indexValue(_ t: Int) throws -> UInt64 {
      try check.check(Int(header.indexOffset) + t * 8, 8)
      return UInt64(littleEndian: unsafe base.loadUnaligned(
        fromByteOffset: Int(header.indexOffset) + t * 8, as: UInt64.self))
    }
    var low = try indexValue(firstID)
    var high = try indexValue(firstID + 1)
    guard low <= high, high <= header.entryCount else {
      throw corrupt(order, "index offsets out of range")
    }
    let stride = Int(header.stride)
    while low < high {
      let mid = low + (high - low) / 2
      let entry = Int(header.entriesOffset) + Int(mid) * stride
      try check.check(entry, stride)
      var comparison = 0  // -1: entry < key, 1: entry > key
      for w in 0..<words where comparison == 0 {
        let stored = UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * w, as: UInt64.self))
        let wanted = UInt64(littleEndian: key[w])
        if stored != wanted { comparison = stored < wanted ? -1 : 1 }
      }
      if comparison == 0 {
        return NGramCounts(
          count: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * words, as: UInt64.self)),
          documents: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * words + 8, as: UInt64.self)))
      }
      if comparison < 0 { low = mid + 1 } else { high = mid }
    }
    return .zero
  }

  /// The token ids and counts of entry `index` of `order` (entries are in sorted order).
  public func entry(order: Int, index: Int) throws -> (ids: [UInt32], counts: NGramCounts) {
    precondition(order >= 1 && order <= maxOrder && index >= 0 && index < distinct(order: order))
    if order == 1 { return ([UInt32(index)], try vocabularyCounts(UInt32(index))) }
    let header = headers[order - 1]
    let base = unsafe files[order - 1].base!
    let words = CountTableFormat.keyWords(order: order)
    let entry = Int(header.entriesOffset) + index * Int(header.stride)
    try checks[order - 1].check(entry, Int(header.stride))
    var ids: [UInt32] = []
    for w in 0..<words {
      let word = UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * w, as: UInt64.self))
      ids.append(UInt32(word >> 32))
      if 2 * w + 1 < order { ids.append(UInt32(truncatingIfNeeded: word)) }
    }
    let counts = NGramCounts(
      count: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * words, as: UInt64.self)),
      documents: UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: entry + 8 * words + 8, as: UInt64.self)))
    return (ids, counts)
  }

  /// Calls `body` with the count of every entry of `order`, in stored order.
  public func forEachCount(order: Int, _ body: (Int, UInt64) -> Void) throws {
    let header = headers[order - 1]
    try checks[order - 1].check(Int(header.entriesOffset), Int(header.entriesLength))
    let base = unsafe files[order - 1].base!
    let countOffset = order == 1 ? 16 : 8 * CountTableFormat.keyWords(order: order)
    let stride = Int(header.stride)
    for index in 0..<Int(header.entryCount) {
      let at = Int(header.entriesOffset) + index * stride + countOffset
      body(index, UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
    }
  }

  /// The `k` most frequent n-grams of `order`, most frequent first (ties in stored order).
  public func top(_ k: Int, order: Int) throws -> [(tokens: [[UInt8]], counts: NGramCounts)] {
    guard order >= 1 && order <= maxOrder else {
      throw StoreError.orderNotCounted(order: order, counted: 1...maxOrder)
    }
    guard k > 0 else { return [] }
    // The k largest so far, smallest on top (a later index counts as smaller on ties).
    typealias Item = (count: UInt64, index: Int)
    func less(_ a: Item, _ b: Item) -> Bool {
      a.count != b.count ? a.count < b.count : a.index > b.index
    }
    var best = MinHeap<Item>([], less: less)
    try forEachCount(order: order) { index, count in
      let item = (count: count, index: index)
      if best.count < k {
        best.push(item)
      } else if less(best.top!, item) {
        best.replaceTop(item)
      }
    }
    let heap = best.items
    return try heap.sorted { less($1, $0) }.map { item in
      let (ids, counts) = try entry(order: order, index: item.index)
      return (try ids.map { try tokenBytes($0) }, counts)
    }
  }
}

extension MappedFile {
  /// Maps the table file `path`; a missing file is a corrupt table directory.
  static func table(_ path: String) throws -> MappedFile {
    do {
      return try MappedFile(path: path)
    } catch IOError.notFound {
      throw StoreError.corrupt(path: path, detail: "the file is missing")
    }
  }
}

/// `tailscan verify`: every table of a directory checked, header and every block.
public enum TableVerifier {
  /// One table file and what was checked.
  public struct Checked: Sendable {
    public var file: String
    /// Blocks whose checksum was compared (0: a version 1 table, which has none).
    public var blocks: Int
  }

  /// Checks every table file the manifest of `directory` lists; throws `StoreError.corrupt`
  /// (naming the file) at the first damage.
  public static func verify(directory: String) throws -> [Checked] {
    let manifest = try Manifest.read(directory: directory)
    var checked: [Checked] = []
    var families: [TableFamily] = []
    for table in manifest.tables where !families.contains(table.family ?? .ngrams) {
      families.append(table.family ?? .ngrams)
    }
    for family in families {
      let table = try CountTable(directory: directory, family: family)
      for order in 1...table.maxOrder {
        checked.append(
          Checked(
            file: CountTableFormat.fileName(family: family, order: order),
            blocks: try table.verify(order: order)))
      }
    }
    // The document postings behind 'tailscan docs', when the count kept them.
    let postings = "\(directory)/\(DocumentPostings.fileName)"
    if (try? Syscalls.status(postings)) != nil {
      checked.append(
        Checked(file: DocumentPostings.fileName, blocks: try DocumentPostings(path: postings).verifyAll()))
    }
    return checked
  }
}

extension CountTable {
  /// Checks every block of `order`'s table; returns how many (0 without checksums).
  public func verify(order: Int) throws -> Int {
    try checks[order - 1].checkAll()
    return checks[order - 1].blocks
  }
}
