import Foundation
import TailscanIO
import TailscanPlot
import TailscanTestSupport
import Testing

@testable import TailscanAnalysis

/// The figures made from a summary: what they show (against the statistics), golden files,
/// real renders (rsvg-convert, headless Chromium), and the report that holds them.
@Suite struct FiguresTests {
  /// Set TAILSCAN_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
  static let update = ProcessInfo.processInfo.environment["TAILSCAN_UPDATE_GOLDEN"] == "1"

  static func golden(_ name: String, _ text: String) throws {
    let path = Fixtures.path("figures/\(name)")
    if update {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return
    }
    let expected = try Fixtures.string("figures/\(name)")
    #expect(
      text == expected,
      "\(name) differs from Fixtures/figures/\(name); if the change is intended, rerun with TAILSCAN_UPDATE_GOLDEN=1 and review the diff")
  }

  @Test func razeghiFigureShowsTheBins() throws {
    let summary = FigureFixtures.razeghi()
    let figures = try Figures.make(summary)
    #expect(figures.map(\.name) == ["razeghi-x1-multiplication", "razeghi-x1x2-multiplication"])
    let figure = figures[0]
    #expect(figure.heading == "x1 · task=multiplication")
    #expect(figure.size == FigureSize(width: 234, height: 234 * 0.72))
    let chart = figure.chart
    #expect(chart.xLabel == "Frequency" && chart.yLabel == "Avg. Accuracy" && chart.yRange == 0...1)
    // Colour = model (largest first), dash = shots.
    #expect(chart.series.map(\.name) == ["k=0, LM=GPT-J-6B", "k=2, LM=GPT-J-6B", "k=0, LM=GPT-Neo-1.3B", "k=2, LM=GPT-Neo-1.3B"])
    #expect(chart.series.map(\.color) == [Palette.color(0), Palette.color(0), Palette.color(1), Palette.color(1)])
    #expect(chart.series.map(\.dash) == [Palette.dash(0), Palette.dash(1), Palette.dash(0), Palette.dash(1)])
    for (series, group) in zip(chart.series, ["GPT-J-6B 0", "GPT-J-6B 2", "GPT-Neo-1.3B 0", "GPT-Neo-1.3B 2"]) {
      let result = try #require(summary.groups.first { $0.values[1...].joined(separator: " ") == group }).keys[0]
      let bins = result.binning.bins.filter { $0.accuracy != nil }
      // The bin means at their geometric mid-points, extended flat to the outer edges.
      #expect(series.markers == bins.map { Point(x: $0.midpoint, y: $0.accuracy!) })
      #expect(series.line.first == Point(x: bins[0].lower, y: bins[0].accuracy!))
      #expect(series.line.last == Point(x: bins[bins.count - 1].upper, y: bins[bins.count - 1].accuracy!))
      #expect(Array(series.line.dropFirst().dropLast()) == series.markers)
      for (band, bin) in zip(series.band.dropFirst(), bins) {
        #expect(abs(band.upper - band.lower - 2 * (bin.band ?? 0)) < 1e-12)
      }
      #expect(series.dots.count == 100)
      for (x, bin) in zip(result.binning.bins, result.binning.bins.dropFirst()) { #expect(x.midpoint < bin.midpoint) }
    }
    try Self.golden("razeghi-x1.svg", figure.svg())
  }

  @Test func kandpalFigureOrdersModelsBySizeAndHasAHistogram() throws {
    let summary = FigureFixtures.kandpal()
    let figures = try Figures.make(summary)
    #expect(figures.map(\.name) == ["kandpal-relevant"])
    let chart = figures[0].chart
    #expect(chart.xLabel == "Number of Relevant Pre-training Documents" && chart.yLabel == "QA Accuracy")
    #expect(chart.series.map(\.name) == ["bloom-176b", "bloom-3b", "bloom-560m"])
    #expect(Set(chart.series.compactMap(\.marker)).count == 3)
    #expect(chart.series.allSatisfy { $0.band.isEmpty && $0.dots.isEmpty && $0.dash == nil })
    let result = summary.groups[1].keys[0]  // bloom-176b
    let kept = result.binning.bins.filter { $0.kept && $0.accuracy != nil }
    #expect(kept.count >= 4 && kept.count < result.binning.bins.count)  // small bins left out
    #expect(chart.series[0].line == kept.map { Point(x: $0.midpoint, y: $0.accuracy!) })
    // Every model answered the same questions: one set of grey bars, every bin's questions.
    let panel = try #require(chart.panel)
    #expect(panel.label == "Questions" && panel.colors.count == 1)
    #expect(panel.bars.map { $0.heights[0] } == result.binning.bins.filter { $0.instances > 0 }.map { Double($0.instances) })
    try Self.golden("kandpal-relevant.svg", figures[0].svg())
  }

  @Test func optionsChooseAndCheck() throws {
    let summary = FigureFixtures.razeghi()
    var options = FigureOptions(keys: [.x1x2], filter: [("model", "GPT-J-6B")], width: 6.75 * 72, legend: .below, dots: false, annotate: ["24 7"])
    options.title = "Multiplication"
    let figures = try Figures.make(summary, options: options)
    #expect(figures.count == 1)
    let chart = figures[0].chart
    #expect(chart.series.count == 2 && chart.series.allSatisfy { $0.dots.isEmpty })
    #expect(chart.annotations.count == 2 && chart.annotations.allSatisfy { $0.text == "24 7" })
    #expect(chart.title == "Multiplication" && chart.legend == .below)
    #expect(figures[0].size.width == 486)
    let kandpal = try Figures.make(summary, options: FigureOptions(style: .kandpal, keys: [.x1]))
    #expect(kandpal[0].name == "kandpal-x1-multiplication" && kandpal[0].chart.panel?.label == "Instances")

    #expect(throws: AnalysisError.self) { try Figures.make(summary, options: .init(filter: [("seed", "1")])) }
    #expect(throws: AnalysisError.self) { try Figures.make(summary, options: .init(filter: [("model", "none")])) }
    #expect(throws: AnalysisError.self) { try Figures.make(summary, options: .init(keys: [.x1y])) }
    let missing = #expect(throws: AnalysisError.self) { try Figures.make(summary, options: .init(annotate: ["1000"])) }
    #expect("\(missing!)".contains("'1000'"))
    // Without the keys (a summary.json alone), dots and annotations cannot be drawn.
    var bare = summary
    for g in bare.groups.indices { for k in bare.groups[g].keys.indices { bare.groups[g].keys[k].points = .init() } }
    let noKeys = #expect(throws: AnalysisError.self) { try Figures.make(bare, options: .init(annotate: ["24"])) }
    #expect("\(noKeys!)".contains("keys.csv"))
    #expect(try Figures.make(bare).count == 2)  // no dots by default then
  }

  @Test func pdfWithoutConverterNamesThePackage() throws {
    let dir = try TemporaryDirectory()
    let error = #expect(throws: AnalysisError.self) {
      try FigureFile.write("<svg/>", to: dir.file("f.pdf"), converter: nil)
    }
    #expect("\(error!)".contains("librsvg2-bin"))
    #expect(!FileManager.default.fileExists(atPath: dir.file("f.pdf")))
    #expect(throws: AnalysisError.self) { try FigureFile.write("<svg/>", to: dir.file("f.gif")) }
  }

  /// `-o figures/fig.pdf` before `figures/` exists: the error names the directory, not the
  /// temporary file written beside the figure.
  @Test func figureInAMissingDirectorySaysSo() throws {
    let dir = try TemporaryDirectory()
    for name in ["f.svg", "f.pdf"] {
      let error = #expect(throws: (any Error).self) {
        try FigureFile.write("<svg/>", to: dir.file("figures/\(name)"), converter: "/bin/false")
      }
      #expect("\(error!)".contains("'\(dir.file("figures"))' does not exist"), "\(error!)")
      #expect(!"\(error!)".contains(".tmp-"), "\(error!)")
    }
  }

  @Test func reportHoldsFiguresAndReadsBack() throws {
    let dir = try TemporaryDirectory()
    let summary = FigureFixtures.razeghi()
    let written = try Report.write(summary, to: dir.file("report"), overwrite: false)
    #expect(written == ["razeghi-x1-multiplication.svg", "razeghi-x1x2-multiplication.svg"])
    for name in written + ["index.html", "summary.json", "keys.csv", "bins.csv"] {
      #expect(FileManager.default.fileExists(atPath: dir.file("report/\(name)")), "\(name)")
    }
    let back = try Report.read(dir.file("report"))
    #expect(back.groups.count == summary.groups.count)
    for (a, b) in zip(back.groups, summary.groups) {
      #expect(a.values == b.values)
      for (x, y) in zip(a.keys, b.keys) {
        #expect(x.points == y.points && x.binning == y.binning && x.delta == y.delta)
        #expect(x.logistic.slopeCI == y.logistic.slopeCI && x.spearman == y.spearman)
      }
    }
    #expect(back.counts.manifestSHA256 == summary.counts.manifestSHA256)
    // The figures drawn from the files are the ones correlate drew.
    #expect(try Figures.make(back).map { $0.svg() } == (try Figures.make(summary).map { $0.svg() }))
    let html = try String(contentsOfFile: dir.file("report/index.html"), encoding: .utf8)
    #expect(html.components(separatedBy: "<svg ").count - 1 == 2)
    #expect(!html.contains("<script") && !html.contains("https://"))
    #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://") == false)
    #expect(html.contains("k=2, LM=GPT-J-6B") && html.contains("Δ 95% CI"))
    #expect(throws: AnalysisError.self) { try Report.read(dir.file("report/keys.csv")) }
  }

  /// Every field of summary.json reads back: re-encoding what `Report.read` decoded gives the
  /// same JSON (the logistic fit's `intercept_se` and `slope_se` were once dropped).
  @Test func summaryReadsBackFieldForField() throws {
    let dir = try TemporaryDirectory()
    for (name, summary) in [("q", FigureFixtures.razeghi()), ("d", FigureFixtures.kandpal())] {
      try Report.write(summary, to: dir.file(name), overwrite: false)
      let back = try Report.read(dir.file(name))
      #expect(try Report.json(summary).contains("\"slope_se\""))
      #expect(try Report.json(back) == (try Report.json(summary)), "\(name)")
      #expect(back.groups[0].keys[0].logistic == summary.groups[0].keys[0].logistic)
    }
  }

  /// A summary.json edited by hand (a key result or a group value removed) is an error that
  /// names the group, not a crash when a figure is drawn.
  @Test func editedSummaryIsAnError() throws {
    let dir = try TemporaryDirectory()
    try Report.write(FigureFixtures.razeghi(), to: dir.file("report"), overwrite: false)
    let path = dir.file("report/summary.json")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for edit in ["keys", "values"] {
      var json = try #require(
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      var groups = try #require(json["groups"] as? [[String: Any]])
      var values = try #require(groups[1]["values"] as? [String])
      var keys = try #require(groups[1]["keys"] as? [Any])
      if edit == "keys" { keys.removeLast() } else { values.removeLast() }
      groups[1]["values"] = values
      groups[1]["keys"] = keys
      json["groups"] = groups
      let edited = dir.file("\(edit)/summary.json")
      try FileManager.default.createDirectory(
        atPath: dir.file(edit), withIntermediateDirectories: true)
      try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: edited))
      let error = #expect(throws: AnalysisError.self) { try Report.read(edited) }
      #expect("\(error!)".contains("group 2"), "\(error!)")
    }
  }

  /// Figure names come from group values: each must make its own file on a case-insensitive
  /// file system, its own ids in index.html (where `.` becomes `-`), and a name short enough
  /// for the file system whatever the value's length.
  @Test func figureNamesAreDistinctFilesAndIds() throws {
    var summary = FigureFixtures.razeghi()
    let tasks = ["a.b", "a-b", "A.B", String(repeating: "long-task-name ", count: 30)]
    for (g, task) in tasks.enumerated() { summary.groups[g].values[0] = task }
    let figures = try Figures.make(summary, options: .init(keys: [.x1]))
    #expect(figures.count == 4)
    let folded = figures.map { $0.name.lowercased().replacingOccurrences(of: ".", with: "-") }
    #expect(Set(folded).count == 4, "\(figures.map(\.name))")
    #expect(figures.allSatisfy { $0.name.utf8.count <= 120 }, "\(figures.map(\.name))")
    let dir = try TemporaryDirectory()
    let written = try Report.write(summary, to: dir.file("report"), overwrite: false)
    #expect(written.count == 8)
    let html = try String(contentsOfFile: dir.file("report/index.html"), encoding: .utf8)
    var ids: [String: Int] = [:]
    for part in html.components(separatedBy: " id=\"").dropFirst() {
      ids[String(part.prefix { $0 != "\"" }), default: 0] += 1
    }
    #expect(ids.filter { $0.value > 1 }.isEmpty, "duplicate ids: \(ids.filter { $0.value > 1 })")
  }

  /// The region of a figure's main plot, as fractions of the image, from its clip rectangle.
  static func plotRegion(_ svg: String) throws -> (Double, Double, Double, Double) {
    func number(after marker: String, in text: Substring) throws -> Double {
      let start = try #require(text.range(of: marker)).upperBound
      let digits = text[start...].prefix { $0 != "\"" }
      return try #require(Double(digits))
    }
    let viewBox = try #require(svg.range(of: "viewBox=\"0 0 "))
    let sizes = svg[viewBox.upperBound...].prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
    let clipStart = try #require(svg.range(of: "<clipPath"))
    let clip = svg[clipStart.lowerBound...]
    let x = try number(after: "x=\"", in: clip), y = try number(after: "y=\"", in: clip)
    let w = try number(after: "width=\"", in: clip), h = try number(after: "height=\"", in: clip)
    return (x / sizes[0], y / sizes[1], (x + w) / sizes[0], (y + h) / sizes[1])
  }

  @Test(
    .enabled(if: RenderCheck.shouldRunSVG(), "rsvg-convert is not installed (Debian: librsvg2-bin)"),
    arguments: ["razeghi-x1.svg", "kandpal-relevant.svg"])
  func goldenFiguresRender(name: String) throws {
    let svg = try Fixtures.string("figures/\(name)")
    let region = try Self.plotRegion(svg)
    let result = try RenderCheck.svg(Fixtures.path("figures/\(name)"), region: region)
    // 3.25 in at rsvg-convert's 96 dpi.
    #expect(result.width == 312)
    #expect(result.ink > 0.03 && result.ink < 0.8, "\(result)")
    #expect((result.regionInk ?? 0) > 0.05, "the plot area is blank: \(result)")
    #expect(result.colors >= 6, "\(result)")
  }

  @Test(.enabled(if: RenderCheck.shouldRunHTML(), "chromium is not installed (Debian: chromium)"))
  func reportPageRendersInABrowser() throws {
    let dir = try TemporaryDirectory()
    try Report.write(FigureFixtures.kandpal(), to: dir.file("qa"), overwrite: false)
    let result = try RenderCheck.html(dir.file("qa/index.html"))
    #expect(result.console.isEmpty, "console: \(result.console)")
    #expect(result.ink > 0.02, "the page looks blank: \(result)")
    #expect(result.colors >= 6, "\(result)")
  }
}
