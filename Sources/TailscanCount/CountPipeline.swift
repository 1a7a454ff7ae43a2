import Foundation
import TailscanIO
import TailscanStore
import TailscanText

/// Counts a corpus into a table directory: walk → read → extract text → tokenize → count → write.
public enum CountPipeline {
  /// The most skipped lines listed one by one in the manifest (all are counted).
  static let listedSkips = 1000

  /// Runs `request`, calling `progress` now and then (from this thread).
  /// `warn` receives warnings as they arise (all are also in the summary and manifest).
  public static func run(
    _ request: CountRequest, progress: ((CountProgress) -> Void)? = nil,
    warn: ((String) -> Void)? = nil
  ) throws -> CountSummary {
    let start = Syscalls.monotonicSeconds()
    try OutputDirectory.checkWritable(request.output, overwrite: request.overwrite)
    let shards = try CorpusWalker.shards(in: request.inputs, excluding: [request.output])
    guard !shards.isEmpty else { throw CountError.noShards(paths: request.inputs) }
    let bytesTotal = shards.reduce(0) { $0 + $1.size }

    var dictionary: EntityDictionary?
    var entities: EntityCounter?
    var entitySettings: Manifest.EntitySettings?
    var warnings: [String] = []
    if let options = request.entities {
      let loaded = try EntityDictionary.read(path: options.dictionary)
      let matcher = EntityMatcher(entries: loaded.entries, foldsCase: !options.caseSensitive)
      var pairList: [(UInt32, UInt32)]?
      var pairsHash: String?
      if let pairs = options.pairs {
        let read = try EntityDictionary.readPairs(path: pairs, ids: matcher.entityIDs)
        pairList = read.pairs
        pairsHash = read.hash
        if read.unknown > 0 {
          warnings.append(
            "\(read.unknown) pair(s) in '\(pairs)' name entities not in the dictionary; ignored")
        }
      }
      entities = try EntityCounter(
        matcher: matcher, pairList: pairList, keepDocumentIDs: options.keepDocumentIDs)
      entitySettings = .init(
        dictionary: options.dictionary, dictionaryHash: loaded.hash,
        entities: matcher.entityIDs.count, aliases: matcher.aliasCount,
        caseSensitive: options.caseSensitive, pairs: options.pairs, pairsHash: pairsHash,
        keepDocumentIDs: options.keepDocumentIDs)
      dictionary = loaded
    }
    var counters = try Counters(request: request, entities: entities)
    var totals = Manifest.Totals()
    var inputs: [Manifest.Input] = []
    var skipped: [Manifest.SkippedLine] = []
    var bytesDone = 0
    var lastReport = start

    for (shardIndex, shard) in shards.enumerated() {
      if shard.size == 0 {
        warnings.append("'\(shard.path)' is empty")
        totals.emptyFiles += 1
      }
      var reader = try ShardReader(
        path: shard.path, chunkSize: request.chunkSize, maxLineBytes: request.maxLineBytes)
      var extractor = TextExtractor(
        format: shard.isJSONL ? .jsonl(field: request.textField) : .plain)
      var input = Manifest.Input(
        path: shard.path, bytes: shard.size, modificationTime: shard.modificationTime,
        compression: reader.compression.rawValue, uncompressedBytes: 0, lines: 0,
        documents: 0, tokens: 0, skippedLines: 0, blankLines: 0)
      let tokensBefore = counters.tokens
      /// Counts a skipped line, and lists the first ones.
      func skip(_ lineNumber: Int, reason: String, message: String) {
        input.skippedLines += 1
        if skipped.count < listedSkips {
          skipped.append(.init(path: shard.path, line: lineNumber, reason: reason, message: message))
        }
      }
      let tooLong: ((Int) throws -> Void)? =
        request.skipBadLines
        ? { lineNumber in
          input.lines = lineNumber
          skip(lineNumber, reason: "line-too-long", message: "longer than \(request.maxLineBytes) bytes")
        } : nil
      try reader.forEachLine(tooLong: tooLong) { line, position in
        let lineNumber = position.number
        input.lines = lineNumber
        // A line of nothing but whitespace is not a document, in text files as in JSONL.
        if !shard.isJSONL && WhitespaceSplitter.isBlank(line) {
          input.blankLines += 1
          return
        }
        do {
          let isDocument = try extractor.extract(from: line) { text in
            try counters.count(text, id: DocumentID.make(shard: shardIndex, line: lineNumber))
          }
          if isDocument { input.documents += 1 } else { input.blankLines += 1 }
        } catch let error as LineError {
          guard request.skipBadLines else {
            throw CountError.badLine(path: shard.path, line: lineNumber, error)
          }
          skip(lineNumber, reason: error.reason, message: error.description)
        }
        if lineNumber & 1023 == 0, let warning = counters.pairWarning() {
          warnings.append(warning)
          warn?(warning)
        }
        if let progress, lineNumber & 1023 == 0 {
          let now = Syscalls.monotonicSeconds()
          if now - lastReport >= 0.25 {
            lastReport = now
            progress(
              CountProgress(
                bytesRead: bytesDone + position.bytesConsumed, bytesTotal: bytesTotal,
                uncompressedBytes: totals.uncompressedBytes + position.uncompressedBytes,
                documents: totals.documents + input.documents, shardsDone: shardIndex,
                shardsTotal: shards.count, elapsedSeconds: now - start, finished: false))
          }
        }
      }
      input.uncompressedBytes = reader.uncompressedBytes
      input.tokens = counters.tokens - tokensBefore
      totals.replacedSurrogates += extractor.replacedSurrogates
      bytesDone += shard.size
      totals.add(input)
      inputs.append(input)
    }
    if totals.replacedSurrogates > 0 {
      warnings.append(
        "\(totals.replacedSurrogates) lone UTF-16 surrogate escapes were replaced by U+FFFD")
    }
    if totals.skippedLines > 0 {
      warnings.append("\(totals.skippedLines) bad lines were skipped (listed in the manifest)")
    }

    /// A report once all shards are read: while the tables are written, then when done.
    func report(finished: Bool) {
      progress?(
        CountProgress(
          bytesRead: bytesTotal, bytesTotal: bytesTotal,
          uncompressedBytes: totals.uncompressedBytes, documents: totals.documents,
          shardsDone: shards.count, shardsTotal: shards.count,
          elapsedSeconds: Syscalls.monotonicSeconds() - start, finished: finished,
          writing: !finished))
    }
    report(finished: false)
    let output = try OutputDirectory(path: request.output, overwrite: request.overwrite)
    let directory = output.temporaryPath
    let tables = try counters.writeTables(to: directory)
    if let dictionary {
      try Data(dictionary.tsv()).write(
        to: URL(fileURLWithPath: output.file(Manifest.dictionaryFileName)))
    }
    let manifest = Manifest(
      toolVersion: TailscanVersion.current,
      createdAt: ISO8601DateFormatter().string(from: Date()),
      settings: .init(
        tokenizer: request.tokenizer.name, lowercase: request.tokenizer.lowercases,
        orders: request.ngrams ? Array(1...request.maxOrder) : [], textField: request.textField,
        skipBadLines: request.skipBadLines, hashSeed: NGramCounter.defaultSeed,
        numbers: request.numbers, entities: entitySettings),
      totals: totals, tables: tables, inputs: inputs, skipped: skipped, warnings: warnings)
    try manifest.encoded().write(to: URL(fileURLWithPath: output.file(Manifest.fileName)))
    let outputPath = output.path
    try output.commit()
    let elapsed = Syscalls.monotonicSeconds() - start
    report(finished: true)
    return CountSummary(
      output: outputPath, shards: shards.count, totals: totals,
      tables: tables, elapsedSeconds: elapsed, warnings: warnings)
  }
}
