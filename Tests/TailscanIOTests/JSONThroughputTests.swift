import Foundation
import TailscanIO
import Testing

/// Answer-log lines of the two common shapes, for measuring.
enum SampleLines {
  /// A simple arithmetic log line (~120 bytes).
  static let arithmetic =
    #"{"task":"multiplication","x1":24,"x2":18,"answer":"432","prediction":" 432 Q: What","#
    + #""model":"gpt-j-6b","shots":2,"seed":3}"#

  /// An lm-evaluation-harness TriviaQA `samples_*.jsonl` line (~1 KB): the doc with its answer
  /// aliases, a few-shot prompt in `arguments`, and the responses.
  static let triviaQA: String = {
    let shots = (1...4).map { k in
      #"Q: Which US president was born in Hawaii, number \#(k)?\nA: Barack Obama\n\n"#
    }
    let prompt =
      shots.joined() + #"Question: Who was the 44th president of the United States?\nAnswer:"#
    let aliases = [
      "Barack Obama", "Obama", "Barack Hussein Obama", "Barack H. Obama", "President Obama",
      "Barack Obama II", "B. Obama", "Barry Obama",
    ]
    let parts = [
      #"{"doc_id": 17, "doc": {"question": "Who was the 44th president of the United States?", "#,
      #""question_id": "tc_1234", "question_source": "http://www.quiz.com/", "#,
      #""answer": {"aliases": ["#, aliases.map { "\"\($0)\"" }.joined(separator: ", "),
      #"], "normalized_aliases": ["barack obama", "obama"], "value": "Barack Obama", "#,
      #""normalized_value": "barack obama", "type": "WikipediaEntity"}}, "#,
      #""target": " Barack Obama", "arguments": [[""#, prompt,
      #"", {"until": ["\n", ".", ","], "do_sample": false, "temperature": 0.0}]], "#,
      #""resps": [[" Barack Obama"]], "filtered_resps": [" Barack Obama"], "exact_match": 1.0}"#,
    ]
    return parts.joined()
  }()
}

/// Throughput against Foundation's `JSONSerialization`, printed only when
/// `TAILSCAN_JSON_THROUGHPUT=1` is set; time is never asserted. Run it in release mode:
///
///     TAILSCAN_JSON_THROUGHPUT=1 swift test -c release -Xswiftc -enable-testing \
///       --filter JSONThroughput
@Suite("JSONParser throughput (prints only when TAILSCAN_JSON_THROUGHPUT=1)")
struct JSONThroughputTests {
  static let enabled = ProcessInfo.processInfo.environment["TAILSCAN_JSON_THROUGHPUT"] == "1"

  @Test("the sample lines parse to what they hold, and as Foundation reads them")
  func samplesParse() throws {
    let arithmetic = try JSONValue.parse(SampleLines.arithmetic)
    #expect(arithmetic["answer"] == .string("432") && arithmetic["x1"]?.int == 24)
    let trivia = try JSONValue.parse(SampleLines.triviaQA)
    #expect(SampleLines.triviaQA.utf8.count > 900 && SampleLines.triviaQA.utf8.count < 1100)
    #expect(trivia["doc"]?["answer"]?["aliases"]?.array?.count == 8)
    #expect(trivia["doc"]?["answer"]?["value"] == .string("Barack Obama"))
    #expect(trivia["resps"] == .array([.array([.string(" Barack Obama")])]))
    #expect(trivia["exact_match"]?.number == "1.0")
    let prompt = try #require(trivia["arguments"]?[0]?[0]?.string)
    #expect(prompt.hasSuffix("States?\nAnswer:"))
    #expect(trivia["arguments"]?[0]?[1]?["until"]?[0] == .string("\n"))
    for (ours, line) in [(arithmetic, SampleLines.arithmetic), (trivia, SampleLines.triviaQA)] {
      let theirs = try JSONSerialization.jsonObject(with: Data(line.utf8))
      #expect(foundationDifference(ours, theirs) == nil)
    }
  }

  @Test("µs per line, this parser against JSONSerialization", .enabled(if: enabled))
  func throughput() throws {
    for (name, line, iterations) in [
      ("arithmetic", SampleLines.arithmetic, 200_000), ("TriviaQA", SampleLines.triviaQA, 40_000),
    ] {
      let bytes = Array(line.utf8)
      let data = Data(bytes)
      var sink = 0
      // The best of several rounds, the three ways taking turns.
      var best = [Double](repeating: .infinity, count: 3)
      var parser = JSONParser()
      for _ in 0..<9 {
        best[0] = min(
          best[0],
          microseconds(iterations) {
            if case .object(let o) = try? JSONValue.parse(bytes) { sink &+= o.count }
          })
        best[1] = min(
          best[1],
          microseconds(iterations) {
            if case .object(let o) = try? parser.parse(bytes.span) { sink &+= o.count }
          })
        best[2] = min(
          best[2],
          microseconds(iterations) {
            if let d = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
              sink &+= d.count
            }
          })
      }
      #expect(sink > 0)
      print(
        "\(name) line (\(bytes.count) bytes): JSONValue.parse \(format(best[0])) µs, "
          + "reused JSONParser \(format(best[1])) µs, JSONSerialization \(format(best[2])) µs "
          + "(\(String(format: "%.1f", best[2] / best[1]))× faster)")
    }
  }

  /// Average µs per call of `body` over `iterations` calls.
  private func microseconds(_ iterations: Int, _ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations { body() }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations) / 1000
  }

  private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
