public import TailscanStore
public import TailscanText

/// Everything a counting run needs, filled in by the command line.
public struct CountRequest: Sendable {
  public var inputs: [String]
  public var output: String
  public var maxOrder: Int
  public var tokenizer: Tokenizer
  public var textField: String
  public var skipBadLines: Bool
  public var overwrite: Bool
  public var maxLineBytes: Int
  /// Decompression buffer size (tests use tiny ones to cross every boundary).
  public var chunkSize: Int
  /// Whether n-grams are counted (`--no-ngrams` turns them off).
  public var ngrams: Bool = true
  /// Number terms to count, if any (Razeghi et al.).
  public var numbers: NumberRules?
  /// Entities to count, if any (Kandpal et al.).
  public var entities: EntityOptions?
  /// Shards counted at once.
  public var jobs: Int = 1
  /// The memory the counts may take, in bytes (nil: as much as they need).
  public var memoryBudget: Int?
  /// Go on with an interrupted count into `output`.
  public var resume = false
  /// A worker writes its counts out (so that they survive a crash) once this many seconds have
  /// passed since it last did, at the end of a shard.
  public var checkpointSeconds: Double = 60
  /// Write a run whenever a worker's counts hold this many bytes (tests use tiny ones, to split
  /// shards into many runs); nil derives it from `memoryBudget`.
  public var spillThreshold: Int?
  /// The least records a thread merges of a table at the end (tests use tiny ones).
  public var mergePart = 1 << 20

  public init(
    inputs: [String], output: String, maxOrder: Int = 2, tokenizer: Tokenizer = .whitespace,
    textField: String = "text", skipBadLines: Bool = false, overwrite: Bool = false,
    maxLineBytes: Int = 1 << 31, chunkSize: Int = 1 << 20
  ) {
    self.inputs = inputs
    self.output = output
    self.maxOrder = maxOrder
    self.tokenizer = tokenizer
    self.textField = textField
    self.skipBadLines = skipBadLines
    self.overwrite = overwrite
    self.maxLineBytes = maxLineBytes
    self.chunkSize = chunkSize
  }
}

/// How to count dictionary entities.
public struct EntityOptions: Sendable {
  /// The dictionary file (TSV or JSONL).
  public var dictionary: String
  /// Count only the pairs in this file (two ids a line); nil counts every co-occurring pair.
  public var pairs: String?
  public var caseSensitive: Bool
  /// Keep each entity's document ids (for `tailscan docs`).
  public var keepDocumentIDs: Bool
  public init(
    dictionary: String, pairs: String? = nil, caseSensitive: Bool = false,
    keepDocumentIDs: Bool = false
  ) {
    self.dictionary = dictionary
    self.pairs = pairs
    self.caseSensitive = caseSensitive
    self.keepDocumentIDs = keepDocumentIDs
  }
}

/// A progress report, sent now and then during a run.
public struct CountProgress: Sendable {
  /// On-disk bytes read so far and in all.
  public var bytesRead: Int
  public var bytesTotal: Int
  /// Uncompressed bytes so far.
  public var uncompressedBytes: Int
  public var documents: Int
  public var shardsDone: Int
  public var shardsTotal: Int
  public var elapsedSeconds: Double
  /// True for the last report.
  public var finished: Bool
  /// True while the tables are sorted and written, after the corpus has been read.
  public var writing: Bool = false
}

/// What a finished run reports.
public struct CountSummary: Sendable {
  public var output: String
  public var shards: Int
  public var totals: Manifest.Totals
  /// What was written, per family and order.
  public var tables: [TableSummary]
  public var elapsedSeconds: Double
  public var warnings: [String]
  /// With `resume`: shards an earlier run had counted whole, or in part.
  public var resumedShards = 0
  public var partlyResumedShards = 0
  /// Workers, and the runs they wrote (merged into the output, then removed) with their bytes.
  public var jobs = 1
  public var runs = 0
  public var runBytes = 0
}

/// The version written into manifests.
public enum TailscanVersion {
  public static let current = "0.1.0"
}
