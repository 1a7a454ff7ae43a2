#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Musl)
  internal import Musl
#elseif canImport(Darwin)
  internal import Darwin
#endif

#if canImport(Glibc)
  /// glibc's `malloc_trim` (malloc.h is not in the Glibc module).
  @_silgen_name("malloc_trim")
  private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// The only raw libc calls in tailscan, in the style of swift-system's `system_*` funnel.
///
/// Each retries on `EINTR` where that is the right thing, and reports errors as `IOError`
/// values naming the path.
package enum Syscalls {
  /// The description of the current `errno`.
  package static func errnoDescription(_ code: Int32 = errno) -> String {
    unsafe String(cString: strerror(code))
  }

  /// Opens `path` read-only. The corresponding C function is `open(2)`.
  package static func openForReading(_ path: String) throws(IOError) -> Int32 {
    while true {
      let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
      if fd >= 0 { return fd }
      let code = errno
      if code == EINTR { continue }
      if code == ENOENT { throw .notFound(path: path) }
      throw .cannotOpen(path: path, reason: errnoDescription(code))
    }
  }

  /// Creates (or truncates) `path` for writing. The corresponding C function is `open(2)`.
  package static func createForWriting(_ path: String) throws(IOError) -> Int32 {
    while true {
      let fd = unsafe open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      if fd >= 0 { return fd }
      let code = errno
      if code == EINTR { continue }
      throw .cannotOpen(path: path, reason: errnoDescription(code))
    }
  }

  /// Opens an existing file for writing at its end (not `O_APPEND`, so that `pwrite` still
  /// writes where it is told). The corresponding C function is `open(2)`.
  package static func openForAppending(_ path: String) throws(IOError) -> Int32 {
    while true {
      let fd = unsafe open(path, O_WRONLY | O_CLOEXEC)
      if fd >= 0 { return fd }
      let code = errno
      if code == EINTR { continue }
      throw .cannotOpen(path: path, reason: errnoDescription(code))
    }
  }

  /// Moves to the end of the file and returns its size. The corresponding C function is
  /// `lseek(2)`.
  package static func seekToEnd(_ fd: Int32, path: String) throws(IOError) -> Int {
    let end = lseek(fd, 0, SEEK_END)
    if end < 0 { throw .writeFailed(path: path, reason: errnoDescription()) }
    return Int(end)
  }

  /// Reads up to `count` bytes; returns 0 at end of file. The corresponding C function is `read(2)`.
  package static func read(
    _ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String
  ) throws(IOError) -> Int {
    while true {
      let n = unsafe Glibc.read(fd, buffer, count)
      if n >= 0 { return n }
      let code = errno
      if code == EINTR { continue }
      throw .readFailed(path: path, reason: errnoDescription(code))
    }
  }

  /// Reads up to `count` bytes at `offset` without moving the file position.
  /// The corresponding C function is `pread(2)`.
  package static func readAt(
    _ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int, path: String
  ) throws(IOError) -> Int {
    while true {
      let n = unsafe Glibc.pread(fd, buffer, count, off_t(offset))
      if n >= 0 { return n }
      let code = errno
      if code == EINTR { continue }
      throw .readFailed(path: path, reason: errnoDescription(code))
    }
  }

  /// Writes up to `count` bytes at `offset`. The corresponding C function is `pwrite(2)`.
  package static func writeAt(
    _ fd: Int32, _ buffer: UnsafeRawPointer, count: Int, offset: Int, path: String
  ) throws(IOError) -> Int {
    while true {
      let n = unsafe Glibc.pwrite(fd, buffer, count, off_t(offset))
      if n > 0 { return n }
      let code = errno
      if n < 0 && code == EINTR { continue }
      throw .writeFailed(path: path, reason: n == 0 ? "no progress" : errnoDescription(code))
    }
  }

  /// Finds the first `byte` in `[pointer, pointer + count)`. The corresponding C function is `memchr(3)`.
  package static func findByte(_ byte: UInt8, in pointer: UnsafeRawPointer, count: Int) -> Int? {
    guard let hit = unsafe memchr(pointer, Int32(byte), count) else { return nil }
    return unsafe UnsafeRawPointer(hit) - pointer
  }

  /// Writes all `count` bytes. The corresponding C function is `write(2)`.
  package static func writeAll(
    _ fd: Int32, _ buffer: UnsafeRawPointer, count: Int, path: String
  ) throws(IOError) {
    var done = 0
    while done < count {
      let n = unsafe Glibc.write(fd, buffer + done, count - done)
      if n > 0 {
        done += n
        continue
      }
      let code = errno
      if n < 0 && code == EINTR { continue }
      throw .writeFailed(path: path, reason: n == 0 ? "no progress" : errnoDescription(code))
    }
  }

  /// Flushes a file to stable storage. The corresponding C function is `fsync(2)`.
  package static func fsync(_ fd: Int32, path: String) throws(IOError) {
    if Glibc.fsync(fd) != 0 && errno != EINVAL {
      throw .writeFailed(path: path, reason: errnoDescription())
    }
  }

  /// Closes a descriptor, ignoring errors (used for read-only files and on error paths).
  package static func close(_ fd: Int32) {
    _ = Glibc.close(fd)
  }

  /// Closes a descriptor that was written to, reporting a failure.
  package static func closeAfterWriting(_ fd: Int32, path: String) throws(IOError) {
    if Glibc.close(fd) != 0 {
      throw .writeFailed(path: path, reason: errnoDescription())
    }
  }

  /// The kind and size of a file system object, following symbolic links.
  package struct FileStatus: Sendable {
    package var isDirectory: Bool
    package var isRegularFile: Bool
    package var size: Int
    package var modificationTime: Int
    package var device: UInt64
    package var inode: UInt64
  }

  /// The status of `path`, or `nil` when it does not exist. The corresponding C function is `stat(2)`.
  package static func status(_ path: String) throws(IOError) -> FileStatus? {
    var st = stat()
    if unsafe stat(path, &st) != 0 {
      let code = errno
      if code == ENOENT || code == ENOTDIR { return nil }
      throw .cannotOpen(path: path, reason: errnoDescription(code))
    }
    let kind = st.st_mode & S_IFMT
    return FileStatus(
      isDirectory: kind == S_IFDIR, isRegularFile: kind == S_IFREG, size: Int(st.st_size),
      modificationTime: Int(st.st_mtim.tv_sec), device: UInt64(st.st_dev),
      inode: UInt64(st.st_ino))
  }

  /// The names in a directory, without `.` and `..`. The corresponding C function is `readdir(3)`.
  package static func directoryEntries(_ path: String) throws(IOError) -> [String] {
    guard let dir = unsafe opendir(path) else {
      throw .cannotOpen(path: path, reason: errnoDescription())
    }
    defer { unsafe _ = closedir(dir) }
    var names: [String] = []
    while let entry = unsafe readdir(dir) {
      let name = unsafe withUnsafePointer(to: &entry.pointee.d_name) { tuple in
        unsafe tuple.withMemoryRebound(to: CChar.self, capacity: 256) { unsafe String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// Creates a directory. The corresponding C function is `mkdir(2)`.
  package static func makeDirectory(_ path: String) throws(IOError) {
    if unsafe mkdir(path, 0o755) != 0 && errno != EEXIST {
      throw .writeFailed(path: path, reason: errnoDescription())
    }
  }

  /// Creates the directories of `path` that are missing (like `mkdir -p`).
  package static func makeDirectories(_ path: String) throws(IOError) {
    if try status(path) != nil { return }
    let parent = parentDirectory(of: path)
    if parent != path && parent != "." && parent != "/" { try makeDirectories(parent) }
    try makeDirectory(path)
  }

  /// Makes `to` a second name of the file `from` (same file system). The corresponding C
  /// function is `link(2)`.
  package static func hardLink(_ from: String, to: String) throws(IOError) {
    if unsafe link(from, to) != 0 {
      throw .writeFailed(path: to, reason: errnoDescription())
    }
  }

  /// Renames atomically within one file system. The corresponding C function is `rename(2)`.
  package static func rename(_ from: String, to: String) throws(IOError) {
    if unsafe Glibc.rename(from, to) != 0 {
      throw .writeFailed(path: to, reason: errnoDescription())
    }
  }

  /// Removes a directory and everything in it (used only for tailscan's own temporary outputs).
  package static func removeTree(_ path: String) {
    guard let status = try? status(path) else { return }
    if status.isDirectory {
      for name in (try? directoryEntries(path)) ?? [] { removeTree(path + "/" + name) }
      _ = unsafe rmdir(path)
    } else {
      _ = unsafe unlink(path)
    }
  }

  /// Flushes a directory's entries (after a rename into it).
  package static func syncDirectory(_ path: String) {
    let fd = unsafe open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      _ = Glibc.fsync(fd)
      _ = Glibc.close(fd)
    }
  }

  /// Maps a whole file read-only. The corresponding C function is `mmap(2)`.
  package static func mapReadOnly(_ fd: Int32, size: Int, path: String) throws(IOError)
    -> UnsafeRawPointer?
  {
    if size == 0 { return nil }
    let p = unsafe mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
    if unsafe p == MAP_FAILED || p == nil {
      throw .cannotOpen(path: path, reason: "mmap failed: \(errnoDescription())")
    }
    return UnsafeRawPointer(p)
  }

  /// Drops the pages of a read-only file mapping from the resident set. The corresponding C
  /// function is `madvise(2)` with `MADV_DONTNEED`.
  package static func dropPages(_ pointer: UnsafeRawPointer, count: Int) {
    unsafe _ = madvise(UnsafeMutableRawPointer(mutating: pointer), count, MADV_DONTNEED)
  }

  /// Unmaps a mapping made by `mapReadOnly`.
  package static func unmap(_ pointer: UnsafeRawPointer?, size: Int) {
    if let pointer = unsafe pointer { unsafe _ = munmap(UnsafeMutableRawPointer(mutating: pointer), size) }
  }

  /// Whether a process `pid` is running. The corresponding C function is `kill(2)`.
  package static func processExists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
  }

  /// Loads the shared library `name` (a file name searched as the dynamic loader does, or a
  /// path), or returns `nil` and sets `failure` to the loader's message. A library loaded once
  /// stays loaded. The corresponding C functions are `dlopen(3)` and `dlerror(3)`.
  package static func openLibrary(_ name: String, failure: inout String) -> UnsafeMutableRawPointer? {
    if let handle = unsafe dlopen(name, RTLD_NOW | RTLD_LOCAL) { return unsafe handle }
    failure = unsafe dlerror().map { unsafe String(cString: $0) } ?? "cannot load '\(name)'"
    return nil
  }

  /// The address of `symbol` in a library from `openLibrary`, or `nil` when it has none.
  /// The corresponding C function is `dlsym(3)`.
  package static func symbol(_ symbol: String, in library: UnsafeMutableRawPointer)
    -> UnsafeMutableRawPointer?
  {
    unsafe dlsym(library, symbol)
  }

  /// The C function `name` in a library from `openLibrary`, as the function type `type`, or
  /// `nil` if absent. `type` must be a `@convention(c)` type written from the function's C
  /// prototype in the library's header.
  package static func function<F>(
    _ name: String, in library: UnsafeMutableRawPointer, as type: F.Type
  ) -> F? {
    guard let address = unsafe symbol(name, in: library) else { return nil }
    // Safe because `F` is a C function pointer type (the size of a raw pointer) matching the
    // function's prototype, and a library loaded once is never unloaded, so the address
    // stays valid.
    return unsafe unsafeBitCast(address, to: type)
  }

  /// The process id, used to name temporary outputs.
  package static var processID: Int32 { getpid() }

  /// Opens (creating) `path` and takes an exclusive advisory lock on it without waiting.
  /// Returns the descriptor, or nil when another process holds the lock. The corresponding C
  /// functions are `open(2)` and `flock(2)`; the lock goes with the descriptor (and with the
  /// process, however it ends).
  package static func lockFile(_ path: String) throws(IOError) -> Int32? {
    var fd: Int32
    repeat { fd = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) } while fd < 0 && errno == EINTR
    if fd < 0 { throw .cannotOpen(path: path, reason: errnoDescription()) }
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      if code == EINTR { continue }
      close(fd)
      if code == EWOULDBLOCK { return nil }
      throw .cannotOpen(path: path, reason: errnoDescription(code))
    }
    return fd
  }

  /// Whether `fd` is still the file at `path` (not unlinked or replaced since it was opened).
  package static func isSameFile(_ fd: Int32, _ path: String) -> Bool {
    var open = stat()
    var named = stat()
    guard unsafe fstat(fd, &open) == 0, unsafe stat(path, &named) == 0 else { return false }
    return open.st_dev == named.st_dev && open.st_ino == named.st_ino
  }

  /// Replaces the contents of `fd` with `text` (the lock file's holder).
  package static func rewrite(_ fd: Int32, _ text: String) {
    _ = ftruncate(fd, 0)
    var bytes = Array(text.utf8)
    _ = unsafe bytes.withUnsafeMutableBytes { unsafe pwrite(fd, $0.baseAddress, $0.count, 0) }
  }

  /// Removes `path`, ignoring errors. The corresponding C function is `unlink(2)`.
  package static func unlink(_ path: String) {
    _ = unsafe Glibc.unlink(path)
  }

  /// Whether standard error is a terminal (progress is shown only then).
  public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

  /// Writes a string to standard error without buffering.
  public static func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      if let base = bytes.baseAddress {
        _ = try? unsafe writeAll(2, UnsafeRawPointer(base), count: bytes.count, path: "<stderr>")
      }
    }
  }

  /// Monotonic time in seconds.
  public static func monotonicSeconds() -> Double {
    var ts = timespec()
    unsafe clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
  }

  /// Ignores SIGXFSZ, so that a write past the file-size limit fails with `EFBIG` (reported
  /// as an `IOError` naming the file) instead of killing the process.
  package static func ignoreFileSizeSignal() {
    _ = signal(SIGXFSZ, SIG_IGN)
  }

  /// Hands the memory malloc holds free back to the system (glibc; elsewhere nothing), so that
  /// what a large load left behind does not count against a memory budget.
  package static func releaseFreeMemory() {
    #if canImport(Glibc)
      _ = glibcMallocTrim(0)
    #endif
  }
}

extension Syscalls {
  /// Allocates `bytes` of zeroed memory for a large table: anonymous pages (zero-filled by the
  /// kernel, so no initialization pass) with transparent huge pages requested, which cuts TLB
  /// misses on random access. The corresponding C functions are `mmap(2)` and `madvise(2)`.
  package static func allocateTable(bytes: Int) -> UnsafeMutableRawPointer? {
    let size = max(bytes, 1)
    guard let p = unsafe mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      unsafe p != MAP_FAILED
    else {
      return nil
    }
    if unsafe size >= 1 << 21 && getenv("TAILSCAN_NO_THP") == nil { unsafe _ = madvise(p, size, MADV_HUGEPAGE) }
    return unsafe p
  }

  /// Frees memory from `allocateTable`.
  package static func freeTable(_ p: UnsafeMutableRawPointer, bytes: Int) {
    unsafe _ = munmap(p, max(bytes, 1))
  }
}
