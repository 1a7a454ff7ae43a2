import Foundation
import TailscanTestSupport
import TailscanText
import Testing

let pythonWhitespace = Reference.pythonWhitespace

func pythonSplit(_ text: String) -> [String] { Reference.split(text) }

/// Compares scalar by scalar: `String ==` would treat canonically equivalent tokens as equal.
func sameScalars(_ a: [String], _ b: [String]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { Array($0.unicodeScalars) == Array($1.unicodeScalars) }
}

@Suite("Tokenizer.whitespace")
struct WhitespaceTokenizerTests {
  @Test("the DESIGN worked example splits as Python splits it")
  func workedExample() {
    let text =
      "Q: What is 24 times 18? A: 432. Also 24 x 18 = 432 and 24.5 or 24, 18 minutes 60 seconds 100000000 7"
    // Python 3.11: text.split()
    let python = [
      "Q:", "What", "is", "24", "times", "18?", "A:", "432.", "Also", "24", "x", "18", "=", "432",
      "and", "24.5", "or", "24,", "18", "minutes", "60", "seconds", "100000000", "7",
    ]
    #expect(Tokenizer.whitespace.tokens(of: text) == python)
    #expect(pythonSplit(text) == python)
  }

  @Test("the whitespace list has the 29 code points Python accepts, and not ZWSP, BOM or U+180E")
  func list() {
    #expect(pythonWhitespace.count == 29)
    for notSpace: UInt32 in [0x200B, 0xFEFF, 0x180E, 0x00AD, 0x2060, 0x0008, 0x001B, 0x007F] {
      #expect(!pythonWhitespace.contains(notSpace))
    }
  }

  @Test("every scalar is whitespace exactly when Python says so")
  func everyScalar() {
    // "x", scalar, "x", scalar, ... in one string: a scalar splits iff it is whitespace.
    var text = String.UnicodeScalarView()
    for value in 0...0x10FFFF as ClosedRange<UInt32> {
      guard let scalar = Unicode.Scalar(value) else { continue }  // surrogates
      text.append("x")
      text.append(scalar)
    }
    text.append("x")
    let string = String(text)
    let got = Tokenizer.whitespace.tokens(of: string)
    let expected = pythonSplit(string)
    #expect(got.count == expected.count)
    #expect(sameScalars(got, expected))
  }

  @Test("seeded random strings split as Python splits them", arguments: 0..<16)
  func random(seed: UInt64) {
    var rng = SplitMix64(seed: seed)
    let spaces = pythonWhitespace.sorted().map { Unicode.Scalar($0)! }
    let pools: [[Unicode.Scalar]] = [
      spaces, spaces,
      // Not whitespace, but sharing lead bytes (C2, E1, E2, E3) or looking like it.
      ["\u{200B}", "\u{FEFF}", "\u{180E}", "\u{80}", "\u{84}", "\u{86}", "\u{9F}", "\u{A1}", "\u{AD}",
       "\u{1681}", "\u{167F}", "\u{200C}", "\u{200D}", "\u{200F}", "\u{2010}", "\u{2027}", "\u{202A}",
       "\u{202E}", "\u{2030}", "\u{205E}", "\u{2060}", "\u{3001}", "\u{3002}", "\u{2FFF}", "\u{8}", "\u{1B}", "\u{7F}"],
      Array("abcXYZ".unicodeScalars), Array("0123456789".unicodeScalars),
      Array(".,;:!?'\"()-=/".unicodeScalars),
      ["😀", "👍", "\u{1F3FD}", "🇫", "🇷", "𝄞"],
      ["漢", "字", "テ", "ス", "한"],
      ["\u{301}", "\u{308}", "\u{20DD}", "\u{0E49}"],
    ]
    for index in 0..<500 {
      var text = String.UnicodeScalarView()
      for _ in 0..<Int.random(in: 0...40, using: &rng) {
        text.append(pools.randomElement(using: &rng)!.randomElement(using: &rng)!)
      }
      let string = String(text)
      let got = Tokenizer.whitespace.tokens(of: string)
      #expect(sameScalars(got, pythonSplit(string)), "seed \(seed), case \(index): \(string.unicodeScalars.map { String($0.value, radix: 16) })")
    }
  }

  @Test("edge cases", arguments: [
    ("", [String]()), ("   ", []), ("a", ["a"]), (" a ", ["a"]), ("a\u{3000}b", ["a", "b"]),
    ("\u{85}a\u{85}", ["a"]), ("a\u{200B}b", ["a\u{200B}b"]), ("a\u{FEFF}b", ["a\u{FEFF}b"]),
    ("a\u{180E}b", ["a\u{180E}b"]), ("a\r\nb", ["a", "b"]), ("a\u{1C}b\u{1F}c", ["a", "b", "c"]),
    ("24,", ["24,"]), ("é\u{A0}é", ["é", "é"]),
  ])
  func edges(text: String, expected: [String]) {
    #expect(sameScalars(Tokenizer.whitespace.tokens(of: text), expected))
  }

  @Test(
    "Scripts/python-whitespace.py prints the same list",
    .enabled(if: ExternalTool.shouldRun("/usr/bin/python3"), "needs /usr/bin/python3"))
  func pythonScript() throws {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [repo.appendingPathComponent("Scripts/python-whitespace.py").path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let listed = output.split(separator: "\n").compactMap { line -> UInt32? in
      guard line.hasPrefix("U+") else { return nil }
      return UInt32(line.dropFirst(2).prefix { $0 != "\t" }, radix: 16)
    }
    #expect(Set(listed) == pythonWhitespace)
  }
}
