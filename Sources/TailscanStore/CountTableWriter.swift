internal import TailscanIO

/// What was written for one order.
public struct TableSummary: Codable, Sendable, Equatable {
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
    try endDocument()
    let seed = vocabulary.seed
    let sortedIDs = vocabulary.idsSortedByBytes()
    var rank = [UInt32](repeating: 0, count: sortedIDs.count)
    for (newID, oldID) in sortedIDs.enumerated() { rank[Int(oldID)] = UInt32(newID) }
    var summaries = [try writeVocabulary(sortedIDs, to: directory, seed: seed)]
    for builder in builders {
      summaries.append(
        try writeNGrams(
          builder, rank: rank, vocabularySize: sortedIDs.count, to: directory, seed: seed))
    }
    return summaries
  }

  private func writeVocabulary(_ sortedIDs: [UInt32], to directory: String, seed: UInt64) throws
    -> TableSummary
  {
    let name = CountTableFormat.fileName(order: 1)
    let path = "\(directory)/\(name)"
    let n = sortedIDs.count
    let buckets = CountTableFormat.bucketCount(entries: n)
    let stride = CountTableFormat.vocabularyStride
    var stringsLength = 0
    var occurrences: UInt64 = 0
    var index = [UInt64](repeating: 0, count: buckets)
    let mask = buckets - 1
    for (entry, id) in sortedIDs.enumerated() {
      vocabulary.withToken(id) { raw in
        stringsLength += raw.count
        var i = unsafe Int(truncatingIfNeeded: XXH64.hash(raw.baseAddress!, raw.count, seed: seed)) & mask
        while index[i] != 0 { i = (i + 1) & mask }
        index[i] = UInt64(entry + 1)
      }
      occurrences &+= vocabulary.counts(of: id).count
    }
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
    var stringOffset: UInt64 = 0
    for id in sortedIDs {
      let (count, documents) = vocabulary.counts(of: id)
      let length = vocabulary.withToken(id) { $0.count }
      try writer.write(stringOffset)
      try writer.write(UInt32(length))
      try writer.write(UInt32(0))
      try writer.write(count)
      try writer.write(documents)
      stringOffset += UInt64(length)
    }
    for id in sortedIDs {
      try vocabulary.withToken(id) { raw in try unsafe writer.write(raw) }
    }
    try writer.pad(to: 8)
    try writer.write(words: index)
    let bytes = writer.offset
    try writer.close()
    return TableSummary(order: 1, file: name, distinct: n, occurrences: occurrences, bytes: bytes)
  }

  private func writeNGrams(
    _ builder: NGramBuilder, rank: [UInt32], vocabularySize: Int, to directory: String,
    seed: UInt64
  ) throws -> TableSummary {
    let order = builder.order
    let words = builder.keyWords
    let recordWords = words + 2
    let name = CountTableFormat.fileName(order: order)
    let path = "\(directory)/\(name)"
    let (records, occurrences) = builder.sortedRecords(rank: rank)
    let n = records.count / recordWords
    // Offsets by first token: index[t] = the first entry whose first id is >= t.
    let buckets = vocabularySize + 1
    var index = [UInt64](repeating: 0, count: buckets)
    var entry = 0
    for t in 0..<buckets {
      while entry < n && records[entry * recordWords] >> 32 < UInt64(t) { entry += 1 }
      index[t] = UInt64(entry)
    }
    let stride = CountTableFormat.nGramStride(order: order)
    let entriesOffset = CountTableFormat.headerSize
    let indexOffset = entriesOffset + n * stride
    let header = CountTableFormat.Header(
      kind: CountTableFormat.kindNGrams, order: UInt32(order), stride: UInt32(stride), seed: seed,
      entryCount: UInt64(n), indexCount: UInt64(buckets), entriesOffset: UInt64(entriesOffset),
      entriesLength: UInt64(n * stride), stringsOffset: 0, stringsLength: 0,
      indexOffset: UInt64(indexOffset), indexLength: UInt64(buckets * 8), occurrences: occurrences)
    var writer = try FileWriter(path: path)
    try writer.write(bytes: header.encoded())
    try unsafe writer.write(UnsafeRawBufferPointer(records))  // records are entries
    try writer.write(words: index)
    let bytes = writer.offset
    try writer.close()
    return TableSummary(order: order, file: name, distinct: n, occurrences: occurrences, bytes: bytes)
  }
}

/// LSD radix sort of fixed-size records of UInt64 words by their first `keyWords` words.
enum RadixSort {
  /// Sorts `n` records at `records`, using `scratch` (room for `n` records) as the other buffer
  /// of each pass, and returns whichever of the two holds the sorted records. Stable. A pass in
  /// which every record has the same digit is skipped.
  static func sort(
    _ records: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>, count n: Int,
    recordWords: Int, keyWords: Int
  ) -> UnsafeMutablePointer<UInt64> {
    var src = unsafe records
    var dst = unsafe scratch
    if n < 2 { return unsafe src }
    var counts = [Int](repeating: 0, count: 1 << 16)
    for word in stride(from: keyWords - 1, through: 0, by: -1) {
      for shift in stride(from: UInt64(0), to: 64, by: 16) {
        for k in 0..<counts.count { counts[k] = 0 }
        for r in 0..<n { counts[Int((unsafe src[r * recordWords + word] >> shift) & 0xFFFF)] += 1 }
        if counts.contains(n) { continue }
        var total = 0
        for k in 0..<counts.count {
          let c = counts[k]
          counts[k] = total
          total += c
        }
        for r in 0..<n {
          let record = unsafe src + r * recordWords
          let digit = Int((unsafe record[word] >> shift) & 0xFFFF)
          let to = counts[digit]
          counts[digit] = to + 1
          unsafe (dst + to * recordWords).update(from: record, count: recordWords)
        }
        unsafe swap(&src, &dst)
      }
    }
    return unsafe src
  }
}
