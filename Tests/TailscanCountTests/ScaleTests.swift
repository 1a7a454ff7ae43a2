import Foundation
import Testing
@testable import TailscanCount
import TailscanIO
import TailscanStore
import TailscanText
import TailscanTestSupport

/// Workers, runs, merges and resumes: however the work is split, the tables are the same, byte
/// for byte, as one uninterrupted count's.
struct ScaleTests {
  /// The table files of a directory (tables, posting lists, kept pair lists), by name.
  static func tableFiles(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory)
    where name != Manifest.fileName {
      files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
    }
    return files
  }

  /// Everything of a manifest that does not depend on how the work was split.
  static func essentials(_ directory: String) throws -> Manifest {
    var manifest = try Manifest.read(directory: directory)
    manifest.createdAt = ""
    manifest.warnings = manifest.warnings.filter { !$0.contains("co-occurring entity pairs") }
    return manifest
  }

  /// Six shards of random documents full of number terms and entities, in several formats.
  static func corpus(in dir: TemporaryDirectory, seed: UInt64 = 11) throws -> String {
    let texts = TargetedCountTests.randomTexts(seed: seed, count: 600)
    let (corpus, _) = try TargetedCountTests.writeCorpus(texts, in: dir)
    // Two more shards, so that three workers have work and some shards share a run.
    for k in 0..<2 {
      let lines = try TargetedCountTests.randomTexts(seed: seed + UInt64(k) + 1, count: 150)
        .enumerated().map { try TargetedCountTests.jsonLine($1, $0) }
      try GzipFixtures.write(
        Array((lines.joined(separator: "\n") + "\n").utf8), to: "\(corpus)/z\(k).jsonl.gz")
    }
    return corpus
  }

  static func request(_ corpus: String, _ output: String, dictionary: String) -> CountRequest {
    var request = CountRequest(inputs: [corpus], output: output, maxOrder: 3)
    request.numbers = NumberRules()
    request.entities = EntityOptions(dictionary: dictionary, keepDocumentIDs: true)
    return request
  }

  @Test(arguments: [
    (jobs: 2, checkpoint: 60.0, spill: nil as Int?),
    (jobs: 3, checkpoint: 0.0, spill: nil),
    (jobs: 1, checkpoint: 60.0, spill: 200_000),
    (jobs: 2, checkpoint: 0.0, spill: 150_000),
    (jobs: 3, checkpoint: 60.0, spill: 120_000),
  ])
  func workersAndRunsWriteTheSameTables(jobs: Int, checkpoint: Double, spill: Int?) throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    let dictionary = try TargetedCountTests.writeDictionary(in: dir)
    _ = try CountPipeline.run(Self.request(corpus, dir.file("one"), dictionary: dictionary))
    var request = Self.request(corpus, dir.file("split"), dictionary: dictionary)
    request.jobs = jobs
    request.checkpointSeconds = checkpoint
    request.spillThreshold = spill
    request.mergePart = 1  // every merge thread gets a part of the tables
    _ = try CountPipeline.run(request)
    #expect(try Self.tableFiles(dir.file("split")) == Self.tableFiles(dir.file("one")))
    #expect(try Self.essentials(dir.file("split")) == Self.essentials(dir.file("one")))
    #expect(!FileManager.default.fileExists(atPath: dir.file("split.parts")))
  }

  /// Under a memory budget, workers write their runs one at a time, and at the end too.
  @Test func aMemoryBudgetWritesTheSameTables() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    let dictionary = try TargetedCountTests.writeDictionary(in: dir)
    _ = try CountPipeline.run(Self.request(corpus, dir.file("one"), dictionary: dictionary))
    var request = Self.request(corpus, dir.file("bounded"), dictionary: dictionary)
    request.jobs = 2
    request.memoryBudget = 128 << 20
    let summary = try CountPipeline.run(request)
    #expect(summary.runs == 2)
    #expect(try Self.tableFiles(dir.file("bounded")) == Self.tableFiles(dir.file("one")))
    // 24 MiB for the program, 2 × 5 MiB for the readers' lines, 10 MiB for the one long line
    // the gate lets through (4 MiB, at least 2 MiB), 8 shards × 3 KiB and the small
    // dictionary; then 24 MiB a job.
    request.memoryBudget = 64 << 20
    request.overwrite = true
    request.jobs = 2
    let error = #expect(throws: CountError.self) { try CountPipeline.run(request) }
    guard case .memoryBudgetTooSmall(let budget, let needed, let jobs, let largest) = error else {
      Issue.record("unexpected \(String(describing: error))")
      return
    }
    #expect(budget == 64 << 20 && jobs == 2 && largest == "reading lines takes 20MiB")
    #expect(needed >> 20 == 24 + 10 + 10 + 48)
    // Refused before anything is written.
    #expect(!FileManager.default.fileExists(atPath: dir.file("bounded.parts")))
  }

  @Test func mergeOfShardsCountedApartEqualsOneCount() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    let dictionary = try TargetedCountTests.writeDictionary(in: dir)
    _ = try CountPipeline.run(Self.request(corpus, dir.file("one"), dictionary: dictionary))
    let shards = try CorpusWalker.shards(in: [corpus])
    #expect(shards.count == 6)
    var parts: [String] = []
    for (k, shard) in shards.enumerated() {
      let part = dir.file("parts/\(k)")
      _ = try CountPipeline.run(Self.request(shard.path, part, dictionary: dictionary))
      parts.append(part)
    }
    let reference = try Self.tableFiles(dir.file("one"))
    func merge(
      _ inputs: [String], _ output: String, fanIn: Int = TableMerger.defaultFanIn, threads: Int = 1
    ) throws {
      try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
      _ = try TableMerger.merge(
        inputs, into: output, fanIn: fanIn, threads: threads, minimumPart: 1, toolVersion: "test",
        createdAt: "")
    }
    // All at once, in any order, in parts, as a tree, and in groups merged again.
    try merge(parts.reversed(), dir.file("all"))
    try merge(parts, dir.file("parts3"), threads: 3)
    try merge(parts, dir.file("parts16"), threads: 16)
    try merge(parts, dir.file("tree"), fanIn: 2)
    try merge([parts[4], parts[0], parts[2]], dir.file("g1"))
    try merge([parts[5], parts[3]], dir.file("g2"))
    try merge([dir.file("g2"), parts[1], dir.file("g1")], dir.file("groups"))
    for output in ["all", "parts3", "parts16", "tree", "groups"] {
      #expect(try Self.tableFiles(dir.file(output)) == reference, "\(output)")
      var manifest = try Self.essentials(dir.file(output))
      manifest.toolVersion = TailscanVersion.current
      #expect(manifest == (try Self.essentials(dir.file("one"))), "\(output)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("tree")).allSatisfy { !$0.hasPrefix(".") })
  }

  @Test func mergeRefusesTablesThatCannotBeAddedUp() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    let shards = try CorpusWalker.shards(in: [corpus])
    func count(_ shard: Int, _ name: String, _ edit: (inout CountRequest) -> Void = { _ in }) throws
      -> String
    {
      var request = CountRequest(inputs: [shards[shard].path], output: dir.file(name))
      edit(&request)
      _ = try CountPipeline.run(request)
      return dir.file(name)
    }
    let a = try count(0, "a")
    let b = try count(1, "b") { $0.maxOrder = 3 }
    let c = try count(1, "c") { $0.numbers = NumberRules() }
    let d = try count(1, "d") { $0.tokenizer = .words(lowercase: true) }
    let again = try count(0, "again")
    try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
    func refusal(_ inputs: [String]) -> String? {
      thrownMessage {
        try TableMerger.merge(inputs, into: dir.file("out"), toolVersion: "t", createdAt: "")
      }
    }
    #expect(refusal([a, b])?.contains("n-gram orders differ") == true)
    #expect(refusal([a, c])?.contains("number-term rules differ") == true)
    #expect(refusal([a, d])?.contains("tokenizers differ") == true)
    #expect(refusal([a, again])?.contains("counted in both") == true)
  }

  /// A damaged shard: the runs finished before it are kept, nothing of it (gzip checks its data
  /// only at the end of a member, so the lines before the damage may be damaged too). Put back
  /// with the same size and time (`cp -p`), it is still counted again from its start.
  @Test func aDamagedShardIsCountedAgainFromItsStart() throws {
    let dir = try TemporaryDirectory()
    let corpus = try dir.makeDirectory("corpus")
    let lines = (0..<3000).map { "{\"text\": \"doc \($0) of 24 times \($0 % 97) words\"}" }
    let whole = try GzipFixtures.gzip(lines.joined(separator: "\n") + "\n")
    try GzipFixtures.write(Array(lines[0..<50].joined(separator: "\n").utf8), to: "\(corpus)/a.jsonl")
    let b = "\(corpus)/b.jsonl.gz"
    var damaged = whole
    damaged[whole.count / 2] ^= 0x10
    try Data(damaged).write(to: URL(fileURLWithPath: b))
    let time = try FileManager.default.attributesOfItem(atPath: b)[.modificationDate] as! Date
    var request = CountRequest(inputs: [corpus], output: dir.file("out"))
    request.jobs = 1
    request.checkpointSeconds = 0
    #expect(throws: IOError.self) { try CountPipeline.run(request) }
    let runs = try RunJournal.runs(in: dir.file("out.parts"))
    #expect(runs.count == 1)
    #expect(try Manifest.read(directory: runs[0]).inputs.map(\.path) == ["\(corpus)/a.jsonl"])
    // Put back whole, with the damaged file's size and time.
    try Data(whole).write(to: URL(fileURLWithPath: b))
    try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: b)
    request.resume = true
    let summary = try CountPipeline.run(request)
    #expect(summary.totals.documents == 3050)
    #expect(summary.resumedShards == 1)
    _ = try CountPipeline.run(CountRequest(inputs: [corpus], output: dir.file("one")))
    #expect(try Self.tableFiles(dir.file("out")) == Self.tableFiles(dir.file("one")))
  }

  /// Three shards, the last with a bad first line: a count stops there, leaving runs that split
  /// the first two shards (runs of at most a few hundred lines).
  static func interruptedCount(in dir: TemporaryDirectory) throws -> (CountRequest, String) {
    let corpus = try dir.makeDirectory("corpus")
    for k in 0..<3 {
      var lines = (0..<1500).map { "{\"text\": \"shard \(k) line \($0) of \($0 % 13) times\"}" }
      if k == 2 { lines[0] = "{\"text\": broken" }
      try GzipFixtures.write(Array(lines.joined(separator: "\n").utf8), to: "\(corpus)/s\(k).jsonl.gz")
    }
    var request = CountRequest(inputs: [corpus], output: dir.file("out"), maxOrder: 3)
    request.jobs = 1
    request.spillThreshold = 40_000
    #expect(throws: CountError.self) { try CountPipeline.run(request) }
    #expect(try RunJournal.runs(in: dir.file("out.parts")).count >= 3)
    request.skipBadLines = true
    request.resume = true
    return (request, corpus)
  }

  /// One clean count of `corpus` with `request`'s settings.
  static func reference(_ request: CountRequest, _ corpus: String, in dir: TemporaryDirectory)
    throws -> [String: Data]
  {
    var clean = request
    clean.output = dir.file("one")
    clean.resume = false
    clean.spillThreshold = nil
    _ = try CountPipeline.run(clean)
    return try tableFiles(dir.file("one"))
  }

  /// A changed first shard drops its runs, and with them the later runs of the shards they
  /// shared (whose first parts are gone): nothing is counted twice.
  @Test func aChangedShardDropsTheRunsThatFollowOnFromIt() throws {
    let dir = try TemporaryDirectory()
    let (request, corpus) = try Self.interruptedCount(in: dir)
    let path = "\(corpus)/s0.jsonl.gz"
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: 100)], ofItemAtPath: path)
    _ = try CountPipeline.run(request)
    #expect(try Self.tableFiles(dir.file("out")) == Self.reference(request, corpus, in: dir))
  }

  /// A run missing a table (killed while its files were moved out) is not used.
  @Test func aRunMissingATableIsCountedAgain() throws {
    let dir = try TemporaryDirectory()
    let (request, corpus) = try Self.interruptedCount(in: dir)
    let runs = try RunJournal.runs(in: dir.file("out.parts"))
    try FileManager.default.removeItem(atPath: "\(runs[1])/order-2.tsc")
    _ = try CountPipeline.run(request)
    #expect(try Self.tableFiles(dir.file("out")) == Self.reference(request, corpus, in: dir))
  }

  /// What a finished count left behind when killed while removing its runs is removed, never
  /// resumed.
  @Test func leftoversOfAFinishedCountAreRemoved() throws {
    let dir = try TemporaryDirectory()
    var (request, corpus) = try Self.interruptedCount(in: dir)
    _ = try CountPipeline.run(request)
    let reference = try Self.tableFiles(dir.file("out"))
    // As if killed in RunJournal.finish: the mark is there, some runs are not.
    try FileManager.default.createDirectory(
      atPath: dir.file("out.parts/run-1-0-1"), withIntermediateDirectories: true)
    try Data().write(to: URL(fileURLWithPath: dir.file("out.parts/finished")))
    #expect(throws: CountError.nothingToResume(output: dir.file("out"))) {
      try CountPipeline.run(request)
    }
    #expect(!FileManager.default.fileExists(atPath: dir.file("out.parts")))
    #expect(try Self.tableFiles(dir.file("out")) == reference)
    request.resume = false
    request.overwrite = true
    _ = try CountPipeline.run(request)
    _ = corpus
  }

  /// A count that fails before anything is written leaves nothing behind.
  @Test func aFailureBeforeAnyRunLeavesNothing() throws {
    let dir = try TemporaryDirectory()
    try Data("{\"text\": \"cut".utf8).write(to: URL(fileURLWithPath: dir.file("c.jsonl")))
    #expect(throws: CountError.self) {
      try CountPipeline.run(CountRequest(inputs: [dir.file("c.jsonl")], output: dir.file("out")))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["c.jsonl"])
  }

  @Test func resumeRefusesOtherSettingsAndForceStartsOver() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    try Data("{\"text\": \"cut".utf8).write(to: URL(fileURLWithPath: "\(corpus)/zz.jsonl"))
    var request = CountRequest(inputs: [corpus], output: dir.file("out"))
    request.jobs = 2
    request.checkpointSeconds = 0
    #expect(throws: CountError.self) { try CountPipeline.run(request) }
    var longer = request
    longer.resume = true
    longer.maxLineBytes = 1 << 20
    #expect {
      try CountPipeline.run(longer)
    } throws: { error in
      "\(error)".contains("'--max-line-bytes' differs")
    }
    var other = request
    other.resume = true
    other.maxOrder = 3
    #expect {
      try CountPipeline.run(other)
    } throws: { error in
      "\(error)".contains("n-gram orders differ")
    }
    // Fixed, the count goes on from where it stopped.
    try Data("{\"text\": \"cut\"}\n".utf8).write(to: URL(fileURLWithPath: "\(corpus)/zz.jsonl"))
    var resumed = request
    resumed.resume = true
    let summary = try CountPipeline.run(resumed)
    #expect(summary.resumedShards >= 1)
    _ = try CountPipeline.run(CountRequest(inputs: [corpus], output: dir.file("one")))
    #expect(try Self.tableFiles(dir.file("out")) == Self.tableFiles(dir.file("one")))
    #expect(try Self.essentials(dir.file("out")).totals == Self.essentials(dir.file("one")).totals)
    // Finished: nothing to resume.
    #expect(throws: CountError.nothingToResume(output: dir.file("out"))) {
      try CountPipeline.run(resumed)
    }
  }
}

/// Damaged inputs to a merge are reported, never merged into wrong counts or a crash.
struct MergeDamageTests {
  @Test func aTokenIDBeyondTheVocabularyIsCorruption() throws {
    let dir = try TemporaryDirectory()
    try GzipFixtures.write(Array("{\"text\": \"a b c a b\"}\n".utf8), to: dir.file("a.jsonl"))
    try GzipFixtures.write(Array("{\"text\": \"b c d\"}\n".utf8), to: dir.file("b.jsonl"))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("a.jsonl")], output: dir.file("pa")))
    _ = try CountPipeline.run(CountRequest(inputs: [dir.file("b.jsonl")], output: dir.file("pb")))
    // The first bigram's first id (high half of its first word) becomes 0x7FFF_FFFF.
    let path = dir.file("pb/order-2.tsc")
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes.replaceSubrange(128 + 4..<128 + 8, with: [0xFF, 0xFF, 0xFF, 0x7F])
    try bytes.write(to: URL(fileURLWithPath: path))
    try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: true)
    #expect {
      try TableMerger.merge(
        [dir.file("pa"), dir.file("pb")], into: dir.file("out"), toolVersion: "t", createdAt: "")
    } throws: { error in
      "\(error)".contains("order-2.tsc' is corrupt")
    }
  }
}
