public import Foundation
public import TailscanText

/// `manifest.json`: what a table directory holds and how it was made.
public struct Manifest: Codable, Sendable, Equatable {
  public static let fileName = "manifest.json"
  public static let formatName = "tailscan-counts"

  /// One input file.
  public struct Input: Codable, Sendable, Equatable {
    public var path: String
    public var bytes: Int
    public var modificationTime: Int
    public var compression: String
    public var uncompressedBytes: Int
    public var lines: Int
    public var documents: Int
    public var tokens: UInt64
    public var skippedLines: Int
    public var blankLines: Int
    public init(
      path: String, bytes: Int, modificationTime: Int, compression: String, uncompressedBytes: Int,
      lines: Int, documents: Int, tokens: UInt64, skippedLines: Int, blankLines: Int
    ) {
      self.path = path
      self.bytes = bytes
      self.modificationTime = modificationTime
      self.compression = compression
      self.uncompressedBytes = uncompressedBytes
      self.lines = lines
      self.documents = documents
      self.tokens = tokens
      self.skippedLines = skippedLines
      self.blankLines = blankLines
    }
  }

  /// How the corpus was read and tokenized.
  public struct Settings: Codable, Sendable, Equatable {
    public var tokenizer: String
    public var lowercase: Bool
    public var orders: [Int]
    public var textField: String
    public var skipBadLines: Bool
    public var hashAlgorithm: String
    public var hashSeed: UInt64
    /// The number-term rules, if number terms were counted (over whitespace tokens).
    public var numbers: NumberRules?
    /// How entities were matched, if they were.
    public var entities: EntitySettings?
    public init(
      tokenizer: String, lowercase: Bool, orders: [Int], textField: String, skipBadLines: Bool,
      hashAlgorithm: String = "xxh64", hashSeed: UInt64, numbers: NumberRules? = nil,
      entities: EntitySettings? = nil
    ) {
      self.numbers = numbers
      self.entities = entities
      self.tokenizer = tokenizer
      self.lowercase = lowercase
      self.orders = orders
      self.textField = textField
      self.skipBadLines = skipBadLines
      self.hashAlgorithm = hashAlgorithm
      self.hashSeed = hashSeed
    }
  }

  /// How a dictionary of entities was matched.
  public struct EntitySettings: Codable, Sendable, Equatable {
    /// The dictionary file as given, and the XXH64 (seed 0, hex) of its bytes.
    public var dictionary: String
    public var dictionaryHash: String
    public var entities: Int
    public var aliases: Int
    public var caseSensitive: Bool
    /// The pair list, if only those pairs were counted.
    public var pairs: String?
    public var pairsHash: String?
    public var keepDocumentIDs: Bool
    public init(
      dictionary: String, dictionaryHash: String, entities: Int, aliases: Int,
      caseSensitive: Bool, pairs: String?, pairsHash: String?, keepDocumentIDs: Bool
    ) {
      self.dictionary = dictionary
      self.dictionaryHash = dictionaryHash
      self.entities = entities
      self.aliases = aliases
      self.caseSensitive = caseSensitive
      self.pairs = pairs
      self.pairsHash = pairsHash
      self.keepDocumentIDs = keepDocumentIDs
    }
  }

  /// The normalized copy of the entity dictionary kept in a table directory (TSV: id, aliases).
  public static let dictionaryFileName = "entities-dictionary.tsv"
  /// With '--pairs', the pairs counted (`id1<TAB>id2` in byte order, one per line, sorted).
  public static let pairListFileName = "entities-pairs.tsv"

  /// Totals over all inputs.
  public struct Totals: Codable, Sendable, Equatable {
    public var files: Int = 0
    public var bytes: Int = 0
    public var uncompressedBytes: Int = 0
    public var lines: Int = 0
    public var documents: Int = 0
    public var tokens: UInt64 = 0
    public var skippedLines: Int = 0
    public var blankLines: Int = 0
    public var emptyFiles: Int = 0
    public var replacedSurrogates: Int = 0
    public init() {}

    /// Adds one input's figures (empty files and replaced surrogates are counted apart).
    public mutating func add(_ input: Input) {
      files += 1
      bytes += input.bytes
      uncompressedBytes += input.uncompressedBytes
      lines += input.lines
      documents += input.documents
      tokens += input.tokens
      skippedLines += input.skippedLines
      blankLines += input.blankLines
    }
  }

  /// A line left out with `--skip-bad-lines` (the first ones are listed).
  public struct SkippedLine: Codable, Sendable, Equatable {
    public var path: String
    public var line: Int
    /// A short code: `malformed-json`, `missing-field`, `not-a-string`, `invalid-utf8`,
    /// `line-too-long`.
    public var reason: String
    /// The full message.
    public var message: String
    public init(path: String, line: Int, reason: String, message: String) {
      self.path = path
      self.line = line
      self.reason = reason
      self.message = message
    }
  }

  /// The most skipped lines listed one by one (all are counted).
  public static let listedSkips = 1000

  /// The warnings that sum up `totals` (written last, after the inputs' own warnings).
  public static func totalsWarnings(_ totals: Totals) -> [String] {
    var warnings: [String] = []
    if totals.replacedSurrogates > 0 {
      warnings.append(
        "\(totals.replacedSurrogates) \(replacedSurrogatesWarning)")
    }
    if totals.skippedLines > 0 {
      warnings.append("\(totals.skippedLines) \(skippedLinesWarning)")
    }
    return warnings
  }
  static let replacedSurrogatesWarning = "lone UTF-16 surrogate escapes were replaced by U+FFFD"
  static let skippedLinesWarning = "bad lines were skipped (listed in the manifest)"

  /// Whether `warning` is one of `totalsWarnings` (recomputed when tables are merged).
  public static func isTotalsWarning(_ warning: String) -> Bool {
    warning.hasSuffix(replacedSurrogatesWarning) || warning.hasSuffix(skippedLinesWarning)
  }

  public var format: String = Manifest.formatName
  public var formatVersion: Int = 1
  public var toolVersion: String
  public var createdAt: String
  public var settings: Settings
  public var totals: Totals
  public var tables: [TableSummary]
  public var inputs: [Input]
  public var skipped: [SkippedLine]
  public var warnings: [String]

  public init(
    toolVersion: String, createdAt: String, settings: Settings, totals: Totals,
    tables: [TableSummary], inputs: [Input], skipped: [SkippedLine], warnings: [String]
  ) {
    self.toolVersion = toolVersion
    self.createdAt = createdAt
    self.settings = settings
    self.totals = totals
    self.tables = tables
    self.inputs = inputs
    self.skipped = skipped
    self.warnings = warnings
  }

  /// The manifest of tables merged from several parts: `inputs` (merged, see
  /// `TableMerger.mergedInputs`) and totals from them, the parts' skipped lines by place, their
  /// warnings once each (sorted; the warnings that sum up totals are made anew, last).
  public init(
    merging parts: [(skipped: [SkippedLine], warnings: [String], replacedSurrogates: Int)],
    inputs: [Input], settings: Settings, tables: [TableSummary], toolVersion: String,
    createdAt: String
  ) {
    var totals = Totals()
    for input in inputs { totals.add(input) }
    totals.emptyFiles = inputs.filter { $0.bytes == 0 }.count
    totals.replacedSurrogates = parts.reduce(0) { $0 + $1.replacedSurrogates }
    let skipped = parts.flatMap(\.skipped).sorted { ($0.path, $0.line) < ($1.path, $1.line) }
    let warnings = Set(parts.flatMap(\.warnings).filter { !Self.isTotalsWarning($0) }).sorted()
    self.init(
      toolVersion: toolVersion, createdAt: createdAt, settings: settings, totals: totals,
      tables: tables, inputs: inputs, skipped: Array(skipped.prefix(Self.listedSkips)),
      warnings: warnings + Self.totalsWarnings(totals))
  }

  /// The manifest as pretty-printed JSON with sorted keys.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads `manifest.json` from a table directory.
  public static func read(directory: String) throws -> Manifest {
    let path = "\(directory)/\(fileName)"
    guard FileManager.default.fileExists(atPath: path) else {
      if !FileManager.default.fileExists(atPath: directory) {
        throw StoreError.badManifest(path: directory, detail: "no such directory")
      }
      throw StoreError.missingManifest(path: directory)
    }
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      let manifest = try JSONDecoder().decode(Manifest.self, from: data)
      guard manifest.format == formatName else {
        throw StoreError.badManifest(path: path, detail: "format is '\(manifest.format)'")
      }
      guard manifest.formatVersion == 1 else {
        throw StoreError.badManifest(
          path: path,
          detail: "format version \(manifest.formatVersion); this build reads version 1")
      }
      return manifest
    } catch let error as StoreError {
      throw error
    } catch {
      throw StoreError.badManifest(path: path, detail: "\(error)")
    }
  }
}
