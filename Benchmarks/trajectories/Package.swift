// swift-tools-version: 6.1
//
// Benchmark of the per-series trajectory fits (METHODS.md section 3): the sufficient-statistics route of
// RomtrackCore against one dgemm per design through OpenBLAS. A package of its own, so that the main
// package's build and tests never compile it. See README.md beside this file.

import PackageDescription

let package = Package(
  name: "trajectory-bench",
  dependencies: [
    .package(name: "romtrack", path: "../..")
  ],
  targets: [
    .executableTarget(
      name: "trajectory-bench",
      dependencies: [
        .product(name: "RomtrackCore", package: "romtrack")
      ]
    )
  ]
)
