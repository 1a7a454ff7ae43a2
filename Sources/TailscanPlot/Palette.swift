/// Colours, dash patterns and markers that tell series apart in colour, to colour-blind
/// readers and in greyscale print.
public enum Palette {
  /// Okabe and Ito's colour-blind-safe palette, ordered so that neighbours also differ in
  /// lightness; yellow, faint on white, comes last.
  public static let colors = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
  ]

  /// The colour of series `index`, cycling.
  public static func color(_ index: Int) -> String { colors[index % colors.count] }

  /// Dash patterns (SVG `stroke-dasharray`, in multiples of the line width's scale); the first
  /// is Razeghi et al.'s dashed line.
  public static let dashes = ["4 2", "1.2 1.6", "6 2 1.2 2", "9 3", "2.5 2.5 2.5 5", "0.8 3"]

  /// The dash pattern of series `index`, cycling.
  public static func dash(_ index: Int) -> String { dashes[index % dashes.count] }

  /// Marker shapes, in the order series get them.
  public static let markers: [Marker] = [
    .circle, .square, .triangle, .diamond, .triangleDown, .plus, .cross,
  ]

  /// The marker of series `index`, cycling.
  public static func marker(_ index: Int) -> Marker { markers[index % markers.count] }
}

/// A marker drawn at a series' points.
public enum Marker: String, Sendable, CaseIterable {
  case circle, square, triangle, diamond, triangleDown, plus, cross

  /// Whether the shape is drawn as strokes (no fill).
  var isStroked: Bool { self == .plus || self == .cross }

  /// The SVG path data of the marker centred at (x, y), about `size` points across.
  func path(x: Double, y: Double, size: Double) -> String {
    let r = size / 2
    let n = SVGWriter.number
    switch self {
    case .circle:
      return "M\(n(x - r)) \(n(y))a\(n(r)) \(n(r)) 0 1 0 \(n(2 * r)) 0a\(n(r)) \(n(r)) 0 1 0 "
        + "\(n(-2 * r)) 0Z"
    case .square:
      let s = r * 0.9
      return "M\(n(x - s)) \(n(y - s))h\(n(2 * s))v\(n(2 * s))h\(n(-2 * s))Z"
    case .triangle, .triangleDown:
      // The apex up (triangle) or down: `s` signed by the direction.
      let s = r * 1.15 * (self == .triangle ? 1 : -1)
      let side = abs(s)
      return "M\(n(x)) \(n(y - s))L\(n(x + side)) \(n(y + s * 0.75))L\(n(x - side)) "
        + "\(n(y + s * 0.75))Z"
    case .diamond:
      let s = r * 1.2
      return "M\(n(x)) \(n(y - s))L\(n(x + s)) \(n(y))L\(n(x)) \(n(y + s))L\(n(x - s)) \(n(y))Z"
    case .plus:
      return "M\(n(x - r)) \(n(y))h\(n(2 * r))M\(n(x)) \(n(y - r))v\(n(2 * r))"
    case .cross:
      let s = r * 0.8
      return "M\(n(x - s)) \(n(y - s))l\(n(2 * s)) \(n(2 * s))M\(n(x - s)) \(n(y + s))"
        + "l\(n(2 * s)) \(n(-2 * s))"
    }
  }
}

/// Model sizes read from model names (`bloom-560m`, `GPT-J-6B`, `1.1B`, `Llama-2-7b-hf`), for
/// ordering legends by size.
public enum ModelSize {
  /// The number of parameters a name states: the last number followed by M, B or T (not K:
  /// `4k` in `Phi-3-mini-4k-instruct` is a context length) that
  /// stands apart from letters (`bloom-560m` → 5.6e8; `7b` in `llama-2-7b-hf` → 7e9); nil if
  /// none.
  public static func parameters(_ name: String) -> Double? {
    let scalars = Array(name.unicodeScalars)
    var found: Double?
    var i = 0
    while i < scalars.count {
      guard isDigit(scalars[i]), i == 0 || !isLetter(scalars[i - 1]) && scalars[i - 1] != "." else {
        i += 1
        continue
      }
      var j = i
      while j < scalars.count && (isDigit(scalars[j]) || scalars[j] == ".") { j += 1 }
      if j < scalars.count, let scale = multiplier(scalars[j]),
        j + 1 == scalars.count || !isLetter(scalars[j + 1]),
        let value = Double(String(String.UnicodeScalarView(scalars[i..<j])))
      {
        found = value * scale
      }
      i = j
    }
    return found
  }

  /// `names` largest first by `parameters(_:)`; names without a size follow in their order.
  public static func descending(_ names: [String]) -> [String] {
    let sizes = names.map(parameters)
    return names.indices.sorted { a, b in
      switch (sizes[a], sizes[b]) {
      case (let x?, let y?): return x != y ? x > y : a < b
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a < b
      }
    }.map { names[$0] }
  }

  private static func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
  private static func isLetter(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic }
  private static func multiplier(_ s: Unicode.Scalar) -> Double? {
    switch s {
    case "m", "M": return 1e6
    case "b", "B": return 1e9
    case "t", "T": return 1e12
    default: return nil
    }
  }
}
