/// One-shot zstd compression through the run-time loaded libzstd.
///
/// tailscan reads zstd and never writes it in a run: this exists so tests and tooling can make
/// zstd inputs without a `zstd` binary. The corresponding C functions are `ZSTD_createCCtx`,
/// `ZSTD_CCtx_setParameter`, `ZSTD_compressBound`, `ZSTD_compress2` and `ZSTD_freeCCtx`
/// (zstd 1.4 or later).
package enum ZstdWriter {
  private typealias CreateCCtx = @convention(c) () -> OpaquePointer?
  private typealias FreeCCtx = @convention(c) (OpaquePointer?) -> Int
  private typealias SetParameter = @convention(c) (OpaquePointer?, Int32, Int32) -> Int
  private typealias CompressBound = @convention(c) (Int) -> Int
  private typealias Compress2 =
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int

  /// Shown in errors: the writer works on memory, not on a named file.
  private static let label = "<zstd output>"

  // Values of zstd.h's `ZSTD_cParameter`, part of the stable API.
  private static let compressionLevel: Int32 = 100
  private static let contentSizeFlag: Int32 = 200
  private static let checksumFlag: Int32 = 201

  /// Whether libzstd can be loaded here.
  package static var isAvailable: Bool {
    if case .success = ZstdLibrary.shared { return true }
    return false
  }

  /// `bytes` compressed as one zstd frame at `level` (1 fastest … 19 smallest).
  ///
  /// `checksum` adds the frame's XXH64 content checksum and `contentSize` records the size in
  /// the frame header; the `zstd` command does both for files, and leaves the size out when it
  /// compresses a pipe.
  package static func compress(
    _ bytes: [UInt8], level: Int32 = 3, checksum: Bool = true, contentSize: Bool = true
  ) throws(IOError) -> [UInt8] {
    let library: ZstdLibrary
    switch ZstdLibrary.shared {
    case .success(let loaded): library = loaded
    case .failure(let failure): throw .zstdUnavailable(path: label, reason: failure.reason)
    }
    guard let create = unsafe library.function("ZSTD_createCCtx", as: CreateCCtx.self),
      let free = unsafe library.function("ZSTD_freeCCtx", as: FreeCCtx.self),
      let setParameter = unsafe library.function("ZSTD_CCtx_setParameter", as: SetParameter.self),
      let compressBound = library.function("ZSTD_compressBound", as: CompressBound.self),
      let compress2 = unsafe library.function("ZSTD_compress2", as: Compress2.self)
    else {
      throw .zstdUnavailable(path: label, reason: "libzstd is older than 1.4 (no ZSTD_compress2)")
    }
    guard let context = unsafe create() else { throw .outOfMemory(path: label) }
    defer { _ = unsafe free(context) }
    let settings = [
      (compressionLevel, level), (checksumFlag, checksum ? 1 : 0),
      (contentSizeFlag, contentSize ? 1 : 0),
    ]
    for (parameter, value) in settings {
      if case .failure(let failure) = library.check(unsafe setParameter(context, parameter, value)) {
        throw .writeFailed(path: label, reason: "zstd: \(failure.name)")
      }
    }
    var result = [UInt8](repeating: 0, count: compressBound(bytes.count))
    // Safe because libzstd writes at most `output.count` bytes to `output` and reads exactly
    // `input.count` bytes from `input`, and neither pointer outlives the closures.
    let written = unsafe result.withUnsafeMutableBytes { output in
      unsafe bytes.withUnsafeBytes { input in
        unsafe compress2(context, output.baseAddress, output.count, input.baseAddress, input.count)
      }
    }
    switch library.check(written) {
    case .success(let count): result.removeLast(result.count - count)
    case .failure(let failure): throw .writeFailed(path: label, reason: "zstd: \(failure.name)")
    }
    return result
  }
}
