import Foundation
import Synchronization
@testable import TailscanIO
import TailscanTestSupport
import Testing

/// Long lines under a memory budget: read whole, one long line at a time, none longer than the
/// gate's limit.
@Suite("LongLineGate", .timeLimit(.minutes(2)))
struct LongLineGateTests {
  /// Lines of these sizes (bytes), each filled with a letter of its own and a number.
  static func lines(_ sizes: [Int]) -> [[UInt8]] {
    sizes.enumerated().map { i, size in
      let digits = Array("\(i) ".utf8).prefix(size)
      let fill = [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: size - digits.count)
      return digits + fill
    }
  }

  static func write(_ lines: [[UInt8]], _ name: String, in dir: TemporaryDirectory) throws -> String {
    var text: [UInt8] = []
    for line in lines {
      text.append(contentsOf: line)
      text.append(0x0A)
    }
    let path = dir.file(name)
    try GzipFixtures.write(text, to: path)
    return path
  }

  static func read(
    _ path: String, gate: LongLineGate, maxLineBytes: Int = 1 << 31, skip: Bool = false
  ) throws -> (lines: [[UInt8]], skipped: [Int]) {
    var reader = try ShardReader(path: path, chunkSize: 1 << 16, maxLineBytes: maxLineBytes, gate: gate)
    var lines: [[UInt8]] = []
    var skipped: [Int] = []
    try reader.forEachLine(tooLong: skip ? { skipped.append($0) } : nil) { line, _ in
      lines.append(bytes(of: line))
    }
    return (lines, skipped)
  }

  @Test func twoReadersReadLongLinesWholeOneAtATime() throws {
    let dir = try TemporaryDirectory()
    let free = LongLineGate.freeBytes
    let a = Self.lines([10, free + 1, 300, 3 * free / 2, 5, free * 2, 70_000, 9])
    let b = Self.lines([free + 100_000, 1, free - 10, free * 2 - 1, 40, free + 3])
    let pathA = try Self.write(a, "a.jsonl.gz", in: dir)
    let pathB = try Self.write(b, "b.jsonl.gz", in: dir)
    let gate = LongLineGate(limit: free * 2, reason: "--memory 64MiB")
    let results = Mutex<[String: Result<[[UInt8]], any Error>]>([:])
    let group = DispatchGroup()
    for path in [pathA, pathB] {
      DispatchQueue.global().async(group: group) {
        let result = Result { try Self.read(path, gate: gate).lines }
        results.withLock { $0[path] = result }
      }
    }
    group.wait()
    let read = results.withLock { $0 }
    #expect(try read[pathA]?.get() == a)
    #expect(try read[pathB]?.get() == b)
    // Both readers took the gate, at most once per long line (a long line read in the buffer
    // of the one before it does not take it again).
    #expect((2...7).contains(gate.entryCount))
  }

  @Test func aLineLongerThanTheLimitStopsNamingFileLineAndBudget() throws {
    let dir = try TemporaryDirectory()
    let free = LongLineGate.freeBytes
    let path = try Self.write(Self.lines([5, free + 1, free * 3, 7]), "x.jsonl.gz", in: dir)
    let gate = LongLineGate(limit: free * 2, reason: "--memory 64MiB")
    #expect(throws: IOError.lineExceedsMemory(path: path, line: 3, limit: free * 2, reason: "--memory 64MiB")) {
      try Self.read(path, gate: gate)
    }
    let message = IOError.lineExceedsMemory(path: path, line: 3, limit: 4 << 20, reason: "--memory 64MiB")
      .description
    #expect(message.contains("'\(path)':3 is longer than 4MiB"))
    #expect(message.contains("'--max-line-bytes 4MiB --skip-bad-lines'"))
    // The gate was let go: another reader takes it at once.
    let other = try Self.write(Self.lines([free + 5]), "y.jsonl.gz", in: dir)
    #expect(try Self.read(other, gate: gate).lines.count == 1)
  }

  @Test func maxLineBytesBelowTheLimitSkipsFirst() throws {
    let dir = try TemporaryDirectory()
    let free = LongLineGate.freeBytes
    let lines = Self.lines([5, free * 3, 11, free + 2, 6])
    let path = try Self.write(lines, "x.jsonl.gz", in: dir)
    let gate = LongLineGate(limit: free * 2, reason: "--memory 64MiB")
    let read = try Self.read(path, gate: gate, maxLineBytes: free * 2, skip: true)
    #expect(read.skipped == [2])
    #expect(read.lines == [lines[0], lines[2], lines[3], lines[4]])
  }

  @Test func theLimitIsAtLeastTheFreeSize() {
    #expect(LongLineGate(limit: 1, reason: "").limit == LongLineGate.freeBytes)
    #expect(LongLineGate(limit: 1 << 30, reason: "").heldBytes == (1 << 30) * 5 / 2)
  }
}
