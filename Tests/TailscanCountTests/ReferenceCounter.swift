import Foundation
import TailscanStore

/// The simple, obviously right counter that the pipeline is checked against: Swift strings,
/// a Python `str.split()` written from its definition, and dictionaries.
enum ReferenceCounter {
  /// Python's `str.isspace()` characters.
  static let whitespace: Set<UInt32> = Set(
    [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2028,
     0x2029, 0x202F, 0x205F, 0x3000] + Array(0x2000...0x200A))

  static func split(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if whitespace.contains(scalar.value) {
        if !current.isEmpty { tokens.append(String(current)) }
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty { tokens.append(String(current)) }
    return tokens
  }

  /// Counts of every n-gram of `order` over `documents` (texts).
  static func counts(_ documents: [String], order: Int) -> [[String]: NGramCounts] {
    var result: [[String]: NGramCounts] = [:]
    for document in documents {
      let tokens = split(document)
      var seen = Set<[String]>()
      guard tokens.count >= order else { continue }
      for start in 0...(tokens.count - order) {
        let gram = Array(tokens[start..<(start + order)])
        var counts = result[gram] ?? .zero
        counts.count += 1
        if seen.insert(gram).inserted { counts.documents += 1 }
        result[gram] = counts
      }
    }
    return result
  }
}
