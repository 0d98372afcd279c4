import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack validate F...`: read and check only.
struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Read and check score files: a summary, the row reconciliation and rejects.csv.",
    discussion: """
      Exit code 0 when the files are usable, 2 when a file cannot be read or more rows are rejected than \
      --max-reject-rate allows.

      Example: romtrack validate scores.csv --date-format DD/MM/YYYY --delimiter ';' --decimal-comma
      """
  )

  @OptionGroup var input: InputOptions

  @Option(help: ArgumentHelp("Folder for rejects.csv, written only when rows are rejected; an earlier rejects.csv there is removed when none are (default: the working folder).", valueName: "dir"))
  var out: String?

  @Option(help: ArgumentHelp("Only scores dated on or before this day count (YYYY-MM-DD).", valueName: "date"))
  var asOf: String?

  func validate() throws {
    if input.allFiles.isEmpty { throw ValidationError("give at least one file to validate, e.g. romtrack validate scores.csv") }
    if let asOf, CivilDate(iso: asOf) == nil { throw ValidationError("--as-of \(asOf): use YYYY-MM-DD") }
  }

  func run() throws {
    let started = ContinuousClock.now
    let paths = input.allFiles
    let out = self.out ?? "."
    let rejectsOutput = try RejectsOutput(folder: out, reads: paths + (input.configurationPath.map { [$0] } ?? []))
    let configuration = try input.loadConfiguration()
    var ingest = try input.ingestOptions(configuration)
    let progress = PhaseProgress.reading(input.allFiles, quiet: input.quiet, ingest: &ingest)
    let loaded = try InputLoader.load(
      files: paths, registry: configuration.registry, ingest: ingest,
      series: input.seriesOptions(configuration, asOf: asOf.flatMap { CivilDate(iso: $0) }),
      whenRead: { progress.start("grouping rows into series") })
    progress.finish()
    let summary = RunSummary(loaded: loaded, registry: configuration.registry, seconds: started.secondsSince)
    var lines = summary.humanLines()
    let shown = URL(fileURLWithPath: out).appendingPathComponent(RejectsOutput.fileName).relativePath
    if !loaded.rejects.isEmpty {
      try rejectsOutput.write(RejectsFile.csv(loaded.rejects))
      lines.append("rejects: \(shown) (\(loaded.rejects.count) rows)")
    } else if try rejectsOutput.removeEarlier() {
      lines.append("rejects: none; the earlier \(shown) removed")
    }
    for line in lines { Console.status(line, quiet: input.quiet) }
    if input.jsonSummary { print(summary.json()) }
    try checkRejectRate(loaded.reconciliation, limit: input.rejectLimit(configuration))
  }
}

/// Fails with exit code 2 when too many rows were rejected.
func checkRejectRate(_ counts: Reconciliation, limit: Double) throws {
  if counts.rejectRate > limit {
    throw RunFailure.input(String(format: "%.1f%% of rows were rejected, more than --max-reject-rate %.1f%%; see rejects.csv", counts.rejectRate * 100, limit * 100))
  }
  if !counts.balances {
    throw RunFailure.internal("the row reconciliation does not balance: " + counts.lines[0])
  }
}

extension ContinuousClock.Instant {
  /// Seconds from this instant to now.
  var secondsSince: Double {
    let d = self.duration(to: .now)
    return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }
}
