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
  /// Shards found damaged, one path a line: their runs are dropped by the next `open`.
  static let damagedFileName = "damaged"

  /// What a count asks for that must not change on `--resume`.
  struct Request: Codable, Equatable {
    var settings: Manifest.Settings
    var maxLineBytes: Int
  }

  /// Prepares `work` for a count with `settings`: a new, empty one, or with `resume` the one an
  /// interrupted count left (its runs of shards that have changed since are dropped).
  static func open(
    _ work: String, settings: Manifest.Settings, maxLineBytes: Int,
    shards: [CorpusWalker.Shard], resume: Bool, overwrite: Bool
  ) throws -> State {
    OutputDirectory.removeAbandoned(work)
    // What a finished count left: only to be removed.
    if try Syscalls.status("\(work)/\(finishedFileName)") != nil { remove(work) }
    let exists = try Syscalls.status(work) != nil
    if !resume || !exists {
      if exists {
        guard overwrite, try isWorkDirectory(work) else {
          throw CountError.interruptedRun(output: String(work.dropLast(".parts".count)), work: work)
        }
        remove(work)
      } else if resume {
        let output = String(work.dropLast(".parts".count))
        if try Syscalls.status("\(output)/\(Manifest.fileName)") != nil {
          throw CountError.nothingToResume(output: output)
        }
      }
      try Syscalls.makeDirectories(work)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      let request = Request(settings: settings, maxLineBytes: maxLineBytes)
      try writeFile("\(work)/\(requestFileName)", Array(try encoder.encode(request)))
      Syscalls.syncDirectory(work)
      return State()
    }
    // Resume: the same settings (bad lines may now be skipped), then the runs.
    let earlier: Request
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: "\(work)/\(requestFileName)"))
      earlier = try JSONDecoder().decode(Request.self, from: data)
    } catch {
      throw CountError.damagedRun(
        path: "\(work)/\(requestFileName)", detail: (error as NSError).localizedDescription)
    }
    if let (what, before, now) = TableMerger.difference(earlier.settings, settings) {
      throw CountError.resumeMismatch(
        work: work, detail: "\(what) differ (it counted with \(before), this run asks for \(now))")
    }
    if earlier.maxLineBytes != maxLineBytes {
      throw CountError.resumeMismatch(
        work: work,
        detail: "'--max-line-bytes' differs (it counted with \(earlier.maxLineBytes), this run "
          + "asks for \(maxLineBytes))")
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
        // Committed runs are whole: one that cannot be read was being dropped when the count
        // was killed, and is dropped now.
        unusable.append(path)
      }
    }
    // Shards that changed (or went) since, and shards whose parts do not follow on from their
    // first line: every run holding one is dropped, and the other shards of those runs are
    // counted again too.
    let current = Dictionary(shards.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    var invalid = Set<String>()
    let damaged = "\(work)/\(damagedFileName)"
    if let text = try? String(contentsOfFile: damaged, encoding: .utf8) {
      for line in text.split(separator: "\n") { invalid.insert(String(line)) }
    }
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
    for run in runs where !kept.contains(where: { $0.path == run.path }) { drop(run.path) }
    for path in unusable { drop(path) }
    Syscalls.removeTree(damaged)
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
      $0 == requestFileName || $0 == finishedFileName || $0 == damagedFileName
        || $0.hasPrefix("run-") || $0.hasPrefix(".run-") || $0.hasPrefix(".droprun-")
    }
  }

  /// Removes `work` once the output is written: marks it finished, then removes the runs, the
  /// mark last (a kill part-way leaves something that is only removed, never resumed).
  static func finish(_ work: String) {
    try? writeFile("\(work)/\(finishedFileName)", [])
    Syscalls.syncDirectory(work)
    remove(work)
  }

  /// Removes `work` at once (renamed to a name only ever removed, then removed).
  static func remove(_ work: String) {
    let trash = "\(work).old-\(Syscalls.processID)"
    if (try? Syscalls.rename(work, to: trash)) != nil {
      Syscalls.syncDirectory(parentDirectory(of: work))
      Syscalls.removeTree(trash)
    } else {
      Syscalls.removeTree(work)
    }
  }

  /// Drops a run at once (a hidden name is only ever removed).
  static func drop(_ run: String) {
    let slash = run.lastIndex(of: "/")!
    let hidden = "\(run[..<slash])/.drop\(run[run.index(after: slash)...])"
    if (try? Syscalls.rename(run, to: hidden)) != nil {
      Syscalls.removeTree(hidden)
    } else {
      Syscalls.removeTree(run)
    }
  }

  /// Records that `paths` were found damaged (their runs are dropped on resume).
  static func markDamaged(_ paths: [String], in work: String) {
    let file = "\(work)/\(damagedFileName)"
    let earlier = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    let text = earlier + paths.map { $0 + "\n" }.joined()
    try? writeFile(file, Array(text.utf8))
    Syscalls.syncDirectory(work)
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
