import TailscanIO
import TailscanTestSupport
import Testing

/// The error parsing `bytes` throws, or nil if it parses.
func jsonError(_ bytes: [UInt8]) -> JSONError? {
  do {
    _ = try JSONValue.parse(bytes)
    return nil
  } catch {
    return error
  }
}

func jsonError(_ text: String) -> JSONError? { jsonError(Array(text.utf8)) }

/// `text` parsed; records an issue (and returns `.null`) if it does not parse.
func parsed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue {
  do {
    return try JSONValue.parse(text)
  } catch {
    Issue.record("\(text.debugDescription): \(error)", sourceLocation: sourceLocation)
    return .null
  }
}

/// An input that must be rejected, with where and why.
struct Rejection: CustomTestStringConvertible, Sendable {
  var input: [UInt8]
  var offset: Int
  var reason: String

  init(_ input: String, _ offset: Int, _ reason: String) {
    self.init(Array(input.utf8), offset, reason)
  }

  init(_ input: [UInt8], _ offset: Int, _ reason: String) {
    self.input = input
    self.offset = offset
    self.reason = reason
  }

  var testDescription: String {
    String(decoding: input, as: UTF8.self).debugDescription + " → \(offset): \(reason)"
  }
}

private let end = "unexpected end of input"
private let endInString = "unexpected end of input in a string"
private let badUTF8 = "not UTF-8"

@Suite("JSONParser rules")
struct JSONParserTests {
  @Test(
    "structure: rejected at the byte where the input stops being JSON",
    arguments: [
      Rejection("", 0, end),
      Rejection(" \t\r\n", 4, end),
      Rejection("[", 1, end),
      Rejection("{", 1, end),
      Rejection(#"{"a""#, 4, end),
      Rejection(#"{"a":"#, 5, end),
      Rejection(#"{"a":1,"#, 7, end),
      Rejection("[1,", 3, end),
      Rejection("[1", 2, end),
      Rejection("[1,]", 3, "trailing comma before ']'"),
      Rejection("[1, ]", 4, "trailing comma before ']'"),
      Rejection(#"{"a":1,}"#, 7, "trailing comma before '}'"),
      Rejection("[,1]", 1, "expected a value"),
      Rejection("[1,,2]", 3, "expected a value"),
      Rejection("[1,}", 3, "expected a value"),
      Rejection("{,}", 1, "expected a string key"),
      Rejection("[1 2]", 3, "expected ',' or ']' after an array element"),
      Rejection("[1}", 2, "expected ',' or ']' after an array element"),
      Rejection(#"{"a" 1}"#, 5, "expected ':' after an object key"),
      Rejection(#"{"a"=1}"#, 4, "expected ':' after an object key"),
      Rejection(#"{"a":1 "b":2}"#, 7, "expected ',' or '}' after an object member"),
      Rejection(#"{"a":1]"#, 6, "expected ',' or '}' after an object member"),
      Rejection("{a:1}", 1, "expected a string key"),
      Rejection("{1:1}", 1, "expected a string key"),
      Rejection("{'a':1}", 1, "expected a key in double quotes, not single quotes"),
      Rejection("['a']", 1, "expected a value (strings take double quotes, not single)"),
      Rejection("/* c */ 1", 0, "expected a value (JSON has no comments)"),
      Rejection("[1, // c\n2]", 4, "expected a value (JSON has no comments)"),
      Rejection("[1] // c", 4, "trailing characters after the value"),
      Rejection("[1]x", 3, "trailing characters after the value"),
      Rejection("1 2", 2, "trailing characters after the value"),
      Rejection("[1]\u{0}", 3, "trailing characters after the value"),
      Rejection("{}{}", 2, "trailing characters after the value"),
      Rejection("]", 0, "expected a value"),
      Rejection("}", 0, "expected a value"),
      Rejection(":", 0, "expected a value"),
      Rejection("\u{0}", 0, "expected a value"),
      Rejection("\u{A0}1", 0, "expected a value"),  // no-break space is not JSON whitespace
      Rejection("\u{0C}1", 0, "expected a value"),  // nor is form feed
      Rejection("[é]", 1, "expected a value"),
      Rejection([0xFF], 0, "expected a value"),
      Rejection(
        [0xEF, 0xBB, 0xBF, 0x31], 0, "a UTF-8 byte order mark is not allowed before the value"),
      Rejection([0xEF, 0xBB, 0xBF], 0, "a UTF-8 byte order mark is not allowed before the value"),
      Rejection([0x20, 0xEF, 0xBB, 0xBF, 0x31], 1, "expected a value"),
    ])
  func structure(_ rejection: Rejection) {
    #expect(
      jsonError(rejection.input) == JSONError(offset: rejection.offset, reason: rejection.reason))
  }

  @Test(
    "literals and numbers: RFC 8259's grammar plus NaN, Infinity and -Infinity",
    arguments: [
      Rejection("tru", 3, end),
      Rejection("trux", 3, "invalid literal (expected 'true')"),
      Rejection("True", 0, "expected a value"),
      Rejection("nul", 3, end),
      Rejection("nan", 1, "invalid literal (expected 'null')"),
      Rejection("fals", 4, end),
      Rejection("falsy", 4, "invalid literal (expected 'false')"),
      Rejection("truefalse", 4, "trailing characters after the value"),
      Rejection("[nulll]", 5, "expected ',' or ']' after an array element"),
      Rejection("01", 1, "leading zeros are not allowed in a number"),
      Rejection("-01", 2, "leading zeros are not allowed in a number"),
      Rejection("[00]", 2, "leading zeros are not allowed in a number"),
      Rejection("0.5.1", 3, "trailing characters after the value"),
      Rejection("+1", 0, "expected a value"),
      Rejection(".5", 0, "expected a value"),
      Rejection("-", 1, end),
      Rejection("[-]", 2, "expected a digit after '-'"),
      Rejection("-a", 1, "expected a digit after '-'"),
      Rejection("- 1", 1, "expected a digit after '-'"),
      Rejection("1.", 2, end),
      Rejection("[1.]", 3, "expected a digit after the decimal point"),
      Rejection("1.e5", 2, "expected a digit after the decimal point"),
      Rejection("1e", 2, end),
      Rejection("1e+", 3, end),
      Rejection("[1e]", 3, "expected a digit in the exponent"),
      Rejection("[1E-]", 4, "expected a digit in the exponent"),
      Rejection("1e+-1", 3, "expected a digit in the exponent"),
      Rejection("0x1F", 1, "trailing characters after the value"),
      Rejection("1_000", 1, "trailing characters after the value"),
      Rejection("-NaN", 1, "expected a digit after '-'"),
      Rejection("+Infinity", 0, "expected a value"),
      Rejection("NaN1", 3, "trailing characters after the value"),
      Rejection("Na", 2, end),
      Rejection("NAN", 1, "invalid literal (expected 'NaN')"),
      Rejection("Inf", 3, end),
      Rejection("Infinite", 7, "invalid literal (expected 'Infinity')"),
      Rejection("infinity", 0, "expected a value"),
      Rejection("-Infinit", 8, end),
      Rejection("-Inf ", 4, "invalid literal (expected 'Infinity')"),
    ])
  func literalsAndNumbers(_ rejection: Rejection) {
    #expect(
      jsonError(rejection.input) == JSONError(offset: rejection.offset, reason: rejection.reason))
  }

  @Test(
    "strings: escapes, control characters and UTF-8",
    arguments: [
      Rejection(#""abc"#, 4, endInString),
      Rejection(#"["abc"#, 5, endInString),
      Rejection("\"a\u{1}b\"", 2, "unescaped control character U+0001 in a string"),
      Rejection("\"a\nb\"", 2, "unescaped control character U+000A in a string"),
      Rejection("\"\t\"", 1, "unescaped control character U+0009 in a string"),
      Rejection("\"\u{0}\"", 1, "unescaped control character U+0000 in a string"),
      Rejection("\"\u{1F}\"", 1, "unescaped control character U+001F in a string"),
      Rejection(#""\x""#, 2, "invalid escape '\\x'"),
      Rejection(#""\'""#, 2, "invalid escape '\\''"),
      Rejection(#""\U0041""#, 2, "invalid escape '\\U'"),
      Rejection("\"\\\u{1}\"", 2, "invalid escape '\\x01'"),
      Rejection(#""\u12G4""#, 5, "invalid \\u escape (expected 4 hex digits)"),
      Rejection(#""\u12""#, 5, "invalid \\u escape (expected 4 hex digits)"),
      Rejection(#""\u+123""#, 3, "invalid \\u escape (expected 4 hex digits)"),
      Rejection(#""\"#, 2, endInString),
      Rejection(#""\u"#, 3, endInString),
      Rejection(#""\u00"#, 5, endInString),
      Rejection(#""\uD83D"#, 7, endInString),
      Rejection(#""\uD83D\"#, 8, endInString),
      Rejection(#""\uD83D\u"#, 9, endInString),
      Rejection(#""\uD83D\uDE0"#, 12, endInString),
      Rejection(#""\uD83D\uZ""#, 9, "invalid \\u escape (expected 4 hex digits)"),
      Rejection(#""\uD83D\x""#, 8, "invalid escape '\\x'"),
      Rejection([0x22, 0xFF, 0x22], 1, badUTF8),
      Rejection([0x22, 0x80, 0x22], 1, badUTF8),  // a lone continuation byte
      Rejection([0x22, 0x61, 0xC0, 0x80, 0x22], 2, badUTF8),  // overlong NUL
      Rejection([0x22, 0xE0, 0x80, 0xAF, 0x22], 1, badUTF8),  // overlong '/'
      Rejection([0x22, 0xED, 0xA0, 0x80, 0x22], 1, badUTF8),  // an encoded surrogate
      Rejection([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, badUTF8),  // past U+10FFFF
      Rejection([0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], 1, badUTF8),  // 5-byte form
      Rejection([0x22, 0xE2, 0x82, 0x22], 1, badUTF8),  // cut short by the quote
      Rejection([0x22, 0xE2, 0x82, 0x5C, 0x6E, 0x22], 1, badUTF8),  // cut short by an escape
      Rejection([0x22, 0xE2, 0x82], 3, endInString),  // cut short by the end of input
      Rejection([0x22, 0xF0, 0x9F, 0x98], 4, endInString),
      Rejection([0x22, 0xC3], 2, endInString),
      Rejection([0x22, 0xC3, 0xC3], 1, badUTF8),
      // The first problem is reported: invalid UTF-8 before a bad escape or control character.
      Rejection([0x22, 0x61, 0xFF, 0x5C, 0x78, 0x22], 2, badUTF8),
      Rejection([0x22, 0xFF, 0x01, 0x22], 1, badUTF8),
      Rejection([0x22, 0xFF], 1, badUTF8),
      Rejection([0x22, 0x5C, 0x6E, 0xFF, 0x22], 3, badUTF8),
      Rejection([0x22, 0x5C, 0x78, 0xFF, 0x22], 2, "invalid escape '\\x'"),
      // In keys too.
      Rejection([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], 2, badUTF8),
      Rejection("{\"a\nb\":1}", 3, "unescaped control character U+000A in a string"),
    ])
  func strings(_ rejection: Rejection) {
    #expect(
      jsonError(rejection.input) == JSONError(offset: rejection.offset, reason: rejection.reason))
  }

  @Test("the error's description gives the offset and the reason")
  func errorDescription() {
    #expect(
      jsonError(#"{"a" 1}"#)?.description
        == "invalid JSON at byte 5: expected ':' after an object key")
  }

  @Test("whitespace is space, tab, line feed and carriage return, around any token")
  func whitespace() {
    let value = parsed(" \t\r\n{ \"a\" \t:\n[ 1 ,\r2 ] , \"b\" : { } , \"c\":[ ] }\r\n ")
    #expect(
      value
        == .object(
          JSONObject(members: [
            ("a", .array([.number("1"), .number("2")])), ("b", .object(JSONObject())),
            ("c", .array([])),
          ])))
  }

  @Test("any value may be the top-level value")
  func topLevelScalars() {
    #expect(parsed("null") == .null)
    #expect(parsed(" true ") == .bool(true))
    #expect(parsed("false") == .bool(false))
    #expect(parsed("  42\n") == .number("42"))
    #expect(parsed(#""x""#) == .string("x"))
    #expect(parsed("[]") == .array([]))
    #expect(parsed("{}") == .object(JSONObject()))
  }

  @Test("numbers keep their literal text")
  func numberLiterals() throws {
    let literals = [
      "0", "-0", "24", "24.0", "2.4e1", "2.4E+1", "240e-1", "-0.5e3", "1e+007", "0.000",
      "12345678901234567890123", "-9223372036854775809", "1E-400", "1e400",
    ]
    let value = parsed("[" + literals.joined(separator: ", ") + "]")
    #expect(value == .array(literals.map { .number($0) }))
    #expect(value[0]?.number == "0")
    #expect(value[1]?.double == 0 && value[1]?.double?.sign == .minus)
    #expect(value[2]?.double == 24 && value[3]?.double == 24 && value[4]?.double == 24)
    #expect(value[2] != value[3], "24 and 24.0 are different literals")
    #expect(value[2]?.int == 24 && value[3]?.int == nil && value[4]?.int == nil)
    #expect(value[7]?.double == -500)
    #expect(value[8]?.double == 1e7)
    #expect(value[10]?.int == nil, "too big for Int")
    #expect(value[12]?.double == 0)
    #expect(value[13]?.double == .infinity)
  }

  @Test("Python's NaN, Infinity and -Infinity are numbers")
  func pythonSpecialNumbers() throws {
    let value = parsed(#"{"a": NaN, "b": [Infinity, -Infinity], "c": -0.0}"#)
    #expect(value["a"] == .number("NaN"))
    #expect(value["a"]?.double?.isNaN == true)
    #expect(value["b"]?[0]?.number == "Infinity" && value["b"]?[0]?.double == .infinity)
    #expect(value["b"]?[1]?.number == "-Infinity" && value["b"]?[1]?.double == -.infinity)
    #expect(value["a"]?.int == nil && value["b"]?[0]?.int == nil)
    #expect(parsed("NaN") == .number("NaN"))
    #expect(parsed(" -Infinity ") == .number("-Infinity"))
    #expect(parsed("[NaN,Infinity]") == .array([.number("NaN"), .number("Infinity")]))
  }

  @Test("escapes decode, surrogate pairs combine in either case")
  func escapes() {
    #expect(parsed(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
    #expect(parsed(#""\u0041\u00e9\u6F22\u0000\u001f""#) == .string("Aé漢\u{0}\u{1F}"))
    #expect(parsed(#""\uD83D\uDE00""#) == .string("😀"))
    #expect(parsed(#""\ud83d\ude00x""#) == .string("😀x"))
    #expect(parsed(#""\uDBFF\uDFFF""#) == .string("\u{10FFFF}"))
    #expect(parsed(#""\uD800\uDC00""#) == .string("\u{10000}"))
    #expect(parsed(#""a\nb""#) == .string("a\nb"))
    #expect(parsed("\"\u{7F}\u{2028}\u{FEFF}😀\"") == .string("\u{7F}\u{2028}\u{FEFF}😀"))
  }

  @Test("a lone surrogate escape becomes U+FFFD, and is counted")
  func loneSurrogates() throws {
    let cases: [(String, String, Int)] = [
      (#""\uD800""#, "\u{FFFD}", 1),
      (#""\uDC00""#, "\u{FFFD}", 1),
      (#""\uDFFFx""#, "\u{FFFD}x", 1),
      (#""\uD800x""#, "\u{FFFD}x", 1),
      (#""\uD800\u0041""#, "\u{FFFD}A", 1),
      (#""\uD800\n""#, "\u{FFFD}\n", 1),
      (#""\uDE00\uD83D""#, "\u{FFFD}\u{FFFD}", 2),
      (#""\uD83D\uD83D\uDE00""#, "\u{FFFD}😀", 1),
      (#""\uD83D\uDE00\uDE00""#, "😀\u{FFFD}", 1),
    ]
    var parser = JSONParser()
    var total = 0
    for (input, expected, replaced) in cases {
      #expect(try parser.parse(Array(input.utf8).span) == .string(expected), "\(input)")
      total += replaced
      #expect(parser.replacedSurrogates == total, "\(input)")
    }
  }

  @Test("arrays and objects nest 512 deep, not 513, and deeper input never overflows the stack")
  func depth() throws {
    func arrays(_ depth: Int) -> String {
      String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }
    func objects(_ depth: Int) -> String {
      String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
    }
    var value = parsed(arrays(512))
    for _ in 0..<511 { value = value[0] ?? .null }
    #expect(value == .array([]))
    #expect(jsonError(arrays(513)) == JSONError(offset: 512, reason: "nesting deeper than 512"))
    #expect(parsed(objects(512)) != .null)
    #expect(
      jsonError(objects(513)) == JSONError(offset: 512 * 5, reason: "nesting deeper than 512"))
    #expect(
      jsonError(String(repeating: "[", count: 1_000_000))
        == JSONError(offset: 512, reason: "nesting deeper than 512"))
    #expect(
      jsonError(String(repeating: #"[{"a":"#, count: 200_000))
        == JSONError(offset: 256 * 6, reason: "nesting deeper than 512"))
    // Depth counts open containers only: many siblings are fine.
    #expect(
      parsed("[" + Array(repeating: arrays(500), count: 100).joined(separator: ",") + "]") != .null)
  }

  @Test("a 1 MB string, plain, with escapes, and with non-ASCII text")
  func longStrings() throws {
    let plain = String(repeating: "abcdefghij", count: 100_000)
    #expect(parsed("\"\(plain)\"") == .string(plain))
    let escaped = String(repeating: #"abcdefgh\n"#, count: 100_000)
    let decoded = String(repeating: "abcdefgh\n", count: 100_000)
    #expect(parsed("[\"\(escaped)\"]")[0]?.string == decoded)
    let mixed = String(repeating: "héllo wörld 漢字 😀 ", count: 40_000)
    #expect(parsed("{\"k\":\"\(mixed)\"}")["k"]?.string == mixed)
    let bad = Array("\"\(plain)".utf8) + [0xFF] + Array("\"".utf8)
    #expect(jsonError(bad) == JSONError(offset: 1_000_001, reason: badUTF8))
  }

  @Test("strings' special bytes are found at every position around 8-byte words", arguments: 0..<24)
  func specialBytesAtEveryPosition(position: Int) {
    let before = String(repeating: "a", count: position)
    let after = String(repeating: "b", count: 19)
    #expect(parsed("\"\(before)\"") == .string(before))
    #expect(parsed("\"\(before)\\n\(after)\"") == .string(before + "\n" + after))
    #expect(parsed("\"\(before)é\(after)\"") == .string(before + "é" + after))
    #expect(parsed("\"\(before)😀\(after)\"") == .string(before + "😀" + after))
    #expect(parsed("\"\(before)\u{7F}\(after)\"") == .string(before + "\u{7F}" + after))
    #expect(
      jsonError("\"\(before)\u{1F}\(after)\"")
        == JSONError(offset: position + 1, reason: "unescaped control character U+001F in a string")
    )
    #expect(
      jsonError("\"\(before)\u{0}\(after)\"")
        == JSONError(offset: position + 1, reason: "unescaped control character U+0000 in a string")
    )
    for bad: [UInt8] in [[0xFF], [0x80], [0xC3, 0x28], [0xED, 0xBF, 0xBF]] {
      let input = Array("\"\(before)".utf8) + bad + Array("\(after)\"".utf8)
      #expect(jsonError(input) == JSONError(offset: position + 1, reason: badUTF8), "\(bad)")
    }
    // Valid text, then an invalid byte further on: the offset is still exact.
    let input = Array("\"\(before)é".utf8) + [0xFF] + Array("\(after)\"".utf8)
    #expect(jsonError(input) == JSONError(offset: position + 3, reason: badUTF8))
  }

  @Test("duplicate keys: all kept in order, the last one found")
  func duplicateKeys() throws {
    let value = parsed(#"{"a": 1, "b": 2, "a": 3, "a": {"a": 4}}"#)
    let object = try #require(value.object)
    #expect(object.keys == ["a", "b", "a", "a"])
    #expect(object.count == 4)
    #expect(value["a"] == .object(JSONObject(members: [("a", .number("4"))])))
    #expect(value["a"]?["a"] == .number("4"))
    #expect(value["b"] == .number("2"))
    #expect(value["c"] == nil)
  }

  @Test("keys and strings compare by their bytes, not by canonical equivalence")
  func exactText() {
    let value = parsed("{\"\u{E9}\": 1, \"e\u{301}\": 2}")
    #expect(value["\u{E9}"] == .number("1"))
    #expect(value["e\u{301}"] == .number("2"))
    #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
    #expect("\u{E9}" == "e\u{301}", "Swift's String == would call them equal")
    #expect(parsed("\"e\\u0301\"") == .string("e\u{301}"))
  }

  @Test("accessors return nil for the wrong kind of value or a missing element")
  func accessors() {
    let value = parsed(#"{"s": "x", "n": 5, "b": false, "z": null, "a": [1, "2"]}"#)
    #expect(value["s"]?.string == "x" && value["s"]?.number == nil && value["s"]?.bool == nil)
    #expect(value["n"]?.number == "5" && value["n"]?.double == 5 && value["n"]?.string == nil)
    #expect(value["b"]?.bool == false && value["b"]?.isNull == false)
    #expect(value["z"]?.isNull == true && value["z"]?.string == nil && value["z"]?.double == nil)
    #expect(value["a"]?[1] == .string("2") && value["a"]?.array?.count == 2)
    #expect(value["a"]?[2] == nil && value["a"]?[-1] == nil && value["a"]?["x"] == nil)
    #expect(value[0] == nil && value["s"]?[0] == nil && value["s"]?["s"] == nil)
    #expect(value.object?.count == 5 && value.array == nil && value["a"]?.object == nil)
    #expect(value["missing"] == nil)
  }

  @Test("equality is structural and exact")
  func equality() {
    #expect(JSONValue.number("1") != .number("1.0"))
    #expect(JSONValue.array([.null]) != .array([]))
    #expect(JSONValue.bool(true) != .number("1"))
    #expect(
      JSONValue.object(JSONObject(members: [("a", .null), ("b", .null)]))
        != .object(JSONObject(members: [("b", .null), ("a", .null)])),
      "member order matters")
    #expect(
      JSONValue.object(JSONObject(members: [("a", .null), ("a", .bool(true))]))
        != .object(JSONObject(members: [("a", .bool(true))])),
      "duplicates matter")
  }

  @Test("description is compact JSON that parses back to the same value")
  func description() {
    let text = #"{ "a" : [1, 2.50, -0e0, NaN, "x\"\\\/\u0001\n", true, null, {}], "a": "é😀" }"#
    let value = parsed(text)
    #expect(
      value.description
        == #"{"a":[1,2.50,-0e0,NaN,"x\"\\/\u0001\n",true,null,{}],"a":"é😀"}"#)
    #expect(parsed(value.description) == value)
  }

  @Test("the Span, array and String entry points agree; a parser can be reused after errors")
  func entryPoints() throws {
    let text = #"{"task":"multiplication","x1":24,"answer":"432"}"#
    let bytes = Array(text.utf8)
    let expected = try JSONValue.parse(bytes)
    #expect(try JSONValue.parse(bytes.span) == expected)
    #expect(try JSONValue.parse(text) == expected)
    var parser = JSONParser()
    for _ in 0..<3 {
      #expect(try parser.parse(bytes.span) == expected)
      #expect(throws: JSONError(offset: 9, reason: end)) {
        try parser.parse(Array(#"{"a":[1,{"#.utf8).span)
      }
      #expect(throws: JSONError(offset: 3, reason: "trailing comma before ']'")) {
        try parser.parse(Array("[1,]".utf8).span)
      }
    }
  }

  @Test("lines from ShardReader parse in place, with one parser for the file")
  func shardReaderLines() throws {
    let lines = [
      #"{"task":"multiplication","x1":24,"x2":18,"answer":"432","prediction":" 432"}"#,
      #"{"doc":{"q":"Who?","aliases":["A","B"]},"resps":[[" A"]],"exact_match":1.0}"#,
      #"{"bad": tru}"#,
      "[NaN]",
    ]
    let dir = try TemporaryDirectory()
    let path = try dir.write(Array(lines.joined(separator: "\n").utf8), to: "answers.jsonl")
    var reader = try ShardReader(path: path)
    var parser = JSONParser()
    var results: [Result<JSONValue, JSONError>] = []
    try reader.forEachLine { line, _ in
      do throws(JSONError) {
        results.append(.success(try parser.parse(line)))
      } catch {
        results.append(.failure(error))
      }
    }
    try #require(results.count == 4)
    #expect(try results[0].get()["answer"] == .string("432"))
    #expect(try results[1].get()["doc"]?["aliases"]?[1] == .string("B"))
    #expect(try results[1].get()["exact_match"]?.double == 1)
    #expect(throws: JSONError(offset: 11, reason: "invalid literal (expected 'true')")) {
      try results[2].get()
    }
    #expect(try results[3].get() == .array([.number("NaN")]))
  }
}
