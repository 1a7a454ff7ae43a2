import Foundation
import Testing
import TailscanTestSupport

/// `count --resume` after real runs are killed (SIGKILL) at random moments, and `merge`.
struct ResumeCLITests {
  /// Eight gzip JSONL shards of random words and numbers (about 2 MB of text in all).
  static func corpus(in dir: TemporaryDirectory) throws -> String {
    let corpus = try dir.makeDirectory("corpus")
    var rng = SplitMix64(seed: 2026)
    let words = (0..<3000).map { "w\($0)" } + (0..<100).map { "\($0)" } + ["times", "minutes"]
    for shard in 0..<8 {
      var text = ""
      for _ in 0..<1500 {
        let n = Int.random(in: 0..<60, using: &rng)
        let doc = (0..<n).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        text += "{\"text\": \"\(doc)\"}\n"
      }
      try GzipFixtures.write(Array(text.utf8), to: "\(corpus)/shard-\(String(format: "%02d", shard)).jsonl.gz")
    }
    return corpus
  }

  @Test func killedRunsResumeToTheSameTables() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    let options = ["--numbers", "--orders", "1...3", "-q", "-j", "2", "--checkpoint", "0"]
    let start = Date()
    let one = try CLITests.run(["count", corpus, "-o", dir.file("one")] + options)
    #expect(one.status == 0, "\(one.stderr)")
    var longest = Date().timeIntervalSince(start)
    let reference = try ScaleFiles.tables(dir.file("one"))
    let out = dir.file("out")
    let parts = dir.file("out.parts")

    var rng = SplitMix64(seed: 7)
    var kills = 0
    // Start (or resume), kill at a random moment; a run that ends first is checked and counted
    // again from scratch with shorter delays, until four runs have been killed.
    for _ in 0..<16 where kills < 4 {
      let resume = FileManager.default.fileExists(atPath: parts)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: CLITests.binary)
      process.arguments = ["count", corpus, "-o", out] + options + (resume ? ["--resume"] : [])
      process.standardError = FileHandle.nullDevice
      process.standardOutput = FileHandle.nullDevice
      try process.run()
      Thread.sleep(forTimeInterval: Double.random(in: 0...longest, using: &rng))
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        kills += 1
      }
      process.waitUntilExit()
      // Never a half-written output: none, or a complete one.
      if FileManager.default.fileExists(atPath: out) {
        #expect(try ScaleFiles.tables(out) == reference)
      }
      if process.terminationReason == .exit {
        #expect(process.terminationStatus == 0)
        try FileManager.default.removeItem(atPath: out)
        longest /= 2
      }
    }
    #expect(kills == 4)
    if !FileManager.default.fileExists(atPath: out) {
      let resume = FileManager.default.fileExists(atPath: parts)
      let last = try CLITests.run(["count", corpus, "-o", out] + options + (resume ? ["--resume"] : []))
      #expect(last.status == 0, "\(last.stderr)")
    }
    #expect(try ScaleFiles.tables(out) == reference)
    // Nothing left behind: no runs, no temporary directories.
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["corpus", "one", "out"])
  }

  @Test func mergeOfShardsCountedApart() throws {
    let dir = try TemporaryDirectory()
    let corpus = try Self.corpus(in: dir)
    #expect(try CLITests.run(["count", corpus, "-o", dir.file("one"), "-q"]).status == 0)
    let shards = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
    var parts: [String] = []
    for (k, shard) in shards.enumerated() {
      let part = dir.file("parts/\(String(format: "%05d", k))")
      let counted = try CLITests.run(["count", "\(corpus)/\(shard)", "-o", part, "-q"])
      #expect(counted.status == 0, "\(counted.stderr)")
      parts.append(part)
    }
    let merged = try CLITests.run(["merge"] + parts + ["-o", dir.file("merged")])
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(merged.stdout.contains("order\t2\tdistinct\t"))
    #expect(merged.stderr.contains("merged 8 table directories"))
    #expect(try ScaleFiles.tables(dir.file("merged")) == ScaleFiles.tables(dir.file("one")))
    // A part given twice is refused, naming the shard.
    let twice = try CLITests.run(["merge", parts[0], parts[0], "-o", dir.file("twice")])
    #expect(twice.status != 0)
    #expect(twice.stderr.contains("counted in both"), "\(twice.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir.file("twice")))
  }
}

enum ScaleFiles {
  /// The table files of a directory by name (everything but the manifest).
  static func tables(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory)
    where name != "manifest.json" {
      files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
    }
    return files
  }
}
