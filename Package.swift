// swift-tools-version: 6.1
//
// romtrack: routine outcome monitoring for psychotherapy practices.
// The targets follow the pipeline: ingest -> series -> fit -> classify -> aggregate -> write.

import PackageDescription

let package = Package(
  name: "romtrack",
  products: [
    // MARK: - Public API
    .executable(name: "romtrack", targets: ["romtrack"]),
    .library(name: "RomtrackCore", targets: ["RomtrackCore"]),
    .library(name: "RomtrackReport", targets: ["RomtrackReport"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // MARK: - Public API

    /// Ingest, series, fits, classification and aggregation: plain values in, plain values out.
    .target(
      name: "RomtrackCore",
      dependencies: [
        "_OpenBLAS",
        "_LibCrypto",
        .product(name: "Yams", package: "Yams"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]
    ),
    /// Output files: CSV writers, HTML pages, the atomic output folder and the manifest.
    .target(
      name: "RomtrackReport",
      dependencies: ["RomtrackCore"]
    ),
    /// The command-line tool: a thin layer of ArgumentParser commands over the two libraries.
    .executableTarget(
      name: "romtrack",
      dependencies: [
        "RomtrackCore",
        "RomtrackReport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Implementation details

    /// OpenBLAS (CBLAS) and LAPACKE, from Debian's libopenblas-dev and liblapacke-dev.
    .systemLibrary(
      name: "_OpenBLAS",
      providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]
    ),

    /// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (Debian's libssl-dev).
    .systemLibrary(
      name: "_LibCrypto",
      providers: [.apt(["libssl-dev"])]
    ),

    // MARK: - Unit test bundles

    .testTarget(
      name: "RomtrackCoreTests",
      dependencies: [
        "RomtrackCore",
        "RomtrackReport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    /// Runs the built `romtrack` executable as a user would.
    .testTarget(
      name: "RomtrackEndToEndTests",
      dependencies: ["romtrack"]
    ),
  ]
)
