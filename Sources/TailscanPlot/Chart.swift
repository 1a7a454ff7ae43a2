/// A point in data units.
public struct Point: Sendable, Equatable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// A shaded band: at each x, a lower and an upper y.
public struct BandPoint: Sendable, Equatable {
  public var x: Double
  public var lower: Double
  public var upper: Double

  public init(x: Double, lower: Double, upper: Double) {
    self.x = x
    self.lower = lower
    self.upper = upper
  }
}

/// One series of a chart: a line, optional markers along it, a band and dots.
public struct Series: Sendable {
  /// The legend's text.
  public var name: String
  /// A palette colour (`Palette.color`), or a CSS colour.
  public var color: String
  /// nil: a solid line; else an SVG dash array (`Palette.dash`).
  public var dash: String?
  /// The line through these points (in order); empty: no line.
  public var line: [Point]
  /// Where to draw markers (usually the line's data points); nil marker: none.
  public var marker: Marker?
  public var markers: [Point]
  /// A shaded band (Razeghi et al.'s ± CI), drawn under everything else.
  public var band: [BandPoint]
  /// Small translucent dots (per-key accuracies), under the line.
  public var dots: [Point]

  public init(
    name: String, color: String, dash: String? = nil, line: [Point] = [], marker: Marker? = nil,
    markers: [Point] = [], band: [BandPoint] = [], dots: [Point] = []
  ) {
    self.name = name
    self.color = color
    self.dash = dash
    self.line = line
    self.marker = marker
    self.markers = markers
    self.band = band
    self.dots = dots
  }
}

/// A labelled point (an annotated key).
public struct Annotation: Sendable, Equatable {
  public var point: Point
  public var text: String
  public var color: String

  public init(point: Point, text: String, color: String) {
    self.point = point
    self.text = text
    self.color = color
  }
}

/// Bars under the main plot, sharing its x axis (Kandpal et al.'s histogram of questions per
/// bin).
public struct BarPanel: Sendable {
  /// One bar: it spans [lower, upper) on the x axis; one height per series (one bar, or
  /// several side by side when the series differ).
  public struct Bar: Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var heights: [Double]

    public init(lower: Double, upper: Double, heights: [Double]) {
      self.lower = lower
      self.upper = upper
      self.heights = heights
    }
  }

  public var label: String
  public var bars: [Bar]
  /// The fill of each series' bars (one entry: every bar alike).
  public var colors: [String]

  public init(label: String, bars: [Bar], colors: [String]) {
    self.label = label
    self.bars = bars
    self.colors = colors
  }
}

/// Where the legend goes.
public enum LegendPosition: String, Sendable, CaseIterable {
  /// Inside the plot, in the corner that covers the fewest data; below it when it is too
  /// large to fit inside.
  case auto
  case upperLeft = "upper-left"
  case upperRight = "upper-right"
  case lowerLeft = "lower-left"
  case lowerRight = "lower-right"
  /// Under the figure, in as many columns as fit.
  case below
  /// To the right of the plot.
  case right
  case none
}

/// A chart: a log-x plot of accuracy against frequency, and optionally bars under it.
public struct Chart: Sendable {
  public var title: String?
  public var xLabel: String
  public var yLabel: String
  /// nil: the whole decades around the data.
  public var xRange: ClosedRange<Double>?
  /// nil: from 0 to a round number above the data.
  public var yRange: ClosedRange<Double>?
  public var series: [Series]
  public var annotations: [Annotation]
  public var legend: LegendPosition
  public var panel: BarPanel?
  /// A description for screen readers and search (the SVG's `<desc>`).
  public var description: String

  public init(
    title: String? = nil, xLabel: String, yLabel: String, xRange: ClosedRange<Double>? = nil,
    yRange: ClosedRange<Double>? = nil, series: [Series], annotations: [Annotation] = [],
    legend: LegendPosition = .auto, panel: BarPanel? = nil, description: String = ""
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.xRange = xRange
    self.yRange = yRange
    self.series = series
    self.annotations = annotations
    self.legend = legend
    self.panel = panel
    self.description = description
  }
}
