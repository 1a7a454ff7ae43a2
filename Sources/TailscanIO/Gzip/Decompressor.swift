internal import CZlib

/// Incremental gzip decompressor that reads a file descriptor and fills caller buffers (or,
/// for a file that is not gzip, passes its bytes through).
///
/// Handles files of several gzip members (`cat a.gz b.gz > c.gz`), tolerates zero padding after
/// the last member (as `gzip -d` does) and reports a truncated or corrupt stream with the
/// compressed byte offset. The corresponding zlib functions are `inflateInit2`, `inflate`,
/// `inflateReset` and `inflateEnd`.
@safe
package struct Decompressor: ~Copyable {
  // zlib stores the z_stream's address in its state and checks it on every call
  // (inflateStateCheck). ~Copyable stops copies but not moves, so the stream lives on the heap.
  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeMutableRawPointer
  private let inputCapacity: Int
  private let fd: Int32
  /// Whether the file is gzip (otherwise bytes pass through).
  package let isGzip: Bool
  private let path: String
  /// Compressed bytes read from the file so far.
  package private(set) var fileBytesRead = 0
  private var endOfFile = false
  /// True between members: at the start, and after `Z_STREAM_END` until the next member starts.
  private var atMemberBoundary = true
  private var needsReset = false
  /// Gzip members completely decoded so far.
  package private(set) var members = 0

  /// Starts decoding the already-opened gzip file `fd`.
  package init(fd: Int32, path: String, gzip: Bool, inputCapacity: Int = 1 << 18) throws(IOError) {
    self.fd = fd
    isGzip = gzip
    self.path = path
    self.inputCapacity = max(1, inputCapacity)
    unsafe input = UnsafeMutableRawPointer.allocate(byteCount: self.inputCapacity, alignment: 16)
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    // 15 + 16: a 32 KiB window (the maximum) and gzip framing only (no raw deflate, no zlib).
    let rc = unsafe tailscan_inflateInit2(stream, 15 + 16)
    if rc != Z_OK {
      unsafe stream.deallocate()
      unsafe input.deallocate()
      throw .outOfMemory(path: path)
    }
  }

  deinit {
    unsafe inflateEnd(stream)
    unsafe stream.deallocate()
    unsafe input.deallocate()
  }

  /// The compressed offset of the next unconsumed byte.
  package var compressedOffset: Int {
    fileBytesRead - Int(unsafe stream.pointee.avail_in)
  }

  private mutating func refill() throws(IOError) {
    let n = try unsafe Syscalls.read(fd, into: input, count: inputCapacity, path: path)
    if n == 0 {
      endOfFile = true
      return
    }
    fileBytesRead += n
    unsafe stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
    unsafe stream.pointee.avail_in = uInt(n)
  }

  /// Skips zero bytes after a member. Returns false when a non-zero byte follows (a new member).
  private mutating func skipZeroPadding() throws(IOError) -> Bool {
    while true {
      if unsafe stream.pointee.avail_in == 0 {
        try refill()
        if endOfFile { return true }
      }
      while unsafe stream.pointee.avail_in > 0 {
        if unsafe stream.pointee.next_in.pointee != 0 {
          return false
        }
        unsafe stream.pointee.next_in += 1
        unsafe stream.pointee.avail_in -= 1
      }
    }
  }

  /// Decompresses into `buffer`, returning the bytes produced; 0 means the end of the file.
  package mutating func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(IOError)
    -> Int
  {
    precondition(count > 0)
    if !isGzip {
      let n = try unsafe Syscalls.read(fd, into: buffer, count: count, path: path)
      fileBytesRead += n
      return n
    }
    while true {
      if unsafe stream.pointee.avail_in == 0 && !endOfFile {
        try refill()
      }
      if unsafe stream.pointee.avail_in == 0 && endOfFile {
        if atMemberBoundary { return 0 }
        throw .truncatedGzip(path: path, offset: fileBytesRead)
      }
      if needsReset {
        // Another member follows, unless what follows is zero padding or not gzip at all.
        let first = unsafe stream.pointee.next_in.pointee
        if first == 0 {
          let paddingStart = compressedOffset
          if try skipZeroPadding() { return 0 }
          throw .trailingGarbage(path: path, offset: max(paddingStart, compressedOffset))
        }
        // Checked here, not left to zlib: zlib needs two bytes to reject a header, so a single
        // stray byte (a final "\n") would otherwise look like a truncated member.
        if first != 0x1f {
          throw .trailingGarbage(path: path, offset: compressedOffset)
        }
        unsafe inflateReset(stream)
        needsReset = false
      }
      unsafe stream.pointee.next_out = buffer.assumingMemoryBound(to: Bytef.self)
      unsafe stream.pointee.avail_out = uInt(count)
      let rc = unsafe inflate(stream, Z_NO_FLUSH)
      let produced = count - Int(unsafe stream.pointee.avail_out)
      switch rc {
      case Z_OK:
        atMemberBoundary = false
      case Z_STREAM_END:
        atMemberBoundary = true
        needsReset = true
        members += 1
      case Z_BUF_ERROR:
        // No progress was possible: more input is needed (handled at the top of the loop).
        break
      case Z_MEM_ERROR:
        throw .outOfMemory(path: path)
      default:
        // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR: the stream is corrupt.
        let message = unsafe stream.pointee.msg.map { unsafe String(cString: $0) } ?? "error \(rc)"
        // inflateReset zeroes total_in, so it counts this member's bytes. zlib rejects a
        // second byte that is not gzip's 0x8b after reading exactly two: that is data after
        // the last member. Any later error (bad flags, bad deflate data, bad CRC) is a
        // damaged member, however early in the member it falls.
        let memberBytes = Int(unsafe stream.pointee.total_in)
        if members > 0 && memberBytes <= 2 {
          throw .trailingGarbage(path: path, offset: compressedOffset - memberBytes)
        }
        throw .corruptGzip(path: path, offset: compressedOffset, message: message)
      }
      if produced > 0 { return produced }
    }
  }
}
