/// Reads one corpus shard (plain, gzip or zstd, detected from its first bytes) line by line.
///
/// Memory is one decompression buffer plus the longest line, whatever the shard size; with a
/// `LongLineGate`, a line longer than `LongLineGate.freeBytes` waits for the gate and the buffer
/// shrinks back once it is read. Lines are handed out as spans into the buffer, without their
/// `\n` (and without a `\r` before it).
@safe
public struct ShardReader: ~Copyable {
  /// The file being read.
  public let path: String
  /// The size of the file on disk.
  public let fileSize: Int
  /// How the file is compressed.
  public let compression: Compression
  private let fd: Int32
  private var source: Decompressor
  private var buffer: UnsafeMutableRawPointer
  private var capacity: Int
  private let baseCapacity: Int
  private let maxLineBytes: Int
  private let gate: LongLineGate?
  /// Whether this reader holds `gate` (its buffer is larger than `LongLineGate.freeBytes`).
  private var holdsGate = false
  /// Uncompressed bytes produced so far.
  public private(set) var uncompressedBytes = 0

  /// Opens `path`. `chunkSize` is the decompression buffer size (tests use tiny ones); `gate`
  /// bounds the memory of long lines (under a memory budget).
  public init(
    path: String, chunkSize: Int = 1 << 20, maxLineBytes: Int = 1 << 31,
    gate: LongLineGate? = nil
  ) throws(IOError) {
    guard let status = try Syscalls.status(path) else { throw .notFound(path: path) }
    let fd = try Syscalls.openForReading(path)
    let capacity = max(2, chunkSize)
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity + 8, alignment: 16)
    let source: Decompressor
    do {
      // Sniff the gzip or zstd magic: no valid UTF-8 text starts with either.
      let sniffed = try unsafe Syscalls.readAt(fd, into: buffer, count: 4, offset: 0, path: path)
      let prefix = (0..<sniffed).map { unsafe buffer.load(fromByteOffset: $0, as: UInt8.self) }
      source = try Decompressor(fd: fd, path: path, compression: Compression.detect(prefix))
    } catch {
      Syscalls.close(fd)
      unsafe buffer.deallocate()
      throw error
    }
    self.path = path
    fileSize = status.size
    self.fd = fd
    self.maxLineBytes = maxLineBytes
    self.capacity = capacity
    baseCapacity = capacity
    self.gate = gate
    unsafe self.buffer = buffer
    compression = source.compression
    self.source = source
  }

  deinit {
    if holdsGate { gate?.leave() }
    Syscalls.close(fd)
    unsafe buffer.deallocate()
  }

  /// Compressed (on-disk) bytes consumed so far, for progress.
  public var bytesConsumed: Int {
    source.fileBytesRead
  }

  private mutating func fill(_ at: UnsafeMutableRawPointer, _ count: Int) throws(IOError) -> Int {
    let n = try unsafe source.read(into: at, count: count)
    uncompressedBytes += n
    return n
  }

  /// Calls `body` with each line and where it is (its 1-based line number, and how far the
  /// reader has got), in order.
  ///
  /// A final line without a trailing newline is still a line. Errors from `body` stop the read.
  /// A line longer than `maxLineBytes` throws `IOError.lineTooLong`, or, when `tooLong` is
  /// given, is passed over (its bytes are never held whole) after `tooLong` gets its number.
  public mutating func forEachLine(
    tooLong: ((_ lineNumber: Int) throws -> Void)? = nil,
    _ body: (_ line: Span<UInt8>, _ position: LinePosition) throws -> Void
  ) throws {
    var start = 0  // first byte of the current (partial) line
    var end = 0  // bytes filled
    var scanned = 0  // bytes already searched for '\n'
    var lineNumber = 0
    var discarding = false  // inside a too-long line that is being passed over
    // Nothing more is read from this buffer: back to the usual size before others go on.
    defer { returnLongBuffer(keeping: 0, 0) }
    while true {
      if discarding {
        // Drop what is buffered and look for the end of the line in fresh input.
        let n = try unsafe fill(buffer, capacity)
        if n == 0 { return }
        guard let offset = unsafe Syscalls.findByte(0x0A, in: buffer, count: n) else { continue }
        discarding = false
        start = offset + 1
        scanned = start
        end = n
      } else {
        if end == capacity {
          if start > 0 {
            // Move the partial line to the front (into a buffer of the usual size when a long
            // line has been read and this one fits).
            if holdsGate && end - start < baseCapacity {
              returnLongBuffer(keeping: start, end)
            } else {
              unsafe (buffer).copyMemory(from: buffer + start, byteCount: end - start)
            }
            end -= start
            scanned -= start
            start = 0
          } else {
            // The partial line fills the buffer: grow it, up to the longest line allowed plus
            // its "\r\n" (a full buffer that large holds a line that is too long).
            let bufferLimit = maxLineBytes > 1 << 60 ? 1 << 60 : maxLineBytes + 2
            if capacity >= bufferLimit {
              guard let tooLong else {
                throw IOError.lineTooLong(path: path, line: lineNumber + 1, limit: maxLineBytes)
              }
              lineNumber += 1
              try tooLong(lineNumber)
              discarding = true
              start = 0
              end = 0
              scanned = 0
              continue
            }
            var newCapacity = min(capacity * 2, bufferLimit)
            if let gate {
              // Under a memory budget: one long line at a time, none longer than the gate's.
              guard capacity < gate.limit + 2 else {
                throw IOError.lineExceedsMemory(
                  path: path, line: lineNumber + 1, limit: gate.limit, reason: gate.reason)
              }
              newCapacity = min(newCapacity, gate.limit + 2)
              if newCapacity > LongLineGate.freeBytes && !holdsGate {
                gate.enter()
                holdsGate = true
              }
            }
            resize(to: newCapacity, keeping: 0, end)
          }
        }
        let n = try unsafe fill(buffer + end, capacity - end)
        if n == 0 {
          if end > start {
            lineNumber += 1
            try emit(start, end, lineNumber, tooLong, body)
          }
          return
        }
        end += n
      }
      // Emit every complete line in the buffer.
      while scanned < end {
        guard let offset = unsafe Syscalls.findByte(0x0A, in: buffer + scanned, count: end - scanned) else {
          scanned = end
          break
        }
        let newline = scanned + offset
        lineNumber += 1
        try emit(start, newline, lineNumber, tooLong, body)
        start = newline + 1
        scanned = start
      }
      if start == end {
        start = 0
        end = 0
        scanned = 0
        returnLongBuffer(keeping: 0, 0)
      }
    }
  }

  /// Replaces the buffer by one of `newCapacity` bytes holding bytes `start..<end` of the old.
  private mutating func resize(to newCapacity: Int, keeping start: Int, _ end: Int) {
    let resized = UnsafeMutableRawPointer.allocate(byteCount: newCapacity + 8, alignment: 16)
    unsafe resized.copyMemory(from: buffer + start, byteCount: end - start)
    unsafe buffer.deallocate()
    unsafe buffer = resized
    capacity = newCapacity
  }

  /// After a long line: a buffer of the usual size again (holding bytes `start..<end` of the
  /// long one), and the gate let go; nothing when this reader holds no long line.
  private mutating func returnLongBuffer(keeping start: Int, _ end: Int) {
    guard holdsGate else { return }
    resize(to: baseCapacity, keeping: start, end)
    holdsGate = false
    gate?.leave()
  }

  private func emit(
    _ start: Int, _ end: Int, _ lineNumber: Int, _ tooLong: ((Int) throws -> Void)?,
    _ body: (_ line: Span<UInt8>, _ position: LinePosition) throws -> Void
  ) throws {
    var end = end
    if unsafe end > start && buffer.load(fromByteOffset: end - 1, as: UInt8.self) == 0x0D {
      end -= 1
    }
    // Checked here too: a buffer bigger than the limit (a large chunk size) holds long lines.
    if end - start > maxLineBytes {
      guard let tooLong else {
        throw IOError.lineTooLong(path: path, line: lineNumber, limit: maxLineBytes)
      }
      try tooLong(lineNumber)
      return
    }
    // Safe because [start, end) lies inside the filled part of `buffer`, which is not touched
    // until `body` returns, and the span cannot escape the closure.
    let bytes = unsafe UnsafeBufferPointer(
      start: (buffer + start).assumingMemoryBound(to: UInt8.self), count: end - start)
    let position = LinePosition(
      number: lineNumber, bytesConsumed: source.fileBytesRead, uncompressedBytes: uncompressedBytes)
    try body(unsafe bytes.span, position)
  }
}

/// Where a line is, and how far its reader has got.
public struct LinePosition: Sendable {
  /// The 1-based line number.
  public var number: Int
  /// On-disk bytes read so far (the reader reads ahead of the line).
  public var bytesConsumed: Int
  /// Uncompressed bytes produced so far.
  public var uncompressedBytes: Int
}
