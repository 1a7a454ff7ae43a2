import Foundation
public import TailscanPlot

/// Which paper's figure to draw.
public enum FigureStyle: String, Sendable, CaseIterable {
  /// Razeghi et al.: accuracy per quantile bin against log frequency, a dashed line with a ± CI
  /// band, per-key dots; colour = model, dash = shots.
  case razeghi
  /// Kandpal et al.: QA accuracy per decade of relevant documents, a line with markers per
  /// model, and a histogram of questions per bin underneath.
  case kandpal
}

/// How to draw a report's figures; nil fields take the style's defaults.
public struct FigureOptions: Sendable {
  /// nil: razeghi for quantile bins, kandpal for decade bins.
  public var style: FigureStyle?
  /// nil: every key of the summary.
  public var keys: [CorrelateKey]?
  /// Only groups whose field has this value (`--where model=6B`).
  public var filter: [(field: String, value: String)]
  /// nil: a one-column figure.
  public var width: Double?
  public var height: Double?
  public var xRange: ClosedRange<Double>?
  public var yRange: ClosedRange<Double>?
  public var xLabel: String?
  public var yLabel: String?
  public var title: String?
  public var legend: LegendPosition
  /// nil: per-key dots in Razeghi figures of at most `dotLimit` keys; none in Kandpal's.
  public var dots: Bool?
  /// Keys to label (`23`, `24`), matched against the keys' text.
  public var annotate: [String]

  public init(
    style: FigureStyle? = nil, keys: [CorrelateKey]? = nil,
    filter: [(field: String, value: String)] = [], width: Double? = nil, height: Double? = nil,
    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
    xLabel: String? = nil, yLabel: String? = nil, title: String? = nil,
    legend: LegendPosition = .auto, dots: Bool? = nil, annotate: [String] = []
  ) {
    self.style = style
    self.keys = keys
    self.filter = filter
    self.width = width
    self.height = height
    self.xRange = xRange
    self.yRange = yRange
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.title = title
    self.legend = legend
    self.dots = dots
    self.annotate = annotate
  }

  /// The most per-key dots a figure draws by default (they make a big file and hide the line).
  public static let dotLimit = 4000
}

/// One figure of a report: a key over the groups that differ only in model and shots.
public struct Figure: Sendable {
  /// The file name without `.svg`: `razeghi-x1`, `razeghi-x1-multiplication`.
  public var name: String
  /// What it shows: `x1`, `x1 · task=multiplication`.
  public var heading: String
  public var style: FigureStyle
  public var chart: Chart
  public var size: FigureSize

  /// The standalone SVG file.
  public func svg() -> String { ChartRenderer.svg(chart, size: size, id: name) }

  /// The `<svg>` element, for an HTML page; `id` (default: the name) prefixes its element ids.
  public func element(id: String? = nil) -> String {
    ChartRenderer.element(chart, size: size, id: id ?? name)
  }
}

/// Figures made from a `correlate` summary (DESIGN §7).
public enum Figures {
  /// The figures of `summary`: one per key and per value of the group-by fields other than
  /// model and shots (which become the series).
  public static func make(_ summary: CorrelateSummary, options: FigureOptions = .init())
    throws -> [Figure]
  {
    let style = options.style ?? (summary.settings.bins == .decades ? .kandpal : .razeghi)
    let fields = summary.settings.groupBy
    for (field, _) in options.filter where !fields.contains(field) {
      throw AnalysisError.badFigureOption(
        "'--where \(field)=…': the report is not grouped by '\(field)'; its groups are by "
          + (fields.isEmpty ? "nothing" : fields.joined(separator: ", ")))
    }
    let groups = summary.groups.filter { group in
      options.filter.allSatisfy { filter in
        group.values[fields.firstIndex(of: filter.field)!] == filter.value
      }
    }
    if groups.isEmpty {
      throw AnalysisError.badFigureOption(
        "no group has " + options.filter.map { "\($0.field)=\($0.value)" }.joined(separator: ", "))
    }
    let keys = options.keys ?? summary.settings.keys
    for key in keys where !summary.settings.keys.contains(key) {
      throw AnalysisError.badFigureOption(
        "'\(key.rawValue)' is not a key of this report; it has "
          + summary.settings.keys.map(\.rawValue).joined(separator: ", "))
    }
    let modelField = fields.firstIndex(of: "model")
    let shotsField = fields.firstIndex(of: "shots")
    let splitFields = fields.indices.filter { $0 != modelField && $0 != shotsField }

    // Groups that differ only in model and shots share a figure.
    var splits: [[String]] = []
    var members: [[String]: [CorrelateSummary.Group]] = [:]
    for group in groups {
      let split = splitFields.map { group.values[$0] }
      if members[split] == nil { splits.append(split) }
      members[split, default: []].append(group)
    }

    var figures: [Figure] = []
    var names: Set<String> = []
    for key in keys {
      let k = summary.settings.keys.firstIndex(of: key)!
      for split in splits {
        let splitLabel = zip(splitFields, split).map { "\(fields[$0])=\($1)" }
          .joined(separator: " ")
        var name = "\(style.rawValue)-\(key.rawValue)"
        if !split.isEmpty { name += "-" + fileSafe(split.joined(separator: "-")).prefix(80) }
        // Unique as a file on a case-insensitive file system, and as the ids of index.html
        // (where `.` becomes `-`).
        func folded(_ name: String) -> String {
          name.lowercased().replacingOccurrences(of: ".", with: "-")
        }
        if names.contains(folded(name)) {
          var n = 2
          while names.contains(folded("\(name)-\(n)")) { n += 1 }
          name += "-\(n)"
        }
        names.insert(folded(name))
        let chart = try chart(
          summary, key: k, groups: members[split]!, modelField: modelField,
          shotsField: shotsField, style: style, options: options)
        let width = options.width ?? FigureSize.Preset.column.width
        let height = options.height ?? width * (style == .kandpal ? 0.95 : 0.72)
        var heading = key.rawValue + (splitLabel.isEmpty ? "" : " · " + splitLabel)
        let modelsShown = Set(members[split]!.compactMap { group in modelField.map { group.values[$0] } })
        if modelsShown.count == 1, let only = modelsShown.first, shotsField != nil {
          heading += " · model=\(only)"
        }
        figures.append(
          Figure(
            name: name,
            heading: heading, style: style,
            chart: chart, size: FigureSize(width: width, height: height)))
      }
    }
    return figures
  }

  /// Letters, digits, `.`, `_` and `-`; anything else becomes `_`.
  static func fileSafe(_ text: String) -> String {
    String(
      text.unicodeScalars.map { s -> Character in
        s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "._-".unicodeScalars.contains(s))
          ? Character(s) : "_"
      })
  }

  /// The series of one figure, one per group, ordered by model size (largest first) and shots.
  private static func chart(
    _ summary: CorrelateSummary, key k: Int, groups: [CorrelateSummary.Group],
    modelField: Int?, shotsField: Int?, style: FigureStyle, options: FigureOptions
  ) throws -> Chart {
    func value(_ group: CorrelateSummary.Group, _ field: Int?) -> String {
      field.map { group.values[$0] } ?? ""
    }
    let models = ModelSize.descending(unique(groups.map { value($0, modelField) }))
    let shots = unique(groups.map { value($0, shotsField) }).sorted {
      (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1)
    }
    let ordered = groups.sorted { a, b in
      (models.firstIndex(of: value(a, modelField))!, shots.firstIndex(of: value(a, shotsField))!)
        < (models.firstIndex(of: value(b, modelField))!, shots.firstIndex(of: value(b, shotsField))!)
    }
    let totalKeys = ordered.reduce(0) { $0 + $1.keys[k].points.frequency.count }
    let dots = options.dots ?? (style == .razeghi && totalKeys <= FigureOptions.dotLimit)
    if options.dots == true || !options.annotate.isEmpty,
      ordered.contains(where: { $0.keys[k].keys > 0 && $0.keys[k].points.frequency.isEmpty })
    {
      throw AnalysisError.badFigureOption(
        "per-key dots and '--annotate' need the keys: keep keys.csv next to summary.json")
    }

    var series: [Series] = []
    var annotations: [Annotation] = []
    var found: Set<String> = []
    for group in ordered {
      let result = group.keys[k]
      let model = modelField.map { group.values[$0] }
      let shot = shotsField.map { group.values[$0] }
      let s = shots.firstIndex(of: shot ?? "")!
      // Colour and marker tell the models apart; with one model, the shots (which also keep
      // their dash patterns).
      let m = models.count > 1 ? models.firstIndex(of: model ?? "")! : s
      // The legend names what differs between the series: `k=2, LM=6B`, or `k=2` when every
      // series is of one model (the model is then in the figure's heading).
      let shownModel = models.count > 1 || shots.count == 1 ? model : nil
      let shownShot = shots.count > 1 ? shot : nil
      var name: String
      switch (shownModel, shownShot) {
      case (let model?, let shot?): name = "k=\(shot), LM=\(model)"
      case (let model?, nil): name = style == .razeghi ? "LM=\(model)" : model
      case (nil, let shot?): name = "k=\(shot)"
      case (nil, nil): name = group.label
      }
      if groups.count == 1 && name == "all" { name = "" }
      let color = Palette.color(m)
      let kept = result.binning.bins.filter { $0.kept && $0.accuracy != nil }
      var item = Series(name: name, color: color, marker: Palette.marker(m))
      item.markers = kept.map { Point(x: $0.midpoint, y: $0.accuracy!) }
      switch style {
      case .razeghi:
        item.dash = Palette.dash(s)
        // Bin means at their geometric mid-points, extended flat to the outer edges.
        var line = item.markers
        var band: [BandPoint] = []
        for bin in kept {
          let y = bin.accuracy!
          let (low, high): (Double, Double) =
            if let width = bin.band { (y - width, y + width) } else if summary.settings.bins
              == .decades, let lower = bin.wilsonLower, let upper = bin.wilsonUpper
            { (lower, upper) } else { (y, y) }
          band.append(BandPoint(x: bin.midpoint, lower: low, upper: high))
        }
        if let first = kept.first, first.lower > 0, first.lower < first.midpoint {
          line.insert(Point(x: first.lower, y: first.accuracy!), at: 0)
          band.insert(BandPoint(x: first.lower, lower: band[0].lower, upper: band[0].upper), at: 0)
        }
        if let last = kept.last, last.upper > last.midpoint {
          line.append(Point(x: last.upper, y: last.accuracy!))
          band.append(
            BandPoint(x: last.upper, lower: band[band.count - 1].lower, upper: band[band.count - 1].upper))
        }
        item.line = line
        item.band = band.contains { $0.upper > $0.lower } ? band : []
      case .kandpal:
        item.line = item.markers
        item.dash = s == 0 ? nil : Palette.dash(s - 1)
      }
      let points = result.points
      if dots {
        item.dots = points.frequency.indices.compactMap { i in
          points.frequency[i] > 0
            ? Point(
              x: Double(points.frequency[i]),
              y: Double(points.correct[i]) / Double(points.instances[i])) : nil
        }
      }
      for text in options.annotate {
        for i in points.label.indices where points.label[i] == text && points.frequency[i] > 0 {
          found.insert(text)
          annotations.append(
            Annotation(
              point: Point(
                x: Double(points.frequency[i]),
                y: Double(points.correct[i]) / Double(points.instances[i])),
              text: text, color: color))
        }
      }
      series.append(item)
    }
    if let missing = options.annotate.first(where: { !found.contains($0) }) {
      throw AnalysisError.badFigureOption(
        "'--annotate \(missing)': no key '\(missing)' with a frequency in "
          + "\(summary.settings.keys[k].rawValue) of the figure's groups")
    }

    let key = summary.settings.keys[k]
    let qa = summary.settings.kind == .qa
    var panel: BarPanel?
    if style == .kandpal {
      panel = histogram(ordered.map { $0.keys[k].binning.bins }, colors: series.map(\.color))
      panel?.label = qa ? "Questions" : "Instances"
    }
    let xLabel: String
    switch (style, key) {
    case (.kandpal, .relevant): xLabel = "Number of Relevant Pre-training Documents"
    case (_, .question): xLabel = "Documents with the Question Entity"
    case (_, .answer): xLabel = "Documents with the Answer Entity"
    case (.kandpal, _): xLabel = "Number of Pre-training Documents"
    case (.razeghi, _): xLabel = "Frequency"
    }
    let yLabel = style == .razeghi ? "Avg. Accuracy" : (qa ? "QA Accuracy" : "Accuracy")
    let bins =
      summary.settings.bins == .quantiles
      ? "\(summary.settings.quantiles ?? 10) quantile bins" : "decade bins"
    return Chart(
      title: options.title, xLabel: options.xLabel ?? xLabel, yLabel: options.yLabel ?? yLabel,
      xRange: options.xRange, yRange: options.yRange ?? (style == .razeghi ? 0...1 : nil),
      series: series, annotations: annotations, legend: options.legend, panel: panel,
      description:
        "Accuracy against the \(summary.settings.frequency.rawValue) of \(key.rawValue) "
        + "(\(bins)), made by tailscan; series: "
        + series.map { $0.name.isEmpty ? "all" : $0.name }.joined(separator: "; "))
  }

  /// Instances per bin, one bar set when every series has the same, else side by side.
  private static func histogram(_ binnings: [[Bin]], colors: [String]) -> BarPanel {
    struct Edge: Hashable, Comparable {
      var lower: Double
      var upper: Double
      static func < (a: Edge, b: Edge) -> Bool { (a.lower, a.upper) < (b.lower, b.upper) }
    }
    let edges = Set(binnings.flatMap { $0.filter { $0.instances > 0 }.map { Edge(lower: $0.lower, upper: $0.upper) } }).sorted()
    let heights = binnings.map { bins in
      edges.map { edge in
        Double(bins.first { $0.lower == edge.lower && $0.upper == edge.upper }?.instances ?? 0)
      }
    }
    let alike = heights.dropFirst().allSatisfy { $0 == heights.first }
    let bars = edges.enumerated().map { i, edge in
      BarPanel.Bar(
        lower: max(edge.lower, edge.upper / 10), upper: edge.upper,
        heights: alike ? [heights.first?[i] ?? 0] : heights.map { $0[i] })
    }
    return BarPanel(label: "", bars: bars, colors: alike ? ["#9A9A9A"] : colors)
  }

  private static func unique(_ values: [String]) -> [String] {
    var seen: Set<String> = []
    return values.filter { seen.insert($0).inserted }
  }
}
