import Foundation
import TailscanCount
import TailscanStore
import TailscanText
import TailscanTestSupport
import Testing

/// Table files carry a checksum per 4 KiB block (format version 2): a byte changed anywhere in
/// a table is reported as corruption naming the file, by `verify` and by the queries that read
/// it, and never changes an answer.
struct BlockChecksumTests {
  /// The mini corpus counted (n-grams of orders 1–3, number terms); the answers to a fixed set
  /// of queries.
  static func counted(_ dir: TemporaryDirectory) throws -> String {
    var request = CountRequest(
      inputs: [Fixtures.path("corpus-mini")], output: dir.file("counts"), maxOrder: 3)
    request.numbers = NumberRules()
    _ = try CountPipeline.run(request)
    return dir.file("counts")
  }

  /// Every answer the queries give on `directory`'s n-gram tables, or the error.
  static func answers(_ directory: String, queries: [[[UInt8]]]) -> [String] {
    do {
      let table = try CountTable(directory: directory)
      return queries.map { query in
        do {
          let counts = try table.counts(of: query)
          return "\(counts.count)/\(counts.documents)"
        } catch {
          return "error: \(error)"
        }
      } + [(try? table.top(5, order: 2).map { "\($0.counts.count)" }.joined(separator: ",")) ?? "error"]
    } catch {
      return ["error: \(error)"]
    }
  }

  /// Copies of `original` with one bit flipped: in each header byte, in the last checksum's
  /// first and last bytes, and at 120 random places after the header.
  static func damagedCopies(
    of original: Data, headerSize: Int, random: inout SplitMix64
  ) -> [(offset: Int, bytes: Data)] {
    var offsets = Array(0..<headerSize) + [original.count - 1, original.count - 8]
    offsets += (0..<120).map { _ in Int.random(in: headerSize..<original.count, using: &random) }
    return offsets.map { offset in
      var damaged = original
      damaged[offset] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
      return (offset, damaged)
    }
  }

  @Test func everyTableIsSealedAndVerifies() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.counted(dir)
    let checked = try TableVerifier.verify(directory: counts)
    #expect(checked.map(\.file) == ["order-1.tsc", "order-2.tsc", "order-3.tsc", "numbers-1.tsc", "numbers-2.tsc", "numbers-3.tsc"])
    #expect(checked.allSatisfy { $0.blocks > 0 })
    let table = try CountTable(directory: counts)
    #expect(table.isChecksummed)
    // The size is the data plus 8 bytes per block.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(counts)/order-2.tsc"))
    let offset = bytes[120..<128].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    #expect(Int(offset) + 8 * ((Int(offset) - 128 + 4095) / 4096) == bytes.count)
    #expect(bytes[8] == 2)
  }

  /// Flips bytes all over each table (every header byte, the block checksums, the body at
  /// random): `verify` reports the file; every query either throws or gives the undamaged
  /// answer.
  @Test func aFlippedByteIsCorruptionNeverAWrongAnswer() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.counted(dir)
    let table = try CountTable(directory: counts)
    var queries: [[[UInt8]]] = []
    for index in stride(from: 0, to: table.distinct(order: 2), by: max(1, table.distinct(order: 2) / 40)) {
      let (ids, _) = try table.entry(order: 2, index: index)
      queries.append(try ids.map { try table.tokenBytes($0) })
      queries.append([try table.tokenBytes(ids[0])])
    }
    queries.append([Array("never-seen".utf8)])
    let expected = Self.answers(counts, queries: queries)
    #expect(!expected.contains { $0.hasPrefix("error") })

    var random = SplitMix64(seed: 0xB10C)
    for file in ["order-1.tsc", "order-2.tsc"] {
      let path = "\(counts)/\(file)"
      let original = try Data(contentsOf: URL(fileURLWithPath: path))
      for (offset, damaged) in Self.damagedCopies(of: original, headerSize: 128, random: &random) {
        try damaged.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self, "\(file) byte \(offset)") {
          try TableVerifier.verify(directory: counts)
        }
        if let error { #expect("\(error)".contains(file), "\(file) byte \(offset): \(error)") }
        let answers = Self.answers(counts, queries: queries)
        for (got, want) in zip(answers, expected) where !got.hasPrefix("error") {
          #expect(got == want, "\(file) byte \(offset): a wrong answer")
        }
      }
      try original.write(to: URL(fileURLWithPath: path))
    }
    #expect(Self.answers(counts, queries: queries) == expected)
  }

  /// A version 1 table (written before block checksums) still opens and answers the same;
  /// `verify` checks its header and sizes and counts no blocks.
  @Test func versionOneTablesStillRead() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.counted(dir)
    let queries: [[[UInt8]]] = [[Array("What".utf8)], [Array("What".utf8), Array("is".utf8)]]
    let expected = Self.answers(counts, queries: queries)
    for file in ["order-1.tsc", "order-2.tsc", "order-3.tsc"] {
      let path = "\(counts)/\(file)"
      var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
      let dataEnd = bytes[120..<128].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
      bytes.removeLast(bytes.count - dataEnd)
      bytes[8] = 1
      for k in 120..<128 { bytes[k] = 0 }
      let checksum = XXH64.hash(Array(bytes[0..<112]), seed: 0)
      for k in 0..<8 { bytes[112 + k] = UInt8(truncatingIfNeeded: checksum >> (8 * UInt64(k))) }
      try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    #expect(Self.answers(counts, queries: queries) == expected)
    let table = try CountTable(directory: counts)
    #expect(!table.isChecksummed)
    let checked = try TableVerifier.verify(directory: counts)
    #expect(checked.filter { $0.file.hasPrefix("order-") }.allSatisfy { $0.blocks == 0 })
  }
}

/// The document postings behind `tailscan docs` (`entities-docs.tsd`) carry block checksums
/// too: a flipped byte is reported by `verify` and by the lookup that reads it, never read as
/// other documents.
struct PostingsChecksumTests {
  @Test func aFlippedByteInThePostingsIsCorruptionNeverOtherDocuments() throws {
    let dir = try TemporaryDirectory()
    let corpus = try ScaleTests.corpus(in: dir)
    let dictionary = try TargetedCountTests.writeDictionary(in: dir)
    _ = try CountPipeline.run(ScaleTests.request(corpus, dir.file("counts"), dictionary: dictionary))
    let path = dir.file("counts/\(DocumentPostings.fileName)")
    let checked = try TableVerifier.verify(directory: dir.file("counts"))
    #expect(checked.last?.file == DocumentPostings.fileName && (checked.last?.blocks ?? 0) > 0)

    func lists() -> [String] {
      do {
        let postings = try DocumentPostings(path: path)
        return (0..<postings.entityCount).map { e in
          (try? postings.documents(of: UInt32(e)).map(String.init).joined(separator: ",")) ?? "error"
        }
      } catch {
        return ["error"]
      }
    }
    let expected = lists()
    #expect(expected.count > 5 && !expected.contains("error"))
    #expect(expected.contains { $0.count > 20 })

    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(original[8] == 2)
    var random = SplitMix64(seed: 0x75D)
    for (offset, damaged) in BlockChecksumTests.damagedCopies(of: original, headerSize: 64, random: &random) {
      try damaged.write(to: URL(fileURLWithPath: path))
      #expect(throws: StoreError.self, "byte \(offset)") {
        try TableVerifier.verify(directory: dir.file("counts"))
      }
      let read = lists()
      for (e, list) in read.enumerated() where list != "error" {
        #expect(e < expected.count && list == expected[e], "byte \(offset), entity \(e)")
      }
    }
    try original.write(to: URL(fileURLWithPath: path))
    #expect(lists() == expected)
  }
}
