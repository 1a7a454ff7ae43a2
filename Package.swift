// swift-tools-version: 6.2
import PackageDescription

let package = Package(
  name: "tailscan",
  products: [
    .executable(name: "tailscan", targets: ["tailscan"]),
    // For the nested Fuzz/ package only (its targets reach the parsers through this); not an
    // API promise.
    .library(
      name: "TailscanFuzzSupport",
      targets: ["TailscanIO", "TailscanStore", "TailscanCount", "TailscanAnalysis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // The only C in the package: zlib, through a system-library target.
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    // A header-only module for the one compiler builtin Swift lacks: prefetch.
    .systemLibrary(name: "CPrefetch"),
    // A header-only module declaring libzstd's stream buffer structs. Nothing is linked:
    // libzstd is loaded at run time (dlopen), and only when a zstd shard is read.
    .systemLibrary(name: "CZstd"),
    .target(name: "CIsal", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),

    // Libraries, leaves first. Unsafe code lives only in TailscanIO and TailscanStore.
    .target(name: "TailscanIO", dependencies: ["CZlib", "CZstd", "CIsal"]),
    .target(name: "TailscanText"),
    .target(name: "TailscanStore", dependencies: ["TailscanIO", "TailscanText", "CPrefetch"]),
    .target(name: "TailscanCount", dependencies: ["TailscanIO", "TailscanText", "TailscanStore"]),
    // Figures: charts drawn as SVG. Pure Swift, no I/O, no other module (DESIGN §7).
    .target(name: "TailscanPlot"),
    // Answer logs joined with counts, the papers' statistics (DESIGN §5–§6), their figures.
    .target(
      name: "TailscanAnalysis",
      dependencies: [
        "TailscanIO", "TailscanText", "TailscanStore", "TailscanCount", "TailscanPlot",
      ]),

    // The thin command-line front end.
    .executableTarget(
      name: "tailscan",
      dependencies: [
        "TailscanCount", "TailscanAnalysis", "TailscanStore", "TailscanText", "TailscanIO",
        "TailscanPlot", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // Tests.
    .target(name: "TailscanTestSupport", dependencies: ["TailscanIO"]),
    .testTarget(name: "TailscanIOTests", dependencies: ["TailscanIO", "TailscanTestSupport"]),
    .testTarget(name: "TailscanTextTests", dependencies: ["TailscanText", "TailscanTestSupport"]),
    .testTarget(
      name: "TailscanStoreTests",
      dependencies: ["TailscanStore", "TailscanText", "TailscanTestSupport"]),
    .testTarget(
      name: "TailscanCountTests",
      dependencies: ["TailscanCount", "TailscanStore", "TailscanText", "TailscanTestSupport"]),
    .testTarget(
      name: "TailscanAnalysisTests",
      dependencies: [
        "TailscanAnalysis", "TailscanCount", "TailscanStore", "TailscanText", "TailscanIO",
        "TailscanTestSupport",
      ]),
    .testTarget(name: "TailscanPlotTests", dependencies: ["TailscanPlot", "TailscanTestSupport"]),
    .testTarget(name: "TailscanCLITests", dependencies: ["tailscan", "TailscanTestSupport"]),
  ]
)

for target in package.targets where target.type != .system && target.name != "CIsal" {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
  settings.append(.enableUpcomingFeature("MemberImportVisibility"))
  settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
  settings.append(.strictMemorySafety())
  target.swiftSettings = settings
}
