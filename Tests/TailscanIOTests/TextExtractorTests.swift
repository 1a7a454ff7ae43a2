import TailscanIO
import TailscanTestSupport
import Testing

/// The text `extractor` takes from `line`, or `nil` for a blank line.
func extract(_ line: [UInt8], with extractor: inout TextExtractor) throws -> [UInt8]? {
  var result: [UInt8]? = nil
  let isDocument = try extractor.extract(from: line.span) { text in result = bytes(of: text) }
  #expect(isDocument == (result != nil), "body is called exactly for documents")
  return result
}

/// The text field of one JSONL line, or `nil` for a blank line.
func extractJSON(_ line: [UInt8], field: String = "text") throws -> [UInt8]? {
  var extractor = TextExtractor(format: .jsonl(field: field))
  return try extract(line, with: &extractor)
}

func extractJSON(_ line: String, field: String = "text") throws -> String? {
  try extractJSON(Array(line.utf8), field: field).map { String(decoding: $0, as: UTF8.self) }
}

/// The `LineError` extracting `line` throws, or `nil`.
func lineError(_ line: [UInt8], format: TextExtractor.Format = .jsonl(field: "text")) -> LineError? {
  var extractor = TextExtractor(format: format)
  do {
    _ = try extract(line, with: &extractor)
    return nil
  } catch let error as LineError {
    return error
  } catch {
    Issue.record("unexpected error type \(error)")
    return nil
  }
}

func lineError(_ line: String) -> LineError? { lineError(Array(line.utf8)) }

@Suite("TextExtractor targeted cases")
struct TextExtractorTests {
  @Test(
    "a line without the field is .missingField",
    arguments: [
      #"{}"#, #"{"a": "text"}"#, #"{"texts": "x"}"#, #"{"tex": "x"}"#, #"{"Text": "x"}"#,
      #"{"a": {"text": "nested"}}"#, #"{"a": [{"text": "in an array"}]}"#, #"{"b": "\"text\": \"x\""}"#,
      #" { "id" : 1 } "#,
    ])
  func missingField(line: String) {
    #expect(lineError(line) == .missingField("text"))
  }

  @Test(
    "a field that is not a string is .notAString",
    arguments: [
      #"{"text": 1}"#, #"{"text": -2.5e3}"#, #"{"text": null}"#, #"{"text": true}"#,
      #"{"text": false}"#, #"{"text": ["a"]}"#, #"{"text": {"text": "a"}}"#,
      #"{"text": "a", "text": 5}"#,
    ])
  func notAString(line: String) {
    #expect(lineError(line) == .notAString("text"))
  }

  @Test(
    "a line that is not one JSON object is .malformedJSON",
    arguments: [
      #"{"text": "abc""#,  // truncated object
      #"{"text": "abc", "#,  // truncated after a comma
      #"{"text": "abc"} x"#,  // trailing garbage
      #"{"text": "abc"}{}"#,  // two objects
      #"{"text": "a\qb"}"#,  // bad escape
      #"{"text": "a\u12G4"}"#,  // bad \u escape
      #"{"text": "a\u12"}"#,  // short \u escape
      "{\"text\": \"a\u{01}b\"}",  // raw control character
      "{\"text\": \"a\tb\"}",  // raw tab
      #"{"text": "abc}"#,  // unterminated string
      #"{"text" "abc"}"#,  // missing colon
      #"{"text": "a",}"#,  // trailing comma
      #"{text: "a"}"#,  // unquoted key
      #"["text", "a"]"#,  // not an object
      #""text""#,  // a bare string
      #"{"a": [1, 2}, "text": "x"}"#,  // mismatched brackets
      #"{"a": , "text": "x"}"#,  // missing value
      #"{"text": "x", "a": "unterminated}"#,
    ])
  func malformed(line: String) {
    let error = lineError(line)
    guard case .malformedJSON(let column, let expected)? = error else {
      Issue.record("\(line): got \(String(describing: error))")
      return
    }
    #expect(column >= 1 && column <= line.utf8.count + 1)
    #expect(!expected.isEmpty)
  }

  @Test("a malformed line reports the byte where parsing stopped")
  func malformedColumn() {
    #expect(lineError(#"{"text": "a\qb"}"#) == .malformedJSON(column: 13, expected: "a valid escape"))
    #expect(
      lineError(#"{"text": "abc"} x"#)
        == .malformedJSON(column: 17, expected: "end of line after the object"))
  }

  /// Bytes after `{"text": "a` (10 bytes), then `"}`.
  @Test(
    "invalid UTF-8 in the text is .invalidUTF8 at its first byte",
    arguments: [
      [0xC0, 0x80],  // overlong NUL
      [0xC1, 0xBF],  // overlong
      [0xE0, 0x80, 0xAF],  // overlong 3-byte
      [0xF0, 0x80, 0x80, 0xAF],  // overlong 4-byte
      [0xED, 0xA0, 0x80],  // U+D800 encoded
      [0xED, 0xBF, 0xBF],  // U+DFFF encoded
      [0x80],  // stray continuation byte
      [0xBF, 0x41],
      [0xE2, 0x82],  // truncated sequence, then the closing quote
      [0xF0, 0x9F, 0x98],  // truncated 4-byte sequence
      [0xF4, 0x90, 0x80, 0x80],  // U+110000
      [0xF5, 0x80, 0x80, 0x80],
      [0xFF],
      [0xFE],
    ] as [[UInt8]])
  func invalidUTF8(bad: [UInt8]) {
    let line = Array(#"{"text": "a"#.utf8) + bad + Array(#"z"}"#.utf8)
    #expect(lineError(line) == .invalidUTF8(column: 12), "bytes \(bad)")
  }

  @Test("valid UTF-8 at the edges of each range passes", arguments: [
    "\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}",
  ])
  func validEdges(scalar: String) throws {
    #expect(try extractJSON("{\"text\": \"<\(scalar)>\"}") == "<\(scalar)>")
  }

  @Test("a blank or whitespace-only line is not a document", arguments: ["", " ", "\t", " \t\r ", "\r"])
  func blank(line: String) throws {
    #expect(try extractJSON(line) == nil)
  }

  @Test("a lone surrogate escape becomes U+FFFD and is counted")
  func loneSurrogates() throws {
    let cases: [(String, String, Int)] = [
      (#"{"text": "a\ud800b"}"#, "a\u{FFFD}b", 1),
      (#"{"text": "\ud800"}"#, "\u{FFFD}", 1),
      (#"{"text": "\udc00x"}"#, "\u{FFFD}x", 1),
      (#"{"text": "\ud800\u0041"}"#, "\u{FFFD}A", 1),
      (#"{"text": "\ud800\ud800\udc00"}"#, "\u{FFFD}\u{10000}", 1),
      (#"{"text": "\udc00\ud800"}"#, "\u{FFFD}\u{FFFD}", 2),
      (#"{"text": "\ud83d\ude00"}"#, "😀", 0),
      (#"{"text": "\uD83D\uDE00"}"#, "😀", 0),
    ]
    for (line, expected, replaced) in cases {
      var extractor = TextExtractor(format: .jsonl(field: "text"))
      let text = try extract(Array(line.utf8), with: &extractor)
      #expect(text == Array(expected.utf8), "\(line)")
      let count = extractor.replacedSurrogates
      #expect(count == replaced, "\(line)")
    }
  }

  @Test("a duplicated field takes its last value, as Python's json does")
  func duplicateKeys() throws {
    #expect(try extractJSON(#"{"text": "first", "text": "second"}"#) == "second")
    #expect(try extractJSON(#"{"text": 1, "text": "last"}"#) == "last")
    #expect(try extractJSON(#"{"text": "long first value", "t\u0065xt": "b"}"#) == "b")
  }

  @Test("keys are compared after decoding their escapes")
  func escapedKeys() throws {
    #expect(try extractJSON(#"{"t\u0065xt": "x"}"#) == "x")
    #expect(try extractJSON(#"{"\u0074\u0065\u0078\u0074": "y"}"#) == "y")
    #expect(lineError(#"{"te\"xt": "x"}"#) == .missingField("text"))
  }

  @Test("an escaped key after the field does not disturb the decoded text")
  func escapedKeyAfterField() throws {
    #expect(try extractJSON(#"{"text": "keep me", "k\u0065y": 1}"#) == "keep me")
    #expect(try extractJSON(#"{"text": "keep", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9": 1}"#) == "keep")
  }

  @Test("other field names work, including non-ASCII ones")
  func otherFieldNames() throws {
    #expect(try extractJSON(#"{"text": "no", "content": "yes"}"#, field: "content") == "yes")
    #expect(try extractJSON(#"{"tëxt": "yes"}"#, field: "tëxt") == "yes")
    #expect(try extractJSON(#"{"t\u00ebxt": "yes"}"#, field: "tëxt") == "yes")
  }

  @Test("one extractor reused across lines of very different lengths")
  func reuse() throws {
    var extractor = TextExtractor(format: .jsonl(field: "text"))
    let long = String(repeating: "ab\\n漢", count: 40_000)
    let longDecoded = String(repeating: "ab\n漢", count: 40_000)
    let lines = [#"{"text": "short"}"#, "{\"text\": \"\(long)\"}", #"{"text": "x"}"#, "", #"{"text": ""}"#]
    let expected: [String?] = ["short", longDecoded, "x", nil, ""]
    for (line, want) in zip(lines, expected) {
      let got = try extract(Array(line.utf8), with: &extractor)
      #expect(got.map { String(decoding: $0, as: UTF8.self) } == want)
    }
  }

  @Test("plain lines pass through unchanged when valid UTF-8")
  func plainValid() throws {
    var extractor = TextExtractor(format: .plain)
    for line in ["hello", "{\"text\": 1}", " ", "é 漢字 😀 \u{10FFFF}", "\u{0}"] {
      #expect(try extract(Array(line.utf8), with: &extractor) == Array(line.utf8))
    }
    #expect(try extract([], with: &extractor) == nil)
  }

  @Test("plain lines with invalid UTF-8 are .invalidUTF8 at the bad byte")
  func plainInvalid() {
    #expect(lineError([0x61, 0x62, 0xC0, 0x80], format: .plain) == .invalidUTF8(column: 3))
    #expect(lineError([0xED, 0xA0, 0x80], format: .plain) == .invalidUTF8(column: 1))
    #expect(lineError(Array("abcdefgh12345678".utf8) + [0xE2, 0x82], format: .plain) == .invalidUTF8(column: 17))
  }
}
