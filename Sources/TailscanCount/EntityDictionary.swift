import Foundation
internal import TailscanStore
internal import TailscanText

/// An entity dictionary read from a file: TSV (`id<TAB>name<TAB>alias…`, the name being an alias
/// too) or JSONL (`{"id": …, "name": …, "aliases": […]}`, name optional), chosen by the file's
/// extension (`.jsonl`/`.json` for JSONL) or, failing that, by whether its first non-empty line
/// starts with `{`. Lines with the same id are merged; empty lines are ignored.
public struct EntityDictionary: Sendable {
  public var entries: [(id: String, aliases: [String])]
  /// XXH64 (seed 0) of the file's bytes, in hex.
  public var hash: String

  /// About how much memory the entries hold, for memory budgets.
  public var memoryBytes: Int {
    entries.reduce(entries.capacity * 24) { total, entry in
      entry.aliases.reduce(total + 64 + entry.id.utf8.count) { $0 + 32 + $1.utf8.count }
    }
  }

  /// Reads the dictionary at `path`.
  public static func read(path: String) throws -> EntityDictionary {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EntityError.unreadable(path: path)
    }
    var bytes = [UInt8](data)
    let hash = hex(XXH64.hash(bytes, seed: 0))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte order mark
    var entries: [(id: String, aliases: [String])] = []
    let lower = path.lowercased()
    var isJSON = lower.hasSuffix(".jsonl") || lower.hasSuffix(".json")
    if !lower.hasSuffix(".tsv") && !isJSON {
      isJSON = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 } == UInt8(ascii: "{")
    }
    var lineNumber = 0
    var start = 0
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      lineNumber += 1
      var line = bytes[start..<end]
      start = end + 1
      if line.last == 0x0D { line = line.dropLast() }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      if isJSON {
        entries.append(try jsonEntry(line, path: path, line: lineNumber))
      } else {
        let fields = line.split(separator: 0x09, omittingEmptySubsequences: false)
        let id = String(decoding: fields[0], as: UTF8.self)
        try checkID(id, path: path, line: lineNumber)
        let aliases = fields.dropFirst().filter { !$0.allSatisfy { $0 == 0x20 } }.map {
          String(decoding: $0, as: UTF8.self)
        }
        guard !aliases.isEmpty else {
          throw EntityError.badDictionaryLine(
            path: path, line: lineNumber, "'\(id)' has no name or alias (columns: id, name, alias…)")
        }
        entries.append((id, Array(aliases)))
      }
    }
    guard !entries.isEmpty else { throw EntityError.emptyDictionary(path: path) }
    return EntityDictionary(entries: entries, hash: hash)
  }

  private static func jsonEntry(_ line: ArraySlice<UInt8>, path: String, line number: Int) throws
    -> (id: String, aliases: [String])
  {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(line))
    } catch {
      throw EntityError.badDictionaryLine(path: path, line: number, "not valid JSON")
    }
    guard let fields = object as? [String: Any] else {
      throw EntityError.badDictionaryLine(path: path, line: number, "not a JSON object")
    }
    let id: String
    if let s = fields["id"] as? String {
      id = s
    } else if let n = fields["id"] as? NSNumber {
      id = n.stringValue
    } else {
      throw EntityError.badDictionaryLine(path: path, line: number, "no string \"id\"")
    }
    try checkID(id, path: path, line: number)
    var aliases: [String] = []
    if let name = fields["name"] as? String { aliases.append(name) }
    if let list = fields["aliases"] as? [Any] {
      for item in list {
        guard let alias = item as? String else {
          throw EntityError.badDictionaryLine(path: path, line: number, "\"aliases\" holds a non-string")
        }
        aliases.append(alias)
      }
    } else if fields["aliases"] != nil {
      throw EntityError.badDictionaryLine(path: path, line: number, "\"aliases\" is not a list")
    }
    aliases.removeAll { $0.allSatisfy(\.isWhitespace) }
    guard !aliases.isEmpty else {
      throw EntityError.badDictionaryLine(path: path, line: number, "'\(id)' has no name or alias")
    }
    return (id, aliases)
  }

  /// An id must be non-empty, without tabs or line breaks, and not start or end with
  /// whitespace: so it reads back the same from the TSV copy kept with the tables.
  static func checkID(_ id: String, path: String, line: Int) throws {
    guard let first = id.unicodeScalars.first, let last = id.unicodeScalars.last else {
      throw EntityError.badDictionaryLine(path: path, line: line, "the id is empty")
    }
    if id.unicodeScalars.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" })
      || first.properties.isWhitespace || last.properties.isWhitespace
    {
      throw EntityError.badDictionaryLine(
        path: path, line: line,
        "the id '\(id.debugDescription.dropFirst().dropLast())' has a tab, a line break or "
          + "whitespace at an edge")
    }
  }

  /// The dictionary as TSV (`id<TAB>alias…`, a line per entry as read), with tabs and line
  /// breaks inside aliases replaced by spaces (which leaves their tokens as they were).
  public func tsv() -> [UInt8] {
    var out: [UInt8] = []
    for entry in entries {
      out += entry.id.utf8
      for alias in entry.aliases {
        out.append(0x09)
        for b in alias.utf8 { out.append(b == 0x09 || b == 0x0A || b == 0x0D ? 0x20 : b) }
      }
      out.append(0x0A)
    }
    return out
  }

  /// Reads a pair list: one pair per line, two entity ids separated by a tab (or, without a tab,
  /// by whitespace). Returns the pairs as indices into `ids` (sorted entity ids), the number of
  /// lines naming an id not in `ids`, and the file's hash.
  public static func readPairs(path: String, ids: [String]) throws
    -> (pairs: [(UInt32, UInt32)], unknown: Int, hash: String)
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw EntityError.unreadable(path: path)
    }
    var index = ByteInterner()  // by bytes, as the matcher keys ids
    for id in ids { _ = index.intern(Array(id.utf8)) }
    let bytes = [UInt8](data)
    var pairs: [(UInt32, UInt32)] = []
    var unknown = 0
    for (n, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
      var fields: [[UInt8]]
      let line = raw.last == 0x0D ? raw.dropLast() : raw
      if line.allSatisfy({ $0 == 0x20 || $0 &- 0x09 < 5 }) { continue }
      fields = line.split(separator: 0x09).map { Array($0) }
      if fields.count == 1 || line.contains(where: { $0 >= 0x80 }) {
        // Without a tab, or with other than ASCII (Unicode whitespace), split as text.
        let text = Substring(String(decoding: line, as: UTF8.self))
        if text.allSatisfy(\.isWhitespace) { continue }
        var parts = text.split(separator: "\t")
        if parts.count == 1 { parts = text.split(whereSeparator: \.isWhitespace) }
        fields = parts.map { Array(String($0).utf8) }
      }
      guard fields.count == 2 else {
        throw EntityError.badPairLine(path: path, line: n + 1)
      }
      guard let a = index.find(fields[0]), let b = index.find(fields[1]) else {
        unknown += 1
        continue
      }
      pairs.append((a, b))
    }
    return (pairs, unknown, hex(XXH64.hash(bytes, seed: 0)))
  }
}

/// `value` as 16 hex digits.
func hex(_ value: UInt64) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: 16 - digits.count) + digits
}

/// The lines of `bytes` (UTF-8), split at LF, each without a final CR. (Splitting a `String` at
/// "\n" would not split at CRLF, which Swift treats as one character.)
func lines(of bytes: [UInt8]) -> [String] {
  bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
    String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
  }
}

/// Errors reading entity dictionaries and pair lists.
public enum EntityError: Error, Sendable, Equatable, CustomStringConvertible {
  case unreadable(path: String)
  case badDictionaryLine(path: String, line: Int, String)
  case emptyDictionary(path: String)
  case badPairLine(path: String, line: Int)

  public var description: String {
    switch self {
    case .unreadable(let path): "cannot read '\(path)'; check the path"
    case .badDictionaryLine(let path, let line, let detail):
      "'\(path)':\(line): \(detail); a dictionary line is 'id<TAB>name<TAB>alias…' (TSV) or "
        + "{\"id\": …, \"aliases\": […]} (JSONL)"
    case .emptyDictionary(let path): "'\(path)' holds no entities"
    case .badPairLine(let path, let line):
      "'\(path)':\(line): a pair line is two entity ids separated by a tab"
    }
  }
}
