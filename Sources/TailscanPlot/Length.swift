/// A figure's width or height: a number and a unit (`3.3in`, `240pt`, `320px`, `8.4cm`,
/// `84mm`); a bare number is in points. Figures are laid out in points (1/72 in) and CSS
/// pixels are 1/96 in.
public struct Length: Sendable, Equatable, CustomStringConvertible {
  /// The length in points.
  public var points: Double

  public init(points: Double) { self.points = points }

  /// Parses `3.3in`, `240pt`, `320px`, `8.4cm`, `84mm` or `240`; nil for anything else or a
  /// length that is not positive and finite.
  public init?(_ text: String) {
    let units: [(String, Double)] = [
      ("in", 72), ("pt", 1), ("px", 0.75), ("cm", 72 / 2.54), ("mm", 72 / 25.4),
    ]
    var number = Substring(text.lowercased())
    var scale = 1.0
    for (suffix, factor) in units where number.hasSuffix(suffix) {
      number = number.dropLast(suffix.count)
      scale = factor
      break
    }
    guard let value = Double(number), value > 0, (value * scale).isFinite else { return nil }
    points = value * scale
  }

  public var description: String { "\(SVGWriter.number(points))pt" }
}

/// A figure's size in points.
public struct FigureSize: Sendable, Equatable {
  public var width: Double
  public var height: Double

  public init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Named sizes for a two-column paper (ACL, NeurIPS, ICML: a column is about 3.3 in wide, the
  /// page's text about 6.75 in).
  public enum Preset: String, Sendable, CaseIterable {
    case column
    case twoColumn = "two-column"

    /// The preset's width in points.
    public var width: Double {
      switch self {
      case .column: return 3.25 * 72
      case .twoColumn: return 6.75 * 72
      }
    }
  }
}
