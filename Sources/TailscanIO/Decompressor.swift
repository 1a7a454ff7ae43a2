internal import CIsal
internal import CZlib
internal import CZstd

/// Incremental decompressor that reads a file descriptor and fills caller buffers: gzip
/// through ISA-L where it is available (about twice zlib's speed; see `Decompressor+Isal.swift`)
/// or else zlib, zstd through libzstd (loaded at run time, see ``ZstdLibrary``), and, for a
/// file that is neither, its bytes passed through.
///
/// Handles files of several gzip members (`cat a.gz b.gz > c.gz`) or zstd frames (skippable
/// frames included), tolerates zero padding after the last gzip member (as `gzip -d` does) and
/// reports a truncated or corrupt stream with the compressed byte offset. The corresponding
/// zlib functions are `inflateInit2`, `inflate`, `inflateReset` and `inflateEnd`; the zstd
/// ones are in `Decompressor+Zstd.swift`.
@safe
package struct Decompressor: ~Copyable {
  // zlib stores the z_stream's address in its state and checks it on every call
  // (inflateStateCheck). ~Copyable stops copies but not moves, so the stream lives on the heap.
  // It is set up only for gzip.
  private let gzipStream: UnsafeMutablePointer<z_stream>?
  /// ISA-L's inflate state, used for gzip instead of `gzipStream` when available.
  let isal: OpaquePointer?
  /// The compressed offset at which the current gzip member starts.
  var memberStart = 0
  /// libzstd and its decompression context (`ZSTD_DCtx *`), only for zstd.
  let zstd: (library: ZstdLibrary, context: OpaquePointer)?
  let input: UnsafeMutableRawPointer
  let inputCapacity: Int
  let fd: Int32
  /// How the file is compressed.
  package let compression: Compression
  let path: String
  /// Compressed bytes read from the file so far.
  package internal(set) var fileBytesRead = 0
  var endOfFile = false
  /// True between members (frames): at the start, and after the end of one until the next
  /// one starts.
  var atMemberBoundary = true
  var needsReset = false
  /// Gzip members (or zstd frames, skippable ones included) completely decoded so far.
  package internal(set) var members = 0
  /// zstd only: the unconsumed input is `input[inputStart..<inputEnd]` (gzip keeps this in
  /// the z_stream).
  var inputStart = 0
  var inputEnd = 0
  /// zstd only: the compressed offset at which the current frame starts.
  var frameStart = 0

  /// Starts decoding the already-opened file `fd`, compressed as `compression`.
  ///
  /// `inputCapacity` is how many compressed bytes are read at a time; by default 256 KiB for
  /// gzip and libzstd's recommendation (`ZSTD_DStreamInSize`, one block) for zstd.
  /// `inflater` chooses the gzip library (by default ISA-L where available, else zlib).
  package init(
    fd: Int32, path: String, compression: Compression, inputCapacity: Int? = nil,
    inflater: GzipInflater = .automatic
  ) throws(IOError) {
    var zstd: (library: ZstdLibrary, context: OpaquePointer)? = nil
    if compression == .zstd {
      let library: ZstdLibrary
      switch ZstdLibrary.shared {
      case .success(let loaded): library = loaded
      case .failure(let failure): throw .zstdUnavailable(path: path, reason: failure.reason)
      }
      guard let context = unsafe library.createDCtx() else { throw .outOfMemory(path: path) }
      unsafe zstd = (library, context)
    }
    var gzipStream: UnsafeMutablePointer<z_stream>? = nil
    var isal: OpaquePointer? = nil
    if compression == .gzip && (inflater == .isal || inflater == .automatic && Self.usesIsal) {
      guard let state = unsafe tailscan_isal_create() else { throw .outOfMemory(path: path) }
      unsafe isal = state
    } else if compression == .gzip {
      let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
      unsafe stream.initialize(to: z_stream())
      // 15 + 16: a 32 KiB window (the maximum) and gzip framing only (no raw deflate, no zlib).
      guard unsafe tailscan_inflateInit2(stream, 15 + 16) == Z_OK else {
        unsafe stream.deallocate()
        throw .outOfMemory(path: path)
      }
      unsafe gzipStream = stream
    }
    var capacity = inputCapacity ?? 1 << 18
    if let (library, _) = unsafe zstd, inputCapacity == nil { capacity = library.dStreamInSize() }
    if compression == .none { capacity = 1 }  // plain bytes are read straight into the caller's buffer
    self.fd = fd
    self.compression = compression
    self.path = path
    unsafe self.zstd = zstd
    unsafe self.gzipStream = gzipStream
    unsafe self.isal = isal
    self.inputCapacity = max(1, capacity)
    unsafe input = UnsafeMutableRawPointer.allocate(byteCount: self.inputCapacity, alignment: 16)
  }

  deinit {
    if let isal = unsafe isal { unsafe tailscan_isal_destroy(isal) }
    if let stream = unsafe gzipStream {
      unsafe inflateEnd(stream)
      unsafe stream.deallocate()
    }
    if let (library, context) = unsafe zstd {
      _ = unsafe library.freeDCtx(context)
    }
    unsafe input.deallocate()
  }

  /// The compressed offset of the next unconsumed byte.
  package var compressedOffset: Int {
    if let stream = unsafe gzipStream { return fileBytesRead - Int(unsafe stream.pointee.avail_in) }
    if let isal = unsafe isal { return fileBytesRead - Int(unsafe tailscan_isal_avail_in(isal)) }
    return fileBytesRead - (inputEnd - inputStart)
  }

  /// Decompresses into `buffer`, returning the bytes produced; 0 means the end of the file.
  package mutating func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(IOError)
    -> Int
  {
    precondition(count > 0)
    if let stream = unsafe gzipStream {
      return try unsafe readGzip(stream, into: buffer, count: count)
    }
    if let isal = unsafe isal {
      return try unsafe readIsal(isal, into: buffer, count: count)
    }
    if let (library, context) = unsafe zstd {
      return try unsafe readZstd(library, context, into: buffer, count: count)
    }
    let n = try unsafe Syscalls.read(fd, into: buffer, count: count, path: path)
    fileBytesRead += n
    return n
  }

  private mutating func refill(_ stream: UnsafeMutablePointer<z_stream>) throws(IOError) {
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
  private mutating func skipZeroPadding(_ stream: UnsafeMutablePointer<z_stream>) throws(IOError)
    -> Bool
  {
    while true {
      if unsafe stream.pointee.avail_in == 0 {
        try unsafe refill(stream)
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

  private mutating func readGzip(
    _ stream: UnsafeMutablePointer<z_stream>, into buffer: UnsafeMutableRawPointer, count: Int
  ) throws(IOError) -> Int {
    while true {
      if unsafe stream.pointee.avail_in == 0 && !endOfFile {
        try unsafe refill(stream)
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
          if try unsafe skipZeroPadding(stream) { return 0 }
          throw .trailingGarbage(path: path, offset: max(paddingStart, compressedOffset))
        }
        // Checked here, not left to zlib: zlib needs two bytes to reject a header, so a single
        // stray byte (a final "\n") would otherwise look like a truncated member.
        if first != 0x1f {
          throw .trailingGarbage(path: path, offset: compressedOffset)
        }
        unsafe inflateReset(stream)
        memberStart = compressedOffset
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
        throw unsafe failure(rc, stream, at: compressedOffset)
      }
      if produced > 0 { return produced }
    }
  }

  /// The error of zlib's `inflate` returning `rc` (Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR:
  /// the stream is corrupt) with the next unconsumed byte at compressed offset `position`.
  func failure(_ rc: Int32, _ stream: UnsafeMutablePointer<z_stream>, at position: Int) -> IOError {
    let message = unsafe stream.pointee.msg.map { unsafe String(cString: $0) } ?? "error \(rc)"
    // inflateReset zeroes total_in, so it counts this member's bytes. zlib rejects a second
    // byte that is not gzip's 0x8b after reading exactly two: that is data after the last
    // member. Any later error (bad flags, bad deflate data, bad CRC) is a damaged member,
    // however early in the member it falls.
    let memberBytes = Int(unsafe stream.pointee.total_in)
    if members > 0 && memberBytes <= 2 {
      return .trailingGarbage(path: path, offset: position - memberBytes)
    }
    return .corruptGzip(path: path, offset: position, message: message)
  }
}
