import Foundation

/// An advisory lock on an output (`counts/`, `report/`): the file `counts.lock` beside it,
/// locked with `flock` and holding the writer's process id. A second writer of the same output
/// fails at once, naming the holder; a writer that was killed holds nothing (the kernel drops
/// its lock), and the next one takes the file over. `deinit` removes it.
@safe
public struct OutputLock: ~Copyable {
  /// The lock file.
  public let path: String
  private let fd: Int32

  /// Locks `output`, or throws `IOError.locked` naming the process that holds it.
  public init(output: String) throws(IOError) {
    var trimmed = output
    while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
    let path = "\(trimmed).lock"
    try Syscalls.makeDirectories(parentDirectory(of: trimmed))
    // The file may be unlinked by a finishing holder between our open and our lock: retry
    // until the locked file is the one at the path.
    while true {
      guard let fd = try Syscalls.lockFile(path) else {
        let holder = (try? String(contentsOfFile: path, encoding: .utf8))
          .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        throw .locked(path: trimmed, lock: path, pid: holder)
      }
      if Syscalls.isSameFile(fd, path) {
        Syscalls.rewrite(fd, "\(Syscalls.processID)\n")
        self.fd = fd
        self.path = path
        return
      }
      Syscalls.close(fd)
    }
  }

  deinit {
    Syscalls.unlink(path)
    Syscalls.close(fd)
  }
}
