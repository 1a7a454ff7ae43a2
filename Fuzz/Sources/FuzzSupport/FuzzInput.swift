import Foundation
internal import CFuzzer

/// The harness `fuzz(_:)` is running (set once, before libFuzzer starts calling it).
nonisolated(unsafe) private var harness: ([UInt8]) -> Void = { _ in }

/// Runs libFuzzer with this process's command line, calling `body` with each input; then exits
/// with libFuzzer's status.
///
/// `body` must never crash, whatever the bytes: a thrown and caught error is fine; a trap, an
/// out-of-bounds access, a hang or a runaway allocation is a bug libFuzzer reports. The one
/// pointer in the fuzz targets is here: libFuzzer owns `data` for the duration of the callback
/// and the array copy does not outlive it. The corresponding C function is `LLVMFuzzerRunDriver`.
public func fuzz(_ body: @escaping ([UInt8]) -> Void) -> Never {
  unsafe harness = body
  var argc = CommandLine.argc
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = unsafe CommandLine.unsafeArgv
  let status = unsafe LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    let bytes = unsafe data.map { unsafe Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    unsafe harness(bytes)
    return 0
  }
  exit(status)
}

/// A directory for the files a target writes its input to, made once per process: in
/// `$FUZZ_SCRATCH` (set by `Scripts/fuzz`), else in /dev/shm (memory) or the temporary directory.
public let scratchDirectory: String = {
  let environment = ProcessInfo.processInfo.environment
  let parent =
    environment["FUZZ_SCRATCH"]
    ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
  let directory = "\(parent)/tailscan-fuzz-\(getpid())"
  try? FileManager.default.createDirectory(
    atPath: "\(directory)/table", withIntermediateDirectories: true)
  return directory
}()

/// Writes `bytes` to `name` in the scratch directory and returns its path.
public func writeScratchFile(_ name: String, _ bytes: [UInt8]) -> String {
  let path = "\(scratchDirectory)/\(name)"
  if !FileManager.default.createFile(atPath: path, contents: Data(bytes)) {
    fatalError("fuzz harness: cannot write '\(path)'")
  }
  return path
}

/// Removes `name` from the scratch directory, if it is there.
public func removeScratchFile(_ name: String) {
  try? FileManager.default.removeItem(atPath: "\(scratchDirectory)/\(name)")
}

/// Splits `bytes` into lines at LF, dropping a CR before it (as `ShardReader` hands them out).
public func lines(of bytes: [UInt8]) -> [[UInt8]] {
  bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
    Array(line.last == 0x0D ? line.dropLast() : line)
  }
}

/// Whether `FUZZ_VERBOSE=1`: harnesses then print the errors their inputs throw (to check that
/// seeds get past the first checks when running the binary on a few files).
public let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] == "1"

/// Prints `error` when `verbose`.
public func note(_ error: any Error) {
  if verbose { print("threw: \(error)") }
}
