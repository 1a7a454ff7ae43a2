import Foundation
import Synchronization
import TailscanIO
import TailscanStore
import TailscanText

/// Counts a corpus into a table directory: walk → read → extract text → tokenize → count → write.
///
/// Shards are counted by `jobs` workers at once, each with its own reader and counters. A
/// worker writes what it has counted as a *run* (a table directory under `<output>.parts/`)
/// when its counts reach its share of the memory budget, when it has been counting for
/// `checkpointSeconds`, and when it stops on an error; at the end the workers hand their counts
/// over sorted and they are merged in memory into one more run (under a memory budget each
/// worker writes its own), and the runs are merged into the output (`TableMerger`). Runs are written atomically and say which shards (or which first lines of a
/// shard) they hold, so a run that was killed resumes where its runs end (`resume`), and the
/// output is the same, byte for byte, however the work was split.
public enum CountPipeline {
  /// Where the runs of `output` are kept until they are merged.
  public static func workDirectory(for output: String) -> String {
    "\(CorpusWalker.trim(output)).parts"
  }

  /// Runs `request`, calling `progress` now and then (from this thread).
  /// `warn` receives warnings as they arise (all are also in the summary and manifest).
  public static func run(
    _ request: CountRequest, progress: ((CountProgress) -> Void)? = nil,
    warn: ((String) -> Void)? = nil
  ) throws -> CountSummary {
    let start = Syscalls.monotonicSeconds()
    let output = CorpusWalker.trim(request.output)
    let work = workDirectory(for: output)
    // One writer per output: a second run (or a resume) of the same output fails at once.
    let lock = try OutputLock(output: output)
    defer { _ = lock.path }
    try OutputDirectory.checkWritable(output, overwrite: request.overwrite || request.resume)
    let shards = try CorpusWalker.shards(in: request.inputs, excluding: [output, work])
    guard !shards.isEmpty else { throw CountError.noShards(paths: request.inputs) }

    // The dictionary and matcher, shared by every worker (read-only).
    var dictionary: EntityDictionary?
    var entityPlan: EntityPlan?
    if let options = request.entities {
      let loaded = try EntityDictionary.read(path: options.dictionary)
      let matcher = EntityMatcher(entries: loaded.entries, foldsCase: !options.caseSensitive)
      var plan = EntityPlan(matcher: matcher, options: options)
      if let pairs = options.pairs {
        let read = try EntityDictionary.readPairs(path: pairs, ids: matcher.entityIDs)
        plan.pairList = read.pairs
        plan.pairsHash = read.hash
        if read.unknown > 0 {
          plan.warnings.append(
            "\(read.unknown) pair(s) in '\(pairs)' name entities not in the dictionary; ignored")
        }
      }
      plan.settings = .init(
        dictionary: options.dictionary, dictionaryHash: loaded.hash,
        entities: matcher.entityIDs.count, aliases: matcher.aliasCount,
        caseSensitive: options.caseSensitive, pairs: options.pairs, pairsHash: plan.pairsHash,
        keepDocumentIDs: options.keepDocumentIDs)
      entityPlan = plan
      dictionary = loaded
      // Loading a large dictionary leaves freed memory behind; the budget counts what is kept.
      Syscalls.releaseFreeMemory()
    }
    let settings = Manifest.Settings(
      tokenizer: request.tokenizer.name, lowercase: request.tokenizer.lowercases,
      orders: request.ngrams ? Array(1...request.maxOrder) : [], textField: request.textField,
      skipBadLines: request.skipBadLines, hashSeed: NGramCounter.defaultSeed,
      numbers: request.numbers, entities: entityPlan?.settings)

    // The memory plan, checked before anything is written (for at most as many workers as
    // shards; fewer if some were counted before).
    let planned = max(1, min(request.jobs, shards.count))
    // Sort buffers: one per n-gram order above 1, two for number terms, one for entities.
    let buffers =
      (request.ngrams ? request.maxOrder - 1 : 0) + (request.numbers != nil ? 2 : 0)
      + (request.entities != nil ? 1 : 0)
    // Under a budget: one long document at a time, up to a sixteenth of the budget.
    let gate = request.memoryBudget.map {
      LongLineGate(limit: $0 / 16, reason: "--memory \($0 >> 20)MiB")
    }
    var budget = try MemoryPlan(
      budget: request.memoryBudget, jobs: planned, buffers: buffers,
      fixed: MemoryPlan.fixedBytes(
        shards: shards.count, jobs: planned,
        dictionary: (dictionary?.memoryBytes ?? 0) + (entityPlan?.memoryBytes ?? 0), gate: gate))
    if let threshold = request.spillThreshold {
      budget = MemoryPlan(sortBytes: 1 << 16, spillBytes: threshold)
    } else if let memory = request.memoryBudget {
      // Empty counters must leave room to count in before they are written out.
      let empty = try Counters(
        request: request, entities: try entityPlan?.counter(sortBytes: budget.sortBytes),
        sortBytes: budget.sortBytes
      ).memoryBytes
      if empty * 2 > budget.spillBytes {
        throw CountError.memoryBudgetTooSmall(
          budget: memory, needed: budget.fixedBytes + empty * (2 * planned + 3), jobs: planned,
          largest: budget.largestFixed)
      }
    }

    // The runs of an earlier, interrupted run of the same request, and where to go on.
    let journal = try RunJournal.open(
      work, settings: settings, maxLineBytes: request.maxLineBytes, shards: shards,
      resume: request.resume, overwrite: request.overwrite)
    let tasks = shards.enumerated().compactMap { index, shard in
      let done = journal.linesDone[shard.path]
      return done == .max ? nil : ShardTask(index: index, shard: shard, skipLines: done ?? 0)
    }
    let jobs = max(1, min(request.jobs, tasks.count))

    let shared = SharedProgress(workers: jobs)
    let bytesTotal = tasks.reduce(0) { $0 + $1.shard.size }
    let context = WorkerContext(
      request: request, settings: settings, entities: entityPlan, tasks: tasks,
      work: work, memory: budget, gate: gate, shared: shared)
    for worker in 0..<jobs {
      let thread = Thread {
        do {
          var counting = try Worker(context: context, number: worker)
          counting.run()
        } catch {
          shared.fail(error)
          shared.state.withLock { $0.finishedWorkers += 1 }
        }
      }
      thread.stackSize = 16 << 20
      thread.start()
    }
    var lastReport = start
    while true {
      let snapshot = shared.snapshot()
      for warning in shared.takeWarnings() { warn?(warning) }
      if snapshot.finishedWorkers == jobs { break }
      let now = Syscalls.monotonicSeconds()
      if let progress, now - lastReport >= 0.25 {
        lastReport = now
        progress(
          CountProgress(
            bytesRead: snapshot.bytesRead, bytesTotal: bytesTotal,
            uncompressedBytes: snapshot.uncompressedBytes, documents: snapshot.documents,
            shardsDone: snapshot.shardsDone, shardsTotal: tasks.count,
            elapsedSeconds: now - start, finished: false))
      }
      usleep(20_000)
    }
    let finalState = shared.snapshot()
    if let error = finalState.error {
      // What the other workers finished is kept for '--resume'; with nothing kept, nothing is
      // left behind.
      if !finalState.finals.isEmpty {
        try? writeFinalRun(finalState.finals, context: context, threads: 1)
      }
      if !finalState.damaged.isEmpty { RunJournal.markDamaged(finalState.damaged, in: work) }
      if (try? RunJournal.runs(in: work).isEmpty) ?? false {
        Syscalls.removeTree(work)
      }
      throw error
    }

    /// A report once all shards are read: while the tables are merged, then when done.
    func report(finished: Bool) {
      progress?(
        CountProgress(
          bytesRead: bytesTotal, bytesTotal: bytesTotal,
          uncompressedBytes: finalState.uncompressedBytes, documents: finalState.documents,
          shardsDone: tasks.count, shardsTotal: tasks.count,
          elapsedSeconds: Syscalls.monotonicSeconds() - start, finished: finished,
          writing: !finished))
    }
    report(finished: false)
    // The workers' last counts, merged in memory into one run.
    if !finalState.finals.isEmpty {
      try writeFinalRun(finalState.finals, context: context, threads: request.jobs)
    }
    let runs = try RunJournal.runs(in: work)
    let directory = try OutputDirectory(path: output, overwrite: request.overwrite || request.resume)
    var manifest = try TableMerger.merge(
      runs, into: directory.temporaryPath, allowSplitShards: true, consume: true,
      threads: request.jobs, minimumPart: request.mergePart,
      toolVersion: TailscanVersion.current,
      createdAt: ISO8601DateFormatter().string(from: Date()))
    if let dictionary {
      try Data(dictionary.tsv()).write(
        to: URL(fileURLWithPath: directory.file(Manifest.dictionaryFileName)))
    }
    let planWarnings = (entityPlan?.warnings ?? []).filter { !manifest.warnings.contains($0) }
    if !planWarnings.isEmpty {
      manifest.warnings.insert(contentsOf: planWarnings, at: 0)
      try manifest.encoded().write(
        to: URL(fileURLWithPath: directory.file(Manifest.fileName)))
    }
    try directory.commit()
    RunJournal.finish(work)
    report(finished: true)
    return CountSummary(
      output: output, shards: shards.count, totals: manifest.totals, tables: manifest.tables,
      elapsedSeconds: Syscalls.monotonicSeconds() - start, warnings: manifest.warnings,
      resumedShards: shards.count - tasks.count,
      partlyResumedShards: tasks.filter { $0.skipLines > 0 }.count, jobs: jobs,
      runs: finalState.runs, runBytes: finalState.runBytes)
  }
}

extension CountPipeline {
  /// Writes the counts the workers handed over at the end as one run.
  static func writeFinalRun(_ finals: [FinalCounts], context: WorkerContext, threads: Int) throws {
    let contents = finals.map(\.contents)
    let (inputs, shardMaps) = TableMerger.mergedInputs(contents.map(\.inputs))
    try context.writeRun("run-\(context.runID)-final", inputs: inputs, contents: contents) {
      directory in
      try Counters.write(
        finals.map(\.parts), shardMaps: shardMaps.map { Optional($0) }, to: directory,
        threads: threads, minimumPart: context.request.mergePart)
    }
  }
}

extension WorkerContext {
  /// Writes the run `name` (atomically): `tables` writes its tables into the directory it is
  /// given; `inputs` (merged) and `contents` make its manifest and record.
  func writeRun(
    _ name: String, inputs: [Manifest.Input], contents: [RunContents],
    tables: (String) throws -> [TableSummary]
  ) throws {
    let temporary = "\(work)/.\(name).tmp"
    Syscalls.removeTree(temporary)
    try Syscalls.makeDirectory(temporary)
    let written = try tables(temporary)
    let manifest = Manifest(
      merging: contents.map { ($0.skipped, $0.warnings, $0.replacedSurrogates) }, inputs: inputs,
      settings: settings, tables: written, toolVersion: TailscanVersion.current,
      createdAt: ISO8601DateFormatter().string(from: Date()))
    try RunJournal.commit(
      run: temporary, as: "\(work)/\(name)", manifest: manifest,
      complete: contents.flatMap(\.complete),
      starts: contents.reduce(into: [:]) { $0.merge($1.starts) { a, _ in a } })
    let bytes = written.reduce(0) { $0 + $1.bytes }
    shared.state.withLock {
      $0.runs += 1
      $0.runBytes += bytes
    }
  }
}

/// What a run holds besides its tables: its shards (or parts of them) and where each part
/// starts, the shards it holds to their end, its skipped lines and warnings.
struct RunContents: Sendable {
  var inputs: [Manifest.Input] = []
  /// Per shard: the lines before this run's part of it.
  var starts: [String: Int] = [:]
  var complete: [String] = []
  var skipped: [Manifest.SkippedLine] = []
  var warnings: [String] = []
  var replacedSurrogates = 0
}

/// What a worker counted since its last run, sorted, handed over at the end.
struct FinalCounts: Sendable {
  var parts: Counters.Parts
  var contents: RunContents
}

/// One shard to count, from the line after `skipLines` (lines an earlier run counted).
struct ShardTask: Sendable {
  let index: Int
  let shard: CorpusWalker.Shard
  let skipLines: Int
}

/// The entity dictionary, matched the same way by every worker.
struct EntityPlan: Sendable {
  let matcher: EntityMatcher
  let index: AliasTokenIndex
  let options: EntityOptions
  var pairList: [(UInt32, UInt32)]?
  var pairsHash: String?
  var settings: Manifest.EntitySettings?
  var warnings: [String] = []

  init(matcher: EntityMatcher, options: EntityOptions) {
    self.matcher = matcher
    index = AliasTokenIndex(matcher: matcher)
    self.options = options
  }

  /// About how much memory the matcher, its index and the pair list hold.
  var memoryBytes: Int { matcher.memoryBytes + index.memoryBytes + (pairList?.capacity ?? 0) * 8 }

  func counter(sortBytes: Int?) throws -> EntityCounter {
    if let sortBytes {
      return try EntityCounter(
        matcher: matcher, index: index, pairList: pairList,
        keepDocumentIDs: options.keepDocumentIDs, sortBuffer: sortBytes / 16)
    }
    return try EntityCounter(
      matcher: matcher, index: index, pairList: pairList, keepDocumentIDs: options.keepDocumentIDs)
  }
}

/// How a memory budget is shared: each worker's sort buffers, and the size at which its counts
/// are written out as a run (writing them needs about as much again).
struct MemoryPlan: Sendable {
  /// Per sort buffer (buffer and scratch); nil for the defaults.
  let sortBytes: Int?
  /// A worker's counts are written out when they hold this much.
  let spillBytes: Int
  /// Whether memory is bounded: workers then write their runs one at a time, and at the end
  /// too (rather than hand their counts over to be merged in memory).
  var isBounded = false

  /// Memory that is not the counts' (see `fixedBytes`), and the largest part of it.
  private(set) var fixedBytes = 0
  private(set) var largestFixed = ""

  /// The least budget per worker that counting can work in.
  static let minimumPerWorker = 24 << 20
  /// The program itself, threads and output buffers, at the least.
  static let reserve = 24 << 20
  /// What each shard costs while it is counted and listed (its inputs, runs and manifest
  /// entries; 100,000 shards peak at about 2.3 KB each when the manifest is written).
  static let perShard = 3 << 10

  /// Memory that is not the workers' counts: the program, the entity dictionary and its
  /// matcher, the shards' bookkeeping, each reader's lines up to `LongLineGate.freeBytes` (the
  /// line and its text, with the buffer's growth), and the one longer line the gate lets
  /// through.
  static func fixedBytes(
    shards: Int, jobs: Int, dictionary: Int, gate: LongLineGate?
  ) -> (bytes: Int, largest: String) {
    let parts = [
      ("the entity dictionary", dictionary), ("listing \(shards) shards", shards * perShard),
      ("reading lines", jobs * LongLineGate.freeBytes * 5 / 2 + (gate?.heldBytes ?? 0)),
    ]
    let largest = parts.max { $0.1 < $1.1 }!
    return (reserve + parts.reduce(0) { $0 + $1.1 }, "\(largest.0) takes \(largest.1 >> 20)MiB")
  }

  init(sortBytes: Int?, spillBytes: Int) {
    self.sortBytes = sortBytes
    self.spillBytes = spillBytes
  }

  init(budget: Int?, jobs: Int, buffers: Int, fixed: (bytes: Int, largest: String)) throws {
    guard let budget else {
      sortBytes = nil
      spillBytes = .max
      return
    }
    fixedBytes = fixed.bytes
    largestFixed = fixed.largest
    // Each worker's counts, plus what one spill needs besides them (sorting and writing take
    // about as much again as the counts; one worker spills at a time).
    let perWorker = (budget - fixedBytes) / jobs
    guard perWorker >= Self.minimumPerWorker else {
      throw CountError.memoryBudgetTooSmall(
        budget: budget, needed: fixedBytes + jobs * Self.minimumPerWorker, jobs: jobs,
        largest: fixed.largest)
    }
    // All of a worker's sort buffers together take an eighth of its share.
    sortBytes = min(128 << 20, max(1 << 20, perWorker / (8 * max(1, buffers))))
    spillBytes = (budget - fixedBytes) * 2 / (2 * jobs + 3)
    isBounded = true
  }
}

/// Progress and the first error, shared by the workers and the thread that waits for them.
final class SharedProgress: Sendable {
  struct State: Sendable {
    var finishedWorkers = 0
    var shardsDone = 0
    var bytesDone = 0
    var uncompressedDone = 0
    var documentsDone = 0
    /// Per worker: progress in its current shard (bytes read, uncompressed bytes, documents).
    var current: [(Int, Int, Int)]
    var error: (any Error)?
    var warnings: [String] = []
    /// Shards found damaged: '--resume' counts them again from their start.
    var damaged: [String] = []
    /// The workers' counts since their last run, handed over at the end.
    var finals: [FinalCounts] = []
    /// Runs written, and their bytes (temporary space, removed at the end).
    var runs = 0
    var runBytes = 0

    var bytesRead: Int { bytesDone + current.reduce(0) { $0 + $1.0 } }
    var uncompressedBytes: Int { uncompressedDone + current.reduce(0) { $0 + $1.1 } }
    var documents: Int { documentsDone + current.reduce(0) { $0 + $1.2 } }
  }
  let state: Mutex<State>
  /// Set when a worker fails: the others stop soon after.
  let stopped = Atomic<Bool>(false)

  init(workers: Int) {
    state = Mutex(State(current: Array(repeating: (0, 0, 0), count: workers)))
  }

  func snapshot() -> State { state.withLock { $0 } }

  /// Warnings raised since the last call (for the waiting thread to pass on).
  func takeWarnings() -> [String] {
    state.withLock { state in
      defer { state.warnings = [] }
      return state.warnings
    }
  }

  func fail(_ error: any Error) {
    state.withLock { if $0.error == nil { $0.error = error } }
    stopped.store(true, ordering: .relaxed)
  }
}

/// What every worker shares.
final class WorkerContext: Sendable {
  let request: CountRequest
  let settings: Manifest.Settings
  let entities: EntityPlan?
  let tasks: [ShardTask]
  let work: String
  let memory: MemoryPlan
  /// Lets one reader at a time hold a long line, under a memory budget.
  let gate: LongLineGate?
  let shared: SharedProgress
  /// Names this count's runs apart from an interrupted one's (process id and start time).
  let runID = "\(Syscalls.processID)-\(UInt64(Syscalls.monotonicSeconds() * 1e6))"
  /// Held by the worker writing a run, under a memory budget.
  let spilling = NSLock()
  /// The next task to take.
  let next = Atomic<Int>(0)

  init(
    request: CountRequest, settings: Manifest.Settings, entities: EntityPlan?,
    tasks: [ShardTask], work: String, memory: MemoryPlan, gate: LongLineGate?,
    shared: SharedProgress
  ) {
    self.request = request
    self.settings = settings
    self.entities = entities
    self.tasks = tasks
    self.work = work
    self.memory = memory
    self.gate = gate
    self.shared = shared
  }
}

/// Thrown inside a worker when another has failed.
struct Stopped: Error {}

/// One worker: takes shards from the shared list and counts them, writing runs as it goes.
struct Worker: ~Copyable {
  let context: WorkerContext
  let number: Int
  private var counters: Counters
  /// What the run being counted holds besides its counts.
  private var held = RunContents()
  private var runs = 0
  private var lastSpill = Syscalls.monotonicSeconds()
  /// Whether the counts since the last run are incomplete (and so never written).
  private var isPoisoned = false

  init(context: WorkerContext, number: Int) throws {
    self.context = context
    self.number = number
    counters = try Self.makeCounters(context)
  }

  mutating func run() {
    do {
      while !context.shared.stopped.load(ordering: .relaxed) {
        let t = context.next.add(1, ordering: .relaxed).oldValue
        guard t < context.tasks.count else { break }
        try count(context.tasks[t])
        let now = Syscalls.monotonicSeconds()
        if now - lastSpill >= context.request.checkpointSeconds { try spill() }
      }
      try handOver()
    } catch is Stopped {
      // Another worker failed: keep what was counted (a shard cut short resumes at its line).
      try? spill()
    } catch {
      // Keep what was counted before the error, for '--resume'.
      try? spill()
      context.shared.fail(error)
    }
    context.shared.state.withLock { $0.finishedWorkers += 1 }
  }

  private static func makeCounters(_ context: WorkerContext) throws -> Counters {
    let sortBytes = context.memory.sortBytes
    return try Counters(
      request: context.request, entities: try context.entities?.counter(sortBytes: sortBytes),
      sortBytes: sortBytes)
  }

  /// Counts one shard (from its first line not yet counted), writing runs when memory is full.
  private mutating func count(_ task: ShardTask) throws {
    let request = context.request
    let shard = task.shard
    var reader = try ShardReader(
      path: shard.path, chunkSize: request.chunkSize, maxLineBytes: request.maxLineBytes,
      gate: context.gate)
    var extractor = TextExtractor(format: shard.isJSONL ? .jsonl(field: request.textField) : .plain)
    let compression = reader.compression.rawValue
    func newSegment() -> Manifest.Input {
      Manifest.Input(
        path: shard.path, bytes: shard.size, modificationTime: shard.modificationTime,
        compression: compression, uncompressedBytes: 0, lines: task.skipLines, documents: 0,
        tokens: 0, skippedLines: 0, blankLines: 0)
    }
    if shard.size == 0 && task.skipLines == 0 { held.warnings.append("'\(shard.path)' is empty") }
    var segment = newSegment()
    var segmentStart = task.skipLines
    var tokensBefore = counters.tokens
    var uncompressedBytes = 0
    var checkedAt = 0
    let shared = context.shared
    let worker = number

    var newSkips: [Manifest.SkippedLine] = []
    var segmentOpen = true
    var replacedBefore = 0
    /// Ends the segment: into the run's inputs, with its tokens, skipped lines and replaced
    /// surrogates. (A part of a shard with no line in it is left out, unless the shard is done.)
    func close(_ segment: inout Manifest.Input, done: Bool = false) {
      segmentOpen = false
      held.replacedSurrogates += extractor.replacedSurrogates - replacedBefore
      replacedBefore = extractor.replacedSurrogates
      segment.tokens = counters.tokens - tokensBefore
      segment.uncompressedBytes = uncompressedBytes
      if done || segment.lines > segmentStart {
        held.inputs.append(segment)
        held.starts[segment.path] = segmentStart
      }
      held.skipped += newSkips.prefix(max(0, Manifest.listedSkips - held.skipped.count))
      newSkips = []
    }
    func skip(_ lineNumber: Int, reason: String, message: String) {
      segment.skippedLines += 1
      if newSkips.count < Manifest.listedSkips {
        newSkips.append(.init(path: shard.path, line: lineNumber, reason: reason, message: message))
      }
    }
    let tooLong: ((Int) throws -> Void)? =
      request.skipBadLines
      ? { lineNumber in
        guard lineNumber > task.skipLines else { return }
        segment.lines = lineNumber
        skip(lineNumber, reason: "line-too-long", message: "longer than \(request.maxLineBytes) bytes")
      } : nil
    do {
    try reader.forEachLine(tooLong: tooLong) { line, position in
      let lineNumber = position.number
      uncompressedBytes = position.uncompressedBytes
      // Every 1024 lines or 256 KiB of text (documents may be long): the other workers, the
      // progress (also while passing over lines counted before), then the memory.
      let periodic = lineNumber & 1023 == 0 || position.uncompressedBytes - checkedAt >= 1 << 18
      if periodic {
        checkedAt = position.uncompressedBytes
        if shared.stopped.load(ordering: .relaxed) {
          close(&segment)
          throw Stopped()
        }
        shared.state.withLock {
          $0.current[worker] = (position.bytesConsumed, position.uncompressedBytes, segment.documents)
        }
      }
      if lineNumber <= task.skipLines { return }
      if periodic {
        if let warning = counters.pairWarning() {
          held.warnings.append(warning)
          shared.state.withLock { $0.warnings.append(warning) }
        }
        if counters.memoryBytes >= context.memory.spillBytes {
          // Full: this part of the shard goes into a run, and counting goes on in a new one.
          close(&segment)
          try spill()
          segment = newSegment()
          segmentOpen = true
          segment.lines = lineNumber - 1
          segmentStart = lineNumber - 1
          tokensBefore = counters.tokens
        }
      }
      segment.lines = lineNumber
      // A line of nothing but whitespace is not a document, in text files as in JSONL.
      if !shard.isJSONL && WhitespaceSplitter.isBlank(line) {
        segment.blankLines += 1
        return
      }
      // A long document's text goes as its line does (see `LongLineGate`).
      defer { if line.count > LongLineGate.freeBytes { extractor.releaseLongBuffer() } }
      do {
        let id = DocumentID.make(shard: held.inputs.count, line: lineNumber)
        let isDocument = try extractor.extract(from: line) { text in
          try counters.count(text, id: id)
        }
        if isDocument { segment.documents += 1 } else { segment.blankLines += 1 }
      } catch let error as LineError {
        guard request.skipBadLines else {
          // Lines before this one are counted; '--resume' goes on from here.
          segment.lines = lineNumber - 1
          close(&segment)
          throw CountError.badLine(path: shard.path, line: lineNumber, error)
        }
        skip(lineNumber, reason: error.reason, message: error.description)
      }
    }
    } catch {
      if segmentOpen {
        // The counts hold part of a document, or lines of a damaged shard (gzip checks its
        // data only at the end of a member): the run is not kept, and the shard's earlier runs
        // are dropped by '--resume' (its other shards are counted again).
        isPoisoned = true
        if error is IOError { shared.state.withLock { $0.damaged.append(shard.path) } }
      }
      throw error
    }
    uncompressedBytes = reader.uncompressedBytes
    close(&segment, done: true)
    held.complete.append(shard.path)
    let documents = segment.documents
    shared.state.withLock {
      $0.current[worker] = (0, 0, 0)
      $0.shardsDone += 1
      $0.bytesDone += shard.size
      $0.uncompressedDone += reader.uncompressedBytes
      $0.documentsDone += documents
    }
  }

  /// Hands what has been counted since the last run, sorted, to the thread that merges (under
  /// a memory budget, writes it as a run).
  private mutating func handOver() throws {
    guard !held.inputs.isEmpty, !context.shared.stopped.load(ordering: .relaxed),
      !context.memory.isBounded
    else {
      return try spill()
    }
    let final = FinalCounts(parts: try counters.parts(), contents: held)
    held = RunContents()
    context.shared.state.withLock { $0.finals.append(final) }
  }

  /// Writes what has been counted as a run (atomically) and starts afresh.
  private mutating func spill() throws {
    defer { lastSpill = Syscalls.monotonicSeconds() }
    guard !held.inputs.isEmpty, !isPoisoned else { return }
    // Under a memory budget, one worker writes at a time.
    if context.memory.isBounded { context.spilling.lock() }
    defer { if context.memory.isBounded { context.spilling.unlock() } }
    // The counts leave the worker here, whatever happens to them below.
    var counters = try Self.makeCounters(context)
    swap(&counters, &self.counters)
    let contents = held
    held = RunContents()
    runs += 1
    try context.writeRun(
      "run-\(context.runID)-\(number)-\(runs)", inputs: contents.inputs, contents: [contents]
    ) { directory in try counters.writeTables(to: directory) }
    // What the counts and their sorting took goes back to the system, not only to malloc.
    if context.memory.isBounded { Syscalls.releaseFreeMemory() }
  }
}
