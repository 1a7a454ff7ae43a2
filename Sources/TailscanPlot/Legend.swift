/// The legend: a swatch (line, marker, band) and a name per series, in one column or flowing
/// in rows of columns.
struct LegendLayout {
  struct Entry {
    var series: Series
    var lines: [String]
    /// The entry's top-left corner, relative to the legend's.
    var x: Double
    var y: Double
  }

  var entries: [Entry] = []
  var width = 0.0
  var height = 0.0
  /// Inside the plot a legend has a box; below or beside it, none.
  var boxed = true
  var origin: (Double, Double) = (0, 0)

  static let size = ChartRenderer.legendSize
  static let swatch = 14.0
  static let gap = 3.0
  static let lineHeight = size * 1.25
  static let padding = 3.0
  static let rowGap = 1.5

  /// One column; names wrap to fit `maximumWidth` (box included).
  static func measure(_ series: [Series], maximumWidth: Double) -> LegendLayout {
    var layout = LegendLayout()
    let textWidth = max(maximumWidth - 2 * padding - swatch - gap, size * 4)
    var y = padding
    var widest = 0.0
    for item in series {
      let lines = FontMetrics.wrap(item.name, size: size, width: textWidth)
      widest = max(widest, lines.map { FontMetrics.width($0, size: size) }.max() ?? 0)
      layout.entries.append(Entry(series: item, lines: lines, x: padding, y: y))
      y += Double(lines.count) * lineHeight + rowGap
    }
    layout.width = 2 * padding + swatch + gap + widest
    layout.height = y - rowGap + padding
    return layout
  }

  /// As many equal columns as fit across `width`, filled row by row; no box.
  static func measureFlowing(_ series: [Series], width: Double) -> LegendLayout {
    let columnGap = 8.0
    let textWidth = max(width - swatch - gap, size * 4)
    let wrapped = series.map { FontMetrics.wrap($0.name, size: size, width: textWidth) }
    let widest = wrapped.flatMap { $0 }.map { FontMetrics.width($0, size: size) }.max() ?? 0
    let column = swatch + gap + widest
    let columns = max(1, min(series.count, Int((width + columnGap) / (column + columnGap))))
    var layout = LegendLayout()
    layout.boxed = false
    var y = 0.0
    var row = 0
    while row * columns < series.count {
      let members = (row * columns)..<min(series.count, (row + 1) * columns)
      let tallest = members.map { wrapped[$0].count }.max() ?? 1
      for (c, i) in members.enumerated() {
        layout.entries.append(
          Entry(
            series: series[i], lines: wrapped[i], x: Double(c) * (column + columnGap), y: y))
      }
      y += Double(tallest) * lineHeight + rowGap
      row += 1
    }
    layout.width = Double(columns) * column + Double(columns - 1) * columnGap
    layout.height = y - rowGap
    return layout
  }

  func draw(into svg: inout SVGWriter) {
    let (left, top) = origin
    svg.group("g", ["class": "legend", "font-size": .number(Self.size)]) { svg in
      if boxed {
        svg.element(
          "rect",
          [
            "x": .number(left), "y": .number(top), "width": .number(width),
            "height": .number(height), "fill": "#FFFFFF", "fill-opacity": "0.85",
            "stroke": "#BBBBBB", "stroke-width": "0.4",
          ])
      }
      for entry in entries {
        let x = left + entry.x
        let middle = top + entry.y + Self.lineHeight / 2
        let series = entry.series
        svg.group("g", ["class": "legend-entry"]) { svg in
          if !series.band.isEmpty {
            svg.element(
              "rect",
              [
                "x": .number(x), "y": .number(middle - 2.5), "width": .number(Self.swatch),
                "height": "5", "fill": .text(series.color), "fill-opacity": "0.18",
              ])
          }
          if !series.line.isEmpty {
            var path = PathData()
            path.move(x, middle)
            path.line(x + Self.swatch, middle)
            svg.element(
              "path",
              [
                "d": .text(path.text), "fill": "none", "stroke": .text(series.color),
                "stroke-width": "1", "stroke-dasharray": series.dash.map { .text($0) },
              ])
          } else if series.marker == nil && !series.dots.isEmpty {
            let dot = Marker.circle.path(x: x + Self.swatch / 2, y: middle, size: 2.4)
            svg.element("path", ["d": .text(dot), "fill": .text(series.color)])
          }
          if let marker = series.marker {
            ChartDrawing.markers(
              [(x + Self.swatch / 2, middle)], marker: marker, color: series.color, into: &svg,
              cssClass: "legend-marker")
          }
          for (n, line) in entry.lines.enumerated() {
            svg.element(
              "text",
              [
                "x": .number(x + Self.swatch + Self.gap),
                "y": .number(middle + Self.size * 0.35 + Double(n) * Self.lineHeight),
              ], text: line)
          }
        }
      }
    }
  }
}
