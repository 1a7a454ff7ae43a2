import Foundation
import Testing
import TailscanTestSupport

extension CLITests {
  /// Number terms and entities through the real binary: count in one pass with n-grams,
  /// query each kind, list the top terms of each family.
  @Test func numbersAndEntitiesEndToEnd() throws {
    let dir = try TemporaryDirectory()
    let corpus = try dir.write(
      Array(
        """
        {"text": "Q: What is 24 times 18? A: 432. Also 24 x 18 = 432 and 24.5 or 24, 18 minutes 60 seconds 100000000 7"}
        {"text": "Paris is the capital of France; (Paris) again."}

        """.utf8), to: "corpus/a.jsonl")
    let dictionary = try dir.write(Array("Q90\tParis\nQ142\tFrance\n".utf8), to: "e.tsv")
    let out = dir.file("counts")
    let counted = try Self.run(["count", corpus, "-o", out, "--numbers", "--entities", dictionary, "-q"])
    #expect(counted.status == 0, "\(counted.stderr)")
    #expect(counted.stdout.contains("numbers\t3\tdistinct\t1\n"))
    #expect(counted.stdout.contains("entities\t2\tdistinct\t1\n"))
    let queried = try Self.run([
      "query", out, "--numbers", "24", "18", "--numbers-keyword", "7", "Minutes", "--entity", "paris",
      "--pair", "Q142:Q90", "24",
    ])
    #expect(queried.status == 0, "\(queried.stderr)")
    #expect(
      queried.stdout == """
        kind\tkey\tcount\tdocuments
        number\t24\t2\t1
        number\t18\t2\t1
        number-pair\t18 24\t1\t1
        number-keyword\t7 minute\t1\t1
        entity\tQ90\t2\t1
        entity-pair\tQ142 Q90\t1\t1
        ngram\t24\t2\t1

        """)
    let stats = try Self.run(["stats", out, "--family", "numbers", "--order", "2", "--top", "2"])
    #expect(stats.status == 0, "\(stats.stderr)")
    #expect(stats.stdout.contains("numbers_3\tdistinct 1\toccurrences 1\n"))
    #expect(stats.stdout.contains("rank\tnumbers-2\tcount\tdocuments\n"))
    let bad = try Self.run(["stats", out, "--family", "words"])
    #expect(bad.status == 64)
    let notNumber = try Self.run(["query", out, "--numbers", "24,"])
    #expect(notNumber.status == 1)
    #expect(notNumber.stderr.contains("'24,' is not a number term (1 to 6 ASCII digits"))
  }
}
