import Foundation
import Testing
import TailscanTestSupport

@testable import TailscanStore

/// Builds tables from known token streams, reads them back, and damages them.
struct CountTableTests {
  /// Counts `documents` (lists of tokens) and writes a table directory with a manifest.
  static func build(
    _ documents: [[String]], maxOrder: Int, in dir: TemporaryDirectory, sortBuffer: Int = 1 << 22
  ) throws -> String {
    var counter = try NGramCounter(maxOrder: maxOrder, sortBuffer: sortBuffer)
    var storage: [[UInt8]] = []
    for document in documents {
      try counter.beginDocument()
      // Token bytes must stay in place until endDocument(): keep them alive in `storage`.
      storage = document.map { Array($0.utf8) }
      for token in storage { try counter.add(token: token.span) }
      try counter.endDocument()
    }
    let path = try dir.makeDirectory("table")
    let tables = try counter.writeTables(to: path)
    let manifest = Manifest(
      toolVersion: "test", createdAt: "", settings: .init(
        tokenizer: "whitespace", lowercase: false, orders: Array(1...maxOrder), textField: "text",
        skipBadLines: false, hashSeed: NGramCounter.defaultSeed),
      totals: .init(), tables: tables, inputs: [], skipped: [], warnings: [])
    try manifest.encoded().write(to: URL(fileURLWithPath: "\(path)/manifest.json"))
    return path
  }

  static func reference(_ documents: [[String]], order: Int) -> [[String]: NGramCounts] {
    Reference.counts(documents, order: order).mapValues {
      NGramCounts(count: $0.count, documents: $0.documents)
    }
  }

  /// Sort buffers of 16 occurrences (runs merged many times) and the default.
  @Test(arguments: [16, 1 << 22])
  func roundTripMatchesReference(sortBuffer: Int) throws {
    var rng = SplitMix64(seed: 7)
    let vocabulary = ["a", "b", "the", "24", "18", "été", "a much longer token than sixteen bytes",
                      "a much longer token than sixteen bytes!", "\u{0}", "x\u{0}", "zzz"]
    var documents: [[String]] = []
    for _ in 0..<300 {
      let length = Int.random(in: 0..<40, using: &rng)
      documents.append((0..<length).map { _ in vocabulary.randomElement(using: &rng)! })
    }
    let dir = try TemporaryDirectory()
    let path = try Self.build(documents, maxOrder: 4, in: dir, sortBuffer: sortBuffer)
    let table = try CountTable(directory: path)
    for order in 1...4 {
      let expected = Self.reference(documents, order: order)
      #expect(table.distinct(order: order) == expected.count, "order \(order)")
      for (gram, counts) in expected {
        #expect(try table.counts(of: gram.map { Array($0.utf8) }) == counts, "\(gram)")
      }
      // Every stored entry is a real n-gram with the right counts, and entries are sorted.
      var previous: [[UInt8]]? = nil
      for index in 0..<table.distinct(order: order) {
        let (ids, counts) = try table.entry(order: order, index: index)
        let tokens = try ids.map { try table.tokenBytes($0) }
        let gram = tokens.map { String(decoding: $0, as: UTF8.self) }
        #expect(expected[gram] == counts)
        if let previous { #expect(previous.lexicographicallyPrecedes(tokens) { $0.lexicographicallyPrecedes($1) }) }
        previous = tokens
      }
    }
    #expect(try table.counts(of: [Array("nope".utf8)]) == .zero)
    #expect(try table.counts(of: [Array("a".utf8), Array("nope".utf8)]) == .zero)
    #expect(throws: StoreError.orderNotCounted(order: 5, counted: 1...4)) {
      try table.counts(of: [[97], [97], [97], [97], [97]])
    }
  }

  @Test func topListIsOrderedByCount() throws {
    let documents = [["a", "b", "a", "b", "c"], ["a", "b"], ["c"]]
    let dir = try TemporaryDirectory()
    let table = try CountTable(directory: try Self.build(documents, maxOrder: 2, in: dir))
    let top = try table.top(2, order: 2)
    #expect(top.map { $0.tokens.map { String(decoding: $0, as: UTF8.self) } } == [["a", "b"], ["b", "a"]])
    #expect(top[0].counts == NGramCounts(count: 3, documents: 2))
    #expect(try table.top(1, order: 1)[0].counts == NGramCounts(count: 3, documents: 2))
  }

  @Test func emptyCorpusGivesEmptyTables() throws {
    let dir = try TemporaryDirectory()
    let table = try CountTable(directory: try Self.build([[], []], maxOrder: 2, in: dir))
    #expect(table.distinct(order: 1) == 0)
    #expect(table.distinct(order: 2) == 0)
    #expect(try table.counts(of: [[97]]) == .zero)
    #expect(try table.top(5, order: 2).isEmpty)
  }

  // MARK: - Damage

  static func damaged(_ edit: (inout [UInt8]) -> Void, file: String = "order-1.tsc") throws
    -> (TemporaryDirectory, String)
  {
    let dir = try TemporaryDirectory()
    let path = try build([["a", "b", "c"], ["b", "c"]], maxOrder: 2, in: dir)
    let url = URL(fileURLWithPath: "\(path)/\(file)")
    var bytes = [UInt8](try Data(contentsOf: url))
    edit(&bytes)
    try Data(bytes).write(to: url)
    return (dir, path)
  }

  @Test func badMagicIsNotATable() throws {
    let (dir, path) = try Self.damaged { $0[0] ^= 0xFF }
    #expect(throws: StoreError.notATable(path: "\(path)/order-1.tsc")) {
      try CountTable(directory: path)
    }
    _ = dir
  }

  @Test func newerVersionIsRefused() throws {
    let (dir, path) = try Self.damaged({ $0[8] = 9 }, file: "order-2.tsc")
    #expect(throws: StoreError.unsupportedVersion(path: "\(path)/order-2.tsc", found: 9, supported: 2)) {
      try CountTable(directory: path)
    }
    _ = dir
  }

  @Test func otherByteOrderIsRefused() throws {
    let (dir, path) = try Self.damaged { $0.swapAt(12, 15); $0.swapAt(13, 14) }
    #expect(throws: StoreError.wrongEndianness(path: "\(path)/order-1.tsc")) {
      try CountTable(directory: path)
    }
    _ = dir
  }

  @Test(arguments: [16, 40, 56, 104])
  func flippedHeaderByteIsCorruption(offset: Int) throws {
    let (dir, path) = try Self.damaged { $0[offset] ^= 0x01 }
    #expect(throws: StoreError.corrupt(path: "\(path)/order-1.tsc", detail: "header checksum mismatch")) {
      try CountTable(directory: path)
    }
    _ = dir
  }

  @Test(arguments: [0, 50, 127, 200])
  func truncatedFileIsCorruption(keep: Int) throws {
    let (dir, path) = try Self.damaged({ $0 = Array($0.prefix(keep)) }, file: "order-2.tsc")
    #expect {
      try CountTable(directory: path)
    } throws: { error in
      guard case .corrupt(let file, _)? = error as? StoreError else { return false }
      return file == "\(path)/order-2.tsc"
    }
    _ = dir
  }

  /// Found with the table fuzz target (`Scripts/fuzz table`): a manifest listing a table of order 0 (or below) trapped
  /// with "Range requires lowerBound <= upperBound" instead of being refused.
  @Test(arguments: [[0], [-2], [0, 1]])
  func manifestOrdersBelowOneAreRefused(orders: [Int]) throws {
    let (dir, path) = try Self.damaged { _ in }
    let url = URL(fileURLWithPath: "\(path)/manifest.json")
    var manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
    manifest.tables = orders.map {
      TableSummary(
        family: .ngrams, order: $0, file: "order-\($0).tsc", distinct: 0, occurrences: 0, bytes: 0)
    }
    try manifest.encoded().write(to: url)
    #expect(throws: StoreError.badManifest(path: path, detail: "tables of orders \(orders)")) {
      try CountTable(directory: path)
    }
    _ = dir
  }

  @Test func missingFilesAreNamed() throws {
    let (dir, path) = try Self.damaged { _ in }
    try FileManager.default.removeItem(atPath: "\(path)/order-2.tsc")
    #expect(throws: StoreError.corrupt(path: "\(path)/order-2.tsc", detail: "the file is missing")) {
      try CountTable(directory: path)
    }
    try FileManager.default.removeItem(atPath: "\(path)/manifest.json")
    #expect(throws: StoreError.missingManifest(path: path)) { try CountTable(directory: path) }
    #expect(throws: StoreError.self) { try CountTable(directory: "\(path)/nowhere") }
    _ = dir
  }
}

/// Tokens that differ in one byte, at every length and position, must stay distinct (the
/// vocabulary keeps the first 16 bytes inline and compares the rest in its arena).
struct VocabularyExactnessTests {
  @Test func tokensDifferingInOneByteAreDistinct() throws {
    var rng = SplitMix64(seed: 99)
    var tokens: [String] = []
    for length in 1...40 {
      let base = (0..<length).map { _ in UInt8.random(in: 0x61...0x7A, using: &rng) }
      tokens.append(String(decoding: base, as: UTF8.self))
      for position in 0..<length {
        var variant = base
        variant[position] = variant[position] == 0x7A ? 0x61 : variant[position] + 1
        tokens.append(String(decoding: variant, as: UTF8.self))
      }
      // A prefix of the base, and the base with a NUL byte appended.
      tokens.append(String(decoding: base.dropLast(), as: UTF8.self))
      tokens.append(String(decoding: base + [0], as: UTF8.self))
    }
    tokens = tokens.filter { !$0.isEmpty }
    let documents = [tokens, tokens.reversed()]
    let dir = try TemporaryDirectory()
    let table = try CountTable(directory: try CountTableTests.build(documents, maxOrder: 2, in: dir))
    let expected = CountTableTests.reference(documents, order: 1)
    #expect(table.distinct(order: 1) == expected.count)
    for (gram, counts) in expected {
      #expect(try table.counts(of: gram.map { Array($0.utf8) }) == counts, "\(gram)")
    }
    // Stored in byte order.
    let stored = try (0..<table.distinct(order: 1)).map { try table.tokenBytes(UInt32($0)) }
    #expect(stored == stored.sorted { $0.lexicographicallyPrecedes($1) })
  }
}
