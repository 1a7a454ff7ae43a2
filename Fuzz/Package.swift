// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets, one per parser of untrusted bytes. A nested package, so that `swift build`
// and `swift test` of tailscan never build them; build and run them with `Scripts/fuzz`, which
// passes `-sanitize=fuzzer,address`. Each target's main.swift hands its harness to
// `FuzzSupport.fuzz`, which starts libFuzzer (`LLVMFuzzerRunDriver`): libFuzzer's own `main`
// cannot be used, because SwiftPM links an executable's `main` to the module's entry point.
let package = Package(
  name: "tailscan-fuzz",
  dependencies: [.package(name: "tailscan", path: "..")],
  targets: [
    // libFuzzer's driver entry point, declared for Swift.
    .systemLibrary(name: "CFuzzer"),
    // What the targets share: starting libFuzzer, scratch files for path-taking APIs.
    .target(name: "FuzzSupport", dependencies: ["CFuzzer"]),
    .executableTarget(
      name: "FuzzGzip",
      dependencies: ["FuzzSupport", .product(name: "TailscanFuzzSupport", package: "tailscan")]),
    .executableTarget(
      name: "FuzzTextField",
      dependencies: ["FuzzSupport", .product(name: "TailscanFuzzSupport", package: "tailscan")]),
    .executableTarget(
      name: "FuzzTable",
      dependencies: ["FuzzSupport", .product(name: "TailscanFuzzSupport", package: "tailscan")]),
    .executableTarget(
      name: "FuzzAnswerLog",
      dependencies: ["FuzzSupport", .product(name: "TailscanFuzzSupport", package: "tailscan")]),
    .executableTarget(
      name: "FuzzEntityDictionary",
      dependencies: ["FuzzSupport", .product(name: "TailscanFuzzSupport", package: "tailscan")]),
  ]
)

for target in package.targets where target.type != .system {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
  settings.append(.enableUpcomingFeature("MemberImportVisibility"))
  settings.append(.strictMemorySafety())
  target.swiftSettings = settings
}
