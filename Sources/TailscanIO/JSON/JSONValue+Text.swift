extension JSONValue: CustomStringConvertible {
  /// The value as compact JSON text: no whitespace, members in order (duplicates included),
  /// numbers as their literals, non-ASCII text as itself, and only `"`, `\` and control
  /// characters escaped. Parsing the text gives back an equal value.
  public var description: String {
    var text = ""
    Self.write(self, to: &text)
    return text
  }

  private static func write(_ value: JSONValue, to text: inout String) {
    switch value {
    case .null: text += "null"
    case .bool(let b): text += b ? "true" : "false"
    case .number(let literal): text += literal
    case .string(let string): writeString(string, to: &text)
    case .array(let elements):
      text += "["
      for (k, element) in elements.enumerated() {
        if k > 0 { text += "," }
        write(element, to: &text)
      }
      text += "]"
    case .object(let object):
      text += "{"
      for (k, member) in object.members.enumerated() {
        if k > 0 { text += "," }
        writeString(member.key, to: &text)
        text += ":"
        write(member.value, to: &text)
      }
      text += "}"
    }
  }

  /// `string` as a JSON string literal, quotes included (control characters escaped).
  package static func quoted(_ string: String) -> String {
    var text = ""
    writeString(string, to: &text)
    return text
  }

  private static func writeString(_ string: String, to text: inout String) {
    text += "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": text += "\\\""
      case "\\": text += "\\\\"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      case "\u{08}": text += "\\b"
      case "\u{0C}": text += "\\f"
      case "\u{00}"..."\u{1F}":
        let digits = Array("0123456789abcdef".unicodeScalars)
        text += "\\u00"
        text.unicodeScalars.append(digits[Int(scalar.value >> 4)])
        text.unicodeScalars.append(digits[Int(scalar.value & 0xF)])
      default: text.unicodeScalars.append(scalar)
      }
    }
    text += "\""
  }
}
