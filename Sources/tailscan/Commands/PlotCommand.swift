import ArgumentParser
import Foundation
import TailscanAnalysis
import TailscanPlot

extension Tailscan {
  struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Draw a figure of a 'correlate' report as SVG, PDF or PNG.",
      discussion: """
        Reads the summary.json (and the keys.csv beside it, for per-key dots and '--annotate') that 'tailscan correlate -o' wrote, and draws one figure: one key, over the groups that differ only in model and shots (colour = model, largest first; dash pattern = shots). Choose the groups with '--where' when the report has other group-by fields, such as task.

        STYLES
          razeghi  Razeghi et al.: x "Frequency" (log), y "Avg. Accuracy" 0–1; per-key dots; the bin means joined by a dashed line at each bin's geometric mid-point, extended to the outer edges, with a shaded ± CI band (sem · t(0.975, n−1)).
          kandpal  Kandpal et al.: x "Number of Relevant Pre-training Documents" (log), y "QA Accuracy"; a line with markers per model, and a histogram of questions per bin underneath.
        The default is razeghi for quantile bins, kandpal for decade bins.

        The output's extension chooses the format: .svg (real text, a viewBox, the same bytes for the same input), .pdf or .png (through rsvg-convert: Debian's librsvg2-bin). Without '-o' the SVG goes to standard output. An existing output file is replaced.

        EXAMPLES
          tailscan plot report/summary.json --style razeghi --key x1 -o fig.svg --width 3.3in --annotate 23,24
          tailscan plot report/ --style kandpal -o fig.pdf
          tailscan plot report/ --key x1x2 --where task=multiplication --size two-column -o fig.png
        """)

    @Argument(help: "The report: its summary.json or its directory.")
    var summary: String

    @Option(name: .shortAndLong, help: "The figure file (.svg, .pdf, .png); default: SVG to stdout.")
    var output: String?

    @Option(help: "razeghi or kandpal (default: by the report's bins).")
    var style: String?

    @Option(help: "The key to draw (default: the report's first).")
    var key: String?

    @Option(
      name: .customLong("where"),
      help: ArgumentHelp("Only groups with FIELD=VALUE (repeatable).", valueName: "FIELD=VALUE"))
    var filters: [String] = []

    @Option(help: "column (3.25in, the default) or two-column (6.75in).")
    var size: String?

    @Option(help: "The width: 3.3in, 240pt, 320px, 8.4cm (overrides --size).")
    var width: String?

    @Option(help: "The height (default: from the width).")
    var height: String?

    @Option(help: "The x range, LOW:HIGH (e.g. 1:1e6; default: whole decades around the data).")
    var xRange: String?

    @Option(help: "The y range, LOW:HIGH (default: razeghi 0:1, kandpal 0 to above the data).")
    var yRange: String?

    @Option(help: "The x axis label.")
    var xLabel: String?

    @Option(help: "The y axis label.")
    var yLabel: String?

    @Option(help: "A title above the plot (default: none; a paper has a caption).")
    var title: String?

    @Option(
      help: ArgumentHelp(
        "Where the legend goes: "
          + LegendPosition.allCases.map(\.rawValue).joined(separator: ", ") + ".",
        valueName: "position"))
    var legend: String = "auto"

    @Flag(
      inversion: .prefixedNo,
      help: "Per-key dots (default: razeghi, when at most 4000 keys).")
    var dots: Bool?

    @Option(help: "Comma-separated keys to label (e.g. 23,24).")
    var annotate: String?

    @Option(help: "PNG resolution in dots per inch.")
    var dpi = 300

    func validate() throws {
      if let style, FigureStyle(rawValue: style) == nil {
        throw ValidationError("'--style \(style)': choose razeghi or kandpal")
      }
      if LegendPosition(rawValue: legend) == nil {
        throw ValidationError(
          "'--legend \(legend)': choose one of "
            + LegendPosition.allCases.map(\.rawValue).joined(separator: ", "))
      }
      if let size, FigureSize.Preset(rawValue: size) == nil {
        throw ValidationError("'--size \(size)': choose column or two-column")
      }
      for (name, value) in [("--width", width), ("--height", height)] {
        if let value, Length(value) == nil {
          throw ValidationError(
            "'\(name) \(value)' is not a length; write e.g. 3.3in, 240pt, 320px or 8.4cm")
        }
      }
      _ = try range(xRange, "--x-range", positive: true)
      _ = try range(yRange, "--y-range", positive: false)
      for filter in filters where !filter.contains("=") {
        throw ValidationError("'--where \(filter)': write FIELD=VALUE, e.g. --where task=multiplication")
      }
      if let output, FigureFile.format(of: output) == nil {
        throw ValidationError("'-o \(output)': write .svg, .pdf or .png")
      }
      guard dpi >= 10 && dpi <= 2400 else { throw ValidationError("'--dpi' must be 10 to 2400") }
    }

    private func range(_ text: String?, _ name: String, positive: Bool) throws
      -> ClosedRange<Double>?
    {
      guard let text else { return nil }
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, let low = Double(parts[0]), let high = Double(parts[1]),
        low.isFinite, high.isFinite, low < high, !positive || low > 0
      else {
        throw ValidationError(
          "'\(name) \(text)': write LOW:HIGH with LOW < HIGH"
            + (positive ? " and LOW > 0 (the axis is logarithmic)" : ""))
      }
      return low...high
    }

    func run() throws {
      let report = try Report.read(summary)
      var options = FigureOptions(
        style: style.flatMap(FigureStyle.init(rawValue:)),
        filter: filters.map { filter in
          let parts = filter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
          return (String(parts[0]), String(parts[1]))
        },
        xRange: try range(xRange, "--x-range", positive: true),
        yRange: try range(yRange, "--y-range", positive: false), xLabel: xLabel, yLabel: yLabel,
        title: title, legend: LegendPosition(rawValue: legend) ?? .auto, dots: dots,
        annotate: annotate.map { $0.split(separator: ",").map(String.init) } ?? [])
      if let key {
        guard let parsed = CorrelateKey(rawValue: key) else {
          throw ValidationError(
            "'--key \(key)': the report's keys are "
              + report.settings.keys.map(\.rawValue).joined(separator: ", "))
        }
        options.keys = [parsed]
      } else {
        options.keys = Array(report.settings.keys.prefix(1))
      }
      let preset = size.flatMap(FigureSize.Preset.init(rawValue:)) ?? .column
      options.width = width.flatMap(Length.init)?.points ?? preset.width
      options.height = height.flatMap(Length.init)?.points
      if options.height == nil && preset == .twoColumn && width == nil {
        options.height = 3.0 * 72
      }
      let figures = try Figures.make(report, options: options)
      guard figures.count == 1 else {
        throw ValidationError(
          "the report has \(figures.count) figures for this key: "
            + figures.map(\.heading).joined(separator: "; ")
            + "; choose one with '--where FIELD=VALUE'")
      }
      let svg = figures[0].svg()
      if let output {
        try FigureFile.write(svg, to: output, dpi: dpi)
        Diagnostics.note("wrote \(output) (\(figures[0].heading))")
      } else {
        print(svg, terminator: "")
      }
    }
  }
}
