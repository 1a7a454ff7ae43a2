internal import Dispatch
internal import Foundation
internal import Synchronization
internal import TailscanIO

/// One counter's tables of a family, sorted and ready to be written, alone or merged with other
/// counters' (each worker of a count has its own): the terms in byte order with their counts,
/// and per order the n-gram builder's sorted runs over the terms' byte-order ranks.
///
/// Sorting happens where the parts are made (in each worker, in parallel); what is left to
/// merge them is a walk over the vocabularies and an increasing renumbering of the runs, which
/// keeps them sorted.
// @unchecked Sendable: the builders are handed over whole from the thread that made the parts,
// which touches them no more.
package struct TableParts: @unchecked Sendable {
  package let family: TableFamily
  /// The terms' bytes back to back, in byte order, and where each starts (and the end).
  var bytes: [UInt8] = []
  var offsets: [Int] = [0]
  /// Occurrences and documents of each term, side by side.
  var counts: [UInt64] = []
  /// The builders of orders 2, 3, …, sealed: their runs are sorted by byte-order ranks.
  let builders: [NGramBuilder]
  var runs: [[RunView]] = []

  var termCount: Int { offsets.count - 1 }

  /// Sorts a counter's tables: `term(k, body)` passes `body` the bytes and counts of the
  /// counter's term k (its id in `builders`) for k in `order` (the ids in byte order of their
  /// bytes).
  init(
    family: TableFamily, order: [UInt32], builders: [NGramBuilder],
    term: (Int, (UnsafeRawBufferPointer, UInt64, UInt64) -> Void) -> Void, ids: Int
  ) throws {
    self.family = family
    self.builders = builders
    var rank = [UInt32](repeating: 0, count: ids)
    counts.reserveCapacity(2 * order.count)
    offsets.reserveCapacity(order.count + 1)
    for (r, id) in order.enumerated() {
      rank[Int(id)] = UInt32(r)
      unsafe term(Int(id)) { raw, count, documents in
        unsafe bytes.append(contentsOf: raw)
        offsets.append(bytes.count)
        counts.append(count)
        counts.append(documents)
      }
    }
    runs = try builders.map { try $0.sortedRuns(rank: rank) }
  }
}

extension CountTableWriter {
  /// Writes the tables of `parts` (one family, from one or more counters) into `directory`,
  /// merged: equal terms and n-grams add up; the parts are renumbered, and each n-gram table
  /// written, on up to `threads` threads (parts of at least `minimumPart` records).
  package static func write(
    _ parts: [TableParts], to directory: String, seed: UInt64, threads: Int,
    minimumPart: Int = 1 << 20
  ) throws -> [TableSummary]
  {
    precondition(!parts.isEmpty)
    let family = parts[0].family
    // The merged vocabulary: a k-way merge by bytes. `source[e]` is a part and term that has
    // merged term e; `maps[p][i]` is the merged id of part p's term i.
    var source: [(part: Int, term: Int)] = []
    var merged: [UInt64] = []
    var maps = parts.map { [UInt32](repeating: 0, count: $0.termCount) }
    if parts.count == 1 {
      source = (0..<parts[0].termCount).map { (0, $0) }
      merged = parts[0].counts
    } else {
      (source, merged) = mergeTerms(parts, maps: &maps)
    }
    let n = source.count
    // With threads to spare, the vocabulary is written on its own thread while the n-grams are
    // renumbered and written; on one (a run written under a memory budget), first.
    let vocabulary = Mutex<Result<TableSummary, any Error>?>(nil)
    let done = DispatchGroup()
    let inputs = UncheckedSendable((parts, source, merged))
    let writeVocabularyTable = { @Sendable in
      let (parts, source, merged) = inputs.value
      let result = Result {
        try unsafe writeVocabulary(family: family, count: n, to: directory, seed: seed) {
          e, body in
          let (p, i) = source[e]
          unsafe parts[p].bytes.withUnsafeBytes { raw in
            let token = unsafe UnsafeRawBufferPointer(
              rebasing: raw[parts[p].offsets[i]..<parts[p].offsets[i + 1]])
            unsafe body(token, merged[2 * e], merged[2 * e + 1])
          }
        }
      }
      vocabulary.withLock { $0 = result }
    }
    if threads > 1 {
      DispatchQueue.global().async(group: done, execute: writeVocabularyTable)
    } else {
      writeVocabularyTable()
    }
    var summaries: [TableSummary] = []
    defer { done.wait() }
    if parts.count > 1 {
      // Each part's runs into merged ids: increasing maps keep them sorted.
      let work = { (p: Int) in for builder in parts[p].builders { builder.renumberSortedRuns(maps[p]) } }
      if threads > 1 {
        let shared = UncheckedSendable(work)
        DispatchQueue.concurrentPerform(iterations: parts.count) { shared.value($0) }
      } else {
        for p in parts.indices { work(p) }
      }
    }
    for (k, builder) in parts[0].builders.enumerated() {
      let runs = parts.flatMap { $0.runs[k] }
      let ranges = NGramTableParts.ranges(
        vocabularySize: n, threads: threads, minimumPart: minimumPart
      ) { id in runs.reduce(0) { $0 + $1.firstRecord(ofID: id) } }
      let slices = ranges.map { range in
        runs.map { $0.slice(range.lowerBound..<range.upperBound) }
      }
      let shared = UncheckedSendable(slices)
      let keyWords = builder.keyWords
      summaries.append(
        try unsafe NGramTableParts.write(
          order: builder.order, family: family, vocabularySize: n, to: directory, seed: seed,
          ranges: ranges
        ) { p, body in
          try unsafe RunMerger.merge(shared.value[p], keyWords: keyWords, body)
        })
    }
    done.wait()
    let written = try vocabulary.withLock { $0 }!.get()
    return [written] + summaries
  }
}

extension CountTableWriter {
  /// The k-way merge of several parts' terms by bytes: per merged term a part and term that has
  /// it, and its summed counts; fills `maps[p][i]` with the merged id of part p's term i.
  static func mergeTerms(_ parts: [TableParts], maps: inout [[UInt32]])
    -> ([(part: Int, term: Int)], [UInt64])
  {
    // Raw copies of the parts' terms, so that the loop reads memory, not arrays.
    let bytes = unsafe parts.map { part in
      let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, part.bytes.count))
      _ = unsafe copy.initialize(from: part.bytes)
      return unsafe copy
    }
    let offsets = unsafe parts.map { part in
      let copy = UnsafeMutableBufferPointer<Int>.allocate(capacity: part.offsets.count)
      _ = unsafe copy.initialize(from: part.offsets)
      return unsafe copy
    }
    defer {
      for unsafe b in unsafe bytes { unsafe b.deallocate() }
      for unsafe o in unsafe offsets { unsafe o.deallocate() }
    }
    /// Byte order of part p's term i against part q's term j.
    func compare(_ p: Int, _ i: Int, _ q: Int, _ j: Int) -> Int {
      let a = unsafe offsets[p][i]
      let m = unsafe offsets[p][i + 1] - a
      let b = unsafe offsets[q][j]
      let n = unsafe offsets[q][j + 1] - b
      let c = min(m, n) == 0 ? 0 : Int(unsafe memcmp(bytes[p].baseAddress! + a, bytes[q].baseAddress! + b, min(m, n)))
      return c != 0 ? c : m - n
    }
    var source: [(part: Int, term: Int)] = []
    var merged: [UInt64] = []
    source.reserveCapacity(parts.map(\.termCount).max() ?? 0)
    var cursors = [Int](repeating: 0, count: parts.count)
    let ends = parts.map(\.termCount)
    var live = (0..<parts.count).filter { ends[$0] > 0 }
    while !live.isEmpty {
      var best = live[0]
      for p in live.dropFirst() where compare(p, cursors[p], best, cursors[best]) < 0 { best = p }
      let id = UInt32(source.count)
      let bestTerm = cursors[best]
      source.append((best, bestTerm))
      var count: UInt64 = 0
      var documents: UInt64 = 0
      var finished = false
      for p in live where p == best || compare(p, cursors[p], best, bestTerm) == 0 {
        count &+= parts[p].counts[2 * cursors[p]]
        documents &+= parts[p].counts[2 * cursors[p] + 1]
        maps[p][cursors[p]] = id
        cursors[p] += 1
        if cursors[p] == ends[p] { finished = true }
      }
      merged.append(count)
      merged.append(documents)
      if finished { live.removeAll { cursors[$0] == ends[$0] } }
    }
    return (source, merged)
  }
}

/// A value handed to threads that use it one at a time (or only to read).
struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
