/// Occurrences and documents of one term in a reference count.
public struct Tally: Hashable, Sendable, CustomStringConvertible {
  public var count: UInt64
  public var documents: UInt64
  public init(count: UInt64, documents: UInt64) {
    self.count = count
    self.documents = documents
  }
  public var description: String { "(\(count), \(documents) docs)" }
}

/// The first `limit` keys where `got` differs from `want` (wrong, missing or unexpected), for
/// failure messages; empty when they are equal.
public func tallyDifferences(
  got: [[String]: Tally], want: [[String]: Tally], limit: Int = 8
) -> String {
  let keys = Set(got.keys).union(want.keys).filter { got[$0] != want[$0] }
  return keys.sorted { "\($0)" < "\($1)" }.prefix(limit).map { key in
    "\(key): want \(want[key].map(\.description) ?? "none"), "
      + "got \(got[key].map(\.description) ?? "none")"
  }.joined(separator: "; ")
}

/// Adds one document's term occurrences (with repeats) to `tallies`.
private func tallyDocument(_ occurrences: [[String]], into tallies: inout [[String]: Tally]) {
  var seen = Set<[String]>()
  for key in occurrences {
    var tally = tallies[key] ?? Tally(count: 0, documents: 0)
    tally.count += 1
    if seen.insert(key).inserted { tally.documents += 1 }
    tallies[key] = tally
  }
}

/// Whether `a` sorts before `b` byte by byte (UTF-8).
public func bytesPrecede(_ a: String, _ b: String) -> Bool {
  a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// Razeghi et al.'s number terms (DESIGN §3), written as the rules say, by nested loops over
/// token positions: slow and obviously right.
public enum NumberReference {
  /// The paper's unit keywords (DESIGN §3).
  public static let units = ["second", "minute", "hour", "day", "week", "month", "year", "decade"]
  /// The paper's operator keywords (DESIGN §3).
  public static let operators = ["plus", "+", "minus", "-", "times", "*"]

  /// Whether `token` is 1 to `maxDigits` ASCII digits and nothing else.
  public static func isNumber(_ token: String, maxDigits: Int) -> Bool {
    let bytes = Array(token.utf8)
    return bytes.count >= 1 && bytes.count <= maxDigits
      && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
  }

  /// The keyword `token` is, as keyed in the tables: a unit in any ASCII case with an optional
  /// plural `s` (keyed by its lower-case singular), or an operator exactly as written.
  public static func keyword(
    _ token: String, units: [String] = units, operators: [String] = operators
  ) -> String? {
    if operators.contains(token) { return token }
    let lower = String(
      decoding: token.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    for unit in units {
      let singular = String(
        decoding: unit.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
      if lower == singular || lower == singular + "s" { return singular }
    }
    return nil
  }

  /// Every number term of `documents` (lists of whitespace tokens): `[x]` for numbers and
  /// keywords, `[x1, x2]` for number pairs (string order), `[x, keyword]` for number–keyword
  /// pairs, `[x1, x2, x3]` for triples (string order).
  public static func counts(
    _ documents: [[String]], window: Int = 4, maxDigits: Int = 6, units: [String] = units,
    operators: [String] = operators
  ) -> [[String]: Tally] {
    var tallies: [[String]: Tally] = [:]
    for tokens in documents {
      let n = tokens.count
      let isNumber = tokens.map { Self.isNumber($0, maxDigits: maxDigits) }
      let keywords = tokens.indices.map {
        isNumber[$0] ? nil : keyword(tokens[$0], units: units, operators: operators)
      }
      var occurrences: [[String]] = []
      for p in 0..<n {
        if isNumber[p] {
          occurrences.append([tokens[p]])
        } else if let keyword = keywords[p] {
          occurrences.append([keyword])
        }
      }
      // Pairs: p < q, q − p ≤ window.
      for p in 0..<n where isNumber[p] {
        for q in (p + 1)..<max(p + 1, min(n, p + window + 1)) where isNumber[q] {
          occurrences.append([tokens[p], tokens[q]].sorted(by: bytesPrecede))
        }
      }
      // Triples: p < r < s ≤ p + window.
      for p in 0..<n where isNumber[p] {
        for r in (p + 1)..<max(p + 1, min(n, p + window + 1)) where isNumber[r] {
          for s in (r + 1)..<max(r + 1, min(n, p + window + 1)) where isNumber[s] {
            occurrences.append([tokens[p], tokens[r], tokens[s]].sorted(by: bytesPrecede))
          }
        }
      }
      // Number–keyword: |p − q| ≤ window, either side.
      for p in 0..<n where isNumber[p] {
        for q in 0..<n where q != p && abs(q - p) <= window && !isNumber[q] {
          if let keyword = keywords[q] { occurrences.append([tokens[p], keyword]) }
        }
      }
      tallyDocument(occurrences, into: &tallies)
    }
    return tallies
  }
}

/// Kandpal-style dictionary entities (DESIGN §4), matched as the rules say: tokens stripped of
/// edge punctuation and case-folded, then leftmost-longest, non-overlapping alias matches.
public enum EntityReference {
  /// Python's `string.punctuation`.
  public static let asciiPunctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)

  /// Whether `scalar` is ASCII punctuation or in a Unicode punctuation category (P*).
  public static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    if asciiPunctuation.contains(scalar) { return true }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
      .initialPunctuation, .finalPunctuation, .otherPunctuation:
      return true
    default:
      return false
    }
  }

  /// `token` without its edge punctuation and, with `foldsCase`, case-folded (Unicode
  /// lowercase mapping of each scalar, then ß → ss, ς → σ, ſ → s); nil if nothing is left.
  public static func normalize(_ token: String, foldsCase: Bool) -> String? {
    var scalars = Array(token.unicodeScalars)
    while let first = scalars.first, isPunctuation(first) { scalars.removeFirst() }
    while let last = scalars.last, isPunctuation(last) { scalars.removeLast() }
    if scalars.isEmpty { return nil }
    var out = String.UnicodeScalarView()
    for scalar in scalars {
      guard foldsCase else {
        out.append(scalar)
        continue
      }
      for lower in scalar.properties.lowercaseMapping.unicodeScalars {
        switch lower {
        case "\u{DF}": out.append(contentsOf: "ss".unicodeScalars)
        case "\u{3C2}": out.append("\u{3C3}")
        case "\u{17F}": out.append("s")
        default: out.append(lower)
        }
      }
    }
    return String(out)
  }

  /// Sentence punctuation: a match goes on past a token that ends with it only where some
  /// alias has it there too; a token of nothing but punctuation holding some ends any match.
  public static func isStop(_ scalar: Unicode.Scalar) -> Bool {
    ".!?;:\u{2026}\u{3002}\u{FF01}\u{FF1F}\u{FF1B}\u{FF1A}".unicodeScalars.contains(scalar)
  }

  /// Appended to a token whose stripped end held sentence punctuation; and the token that
  /// stands for one of nothing but punctuation holding some (it matches nothing).
  public static let stopMark = "\u{FFFF}"
  public static let stopToken = "\u{FFFE}"

  /// The normalized tokens of `text`: whitespace tokens, those of nothing but punctuation
  /// dropped (or `stopToken` if they hold sentence punctuation), `stopMark` appended to a token
  /// whose stripped end held sentence punctuation.
  public static func tokens(_ text: String, foldsCase: Bool) -> [String] {
    Reference.split(text).compactMap { raw in
      let scalars = Array(raw.unicodeScalars)
      var end = scalars.count
      var stops = false
      while end > 0 && isPunctuation(scalars[end - 1]) {
        stops = stops || isStop(scalars[end - 1])
        end -= 1
      }
      guard let token = normalize(raw, foldsCase: foldsCase) else {
        return scalars.contains(where: isStop) ? stopToken : nil
      }
      return stops ? token + stopMark : token
    }
  }

  /// Whether a token from `tokens` ended with sentence punctuation.
  public static func stops(_ token: String) -> Bool { token.hasSuffix(stopMark) }

  /// Tokens as the bytes they are (no Unicode normalization: `String` equality would treat
  /// `é` and `e` + U+0301 as the same), without their `stopMark`s.
  public static func key(_ tokens: some Sequence<String>) -> [[UInt8]] {
    tokens.map { stops($0) ? Array($0.dropLast().utf8) : Array($0.utf8) }
  }

  /// The alias prefixes (as keys) that some alias reaches right after a token that ended with
  /// sentence punctuation: text may go on there after such a token too.
  public static func stopPrefixes(
    _ entries: [(id: String, aliases: [String])], foldsCase: Bool
  ) -> Set<[[UInt8]]> {
    var result = Set<[[UInt8]]>()
    for entry in entries {
      for alias in entry.aliases {
        let tokens = tokens(alias, foldsCase: foldsCase)
        if tokens.contains(stopToken) { continue }
        for k in tokens.indices.dropLast() where stops(tokens[k]) {
          result.insert(key(tokens[...(k + 1)]))
        }
      }
    }
    return result
  }

  /// Normalized alias (token bytes) → the entities it names.
  public static func aliasTable(
    _ entries: [(id: String, aliases: [String])], foldsCase: Bool
  ) -> [[[UInt8]]: Set<String>] {
    var table: [[[UInt8]]: Set<String>] = [:]
    for entry in entries {
      for alias in entry.aliases {
        let tokens = tokens(alias, foldsCase: foldsCase)
        // An alias with a token of nothing but sentence punctuation can never match.
        if !tokens.isEmpty && !tokens.contains(stopToken) {
          table[key(tokens), default: []].insert(entry.id)
        }
      }
    }
    return table
  }

  /// The matches in `tokens`: at each position the longest alias starting there, if any, and
  /// then on after it.
  public static func matches(
    _ tokens: [String], aliases: [[[UInt8]]: Set<String>], stopPrefixes: Set<[[UInt8]]> = []
  ) -> [(range: Range<Int>, entities: Set<String>)] {
    /// Whether the window's inner steps are allowed after sentence punctuation.
    func allowed(_ window: ArraySlice<String>) -> Bool {
      let start = window.startIndex
      for k in start..<(window.endIndex - 1) where stops(window[k]) {
        if !stopPrefixes.contains(key(window[start...(k + 1)])) { return false }
      }
      return true
    }
    let longest = aliases.keys.map(\.count).max() ?? 0
    var result: [(range: Range<Int>, entities: Set<String>)] = []
    var i = 0
    while i < tokens.count {
      var found: (range: Range<Int>, entities: Set<String>)?
      for length in stride(from: min(longest, tokens.count - i), through: 1, by: -1) {
        let window = tokens[i..<(i + length)]
        if let entities = aliases[key(window)], allowed(window) {
          found = (i..<(i + length), entities)
          break
        }
      }
      if let found {
        result.append(found)
        i = found.range.upperBound
      } else {
        i += 1
      }
    }
    return result
  }

  /// What an entity count of some documents should hold.
  public struct Counts: Equatable, Sendable {
    /// Every dictionary entity, with zeros for those never matched.
    public var entities: [String: Tally] = [:]
    /// `[a, b]` (a before b in byte order) → documents containing both (count = documents).
    public var pairs: [[String]: Tally] = [:]
    /// Per entity, the ids of the documents containing it, ascending.
    public var postings: [String: [UInt64]] = [:]
  }

  /// Counts `documents` (id, text) with the dictionary `entries`; with `pairList` (pairs of ids
  /// in byte order), only those pairs.
  public static func counts(
    _ documents: [(id: UInt64, text: String)], entries: [(id: String, aliases: [String])],
    foldsCase: Bool, pairList: Set<[String]>? = nil
  ) -> Counts {
    let aliases = aliasTable(entries, foldsCase: foldsCase)
    let stopPrefixes = stopPrefixes(entries, foldsCase: foldsCase)
    var counts = Counts()
    for entry in entries {
      counts.entities[entry.id] = Tally(count: 0, documents: 0)
      counts.postings[entry.id] = []
    }
    for document in documents {
      var present = Set<String>()
      for match in matches(
        tokens(document.text, foldsCase: foldsCase), aliases: aliases, stopPrefixes: stopPrefixes)
      {
        for entity in match.entities {
          counts.entities[entity]!.count += 1
          present.insert(entity)
        }
      }
      for entity in present {
        counts.entities[entity]!.documents += 1
        counts.postings[entity]!.append(document.id)
      }
      let sorted = present.sorted(by: bytesPrecede)
      for (i, a) in sorted.enumerated() {
        for b in sorted[(i + 1)...] where pairList?.contains([a, b]) ?? true {
          counts.pairs[[a, b], default: Tally(count: 0, documents: 0)].count += 1
          counts.pairs[[a, b]]!.documents += 1
        }
      }
    }
    return counts
  }
}
