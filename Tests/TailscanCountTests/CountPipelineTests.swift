import Foundation
import Testing
import TailscanCount
import TailscanIO
import TailscanStore
import TailscanText
import TailscanTestSupport

/// End-to-end counting (files → tables) checked against `Reference` (TailscanTestSupport).
struct CountPipelineTests {
  /// Random documents over a small vocabulary that includes numbers, punctuation, non-ASCII,
  /// JSON-escaped characters and every kind of Python whitespace between tokens.
  static func randomDocuments(seed: UInt64, count: Int) -> [String] {
    var rng = SplitMix64(seed: seed)
    let words = ["the", "of", "24", "18", "24,", "18?", "432.", "times", "x", "=", "été",
                 "naïve", "東京", "🙂", "a\"quote", "back\\slash", "tab\tin", "Q:", "A:", "07", "7"]
    let separators = [" ", " ", " ", "  ", "\n", "\t", "\u{0B}", "\u{0C}", "\r", "\u{1C}",
                      "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{200A}", "\u{2028}",
                      "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"]
    // Not whitespace in Python: these stay inside tokens.
    let glue = ["\u{200B}", "\u{FEFF}", "\u{180E}"]
    var documents: [String] = []
    for _ in 0..<count {
      var text = ""
      let shape = Int.random(in: 0..<10, using: &rng)
      let length = shape == 0 ? 0 : shape == 1 ? Int.random(in: 500..<3000, using: &rng)
        : Int.random(in: 1..<30, using: &rng)
      if rng.chance(0.2) { text += separators.randomElement(using: &rng)! }
      for k in 0..<length {
        if k > 0 { text += separators.randomElement(using: &rng)! }
        text += words.randomElement(using: &rng)!
        if rng.chance(0.03) { text += glue.randomElement(using: &rng)! }
      }
      if rng.chance(0.2) { text += separators.randomElement(using: &rng)! }
      documents.append(text)
    }
    return documents
  }

  static func jsonLine(_ text: String, extra: Int) throws -> String {
    let object: [String: Any] = ["id": extra, "text": text, "meta": ["text": "decoy \(extra)"]]
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  /// Writes documents as a mix of shards: plain JSONL, multi-member gzip JSONL, gzip text; or,
  /// with `zstd`, the same text as zstd JSONL, multi-frame zstd JSONL and zstd text.
  static func writeCorpus(
    _ documents: [String], in dir: TemporaryDirectory, zstd: Bool = false, name: String = "corpus"
  ) throws -> String {
    let corpus = try dir.makeDirectory(name)
    let thirds = stride(from: 0, to: documents.count, by: max(1, documents.count / 3)).map {
      Array(documents[$0..<min($0 + max(1, documents.count / 3), documents.count)])
    }
    var lines0 = try thirds[0].enumerated().map { try jsonLine($1, extra: $0) }
    lines0.insert("", at: min(1, lines0.count))  // a blank line is not a document
    let a = Array((lines0.joined(separator: "\n") + "\n").utf8)
    if zstd {
      try GzipFixtures.write(try ZstdFixtures.zstd(a), to: "\(corpus)/a.jsonl.zst")
    } else {
      try GzipFixtures.write(a, to: "\(corpus)/a.jsonl")
    }
    let lines1 = try (thirds.count > 1 ? thirds[1] : []).enumerated().map { try jsonLine($1, extra: $0) }
    let members = stride(from: 0, to: lines1.count, by: 7).map {
      Array((lines1[$0..<min($0 + 7, lines1.count)].joined(separator: "\n") + "\n").utf8)
    }
    if zstd {
      try GzipFixtures.write(
        try ZstdFixtures.concatenatedFrames(members + [[]]), to: "\(corpus)/b.json.zst")
    } else {
      try GzipFixtures.write(
        try GzipFixtures.concatenatedMembers(members + [[]]), to: "\(corpus)/b.json.gz")
    }
    // Plain text: one document per line, so only documents without line breaks can go there.
    let rest = thirds.count > 2 ? Array(thirds[2...].joined()) : []
    let plain = rest.map { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
      .filter { !Reference.split($0).isEmpty }
    let c = Array(plain.joined(separator: "\n").utf8)
    if zstd {
      try GzipFixtures.write(try ZstdFixtures.zstd(c), to: "\(corpus)/c.txt.zst")
    } else {
      try GzipFixtures.write(try GzipFixtures.gzip(c), to: "\(corpus)/c.txt.gz")
    }
    return corpus
  }

  /// What the documents became once written (the text file folds line breaks).
  static func writtenDocuments(_ documents: [String]) -> [String] {
    let third = max(1, documents.count / 3)
    let head = Array(documents.prefix(2 * third))
    let rest = documents.count > 2 * third ? Array(documents[(2 * third)...]) : []
    return head + rest.map { $0.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ") }
      .filter { !Reference.split($0).isEmpty }
  }

  @Test(arguments: [(UInt64(1), 1 << 20), (2, 1), (3, 7), (4, 64), (5, 4096)])
  func countsEqualTheReference(seed: UInt64, chunkSize: Int) throws {
    let documents = Self.randomDocuments(seed: seed, count: 60)
    let dir = try TemporaryDirectory()
    let corpus = try Self.writeCorpus(documents, in: dir)
    let output = dir.file("counts")
    let summary = try CountPipeline.run(
      CountRequest(inputs: [corpus], output: output, maxOrder: 3, chunkSize: chunkSize))
    let written = Self.writtenDocuments(documents)
    #expect(summary.totals.documents == written.count)
    #expect(summary.totals.blankLines == 1)
    let table = try CountTable(directory: output)
    #expect(table.manifest.totals.tokens == UInt64(written.map { Reference.split($0).count }.reduce(0, +)))
    for order in 1...3 {
      let expected = Reference.counts(written.map(Reference.split), order: order)
      #expect(table.distinct(order: order) == expected.count, "seed \(seed) order \(order)")
      for (gram, counts) in expected {
        #expect(
          try table.counts(of: gram.map { Array($0.utf8) })
            == NGramCounts(count: counts.count, documents: counts.documents), "seed \(seed) \(gram)")
      }
    }
  }

  @Test(
    "zstd shards count exactly as the same text gzip'd",
    .enabled(if: ZstdFixtures.testsShouldRun, Comment(rawValue: ZstdFixtures.skipReason)),
    arguments: [(UInt64(11), 1 << 20), (12, 1), (13, 7), (14, 4096)])
  func zstdCountsEqualGzip(seed: UInt64, chunkSize: Int) throws {
    let documents = Self.randomDocuments(seed: seed, count: 60)
    let dir = try TemporaryDirectory()
    let gzipCorpus = try Self.writeCorpus(documents, in: dir)
    let zstdCorpus = try Self.writeCorpus(documents, in: dir, zstd: true, name: "zstd-corpus")
    for (corpus, output) in [(gzipCorpus, "gzip-counts"), (zstdCorpus, "zstd-counts")] {
      _ = try CountPipeline.run(
        CountRequest(
          inputs: [corpus], output: dir.file(output), maxOrder: 3, chunkSize: chunkSize))
    }
    let gzip = try CountTable(directory: dir.file("gzip-counts"))
    let zstd = try CountTable(directory: dir.file("zstd-counts"))
    #expect(zstd.manifest.inputs.map(\.compression) == ["zstd", "zstd", "zstd"])
    #expect(gzip.manifest.inputs.map(\.compression) == ["none", "gzip", "gzip"])
    var totals = zstd.manifest.totals
    totals.bytes = gzip.manifest.totals.bytes  // the only figure that may differ
    #expect(totals == gzip.manifest.totals)
    #expect(zstd.manifest.tables.map(\.distinct) == gzip.manifest.tables.map(\.distinct))
    #expect(zstd.manifest.tables.map(\.occurrences) == gzip.manifest.tables.map(\.occurrences))
    let written = Self.writtenDocuments(documents)
    for order in 1...3 {
      for gram in Reference.counts(written.map(Reference.split), order: order).keys {
        let key = gram.map { Array($0.utf8) }
        #expect(try zstd.counts(of: key) == gzip.counts(of: key), "seed \(seed) \(gram)")
      }
    }
  }

  /// Lower-cased tokens are rewritten into scratch storage: tokens longer than 16 bytes (compared
  /// byte for byte a few tokens after they are seen) must keep their own bytes.
  @Test func lowercasedLongTokensKeepTheirBytes() throws {
    let dir = try TemporaryDirectory()
    let long = String(repeating: "B", count: 100) + " " + String(repeating: "Ç", count: 10000)
    let texts = [
      "Internationalization Telecommunications", "The Internationalization of Telecommunications",
      "Internationalization", "AAAAAAAAAAAAAAAAA \(long) Internationalization",
    ]
    try GzipFixtures.write(
      Array(try texts.map { try Self.jsonLine($0, extra: 0) }.joined(separator: "\n").utf8),
      to: dir.file("c.jsonl"))
    _ = try CountPipeline.run(
      CountRequest(
        inputs: [dir.file("c.jsonl")], output: dir.file("out"), tokenizer: .words(lowercase: true)))
    let table = try CountTable(directory: dir.file("out"))
    let documents = texts.map { $0.lowercased().split(separator: " ").map(String.init) }
    for order in 1...2 {
      let expected = Reference.counts(documents, order: order)
      #expect(table.distinct(order: order) == expected.count)
      for (gram, counts) in expected {
        #expect(
          try table.counts(of: gram.map { Array($0.utf8) })
            == NGramCounts(count: counts.count, documents: counts.documents), "\(gram)")
      }
    }
  }

  @Test func designWorkedExampleTokens() throws {
    let text = "Q: What is 24 times 18? A: 432. Also 24 x 18 = 432 and 24.5 or 24, 18 minutes 60 seconds 100000000 7"
    let dir = try TemporaryDirectory()
    try GzipFixtures.write(Array(try Self.jsonLine(text, extra: 0).utf8), to: dir.file("c.jsonl"))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("c.jsonl")], output: dir.file("out")))
    let table = try CountTable(directory: dir.file("out"))
    func count(_ key: String) throws -> UInt64 {
      try table.counts(of: key.split(separator: " ").map { Array($0.utf8) }).count
    }
    #expect(try count("24") == 2)
    #expect(try count("24,") == 1)
    #expect(try count("18") == 2)
    #expect(try count("18?") == 1)
    #expect(try count("24 times") == 1)
    #expect(try count("24.5") == 1)
    #expect(try count("432.") == 1)
    #expect(table.manifest.totals.tokens == 24)
  }

  @Test func badLinesStopTheRunOrAreSkipped() throws {
    let dir = try TemporaryDirectory()
    let good = try Self.jsonLine("a b", extra: 1)
    let lines = [good, "{\"text\": \"unterminated", good, "{\"id\": 3}", "[1,2]", good]
    try GzipFixtures.write(Array(lines.joined(separator: "\n").utf8), to: dir.file("bad.jsonl"))
    #expect(throws: CountError.badLine(path: dir.file("bad.jsonl"), line: 2,
      .malformedJSON(column: 23, expected: "the end of a string"))) {
      try CountPipeline.run(CountRequest(inputs: [dir.file("bad.jsonl")], output: dir.file("out")))
    }
    // No output; what was counted before the bad line is kept for '--resume'.
    #expect(!FileManager.default.fileExists(atPath: dir.file("out")))
    #expect(FileManager.default.fileExists(atPath: dir.file("out.parts")))
    var request = CountRequest(
      inputs: [dir.file("bad.jsonl")], output: dir.file("out"), skipBadLines: true)
    #expect(throws: CountError.interruptedRun(output: dir.file("out"), work: dir.file("out.parts"))) {
      try CountPipeline.run(request)
    }
    request.resume = true
    let summary = try CountPipeline.run(request)
    #expect(summary.partlyResumedShards == 1)
    #expect(!FileManager.default.fileExists(atPath: dir.file("out.parts")))
    #expect(summary.totals.documents == 3)
    #expect(summary.totals.skippedLines == 3)
    let manifest = try Manifest.read(directory: dir.file("out"))
    #expect(manifest.skipped.map(\.line) == [2, 4, 5])
    #expect(try CountTable(directory: dir.file("out")).counts(of: [[97], [98]]).count == 3)
  }

  @Test func invalidUTF8IsNamedWithItsLine() throws {
    let dir = try TemporaryDirectory()
    var bytes = Array("{\"text\": \"ok\"}\n{\"text\": \"bad ".utf8)
    bytes += [0xC3, 0x28]
    bytes += Array("\"}\n".utf8)
    try GzipFixtures.write(bytes, to: dir.file("u.jsonl"))
    #expect(throws: CountError.badLine(path: dir.file("u.jsonl"), line: 2, .invalidUTF8(column: 15))) {
      try CountPipeline.run(CountRequest(inputs: [dir.file("u.jsonl")], output: dir.file("out")))
    }
  }

  @Test func existingOutputIsKeptWithoutForce() throws {
    let dir = try TemporaryDirectory()
    try GzipFixtures.write(Array("one two\n".utf8), to: dir.file("a.txt"))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("a.txt")], output: dir.file("out")))
    #expect(throws: IOError.outputExists(path: dir.file("out"))) {
      try CountPipeline.run(CountRequest(inputs: [dir.file("a.txt")], output: dir.file("out")))
    }
    try GzipFixtures.write(Array("three\n".utf8), to: dir.file("a.txt"))
    _ = try CountPipeline.run(
      CountRequest(inputs: [dir.file("a.txt")], output: dir.file("out"), overwrite: true))
    let table = try CountTable(directory: dir.file("out"))
    #expect(try table.counts(of: [Array("three".utf8)]).count == 1)
    #expect(try table.counts(of: [Array("one".utf8)]).count == 0)
    // No temporary directories are left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a.txt", "out"])
  }

  @Test func outputInsideTheCorpusIsNotCounted() throws {
    let dir = try TemporaryDirectory()
    try GzipFixtures.write(Array("one two\n".utf8), to: dir.file("a.txt"))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.path], output: dir.file("out")))
    // However the paths are spelled, the table directory (its manifest.json) is not input.
    for (input, output) in [(dir.path + "/.", dir.file("out")), (dir.path, dir.path + "/./out/")] {
      let summary = try CountPipeline.run(
        CountRequest(inputs: [input], output: output, overwrite: true))
      #expect(summary.shards == 1)
      #expect(summary.totals.documents == 1)
    }
  }

  @Test func forceReplacesOnlyATableDirectory() throws {
    let dir = try TemporaryDirectory()
    try dir.makeDirectory("corpus")
    try dir.makeDirectory("precious")
    try GzipFixtures.write(Array("one two\n".utf8), to: dir.file("corpus/a.txt"))
    try GzipFixtures.write(Array("my thesis".utf8), to: dir.file("precious/thesis.tex"))
    for target in [dir.file("corpus"), dir.file("precious"), dir.file("corpus/a.txt")] {
      #expect(throws: IOError.refuseToReplace(path: target)) {
        try CountPipeline.run(
          CountRequest(inputs: [dir.file("corpus")], output: target, overwrite: true))
      }
    }
    #expect(FileManager.default.fileExists(atPath: dir.file("corpus/a.txt")))
    #expect(FileManager.default.fileExists(atPath: dir.file("precious/thesis.tex")))
    // An empty directory and an earlier table directory may be replaced.
    try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: false)
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("corpus")], output: dir.file("empty"), overwrite: true))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("corpus")], output: dir.file("empty"), overwrite: true))
  }

  @Test func blankAndOverlongLines() throws {
    let dir = try TemporaryDirectory()
    let long = String(repeating: "x ", count: 5000)
    try GzipFixtures.write(
      Array("a b\n \t\u{3000}\n\(long)\nc d\n\n".utf8), to: dir.file("t.txt"))
    #expect(throws: IOError.lineTooLong(path: dir.file("t.txt"), line: 3, limit: 1000)) {
      try CountPipeline.run(
        CountRequest(inputs: [dir.file("t.txt")], output: dir.file("o1"), maxLineBytes: 1000))
    }
    for chunkSize in [7, 1 << 20] {
      let summary = try CountPipeline.run(
        CountRequest(
          inputs: [dir.file("t.txt")], output: dir.file("o-\(chunkSize)"), skipBadLines: true,
          maxLineBytes: 1000, chunkSize: chunkSize))
      #expect(summary.totals.documents == 2, "chunk \(chunkSize)")
      #expect(summary.totals.blankLines == 2)
      #expect(summary.totals.skippedLines == 1)
      #expect(summary.totals.lines == 5)
      let manifest = try Manifest.read(directory: dir.file("o-\(chunkSize)"))
      #expect(manifest.skipped.map(\.reason) == ["line-too-long"])
      #expect(manifest.skipped.map(\.line) == [3])
      let table = try CountTable(directory: dir.file("o-\(chunkSize)"))
      #expect(try table.counts(of: [Array("c".utf8), Array("d".utf8)]).count == 1)
      #expect(try table.counts(of: [Array("x".utf8)]).count == 0)
    }
  }

  @Test func emptyFilesAndEmptyInputs() throws {
    let dir = try TemporaryDirectory()
    try GzipFixtures.write([], to: dir.file("empty.jsonl.gz"))
    try GzipFixtures.write([], to: dir.file("empty.txt"))
    let summary = try CountPipeline.run(CountRequest(inputs: [dir.path], output: dir.file("out")))
    #expect(summary.totals.documents == 0)
    #expect(summary.totals.emptyFiles == 2)
    #expect(summary.warnings.contains { $0.contains("empty.jsonl.gz") })
    let empty = try dir.makeDirectory("nothing")
    #expect(throws: CountError.noShards(paths: [empty])) {
      try CountPipeline.run(CountRequest(inputs: [empty], output: dir.file("out2")))
    }
  }

  @Test func aTruncatedShardNamesTheFileAndOffset() throws {
    let dir = try TemporaryDirectory()
    let gz = try GzipFixtures.gzip(String(repeating: "{\"text\": \"a b c\"}\n", count: 2000))
    try GzipFixtures.write(GzipFixtures.truncated(gz, keeping: gz.count / 2), to: dir.file("t.json.gz"))
    #expect(throws: IOError.truncatedGzip(path: dir.file("t.json.gz"), offset: gz.count / 2)) {
      try CountPipeline.run(CountRequest(inputs: [dir.file("t.json.gz")], output: dir.file("out")))
    }
  }
}
