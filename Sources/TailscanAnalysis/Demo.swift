import Foundation
public import TailscanCount
import TailscanIO
import TailscanStore
import TailscanText

/// What `tailscan demo` needs.
public struct DemoRequest: Sendable {
  /// The bundled data: `corpus/` (gzip JSONL shards), `answers-arithmetic.jsonl*` and
  /// `answers-qa.jsonl*`.
  public var data: String
  /// The demo's directory: `counts/`, `entities.tsv`, `arithmetic/`, `qa/`, `index.html`.
  /// An earlier demo there is replaced; any other directory is refused.
  public var output: String
  public var jobs: Int

  public init(data: String, output: String, jobs: Int = 1) {
    self.data = data
    self.output = output
    self.jobs = jobs
  }
}

/// What the demo did.
public struct DemoResult: Sendable {
  public var count: CountSummary
  public var entities: Int
  public var arithmetic: CorrelateSummary
  public var qa: CorrelateSummary
  /// The page with both reports: `OUTPUT/index.html`.
  public var index: String
}

/// `tailscan demo`: both papers' analyses on the bundled corpus and answer logs, end to end.
///
/// The same steps a user takes with their own data: an entity dictionary from the QA log
/// (`tailscan entities`), one count of the corpus with number terms and the entities
/// (`tailscan count --numbers --entities`), and `tailscan correlate` of each log.
public enum Demo {
  /// The smallest decade bin kept for the QA figures: the bundled QA set has 512 questions
  /// per number of shots, not Kandpal et al.'s tens of thousands (their 500 would keep no bin).
  public static let qaMinimumBinSize = 10
  /// The QA groups: the four quiz tasks pooled, one series per number of shots.
  public static let qaGroupBy = ["model", "shots"]

  /// The bundled data's files, or an error naming what is missing.
  public static func files(in data: String) throws -> (
    corpus: String, arithmetic: [String], qa: [String]
  ) {
    let corpus = "\(data)/corpus"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []
    let arithmetic = entries.filter { $0.hasPrefix("answers-arithmetic.jsonl") }.sorted()
      .map { "\(data)/\($0)" }
    let qa = entries.filter { $0.hasPrefix("answers-qa.jsonl") }.sorted().map { "\(data)/\($0)" }
    guard (try? Syscalls.status(corpus))??.isDirectory == true, !arithmetic.isEmpty, !qa.isEmpty
    else {
      throw AnalysisError.demoData(path: data)
    }
    return (corpus, arithmetic, qa)
  }

  /// Runs the demo into `request.output` (built beside it and renamed into place, so a
  /// failed run leaves no half demo).
  public static func run(
    _ request: DemoRequest, progress: ((CountProgress) -> Void)? = nil,
    warn: ((String) -> Void)? = nil
  ) throws -> DemoResult {
    let (corpus, arithmeticLogs, qaLogs) = try files(in: request.data)
    let output = CorpusWalker.trim(request.output)
    let lock = try OutputLock(output: output)
    defer { _ = lock.path }
    try checkWritable(output)
    let work = "\(output).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    var done = false
    defer { if !done { try? FileManager.default.removeItem(atPath: work) } }

    // Every co-occurring pair is counted (no pair list): the QA log names no question
    // entities, so its questions' entities come from matching their text at correlate time.
    let dictionary = try EntityLog.run(
      EntitiesRequest(inputs: qaLogs, output: "\(work)/entities.tsv"))
    var count = CountRequest(inputs: [corpus], output: "\(work)/counts")
    count.numbers = NumberRules()
    count.entities = EntityOptions(dictionary: "\(work)/entities.tsv", keepDocumentIDs: true)
    count.jobs = request.jobs
    var counted = try CountPipeline.run(count, progress: progress, warn: warn)
    counted.output = "\(output)/counts"
    let arithmetic = try Correlate.run(
      CorrelateRequest(
        inputs: arithmeticLogs, counts: "\(work)/counts", output: "\(work)/arithmetic"))
    let qa = try Correlate.run(
      CorrelateRequest(
        inputs: qaLogs, counts: "\(work)/counts", output: "\(work)/qa", groupBy: qaGroupBy,
        minBinSize: qaMinimumBinSize))
    let sections = [
      HTMLReport.Section(
        heading: "Arithmetic (Razeghi et al. 2022)", summary: arithmetic,
        figures: try Figures.make(arithmetic), directory: "arithmetic/"),
      HTMLReport.Section(
        heading: "Question answering (Kandpal et al. 2022)", summary: qa,
        figures: try Figures.make(qa), directory: "qa/"),
    ]
    let page = HTMLReport.page(
      title: "tailscan demo", heading: "tailscan demo: accuracy and pretraining frequency",
      sections: sections)
    try writeFile("\(work)/index.html", Array(page.utf8))
    try writeFile("\(work)/\(marker)", Array("tailscan demo\n".utf8))

    if FileManager.default.fileExists(atPath: output) {
      try FileManager.default.removeItem(atPath: output)
    }
    try Syscalls.rename(work, to: output)
    done = true
    // The reports name the tables where they were made; say where they are now.
    var result = DemoResult(
      count: counted, entities: dictionary.entities.count, arithmetic: arithmetic, qa: qa,
      index: "\(output)/index.html")
    result.arithmetic.counts.directory = "\(output)/counts"
    result.qa.counts.directory = "\(output)/counts"
    return result
  }

  /// The file that marks a directory as the demo's (so `--force` replaces nothing else).
  static let marker = ".tailscan-demo"

  /// Nothing at `output`, an empty directory, or an earlier demo (which a demo replaces:
  /// running it twice just works); anything else is refused.
  private static func checkWritable(_ output: String) throws {
    guard FileManager.default.fileExists(atPath: output) else { return }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
    guard entries.isEmpty || entries.contains(marker) else {
      throw IOError.refuseToReplace(path: output)
    }
  }
}
