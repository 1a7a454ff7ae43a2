import Foundation

/// Renders SVG figures and HTML reports for real, through `Scripts/render-check`: SVG with
/// `rsvg-convert`, HTML with headless Chromium (no network), and reports what came out.
///
/// A test needing a renderer is skipped where it is missing, but runs under CI (`CI=true`), so a
/// missing install step fails CI instead of hiding behind a skip:
///
///     @Test(.enabled(if: RenderCheck.shouldRunSVG(), "needs rsvg-convert (librsvg2-bin)"))
public enum RenderCheck {
  /// What `Scripts/render-check` reports about one render (its JSON output).
  public struct Result: Decodable, Sendable {
    /// The rendered PNG's size in pixels.
    public let width: Int
    public let height: Int
    /// The fraction of pixels that are not near-white (any channel below 245, alpha composited
    /// over white).
    public let ink: Double
    /// The same fraction inside the region asked for; nil without one.
    public let regionInk: Double?
    /// The number of distinct colours, each channel quantised to 4 bits.
    public let colors: Int
    /// HTML: the page's console messages, then a "Failed to load resource: net::…: URL" for
    /// each network request it made. SVG: always empty.
    public let console: [String]

    enum CodingKeys: String, CodingKey {
      case width, height, ink, colors, console
      case regionInk = "region_ink"
    }
  }

  /// A render that failed, or a `Scripts/render-check` that could not run.
  public struct Failure: Error, CustomStringConvertible {
    /// The script's arguments.
    public let arguments: [String]
    /// Its exit status: 1 the render failed, 2 usage, 3 the renderer is not installed.
    public let status: Int32
    /// Its standard error, which says what went wrong.
    public let stderr: String

    public var description: String {
      "Scripts/render-check \(arguments.joined(separator: " ")) failed (status \(status)): "
        + stderr.trimmingCharacters(in: .whitespacesAndNewlines)
    }
  }

  /// The absolute path of `Scripts/render-check`.
  public static let script: String = {
    // This file is <repo>/Sources/TailscanTestSupport/RenderCheck.swift.
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("Scripts/render-check").path
  }()

  /// Renders the SVG file at `path` with `rsvg-convert`.
  ///
  /// `region` is `(x0, y0, x1, y1)`, top-left inclusive and bottom-right exclusive, in pixels
  /// of the rendered PNG; when all four are at most 1.0 they are fractions of its width and
  /// height instead (`(0.5, 0, 1, 1)` is the right half).
  public static func svg(_ path: String, region: (Double, Double, Double, Double)? = nil)
    throws -> Result
  {
    var arguments = ["svg", path]
    if let region {
      arguments += ["--region", "\(region.0),\(region.1),\(region.2),\(region.3)"]
    }
    return try run(arguments)
  }

  /// Screenshots the HTML file at `path` with headless Chromium, in a 1200 × 1600 window.
  public static func html(_ path: String) throws -> Result {
    try run(["html", path])
  }

  /// Whether `rsvg-convert` is on PATH or in /usr/bin.
  public static var rsvgAvailable: Bool {
    executableExists(["rsvg-convert"])
  }

  /// Whether Chromium is on PATH or in /usr/bin: `chromium` or `chromium-browser`, or the
  /// program RENDER_CHECK_CHROMIUM names, as the script looks for it.
  public static var chromiumAvailable: Bool {
    let chosen = ProcessInfo.processInfo.environment["RENDER_CHECK_CHROMIUM"]
    return executableExists(chosen.map { [$0] } ?? ["chromium", "chromium-browser"])
  }

  /// Whether a test rendering SVG should run: always under `CI=true`, else if `rsvg-convert`
  /// is there.
  public static func shouldRunSVG() -> Bool {
    ProcessInfo.processInfo.environment["CI"] == "true" || rsvgAvailable
  }

  /// Whether a test rendering HTML should run: always under `CI=true`, else if Chromium is
  /// there.
  public static func shouldRunHTML() -> Bool {
    ProcessInfo.processInfo.environment["CI"] == "true" || chromiumAvailable
  }

  /// Whether any of `names` is an executable file on PATH or in /usr/bin (a name with a slash
  /// is a path).
  static func executableExists(_ names: [String]) -> Bool {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin"]
    return names.contains { name in
      name.contains("/")
        ? FileManager.default.isExecutableFile(atPath: name)
        : directories.contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
    }
  }

  /// Runs the script with `arguments` and decodes its JSON. Its standard error goes to a file,
  /// not a pipe, so that neither stream can fill up while the other is read.
  static func run(_ arguments: [String]) throws -> Result {
    try withTemporaryDirectory { (directory: String) throws -> Result in
      let errorPath = "\(directory)/stderr"
      guard FileManager.default.createFile(atPath: errorPath, contents: nil) else {
        throw Failure(arguments: arguments, status: -1, stderr: "cannot create \(errorPath)")
      }
      let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
      defer { try? errorFile.close() }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: script)
      process.arguments = arguments
      let out = Pipe()
      process.standardOutput = out
      process.standardError = errorFile
      try process.run()
      let stdout = out.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
      guard process.terminationReason == .exit, process.terminationStatus == 0 else {
        throw Failure(arguments: arguments, status: process.terminationStatus, stderr: stderr)
      }
      do {
        return try JSONDecoder().decode(Result.self, from: stdout)
      } catch {
        throw Failure(
          arguments: arguments, status: 0,
          stderr: "unreadable output \(String(decoding: stdout, as: UTF8.self)) (\(error))\n"
            + stderr)
      }
    }
  }
}
