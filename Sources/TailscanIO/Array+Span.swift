extension Array where Element == UInt8 {
  /// Appends the bytes of `span` in one copy, not one append per byte.
  package mutating func append(copying span: Span<UInt8>) {
    // Safe because the buffer is only read, inside the closure, for its own `count` bytes.
    unsafe span.withUnsafeBufferPointer { unsafe self.append(contentsOf: $0) }
  }
}
