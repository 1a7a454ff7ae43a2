import Foundation
import TailscanPlot


/// `index.html`: the report on one self-contained page (inline SVG and CSS, no script, nothing
/// fetched), to open in a browser or attach to a lab notebook.
enum HTMLReport {
  /// One report's part of a page: its heading, summary and figures, and where its files are
  /// relative to the page.
  struct Section {
    var heading: String?
    var summary: CorrelateSummary
    var figures: [Figure]
    /// `""` when the page is in the report directory; `qa/` when the report is under it.
    var directory: String
  }

  /// The page of one report.
  static func page(_ summary: CorrelateSummary, figures: [Figure]) -> String {
    page(
      title: title(summary), heading: "Accuracy and pretraining frequency",
      sections: [Section(summary: summary, figures: figures, directory: "")])
  }

  /// A page of one or more reports (the demo's arithmetic and QA reports on one page).
  static func page(title: String, heading: String, sections: [Section]) -> String {
    var html = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>tailscan report: \(e(title))</title>
      <style>
      \(css)
      </style>
      </head>
      <body>
      <main>
      <h1>\(e(heading))</h1>

      """
    for (n, section) in sections.enumerated() {
      let summary = section.summary
      if let heading = section.heading { html += "<h2 class=\"part\">\(e(heading))</h2>\n" }
      html += "<p class=\"meta\">\(e(Self.title(summary)))</p>\n"
      html += summaryTable(summary)
      if !section.figures.isEmpty {
        html += "<h3>Figures</h3>\n"
        for figure in section.figures {
          let id = sections.count > 1 ? "s\(n + 1)-\(figure.name)" : figure.name
          let file = section.directory + figure.name + ".svg"
          html += "<figure id=\"\(e(id))\">\n"
          html += figure.element(id: id)
          html += "<figcaption>\(e(figure.heading)) — \(e(figure.style.rawValue)) style, "
            + "<a href=\"\(e(file))\">\(e(file))</a></figcaption>\n"
          html += "</figure>\n"
        }
      }
      html += binsTables(summary)
      html += settings(summary)
    }
    html += "</main>\n</body>\n</html>\n"
    return html
  }

  private static func e(_ text: String) -> String { Markup.escape(text) }

  private static func title(_ summary: CorrelateSummary) -> String {
    let logs = summary.inputs.map { ($0.path as NSString).lastPathComponent }
    return "\(summary.log.instances) \(summary.settings.kind.rawValue) instances from "
      + logs.joined(separator: ", ") + "; counts of \(summary.counts.documents) documents in "
      + "\(summary.counts.shards) shard(s)"
  }

  static func f(_ value: Double?, _ digits: Int = 3) -> String {
    guard let value, value.isFinite else { return "–" }
    return String(format: "%.\(digits)f", value).replacingOccurrences(of: "-", with: "−")
  }

  private static func summaryTable(_ summary: CorrelateSummary) -> String {
    var html = """
      <h3>Summary</h3>
      <table>
      <thead><tr><th>group</th><th>key</th><th>instances</th><th>keys</th><th>accuracy</th>\
      <th>Δ</th><th>Δ 95% CI</th><th>Spearman ρ [95% CI]</th><th>Pearson r [95% CI]</th>\
      <th>logistic slope [95% CI]</th><th>bins</th></tr></thead>
      <tbody>

      """
    func interval(_ value: Double?, _ ci: [Double]?) -> String {
      guard let value else { return "–" }
      guard let ci, ci.count == 2 else { return f(value) }
      return "\(f(value)) [\(f(ci[0])), \(f(ci[1]))]"
    }
    func pair(_ a: Double?, _ b: Double?) -> [Double]? {
      guard let a, let b else { return nil }
      return [a, b]
    }
    for group in summary.groups {
      for key in group.keys {
        let delta = key.deltaBootstrap.interval.map { "[\(f($0.lower)), \(f($0.upper))]" } ?? "–"
        let kept = key.binning.bins.count { $0.kept && $0.accuracy != nil }
        let cells = [
          group.label, key.key.rawValue, "\(key.instances)", "\(key.keys)", f(key.accuracy),
          f(key.delta), delta,
          interval(key.spearman.coefficient, pair(key.spearman.lower, key.spearman.upper)),
          interval(key.pearson.coefficient, pair(key.pearson.lower, key.pearson.upper)),
          interval(key.logistic.slope, key.logistic.slopeCI), "\(kept)",
        ]
        html += "<tr>" + cells.enumerated().map { i, cell in
          i < 2 ? "<td>\(e(cell))</td>" : "<td class=\"n\">\(e(cell))</td>"
        }.joined() + "</tr>\n"
      }
    }
    return html + "</tbody>\n</table>\n"
  }

  private static func binsTables(_ summary: CorrelateSummary) -> String {
    var html = "<h3>Bins</h3>\n"
    for group in summary.groups {
      for key in group.keys {
        html += "<details><summary>\(e(group.label)) · \(e(key.key.rawValue)): "
          + "\(key.binning.bins.count) bins</summary>\n<table>\n<thead><tr><th>bin</th>"
          + "<th>lower</th><th>upper</th><th>keys</th><th>instances</th><th>accuracy</th>"
          + "<th>± band</th><th>Wilson 95%</th><th>kept</th></tr></thead>\n<tbody>\n"
        for bin in key.binning.bins {
          let wilson =
            bin.wilsonLower.map { "[\(f($0)), \(f(bin.wilsonUpper))]" } ?? "–"
          let cells = [
            "\(bin.index)", Report.number(bin.lower), Report.number(bin.upper), "\(bin.keys)",
            "\(bin.instances)", f(bin.accuracy), f(bin.band), wilson, bin.kept ? "yes" : "no",
          ]
          html += "<tr>" + cells.map { "<td class=\"n\">\(e($0))</td>" }.joined() + "</tr>\n"
        }
        html += "</tbody>\n</table>\n</details>\n"
      }
    }
    return html
  }

  private static func settings(_ summary: CorrelateSummary) -> String {
    let s = summary.settings
    var rows: [(String, String)] = [
      ("kind", s.kind.rawValue), ("keys", s.keys.map(\.rawValue).joined(separator: ", ")),
      ("group by", s.groupBy.isEmpty ? "–" : s.groupBy.joined(separator: ", ")),
      ("bins", s.bins.rawValue + (s.quantiles.map { " (\($0))" } ?? "")),
      ("minimum bin size", s.minBinSize.map(String.init) ?? "–"),
      ("keys never seen", s.zero.rawValue), ("frequency", s.frequency.rawValue),
      ("bootstrap", "\(s.bootstrap) replicates, seed \(s.seed)"),
      ("skip bad lines", s.skipBadLines ? "yes" : "no"),
      ("counts", summary.counts.directory),
      ("counts manifest SHA-256", summary.counts.manifestSHA256),
      ("tool", "\(summary.tool) \(summary.version)"),
    ]
    for (field, names) in s.fields.sorted(by: { $0.key < $1.key }) {
      rows.append(("field \(field)", names.joined(separator: ", ")))
    }
    var html = "<h3>Settings</h3>\n<table class=\"settings\">\n<tbody>\n"
    for (name, value) in rows {
      html += "<tr><th>\(e(name))</th><td>\(e(value))</td></tr>\n"
    }
    html += "</tbody>\n</table>\n<h3>Answer logs</h3>\n<table>\n<thead><tr><th>path</th>"
      + "<th>lines</th><th>instances</th><th>SHA-256</th></tr></thead>\n<tbody>\n"
    for file in summary.inputs {
      html += "<tr><td>\(e(file.path))</td><td class=\"n\">\(file.lines)</td>"
        + "<td class=\"n\">\(file.instances)</td><td><code>\(e(file.sha256))</code></td></tr>\n"
    }
    return html + "</tbody>\n</table>\n"
  }

  private static let css = """
    body { margin: 0; background: #FFFFFF; color: #1A1A1A;
      font: 15px/1.45 Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; }
    main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
    h1 { font-size: 24px; margin: 0 0 4px; }
    h2 { font-size: 21px; margin: 40px 0 6px; }
    h3 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid #DDDDDD; }
    .meta { color: #555555; margin: 0 0 8px; }
    table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }
    th, td { padding: 3px 8px; border-bottom: 1px solid #EEEEEE; text-align: left;
      vertical-align: top; }
    thead th { border-bottom: 1px solid #999999; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    table.settings th { font-weight: normal; color: #555555; }
    code { font-size: 12px; word-break: break-all; }
    figure { display: inline-block; margin: 8px 16px 16px 0; vertical-align: top;
      width: 480px; max-width: 100%; }
    figure svg { width: 100%; height: auto; display: block; }
    figcaption { font-size: 13px; color: #555555; margin-top: 4px; }
    details { margin: 4px 0; }
    summary { cursor: pointer; }
    """
}
