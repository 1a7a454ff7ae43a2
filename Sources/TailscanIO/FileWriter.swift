/// Buffered, append-only writing of a new file, little-endian, with a durable `close()`.
@safe
package struct FileWriter: ~Copyable {
  package let path: String
  private let fd: Int32
  private let buffer: UnsafeMutableRawPointer
  private let capacity = 1 << 20
  private var used = 0
  /// Bytes written so far (including buffered ones).
  package private(set) var offset = 0
  private var closed = false

  package init(path: String) throws(IOError) {
    self.path = path
    fd = try Syscalls.createForWriting(path)
    unsafe buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
  }

  /// Opens an existing file to append to it.
  package init(appendingTo path: String) throws(IOError) {
    let fd = try Syscalls.openForAppending(path)
    do {
      offset = try Syscalls.seekToEnd(fd, path: path)
    } catch {
      Syscalls.close(fd)
      throw error
    }
    self.path = path
    self.fd = fd
    unsafe buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
  }

  deinit {
    if !closed { Syscalls.close(fd) }
    unsafe buffer.deallocate()
  }

  private mutating func flush() throws {
    if used > 0 {
      try unsafe Syscalls.writeAll(fd, buffer, count: used, path: path)
      used = 0
    }
  }

  /// Appends raw bytes.
  package mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    if used + bytes.count > capacity { try flush() }
    if bytes.count >= capacity {
      try unsafe Syscalls.writeAll(fd, base, count: bytes.count, path: path)
    } else {
      unsafe (buffer + used).copyMemory(from: base, byteCount: bytes.count)
      used += bytes.count
    }
    offset += bytes.count
  }

  /// Appends bytes.
  package mutating func write(bytes: [UInt8]) throws {
    try unsafe bytes.withUnsafeBytes { raw in try unsafe write(raw) }
  }

  /// Appends a little-endian integer.
  package mutating func write<T: FixedWidthInteger>(_ value: T) throws {
    let size = MemoryLayout<T>.size
    if used + size > capacity { try flush() }
    unsafe (buffer + used).storeBytes(of: value.littleEndian, as: T.self)
    used += size
    offset += size
  }

  /// Appends the elements of `words` little-endian.
  package mutating func write(words: [UInt64]) throws {
    #if _endian(little)
      try unsafe words.withUnsafeBytes { raw in try unsafe write(raw) }
    #else
      for w in words { try write(w) }
    #endif
  }

  /// Replaces bytes already written at `offset` (a header written last).
  /// The corresponding C function is `pwrite(2)`.
  package mutating func overwrite(bytes: [UInt8], at position: Int) throws {
    precondition(position + bytes.count <= offset)
    try flush()
    try unsafe bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let n = try unsafe Syscalls.writeAt(
          fd, raw.baseAddress! + done, count: raw.count - done, offset: position + done, path: path)
        done += n
      }
    }
  }

  /// Appends zero bytes until the offset is a multiple of `alignment`.
  package mutating func pad(to alignment: Int) throws {
    while offset % alignment != 0 { try write(UInt8(0)) }
  }

  /// Flushes and closes, without waiting for the disk (a scratch file).
  package consuming func closeWithoutSync() throws {
    try flush()
    closed = true
    try Syscalls.closeAfterWriting(fd, path: path)
  }

  /// Flushes, syncs to disk and closes.
  package consuming func close() throws {
    try flush()
    try Syscalls.fsync(fd, path: path)
    closed = true
    try Syscalls.closeAfterWriting(fd, path: path)
  }
}

/// Writes `data` to a new file at `path` durably.
package func writeFile(_ path: String, _ data: [UInt8]) throws {
  var writer = try FileWriter(path: path)
  let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 8)
  defer { unsafe copy.deallocate() }
  unsafe copy.copyBytes(from: data)
  try unsafe writer.write(UnsafeRawBufferPointer(copy))
  try writer.close()
}

/// A read-only memory mapping of a whole file. `deinit` unmaps it.
@safe
package final class MappedFile: @unchecked Sendable {
  // @unchecked Sendable: the mapping is PROT_READ and never mutated after init; munmap happens
  // in deinit, after the last reference (and so the last reader) is gone.
  package let path: String
  package let size: Int
  package let base: UnsafeRawPointer?

  package init(path: String) throws(IOError) {
    self.path = path
    guard let status = try Syscalls.status(path) else { throw .notFound(path: path) }
    let fd = try Syscalls.openForReading(path)
    defer { Syscalls.close(fd) }
    size = status.size
    unsafe base = try Syscalls.mapReadOnly(fd, size: status.size, path: path)
  }

  deinit { unsafe Syscalls.unmap(base, size: size) }

  /// Lets the kernel drop the pages of `[0, offset)` from this process's memory (a sequential
  /// reader calls it behind itself, so reading a large file does not grow the resident set).
  /// The pages stay in the page cache; reading them again faults them back in.
  package func release(before offset: Int) { release(from: 0, to: offset) }

  /// Lets the kernel drop the whole pages within `[start, end)` (see `release(before:)`).
  package func release(from start: Int, to end: Int) {
    guard let base = unsafe base else { return }
    let page = 1 << 12
    let first = (max(0, start) + page - 1) & ~(page - 1)
    let last = min(end, size) & ~(page - 1)
    if last > first { unsafe Syscalls.dropPages(base + first, count: last - first) }
  }
}
