internal import TailscanIO

/// `entities-docs.tsd`: the documents that contain each entity, so that `tailscan docs` can
/// show the evidence behind a count. Little-endian:
///
/// ```
/// offset size field
///      0    8 magic "TSDOCS\0\0"
///      8    4 format version (2; version 1 files, without block checksums, are read too)
///     12    4 line bits (a document id is shard << line bits | line)
///     16    8 entity count n
///     24    8 data offset (after the offsets)
///     32    8 data length
///     40    8 XXH64 of bytes 0..<40, with the block-checksum offset (bytes 48..<56) as seed
///     48    8 block-checksum offset C (version 1: 0, and the seed is 0)
///     56    8 reserved (0)
///     64      (n + 1) u64 offsets into the data: entity e's list is [offset[e], offset[e + 1])
///             then the data: per entity, its document ids ascending, as LEB128 deltas
///      C      per 4 KiB block after the header, its XXH64 (seed 0), as in count tables
/// ```
///
/// `documents(of:)` checks the blocks it reads the first time it reads them, so a damaged
/// file is reported, never read as other documents.
// @unchecked Sendable: the mapping is read-only after init.
@safe
public final class DocumentPostings: @unchecked Sendable {
  public static let fileName = "entities-docs.tsd"
  static let magic: UInt64 = 0x0000_5343_4F44_5354  // "TSDOCS\0\0"
  static let headerSize = 64
  static let version: UInt32 = 2
  private let file: MappedFile
  public let entityCount: Int
  private let dataOffset: Int
  private let dataLength: Int
  private let checks: BlockChecks

  /// Writes a posting file entity by entity, streaming: only the offsets stay in memory.
  struct Writer: ~Copyable {
    private var file: FileWriter
    private var offsets: [UInt64]
    private var total: UInt64 = 0

    init(path: String, entityCount n: Int) throws {
      var file = try FileWriter(path: path)
      // Header and offsets are written last, over this space.
      try file.write(bytes: [UInt8](repeating: 0, count: headerSize + (n + 1) * 8))
      self.file = file
      offsets = [0]
      offsets.reserveCapacity(n + 1)
    }

    /// Appends the next entity's list, already LEB128 delta-encoded.
    mutating func append(encoded list: [UInt8]) throws {
      try file.write(bytes: list)
      total += UInt64(list.count)
      offsets.append(total)
    }

    /// Appends the next entity's document ids (ascending).
    mutating func append(ids: [UInt64]) throws {
      var bytes: [UInt8] = []
      var last: UInt64 = 0
      for id in ids {
        DocumentPostings.encode(id - last, into: &bytes)
        last = id
      }
      try append(encoded: bytes)
    }

    consuming func close() throws {
      let n = offsets.count - 1
      let dataOffset = headerSize + (n + 1) * 8
      var header: [UInt8] = []
      func put<T: FixedWidthInteger>(_ v: T) {
        unsafe withUnsafeBytes(of: v.littleEndian) { unsafe header.append(contentsOf: $0) }
      }
      put(magic)
      put(version)
      put(UInt32(DocumentID.lineBits))
      put(UInt64(n))
      put(UInt64(dataOffset))
      put(total)
      // The header checksum and block-checksum offset are written by `seal`.
      header.append(contentsOf: [UInt8](repeating: 0, count: headerSize - header.count))
      for offset in offsets { put(offset) }
      let path = file.path
      try file.overwrite(bytes: header, at: 0)
      try file.close()
      _ = try BlockLayout.postings.seal(path)
    }
  }

  /// The ids of a list of LEB128 deltas (a list this program wrote).
  static func decode(_ bytes: [UInt8]) -> [UInt64] {
    var ids: [UInt64] = []
    var id: UInt64 = 0
    var delta: UInt64 = 0
    var shift: UInt64 = 0
    for b in bytes {
      delta |= UInt64(b & 0x7F) << shift
      shift += 7
      if b < 0x80 {
        id &+= delta
        ids.append(id)
        delta = 0
        shift = 0
      }
    }
    return ids
  }

  /// Appends `delta` as LEB128.
  @inline(__always)
  static func encode(_ delta: UInt64, into bytes: inout [UInt8]) {
    var delta = delta
    while delta >= 0x80 {
      bytes.append(UInt8(delta & 0x7F) | 0x80)
      delta >>= 7
    }
    bytes.append(UInt8(delta))
  }

  /// Opens `path` and checks its header and sizes.
  public init(path: String) throws {
    let file = try MappedFile.table(path)
    self.file = file
    guard let base = unsafe file.base, file.size >= Self.headerSize else {
      throw StoreError.corrupt(path: path, detail: "shorter than its header")
    }
    func u64(_ at: Int) -> UInt64 {
      UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
    guard u64(0) == Self.magic else { throw StoreError.notATable(path: path) }
    let checksums = u64(48)
    guard unsafe XXH64.hash(base, 40, seed: checksums) == u64(40) else {
      throw StoreError.corrupt(path: path, detail: "header checksum mismatch")
    }
    let version = UInt32(truncatingIfNeeded: u64(8))
    guard version == Self.version || version == 1 else {
      throw StoreError.unsupportedVersion(path: path, found: version, supported: Self.version)
    }
    guard u64(56) == 0 else { throw StoreError.corrupt(path: path, detail: "reserved bytes are not 0") }
    guard u64(8) >> 32 == DocumentID.lineBits else {
      throw StoreError.corrupt(path: path, detail: "document ids of \(u64(8) >> 32) line bits")
    }
    let dataEnd = try BlockLayout.postings.dataEnd(
      checksumOffset: checksums, isVersion1: version == 1, fileSize: file.size, path: path)
    let n = u64(16)
    let data = u64(24)
    let length = u64(32)
    guard n < UInt64(dataEnd) / 8, data == UInt64(Self.headerSize) + (n + 1) * 8,
      data <= UInt64(dataEnd), length == UInt64(dataEnd) - data
    else {
      throw StoreError.corrupt(path: path, detail: "sizes do not match the file")
    }
    entityCount = Int(n)
    dataOffset = Int(data)
    dataLength = Int(length)
    checks = BlockChecks(file: file, dataEnd: dataEnd, enabled: version == Self.version, layout: .postings)
  }

  /// Checks every block; returns how many (0 for a version 1 file, which has none).
  public func verifyAll() throws -> Int {
    try checks.checkAll()
    return checks.blocks
  }

  /// The ids of the documents containing `entity`, ascending.
  public func documents(of entity: UInt32) throws -> [UInt64] {
    guard Int(entity) < entityCount, let base = unsafe file.base else { return [] }
    func u64(_ at: Int) -> UInt64 {
      UInt64(littleEndian: unsafe base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }
    try checks.check(Self.headerSize + Int(entity) * 8, 16)
    let start = u64(Self.headerSize + Int(entity) * 8)
    let end = u64(Self.headerSize + Int(entity) * 8 + 8)
    guard start <= end, end <= UInt64(dataLength) else {
      throw StoreError.corrupt(path: file.path, detail: "posting offsets out of range")
    }
    try checks.check(dataOffset + Int(start), Int(end - start))
    var result: [UInt64] = []
    var id: UInt64 = 0
    var i = dataOffset + Int(start)
    let stop = dataOffset + Int(end)
    while i < stop {
      var delta: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard i < stop, shift < 64 else {
          throw StoreError.corrupt(path: file.path, detail: "a posting list is cut short")
        }
        let b = unsafe base.load(fromByteOffset: i, as: UInt8.self)
        i += 1
        delta |= UInt64(b & 0x7F) << shift
        shift += 7
        if b < 0x80 { break }
      }
      id &+= delta
      result.append(id)
    }
    return result
  }
}
