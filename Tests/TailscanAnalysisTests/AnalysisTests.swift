import Testing
import TailscanAnalysis

@Suite struct AnalysisTests {
  @Test func statisticsNamespace() {
    _ = Statistics.self
  }
}
