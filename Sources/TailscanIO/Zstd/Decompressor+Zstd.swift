internal import CZstd

extension Decompressor {
  /// Decompresses zstd into `buffer`, returning the bytes produced; 0 means the end of the file.
  ///
  /// `ZSTD_decompressStream` decodes one frame after another and skips skippable frames by
  /// itself; it returns 0 exactly when a frame is completely decoded and flushed, so the file
  /// may end only there. The corresponding C function is `ZSTD_decompressStream`.
  mutating func readZstd(
    _ library: ZstdLibrary, _ context: OpaquePointer, into buffer: UnsafeMutableRawPointer,
    count: Int
  ) throws(IOError) -> Int {
    while true {
      if inputStart == inputEnd && !endOfFile {
        try refillZstd()
      }
      // Still empty after a refill only at the end of the file.
      let exhausted = inputStart == inputEnd
      if exhausted && atMemberBoundary { return 0 }
      if !exhausted && atMemberBoundary && members > 0 {
        // Checked here, not left to libzstd: it needs four bytes to reject a frame, so one
        // stray byte (a final "\n") would otherwise look like a truncated frame. A frame starts
        // with 0x28 (magic 0xFD2FB528, little-endian), a skippable frame with 0x5X.
        let first = unsafe input.load(fromByteOffset: inputStart, as: UInt8.self)
        if first != 0x28 && first & 0xF0 != 0x50 {
          throw .trailingGarbage(path: path, offset: compressedOffset)
        }
      }
      // With no input left, the call only flushes what the context still holds.
      var output = unsafe ZSTD_outBuffer(dst: buffer, size: count, pos: 0)
      var source = unsafe ZSTD_inBuffer(src: input, size: inputEnd, pos: inputStart)
      let rc = unsafe library.decompressStream(context, &output, &source)
      inputStart = unsafe source.pos
      switch library.check(rc) {
      case .failure(let failure):
        // A frame after a complete one that does not start with a magic is not a frame: data
        // after the last one (a damaged first frame is caught by the sniffing).
        if members > 0 && failure.code == ZstdFailure.unknownFrame {
          throw .trailingGarbage(path: path, offset: frameStart)
        }
        throw .corruptZstd(path: path, offset: compressedOffset, message: failure.name)
      case .success(0):
        atMemberBoundary = true
        members += 1
        frameStart = compressedOffset
      case .success:
        atMemberBoundary = false
      }
      let produced = unsafe output.pos
      if produced > 0 { return produced }
      if exhausted {
        if atMemberBoundary { return 0 }
        throw .truncatedZstd(path: path, offset: fileBytesRead)
      }
    }
  }

  /// Reads the next compressed bytes into `input`, which is empty.
  private mutating func refillZstd() throws(IOError) {
    let n = try unsafe Syscalls.read(fd, into: input, count: inputCapacity, path: path)
    if n == 0 {
      endOfFile = true
      return
    }
    fileBytesRead += n
    inputStart = 0
    inputEnd = n
  }
}
