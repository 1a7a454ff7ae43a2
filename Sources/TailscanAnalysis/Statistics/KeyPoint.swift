/// One key (one x1, one (x1, x2), one question): its corpus frequency and its answers.
///
/// The unit both papers average over first: Razeghi et al. bin keys by frequency and average
/// their accuracies unweighted; Kandpal et al. pool the answers of the keys in a bin.
public struct KeyPoint: Sendable, Equatable, Codable {
  /// The key's count in the corpus tables (0 only if the caller keeps zero counts).
  public var frequency: UInt64
  /// The answered instances with this key (at least 1).
  public var instances: Int
  /// How many of them were answered correctly (0...instances).
  public var correct: Int

  /// The key's mean accuracy, `correct / instances`.
  public var accuracy: Double { Double(correct) / Double(instances) }

  /// A key with `instances` answers of which `correct` were right.
  ///
  /// - Precondition: `instances >= 1` and `0...instances` contains `correct` (the join makes
  ///   a key only from answers it has).
  public init(frequency: UInt64, instances: Int, correct: Int) {
    precondition(instances >= 1, "a key needs at least one answered instance, not \(instances)")
    precondition(
      (0...instances).contains(correct), "\(correct) correct of \(instances) instances")
    self.frequency = frequency
    self.instances = instances
    self.correct = correct
  }
}

extension KeyPoint {
  private enum CodingKeys: String, CodingKey { case frequency, instances, correct }

  /// Decodes a key, refusing the counts `init(frequency:instances:correct:)` refuses.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let frequency = try container.decode(UInt64.self, forKey: .frequency)
    let instances = try container.decode(Int.self, forKey: .instances)
    let correct = try container.decode(Int.self, forKey: .correct)
    guard instances >= 1, (0...instances).contains(correct) else {
      throw DecodingError.dataCorruptedError(
        forKey: .correct, in: container,
        debugDescription: "\(correct) correct of \(instances) instances; a key needs "
          + "at least one instance and 0...instances correct")
    }
    self.init(frequency: frequency, instances: instances, correct: correct)
  }
}
