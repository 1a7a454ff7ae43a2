import Foundation
import TailscanIO
import TailscanStore
import TailscanTestSupport
import Testing

extension CLITests {
  /// The table files of a count, by name (everything but the manifest).
  static func tables(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name != "manifest.json" {
      files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
    }
    return files
  }

  /// A document longer than a memory budget can hold stops the count with an error naming the
  /// file, line and budget; the way round it that the message gives works as written; a budget
  /// that holds it counts exactly what an unbounded count does.
  @Test func aDocumentLongerThanTheMemoryBudgetHolds() throws {
    let dir = try TemporaryDirectory()
    var long = Array("{\"text\": \"".utf8)
    let words = Array("24 times 18 is 432 and Paris ".utf8)
    while long.count < 6 << 20 { long.append(contentsOf: words) }
    long.append(contentsOf: Array("\"}".utf8))
    let text = Array("{\"text\": \"a short one 24\"}\n".utf8) + long + [0x0A]
      + Array("{\"text\": \"after it 18 24\"}\n".utf8)
    let shard = dir.file("long.jsonl.gz")
    try GzipFixtures.write(text, to: shard)

    let refused = try Self.run(["count", shard, "-o", dir.file("a"), "-j", "1", "--memory", "80MiB", "-q"])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains(
        "'\(shard)':2 is longer than 5MiB, the longest document that '--memory 80MiB' holds (a "
          + "document is held whole while it is counted); give more memory, or pass such lines "
          + "over with '--max-line-bytes 5MiB --skip-bad-lines'"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("a")))

    let skipped = try Self.run([
      "count", shard, "-o", dir.file("b"), "-j", "1", "--memory", "80MiB", "--max-line-bytes", "5MiB",
      "--skip-bad-lines", "-q",
    ])
    #expect(skipped.status == 0, "\(skipped.stderr)")
    let manifest = try Manifest.read(directory: dir.file("b"))
    #expect(manifest.totals.documents == 2)
    #expect(manifest.skipped.map { [$0.line == 2, $0.reason == "line-too-long"] } == [[true, true]])

    let unbounded = try Self.run(["count", shard, "-o", dir.file("c"), "-q"])
    let bounded = try Self.run(["count", shard, "-o", dir.file("d"), "--memory", "160MiB", "-q"])
    #expect(unbounded.status == 0 && bounded.status == 0, "\(unbounded.stderr) \(bounded.stderr)")
    #expect(try Self.tables(dir.file("d")) == Self.tables(dir.file("c")))
    #expect(try Manifest.read(directory: dir.file("d")).totals.documents == 3)
  }

  /// Many tiny shards: counted; a budget too small for their bookkeeping is refused before
  /// anything is read, saying so.
  @Test func tenThousandTinyShards() throws {
    let dir = try TemporaryDirectory()
    let corpus = dir.file("corpus")
    let shards = 10_000
    for i in 0..<shards {
      let folder = "\(corpus)/\(i / 1000)"
      if i % 1000 == 0 { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
      try GzipFixtures.write(Array("{\"text\": \"shard \(i) has \(i % 97) cats\"}\n".utf8), to: "\(folder)/\(i).jsonl.gz")
    }
    let refused = try Self.run(["count", corpus, "-o", dir.file("a"), "-j", "1", "--memory", "64MiB", "-q"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("'--memory 64MiB' is too small for 1 job(s): give at least "), "\(refused.stderr)")
    #expect(refused.stderr.contains("(listing 10000 shards takes 29MiB)"), "\(refused.stderr)")

    let counted = try Self.run(["count", corpus, "-o", dir.file("b"), "--memory", "256MiB", "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    let manifest = try Manifest.read(directory: dir.file("b"))
    #expect(manifest.totals.documents == shards && manifest.inputs.count == shards)
    let query = try Self.run(["query", dir.file("b"), "0 cats", "--json"])
    // i % 97 == 0 for i in 0..<10000: 104 of them.
    #expect(query.stdout.contains("\"count\":104"), "\(query.stdout)")
  }

  /// A file-size limit (`ulimit -f`, as a full disk does) stops a count with the file it could
  /// not write; the earlier tables stay as they were, and '--resume' finishes the count.
  @Test(
    .disabled(
      if: ProcessInfo.processInfo.environment["TAILSCAN_SANITIZER"] == "thread",
      "ThreadSanitizer's runtime takes SIGBUS in its own shadow-memory access under 'ulimit -f'"))
  func aFileSizeLimitStopsTheCountAndKeepsTheEarlierTables() throws {
    let dir = try TemporaryDirectory()
    var random = SplitMix64(seed: 5)
    var lines: [String] = []
    for _ in 0..<3000 {
      let words = (0..<30).map { _ in "w\(random.next() % 3000)" }
      lines.append("{\"text\": \"\(words.joined(separator: " "))\"}")
    }
    let shard = dir.file("wide.jsonl.gz")
    try Array((lines.joined(separator: "\n") + "\n").utf8).write(to: shard)
    let small = dir.file("small.jsonl.gz")
    try Array("{\"text\": \"an earlier count\"}\n".utf8).write(to: small)
    let counts = dir.file("counts")
    #expect(try Self.run(["count", small, "-o", counts, "-q"]).status == 0)
    let before = try Self.tables(counts)

    // The order-2 table of `wide` is about 2 MB; bash's 'ulimit -f' counts KiB.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      "-c", "ulimit -f 256; exec \"$0\" \"$@\"", Self.binary, "count", shard, "-o", counts, "--force",
      "-q",
    ]
    let err = Pipe()
    process.standardError = err
    try process.run()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
    #expect(stderr.contains("cannot write '") && stderr.contains("': File too large"), "\(stderr)")
    #expect(try Self.tables(counts) == before)

    let resumed = try Self.run(["count", shard, "-o", counts, "--resume", "-q"])
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let fresh = try Self.run(["count", shard, "-o", dir.file("fresh"), "-q"])
    #expect(fresh.status == 0)
    #expect(try Self.tables(counts) == Self.tables(dir.file("fresh")))
  }
}
