import Foundation
import TailscanTestSupport
import Testing

extension CLITests {
  /// `tailscan plot` on a report of the mini corpus: SVG to stdout and to a file (the same
  /// bytes as correlate's), PDF and PNG through rsvg-convert, the options, and the errors.
  @Test func plotAReport() throws {
    let dir = try TemporaryDirectory()
    let counts = try Self.countMiniNumbers(in: dir)
    let report = dir.file("report")
    let made = try Self.run([
      "correlate", Fixtures.path("answers-mini.jsonl"), "--counts", counts, "-o", report, "-q",
    ])
    #expect(made.status == 0, "\(made.stderr)")

    // With no options, the figure correlate wrote, byte for byte; from the file or the directory.
    let stdout = try Self.run(["plot", "\(report)/summary.json"])
    #expect(stdout.status == 0, "\(stdout.stderr)")
    let written = try String(contentsOfFile: "\(report)/razeghi-x1-multiplication.svg", encoding: .utf8)
    #expect(stdout.stdout == written)
    let svg = dir.file("fig.svg")
    let annotated = try Self.run([
      "plot", report, "--style", "razeghi", "--key", "x1", "-o", svg, "--width", "3.3in",
      "--annotate", "23,24", "--where", "model=tiny-a", "--title", "Two shots or none",
      "--legend", "lower-right",
    ])
    #expect(annotated.status == 0, "\(annotated.stderr)")
    #expect(annotated.stderr.contains("wrote \(svg) (x1 · task=multiplication · model=tiny-a)"))
    let text = try String(contentsOfFile: svg, encoding: .utf8)
    #expect(text.contains("width=\"237.6pt\""))
    #expect(text.contains(">Two shots or none</text>"))
    // One model: the legend names the shots only.
    #expect(text.contains(">k=0</text>") && text.contains(">k=2</text>") && !text.contains("tiny-b"))
    #expect(text.components(separatedBy: "class=\"annotations\"").count == 2)
    #expect(text.contains(">23</text>") && text.contains(">24</text>"))
    // Again: the same bytes, the file replaced.
    let again = try Self.run([
      "plot", report, "--style", "razeghi", "--key", "x1", "-o", svg, "--width", "3.3in",
      "--annotate", "23,24", "--where", "model=tiny-a", "--title", "Two shots or none",
      "--legend", "lower-right",
    ])
    #expect(again.status == 0)
    #expect(try String(contentsOfFile: svg, encoding: .utf8) == text)

    let kandpal = try Self.run(["plot", report, "--style", "kandpal", "--size", "two-column", "--no-dots"])
    #expect(kandpal.status == 0 && kandpal.stdout.contains("class=\"bar\""))
    #expect(kandpal.stdout.contains("width=\"486pt\""))

    if RenderCheck.shouldRunSVG() {
      let pdf = dir.file("fig.pdf")
      let madePDF = try Self.run(["plot", report, "--style", "kandpal", "-o", pdf])
      #expect(madePDF.status == 0, "\(madePDF.stderr)")
      let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
      #expect(bytes.starts(with: Array("%PDF-".utf8)))
      // The figure's text is real text in the PDF too (its font is embedded).
      #expect(String(decoding: bytes, as: UTF8.self).contains("FontFile"))
      let png = dir.file("fig.png")
      let madePNG = try Self.run(["plot", report, "-o", png, "--dpi", "150"])
      #expect(madePNG.status == 0, "\(madePNG.stderr)")
      let result = try RenderCheck.svg(svg)
      #expect(result.ink > 0.03)
      let pngBytes = try Data(contentsOf: URL(fileURLWithPath: png))
      #expect(pngBytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
      // 3.25 in at 150 dpi: 487 or 488 pixels wide (IHDR's width, big-endian at byte 16).
      let width = pngBytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
      #expect(abs(width - 488) <= 1, "\(width)")
    }

    // Errors: arguments (exit 64) and reports (exit 1), each naming what to fix.
    let cases: [([String], Int32, String)] = [
      (["plot", report, "--legend", "middle"], 64, "'--legend middle': choose one of auto"),
      (["plot", report, "--width", "3 furlongs"], 64, "is not a length"),
      (["plot", report, "--x-range", "0:100"], 64, "LOW > 0 (the axis is logarithmic)"),
      (["plot", report, "-o", dir.file("fig.gif")], 64, "write .svg, .pdf or .png"),
      (["plot", report, "--key", "x9"], 64, "the report's keys are x1, x1x2, x1y"),
      (["plot", report, "--where", "seed=3"], 1, "not grouped by 'seed'"),
      (["plot", report, "--annotate", "12345"], 1, "no key '12345'"),
      (["plot", dir.file("nothing.json")], 1, "cannot read"),
      (["plot", "\(report)/keys.csv"], 1, "not a tailscan summary"),
    ]
    for (arguments, status, message) in cases {
      let result = try Self.run(arguments)
      #expect(result.status == status, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}
