import Foundation
import FoundationXML
import Testing

@testable import TailscanPlot

/// An SVG parsed as XML, with what the tests look at: elements by class, texts and where they
/// are drawn.
struct SVGInspection {
  let document: XMLDocument
  let root: XMLElement
  /// The viewBox's width and height.
  let width: Double
  let height: Double

  init(_ svg: String) throws {
    // FoundationXML finds no attribute of an element in a default namespace: parse without it
    // (after checking it is there).
    try #require(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    document = try XMLDocument(
      xmlString: svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: ""))
    root = try #require(document.rootElement())
    let box = try #require(root.attribute(forName: "viewBox")?.stringValue)
      .split(separator: " ").compactMap { Double($0) }
    try #require(box.count == 4 && box[0] == 0 && box[1] == 0)
    width = box[2]
    height = box[3]
  }

  func elements(_ xpath: String) throws -> [XMLElement] {
    try document.nodes(forXPath: xpath).compactMap { $0 as? XMLElement }
  }

  /// Elements of `name` whose class list holds `cssClass`.
  func elements(_ name: String, class cssClass: String) throws -> [XMLElement] {
    try elements("//*[local-name()='\(name)']").filter {
      ($0.attribute(forName: "class")?.stringValue ?? "").split(separator: " ")
        .contains(Substring(cssClass))
    }
  }

  /// An attribute of `element` or of its nearest ancestor that has it.
  static func inherited(_ name: String, _ element: XMLElement) -> String? {
    var node: XMLNode? = element
    while let current = node as? XMLElement {
      if let value = current.attribute(forName: name)?.stringValue { return value }
      node = current.parent
    }
    return nil
  }

  /// A text's box as laid out with the width table: x from its anchor, y from its baseline
  /// (room for a superscript above, a descender below); rotated labels turned.
  struct TextBox {
    var text: String
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double
  }

  func textBoxes() throws -> [TextBox] {
    try elements("//*[local-name()='text']").map { element in
      let text = element.stringValue ?? ""
      let size = Double(Self.inherited("font-size", element) ?? "") ?? 7
      let width = FontMetrics.width(text, size: size)
      let anchor = Self.inherited("text-anchor", element) ?? "start"
      let shift = anchor == "middle" ? width / 2 : anchor == "end" ? width : 0
      if let transform = element.attribute(forName: "transform")?.stringValue {
        // translate(X Y) rotate(-90): the text runs upwards, its baseline at X.
        let numbers = transform.split(whereSeparator: { "( )".contains($0) })
          .compactMap { Double($0) }
        let (x, y) = (numbers[0], numbers[1])
        return TextBox(
          text: text, left: x - 0.95 * size, top: y - width + shift, right: x + 0.25 * size,
          bottom: y + shift)
      }
      let x = Double(element.attribute(forName: "x")?.stringValue ?? "0") ?? 0
      let y = Double(element.attribute(forName: "y")?.stringValue ?? "0") ?? 0
      return TextBox(
        text: text, left: x - shift, top: y - 0.95 * size, right: x - shift + width,
        bottom: y + 0.25 * size)
    }
  }
}
