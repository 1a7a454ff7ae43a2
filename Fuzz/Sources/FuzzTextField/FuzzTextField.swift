import FuzzSupport
import TailscanIO

/// Fuzzes the JSONL text-field scanner (`TextExtractor`): each line of the input goes through it,
/// and the text it returns must be valid UTF-8. Where the strict JSON parser accepts the line as
/// an object, the scanner must agree with it: the same text for a string `"text"` field, and
/// `missingField` or `notAString` otherwise (the scanner may accept more, never less).
func fuzzOne(_ bytes: [UInt8]) {
  var extractor = TextExtractor(format: .jsonl(field: "text"))
  var plain = TextExtractor(format: .plain)
  for line in lines(of: bytes) {
    var text: [UInt8]? = nil
    var failure: LineError? = nil
    do {
      _ = try extractor.extract(from: line.span) { span in
        var copy: [UInt8] = []
        for i in span.indices { copy.append(span[i]) }
        text = copy
      }
    } catch let error as LineError {
      failure = error
    } catch {
      fatalError("TextExtractor threw a non-LineError: \(error)")
    }
    if let text {
      precondition(String(validating: text, as: UTF8.self) != nil, "extracted text is not UTF-8")
    }
    if case .object(let object)? = try? JSONValue.parse(line) {
      switch object["text"] {
      case .string(let expected)?:
        precondition(
          text == Array(expected.utf8),
          "scanner gave \(String(describing: text)), the parser \(Array(expected.utf8)); \(String(describing: failure))")
      case nil:
        precondition(failure == .missingField("text"), "scanner: \(String(describing: failure))")
      case _?:
        precondition(failure == .notAString("text"), "scanner: \(String(describing: failure))")
      }
    }
    _ = try? plain.extract(from: line.span) { _ in }
  }
}
