import Foundation

/// How an answer is judged when the log has no `correct` field (DESIGN §5).
public enum Scoring {
  /// Razeghi et al.'s answer: the first whitespace token of the completion.
  ///
  /// The completion is what follows the prompt when the prediction starts with it, or starts
  /// with `Q:` and holds it (a log of whole generations), past the `A:` that follows a bare
  /// question; failing that, when the prediction starts with `Q:` (a generation holding its
  /// own `Q: … A:` prompt), the text after its last `A:`; failing that, the prediction itself,
  /// whose later `Q:`s and `A:`s are the model going on with questions of its own (the
  /// question repeated included). Nil when the completion has no token.
  public static func arithmeticAnswer(prediction: String, prompt: String?) -> String? {
    let bytes = Array(prediction.utf8)
    var start = 0
    let holdsPrompt = firstToken(bytes[...])?.hasPrefix("Q:") == true
    if let prompt, !prompt.isEmpty,
      let found = prediction.utf8.starts(with: prompt.utf8)
        ? 0 : holdsPrompt ? firstIndex(of: Array(prompt.utf8), in: bytes) : nil
    {
      start = found + prompt.utf8.count
      var i = start
      while i < bytes.count, isASCIISpace(bytes[i]) { i += 1 }
      if bytes[i...].starts(with: [0x41, 0x3A]) { start = i + 2 }  // "A:"
    } else if holdsPrompt, let marker = lastIndex(of: [0x41, 0x3A], in: bytes)  // "A:"
    {
      start = marker + 2
    }
    return firstToken(bytes[start...])
  }

  /// The start of the first occurrence of `needle` in `bytes`.
  static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
    for i in 0...(bytes.count - needle.count)
    where bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
      return i
    }
    return nil
  }

  /// Whether `prediction` is right: its arithmetic answer token equals `gold` (white space
  /// around the gold answer ignored), exactly as strings.
  public static func arithmeticCorrect(prediction: String, prompt: String?, gold: String) -> Bool {
    guard let answer = arithmeticAnswer(prediction: prediction, prompt: prompt) else {
      return false
    }
    return answer == trimmed(gold)
  }

  /// `text` without Python white space at its ends.
  static func trimmed(_ text: String) -> String {
    if let first = text.utf8.first, let last = text.utf8.last, first > 0x20 && first < 0x80,
      last > 0x20 && last < 0x80
    {
      return text  // the common case: nothing to trim
    }
    let scalars = text.unicodeScalars
    guard let start = scalars.firstIndex(where: { !isPythonSpace($0) }),
      let end = scalars.lastIndex(where: { !isPythonSpace($0) })
    else { return "" }
    return String(scalars[start...end])
  }

  /// The start of the last occurrence of `needle` in `bytes`.
  static func lastIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
    guard bytes.count >= needle.count else { return nil }
    var i = bytes.count - needle.count
    while i >= 0 {
      if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i -= 1
    }
    return nil
  }

  /// The first Python white-space-separated token of `bytes` (UTF-8), or nil.
  static func firstToken(_ bytes: ArraySlice<UInt8>) -> String? {
    // ASCII fast path: stop at the first byte that is not ASCII.
    var i = bytes.startIndex
    while i < bytes.endIndex, bytes[i] < 0x80, isASCIISpace(bytes[i]) { i += 1 }
    var j = i
    while j < bytes.endIndex, bytes[j] < 0x80, !isASCIISpace(bytes[j]) { j += 1 }
    if j == bytes.endIndex || (j > i && isASCIISpace(bytes[j])) {
      return j > i ? String(decoding: bytes[i..<j], as: UTF8.self) : nil
    }
    let rest = String(decoding: bytes[bytes.startIndex...], as: UTF8.self)
    return pythonSplit(Substring(rest)).first.map(String.init)
  }

  /// Python's white space among ASCII: tab, line feed, vertical tab, form feed, carriage
  /// return, the separators 0x1C–0x1F, and space.
  static func isASCIISpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte) || (0x1C...0x1F).contains(byte)
  }

  /// The question a QA prompt asks: in a few-shot prompt (`Q: … A: …` or `Question: …
  /// Answer: …` examples), the text after the last line that starts with `Q:` or `Question:`,
  /// up to the next line that starts with `A:` or `Answer:`; otherwise the whole text. White
  /// space at the ends is removed. The examples' entities are not the question's.
  public static func lastQuestion(_ text: String) -> String {
    // Most questions are one plain line: no marker, nothing to trim.
    if !hasQuestionMarker(text), let first = text.utf8.first, let last = text.utf8.last,
      first > 0x20, first < 0x80, last > 0x20, last < 0x80
    {
      return text
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    func content(_ line: Substring, after markers: [String]) -> Substring? {
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      for marker in markers where trimmed.hasPrefix(marker) {
        return trimmed.dropFirst(marker.count)
      }
      return nil
    }
    guard
      let start = lines.lastIndex(where: { content($0, after: ["Q:", "Question:"]) != nil })
    else { return text.trimmingCharacters(in: .whitespacesAndNewlines) }
    var question = [content(lines[start], after: ["Q:", "Question:"]) ?? ""]
    for line in lines[(start + 1)...] {
      if content(line, after: ["A:", "Answer:"]) != nil { break }
      question.append(line)
    }
    return question.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Whether a line of `text` starts (after spaces and tabs) with `Q:` or `Question:`.
  static func hasQuestionMarker(_ text: String) -> Bool {
    let bytes = text.utf8
    var lineStart = true
    var index = bytes.startIndex
    while index != bytes.endIndex {
      let byte = bytes[index]
      if byte == 0x0A {
        lineStart = true
      } else if lineStart && (byte == 0x20 || byte == 0x09) {
        // still at the start
      } else {
        if lineStart && byte == 0x51 {  // "Q"
          let rest = bytes[bytes.index(after: index)...]
          if rest.starts(with: ":".utf8) || rest.starts(with: "uestion:".utf8) { return true }
        }
        lineStart = false
      }
      index = bytes.index(after: index)
    }
    return false
  }

  /// Whether `prediction` matches one of `aliases` after `normalizeAnswer`.
  public static func qaCorrect(prediction: String, aliases: [String]) -> Bool {
    let normalized = normalizeAnswer(prediction)
    return aliases.contains { normalizeAnswer($0) == normalized }
  }

  /// TriviaQA's official answer normalisation (its `normalize_answer`, also used by
  /// lm-evaluation-harness), character for character: `_` becomes a space; lower-case (Python's
  /// `str.lower`, final sigma included); each punctuation character (ASCII punctuation and
  /// ‘ ’ ´ `) becomes a space; the words `a`, `an`, `the` become spaces (`\b(a|an|the)\b`);
  /// white space is collapsed to single spaces and trimmed.
  public static func normalizeAnswer(_ text: String) -> String {
    let bytes = text.utf8.span
    for i in bytes.indices where !((bytes[i] >= 0x20 && bytes[i] < 0x7F) || (0x09...0x0D).contains(bytes[i])) {
      return normalizeScalars(text)
    }
    return normalizeASCII(text)
  }

  /// `normalizeAnswer` of any text, scalar by scalar.
  static func normalizeScalars(_ text: String) -> String {
    let scalars = pythonLower(Array(text.replacingOccurrences(of: "_", with: " ").unicodeScalars))
      .map { punctuation.contains($0) ? " " : $0 }
    // Remove the articles: maximal runs of word characters equal to a, an or the.
    var kept: [Unicode.Scalar] = []
    kept.reserveCapacity(scalars.count)
    var i = 0
    while i < scalars.count {
      guard isWordCharacter(scalars[i]) else {
        kept.append(scalars[i])
        i += 1
        continue
      }
      var j = i
      while j < scalars.count && isWordCharacter(scalars[j]) { j += 1 }
      let word = scalars[i..<j]
      if word.elementsEqual("a".unicodeScalars) || word.elementsEqual("an".unicodeScalars)
        || word.elementsEqual("the".unicodeScalars)
      {
        kept.append(" ")
      } else {
        kept.append(contentsOf: word)
      }
      i = j
    }
    var joined = String.UnicodeScalarView()
    joined.append(contentsOf: kept)
    return pythonSplit(Substring(String(joined))).joined(separator: " ")
  }

  /// `normalizeAnswer` of text made only of printable ASCII and ASCII white space, on bytes.
  /// There every character is white space, punctuation or a letter or digit, so the rules
  /// come down to: split at white space and punctuation, lower-case, drop a, an and the.
  private static func normalizeASCII(_ text: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var word: [UInt8] = []
    word.reserveCapacity(16)
    func endWord() {
      defer { word.removeAll(keepingCapacity: true) }
      switch word.count {
      case 0: return
      case 1 where word[0] == 0x61: return  // a
      case 2 where word[0] == 0x61 && word[1] == 0x6E: return  // an
      case 3 where word[0] == 0x74 && word[1] == 0x68 && word[2] == 0x65: return  // the
      default: break
      }
      if !out.isEmpty { out.append(0x20) }
      out.append(contentsOf: word)
    }
    let bytes = text.utf8.span
    for i in bytes.indices {
      let byte = bytes[i]
      if isASCIIAlphanumeric(byte) {
        word.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
      } else {
        endWord()
      }
    }
    endWord()
    return String(decoding: out, as: UTF8.self)
  }

  private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
  }

  /// `string.punctuation` plus the quotes TriviaQA adds.
  private static let punctuation = Set(
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u{2018}\u{2019}\u{B4}`".unicodeScalars)

  /// Python's `\w` for str patterns: letters, digits and numerics (`str.isalnum`), and `_`.
  static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "_" { return true }
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      return true
    default:
      return scalar.properties.numericType != nil
    }
  }

  /// Python's `str.isspace`: Unicode white space and the separators U+001C–U+001F.
  static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
  }

  /// Python's `str.split()`: the runs of non-white-space characters.
  static func pythonSplit(_ text: Substring) -> [Substring] {
    var result: [Substring] = []
    var start: String.Index? = nil
    var index = text.startIndex
    for scalar in text.unicodeScalars {
      let next = text.unicodeScalars.index(after: index)
      if isPythonSpace(scalar) {
        if let s = start { result.append(text[s..<index]) }
        start = nil
      } else if start == nil {
        start = index
      }
      index = next
    }
    if let s = start { result.append(text[s...]) }
    return result
  }

  /// Python's `str.lower`: each scalar's full lower-case mapping, and a capital sigma that ends
  /// a word (a cased letter before it, none after, case-ignorable characters skipped) becomes
  /// final sigma.
  static func pythonLower(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(scalars.count)
    for (i, scalar) in scalars.enumerated() {
      if scalar == "\u{3A3}" {
        func cased(_ indices: some Sequence<Int>) -> Bool {
          for j in indices {
            let p = scalars[j].properties
            if p.isCaseIgnorable { continue }
            return p.isCased
          }
          return false
        }
        let final = cased(stride(from: i - 1, through: 0, by: -1)) && !cased(i + 1..<scalars.count)
        result.append(final ? "\u{3C2}" : "\u{3C3}")
        continue
      }
      result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
    }
    return result
  }
}

/// The operands of an arithmetic question as Razeghi et al. asked it: `What is 24 times 18?`,
/// `What is 24 plus 18?`, `What is 3 minutes in seconds?` (the last `What is` of the text, so a
/// few-shot prompt gives its final question).
struct ArithmeticQuestion: Equatable {
  var x1: String
  var x2: String?
  /// `multiplication`, `addition`, `subtraction`, `division`, or `conversion`.
  var task: String
  /// The unit converted from, as written (`minutes`).
  var unit: String?

  static let operations: [String: String] = [
    "times": "multiplication", "x": "multiplication", "*": "multiplication",
    "\u{D7}": "multiplication", "plus": "addition", "+": "addition", "minus": "subtraction",
    "-": "subtraction", "divided": "division", "/": "division",
  ]

  /// The question in `text`, or nil when it has none of these shapes.
  init?(_ text: String) {
    let bytes = Array(text.utf8)
    let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    guard let start = Scoring.lastIndex(of: Array("what is ".utf8), in: lower) else {
      return nil
    }
    let rest = String(decoding: bytes[(start + 8)...], as: UTF8.self)
    let words = Scoring.pythonSplit(Substring(rest)).prefix(5).map {
      String($0).trimmingTrailing("?.:")
    }
    guard words.count >= 3, words[0].allSatisfy(\.isASCII),
      words[0].allSatisfy({ $0.isNumber })
    else { return nil }
    x1 = words[0]
    if let task = Self.operations[words[1].lowercased()] {
      var x2Index = 2
      if task == "division" && words[1].lowercased() == "divided" {
        guard words.count >= 4, words[2].lowercased() == "by" else { return nil }
        x2Index = 3
      }
      let x2 = words[x2Index]
      guard !x2.isEmpty, x2.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
      self.x2 = x2
      self.task = task
      unit = nil
    } else if words.count >= 4, words[2].lowercased() == "in" {
      x2 = nil
      task = "conversion"
      unit = words[1]
    } else {
      return nil
    }
  }
}

extension String {
  /// The string without trailing characters from `set`.
  func trimmingTrailing(_ set: String) -> String {
    var s = Substring(self)
    while let last = s.last, set.contains(last) { s = s.dropLast() }
    return String(s)
  }
}
