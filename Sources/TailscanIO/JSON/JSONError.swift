/// Why some bytes are not one JSON value, and where that became clear.
///
/// `offset` is the 0-based byte offset of the first byte at which the input can no longer be
/// the start of a valid document: the byte that does not fit (for a truncated input, the
/// input's length). Invalid UTF-8 is the one exception: it points at the first byte of the
/// invalid sequence, which may be a few bytes before the byte that gives it away.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The 0-based byte offset in the input where parsing failed.
  public var offset: Int
  /// What is wrong there, short and specific (e.g. "expected ':' after an object key").
  public var reason: String

  /// Creates an error for `reason` at the byte `offset`.
  public init(offset: Int, reason: String) {
    self.offset = offset
    self.reason = reason
  }

  public var description: String {
    "invalid JSON at byte \(offset): \(reason)"
  }
}

extension JSONError {
  /// The input ends inside a value, or before one starts.
  static func endOfInput(_ offset: Int) -> JSONError {
    JSONError(offset: offset, reason: "unexpected end of input")
  }

  /// The input ends inside a string.
  static func endOfInputInString(_ offset: Int) -> JSONError {
    JSONError(offset: offset, reason: "unexpected end of input in a string")
  }
}
