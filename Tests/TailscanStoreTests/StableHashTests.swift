import Testing

@testable import TailscanStore

/// XXH64 against values computed independently with Python's `xxhash` package
/// (`xxhash.xxh64(data, seed=seed).intdigest()`).
struct StableHashTests {
  @Test(arguments: [
    ("", UInt64(0), UInt64(0xEF46_DB37_51D8_E999)),
    ("a", 0, 0xD24E_C4F1_A98C_6E5B),
    ("abc", 0, 0x44BC_2CF5_AD77_0999),
    ("The quick brown fox jumps over the lazy dog, twice over!", 0, 0x0709_FB4A_3913_333D),
    ("tailscan counts n-grams exactly in gzip JSONL shards", 0x7461_696C_7363_616E,
     0xD7FD_0727_33B8_B9D1),
  ])
  func knownValues(text: String, seed: UInt64, expected: UInt64) {
    #expect(XXH64.hash(Array(text.utf8), seed: seed) == expected)
  }

  @Test func allLengthPaths() {
    // 100 bytes 0, 1, …, 99 with seed 12345: exercises the 32-byte stripes, 8-, 4- and 1-byte tails.
    #expect(XXH64.hash((0..<100).map { UInt8($0) }, seed: 12345) == 0x028B_A1AE_2DE4_DE27)
  }
}
