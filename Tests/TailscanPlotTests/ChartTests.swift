import Foundation
import FoundationXML
import TailscanTestSupport
import Testing

@testable import TailscanPlot

@Suite struct PlotUnitTests {
  @Test func lengthsInEveryUnit() {
    #expect(Length("3.3in")?.points == 3.3 * 72)
    #expect(Length("240pt")?.points == 240)
    #expect(Length("240")?.points == 240)
    #expect(Length("320px")?.points == 240)
    #expect(abs((Length("2.54cm")?.points ?? 0) - 72) < 1e-9)
    #expect(abs((Length("25.4MM")?.points ?? 0) - 72) < 1e-9)
    for bad in ["", "in", "-3in", "0pt", "3 furlongs", "nan", "inf", "1e308in"] {
      #expect(Length(bad) == nil, "\(bad)")
    }
  }

  @Test func modelSizesFromNames() {
    let cases: [(String, Double?)] = [
      ("bloom-560m", 5.6e8), ("GPT-J-6B", 6e9), ("1.1B", 1.1e9), ("176B", 1.76e11),
      ("Llama-2-7b-hf", 7e9), ("bloom-7b1", 7e9), ("pythia-160m-deduped", 1.6e8),
      ("Phi-3-mini-4k-instruct", nil), ("gpt2", nil), ("gpt-neo", nil), ("t5-base", nil), ("model-v2b", nil), ("3billion", nil),
    ]
    for (name, size) in cases { #expect(ModelSize.parameters(name) == size, "\(name)") }
    #expect(
      ModelSize.descending(["bloom-560m", "gpt2", "bloom-176b", "bloom-1b1", "other"])
        == ["bloom-176b", "bloom-1b1", "bloom-560m", "gpt2", "other"])
  }

  @Test func numbersAndEscapes() {
    #expect(SVGWriter.number(0) == "0")
    #expect(SVGWriter.number(-0.001) == "0")
    #expect(SVGWriter.number(1.005) == "1.01" || SVGWriter.number(1.005) == "1")
    #expect(SVGWriter.number(12.5) == "12.5")
    #expect(SVGWriter.number(-3.14159) == "-3.14")
    #expect(SVGWriter.number(7) == "7")
    #expect(SVGWriter.number(.nan) == "0")
    #expect(SVGWriter.escape("a<b & \"c\" 'd'\u{1}\n") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos; ")
    #expect(LinearScale.format(-0.5, decimals: 1) == "\u{2212}0.5")
    #expect(LinearScale.formatCount(9500) == "9,500")
    #expect(LinearScale.formatCount(12000) == "12k")
    #expect(LinearScale.formatCount(1_500_000) == "1.5M")
  }

  @Test func logTicksAreDecadesWithMinorTicks() {
    let scale = LogScale.decades(around: [3, 40, 2500])
    #expect(scale.lower == 1 && scale.upper == 10_000)
    let ticks = scale.ticks()
    #expect(ticks.compactMap(\.label) == (0...4).map { TickLabel.power($0) })
    #expect(ticks.filter { $0.label == nil }.count == 4 * 8)
    // Powers of ten are exact at the edges.
    let exact = LogScale.decades(around: [1000, 1_000_000])
    #expect(exact.lower == 1000 && exact.upper == 1_000_000)
    // Many decades: every other label, no minor ticks beyond 8 decades.
    let wide = LogScale.decades(around: [1, 1e12]).ticks()
    #expect(wide.compactMap(\.label).count == 7)
    #expect(wide.allSatisfy { $0.label != nil || $0.value.isFinite })
    // Within one decade: the multiples are labelled.
    let narrow = LogScale(lower: 200, upper: 900).ticks()
    #expect(narrow.compactMap(\.label).map(\.plain) == ["200", "300", "400", "500", "600", "700", "800", "900"])
  }

  @Test func linearTicksAreRound() {
    let unit = LinearScale(lower: 0, upper: 1).ticks()
    #expect(unit.compactMap(\.label).map(\.plain) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    let counts = LinearScale.fromZero(to: 1234, style: .count, target: 2)
    #expect(counts.upper == 2000)
    #expect(counts.ticks().compactMap(\.label).map(\.plain) == ["0", "1,000", "2,000"])
  }
}

/// A chart the structure tests draw: three series, a band, dots, an annotation.
func sampleChart(legend: LegendPosition = .auto, panel: Bool = false) -> Chart {
  var series: [Series] = []
  for m in 0..<3 {
    let line = (0..<10).map { i in
      Point(x: pow(10, 0.5 + Double(i) * 0.5), y: 0.1 + 0.07 * Double(i) + 0.05 * Double(m))
    }
    series.append(
      Series(
        name: "k=\(m), LM=\(["6B", "2.7B", "1.3B"][m])", color: Palette.color(m),
        dash: Palette.dash(m), line: line, marker: Palette.marker(m), markers: line,
        band: line.map { BandPoint(x: $0.x, lower: $0.y - 0.05, upper: $0.y + 0.05) },
        dots: line.map { Point(x: $0.x * 1.2, y: $0.y - 0.02) }))
  }
  var bars: [BarPanel.Bar] = []
  for k in 0..<5 {
    let lower: Double = pow(10, Double(k))
    bars.append(BarPanel.Bar(lower: lower, upper: lower * 10, heights: [Double(100 * (k + 1))]))
  }
  let note = Annotation(point: Point(x: 100, y: 0.4), text: "24", color: Palette.color(0))
  return Chart(
    xLabel: "Frequency", yLabel: "Avg. Accuracy", yRange: 0...1, series: series,
    annotations: [note], legend: legend,
    panel: panel ? BarPanel(label: "Questions", bars: bars, colors: ["#9A9A9A"]) : nil)
}

@Suite struct ChartStructureTests {
  @Test func svgHasAxesTicksOneLinePerSeriesAndLegend() throws {
    let svg = ChartRenderer.svg(sampleChart(), size: FigureSize(width: 234, height: 170))
    let doc = try SVGInspection(svg)
    #expect(doc.root.attribute(forName: "width")?.stringValue == "234pt")
    #expect(doc.root.attribute(forName: "height")?.stringValue == "170pt")
    #expect(doc.width == 234 && doc.height == 170)
    #expect(SVGInspection.inherited("font-family", doc.root)?.contains("Helvetica") == true)
    let series = try doc.elements("g", class: "series")
    #expect(series.map { $0.attribute(forName: "data-name")?.stringValue } == ["k=0, LM=6B", "k=1, LM=2.7B", "k=2, LM=1.3B"])
    for group in series {
      let lines = (group.children ?? []).compactMap { $0 as? XMLElement }.filter {
        $0.attribute(forName: "class")?.stringValue == "line"
      }
      #expect(lines.count == 1)
    }
    #expect(try doc.elements("path", class: "line").count == 3)
    #expect(try doc.elements("path", class: "band").count == 3)
    #expect(try doc.elements("path", class: "dots").count == 3)
    let dashes = try doc.elements("path", class: "line").map { $0.attribute(forName: "stroke-dasharray")?.stringValue }
    #expect(Set(dashes).count == 3)  // k differs by dash pattern
    let labels = try doc.elements("text", class: "tick-label").map { $0.stringValue ?? "" }
    #expect(labels.contains("100") && labels.contains("103") && labels.contains("0.0") && labels.contains("1.0"))
    let superscripts = try doc.elements("//*[local-name()='tspan']").map { $0.stringValue ?? "" }
    #expect(superscripts == ["0", "1", "2", "3", "4", "5", "6"])
    let axisLabels = try doc.elements("text", class: "axis-label").map { $0.stringValue ?? "" }
    #expect(axisLabels.sorted() == ["Avg. Accuracy", "Frequency"])
    let legend = try doc.elements("g", class: "legend-entry").map { $0.stringValue ?? "" }
    #expect(legend == ["k=0, LM=6B", "k=1, LM=2.7B", "k=2, LM=1.3B"])
    #expect(try doc.elements("//*[local-name()='clipPath']").count == 1)
    #expect(try doc.elements("//*[local-name()='title']").first?.stringValue == "Avg. Accuracy against frequency")
    let annotations = try doc.elements("g", class: "annotations")
    #expect(annotations.first?.stringValue == "24")
  }

  @Test func panelSharesTheXAxis() throws {
    let svg = ChartRenderer.svg(sampleChart(panel: true), size: FigureSize(width: 234, height: 230))
    let doc = try SVGInspection(svg)
    #expect(try doc.elements("rect", class: "bar").count == 5)
    #expect(try doc.elements("//*[local-name()='clipPath']").count == 2)
    // Tick labels of x only once (under the panel); the panel's y axis has its own label.
    #expect(try doc.elements("//*[local-name()='tspan']").count == 7)
    let axisLabels = try doc.elements("text", class: "axis-label").map { $0.stringValue ?? "" }
    #expect(axisLabels.sorted() == ["Avg. Accuracy", "Frequency", "Questions"])
  }

  @Test func sameInputSameBytes() {
    let a = ChartRenderer.svg(sampleChart(panel: true), size: FigureSize(width: 234, height: 200), id: "x")
    let b = ChartRenderer.svg(sampleChart(panel: true), size: FigureSize(width: 234, height: 200), id: "x")
    #expect(a == b)
    #expect(a.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    // Two figures on one page do not share element ids.
    let other = ChartRenderer.element(sampleChart(), size: FigureSize(width: 234, height: 200), id: "razeghi-x1 task=add")
    #expect(other.contains("id=\"razeghi-x1-task-add-clip0\""))
  }

  /// Whatever the names, numbers, sizes and legend position, every text and the legend lie
  /// inside the viewBox (nothing clipped), and the SVG is well-formed XML.
  @Test(arguments: 0..<150) func nothingIsClipped(seed: UInt64) throws {
    var random = SplitMix64(seed: 0xF16 &+ seed)
    let words = ["k=2,", "LM=6B", "GPT-J-6B", "a-very-long-model-name-without-spaces-at-all-v1.3",
      "BLOOM", "176B", "Ω≈ç√∫", "模型", "<&>\"'", "shots", "x"]
    func name() -> String {
      (0..<Int.random(in: 1...6, using: &random)).map { _ in words.randomElement(using: &random)! }
        .joined(separator: " ")
    }
    let count = Int.random(in: 0...9, using: &random)
    let low = Double.random(in: -2...6, using: &random)
    let span = Double.random(in: 0.01...12, using: &random)
    var series: [Series] = []
    for i in 0..<count {
      var points: [Point] = []
      for _ in 0..<Int.random(in: 0...12, using: &random) {
        let x: Double = pow(10, low + Double.random(in: 0...span, using: &random))
        points.append(Point(x: x, y: Double.random(in: -0.2...1.3, using: &random)))
      }
      points.sort { $0.x < $1.x }
      series.append(Series(
        name: random.chance(0.1) ? "" : name(), color: Palette.color(i), dash: Palette.dash(i),
        line: points, marker: Palette.marker(i), markers: points,
        band: points.map { BandPoint(x: $0.x, lower: $0.y - 0.1, upper: $0.y + 0.1) }))
    }
    let yRange: ClosedRange<Double>? = random.chance(0.5) ? nil : (random.chance(0.5) ? 0...1 : -1e6...1e7)
    var panel: BarPanel?
    if random.chance(0.4) {
      var bars: [BarPanel.Bar] = []
      for k in 0..<4 {
        let lower: Double = pow(10, low + Double(k))
        bars.append(
          BarPanel.Bar(
            lower: lower, upper: lower * 10, heights: [Double.random(in: 0...1e8, using: &random)]))
      }
      panel = BarPanel(label: name(), bars: bars, colors: ["#999999"])
    }
    var annotations: [Annotation] = []
    if let first = series.first?.line.first {
      annotations.append(Annotation(point: first, text: name(), color: "#000000"))
    }
    let chart = Chart(
      title: random.chance(0.3) ? name() + " " + name() : nil, xLabel: name(), yLabel: name(),
      yRange: yRange, series: series,
      annotations: annotations,
      legend: LegendPosition.allCases.randomElement(using: &random)!, panel: panel)
    let width = Double.random(in: 60...600, using: &random)
    let size = FigureSize(width: width, height: width * Double.random(in: 0.3...1.5, using: &random))
    let svg = ChartRenderer.svg(chart, size: size, id: "case\(seed)")
    let doc = try SVGInspection(svg)
    // The viewBox keeps the requested aspect ratio (it only grows when text needs room).
    #expect(abs(doc.width / doc.height - size.width / size.height) < 0.01)
    for box in try doc.textBoxes() where !box.text.isEmpty {
      #expect(box.left >= -0.01 && box.right <= doc.width + 0.01 && box.top >= -0.01 && box.bottom <= doc.height + 0.01,
        "seed \(seed): '\(box.text)' at \(box) outside \(doc.width)×\(doc.height)")
    }
    for rect in try doc.elements("//*[local-name()='g'][@class='legend']/*[local-name()='rect']") {
      let x = Double(rect.attribute(forName: "x")?.stringValue ?? "") ?? -1
      let y = Double(rect.attribute(forName: "y")?.stringValue ?? "") ?? -1
      let w = Double(rect.attribute(forName: "width")?.stringValue ?? "") ?? -1
      let h = Double(rect.attribute(forName: "height")?.stringValue ?? "") ?? -1
      #expect(x >= 0 && y >= 0 && x + w <= doc.width + 0.01 && y + h <= doc.height + 0.01, "seed \(seed): legend")
    }
  }
}
