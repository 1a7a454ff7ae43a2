/// Builds SVG text: elements with attributes in the order given, numbers with at most two
/// decimals, text escaped. The same calls give the same bytes on every machine.
struct SVGWriter {
  private(set) var text = ""
  private var depth = 0

  /// A coordinate or length: at most two decimals (a hundredth of a point is far below what
  /// print resolves), no trailing zeros, no `-0`, no exponent, whatever the locale.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let hundredths = (value * 100).rounded()
    guard abs(hundredths) < 1e15 else { return value < 0 ? "-1e13" : "1e13" }
    let scaled = Int64(hundredths)
    if scaled == 0 { return "0" }
    let sign = scaled < 0 ? "-" : ""
    let magnitude = scaled.magnitude
    let whole = magnitude / 100
    let fraction = magnitude % 100
    if fraction == 0 { return "\(sign)\(whole)" }
    if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
    return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// `text` with `&`, `<`, `>`, `"` and `'` escaped, and characters XML 1.0 forbids dropped.
  static func escape(_ text: String) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(" ")
      default:
        if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// An attribute value: a string as given (escaped), a number formatted.
  enum Value: ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    case text(String)
    case number(Double)

    init(stringLiteral value: String) { self = .text(value) }
    init(_ value: Double) { self = .number(value) }

    var rendered: String {
      switch self {
      case .text(let text): return SVGWriter.escape(text)
      case .number(let value): return SVGWriter.number(value)
      }
    }
  }

  private mutating func indent() {
    text += String(repeating: " ", count: depth)
  }

  private static func attributes(_ attributes: KeyValuePairs<String, Value?>) -> String {
    var out = ""
    for (name, value) in attributes {
      guard let value else { continue }
      out += " \(name)=\"\(value.rendered)\""
    }
    return out
  }

  /// `<name …/>`.
  mutating func element(_ name: String, _ attributes: KeyValuePairs<String, Value?>) {
    indent()
    text += "<\(name)\(Self.attributes(attributes))/>\n"
  }

  /// `<name …>text</name>` on one line.
  mutating func element(
    _ name: String, _ attributes: KeyValuePairs<String, Value?>, text content: String
  ) {
    indent()
    text += "<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>\n"
  }

  /// `<name …>` raw markup `</name>` on one line (the caller escapes).
  mutating func element(
    _ name: String, _ attributes: KeyValuePairs<String, Value?>, markup: String
  ) {
    indent()
    text += "<\(name)\(Self.attributes(attributes))>\(markup)</\(name)>\n"
  }

  /// `<name …>`, children, `</name>`.
  mutating func group(
    _ name: String = "g", _ attributes: KeyValuePairs<String, Value?>,
    _ body: (inout SVGWriter) -> Void
  ) {
    indent()
    text += "<\(name)\(Self.attributes(attributes))>\n"
    depth += 1
    body(&self)
    depth -= 1
    indent()
    text += "</\(name)>\n"
  }

  /// A line of raw text (a comment, a prolog).
  mutating func raw(_ line: String) {
    indent()
    text += line + "\n"
  }
}

/// SVG path data built from points: `M`/`L` commands, numbers formatted.
struct PathData {
  private(set) var text = ""

  mutating func move(_ x: Double, _ y: Double) {
    text += "M\(SVGWriter.number(x)) \(SVGWriter.number(y))"
  }

  mutating func line(_ x: Double, _ y: Double) {
    text += "L\(SVGWriter.number(x)) \(SVGWriter.number(y))"
  }

  mutating func close() { text += "Z" }

  mutating func append(_ raw: String) { text += raw }

  var isEmpty: Bool { text.isEmpty }
}

/// Text escaped for XML and HTML (element content and quoted attribute values).
public enum Markup {
  public static func escape(_ text: String) -> String { SVGWriter.escape(text) }
}
