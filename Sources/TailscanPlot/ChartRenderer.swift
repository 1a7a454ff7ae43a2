import Foundation

/// Draws a `Chart` as SVG.
///
/// The layout is measured, not guessed: margins are made from the widths of the tick labels,
/// axis labels, title and legend (`FontMetrics`), so nothing is clipped whatever the data. When
/// the requested size is too small for the text, the figure is laid out on a larger canvas and
/// scaled down to the requested size by the `viewBox`.
public enum ChartRenderer {
  /// The font stack: Helvetica and Arial on macOS and Windows, their metric twin Liberation
  /// Sans or DejaVu Sans on Linux.
  public static let fontFamily =
    "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans', sans-serif"

  /// Type sizes in points: a two-column paper sets its captions in 9–10 pt.
  static let tickSize = 7.0
  static let labelSize = 8.0
  static let legendSize = 7.0
  static let titleSize = 9.0
  static let tickLength = 3.0
  static let minorTickLength = 1.8
  static let pad = 3.0
  static let outer = 2.0

  /// The chart as a standalone SVG file (with the XML declaration).
  public static func svg(_ chart: Chart, size: FigureSize, id: String = "figure") -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(chart, size: size, id: id)
  }

  /// The chart as an `<svg>` element, for inlining in HTML; `id` prefixes its element ids so
  /// that several figures can share a page.
  public static func element(_ chart: Chart, size: FigureSize, id: String = "figure") -> String {
    let prefix = sanitized(id)
    var canvas = size
    var layout = Layout(chart: chart, canvas: canvas)
    // Grow the canvas until the plot has room; the viewBox scales it back to `size`.
    var attempts = 0
    while !layout.fits && attempts < 40 {
      canvas.width *= 1.12
      canvas.height *= 1.12
      layout = Layout(chart: chart, canvas: canvas)
      attempts += 1
    }
    var svg = SVGWriter()
    svg.group(
      "svg",
      [
        "xmlns": "http://www.w3.org/2000/svg", "width": "\(Length(points: size.width))",
        "height": "\(Length(points: size.height))",
        "viewBox": "0 0 \(SVGWriter.number(canvas.width)) \(SVGWriter.number(canvas.height))",
        "font-family": .text(fontFamily), "font-size": .number(tickSize), "role": "img",
        "aria-labelledby": .text("\(prefix)-title"),
      ]
    ) { svg in
      let heading = chart.title ?? chart.yLabel + " against " + chart.xLabel.lowercased()
      svg.element("title", ["id": .text("\(prefix)-title")], text: heading)
      if !chart.description.isEmpty { svg.element("desc", [:], text: chart.description) }
      svg.group("defs", [:]) { svg in
        for (i, area) in layout.areas.enumerated() {
          svg.group("clipPath", ["id": .text("\(prefix)-clip\(i)")]) { svg in
            svg.element(
              "rect",
              [
                "x": .number(area.left), "y": .number(area.top), "width": .number(area.width),
                "height": .number(area.height),
              ])
          }
        }
      }
      svg.element(
        "rect",
        [
          "width": .number(canvas.width), "height": .number(canvas.height), "fill": "#FFFFFF",
        ])
      layout.draw(into: &svg, prefix: prefix)
    }
    return svg.text
  }

  /// Letters, digits, `-` and `_`: safe in an XML id and a CSS selector.
  static func sanitized(_ id: String) -> String {
    let kept = id.unicodeScalars.map { scalar -> Character in
      scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar)
        || scalar == "-" || scalar == "_" ? Character(scalar) : "-"
    }
    let text = String(kept)
    return text.first?.isLetter == true ? text : "f-" + text
  }
}

/// A rectangle in points.
struct Rect {
  var left: Double
  var top: Double
  var width: Double
  var height: Double
  var right: Double { left + width }
  var bottom: Double { top + height }

  func contains(_ x: Double, _ y: Double) -> Bool {
    x >= left && x <= right && y >= top && y <= bottom
  }
}

/// Where everything goes, for one canvas size.
struct Layout {
  let chart: Chart
  let canvas: FigureSize
  let x: any Scale
  let y: LinearScale
  let panelY: LinearScale?
  let xTicks: [Tick]
  let yTicks: [Tick]
  let panelTicks: [Tick]
  /// The main plot, and the bar panel's plot when there is one.
  var plot = Rect(left: 0, top: 0, width: 0, height: 0)
  var panel: Rect?
  var areas: [Rect] { [plot] + (panel.map { [$0] } ?? []) }
  var titleLines: [String] = []
  /// The axis labels, wrapped to their axes.
  var xLabelLines: [String] = []
  var yLabelLines: [String] = []
  var panelLabelLines: [String] = []
  var legend: LegendLayout?
  /// Whether the plot has room: at least a third of the canvas each way, and 60 × 40 points.
  var fits = true

  typealias R = ChartRenderer

  init(chart: Chart, canvas: FigureSize) {
    self.chart = chart
    self.canvas = canvas
    var xs: [Double] = []
    var ys: [Double] = []
    for series in chart.series {
      xs += series.line.map(\.x) + series.markers.map(\.x) + series.dots.map(\.x)
      xs += series.band.map(\.x)
      ys += series.line.map(\.y) + series.markers.map(\.y) + series.dots.map(\.y)
      ys += series.band.map(\.upper)
    }
    xs += chart.annotations.map(\.point.x)
    if let panel = chart.panel { xs += panel.bars.flatMap { [$0.lower, $0.upper] } }
    if let range = chart.xRange {
      x = LogScale(lower: range.lowerBound, upper: range.upperBound)
    } else {
      x = LogScale.decades(around: xs)
    }
    if let range = chart.yRange {
      y = LinearScale(lower: range.lowerBound, upper: range.upperBound)
    } else {
      y = LinearScale.fromZero(to: ys.filter(\.isFinite).max() ?? 1)
    }
    if let panel = chart.panel {
      let scale = LinearScale.fromZero(
        to: panel.bars.flatMap(\.heights).max() ?? 1, style: .count, target: 2)
      panelY = scale
      panelTicks = scale.ticks()
    } else {
      panelY = nil
      panelTicks = []
    }
    xTicks = x.ticks()
    yTicks = y.ticks()
    place()
  }

  /// The width of a tick label.
  static func width(_ label: TickLabel) -> Double {
    switch label {
    case .text(let text): return FontMetrics.width(text, size: R.tickSize)
    case .power(let exponent):
      return FontMetrics.width("10", size: R.tickSize)
        + FontMetrics.width(SVGWriter.signed(exponent), size: R.tickSize * 0.7)
    }
  }

  private mutating func place() {
    let lineHeight = R.labelSize * 1.2
    let full = canvas.width - 2 * R.outer
    let xTickHeight =
      xTicks.contains { if case .power = $0.label { return true } else { return false } }
      ? R.tickSize * 1.25 : R.tickSize * 1.0
    let yTickWidth = (yTicks + panelTicks).compactMap(\.label).map(Self.width).max() ?? 0
    let leftBase = R.outer + R.pad + yTickWidth + R.pad + R.tickLength
    xLabelLines = FontMetrics.wrap(chart.xLabel, size: R.labelSize, width: full)
    var bottom =
      R.tickLength + R.pad + xTickHeight + R.pad + Double(xLabelLines.count) * lineHeight
      + R.outer
    let lastX = xTicks.filter { $0.label != nil }.max { $0.value < $1.value }
    var right =
      R.outer + max(4, (lastX?.label).map { Self.width($0) / 2 } ?? 0)
    var top = R.outer + R.tickSize * 0.6
    if let title = chart.title, !title.isEmpty {
      titleLines = FontMetrics.wrap(title, size: R.titleSize, width: full)
      top = R.outer + Double(titleLines.count) * R.titleSize * 1.2 + R.pad + R.tickSize * 0.5
    }
    // The y label's room before it is wrapped: one line (the auto legend's fit is judged by it).
    let estimatedLeft = leftBase + lineHeight
    // The legend: measured first, placed once the plot is known.
    var position = chart.legend
    let entries = chart.series.filter { !$0.name.isEmpty }
    if entries.isEmpty { position = .none }
    var legendSize: (width: Double, height: Double)?
    if position != .none {
      let inside = LegendLayout.measure(entries, maximumWidth: canvas.width * 0.55)
      if position == .auto {
        let roomWidth = canvas.width - estimatedLeft - right
        let roomHeight = (canvas.height - top - bottom) * (chart.panel == nil ? 1 : 0.68)
        position =
          inside.width <= roomWidth * 0.6 && inside.height <= roomHeight * 0.62 ? .auto : .below
      }
      switch position {
      case .below:
        let available = canvas.width - 2 * R.outer
        let measured = LegendLayout.measureFlowing(entries, width: available)
        legendSize = (measured.width, measured.height)
        bottom += measured.height + R.pad
        legend = measured
      case .right:
        let measured = LegendLayout.measure(entries, maximumWidth: canvas.width * 0.4)
        legendSize = (measured.width, measured.height)
        right = max(right, R.outer + measured.width + R.pad * 2)
        legend = measured
      default:
        legend = inside
        legendSize = (inside.width, inside.height)
      }
    }
    // The y labels wrap to the height of their plots, and take the room they need on the left.
    let height = canvas.height - top - bottom
    let gap = R.pad * 2
    let mainHeight = chart.panel == nil ? height : (height - gap) * 0.68
    yLabelLines = FontMetrics.wrap(chart.yLabel, size: R.labelSize, width: mainHeight)
    if let bars = chart.panel {
      panelLabelLines = FontMetrics.wrap(
        bars.label, size: R.labelSize, width: height - gap - mainHeight)
    }
    let left = leftBase + Double(max(yLabelLines.count, panelLabelLines.count)) * lineHeight
    let area = Rect(left: left, top: top, width: canvas.width - left - right, height: height)
    if chart.panel != nil {
      plot = Rect(left: area.left, top: area.top, width: area.width, height: mainHeight)
      panel = Rect(
        left: area.left, top: area.top + mainHeight + gap, width: area.width,
        height: area.height - mainHeight - gap)
    } else {
      plot = area
    }
    // Text wider than its room (a word longer than a line) makes the canvas grow.
    let widest = { (lines: [String], size: Double) in
      lines.map { FontMetrics.width($0, size: size) }.max() ?? 0
    }
    let annotationWidth = chart.annotations.map { FontMetrics.width($0.text, size: 6.5) }
      .max() ?? 0
    fits =
      area.width >= max(60, canvas.width / 3) && plot.height >= max(40, canvas.height / 4)
      && (panel?.height ?? 20) >= 20
      && widest(xLabelLines, R.labelSize) <= full && widest(titleLines, R.titleSize) <= full
      && widest(yLabelLines, R.labelSize) <= plot.height
      && widest(panelLabelLines, R.labelSize) <= (panel?.height ?? 0)
      && annotationWidth + 8 <= plot.width
      && (legendSize.map { $0.width <= full && $0.height <= canvas.height - 2 * R.outer } ?? true)
    if let size = legendSize, fits {
      let origin: (Double, Double)
      switch position {
      case .below: origin = (R.outer, canvas.height - R.outer - size.height)
      case .right: origin = (canvas.width - R.outer - size.width, plot.top)
      case .auto: origin = bestCorner(size: size)
      default: origin = corner(position, size: size)
      }
      legend?.origin = origin
      // An inside legend larger than the plot does not fit.
      if position != .below && position != .right {
        fits = size.width <= plot.width - 2 * R.pad && size.height <= plot.height - 2 * R.pad
      }
    }
  }

  /// The legend's top-left corner inside the plot at `position`.
  private func corner(_ position: LegendPosition, size: (width: Double, height: Double))
    -> (Double, Double)
  {
    let inset = R.pad
    let leftX = plot.left + inset
    let rightX = plot.right - inset - size.width
    let topY = plot.top + inset
    let bottomY = plot.bottom - inset - size.height
    switch position {
    case .upperRight: return (rightX, topY)
    case .lowerLeft: return (leftX, bottomY)
    case .lowerRight: return (rightX, bottomY)
    default: return (leftX, topY)
    }
  }

  /// The inside corner covering the fewest drawn points (lines sampled along their length),
  /// in the order upper left, lower right, upper right, lower left.
  private func bestCorner(size: (width: Double, height: Double)) -> (Double, Double) {
    var points: [(Double, Double)] = []
    for series in chart.series {
      let line = series.line.compactMap(position)
      for (a, b) in zip(line, line.dropFirst()) {
        for step in 0...12 {
          let t = Double(step) / 12
          points.append((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
        }
      }
      points += series.markers.compactMap(position)
      points += series.dots.compactMap(position)
      for band in series.band {
        guard let low = position(Point(x: band.x, y: band.lower)),
          let high = position(Point(x: band.x, y: band.upper))
        else { continue }
        points.append(low)
        points.append(high)
        points.append((low.0, (low.1 + high.1) / 2))
      }
    }
    points += chart.annotations.compactMap { position($0.point) }
    var best: (Double, Double)?
    var fewest = Int.max
    for candidate: LegendPosition in [.upperLeft, .lowerRight, .upperRight, .lowerLeft] {
      let origin = corner(candidate, size: size)
      let box = Rect(
        left: origin.0 - R.pad, top: origin.1 - R.pad, width: size.width + 2 * R.pad,
        height: size.height + 2 * R.pad)
      let covered = points.count { box.contains($0.0, $0.1) }
      if covered < fewest {
        fewest = covered
        best = origin
      }
    }
    return best ?? corner(.upperLeft, size: size)
  }

  /// Where a data point is drawn in the main plot; nil when the x scale cannot show it.
  func position(_ point: Point) -> (Double, Double)? {
    guard let fx = x.fraction(point.x), let fy = y.fraction(point.y) else { return nil }
    return (plot.left + fx * plot.width, plot.bottom - fy * plot.height)
  }

  /// The x position of a data value; values left of a log axis's reach are pinned far left.
  func xPosition(_ value: Double) -> Double {
    guard let fx = x.fraction(value) else { return plot.left - plot.width }
    return plot.left + fx * plot.width
  }
}
