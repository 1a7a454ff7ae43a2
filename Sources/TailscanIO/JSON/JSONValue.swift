/// A parsed JSON value.
///
/// Numbers keep their literal text, so that `24`, `24.0` and `2.4e1` stay distinguishable (an
/// answer "432" against 432.0 matters when scoring exact matches). Python's non-standard
/// `NaN`, `Infinity` and `-Infinity`, which `json.dumps` writes, are numbers too.
///
/// Equality is structural and exact: strings and keys are equal when their UTF-8 bytes are
/// (not merely canonically equivalent, as Swift's `String` `==` would have it), numbers when
/// their literals are (`1.0` is not `1`), objects when their members are, in order.
public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  /// The literal exactly as written (e.g. "-0.5e3"); or "NaN", "Infinity" or "-Infinity".
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// Parses `bytes`, which must hold exactly one JSON value, optionally surrounded by JSON
  /// whitespace (space, tab, line feed, carriage return).
  ///
  /// Parsing follows RFC 8259 strictly, plus Python's `NaN`, `Infinity` and `-Infinity`; see
  /// ``JSONParser`` for the details. To parse many lines, keep one ``JSONParser`` and call its
  /// `parse(_:)`: it reuses its working storage.
  ///
  /// - Throws: ``JSONError`` with the byte offset where the input stopped being valid JSON.
  public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
    var parser = JSONParser()
    return try parser.parse(bytes.span)
  }

  /// Parses the bytes of `span` (e.g. a line from `ShardReader.forEachLine`), without copying
  /// them first; otherwise as the `[UInt8]` overload.
  public static func parse(_ span: Span<UInt8>) throws(JSONError) -> JSONValue {
    var parser = JSONParser()
    return try parser.parse(span)
  }

  /// Parses the UTF-8 of `text`, as the `[UInt8]` overload does.
  public static func parse(_ text: String) throws(JSONError) -> JSONValue {
    var text = text
    text.makeContiguousUTF8()  // a no-op for native strings, which all are on Linux
    var parser = JSONParser()
    return try parser.parse(text.utf8.span)
  }

  // MARK: - Access

  /// The value of the last member named `key` of an object (keys compared by their UTF-8
  /// bytes); nil for a missing key or when this is not an object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let object) = self else { return nil }
    return object[key]
  }

  /// The element at `index` of an array; nil when out of range or when this is not an array.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
    return elements[index]
  }

  /// The payload of a string value, or nil.
  public var string: String? {
    guard case .string(let text) = self else { return nil }
    return text
  }

  /// The payload of a boolean value, or nil.
  public var bool: Bool? {
    guard case .bool(let value) = self else { return nil }
    return value
  }

  /// The literal of a number value (e.g. "24", "24.0", "NaN"), or nil.
  public var number: String? {
    guard case .number(let literal) = self else { return nil }
    return literal
  }

  /// A number value as the nearest `Double` (`NaN`, `Infinity` and `-Infinity` included), or
  /// nil for other values.
  ///
  /// Literals beyond `Double`'s range become ±infinity, and tiny ones ±0, as `strtod` rounds.
  public var double: Double? {
    guard case .number(let literal) = self else { return nil }
    switch literal {
    case "NaN": return .nan
    case "Infinity": return .infinity
    case "-Infinity": return -.infinity
    default: return Double(literal)
    }
  }

  /// A number value written as an integer (no fraction or exponent) that fits in `Int`, or
  /// nil: `3` gives 3, but `3.0`, `3e0` and `99999999999999999999` give nil.
  public var int: Int? {
    guard case .number(let literal) = self else { return nil }
    return Int(literal)
  }

  /// The elements of an array value, or nil.
  public var array: [JSONValue]? {
    guard case .array(let elements) = self else { return nil }
    return elements
  }

  /// The members of an object value, or nil.
  public var object: JSONObject? {
    guard case .object(let object) = self else { return nil }
    return object
  }

  /// Whether this is `null`.
  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  // MARK: - Equality

  /// Whether two values are the same JSON (see the type's discussion).
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.number(let x), .number(let y)): sameText(x, y)
    case (.string(let x), .string(let y)): sameText(x, y)
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x == y
    default: false
    }
  }

  /// Whether two strings have the same UTF-8 bytes (JSON equality, unlike `String`'s `==`,
  /// which also matches canonically equivalent strings).
  static func sameText(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
  }
}
