import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// Counts a two-shard corpus (JSONL, gzip text) with relative paths and '--keep-doc-ids', and
  /// checks what `tailscan docs` prints, from where it was counted and from elsewhere.
  @Test func docsShowsTheEvidence() throws {
    let dir = try TemporaryDirectory()
    try dir.write(Array("Q90\tParis\tParis, France\nQ142\tFrance\nQ1\tAtlantis\n".utf8), to: "entities.tsv")
    try dir.write(
      Array(
        #"""
        {"text": "Paris is the capital of France."}
        {"text": "nothing here"}
        {"text": "I love (Paris), and\tFrance\n too. Paris!"}

        """#.utf8), to: "corpus/a.jsonl")
    let words = Array(repeating: "word", count: 12).joined(separator: " ")
    try dir.write(
      try GzipFixtures.gzip("France alone\n\nParis, France is lovely. \(words) Paris\n"),
      to: "corpus/b.txt.gz")
    let counted = try Self.run(
      ["count", "corpus", "-o", "counts", "--entities", "entities.tsv", "--keep-doc-ids", "-q"],
      in: dir.path)
    #expect(counted.status == 0, "\(counted.stderr)")

    var result = try Self.run(["docs", "counts", "--pair", "Q90:Q142"], in: dir.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        corpus/a.jsonl:1\t[[Paris]] is the capital of [[France]].
        corpus/a.jsonl:3\tI love ([[Paris]]), and [[France]] too. [[Paris]]!

        """)
    #expect(result.stderr == "2 documents containing both Q90 and Q142 (all, in corpus order)\n")

    // By alias, limited, with less context; then all of them (a cut that falls on a space
    // leaves the space out).
    result = try Self.run(
      ["docs", "counts", "--entity", "paris", "--limit", "2", "--context", "10"], in: dir.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        corpus/a.jsonl:1\t[[Paris]] is the ca…
        corpus/a.jsonl:3\tI love ([[Paris]]), and Fra…

        """)
    #expect(result.stderr == "2 of 3 documents containing Q90 (showing the first 2 in corpus order)\n")
    result = try Self.run(
      ["docs", "counts", "--entity", "Q90", "--limit", "0", "--context", "12"], in: dir.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        corpus/a.jsonl:1\t[[Paris]] is the capi…
        corpus/a.jsonl:3\tI love ([[Paris]]), and Franc…
        corpus/b.txt.gz:3\t[[Paris, France]] is lovely.…

        """)
    #expect(result.stderr == "3 documents containing Q90 (all, in corpus order)\n")

    // JSON: one object per line, snippets unmarked, offsets in code points; no header.
    result = try Self.run(["docs", "counts", "--pair", "Q90:Q142", "--json"], in: dir.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        {"id":1,"path":"corpus/a.jsonl","line":1,"snippet":"Paris is the capital of France.",\
        "mentions":[{"entity":"Q90","start":0,"end":5},{"entity":"Q142","start":24,"end":30}]}
        {"id":3,"path":"corpus/a.jsonl","line":3,"snippet":"I love (Paris), and France too. Paris!",\
        "mentions":[{"entity":"Q90","start":8,"end":13},{"entity":"Q142","start":20,"end":26},\
        {"entity":"Q90","start":32,"end":37}]}

        """)
    #expect(result.stderr.isEmpty)
    // The gzip text shard is shard 1: its first line has id 1 << 40 | 1.
    result = try Self.run(["docs", "counts", "--entity", "France", "--json"], in: dir.path)
    #expect(
      result.stdout.split(separator: "\n").last == """
        {"id":1099511627777,"path":"corpus/b.txt.gz","line":1,"snippet":"France alone",\
        "mentions":[{"entity":"Q142","start":0,"end":6}]}
        """)
    result = try Self.run(["docs", "counts", "--entity", "Q1"], in: dir.path)
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "0 documents containing Q1\n")

    // From another directory, relative shard paths are found next to the tables.
    result = try Self.run(["docs", dir.file("counts"), "--entity", "Q142", "--limit", "1"], in: "/")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == "\(dir.path)/corpus/a.jsonl:1\tParis is the capital of [[France]].\n")
    #expect(
      result.stderr
        == "1 of 3 documents containing Q142 (showing the first 1 in corpus order)\n")

    // A touched shard: a warning first.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSinceNow: -86_400)], ofItemAtPath: dir.file("corpus/b.txt.gz"))
    result = try Self.run(["docs", "counts", "--entity", "Q142"], in: dir.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("corpus/b.txt.gz:1\t[[France]] alone\n"))
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first?.hasPrefix("warning: 'corpus/b.txt.gz' has changed since it was counted") == true)
    #expect(lines.last == "3 documents containing Q142 (all, in corpus order)")

    // A moved corpus: which shard, where it was looked for, and why.
    try FileManager.default.moveItem(atPath: dir.file("corpus"), toPath: dir.file("moved"))
    result = try Self.run(["docs", "counts", "--entity", "Q90"], in: dir.path)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr.hasPrefix(
        "Error: shard 'corpus/a.jsonl' of 'counts/manifest.json' no longer exists (tried "
          + "'corpus/a.jsonl', '\(dir.path)/corpus/a.jsonl')"))
    #expect(result.stderr.contains("relative to the directory it ran in"))
    try FileManager.default.moveItem(atPath: dir.file("moved"), toPath: dir.file("corpus"))

    // Tables without document ids, an unknown entity, and bad arguments.
    try Self.run(
      ["count", "corpus", "-o", "plain", "--entities", "entities.tsv", "-q"], in: dir.path)
    result = try Self.run(["docs", "plain", "--entity", "Q90"], in: dir.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("recount with '--entities FILE --keep-doc-ids'"))
    result = try Self.run(["docs", "counts", "--pair", "Q90:Q0"], in: dir.path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("'Q90:Q0' does not split into two known entities"))
    for arguments in [
      ["docs", "counts"],
      ["docs", "counts", "--entity", "Q90", "--limit", "-1"],
      ["docs", "counts", "--entity", "Q90", "--context", "-1"],
    ] {
      let result = try Self.run(arguments, in: dir.path)
      #expect(result.status == 64, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("Error:"), "\(arguments)")
    }
  }
}
