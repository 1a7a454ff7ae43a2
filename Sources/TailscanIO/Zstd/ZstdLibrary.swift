internal import CZstd

/// libzstd's streaming decompression functions, loaded at run time.
///
/// tailscan has no build-time dependency on libzstd: the library is opened with `dlopen` the
/// first time a zstd shard is read, so a build needs neither its headers nor the library, and a
/// machine without it still reads gzip and plain shards. Debian installs `libzstd1` everywhere
/// (apt depends on it). The functions used have been stable since zstd 1.0; the corresponding
/// C functions are `ZSTD_createDCtx`, `ZSTD_freeDCtx`, `ZSTD_decompressStream`, `ZSTD_isError`,
/// `ZSTD_getErrorName`, `ZSTD_getErrorCode` and `ZSTD_DStreamInSize`.
// @unchecked Sendable: the members are C function pointers into a library that is never
// unloaded, and the functions keep no state of their own (all state is in a context).
@safe
package struct ZstdLibrary: @unchecked Sendable {
  typealias CreateDCtx = @convention(c) () -> OpaquePointer?
  typealias FreeDCtx = @convention(c) (OpaquePointer?) -> Int
  typealias DecompressStream =
    @convention(c) (
      OpaquePointer?, UnsafeMutablePointer<ZSTD_outBuffer>?, UnsafeMutablePointer<ZSTD_inBuffer>?
    ) -> Int
  typealias IsError = @convention(c) (Int) -> UInt32
  typealias GetErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?
  typealias GetErrorCode = @convention(c) (Int) -> Int32
  typealias DStreamInSize = @convention(c) () -> Int

  private let handle: UnsafeMutableRawPointer
  let createDCtx: CreateDCtx
  let freeDCtx: FreeDCtx
  let decompressStream: DecompressStream
  let isError: IsError
  let getErrorName: GetErrorName
  let getErrorCode: GetErrorCode
  let dStreamInSize: DStreamInSize

  /// Why libzstd could not be used: the loader's messages, one per name tried.
  package struct LoadFailure: Error, Sendable, Equatable {
    package var reason: String
  }

  /// The names tried, in order: the runtime package's soname first (Debian's `libzstd1`), then
  /// the development symlink, then Homebrew's and the system's on macOS.
  #if canImport(Darwin)
    package static let candidates = [
      "libzstd.1.dylib", "/opt/homebrew/lib/libzstd.1.dylib", "/usr/local/lib/libzstd.1.dylib",
    ]
  #else
    package static let candidates = ["libzstd.so.1", "libzstd.so"]
  #endif

  /// The library, loaded once on first use (a `static let` is initialized once, thread-safely).
  package static let shared: Result<ZstdLibrary, LoadFailure> = load(candidates: candidates)

  /// Loads libzstd from the first of `candidates` that opens and has every function needed.
  package static func load(candidates: [String]) -> Result<ZstdLibrary, LoadFailure> {
    var reasons: [String] = []
    for name in candidates {
      var failure = ""
      guard let handle = unsafe Syscalls.openLibrary(name, failure: &failure) else {
        reasons.append(failure)
        continue
      }
      if let library = unsafe ZstdLibrary(handle: handle) { return .success(library) }
      reasons.append("'\(name)' lacks the zstd streaming functions")
    }
    return .failure(LoadFailure(reason: reasons.joined(separator: "; ")))
  }

  private init?(handle: UnsafeMutableRawPointer) {
    unsafe self.handle = handle
    guard
      let createDCtx = unsafe Syscalls.function("ZSTD_createDCtx", in: handle, as: CreateDCtx.self),
      let freeDCtx = unsafe Syscalls.function("ZSTD_freeDCtx", in: handle, as: FreeDCtx.self),
      let decompressStream = unsafe Syscalls.function(
        "ZSTD_decompressStream", in: handle, as: DecompressStream.self),
      let isError = unsafe Syscalls.function("ZSTD_isError", in: handle, as: IsError.self),
      let getErrorName = unsafe Syscalls.function(
        "ZSTD_getErrorName", in: handle, as: GetErrorName.self),
      let getErrorCode = unsafe Syscalls.function(
        "ZSTD_getErrorCode", in: handle, as: GetErrorCode.self),
      let dStreamInSize = unsafe Syscalls.function(
        "ZSTD_DStreamInSize", in: handle, as: DStreamInSize.self)
    else { return nil }
    unsafe self.createDCtx = createDCtx
    unsafe self.freeDCtx = freeDCtx
    unsafe self.decompressStream = decompressStream
    self.isError = isError
    unsafe self.getErrorName = getErrorName
    self.getErrorCode = getErrorCode
    self.dStreamInSize = dStreamInSize
  }

  /// The C function `name` in the library, as the function type `type`, or `nil` if absent.
  func function<F>(_ name: String, as type: F.Type) -> F? {
    unsafe Syscalls.function(name, in: handle, as: type)
  }

  /// The result of a libzstd call that returns a `size_t`: a value, or an error's name.
  func check(_ code: Int) -> Result<Int, ZstdFailure> {
    guard isError(code) != 0 else { return .success(code) }
    let name = unsafe getErrorName(code).map { unsafe String(cString: $0) } ?? "error \(code)"
    return .failure(ZstdFailure(name: name, code: getErrorCode(code)))
  }
}

/// A libzstd error: its name (`ZSTD_getErrorName`) and code (`ZSTD_getErrorCode`).
package struct ZstdFailure: Error, Sendable {
  package var name: String
  /// A `ZSTD_ErrorCode` of zstd_errors.h; the values are fixed since zstd 1.3.1.
  package var code: Int32

  /// `ZSTD_error_prefix_unknown`: what should start a frame is no zstd magic.
  package static let unknownFrame: Int32 = 10
}
