import ArgumentParser
import Foundation

/// `--orders`: "2" or "1...2" (also "1..2", "1-2"); always starts at 1.
struct OrderRange: ExpressibleByArgument, Sendable {
  var maxOrder: Int

  init(maxOrder: Int) { self.maxOrder = maxOrder }

  init?(argument: String) {
    let separators = ["...", "..", "-"]
    var text = argument.trimmingCharacters(in: .whitespaces)
    for separator in separators {
      if let range = text.range(of: separator) {
        guard text[..<range.lowerBound] == "1" else { return nil }
        text = String(text[range.upperBound...])
        break
      }
    }
    guard let n = Int(text), n >= 1 else { return nil }
    maxOrder = n
  }

  var defaultValueDescription: String { "1...\(maxOrder)" }
}

/// A byte count such as "200MB", "2GiB" or "1048576".
struct ByteCount: ExpressibleByArgument, Sendable {
  var bytes: Int

  init(bytes: Int) { self.bytes = bytes }

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    let units: [(String, Int)] = [
      ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("tib", 1 << 40),
      ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
      ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
    ]
    for (suffix, factor) in units where text.hasSuffix(suffix) {
      guard let value = Double(text.dropLast(suffix.count)), value.isFinite,
        value * Double(factor) >= 1, value * Double(factor) < 0x1p62
      else { return nil }
      bytes = Int(value * Double(factor))
      return
    }
    guard let value = Int(text), value > 0 else { return nil }
    bytes = value
  }

  var defaultValueDescription: String {
    bytes % (1 << 30) == 0 ? "\(bytes >> 30)GiB" : "\(bytes)"
  }
}
