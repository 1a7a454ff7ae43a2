import Foundation
import TailscanIO
import TailscanTestSupport
import Testing

/// A corpus directory with shards, non-shards, hidden entries and symbolic links.
private func makeCorpus() throws -> TemporaryDirectory {
  let dir = try TemporaryDirectory()
  let files = [
    "b/2.jsonl.gz", "b/10.jsonl.gz", "a.txt", "c/deep/x.json", "c/y.txt.gz", "z.gz", "m.jsonl",
    "n.json.gz",
    // Not shards: wrong suffix, hidden, or a temporary output.
    "notes.md", "data.jsonl.bak", ".hidden.jsonl", ".git/objects.jsonl", "b/.partial.jsonl.gz",
    "out.tmp-123/part.jsonl",
    // zstd shards (and one name that only looks like one).
    "c/w.jsonl.zst", "q.json.zst", "u.zst", "v.txt.zst", "notes.zstd",
  ]
  for (k, name) in files.enumerated() { try dir.write([UInt8](repeating: 0x61, count: k), to: name) }
  try dir.makeDirectory("empty")
  let fm = FileManager.default
  // A loop back to the root, a loop to itself, a link to a shard, and a dangling link.
  try fm.createSymbolicLink(atPath: dir.file("c/deep/loop"), withDestinationPath: "../..")
  try fm.createSymbolicLink(atPath: dir.file("c/self"), withDestinationPath: ".")
  try fm.createSymbolicLink(atPath: dir.file("link.jsonl"), withDestinationPath: "m.jsonl")
  try fm.createSymbolicLink(atPath: dir.file("dangling.jsonl"), withDestinationPath: "missing.jsonl")
  return dir
}

private func relative(_ shards: [CorpusWalker.Shard], to root: String) -> [String] {
  shards.map { String($0.path.dropFirst(root.count + 1)) }
}

@Suite("CorpusWalker")
struct CorpusWalkerTests {
  @Test(
    "finds shards by suffix, sorted by path, skipping hidden entries and links that loop",
    .timeLimit(.minutes(1)))
  func walk() throws {
    let dir = try makeCorpus()
    let shards = try CorpusWalker.shards(in: [dir.path])
    #expect(
      relative(shards, to: dir.path) == [
        "a.txt", "b/10.jsonl.gz", "b/2.jsonl.gz", "c/deep/x.json", "c/w.jsonl.zst", "c/y.txt.gz",
        "link.jsonl", "m.jsonl", "n.json.gz", "q.json.zst", "u.zst", "v.txt.zst", "z.gz",
      ])
    #expect(shards.map(\.path) == shards.map(\.path).sorted())
    #expect(
      shards.map(\.isJSONL) == [
        false, true, true, true, true, false, true, true, true, true, false, false, false,
      ])
    let aText = try #require(shards.first)
    #expect(aText.size == 2)  // "a.txt" was written with 2 bytes
  }

  @Test("a trailing slash, duplicates and a file named directly")
  func pathsAsGiven() throws {
    let dir = try makeCorpus()
    let shards = try CorpusWalker.shards(in: [dir.path + "/b/", dir.file("b/2.jsonl.gz"), dir.file("notes.md")])
    #expect(shards.map(\.path) == [dir.file("b/10.jsonl.gz"), dir.file("b/2.jsonl.gz"), dir.file("notes.md")])
  }

  @Test("excluding: leaves out a directory or a file")
  func excluding() throws {
    let dir = try makeCorpus()
    let shards = try CorpusWalker.shards(in: [dir.path], excluding: [dir.file("c") + "/", dir.file("a.txt")])
    #expect(
      relative(shards, to: dir.path) == [
        "b/10.jsonl.gz", "b/2.jsonl.gz", "link.jsonl", "m.jsonl", "n.json.gz", "q.json.zst", "u.zst",
        "v.txt.zst", "z.gz",
      ])
  }

  @Test("a missing path is .notFound")
  func missing() throws {
    let dir = try TemporaryDirectory()
    #expect(throws: IOError.notFound(path: dir.file("nope"))) {
      _ = try CorpusWalker.shards(in: [dir.file("nope")])
    }
  }

  @Test("an empty directory has no shards")
  func empty() throws {
    let dir = try TemporaryDirectory()
    #expect(try CorpusWalker.shards(in: [dir.path]).isEmpty)
  }

  @Test("isJSONLName", arguments: [
    ("a.jsonl", true), ("a.json", true), ("a.jsonl.gz", true), ("a.json.gz", true),
    ("a.txt", false), ("a.txt.gz", false), ("a.gz", false), ("jsonl", false),
    ("a.jsonl.zst", true), ("a.json.zst", true), ("a.txt.zst", false), ("a.zst", false),
    ("a.jsonl.gz.zst", false),
  ])
  func jsonlNames(name: String, isJSONL: Bool) {
    #expect(CorpusWalker.isJSONLName(name) == isJSONL)
  }
}
