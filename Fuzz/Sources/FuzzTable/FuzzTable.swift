import FuzzSupport
import TailscanStore

/// Fuzzes the count-table reader: the input is a table directory packed into one byte string,
/// opened with `CountTable(directory:)` and queried in every way `tailscan` queries tables.
///
/// The input is split at each table file's magic, `TSCOUNT\0`: the pieces from each magic on
/// are `order-1.tsc`, `order-2.tsc`, … (at most 8); what comes before the first magic, if
/// anything, is `manifest.json`, else a valid manifest naming those orders is written. The
/// header checksum of each piece is set right before it is written (a fuzzer cannot forge a
/// hash, and a wrong checksum stops the reader at once), unless the input is 1 byte longer than
/// a multiple of 16, to keep that check fuzzed too. Throwing is fine; crashing is not.
///
/// An input that starts with `TSDOCS\0\0` is instead a document-postings file
/// (`entities-docs.tsd`), sealed likewise, opened with `DocumentPostings` and read.
func fuzzOne(_ bytes: [UInt8]) {
  let size = bytes.count
  if bytes.starts(with: TablePacking.postingsMagic) {
    var file = bytes
    if size % 16 != 1 { TablePacking.fixPostingsChecksum(&file) }
    let path = writeScratchFile("entities-docs.tsd", file)
    do {
      let postings = try DocumentPostings(path: path)
      let n = postings.entityCount
      for e in Set([0, 1, n / 2, n - 1, n]) where e >= 0 {
        do { _ = try postings.documents(of: UInt32(truncatingIfNeeded: e)) } catch { note(error) }
      }
      _ = try postings.verifyAll()
    } catch {
      note(error)
    }
    return
  }
  let (manifest, tables) = TablePacking.split(bytes)
  let directory = "\(scratchDirectory)/table"
  // Files of the previous input that this one does not overwrite.
  for order in stride(from: unsafe writtenTables, to: tables.count, by: -1) {
    removeScratchFile("table/order-\(order).tsc")
  }
  unsafe writtenTables = min(tables.count, 8)
  for (i, var table) in tables.prefix(8).enumerated() {
    if size % 16 != 1 { TablePacking.fixChecksum(&table) }
    _ = writeScratchFile("table/order-\(i + 1).tsc", table)
  }
  _ = writeScratchFile(
    "table/manifest.json", manifest ?? TablePacking.manifest(orders: min(tables.count, 8)))
  do {
    let table = try CountTable(directory: directory)
    query(table)
  } catch {
    note(error)
  }
}

/// How many table files the previous input wrote.
nonisolated(unsafe) private var writtenTables = 0

/// Everything a query can do, with arguments drawn from the table itself.
func query(_ table: CountTable) {
  for order in 1...table.maxOrder {
    _ = table.distinct(order: order)
    _ = table.occurrences(order: order)
    let top = (try? table.top(3, order: order)) ?? []
    for (tokens, _) in top { _ = try? table.counts(of: tokens) }
    let distinct = table.distinct(order: order)
    for index in Set([0, distinct / 2, distinct - 1]) where index >= 0 && index < distinct {
      guard let (ids, _) = try? table.entry(order: order, index: index) else { continue }
      _ = try? table.counts(ofIDs: ids)
      _ = try? table.counts(ofIDs: ids.reversed())
    }
    _ = try? table.counts(ofIDs: (0..<order).map { UInt32($0) })
  }
  for id in 0..<UInt32(min(table.distinct(order: 1), 8)) {
    if let token = try? table.tokenBytes(id) {
      _ = try? table.tokenID(token)
      _ = try? table.counts(of: [token, token])
    }
  }
  _ = try? table.tokenID(Array("the".utf8))
  _ = try? table.tokenID([])
  _ = try? table.tokenBytes(UInt32.max)
}
