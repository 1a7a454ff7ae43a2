internal import CZlib

/// Incremental gzip compressor that appends compressed bytes to a caller's array.
///
/// Each writer produces exactly one gzip member; concatenate the output of several writers for
/// a multi-member file. tailscan reads gzip and never writes it in a run: this exists so tests
/// and tooling can make gzip inputs without a `gzip` binary. The corresponding zlib functions
/// are `deflateInit2`, `deflate` and `deflateEnd`.
@safe
package struct GzipWriter: ~Copyable {
  // zlib stores the z_stream's address in its state and checks it on every call
  // (deflateStateCheck). ~Copyable stops copies but not moves, so the stream lives on the heap.
  private let stream: UnsafeMutablePointer<z_stream>
  private let output: UnsafeMutablePointer<Bytef>
  private static let outputCapacity = 1 << 16
  /// Shown in errors: the writer works on memory, not on a named file.
  private static let label = "<gzip output>"

  /// Starts a gzip member compressed at `level` (0 stores, 1 is fastest, 9 smallest).
  package init(level: Int32 = 6) throws(IOError) {
    unsafe stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    unsafe stream.initialize(to: z_stream())
    // 15 + 16: a 32 KiB window (the maximum) and a gzip header and trailer instead of zlib's.
    let rc = unsafe tailscan_deflateInit2(stream, level, 15 + 16)
    guard rc == Z_OK else {
      unsafe stream.deallocate()
      throw Self.error(for: rc, message: nil)
    }
    unsafe output = UnsafeMutablePointer<Bytef>.allocate(capacity: Self.outputCapacity)
  }

  deinit {
    unsafe deflateEnd(stream)
    unsafe stream.deallocate()
    unsafe output.deallocate()
  }

  /// Compresses `bytes` into one complete gzip member.
  ///
  /// `gzip -dc` (and ``ShardReader``) decode the result back to `bytes`.
  package static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(IOError) -> [UInt8] {
    var writer = try GzipWriter(level: level)
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count / 2 + 64)
    try writer.append(bytes, to: &result)
    try writer.finish(into: &result)
    return result
  }

  /// Compresses `bytes` and appends whatever compressed output is ready to `result`.
  package mutating func append(_ bytes: [UInt8], to result: inout [UInt8]) throws(IOError) {
    try run(bytes, flush: Z_NO_FLUSH, into: &result)
  }

  /// Ends the member (flushing everything and writing the CRC-32 and length trailer) and
  /// appends the remaining output to `result`.
  package consuming func finish(into result: inout [UInt8]) throws(IOError) {
    try run([], flush: Z_FINISH, into: &result)
  }

  private mutating func run(_ bytes: [UInt8], flush: Int32, into result: inout [UInt8])
    throws(IOError)
  {
    // `avail_in` is 32-bit: feed very large inputs in pieces of at most 1 GiB.
    let piece = 1 << 30
    var start = 0
    repeat {
      let end = min(bytes.count, start + piece)
      let last = end == bytes.count
      try unsafe bytes.withUnsafeBufferPointer { buffer throws(IOError) in
        // Safe because zlib only reads `next_in` (it is `z_const` in zlib.h), the pointer is
        // used only inside this closure, and the range lies within `buffer`.
        let base = unsafe buffer.baseAddress.map { unsafe UnsafeMutablePointer(mutating: $0) }
        unsafe stream.pointee.next_in = unsafe base.map { unsafe $0 + start }
        unsafe stream.pointee.avail_in = uInt(end - start)
        try deflateAll(flush: last ? flush : Z_NO_FLUSH, into: &result)
        unsafe stream.pointee.next_in = nil
      }
      start = end
    } while start < bytes.count
  }

  /// Calls `deflate` until it has consumed all input (and, for `Z_FINISH`, ended the stream).
  private mutating func deflateAll(flush: Int32, into result: inout [UInt8]) throws(IOError) {
    while true {
      unsafe stream.pointee.next_out = output
      unsafe stream.pointee.avail_out = uInt(Self.outputCapacity)
      let rc = unsafe deflate(stream, flush)
      let produced = Self.outputCapacity - Int(unsafe stream.pointee.avail_out)
      // Safe because zlib wrote `produced` bytes at the start of `output`.
      unsafe result.append(contentsOf: UnsafeBufferPointer(start: output, count: produced))
      switch rc {
      case Z_STREAM_END:
        return
      case Z_OK, Z_BUF_ERROR:
        // Without Z_FINISH, done once all input is taken and output space was left over
        // (a full output buffer may mean more output is pending). Z_BUF_ERROR only says no
        // progress was possible this call, which is not an error.
        let inputLeft = unsafe stream.pointee.avail_in
        let outputLeft = unsafe stream.pointee.avail_out
        if flush != Z_FINISH && inputLeft == 0 && outputLeft > 0 { return }
      default:
        let message = unsafe stream.pointee.msg.map { unsafe String(cString: $0) }
        throw Self.error(for: rc, message: message)
      }
    }
  }

  /// Maps a zlib return code to an error; the one place deflate's codes are translated.
  private static func error(for rc: Int32, message: String?) -> IOError {
    switch rc {
    case Z_MEM_ERROR:
      .outOfMemory(path: label)
    case Z_STREAM_ERROR:
      .writeFailed(path: label, reason: "zlib rejected the settings (is the level 0–9?)")
    case Z_VERSION_ERROR:
      .writeFailed(path: label, reason: "the zlib library does not match its header")
    default:
      .writeFailed(path: label, reason: "zlib: \(message ?? "error \(rc)")")
    }
  }
}
