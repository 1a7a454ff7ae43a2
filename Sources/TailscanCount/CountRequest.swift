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
  public var distinct: [Int]
  public var elapsedSeconds: Double
  public var warnings: [String]
}

/// The version written into manifests.
public enum TailscanVersion {
  public static let current = "0.1.0"
}
