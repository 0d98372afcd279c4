import ArgumentParser
import RomtrackCore
import RomtrackReport

/// The options that choose the month reported, shared by `report` and `export`.
struct PeriodOptions: ParsableArguments {
  @Option(help: ArgumentHelp("The month to report, YYYY-MM: scores up to its last day count.", valueName: "month"))
  var period: String?

  @Option(help: ArgumentHelp("Only scores dated on or before this day count (YYYY-MM-DD); the period is its month.", valueName: "date"))
  var asOf: String?

  @Option(help: ArgumentHelp("An expected-treatment-response model saved by `romtrack model --save`, used instead of fitting one on the input (repeatable, one per instrument).", valueName: "file"))
  var etrModel: [String] = []

  func validate() throws {
    if period != nil && asOf != nil { throw ValidationError("give --period or --as-of, not both") }
    if let period, YearMonth(period) == nil { throw ValidationError("--period \(period): use YYYY-MM, e.g. 2026-10") }
    // The 12 months a report covers end with the period; the data's dates are read in 1000-9999.
    if let period, let month = YearMonth(period), month.year < 1001 {
      throw ValidationError("--period \(period): the year must be from 1001 to 9999, as the dates in the data")
    }
    if let asOf, CivilDate(iso: asOf) == nil { throw ValidationError("--as-of \(asOf): use YYYY-MM-DD") }
    if let asOf, let day = CivilDate(iso: asOf), day.components.year < 1001 {
      throw ValidationError("--as-of \(asOf): the year must be from 1001 to 9999, as the dates in the data")
    }
  }

  var asOfDate: CivilDate? { asOf.flatMap { CivilDate(iso: $0) } ?? period.flatMap { YearMonth($0)?.lastDay } }
}

/// Stages 1 to 5 for one report month: read, build series, analyse, fit the expected response, and
/// aggregate; with the time each stage took.
struct PeriodRun {
  let configuration: Configuration
  let parameters: AnalysisParameters
  let files: [String]
  let loaded: LoadedInput
  let asOf: CivilDate
  let month: YearMonth
  let analysis: Analysis
  let models: [ExpectedResponseUse]
  let aggregates: AggregateTable
  let hashes: InputHashes
  /// Every stage's time so far, the reading stages first.
  private(set) var clock: StageClock

  init(input: InputOptions, methods: AnalysisOptions, period: PeriodOptions) throws {
    configuration = try input.loadConfiguration()
    parameters = try methods.parameters(configuration)
    files = try PeriodRun.inputFiles(input)
    Console.progress("reading \(files.count) file\(files.count == 1 ? "" : "s")", quiet: input.quiet)
    let today = CivilDate.today
    // The inputs' SHA-256 for the manifest is computed on another thread from the end of the ingest
    // on: the series stage numbers and sorts the rows on one core and leaves the other free.
    var started: InputHashes?
    let paths = files
    // The input columns, freed during and at the end of the series stage, are kept for the analysis
    // results, which take about as much memory a moment later (see `SparePages`).
    SparePages.shared.startKeeping()
    defer { SparePages.shared.stopKeeping() }  // also when the input cannot be read
    loaded = try InputLoader.load(
      files: files, registry: configuration.registry, ingest: try input.ingestOptions(configuration),
      series: input.seriesOptions(configuration, asOf: period.asOfDate),
      asOfFromLatest: { ReportPeriod.lastCompleteMonth(latest: $0, today: today).lastDay },
      whenRead: { started = InputHashes(paths: paths) })
    guard let asOf = loaded.table.asOf else {
      throw RunFailure.input("the input has no dates, so no report period can be chosen; give --period or --as-of")
    }
    self.asOf = asOf
    month = YearMonth(year: asOf.components.year, month: asOf.components.month)
    hashes = started ?? InputHashes(paths: files)
    var clock = StageClock(timings: loaded.timings)
    Console.progress("analysing \(loaded.table.series.count) series", quiet: input.quiet)
    var analysis = Analyzer(registry: configuration.registry, parameters: parameters).analyze(loaded.table)
    SparePages.shared.stopKeeping()
    clock.lap("analyse")
    let saved: [String: (fit: GrowthModelFit, source: String)]
    do { saved = try ExpectedResponseStage.load(paths: period.etrModel) } catch {
      throw RunFailure.input("--etr-model: \(error)")
    }
    models = ExpectedResponseStage(registry: configuration.registry, parameters: parameters, saved: saved)
      .apply(to: &analysis, table: loaded.table)
    self.analysis = analysis
    clock.lap("expected response")
    aggregates = Aggregator(registry: configuration.registry)
      .aggregate(table: loaded.table, names: loaded.names, analysis: analysis, month: month)
    clock.lap("aggregate")
    self.clock = clock
  }

  /// The run and its output folder: `--out`, opened (and so checked) before the input is read rather
  /// than after the analysis, or `<defaultRoot>/<period>` once the period is known.
  static func start(
    input: InputOptions, methods: AnalysisOptions, period: PeriodOptions, out: String?, defaultRoot: String
  ) throws -> (PeriodRun, OutputFolder) {
    let named = try out.map(OutputFolder.init(path:))
    let run: PeriodRun
    do { run = try PeriodRun(input: input, methods: methods, period: period) } catch {
      named?.discard()
      throw error
    }
    return (run, try named ?? OutputFolder(path: "\(defaultRoot)/\(run.month)"))
  }

  /// Records the time since the previous stage ended under `name`.
  mutating func lap(_ name: String) { clock.lap(name) }

  /// The manifest of this run, with every stage's time so far and the inputs' SHA-256; its notes say
  /// which outcome instruments have no expected-response model, and why.
  func manifest(notes: [String] = []) -> Manifest {
    var withTimings = loaded
    withTimings.timings = clock.timings
    let modelNotes = models.filter { $0.fit == nil }.map { model in
      "no expected-response model for \(model.instrument): " + model.diagnostics.map { "\($0.code.rawValue): \($0.detail)" }.joined(separator: "; ")
    }
    return Manifest(
      version: RomtrackVersion.current, commandLine: CommandLine.arguments, asOf: asOf,
      parameters: parameters.manifestEntries, loaded: withTimings, sha256: hashes.wait(), notes: notes + modelNotes)
  }

  static let sampleFolder = "data/sample"

  /// The files named on the command line, or the bundled sample.
  static func inputFiles(_ input: InputOptions) throws -> [String] {
    if !input.allFiles.isEmpty { return input.allFiles }
    let sample = ["outcomes.csv", "alliance.csv"].map { sampleFolder + "/" + $0 }
    guard sample.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
      throw RunFailure.input("no --outcomes or --alliance files given, and no sample data in \(sampleFolder)/ here; run from the romtrack folder or name the files")
    }
    return sample
  }
}

import Foundation
