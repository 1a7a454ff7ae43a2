import Foundation
import TailscanIO
import TailscanStore

/// The runs of a count in progress, in `<output>.parts/`: what survives a crash.
///
/// A run is a table directory written under a temporary name and renamed into place once
/// complete (so a run is there whole or not at all), with `run.json` saying where each of its
/// shards' part starts (the lines before it are in other runs) and which shards it holds to
/// their end; a part ends at its input's `lines`. `request.json` holds the settings, so that
/// `--resume` goes on only with the same ones. A run is used only if its shards are unchanged
/// and each shard's parts follow on from its first line: so a run dropped half-way (a kill
/// while dropping) takes the runs that follow it along the next time.
enum RunJournal {
  static let requestFileName = "request.json"
  static let runFileName = "run.json"

  /// Where an earlier, interrupted count got to.
  struct State {
    /// Per shard path: the lines counted (`Int.max`: all of them).
    var linesDone: [String: Int] = [:]
  }

  struct RunRecord: Codable {
    /// Shards this run holds to their last line.
    var complete: [String]
    /// Per shard: the lines before this run's part of it.
    var starts: [String: Int]
  }

  /// Set once the output is written: what is left here is only to be removed.
  static let finishedFileName = "finished"

  /// Prepares `work` for a count with `settings`: a new, empty one, or with `resume` the one an
  /// interrupted count left (its runs of shards that have changed since are dropped).
  static func open(
    _ work: String, settings: Manifest.Settings, shards: [CorpusWalker.Shard], resume: Bool,
    overwrite: Bool
  ) throws -> State {
    // What a finished count left: only to be removed.
    if try Syscalls.status("\(work)/\(finishedFileName)") != nil { remove(work) }
    let exists = try Syscalls.status(work) != nil
    if !resume || !exists {
      if exists {
        guard overwrite, try isWorkDirectory(work) else {
          throw CountError.interruptedRun(output: String(work.dropLast(".parts".count)), work: work)
        }
        Syscalls.removeTree(work)
      } else if resume {
        let output = String(work.dropLast(".parts".count))
        if try Syscalls.status("\(output)/\(Manifest.fileName)") != nil {
          throw CountError.nothingToResume(output: output)
        }
      }
      try Syscalls.makeDirectories(work)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try writeFile("\(work)/\(requestFileName)", Array(try encoder.encode(settings)))
      Syscalls.syncDirectory(work)
      return State()
    }
    // Resume: the same settings (bad lines may now be skipped), then the runs.
    let earlier: Manifest.Settings
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: "\(work)/\(requestFileName)"))
      earlier = try JSONDecoder().decode(Manifest.Settings.self, from: data)
    } catch {
      throw CountError.damagedRun(path: "\(work)/\(requestFileName)", detail: "\(error)")
    }
    if let (what, before, now) = TableMerger.difference(earlier, settings) {
      throw CountError.resumeMismatch(
        work: work, detail: "\(what) differ (it counted with \(before), this run asks for \(now))")
    }
    var runs: [(path: String, manifest: Manifest, record: RunRecord)] = []
    var unusable: [String] = []
    for name in try Syscalls.directoryEntries(work).sorted() {
      let path = "\(work)/\(name)"
      if name.hasPrefix(".") {
        Syscalls.removeTree(path)  // a run that was being written
        continue
      }
      guard name.hasPrefix("run-") else { continue }
      do {
        let manifest = try Manifest.read(directory: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(runFileName)"))
        let record = try JSONDecoder().decode(RunRecord.self, from: data)
        // A run missing a table (a kill while its files were moved out) is not used.
        if try manifest.tables.allSatisfy({ try Syscalls.status("\(path)/\($0.file)") != nil }) {
          runs.append((path, manifest, record))
        } else {
          unusable.append(path)
        }
      } catch {
        throw CountError.damagedRun(path: path, detail: "\(error)")
      }
    }
    // Shards that changed (or went) since, and shards whose parts do not follow on from their
    // first line: every run holding one is dropped, and the other shards of those runs are
    // counted again too.
    let current = Dictionary(shards.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    var invalid = Set<String>()
    for run in runs {
      for input in run.manifest.inputs {
        let shard = current[input.path]
        if shard?.size != input.bytes || shard?.modificationTime != input.modificationTime {
          invalid.insert(input.path)
        }
      }
    }
    var kept = runs
    while true {
      var parts: [String: [(start: Int, end: Int)]] = [:]
      for run in kept {
        for input in run.manifest.inputs {
          parts[input.path, default: []].append((run.record.starts[input.path] ?? -1, input.lines))
        }
      }
      for (path, list) in parts {
        var next = 0
        for part in list.sorted(by: { $0.start < $1.start }) {
          if part.start != next { invalid.insert(path) }
          next = part.end
        }
      }
      let dropped = kept.filter { run in run.manifest.inputs.contains { invalid.contains($0.path) } }
      if dropped.isEmpty { break }
      for run in dropped { for input in run.manifest.inputs { invalid.insert(input.path) } }
      kept.removeAll { run in dropped.contains { $0.path == run.path } }
    }
    for run in runs where !kept.contains(where: { $0.path == run.path }) {
      Syscalls.removeTree(run.path)
    }
    for path in unusable { Syscalls.removeTree(path) }
    Syscalls.syncDirectory(work)
    var state = State()
    for run in kept {
      for input in run.manifest.inputs {
        state.linesDone[input.path] = max(state.linesDone[input.path] ?? 0, input.lines)
      }
    }
    for run in kept { for path in run.record.complete { state.linesDone[path] = .max } }
    return state
  }

  /// Whether `path` holds only what a count keeps there (so `--force` may remove it).
  static func isWorkDirectory(_ path: String) throws -> Bool {
    try Syscalls.directoryEntries(path).allSatisfy {
      $0 == requestFileName || $0 == finishedFileName || $0.hasPrefix("run-")
        || $0.hasPrefix(".run-")
    }
  }

  /// Removes `work` once the output is written: marks it finished, then removes the runs, the
  /// mark last (a kill part-way leaves something that is only removed, never resumed).
  static func finish(_ work: String) {
    try? writeFile("\(work)/\(finishedFileName)", [])
    Syscalls.syncDirectory(work)
    remove(work)
  }

  static func remove(_ work: String) {
    for name in (try? Syscalls.directoryEntries(work)) ?? [] where name != finishedFileName {
      Syscalls.removeTree("\(work)/\(name)")
    }
    Syscalls.removeTree(work)
  }

  /// The runs in `work`, by name.
  static func runs(in work: String) throws -> [String] {
    try Syscalls.directoryEntries(work).filter { $0.hasPrefix("run-") }.sorted().map {
      "\(work)/\($0)"
    }
  }

  /// Finishes the run written in `temporary`: its manifest and record, then the rename that
  /// makes it count.
  static func commit(
    run temporary: String, as path: String, manifest: Manifest, complete: [String],
    starts: [String: Int]
  ) throws {
    try writeFile("\(temporary)/\(Manifest.fileName)", Array(try manifest.encoded()))
    let record = RunRecord(complete: complete, starts: starts)
    try writeFile("\(temporary)/\(runFileName)", Array(try JSONEncoder().encode(record)))
    Syscalls.syncDirectory(temporary)
    try Syscalls.rename(temporary, to: path)
    Syscalls.syncDirectory(parentDirectory(of: path))
  }
}
