import Foundation

/// A tick on an axis: where it is (in data units), its label (nil for a minor tick).
struct Tick: Equatable {
  var value: Double
  var label: TickLabel?
}

/// A tick label: plain text, or 10 raised to an exponent (drawn with a superscript).
enum TickLabel: Equatable {
  case text(String)
  case power(Int)

  /// The label's text as a reader searching the figure would type it (`10^3` is `103`).
  var plain: String {
    switch self {
    case .text(let text): return text
    case .power(let exponent): return "10" + SVGWriter.signed(exponent)
    }
  }
}

extension SVGWriter {
  /// An integer with a real minus sign (U+2212), as figures set it.
  static func signed(_ value: Int) -> String {
    value < 0 ? "\u{2212}\(-value)" : "\(value)"
  }
}

/// A scale from data values to positions along an axis.
protocol Scale {
  /// The data range shown.
  var lower: Double { get }
  var upper: Double { get }
  /// Where `value` falls, as a fraction of the axis (0 at `lower`, 1 at `upper`); nil for a
  /// value the scale cannot show (≤ 0 on a log scale).
  func fraction(_ value: Double) -> Double?
  /// The axis's ticks, major and minor.
  func ticks() -> [Tick]
}

/// A base-10 logarithmic scale.
struct LogScale: Scale {
  var lower: Double
  var upper: Double

  /// A scale over [lower, upper], both > 0 and lower < upper.
  init(lower: Double, upper: Double) {
    self.lower = lower
    self.upper = upper
  }

  /// The whole decades around the positive values of `values` (10^0 to 10^1 when there are
  /// none): `[200, 90000]` → 10^2 to 10^5.
  static func decades(around values: [Double]) -> LogScale {
    let positive = values.filter { $0 > 0 && $0.isFinite }
    guard let low = positive.min(), let high = positive.max() else {
      return LogScale(lower: 1, upper: 10)
    }
    var lowExponent = exponentFloor(low)
    var highExponent = exponentCeiling(high)
    if highExponent <= lowExponent { highExponent = lowExponent + 1 }
    if highExponent - lowExponent > 300 { lowExponent = highExponent - 300 }
    return LogScale(lower: pow(10, Double(lowExponent)), upper: pow(10, Double(highExponent)))
  }

  /// The largest k with 10^k ≤ value, exactly (no rounding error at powers of ten).
  static func exponentFloor(_ value: Double) -> Int {
    var k = Int(log10(value).rounded(.down))
    while pow(10, Double(k + 1)) <= value { k += 1 }
    while pow(10, Double(k)) > value { k -= 1 }
    return k
  }

  /// The smallest k with 10^k ≥ value.
  static func exponentCeiling(_ value: Double) -> Int {
    let k = exponentFloor(value)
    return pow(10, Double(k)) == value ? k : k + 1
  }

  func fraction(_ value: Double) -> Double? {
    guard value > 0, value.isFinite else { return nil }
    return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
  }

  func ticks() -> [Tick] {
    let first = Self.exponentCeiling(lower)
    let last = Self.exponentFloor(upper)
    let decades = last - first
    let contains = { (value: Double) in value >= lower * (1 - 1e-12) && value <= upper * (1 + 1e-12) }
    var ticks: [Tick] = []
    if decades >= 1 {
      // Label every decade, or every second or third when there are many.
      let step = max(1, Int((Double(decades) / 7).rounded(.up)))
      for k in first...last {
        let labelled = (k - first) % step == 0
        ticks.append(Tick(value: pow(10, Double(k)), label: labelled ? .power(k) : nil))
      }
      if decades <= 8 {
        for k in (first - 1)...last {
          for m in 2...9 {
            let value = Double(m) * pow(10, Double(k))
            if contains(value) { ticks.append(Tick(value: value, label: nil)) }
          }
        }
      }
    } else {
      // Less than two powers of ten inside: label the 1–9 multiples instead.
      for k in (first - 1)...max(first, last) {
        for m in 1...9 {
          let value = Double(m) * pow(10, Double(k))
          guard contains(value) else { continue }
          ticks.append(Tick(value: value, label: .text(LinearScale.format(value, decimals: 0))))
        }
      }
      if ticks.filter({ $0.label != nil }).count < 2 {
        ticks = [
          Tick(value: lower, label: .text(LinearScale.format(lower, decimals: 2))),
          Tick(value: upper, label: .text(LinearScale.format(upper, decimals: 2))),
        ]
      }
    }
    return ticks.sorted { ($0.value, $0.label == nil ? 1 : 0) < ($1.value, $1.label == nil ? 1 : 0) }
  }
}

/// A linear scale with round ticks.
struct LinearScale: Scale {
  var lower: Double
  var upper: Double
  /// How tick labels are written.
  var style: LabelStyle = .decimal
  /// About how many intervals the ticks make.
  var target = 5

  enum LabelStyle {
    /// As many decimals as the tick step needs (0.0, 0.2, …).
    case decimal
    /// Counts: 950, 1,200 or 12k, 1.5M.
    case count
  }

  func fraction(_ value: Double) -> Double? {
    guard value.isFinite else { return nil }
    return (value - lower) / (upper - lower)
  }

  /// A round step giving about `target` intervals over `span`: 1, 2, 2.5 or 5 × 10^k.
  static func step(span: Double, target: Int) -> Double {
    guard span > 0, span.isFinite else { return 1 }
    let raw = span / Double(max(target, 1))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    for multiple in [1.0, 2, 2.5, 5, 10] where multiple * magnitude >= raw * (1 - 1e-9) {
      return multiple * magnitude
    }
    return 10 * magnitude
  }

  /// The decimals a tick step needs (0.2 → 1, 0.25 → 2, 5 → 0).
  static func decimals(step: Double) -> Int {
    var decimals = 0
    while decimals < 10 {
      let scaled = step * pow(10, Double(decimals))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { break }
      decimals += 1
    }
    return decimals
  }

  /// `value` with `decimals` decimals, a real minus sign, no locale.
  static func format(_ value: Double, decimals: Int) -> String {
    let scale = pow(10, Double(decimals))
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 1e17 else { return "\(value)" }
    let integer = UInt64(scaled)
    let unit = UInt64(scale)
    var text = "\(integer / unit)"
    if decimals > 0 {
      let fraction = String(integer % unit)
      text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
    return (value < 0 && integer != 0 ? "\u{2212}" : "") + text
  }

  /// A count as a reader takes it in at a glance: 950, 9,500, 12k, 1.5M.
  static func formatCount(_ value: Double) -> String {
    let v = abs(value)
    if v < 10_000 {
      let integer = Int(v.rounded())
      let text = integer >= 1000 ? "\(integer / 1000),\(String(integer % 1000 + 1000).dropFirst())" : "\(integer)"
      return (value < 0 ? "\u{2212}" : "") + text
    }
    for (suffix, size) in [("M", 1e6), ("k", 1e3)] where v >= size || suffix == "k" {
      let scaled = v / size
      let decimals = scaled < 10 && abs(scaled - scaled.rounded()) > 1e-9 ? 1 : 0
      return (value < 0 ? "\u{2212}" : "") + format(scaled, decimals: decimals) + suffix
    }
    return "\(value)"
  }

  func ticks() -> [Tick] {
    let step = Self.step(span: upper - lower, target: target)
    let decimals = Self.decimals(step: step)
    var ticks: [Tick] = []
    var k = (lower / step - 1e-9).rounded(.up)
    while k * step <= upper + step * 1e-9 {
      let value = k * step
      let label = style == .count ? Self.formatCount(value) : Self.format(value, decimals: decimals)
      ticks.append(Tick(value: value, label: .text(label)))
      k += 1
    }
    return ticks
  }

  /// [0, a round number ≥ `maximum`], for counts and accuracies that start at zero.
  static func fromZero(to maximum: Double, style: LabelStyle = .decimal, target: Int = 4)
    -> LinearScale
  {
    guard maximum > 0, maximum.isFinite else {
      return LinearScale(lower: 0, upper: 1, style: style, target: target)
    }
    // A little headroom: a point at the maximum is not drawn on the frame.
    let top = maximum * 1.03
    let step = Self.step(span: top, target: target)
    let upper = (top / step - 1e-9).rounded(.up) * step
    return LinearScale(lower: 0, upper: max(upper, step), style: style, target: target)
  }
}
