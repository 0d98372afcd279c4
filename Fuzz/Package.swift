// swift-tools-version: 6.1
//
// libFuzzer targets for romtrack's input readers (docs/fuzzing.md). A package of its own, so that
// `make test` and `.ci/run` never build it; `scripts/fuzz` builds it with `--sanitize fuzzer` and
// `--sanitize address` and runs one target.

import PackageDescription

let package = Package(
  name: "romtrack-fuzz",
  dependencies: [
    .package(name: "romtrack", path: "..")
  ],
  targets: [
    /// Arbitrary bytes as a score file, through ingest and the series stage.
    .executableTarget(
      name: "FuzzCSV",
      dependencies: [.product(name: "RomtrackCore", package: "romtrack")]
    ),
    /// Arbitrary bytes as a config file (YAML or JSON).
    .executableTarget(
      name: "FuzzConfig",
      dependencies: [.product(name: "RomtrackCore", package: "romtrack")]
    ),
  ]
)
