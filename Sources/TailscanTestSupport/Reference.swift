/// The simple, obviously right definitions that the fast code is tested against.
public enum Reference {
  /// Exactly the code points for which Python's `str.isspace()` is true (Python 3.11,
  /// Unicode 14; re-check with `python3 Scripts/python-whitespace.py`).
  public static let pythonWhitespace: Set<UInt32> =
    Set(0x09...0x0D).union(0x1C...0x20).union([0x85, 0xA0, 0x1680]).union(0x2000...0x200A)
    .union([0x2028, 0x2029, 0x202F, 0x205F, 0x3000])

  /// Python's `str.split()` with no argument: maximal runs of non-whitespace scalars.
  public static func split(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if pythonWhitespace.contains(scalar.value) {
        if !current.isEmpty { tokens.append(String(current)) }
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty { tokens.append(String(current)) }
    return tokens
  }

  /// Occurrences and documents of every n-gram of `order` over tokenized documents.
  public static func counts(_ documents: [[String]], order: Int)
    -> [[String]: (count: UInt64, documents: UInt64)]
  {
    var result: [[String]: (count: UInt64, documents: UInt64)] = [:]
    for tokens in documents where tokens.count >= order {
      var seen = Set<[String]>()
      for start in 0...(tokens.count - order) {
        let gram = Array(tokens[start..<(start + order)])
        var counts = result[gram] ?? (0, 0)
        counts.count += 1
        if seen.insert(gram).inserted { counts.documents += 1 }
        result[gram] = counts
      }
    }
    return result
  }
}
