internal import CIsal
internal import CZlib

#if canImport(Glibc)
  internal import Glibc
#endif

/// Gzip through ISA-L (`isal_inflate`, in the `CIsal` shim): the same framing rules as the
/// zlib path (members, zero padding, trailing data), and, whenever ISA-L stops on an error or
/// the file ends inside a member, the member is decoded again by zlib from its start, so that
/// what is reported, and at which offset, is exactly what the zlib path reports.
/// Which library inflates gzip.
package enum GzipInflater: Sendable {
  /// ISA-L where it is available and `TAILSCAN_INFLATE` is not `zlib`, else zlib.
  case automatic
  case zlib
  /// ISA-L (where it is unavailable, making a decompressor fails as out of memory would).
  case isal
}

extension Decompressor {
  /// Whether gzip goes through ISA-L: it is available, and `TAILSCAN_INFLATE` is not `zlib`.
  static let usesIsal: Bool = {
    if let choice = unsafe getenv("TAILSCAN_INFLATE"), unsafe String(cString: choice) == "zlib" {
      return false
    }
    return tailscan_isal_available(nil) == 1
  }()

  /// Which library inflates gzip: "isa-l" or "zlib", and why not ISA-L.
  package static var gzipLibrary: (name: String, whyNotIsal: String?) {
    var reason: UnsafePointer<CChar>? = nil
    let available = unsafe tailscan_isal_available(&reason) == 1
    if usesIsal { return ("isa-l", nil) }
    let why = available ? "TAILSCAN_INFLATE=zlib" : unsafe reason.map { unsafe String(cString: $0) } ?? "unknown"
    return ("zlib", why)
  }

  mutating func readIsal(_ isal: OpaquePointer, into buffer: UnsafeMutableRawPointer, count: Int)
    throws(IOError) -> Int
  {
    while true {
      if unsafe tailscan_isal_avail_in(isal) == 0 && !endOfFile { try unsafe refill(isal) }
      if unsafe tailscan_isal_avail_in(isal) == 0 && endOfFile {
        if atMemberBoundary { return 0 }
        try zlibVerdict()
      }
      if needsReset {
        // Another member follows, unless what follows is zero padding or not gzip at all (as
        // on the zlib path).
        let first = unsafe tailscan_isal_next_in(isal).pointee
        if first == 0 {
          let paddingStart = compressedOffset
          if try unsafe skipZeroPadding(isal) { return 0 }
          throw .trailingGarbage(path: path, offset: max(paddingStart, compressedOffset))
        }
        if first != 0x1f {
          throw .trailingGarbage(path: path, offset: compressedOffset)
        }
        memberStart = compressedOffset
        unsafe tailscan_isal_reset(isal)
        needsReset = false
      }
      let before = unsafe tailscan_isal_avail_in(isal)
      var produced: UInt32 = 0
      var finished: Int32 = 0
      let rc = unsafe tailscan_isal_inflate(
        isal, buffer.assumingMemoryBound(to: UInt8.self), UInt32(min(count, Int(UInt32.max))),
        &produced, &finished)
      let consumed = unsafe tailscan_isal_avail_in(isal) < before
      if rc != 0 || (produced == 0 && !consumed && finished == 0 && before > 0) {
        try zlibVerdict()
      }
      if finished != 0 {
        atMemberBoundary = true
        needsReset = true
        members += 1
      } else if produced > 0 || consumed {
        atMemberBoundary = false
      }
      if produced > 0 { return Int(produced) }
    }
  }

  /// Reads the next compressed bytes into ISA-L's input, or sets `endOfFile`.
  private mutating func refill(_ isal: OpaquePointer) throws(IOError) {
    let n = try unsafe Syscalls.read(fd, into: input, count: inputCapacity, path: path)
    if n == 0 {
      endOfFile = true
      return
    }
    fileBytesRead += n
    unsafe tailscan_isal_set_input(isal, input.assumingMemoryBound(to: UInt8.self), UInt32(n))
  }

  /// Skips zero bytes after a member. Returns false when a non-zero byte follows (a new member).
  private mutating func skipZeroPadding(_ isal: OpaquePointer) throws(IOError) -> Bool {
    while true {
      if unsafe tailscan_isal_avail_in(isal) == 0 {
        try unsafe refill(isal)
        if endOfFile { return true }
      }
      while unsafe tailscan_isal_avail_in(isal) > 0 {
        if unsafe tailscan_isal_next_in(isal).pointee != 0 { return false }
        unsafe tailscan_isal_skip(isal, 1)
      }
    }
  }

  /// Decodes the current member again with zlib, from its start, and throws what zlib finds
  /// there: a damaged member, data after the last one, or the end of the file inside it.
  private func zlibVerdict() throws(IOError) -> Never {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    guard unsafe tailscan_inflateInit2(stream, 15 + 16) == Z_OK else {
      unsafe stream.deallocate()
      throw .outOfMemory(path: path)
    }
    let chunk = 1 << 16
    let input = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
    let output = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
    defer {
      unsafe inflateEnd(stream)
      unsafe stream.deallocate()
      unsafe input.deallocate()
      unsafe output.deallocate()
    }
    var offset = memberStart
    var endOfFile = false
    while true {
      if unsafe stream.pointee.avail_in == 0 && !endOfFile {
        let n = try unsafe Syscalls.readAt(fd, into: input, count: chunk, offset: offset, path: path)
        if n == 0 {
          endOfFile = true
        } else {
          offset += n
          unsafe stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
          unsafe stream.pointee.avail_in = uInt(n)
        }
      }
      if unsafe stream.pointee.avail_in == 0 && endOfFile {
        throw .truncatedGzip(path: path, offset: offset)
      }
      unsafe stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
      unsafe stream.pointee.avail_out = uInt(chunk)
      let rc = unsafe inflate(stream, Z_NO_FLUSH)
      switch rc {
      case Z_OK, Z_BUF_ERROR:
        continue
      case Z_STREAM_END:
        throw .corruptGzip(
          path: path, offset: memberStart,
          message: "ISA-L rejects this gzip member but zlib reads it; set TAILSCAN_INFLATE=zlib")
      case Z_MEM_ERROR:
        throw .outOfMemory(path: path)
      default:
        throw unsafe failure(rc, stream, at: offset - Int(unsafe stream.pointee.avail_in))
      }
    }
  }
}
