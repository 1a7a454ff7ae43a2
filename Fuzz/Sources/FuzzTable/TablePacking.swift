/// How `FuzzTable` packs a table directory into one input (see `fuzz`), and XXH64 for the
/// header checksum.
enum TablePacking {
  /// `TSCOUNT\0`, the magic every table file starts with.
  static let magic: [UInt8] = Array("TSCOUNT".utf8) + [0]
  /// `TSDOCS\0\0`, the magic of a document-postings file.
  static let postingsMagic: [UInt8] = Array("TSDOCS".utf8) + [0, 0]

  /// The manifest (nil when the input starts with a table) and the table files of `bytes`.
  static func split(_ bytes: [UInt8]) -> (manifest: [UInt8]?, tables: [[UInt8]]) {
    var starts: [Int] = []
    var i = 0
    while i + magic.count <= bytes.count {
      if bytes[i] == magic[0] && bytes[i..<(i + magic.count)].elementsEqual(magic) {
        starts.append(i)
        i += magic.count
      } else {
        i += 1
      }
    }
    let manifestEnd = starts.first ?? bytes.count
    let manifest = manifestEnd > 0 ? Array(bytes[0..<manifestEnd]) : nil
    let tables = starts.indices.map { k in
      Array(bytes[starts[k]..<(k + 1 < starts.count ? starts[k + 1] : bytes.count)])
    }
    return (manifest, tables)
  }

  /// Seals `table` as the writer does (format version 2): block checksums of the bytes after
  /// the header appended, their offset at 120, and the header's XXH64 (seeded with that offset)
  /// at 112; so the fuzzer's bytes get past the checksums to the reader behind them. A version 1
  /// input (byte 8 is 1) keeps version 1 and gets only its header checksum.
  static func fixChecksum(_ table: inout [UInt8]) {
    seal(&table, headerSize: 128, hashed: 112, offsetAt: 120)
  }

  /// `fixChecksum` for a document-postings file (`entities-docs.tsd`): a 64-byte header whose
  /// XXH64 of bytes 0..<40 is at 40 and block-checksum offset at 48.
  static func fixPostingsChecksum(_ file: inout [UInt8]) {
    seal(&file, headerSize: 64, hashed: 40, offsetAt: 48)
  }

  private static func seal(_ file: inout [UInt8], headerSize: Int, hashed: Int, offsetAt: Int) {
    guard file.count >= headerSize else { return }
    func put(_ value: UInt64, at offset: Int) {
      for k in 0..<8 { file[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
    }
    var offset: UInt64 = 0
    if file[8] != 1 {
      // A sealed file (a seed) keeps only its data: its checksums are made again below.
      let stored = (0..<8).reduce(0) { $0 | Int(file[offsetAt + $1]) << (8 * $1) }
      if stored >= headerSize, stored <= file.count,
        file.count - stored == 8 * ((stored - headerSize + 4095) / 4096)
      {
        file.removeLast(file.count - stored)
      }
      file[8] = 2
      file[9] = 0
      file[10] = 0
      file[11] = 0
      let end = file.count
      offset = UInt64(end)
      var start = headerSize
      while start < end {
        let sum = xxh64(file[start..<min(start + 4096, end)], seed: 0)
        for k in 0..<8 { file.append(UInt8(truncatingIfNeeded: sum >> (8 * UInt64(k)))) }
        start += 4096
      }
    }
    put(offset, at: offsetAt)
    put(xxh64(file[0..<hashed], seed: offset), at: hashed)
  }

  /// A valid manifest for n-gram tables of orders `1...orders` (none when 0).
  static func manifest(orders: Int) -> [UInt8] {
    let tables = (0..<orders).map { k in
      """
      {"family":"order","order":\(k + 1),"file":"order-\(k + 1).tsc","distinct":0,\
      "occurrences":0,"bytes":0}
      """
    }
    let text = """
      {"format":"tailscan-counts","formatVersion":1,"toolVersion":"fuzz","createdAt":"",\
      "settings":{"tokenizer":"words","lowercase":false,"orders":[],"textField":"text",\
      "skipBadLines":false,"hashAlgorithm":"xxh64","hashSeed":0},\
      "totals":{"files":0,"bytes":0,"uncompressedBytes":0,"lines":0,"documents":0,\
      "tokens":0,"skippedLines":0,"blankLines":0,"emptyFiles":0,"replacedSurrogates":0},\
      "tables":[\(tables.joined(separator: ","))],"inputs":[],"skipped":[],\
      "warnings":[]}
      """
    return Array(text.utf8)
  }

  /// XXH64 (https://github.com/Cyan4973/xxHash), written out again here: the store's own
  /// implementation is internal to its package.
  static func xxh64(_ bytes: ArraySlice<UInt8>, seed: UInt64) -> UInt64 {
    let p1: UInt64 = 11_400_714_785_074_694_791
    let p2: UInt64 = 14_029_467_366_897_019_727
    let p3: UInt64 = 1_609_587_929_392_839_161
    let p4: UInt64 = 9_650_029_242_287_828_579
    let p5: UInt64 = 2_870_177_450_012_600_261
    func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { x << r | x >> (64 - r) }
    func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 { (acc ^ round(0, v)) &* p1 &+ p4 }
    let b = Array(bytes)
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
    func u32(_ at: Int) -> UInt64 { (0..<4).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) } }
    var i = 0
    var h: UInt64
    if b.count >= 32 {
      var v = [seed &+ p1 &+ p2, seed &+ p2, seed, seed &- p1]
      while i + 32 <= b.count {
        for k in 0..<4 { v[k] = round(v[k], u64(i + 8 * k)) }
        i += 32
      }
      h = rotl(v[0], 1) &+ rotl(v[1], 7) &+ rotl(v[2], 12) &+ rotl(v[3], 18)
      for k in 0..<4 { h = merge(h, v[k]) }
    } else {
      h = seed &+ p5
    }
    h &+= UInt64(b.count)
    while i + 8 <= b.count {
      h = rotl(h ^ round(0, u64(i)), 27) &* p1 &+ p4
      i += 8
    }
    if i + 4 <= b.count {
      h = rotl(h ^ (u32(i) &* p1), 23) &* p2 &+ p3
      i += 4
    }
    while i < b.count {
      h = rotl(h ^ (UInt64(b[i]) &* p5), 11) &* p1
      i += 1
    }
    h ^= h >> 33
    h &*= p2
    h ^= h >> 29
    h &*= p3
    h ^= h >> 32
    return h
  }
}
