/// A stack whose top elements can be moved, not copied, into a new exactly-sized array.
///
/// `JSONParser` keeps the members of every open container here; closing a container moves
/// its members out in one step, with no reference counting and one allocation for the
/// result. (`Array` could only copy them out and then destroy the originals: a retain and a
/// release per value, which was about a fifth of the parse time.)
@safe
struct MoveStack<Element>: ~Copyable {
  /// `capacity` slots, of which the first `count` are initialized.
  private var base: UnsafeMutablePointer<Element>
  private var capacity: Int
  /// The number of elements.
  private(set) var count = 0

  /// Creates an empty stack with room for `capacity` elements before it grows.
  init(capacity: Int = 32) {
    self.capacity = max(1, capacity)
    unsafe base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
  }

  deinit {
    unsafe base.deinitialize(count: count)
    unsafe base.deallocate()
  }

  /// Adds `element` on top.
  @inline(__always)
  mutating func push(_ element: consuming Element) {
    if count == capacity { grow() }
    // Safe because count < capacity: the slot is allocated and uninitialized.
    unsafe (base + count).initialize(to: element)
    count += 1
  }

  private mutating func grow() {
    // Doubling cannot overflow: `capacity` elements already fit in memory.
    let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
    // Safe because the first `count` slots of `base` are initialized, and are left
    // uninitialized by the move before `base` is freed.
    unsafe grown.moveInitialize(from: base, count: count)
    unsafe base.deallocate()
    unsafe base = grown
    capacity *= 2
  }

  /// Removes the top element and returns it.
  @inline(__always)
  mutating func removeLast() -> Element {
    precondition(count > 0, "removeLast on an empty stack")
    count -= 1
    // Safe because the slot at the old count - 1 is initialized, and is forgotten by the
    // decrement above once moved out.
    return unsafe (base + count).move()
  }

  /// Removes the elements from position `start` on and returns them, in order, as an array.
  mutating func removeArray(from start: Int) -> [Element] {
    removeArray(from: start) { $0 }
  }

  /// Removes the elements from position `start` on and returns them, in order and
  /// transformed by `transform` (which consumes each), as an array.
  @inline(__always)
  mutating func removeArray<T>(from start: Int, _ transform: (consuming Element) -> T) -> [T] {
    precondition(start >= 0 && start <= count, "removeArray(from:) out of range")
    let k = count - start
    if k == 0 { return [] }
    let source = unsafe base + start
    var result: [T] = []
    result.reserveCapacity(k)
    for m in 0..<k {
      // Safe because the k slots from `start` are initialized, and each is moved out once
      // (and forgotten by setting `count` below).
      result.append(transform(unsafe (source + m).move()))
    }
    count = start
    return result
  }

  /// Removes (and destroys) every element, keeping the capacity.
  mutating func removeAll() {
    // Safe because the first `count` slots are initialized.
    unsafe base.deinitialize(count: count)
    count = 0
  }
}

// @unchecked Sendable: the stack is the only owner of its buffer (it cannot be copied, and the
// buffer never escapes), so sending it sends its elements, which are Sendable.
extension MoveStack: @unchecked Sendable where Element: Sendable {}
