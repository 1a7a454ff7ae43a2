internal import TailscanIO

/// What was written for one order.
public struct TableSummary: Codable, Sendable, Equatable {
  /// Which family of tables (absent in manifests of n-gram tables written before families).
  public var family: TableFamily?
  public var order: Int
  public var file: String
  /// Distinct n-grams.
  public var distinct: Int
  /// Total occurrences (the sum of all counts).
  public var occurrences: UInt64
  public var bytes: Int
}

extension NGramCounter {
  /// Writes one table file per order into `directory` (which must exist) and returns what was
  /// written. Entries are sorted (tokens by bytes, n-grams by their tokens), so the files do not
  /// depend on the order in which documents were counted.
  public mutating func writeTables(to directory: String) throws -> [TableSummary] {
    try CountTableWriter.write([tableParts()], to: directory, seed: vocabulary.seed, threads: 1)
  }

  /// The tables, sorted, to be written alone or merged with other counters' (see `TableParts`).
  /// The counter takes no more documents.
  package mutating func tableParts() throws -> TableParts {
    try endDocument()
    let vocabulary = self.vocabulary
    let order = vocabulary.idsSortedByBytes()
    return try unsafe TableParts(
      family: .ngrams, order: order, builders: builders,
      term: { id, body in
        let (count, documents) = vocabulary.counts(of: UInt32(id))
        unsafe vocabulary.withToken(UInt32(id)) { raw in unsafe body(raw, count, documents) }
      }, ids: order.count)
  }
}

/// Writes table files (see `CountTableFormat`).
package enum CountTableWriter {
  /// Writes the vocabulary table of `family`: `n` entries, which `entry(i, body)` passes to
  /// `body` as (token bytes, count, documents), in byte order of the tokens.
  static func writeVocabulary(
    family: TableFamily, count n: Int, to directory: String, seed: UInt64,
    entry: (Int, (UnsafeRawBufferPointer, UInt64, UInt64) -> Void) -> Void
  ) throws -> TableSummary {
    let name = CountTableFormat.fileName(family: family, order: 1)
    let path = "\(directory)/\(name)"
    let buckets = CountTableFormat.bucketCount(entries: n)
    let stride = CountTableFormat.vocabularyStride
    let mask = buckets - 1
    // Entries, strings and index built in memory, then written in three blocks.
    var entries = [UInt64](repeating: 0, count: n * stride / 8)
    var strings: [UInt8] = []
    var index = [UInt64](repeating: 0, count: buckets)
    var occurrences: UInt64 = 0
    unsafe entries.withUnsafeMutableBufferPointer { entryWords in
      unsafe index.withUnsafeMutableBufferPointer { slots in
        for e in 0..<n {
          unsafe entry(e) { raw, count, documents in
            var i = unsafe Int(truncatingIfNeeded: XXH64.hash(raw.baseAddress ?? UnsafeRawPointer(slots.baseAddress!), raw.count, seed: seed)) & mask
            while unsafe slots[i] != 0 { i = (i + 1) & mask }
            unsafe slots[i] = UInt64(e + 1)
            let w = e * stride / 8
            unsafe entryWords[w] = UInt64(strings.count)
            unsafe entryWords[w + 1] = UInt64(raw.count)  // length u32, then reserved u32 = 0
            unsafe entryWords[w + 2] = count
            unsafe entryWords[w + 3] = documents
            unsafe strings.append(contentsOf: raw)
            occurrences &+= count
          }
        }
      }
    }
    let stringsLength = strings.count
    let entriesOffset = CountTableFormat.headerSize
    let stringsOffset = entriesOffset + n * stride
    let indexOffset = (stringsOffset + stringsLength + 7) & ~7
    let header = CountTableFormat.Header(
      kind: CountTableFormat.kindVocabulary, order: 1, stride: UInt32(stride), seed: seed,
      entryCount: UInt64(n), indexCount: UInt64(buckets), entriesOffset: UInt64(entriesOffset),
      entriesLength: UInt64(n * stride), stringsOffset: UInt64(stringsOffset),
      stringsLength: UInt64(stringsLength), indexOffset: UInt64(indexOffset),
      indexLength: UInt64(buckets * 8), occurrences: occurrences)
    var writer = try FileWriter(path: path)
    try writer.write(bytes: header.encoded())
    try writer.write(words: entries)
    try writer.write(bytes: strings)
    try writer.pad(to: 8)
    try writer.write(words: index)
    try writer.close()
    let bytes = try CountTableFormat.seal(path)
    return TableSummary(
      family: family, order: 1, file: name, distinct: n, occurrences: occurrences, bytes: bytes)
  }
}

/// LSD radix sort of fixed-size records of UInt64 words by their first `keyWords` words.
///
/// Digits are at most 14 bits and cover only the bits that vary in a word, split evenly: token
/// ids use far fewer than 32 bits, so a compacted bigram key (`Packing`) sorts in three passes.
enum RadixSort {
  static let maxDigitBits = 14

  /// Sorts `n` records at `records`, using `scratch` (room for `n` records) as the other buffer
  /// of each pass, and returns whichever of the two holds the sorted records. Stable.
  static func sort(
    _ records: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>, count n: Int,
    recordWords: Int, keyWords: Int
  ) -> UnsafeMutablePointer<UInt64> {
    var src = unsafe records
    var dst = unsafe scratch
    if n < 2 { return unsafe src }
    let rw = recordWords
    // Histograms of every pass of a word, counted in one read over the records.
    let maxPasses = (64 + maxDigitBits - 1) / maxDigitBits
    let histograms = UnsafeMutablePointer<Int>.allocate(capacity: maxPasses << maxDigitBits)
    defer { unsafe histograms.deallocate() }
    for word in stride(from: keyWords - 1, through: 0, by: -1) {
      // Which bits vary at all in this word: digits cover only those.
      var anyBits: UInt64 = 0
      var allBits: UInt64 = ~0
      for r in 0..<n {
        let v = unsafe src[r * rw + word]
        anyBits |= v
        allBits &= v
      }
      let varying = anyBits ^ allBits
      if varying == 0 { continue }
      let low = varying.trailingZeroBitCount
      let span = 64 - varying.leadingZeroBitCount - low
      let passes = (span + maxDigitBits - 1) / maxDigitBits
      let digitBits = (span + passes - 1) / passes
      let buckets = 1 << digitBits
      let mask = UInt64(buckets - 1)
      unsafe histograms.initialize(repeating: 0, count: passes << digitBits)
      for r in 0..<n {
        let v = unsafe src[r * rw + word] >> UInt64(low)
        for pass in 0..<passes {
          unsafe histograms[pass << digitBits + Int((v >> UInt64(pass * digitBits)) & mask)] += 1
        }
      }
      for pass in 0..<passes {
        let shift = UInt64(low + pass * digitBits)
        let counts = unsafe histograms + (pass << digitBits)
        var total = 0
        for k in 0..<buckets {
          let c = unsafe counts[k]
          unsafe counts[k] = total
          total += c
        }
        if rw == 1 {
          for r in 0..<n {
            let v = unsafe src[r]
            let digit = Int((v >> shift) & mask)
            let to = unsafe counts[digit]
            unsafe counts[digit] = to + 1
            unsafe dst[to] = v
          }
        } else {
          for r in 0..<n {
            let record = unsafe src + r * rw
            let digit = Int((unsafe record[word] >> shift) & mask)
            let to = unsafe counts[digit]
            unsafe counts[digit] = to + 1
            let target = unsafe dst + to * rw
            for w in 0..<rw { unsafe target[w] = record[w] }
          }
        }
        unsafe swap(&src, &dst)
      }
    }
    return unsafe src
  }
}

/// Closes the gap in one-word keys `high << split | low` (ids use far fewer than 32 bits) so a
/// radix sort has fewer bits to pass over; order is preserved, and `expand` undoes it.
enum Packing {
  /// Rewrites word 0 of each of `n` records as `high << lowBits | low`; returns `lowBits`.
  static func compact(_ records: UnsafeMutablePointer<UInt64>, count n: Int, stride: Int, split: Int)
    -> Int
  {
    let lowMask: UInt64 = (1 << UInt64(split)) - 1
    var lowAny: UInt64 = 0
    for r in 0..<n { lowAny |= unsafe records[r * stride] & lowMask }
    let lowBits = max(1, 64 - lowAny.leadingZeroBitCount)
    for r in 0..<n {
      let v = unsafe records[r * stride]
      unsafe records[r * stride] = (v >> UInt64(split)) << UInt64(lowBits) | (v & lowMask)
    }
    return lowBits
  }

  /// Undoes `compact`.
  static func expand(
    _ records: UnsafeMutablePointer<UInt64>, count n: Int, stride: Int, split: Int, lowBits: Int
  ) {
    let lowMask: UInt64 = (1 << UInt64(lowBits)) - 1
    for r in 0..<n {
      let v = unsafe records[r * stride]
      unsafe records[r * stride] = (v >> UInt64(lowBits)) << UInt64(split) | (v & lowMask)
    }
  }
}
