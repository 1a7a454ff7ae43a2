/// The members of a JSON object, in document order.
///
/// Every member is kept, duplicate keys included. Looking a key up finds its *last*
/// occurrence, as Python's `json` and Foundation's `JSONSerialization` do.
public struct JSONObject: Sendable, Equatable {
  /// The members as written, duplicates included.
  public var members: [(key: String, value: JSONValue)]

  /// Creates an object with `members` (in document order; duplicates allowed).
  public init(members: [(key: String, value: JSONValue)] = []) {
    self.members = members
  }

  /// The value of the last member named `key`, or nil if there is none.
  ///
  /// Keys match when their UTF-8 bytes are equal (JSON compares code points; Swift's `==` on
  /// `String` would also match canonically equivalent keys such as "é" and "e\u{301}").
  ///
  /// - Complexity: O(*n*), a backward scan over the members.
  public subscript(key: String) -> JSONValue? {
    for member in members.reversed() where JSONValue.sameText(member.key, key) {
      return member.value
    }
    return nil
  }

  /// The number of members, duplicates included.
  public var count: Int { members.count }

  /// Whether the object has no members.
  public var isEmpty: Bool { members.isEmpty }

  /// The keys in document order, duplicates included.
  public var keys: [String] { members.map(\.key) }

  /// Whether both objects have the same members in the same order (keys compared by their
  /// UTF-8 bytes, values with ``JSONValue``'s `==`).
  public static func == (a: JSONObject, b: JSONObject) -> Bool {
    guard a.members.count == b.members.count else { return false }
    for (x, y) in zip(a.members, b.members) {
      guard JSONValue.sameText(x.key, y.key), x.value == y.value else { return false }
    }
    return true
  }
}
