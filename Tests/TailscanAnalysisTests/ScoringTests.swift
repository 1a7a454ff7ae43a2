import Foundation
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// tailscan's answer scoring against Python (Scripts/scoring-reference wrote the expectations).
@Suite struct ScoringTests {
  static func reference() -> [String: [[Any]]] {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: Fixtures.path(
        "scoring/normalization.json"))),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: [[Any]]]
    else { return [:] }
    return object
  }

  @Test func normalizationEqualsTriviaQAsPython() throws {
    let cases = try #require(Self.reference()["normalize_answer"])
    #expect(cases.count > 40)
    for pair in cases {
      let input = try #require(pair[0] as? String)
      let expected = try #require(pair[1] as? String)
      #expect(Scoring.normalizeAnswer(input) == expected, "input: \(input.debugDescription)")
    }
  }

  /// The ASCII fast path agrees with the general one (which the Python cases check).
  @Test func asciiNormalizationEqualsTheGeneralOne() {
    var generator = SplitMix64(seed: 11)
    let pieces = [
      "a", "an", "the", "A", "An", "THE", "The", "x", "Zq", "7", " ", "  ", "\t", "\n", "_", ".",
      ",", "'", "-", "(", ")", "\"", "!", "~", "`", "theatre", "ant", "a1", "1a",
    ]
    for _ in 0..<3000 {
      let text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
        pieces[Int.random(in: 0..<pieces.count, using: &generator)]
      }.joined()
      #expect(Scoring.normalizeAnswer(text) == Scoring.normalizeScalars(text), "\(text.debugDescription)")
    }
  }

  @Test func whitespaceSplitEqualsPythons() throws {
    let cases = try #require(Self.reference()["split"])
    for pair in cases {
      let input = try #require(pair[0] as? String)
      let expected = try #require(pair[1] as? [String])
      #expect(Scoring.pythonSplit(Substring(input)).map(String.init) == expected)
    }
  }

  @Test(arguments: [
    (" 432 Q: What", nil, "432", true),
    ("432", nil, "432", true),
    ("432.", nil, "432", false),
    (" 4320", nil, "432", false),
    ("Q: What is 24 times 18?\nA: 432\n\nQ: What", "Q: What is 24 times 18?\nA:", "432", true),
    ("Q: What is 2 times 3?\nA: 6\nQ: What is 24 times 18?\nA: 431", nil, "432", false),
    ("Q: What is 24 times 18?\nA: 432", nil, "432", true),
    ("", nil, "432", false),
    ("   \n", nil, "432", false),
    ("\u{A0}432\u{A0}x", nil, "432", true),
    ("432€", nil, "432", false),
    ("\u{1C}432", nil, "432", true),
    ("432", nil, " 432\n", true),
  ] as [(String, String?, String, Bool)])
  func arithmeticScoring(prediction: String, prompt: String?, gold: String, correct: Bool) {
    #expect(
      Scoring.arithmeticCorrect(prediction: prediction, prompt: prompt, gold: gold) == correct)
  }

  @Test func theLastQuestionOfAPrompt() {
    #expect(Scoring.lastQuestion("Who wrote Hamlet?") == "Who wrote Hamlet?")
    #expect(
      Scoring.lastQuestion("Q: Capital of France?\nA: Paris\n\nQ: Who wrote Hamlet?\nA:")
        == "Who wrote Hamlet?")
    #expect(
      Scoring.lastQuestion(
        "Question: Capital of France?\nAnswer: Paris\nQuestion: Who wrote\nHamlet?\nAnswer:")
        == "Who wrote\nHamlet?")
    #expect(Scoring.lastQuestion("  Q: A question: why?  ") == "A question: why?")
    #expect(Scoring.lastQuestion("Trivia. Q: is not at a line start") == "Trivia. Q: is not at a line start")
  }

  @Test func qaScoringMatchesAnyAlias() {
    #expect(Scoring.qaCorrect(prediction: " The Beatles.", aliases: ["Beatles", "Fab Four"]))
    #expect(Scoring.qaCorrect(prediction: "fab four", aliases: ["Beatles", "Fab Four"]))
    #expect(!Scoring.qaCorrect(prediction: "Beatles, The Rolling Stones", aliases: ["Beatles"]))
    #expect(!Scoring.qaCorrect(prediction: "Paris", aliases: []))
  }

  @Test func arithmeticQuestions() {
    let last = ArithmeticQuestion("Q: What is 2 times 3?\nA: 6\n\nQ: What is 24 times 18?\nA:")
    #expect(last?.x1 == "24" && last?.x2 == "18" && last?.task == "multiplication")
    #expect(last?.unit == nil)
    #expect(ArithmeticQuestion("what is 7 plus 5?")?.task == "addition")
    #expect(ArithmeticQuestion("What is 9 minus 12?")?.x2 == "12")
    #expect(ArithmeticQuestion("What is 84 divided by 4?")?.x2 == "4")
    let conversion = ArithmeticQuestion("Q: What is 3 minutes in seconds?\nA:")
    #expect(conversion?.x1 == "3" && conversion?.x2 == nil && conversion?.unit == "minutes")
    #expect(conversion?.task == "conversion")
    #expect(ArithmeticQuestion("What is the capital of France?") == nil)
    #expect(ArithmeticQuestion("What is 24.5 times 2?") == nil)
    #expect(ArithmeticQuestion("What is 24 times x?") == nil)
    #expect(ArithmeticQuestion("What is 24 times") == nil)
  }

  @Test func sha256EqualsKnownDigests() throws {
    #expect(
      SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(
      SHA256.hex(of: Array("abc".utf8))
        == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(
      SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
        == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    #expect(
      SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
        == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    // Fed in pieces of every awkward size, the digest is the same.
    var generator = SplitMix64(seed: 5)
    let data = generator.bytes(count: 5000)
    var hash = SHA256()
    var offset = 0
    for size in [0, 1, 63, 64, 65, 127, 200, 1000] + [Int](repeating: 37, count: 100) {
      let end = min(offset + size, data.count)
      hash.update(data[offset..<end])
      offset = end
    }
    hash.update(data[offset...])
    #expect(hash.finish() == SHA256.hex(of: data))
  }
}
