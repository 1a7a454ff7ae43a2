internal import Synchronization
internal import TailscanIO

/// The on-disk layout of a count table file (`order-N.tsc`), version 2. All integers are
/// little-endian. See `Documentation.docc/CountTableFormat.md` (and the README) for the full
/// specification.
///
/// ```
/// offset size field
///      0    8 magic "TSCOUNT\0"
///      8    4 format version (2; version 1 files, which have no block checksums, are read too)
///     12    4 endianness marker 0x01020304 (reads back as 0x04030201 on the wrong byte order)
///     16    4 kind: 1 = vocabulary (order 1, with token bytes), 2 = n-grams over token ids
///     20    4 order N
///     24    4 hash algorithm: 1 = XXH64
///     28    4 entry stride in bytes
///     32    8 hash seed
///     40    8 entry count
///     48    8 index count: vocabulary, hash buckets (a power of two, at most half full);
///             n-grams, vocabulary size + 1 (one offset per first token, and the end)
///     56    8 entries offset      64  8 entries length
///     72    8 strings offset      80  8 strings length   (vocabulary only; else 0)
///     88    8 index offset        96  8 index length
///    104    8 total occurrences (sum of counts)
///    112    8 XXH64 of bytes 0..<112, with the block-checksum offset (bytes 120..<128) as seed
///    120    8 block-checksum offset C (version 1: 0, and the seed is 0)
/// ```
///
/// Block checksums (version 2): the bytes after the header, [128, C), in blocks of 4,096 bytes
/// (the last may be shorter), each with its XXH64 (seed 0) as a u64 in a section at C; the file
/// ends there, so its size is C + 8 · blocks. A byte changed anywhere is found: in the header by
/// its checksum (which covers C too), elsewhere by its block's, and a changed checksum fails
/// its block. A reader checks a block the first time it reads from it.
///
/// Vocabulary entries (32 bytes), sorted by token bytes, so a token's id is its rank:
/// string offset u64, length u32, reserved u32, count u64, documents u64. The strings section
/// holds the token bytes back to back. The index is `index count` u64 slots: 0 for empty, else
/// entry + 1, at `XXH64(token bytes, seed) & (count - 1)`, linear probing.
///
/// N-gram entries (8 × ceil(N/2) + 16 bytes), sorted by their ids: the ids packed two to a u64
/// word, the earlier in the high half (an odd order leaves the last low half 0), then
/// count u64, documents u64. The index is compressed-sparse-row offsets: entries whose first
/// token is `t` are `[index[t], index[t + 1])`; a lookup binary-searches that range.
/// The kinds of tables a directory can hold. Each family is a vocabulary (`<family>-1.tsc`) and
/// tables of 2 or more of its ids (`<family>-N.tsc`) in the same format.
public enum TableFamily: String, Codable, Sendable, CaseIterable {
  /// Token n-grams (`order-1.tsc`, `order-2.tsc`, …).
  case ngrams = "order"
  /// Razeghi et al.'s number terms: numbers and keywords; pairs (number–number and
  /// number–keyword); triples.
  case numbers
  /// Dictionary entities; pairs of entities in the same document.
  case entities
}

public enum CountTableFormat {
  static let magic: UInt64 = 0x0054_4E55_4F43_5354  // "TSCOUNT\0" read as a little-endian UInt64
  static let version: UInt32 = 2
  /// Block checksums cover this many bytes each.
  static let blockSize = 4096
  static let endianMarker: UInt32 = 0x0102_0304
  static let headerSize = 128
  static let kindVocabulary: UInt32 = 1
  static let kindNGrams: UInt32 = 2
  static let hashXXH64: UInt32 = 1
  /// Vocabulary entries: string offset u64, length u32, reserved u32, count u64, documents u64.
  static let vocabularyStride = 32
  /// The highest n-gram order supported.
  public static let maxOrder = 8

  /// The file name of the n-gram table of `order`.
  public static func fileName(order: Int) -> String { fileName(family: .ngrams, order: order) }

  /// The file name of the table of `order` in `family`: `order-2.tsc`, `numbers-1.tsc`.
  public static func fileName(family: TableFamily, order: Int) -> String {
    "\(family.rawValue)-\(order).tsc"
  }

  /// Key words of an n-gram of `order` (two 32-bit ids a word).
  static func keyWords(order: Int) -> Int { (order + 1) / 2 }

  /// Bytes per n-gram entry: key words, count, documents.
  static func nGramStride(order: Int) -> Int { 8 * keyWords(order: order) + 16 }

  /// Vocabulary index buckets for `entries` entries: a power of two, load factor at most 1/2.
  static func bucketCount(entries: Int) -> Int {
    var buckets = 16
    while buckets < entries * 2 { buckets <<= 1 }
    return buckets
  }

  struct Header: Equatable {
    var kind: UInt32
    var order: UInt32
    var stride: UInt32
    var seed: UInt64
    var entryCount: UInt64
    var indexCount: UInt64
    var entriesOffset: UInt64
    var entriesLength: UInt64
    var stringsOffset: UInt64
    var stringsLength: UInt64
    var indexOffset: UInt64
    var indexLength: UInt64
    var occurrences: UInt64
    /// Where the data ends: the block checksums' offset (version 2), or the file's size.
    var dataEnd: Int = 0
    /// Whether the file has block checksums (version 2).
    var checksummed = false

    /// The header bytes; `checksums` is the block-checksum offset (0 until the file is sealed).
    func encoded(checksums: UInt64 = 0) -> [UInt8] {
      var bytes: [UInt8] = []
      bytes.reserveCapacity(headerSize)
      func put<T: FixedWidthInteger>(_ v: T) {
        unsafe withUnsafeBytes(of: v.littleEndian) { unsafe bytes.append(contentsOf: $0) }
      }
      put(magic)
      put(version)
      put(endianMarker)
      put(kind)
      put(order)
      put(hashXXH64)
      put(stride)
      for v in [
        seed, entryCount, indexCount, entriesOffset, entriesLength, stringsOffset, stringsLength,
        indexOffset, indexLength, occurrences,
      ] { put(v) }
      put(XXH64.hash(bytes, seed: checksums))
      put(checksums)
      return bytes
    }

    /// Parses and checks a header against the file it came from.
    static func decode(_ base: UnsafeRawPointer?, size: Int, path: String) throws(StoreError)
      -> Header
    {
      guard let base = unsafe base, size >= headerSize else {
        throw .corrupt(path: path, detail: "shorter than its \(headerSize)-byte header")
      }
      func u32(_ at: Int) -> UInt32 {
        UInt32(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt32.self))
      }
      func u64(_ at: Int) -> UInt64 {
        UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
      }
      guard u64(0) == magic else { throw .notATable(path: path) }
      guard u32(8) == version || u32(8) == 1 else {
        throw .unsupportedVersion(path: path, found: u32(8), supported: version)
      }
      guard u32(12) == endianMarker else { throw .wrongEndianness(path: path) }
      let checksums = u64(120)
      let checksum = unsafe XXH64.hash(base, 112, seed: checksums)
      guard u64(112) == checksum else {
        throw .corrupt(path: path, detail: "header checksum mismatch")
      }
      let dataEnd = try BlockLayout.table.dataEnd(
        checksumOffset: checksums, isVersion1: u32(8) == 1, fileSize: size, path: path)
      guard u32(24) == hashXXH64 else {
        throw .corrupt(path: path, detail: "unknown hash algorithm \(u32(24))")
      }
      let header = Header(
        kind: u32(16), order: u32(20), stride: u32(28), seed: u64(32), entryCount: u64(40),
        indexCount: u64(48), entriesOffset: u64(56), entriesLength: u64(64),
        stringsOffset: u64(72), stringsLength: u64(80), indexOffset: u64(88),
        indexLength: u64(96), occurrences: u64(104), dataEnd: dataEnd,
        checksummed: u32(8) == version)
      try header.validate(size: dataEnd, path: path)
      return header
    }

    func validate(size: Int, path: String) throws(StoreError) {
      func fits(_ offset: UInt64, _ length: UInt64) -> Bool {
        offset >= UInt64(headerSize) && offset <= UInt64(size) && length <= UInt64(size) - offset
          && offset % 8 == 0
      }
      let expectedStride =
        kind == kindVocabulary ? vocabularyStride : nGramStride(order: Int(order))
      guard (kind == kindVocabulary && order == 1) || (kind == kindNGrams && order >= 2 && order <= UInt32(maxOrder)) else {
        throw .corrupt(path: path, detail: "bad kind \(kind) or order \(order)")
      }
      let indexOK =
        kind == kindVocabulary
        ? indexCount >= 16 && indexCount & (indexCount - 1) == 0 && indexCount / 2 >= entryCount
        : indexCount >= 1
      guard stride == UInt32(expectedStride),
        entryCount.multipliedReportingOverflow(by: UInt64(stride)) == (entriesLength, false),
        fits(entriesOffset, entriesLength), fits(indexOffset, indexLength), indexOK,
        indexCount.multipliedReportingOverflow(by: 8) == (indexLength, false),
        kind == kindNGrams || fits(stringsOffset, stringsLength)
      else {
        throw .corrupt(path: path, detail: "section sizes do not match the file (\(size) bytes)")
      }
    }
  }

  /// The blocks of data ending at `dataEnd`.
  static func blockCount(dataEnd: Int) -> Int { BlockLayout.table.blockCount(dataEnd: dataEnd) }

  /// Adds block checksums to the finished table file at `path` (written with an unsealed
  /// header), and returns its size.
  package static func seal(_ path: String) throws -> Int { try BlockLayout.table.seal(path) }
}

/// Where a file with block checksums keeps them: the bytes after a header of `headerSize`, in
/// blocks of `CountTableFormat.blockSize`, each with its XXH64 (seed 0) as a u64 in a section
/// at the end of the file, whose offset C is the u64 at `offsetAt`; the header's own XXH64 of
/// bytes `0..<hashed`, seeded with C, is the u64 at `hashed` (so it covers C). Count tables and
/// document postings (`entities-docs.tsd`) share this.
struct BlockLayout: Sendable {
  let headerSize: Int
  let hashed: Int
  let offsetAt: Int

  static let table = BlockLayout(headerSize: CountTableFormat.headerSize, hashed: 112, offsetAt: 120)
  static let postings = BlockLayout(headerSize: DocumentPostings.headerSize, hashed: 40, offsetAt: 48)

  /// The blocks of data ending at `dataEnd`.
  func blockCount(dataEnd: Int) -> Int {
    (dataEnd - headerSize + CountTableFormat.blockSize - 1) / CountTableFormat.blockSize
  }

  /// Where the data of a file of `fileSize` bytes ends, given the checksum offset C in its
  /// header: the data ends where the block checksums begin, and the file where they end. A
  /// version 1 file has no checksums (C is 0) and its data runs to the end.
  func dataEnd(
    checksumOffset c: UInt64, isVersion1: Bool, fileSize: Int, path: String
  ) throws(StoreError) -> Int {
    if isVersion1 {
      guard c == 0 else { throw .corrupt(path: path, detail: "bad version 1 header") }
      return fileSize
    }
    guard c >= UInt64(headerSize), c <= UInt64(fileSize),
      UInt64(fileSize) - c == 8 * UInt64(blockCount(dataEnd: Int(c)))
    else {
      throw .corrupt(
        path: path, detail: "its block checksums do not match its size (\(fileSize) bytes)")
    }
    return Int(c)
  }

  /// Adds block checksums to the finished file at `path` (its header checksum not yet
  /// written), and returns its size.
  func seal(_ path: String) throws -> Int {
    let blockSize = CountTableFormat.blockSize
    let dataEnd: Int
    var sums: [UInt64] = []
    var header: [UInt8] = []
    do {
      let file = try MappedFile(path: path)
      guard let base = unsafe file.base, file.size >= headerSize else {
        throw StoreError.corrupt(path: path, detail: "shorter than its header")
      }
      dataEnd = file.size
      let blocks = blockCount(dataEnd: dataEnd)
      sums.reserveCapacity(blocks)
      header = unsafe Array(UnsafeRawBufferPointer(start: base, count: hashed))
      for b in 0..<blocks {
        let start = headerSize + b * blockSize
        sums.append(unsafe XXH64.hash(base + start, min(blockSize, dataEnd - start), seed: 0))
        // The pages read go behind it, so sealing a large table does not make it resident.
        if b % 1024 == 1023 { file.release(before: start) }
      }
    }
    // The header's checksum, seeded with the offset, and the offset.
    let offset = UInt64(dataEnd)
    var hash: [UInt8] = []
    unsafe withUnsafeBytes(of: XXH64.hash(header, seed: offset).littleEndian) {
      unsafe hash.append(contentsOf: $0)
    }
    var offsetBytes: [UInt8] = []
    unsafe withUnsafeBytes(of: offset.littleEndian) { unsafe offsetBytes.append(contentsOf: $0) }
    var writer = try FileWriter(appendingTo: path)
    try writer.write(words: sums)
    try writer.overwrite(bytes: hash, at: hashed)
    try writer.overwrite(bytes: offsetBytes, at: offsetAt)
    let size = writer.offset
    try writer.close()
    return size
  }
}

/// Checks the blocks of one mapped table as they are read: each block's XXH64 once, then it is
/// remembered as good. Version 1 tables (no checksums) pass unchecked.
@safe
final class BlockChecks: @unchecked Sendable {
  // @unchecked Sendable: the mapping is read-only; `verified` is guarded by its mutex.
  private let file: MappedFile
  private let dataEnd: Int
  private let enabled: Bool
  private let layout: BlockLayout
  private let verified: Mutex<[UInt64]>

  convenience init(file: MappedFile, header: CountTableFormat.Header) {
    self.init(file: file, dataEnd: header.dataEnd, enabled: header.checksummed, layout: .table)
  }

  /// Checks of `file`, whose data ends at `dataEnd` (where its checksums begin); nothing is
  /// checked unless `enabled` (a file written before it had checksums).
  init(file: MappedFile, dataEnd: Int, enabled: Bool, layout: BlockLayout) {
    self.file = file
    self.dataEnd = dataEnd
    self.enabled = enabled
    self.layout = layout
    let blocks = enabled ? layout.blockCount(dataEnd: dataEnd) : 0
    verified = Mutex([UInt64](repeating: 0, count: (blocks + 63) / 64))
  }

  /// Checks the blocks holding bytes [offset, offset + length).
  func check(_ offset: Int, _ length: Int) throws(StoreError) {
    guard enabled, length > 0, let base = unsafe file.base else { return }
    let blockSize = CountTableFormat.blockSize
    let first = max(offset - layout.headerSize, 0) / blockSize
    let last = (min(offset + length, dataEnd) - 1 - layout.headerSize) / blockSize
    guard first <= last else { return }
    for b in first...last {
      if verified.withLock({ $0[b >> 6] & (1 << UInt64(b & 63)) != 0 }) { continue }
      let start = layout.headerSize + b * blockSize
      let count = min(blockSize, dataEnd - start)
      let stored = UInt64(
        littleEndian: unsafe base.loadUnaligned(fromByteOffset: dataEnd + 8 * b, as: UInt64.self))
      guard unsafe XXH64.hash(base + start, count, seed: 0) == stored else {
        throw .corrupt(
          path: file.path,
          detail: "block \(b) (bytes \(start)..<\(start + count)) fails its checksum: the file "
            + "was damaged after it was written")
      }
      verified.withLock { $0[b >> 6] |= 1 << UInt64(b & 63) }
    }
  }

  /// Checks every block, 4 MiB at a time, letting the pages read go behind it: checking a large
  /// file (every run of a count, before they are merged) must not make it resident. (The
  /// checksums, 1/512 of the file, stay.)
  func checkAll() throws(StoreError) {
    let step = 1024 * CountTableFormat.blockSize
    var offset = layout.headerSize
    while offset < dataEnd {
      let length = min(step, dataEnd - offset)
      try check(offset, length)
      file.release(from: offset, to: offset + length)
      offset += length
    }
  }

  /// The number of blocks (0 without checksums).
  var blocks: Int { enabled ? layout.blockCount(dataEnd: dataEnd) : 0 }
}
