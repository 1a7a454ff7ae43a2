import Foundation
import TailscanIO

/// Writes a figure as SVG, or as PDF or PNG through `rsvg-convert` (Debian's librsvg2-bin),
/// chosen by the file name's extension. The file appears whole or not at all (written beside
/// it, then renamed over it).
public enum FigureFile {
  public enum Format: String, Sendable, CaseIterable {
    case svg, pdf, png
  }

  /// The format `path`'s extension names; nil for another extension.
  public static func format(of path: String) -> Format? {
    Format(rawValue: (path as NSString).pathExtension.lowercased())
  }

  /// Writes `svg` to `path` in the format its extension names; PNGs at `dpi`. PDF and PNG go
  /// through `converter` (rsvg-convert), which must not be nil for them.
  public static func write(
    _ svg: String, to path: String, dpi: Int = 300, converter: String? = converter()
  ) throws {
    guard let format = format(of: path) else {
      throw AnalysisError.badFigureOption(
        "'\(path)': write .svg, .pdf or .png (the extension chooses the format)")
    }
    let directory = (path as NSString).deletingLastPathComponent
    if !directory.isEmpty, (try? Syscalls.status(directory))??.isDirectory != true {
      throw AnalysisError.badFigureOption(
        "'\(path)': the directory '\(directory)' does not exist; create it first")
    }
    let temporary = "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    defer { try? FileManager.default.removeItem(atPath: temporary) }
    switch format {
    case .svg:
      try writeFile(temporary, Array(svg.utf8))
    case .pdf, .png:
      let source = "\(temporary).svg"
      defer { try? FileManager.default.removeItem(atPath: source) }
      try writeFile(source, Array(svg.utf8))
      try convert(source, to: temporary, format: format, dpi: dpi, tool: converter)
    }
    try Syscalls.rename(temporary, to: path)
  }

  /// `rsvg-convert` on the PATH (or in /usr/bin, /usr/local/bin, /opt/homebrew/bin).
  public static func converter() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + [
      "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin",
    ]
    return directories.map { "\($0)/rsvg-convert" }.first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  private static func convert(
    _ source: String, to output: String, format: Format, dpi: Int, tool: String?
  ) throws {
    guard let tool else {
      throw AnalysisError.converter(
        "writing \(format.rawValue.uppercased()) needs 'rsvg-convert': install Debian's "
          + "librsvg2-bin ('apt-get install librsvg2-bin'; Homebrew: 'brew install librsvg'), "
          + "or write .svg")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = [
      "--format", format.rawValue, "--dpi-x", "\(dpi)", "--dpi-y", "\(dpi)", "--output", output,
      source,
    ]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw AnalysisError.converter(
        "'\(tool)' failed (status \(process.terminationStatus)) making '\(output)': "
          + String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
  }
}
