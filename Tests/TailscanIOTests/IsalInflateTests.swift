import Foundation
@testable import TailscanIO
import TailscanTestSupport
import Testing

/// Gzip through ISA-L against zlib (`Decompressor`'s two gzip paths): the same bytes from
/// valid files, and the same error, at the same offset with the same message, from damaged
/// ones (ISA-L's path asks zlib for its verdict on a member it cannot finish).
@Suite("ISA-L inflate")
struct IsalInflateTests {
  @Test func isalIsAvailableUnderCI() throws {
    let ci = ProcessInfo.processInfo.environment["CI"] == "true"
    if !GzipInflaterProbe.isalLoads {
      #expect(!ci, "CI=true: ISA-L must load (Scripts/setup installs libisal-dev and libisal2): \(Decompressor.gzipLibrary.whyNotIsal ?? "")")
      print("skipped: ISA-L unavailable (\(Decompressor.gzipLibrary.whyNotIsal ?? "")); gzip goes through zlib")
    }
  }

  /// Seeded files of several members (empty ones, every compression level, text that
  /// compresses well and bytes that do not), some with zero padding or data after them, cut
  /// short, or with bytes changed; each read with both libraries at random chunk sizes.
  @Test(arguments: 0..<4)
  func sameBytesAndErrorsAsZlib(part: Int) throws {
    guard GzipInflaterProbe.isalLoads else {
      print("skipped: ISA-L unavailable")
      return
    }
    var rng = SplitMix64(seed: 0x15A1 + UInt64(part))
    let dir = try TemporaryDirectory()
    var damaged = 0
    for file in 0..<60 {
      var members: [[UInt8]] = []
      var gz: [UInt8] = []
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let length = rng.chance(0.2) ? 0 : Int.random(in: 1...200_000, using: &rng)
        var bytes = [UInt8](repeating: 0, count: length)
        let random = rng.chance(0.3)
        for k in 0..<length {
          bytes[k] = random ? UInt8.random(in: 0...255, using: &rng) : UInt8(ascii: "a") + UInt8((k * 7 + k / 13) % 26)
          if !random && k % 11 == 0 { bytes[k] = 0x20 }
        }
        members.append(bytes)
        gz += try GzipFixtures.gzip(bytes, level: Int32.random(in: 0...9, using: &rng))
      }
      switch Int.random(in: 0..<6, using: &rng) {
      case 0: gz += [UInt8](repeating: 0, count: Int.random(in: 1...600, using: &rng))
      case 1: gz += Array("trailing\n".utf8)
      case 2: gz = GzipFixtures.truncated(gz, keeping: Int.random(in: 2..<gz.count, using: &rng))
      case 3:
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
          gz = GzipFixtures.corrupted(gz, at: Int.random(in: 0..<gz.count, using: &rng))
        }
      default: break
      }
      let path = try dir.write(gz, to: "f\(file).gz")
      let input = [1, 7, 4096, 1 << 18][Int.random(in: 0..<4, using: &rng)]
      let output = [1, 5, 4096, 1 << 20][Int.random(in: 0..<4, using: &rng)]
      let viaZlib = Result { try decompress(path, inputCapacity: input, outputCount: output, inflater: .zlib) }
      let viaIsal = Result { try decompress(path, inputCapacity: input, outputCount: output, inflater: .isal) }
      switch (viaZlib, viaIsal) {
      case (.success(let a), .success(let b)):
        #expect(a == b, "file \(file): outputs differ")
      case (.failure(let a), .failure(let b)):
        damaged += 1
        #expect(a as? IOError == b as? IOError, "file \(file) (input \(input), output \(output))")
      default:
        Issue.record("file \(file): zlib \(viaZlib.map(\.count)), ISA-L \(viaIsal.map(\.count))")
      }
    }
    #expect(damaged > 10)
  }
}

/// Whether ISA-L loads here.
enum GzipInflaterProbe {
  static var isalLoads: Bool {
    let name = Decompressor.gzipLibrary
    return name.name == "isa-l" || name.whyNotIsal == "TAILSCAN_INFLATE=zlib"
  }
}
