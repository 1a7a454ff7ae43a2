import TailscanIO

extension EntityLog {
  /// Reads the logs of `request` and writes its dictionary (and pairs) atomically.
  ///
  /// Existing outputs are refused before anything is read, unless `request.overwrite`; a
  /// directory is never replaced. Each file is written beside its target and renamed into
  /// place once complete, so a reader never sees half a dictionary.
  public static func run(_ request: EntitiesRequest) throws -> EntityLogDictionary {
    var outputs = [(path: request.output, option: "-o")]
    if let pairs = request.pairsOutput { outputs.append((pairs, "--pairs-output")) }
    for output in outputs {
      try checkWritable(output.path, option: output.option, overwrite: request.overwrite)
    }
    let dictionary = try read(request.inputs, skipBadLines: request.skipBadLines)
    let contents = [dictionary.entitiesTSV(), dictionary.pairsTSV()]

    // Write every file beside its target first, then rename them all into place.
    var temporaries: [String] = []
    defer {
      for temporary in temporaries { Syscalls.removeTree(temporary) }
    }
    for (output, text) in zip(outputs, contents) {
      let temporary = "\(output.path).tmp-\(Syscalls.processID)"
      temporaries.append(temporary)
      try writeFile(temporary, Array(text.utf8))
    }
    for (output, temporary) in zip(outputs, temporaries) {
      // Checked again: something may have appeared at the path while the logs were read.
      try checkWritable(output.path, option: output.option, overwrite: request.overwrite)
      try Syscalls.rename(temporary, to: output.path)
      Syscalls.syncDirectory(parentDirectory(of: output.path))
    }
    return dictionary
  }

  /// Checks that the file `path` (the value of `option`) may be written.
  static func checkWritable(_ path: String, option: String, overwrite: Bool) throws {
    if let status = try Syscalls.status(path) {
      guard !status.isDirectory else {
        throw CountError.outputIsDirectory(path: path, option: option)
      }
      guard overwrite else { throw CountError.outputFileExists(path: path, option: option) }
    } else {
      let parent = parentDirectory(of: path)
      guard try Syscalls.status(parent)?.isDirectory == true else {
        throw IOError.notFound(path: parent)
      }
    }
  }

  /// The directory that holds `path`.
  private static func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
