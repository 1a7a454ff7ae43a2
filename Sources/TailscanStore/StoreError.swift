/// Errors from reading and writing count tables.
public enum StoreError: Error, Sendable, Equatable {
  case notATable(path: String)
  case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
  case wrongEndianness(path: String)
  case corrupt(path: String, detail: String)
  case missingManifest(path: String)
  case badManifest(path: String, detail: String)
  case orderNotCounted(order: Int, counted: ClosedRange<Int>)
  case familyNotCounted(path: String, family: TableFamily)
  case tooManyTokens(limit: Int)
  case outOfMemory(bytes: Int)
  /// Tables that cannot be merged (settings differ, a shard in two inputs).
  case mismatch(detail: String)
}

extension StoreError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .notATable(let path):
      "'\(path)' is not a tailscan count table (bad magic); was it written by 'tailscan count'?"
    case .unsupportedVersion(let path, let found, let supported):
      "'\(path)' has table format v\(found); this build reads v\(supported); "
        + "recount with this version of tailscan"
    case .wrongEndianness(let path):
      "'\(path)' was written on a machine of the other byte order; recount it here"
    case .corrupt(let path, let detail):
      "'\(path)' is corrupt (\(detail)); recount, or restore it from a copy"
    case .missingManifest(let path):
      "'\(path)' has no manifest.json; is it the output directory of 'tailscan count'?"
    case .badManifest(let path, let detail):
      "'\(path)' cannot be read (\(detail)); is it the output directory of 'tailscan count'?"
    case .orderNotCounted(let order, let counted):
      "\(order)-grams were not counted (orders \(counted.lowerBound)...\(counted.upperBound) were); "
        + "recount with '--orders 1...\(order)'"
    case .familyNotCounted(let path, let family):
      switch family {
      case .ngrams: "'\(path)' has no n-gram tables (counted with '--no-ngrams'); recount without it"
      case .numbers: "'\(path)' has no number tables; recount with '--numbers'"
      case .entities: "'\(path)' has no entity tables; recount with '--entities FILE'"
      }
    case .outOfMemory(let bytes):
      "out of memory growing a count table to \(bytes) bytes; count fewer shards per run and merge"
    case .mismatch(let detail):
      "cannot merge: \(detail)"
    case .tooManyTokens(let limit):
      "more than \(limit) distinct tokens in one table; split the corpus and merge"
    }
  }
}
