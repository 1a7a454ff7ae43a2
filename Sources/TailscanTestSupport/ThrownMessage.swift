/// The message of the error `body` throws, or nil if it returns.
public func thrownMessage(_ body: () throws -> Any) -> String? {
  do {
    _ = try body()
    return nil
  } catch {
    return "\(error)"
  }
}
