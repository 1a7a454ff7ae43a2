import Foundation
import Testing
import TailscanTestSupport

extension Array where Element == UInt8 {
  func write(to path: String) throws { try GzipFixtures.write(self, to: path) }
}

/// Runs the real `tailscan` binary, as a user would, on the committed fixtures.
struct CLITests {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `tailscan` executable built next to the test bundle.
  static let binary: String = {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundle, bundle.deletingLastPathComponent()] {
      let path = candidate.appendingPathComponent("tailscan").path
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    // Fall back to the package's default build folder.
    return URL(fileURLWithPath: Fixtures.root).deletingLastPathComponent()
      .appendingPathComponent(".build/debug/tailscan").path
  }()

  /// Runs `tailscan` with `arguments`, in `directory` if given (else in the current one).
  @discardableResult
  static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  @Test func countAndQueryMatchPython() throws {
    let dir = try TemporaryDirectory()
    let counted = try Self.run(["count", Fixtures.path("corpus-mini"), "-o", dir.file("counts")])
    #expect(counted.status == 0, "\(counted.stderr)")
    #expect(counted.stdout.contains("order\t2\tdistinct\t"))
    // Fixtures/expected/corpus-mini.tsv was computed by Python (Scripts/make-fixtures).
    let expected = try Fixtures.string("expected/corpus-mini.tsv")
    let keys = expected.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
    let queried = try Self.run(["query", dir.file("counts")] + keys)
    #expect(queried.status == 0, "\(queried.stderr)")
    #expect(queried.stdout == expected)
    // Totals agree with Python's too.
    let totals = try JSONSerialization.jsonObject(
      with: Data(try Fixtures.string("expected/corpus-mini-totals.json").utf8)) as! [String: Int]
    let stats = try Self.run(["stats", dir.file("counts"), "--json"])
    #expect(stats.status == 0)
    let objects = stats.stdout.split(separator: "\n").map {
      try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    let head = objects.first { $0["kind"] as? String == "totals" }!
    #expect(head["documents"] as? Int == totals["documents"])
    #expect(head["tokens"] as? Int == totals["tokens"])
    let orders = objects.filter { $0["kind"] as? String == "order" }
    #expect(orders.map { $0["distinct"] as? Int } == [totals["distinct_unigrams"], totals["distinct_bigrams"]])
  }

  @Test func queryJSON() throws {
    let dir = try TemporaryDirectory()
    try Self.run(["count", Fixtures.path("corpus-mini"), "-o", dir.file("c"), "-q"])
    let result = try Self.run(["query", dir.file("c"), "--json", "24 times", "never-seen"])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n").map {
      try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    #expect(lines.count == 2)
    #expect(lines[0]["kind"] as? String == "ngram")
    #expect(lines[0]["key"] as? String == "24 times")
    #expect((lines[0]["count"] as? Int ?? 0) > 0)
    #expect(lines[0]["documents"] != nil)
    #expect(lines[1]["count"] as? Int == 0)
    // Keys from a file give the same answers; a key with no tokens fails before any output.
    try Array("24 times\nnever-seen\n".utf8).write(to: dir.file("keys.txt"))
    let fromFile = try Self.run(["query", dir.file("c"), "--json", "--keys-file", dir.file("keys.txt")])
    #expect(fromFile.stdout == result.stdout)
    let blank = try Self.run(["query", dir.file("c"), "24", " "])
    #expect(blank.status == 64)
    #expect(blank.stdout.isEmpty)
    #expect(blank.stderr.contains("has no tokens"))
  }

  @Test func statsTopList() throws {
    let dir = try TemporaryDirectory()
    try Self.run(["count", Fixtures.path("corpus-mini"), "-o", dir.file("c"), "-q"])
    let result = try Self.run(["stats", dir.file("c"), "--order", "2", "--top", "3"])
    #expect(result.status == 0)
    let rows = result.stdout.split(separator: "\n").drop { !$0.hasPrefix("rank") }
    #expect(rows.count == 4)
  }

  @Test func badArgumentsExit64() throws {
    let dir = try TemporaryDirectory()
    for arguments in [
      ["count", dir.file("missing"), "-o", dir.file("out")],
      ["count", Fixtures.path("corpus-mini"), "-o", dir.file("out"), "--orders", "2...3"],
      ["count", Fixtures.path("corpus-mini"), "-o", dir.file("out"), "--tokenizer", "bpe"],
      ["count", Fixtures.path("corpus-mini"), "-o", dir.file("out"), "--lowercase"],
      ["count", Fixtures.path("corpus-mini")],
      ["query", dir.path],
    ] {
      let result = try Self.run(arguments)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("Error:"), "\(arguments)")
    }
  }

  @Test func runtimeErrorsExit1WithTheFileNamed() throws {
    let dir = try TemporaryDirectory()
    // A truncated shard: the message names the file and the compressed offset.
    let gz = try GzipFixtures.gzip(String(repeating: "{\"text\": \"a b c\"}\n", count: 500))
    try GzipFixtures.write(GzipFixtures.truncated(gz, keeping: 40), to: dir.file("t.json.gz"))
    var result = try Self.run(["count", dir.file("t.json.gz"), "-o", dir.file("out")])
    #expect(result.status == 1)
    #expect(result.stderr.contains("t.json.gz"))
    #expect(result.stderr.contains("truncated"))
    #expect(result.stderr.contains("byte 40"))
    // An existing output without --force.
    try FileManager.default.createDirectory(atPath: dir.file("taken"), withIntermediateDirectories: true)
    result = try Self.run(["count", Fixtures.path("corpus-mini"), "-o", dir.file("taken")])
    #expect(result.status == 1)
    #expect(result.stderr.contains("--force"))
    // Not a table directory.
    result = try Self.run(["query", dir.path, "x"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("manifest.json"))
    // A malformed line names file:line.
    try GzipFixtures.write(Array("{\"text\": \"ok\"}\n{\"text\": 3}\n".utf8), to: dir.file("m.jsonl"))
    result = try Self.run(["count", dir.file("m.jsonl"), "-o", dir.file("out2")])
    #expect(result.status == 1)
    #expect(result.stderr.contains("m.jsonl':2"))
    #expect(result.stderr.contains("--skip-bad-lines"))
  }

  @Test func wordsTokenizerLowercases() throws {
    let dir = try TemporaryDirectory()
    try GzipFixtures.write(Array("Paris, PARIS paris! Café CAFÉ\n".utf8), to: dir.file("a.txt"))
    let counted = try Self.run(
      ["count", dir.file("a.txt"), "-o", dir.file("c"), "--tokenizer", "words", "--lowercase", "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    let result = try Self.run(["query", dir.file("c"), "PARIS", "café", "paris paris"])
    #expect(result.stdout == "key\tcount\tdocuments\nparis\t3\t1\ncafé\t2\t1\nparis paris\t2\t1\n")
  }
}
