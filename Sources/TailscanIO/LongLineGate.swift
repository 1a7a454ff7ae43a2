import Foundation

/// Memory for long lines under a memory budget.
///
/// A reader holds its line whole (and the text extracted from it), so a long document costs
/// memory the budget must hold. Lines up to `freeBytes` are read by every reader at once; a
/// reader whose line outgrows that takes the gate, and the others wait at that size until it
/// has finished with its line. So the readers together hold at most one long line, never
/// longer than `limit`: longer ones stop the count with `IOError.lineExceedsMemory`. The gate
/// decides only when a line is read, never whether it is counted, so the counts do not
/// depend on it.
public final class LongLineGate: @unchecked Sendable {
  /// Lines (and their buffers) up to this size never wait.
  public static let freeBytes = 2 << 20
  /// The longest line held.
  public let limit: Int
  /// What sets the limit, for the error (e.g. `--memory 512MiB`).
  public let reason: String
  private let condition = NSCondition()
  private var isHeld = false  // under `condition`
  /// How many times a reader has taken the gate (for tests).
  private var entries = 0  // under `condition`

  public init(limit: Int, reason: String) {
    self.limit = max(limit, Self.freeBytes)
    self.reason = reason
  }

  /// The memory the gate lets readers hold beyond their own `freeBytes` each: one line of
  /// `limit` bytes, the text extracted from it, and the old buffer while the line's grows.
  public var heldBytes: Int { limit * 5 / 2 }

  /// Waits until no other reader holds a long line, then holds the gate.
  func enter() {
    condition.lock()
    while isHeld { condition.wait() }
    isHeld = true
    entries += 1
    condition.unlock()
  }

  /// `entries`, read under the lock.
  var entryCount: Int {
    condition.lock()
    defer { condition.unlock() }
    return entries
  }

  func leave() {
    condition.lock()
    isHeld = false
    condition.signal()
    condition.unlock()
  }
}
