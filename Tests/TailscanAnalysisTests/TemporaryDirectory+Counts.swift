import TailscanCount
import TailscanText
import TailscanTestSupport

extension TemporaryDirectory {
  /// Counts `documents` (a plain-text corpus, one document per line) with the entity
  /// dictionary `dictionary` (TSV text), and number terms if `numbers`, without n-grams, into
  /// `counts/` here; returns that directory.
  func countEntities(
    _ documents: [String], dictionary: String, numbers: Bool = false
  ) throws -> String {
    let corpus = try write(Array((documents.joined(separator: "\n") + "\n").utf8), to: "c.txt")
    let entities = try write(Array(dictionary.utf8), to: "entities.tsv")
    var request = CountRequest(inputs: [corpus], output: file("counts"))
    request.ngrams = false
    if numbers { request.numbers = NumberRules() }
    request.entities = EntityOptions(dictionary: entities)
    _ = try CountPipeline.run(request)
    return file("counts")
  }
}
