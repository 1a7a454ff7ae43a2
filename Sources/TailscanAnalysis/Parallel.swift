import Dispatch
import Foundation
import Synchronization

/// Work spread over a bounded number of cores.
enum Parallel {
  /// Calls `body` with each of `0..<count`, on at most `jobs` threads at once: each thread
  /// takes the next index as it becomes free, so index 0 starts first, and with one job the
  /// calls are made in order on the caller's thread.
  static func forEach(count: Int, jobs: Int, _ body: @Sendable (Int) -> Void) {
    let workers = max(1, min(jobs, count))
    guard workers > 1 else {
      for i in 0..<count { body(i) }
      return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while true {
        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard i < count else { return }
        body(i)
      }
    }
  }

  /// `body` of each of `0..<count`, computed as `forEach` calls it; the results in order.
  static func map<T: Sendable>(count: Int, jobs: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let results = Locked([T?](repeating: nil, count: count))
    forEach(count: count, jobs: jobs) { i in
      let result = body(i)
      results.withLock { $0[i] = result }
    }
    return results.withLock { $0.compactMap { $0 } }
  }

  /// The number of pieces to cut work into for `jobs` threads: a few each, so that pieces of
  /// unequal cost even out.
  static func pieces(_ count: Int, jobs: Int) -> Int {
    min(count, 4 * max(1, jobs))
  }
}

/// A value that worker threads share, behind a lock ThreadSanitizer sees.
///
/// `Synchronization.Mutex` locks with futexes that ThreadSanitizer does not instrument, so it
/// reports every state that two threads reach through one as a race (see
/// Scripts/tsan-suppressions.txt). An `NSLock` is a pthread mutex, which it does see: shared
/// state here keeps `Scripts/sanitize thread` able to find real races around it.
// @unchecked Sendable: the value is only reached through `withLock`, under the lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  init(_ value: Value) {
    self.value = value
  }

  func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
