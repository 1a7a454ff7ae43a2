/// Drawing helpers shared by the plot and the legend.
enum ChartDrawing {
  static let markerSize = 3.8

  /// One path holding a marker at each of `points`.
  static func markers(
    _ points: [(Double, Double)], marker: Marker, color: String, into svg: inout SVGWriter,
    cssClass: String = "markers"
  ) {
    guard !points.isEmpty else { return }
    var d = ""
    for (x, y) in points { d += marker.path(x: x, y: y, size: markerSize) }
    if marker.isStroked {
      svg.element(
        "path",
        [
          "class": .text(cssClass), "d": .text(d), "fill": "none", "stroke": .text(color),
          "stroke-width": "0.9",
        ])
    } else {
      svg.element(
        "path",
        [
          "class": .text(cssClass), "d": .text(d), "fill": .text(color), "stroke": "#FFFFFF",
          "stroke-width": "0.3",
        ])
    }
  }
}

extension Layout {
  /// Draws the whole chart (the canvas background and `defs` are the caller's).
  func draw(into svg: inout SVGWriter, prefix: String) {
    // Light grid lines at the main plot's major y ticks.
    var grid = PathData()
    for tick in yTicks where tick.label != nil {
      guard let fy = y.fraction(tick.value), fy > 1e-9, fy < 1 - 1e-9 else { continue }
      let yy = plot.bottom - fy * plot.height
      grid.move(plot.left, yy)
      grid.line(plot.right, yy)
    }
    if !grid.isEmpty {
      svg.element(
        "path",
        [
          "class": "grid", "d": .text(grid.text), "fill": "none", "stroke": "#E4E4E4",
          "stroke-width": "0.4",
        ])
    }

    // The series, clipped to the plot.
    svg.group("g", ["class": "plot", "clip-path": .text("url(#\(prefix)-clip0)")]) { svg in
      for series in chart.series {
        svg.group("g", ["class": "series", "data-name": .text(series.name)]) { svg in
          drawSeries(series, into: &svg)
        }
      }
    }
    svg.group("g", ["class": "series-markers"]) { svg in
      for series in chart.series { drawMarkers(series, into: &svg) }
    }

    // Bars under the plot.
    if let bars = chart.panel, let panel, let panelY {
      svg.group("g", ["class": "panel", "clip-path": .text("url(#\(prefix)-clip1)")]) { svg in
        let groups = max(1, bars.bars.map(\.heights.count).max() ?? 1)
        for bar in bars.bars {
          let left = xPosition(bar.lower)
          let right = xPosition(bar.upper)
          let inset = (right - left) * 0.1
          let slot = (right - left - 2 * inset) / Double(groups)
          for (i, height) in bar.heights.enumerated() where height > 0 {
            let fy = panelY.fraction(height) ?? 0
            let top = panel.bottom - fy * panel.height
            svg.element(
              "rect",
              [
                "class": "bar", "x": .number(left + inset + Double(i) * slot),
                "y": .number(top), "width": .number(slot), "height": .number(panel.bottom - top),
                "fill": .text(bars.colors[i % max(bars.colors.count, 1)]),
                "data-value": .number(height),
              ])
          }
        }
      }
      drawYAxis(
        panel, scale: panelY, ticks: panelTicks, label: bars.label, lines: panelLabelLines,
        into: &svg)
    }

    // Axes.
    drawYAxis(
      plot, scale: y, ticks: yTicks, label: chart.yLabel, lines: yLabelLines, into: &svg)
    drawXAxis(plot, labelled: panel == nil, into: &svg)
    if let panel { drawXAxis(panel, labelled: true, into: &svg) }

    // Annotations.
    if !chart.annotations.isEmpty {
      svg.group("g", ["class": "annotations", "font-size": "6.5"]) { svg in
        for note in chart.annotations {
          guard let (px, py) = position(note.point), plot.contains(px, py) else { continue }
          svg.element(
            "circle",
            [
              "cx": .number(px), "cy": .number(py), "r": "2.6", "fill": "none",
              "stroke": .text(note.color), "stroke-width": "0.8",
            ])
          let width = FontMetrics.width(note.text, size: 6.5)
          let leftward = px + 3.5 + width > plot.right
          let below = py - 3.5 - 6.5 < plot.top
          // Beside the point, to its right or left, and never outside the plot.
          let start = min(max(leftward ? px - 3.5 - width : px + 3.5, plot.left), plot.right - width)
          svg.element(
            "text",
            [
              "x": .number(start),
              "y": .number(below ? py + 3.5 + 6.5 * 0.75 : py - 3.5),
              "fill": .text(note.color),
              "stroke": "#FFFFFF", "stroke-width": "1.6", "paint-order": "stroke",
            ], text: note.text)
        }
      }
    }

    legend?.draw(into: &svg)

    if !titleLines.isEmpty {
      svg.group(
        "g",
        [
          "class": "title", "font-size": .number(R.titleSize), "font-weight": "bold",
          "text-anchor": "middle",
        ]
      ) { svg in
        for (i, line) in titleLines.enumerated() {
          svg.element(
            "text",
            [
              "x": .number(canvas.width / 2),
              "y": .number(R.outer + R.titleSize * 0.8 + Double(i) * R.titleSize * 1.2),
            ], text: line)
        }
      }
    }
  }

  private func drawSeries(_ series: Series, into svg: inout SVGWriter) {
    if !series.band.isEmpty {
      var path = PathData()
      let upper = series.band.compactMap { position(Point(x: $0.x, y: $0.upper)) }
      let lower = series.band.reversed().compactMap { position(Point(x: $0.x, y: $0.lower)) }
      for (i, point) in (upper + lower).enumerated() {
        if i == 0 { path.move(point.0, point.1) } else { path.line(point.0, point.1) }
      }
      if !path.isEmpty {
        path.close()
        svg.element(
          "path",
          [
            "class": "band", "d": .text(path.text), "fill": .text(series.color),
            "fill-opacity": "0.18", "stroke": "none",
          ])
      }
    }
    if !series.dots.isEmpty {
      var d = ""
      for dot in series.dots {
        guard let (px, py) = position(dot) else { continue }
        d += Marker.circle.path(x: px, y: py, size: 2.2)
      }
      if !d.isEmpty {
        svg.element(
          "path",
          ["class": "dots", "d": .text(d), "fill": .text(series.color), "fill-opacity": "0.35"])
      }
    }
    if !series.line.isEmpty {
      var path = PathData()
      for point in series.line {
        guard let (px, py) = position(point) else { continue }
        if path.isEmpty { path.move(px, py) } else { path.line(px, py) }
      }
      if !path.isEmpty {
        svg.element(
          "path",
          [
            "class": "line", "d": .text(path.text), "fill": "none", "stroke": .text(series.color),
            "stroke-width": "1.1", "stroke-linejoin": "round", "stroke-linecap": "butt",
            "stroke-dasharray": series.dash.map { .text($0) },
          ])
      }
    }
  }

  /// A series' markers: not clipped (a marker on the plot's edge stays whole), but only those
  /// whose centre lies in the plot.
  private func drawMarkers(_ series: Series, into svg: inout SVGWriter) {
    guard let marker = series.marker else { return }
    let edges = Rect(
      left: plot.left - 0.01, top: plot.top - 0.01, width: plot.width + 0.02,
      height: plot.height + 0.02)
    let inside = series.markers.compactMap(position).filter { edges.contains($0.0, $0.1) }
    ChartDrawing.markers(inside, marker: marker, color: series.color, into: &svg)
  }

  /// The left spine of `area`, its ticks and labels, and the rotated axis label.
  private func drawYAxis(
    _ area: Rect, scale: LinearScale, ticks: [Tick], label: String, lines: [String],
    into svg: inout SVGWriter
  ) {
    svg.group("g", ["class": "axis y-axis", "data-label": .text(label)]) { svg in
      var path = PathData()
      path.move(area.left, area.top)
      path.line(area.left, area.bottom)
      for tick in ticks {
        guard let fy = scale.fraction(tick.value) else { continue }
        let yy = area.bottom - fy * area.height
        path.move(area.left, yy)
        path.line(area.left - R.tickLength, yy)
      }
      svg.element(
        "path",
        [
          "class": "spine", "d": .text(path.text), "fill": "none", "stroke": "#000000",
          "stroke-width": "0.6", "stroke-linecap": "square",
        ])
      for tick in ticks {
        guard case .text(let text)? = tick.label, let fy = scale.fraction(tick.value) else {
          continue
        }
        let yy = area.bottom - fy * area.height
        svg.element(
          "text",
          [
            "class": "tick-label", "x": .number(area.left - R.tickLength - R.pad),
            "y": .number(yy + R.tickSize * 0.35), "text-anchor": "end",
          ], text: text)
      }
      for (i, line) in lines.enumerated() {
        svg.element(
          "text",
          [
            "class": "axis-label", "font-size": .number(R.labelSize), "text-anchor": "middle",
            "transform": .text(
              "translate(\(SVGWriter.number(R.outer + R.labelSize * 0.85 + Double(i) * R.labelSize * 1.2)) "
                + "\(SVGWriter.number(area.top + area.height / 2))) rotate(-90)"),
          ], text: line)
      }
    }
  }

  /// The bottom spine of `area` with the x ticks, and (when `labelled`) their labels and the
  /// x axis label.
  private func drawXAxis(_ area: Rect, labelled: Bool, into svg: inout SVGWriter) {
    svg.group("g", ["class": "axis x-axis", "data-label": labelled ? .text(chart.xLabel) : nil]) {
      svg in
      var path = PathData()
      path.move(area.left, area.bottom)
      path.line(area.right, area.bottom)
      for tick in xTicks {
        guard let fx = x.fraction(tick.value) else { continue }
        let xx = area.left + fx * area.width
        path.move(xx, area.bottom)
        path.line(xx, area.bottom + (tick.label == nil ? R.minorTickLength : R.tickLength))
      }
      svg.element(
        "path",
        [
          "class": "spine", "d": .text(path.text), "fill": "none", "stroke": "#000000",
          "stroke-width": "0.6", "stroke-linecap": "square",
        ])
      guard labelled else { return }
      let hasPower = xTicks.contains { if case .power = $0.label { true } else { false } }
      let labelTop = area.bottom + R.tickLength + R.pad
      let baseline = labelTop + R.tickSize * (hasPower ? 0.95 : 0.75)
      for tick in xTicks {
        guard let label = tick.label, let fx = x.fraction(tick.value) else { continue }
        let xx = area.left + fx * area.width
        switch label {
        case .text(let text):
          svg.element(
            "text",
            [
              "class": "tick-label", "x": .number(xx), "y": .number(baseline),
              "text-anchor": "middle",
            ], text: text)
        case .power(let exponent):
          svg.element(
            "text",
            [
              "class": "tick-label", "x": .number(xx), "y": .number(baseline),
              "text-anchor": "middle",
            ],
            markup: "10<tspan dy=\"\(SVGWriter.number(-R.tickSize * 0.4))\" font-size=\""
              + "\(SVGWriter.number(R.tickSize * 0.7))\">\(SVGWriter.signed(exponent))</tspan>")
        }
      }
      let tickHeight = R.tickSize * (hasPower ? 1.25 : 1.0)
      for (i, line) in xLabelLines.enumerated() {
        // Centred under the plot, moved left where a long line would pass the edge.
        let half = FontMetrics.width(line, size: R.labelSize) / 2
        let center = min(area.left + area.width / 2, canvas.width - R.outer - half)
        svg.element(
          "text",
          [
            "class": "axis-label", "x": .number(max(center, R.outer + half)),
            "y": .number(
              labelTop + tickHeight + R.pad + R.labelSize * 0.85 + Double(i) * R.labelSize * 1.2),
            "font-size": .number(R.labelSize), "text-anchor": "middle",
          ], text: line)
      }
    }
  }
}
