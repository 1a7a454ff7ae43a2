/// SHA-256 of files through libcrypto (OpenSSL 3), loaded at run time like libzstd.
///
/// A report names its inputs by their SHA-256, and a million-line log is a few hundred MB:
/// libcrypto hashes it at several times the speed of portable code (it uses the CPU's SHA
/// instructions where there are any). The build needs neither its headers nor the library;
/// without it (`libssl3` is on every Debian with Python or curl) callers fall back to their own
/// implementation. The corresponding C functions are `EVP_MD_CTX_new`, `EVP_sha256`,
/// `EVP_DigestInit_ex`, `EVP_DigestUpdate`, `EVP_DigestFinal_ex` and `EVP_MD_CTX_free`.
// @unchecked Sendable: the members are C function pointers into a library that is never
// unloaded, and the functions keep no state of their own (all state is in a context).
@safe
package struct LibCrypto: @unchecked Sendable {
  typealias NewContext = @convention(c) () -> OpaquePointer?
  typealias FreeContext = @convention(c) (OpaquePointer?) -> Void
  typealias DigestAlgorithm = @convention(c) () -> OpaquePointer?
  typealias Init = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
  typealias Update = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
  typealias Final = @convention(c) (
    OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt32>?
  ) -> Int32

  private let newContext: NewContext
  private let freeContext: FreeContext
  private let sha256: DigestAlgorithm
  private let initDigest: Init
  private let update: Update
  private let final: Final

  /// The library, loaded once on first use; nil when it cannot be.
  package static let shared: LibCrypto? = {
    #if canImport(Darwin)
      let candidates = ["/opt/homebrew/lib/libcrypto.3.dylib", "/usr/local/lib/libcrypto.3.dylib"]
    #else
      let candidates = ["libcrypto.so.3"]
    #endif
    for name in candidates {
      var failure = ""
      if let handle = unsafe Syscalls.openLibrary(name, failure: &failure),
        let library = unsafe LibCrypto(handle: handle)
      {
        return library
      }
    }
    return nil
  }()

  private init?(handle: UnsafeMutableRawPointer) {
    // Each type is written from the function's C prototype in openssl/evp.h.
    guard
      let newContext = unsafe Syscalls.function("EVP_MD_CTX_new", in: handle, as: NewContext.self),
      let freeContext = unsafe Syscalls.function(
        "EVP_MD_CTX_free", in: handle, as: FreeContext.self),
      let sha256 = unsafe Syscalls.function("EVP_sha256", in: handle, as: DigestAlgorithm.self),
      let initDigest = unsafe Syscalls.function("EVP_DigestInit_ex", in: handle, as: Init.self),
      let update = unsafe Syscalls.function("EVP_DigestUpdate", in: handle, as: Update.self),
      let final = unsafe Syscalls.function("EVP_DigestFinal_ex", in: handle, as: Final.self)
    else { return nil }
    unsafe (self.newContext, self.freeContext, self.sha256) = (newContext, freeContext, sha256)
    unsafe (self.initDigest, self.update, self.final) = (initDigest, update, final)
  }

  /// The SHA-256 of the file at `path`, as lower-case hex; nil if libcrypto fails.
  package func sha256Hex(ofFile path: String) throws(IOError) -> String? {
    let fd = try Syscalls.openForReading(path)
    defer { Syscalls.close(fd) }
    guard let context = unsafe newContext() else { return nil }
    defer { unsafe freeContext(context) }
    guard unsafe initDigest(context, sha256(), nil) == 1 else { return nil }
    let capacity = 1 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    defer { unsafe buffer.deallocate() }
    while true {
      let n = try unsafe Syscalls.read(fd, into: buffer, count: capacity, path: path)
      if n == 0 { break }
      guard unsafe update(context, buffer, n) == 1 else { return nil }
    }
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    guard unsafe final(context, &digest, &length) == 1, length == 32 else { return nil }
    let hex = Array("0123456789abcdef".utf8)
    return String(
      decoding: digest.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 0xF)]] }, as: UTF8.self)
  }
}
