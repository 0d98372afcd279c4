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
  /// --max-reject-rate, or the configuration's.
  let rejectLimit: Double
  /// Every stage's time so far, the reading stages first.
  private(set) var clock: StageClock
  /// The phases on stderr; the command goes on with its writing phases.
  let progress: PhaseProgress

  init(input: InputOptions, methods: AnalysisOptions, period: PeriodOptions) throws {
    configuration = try input.loadConfiguration()
    parameters = try methods.parameters(configuration)
    rejectLimit = input.rejectLimit(configuration)
    files = try PeriodRun.inputFiles(input)
    var ingest = try input.ingestOptions(configuration)
    let progress = PhaseProgress.reading(files, quiet: input.quiet, ingest: &ingest)
    self.progress = progress
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
      files: files, registry: configuration.registry, ingest: ingest,
      series: input.seriesOptions(configuration, asOf: period.asOfDate),
      asOfFromLatest: { ReportPeriod.lastCompleteMonth(latest: $0, today: today).lastDay },
      whenRead: {
        started = InputHashes(paths: paths)
        progress.start("grouping rows into series")
      })
    try PeriodRun.checkUsable(loaded, registry: configuration.registry, rejectLimit: rejectLimit, input: input)
    guard let asOf = loaded.table.asOf else { throw RunFailure.input(PeriodRun.noPeriodMessage(loaded)) }
    self.asOf = asOf
    month = YearMonth(year: asOf.components.year, month: asOf.components.month)
    hashes = started ?? InputHashes(paths: files)
    var clock = StageClock(timings: loaded.timings)
    progress.start("analysing \(loaded.table.series.count) series")
    var analysis = Analyzer(registry: configuration.registry, parameters: parameters).analyze(loaded.table)
    SparePages.shared.stopKeeping()
    clock.lap("analyse")
    progress.start("expected response and aggregates")
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

  /// The run and its output folder. `--out` (or `<defaultRoot>/<period>` when --period or --as-of names
  /// the period) is checked and opened before the input is read, so an unusable folder fails the run
  /// at once; the default folder of a period found in the data, once it is known. Every check that can
  /// fail the run (`checkUsable`, right after the input is read) comes before anything is written: a
  /// failed run leaves the previous report as it was. `reads`: files read besides the inputs (the salt).
  static func start(
    input: InputOptions, methods: AnalysisOptions, period: PeriodOptions, out: String?, defaultRoot: String,
    command: String = "report", reads extra: [OutputFolder.ReadFile] = []
  ) throws -> (PeriodRun, OutputFolder) {
    let reads = try readFiles(input: input, period: period) + extra
    let early = out ?? period.asOfDate.map { "\(defaultRoot)/\(YearMonth(year: $0.components.year, month: $0.components.month))" }
    let named = try early.map { try OutputFolder(path: $0, command: command, reads: reads) }
    let run: PeriodRun
    do { run = try PeriodRun(input: input, methods: methods, period: period) } catch {
      named?.discard()
      throw error
    }
    return (run, try named ?? OutputFolder(path: "\(defaultRoot)/\(run.month)", command: command, reads: reads))
  }

  /// The files the run reads, none of which may lie in the folder it replaces: the inputs, the
  /// configuration and saved ETR models.
  static func readFiles(input: InputOptions, period: PeriodOptions) throws -> [OutputFolder.ReadFile] {
    var reads = try inputFiles(input).map { OutputFolder.ReadFile("input file", $0) }
    if let config = input.configurationPath { reads.append(.init("--config file", config)) }
    reads += period.etrModel.map { .init("--etr-model file", $0) }
    return reads
  }

  /// Fails the run (before anything is written) when the row reconciliation does not balance, when
  /// rows were rejected and none was usable, or when more than --max-reject-rate were rejected; the
  /// summary of what was read is printed first (and --json-summary's), so the cause shows without a
  /// rejects.csv.
  static func checkUsable(_ loaded: LoadedInput, registry: InstrumentRegistry, rejectLimit: Double, input: InputOptions) throws {
    let counts = loaded.reconciliation
    let unchanged = "nothing was written, the output folder is as it was; run `romtrack validate` on the same files for rejects.csv"
    let failure: RunFailure?
    if !counts.balances {
      failure = .internal("the row reconciliation does not balance: " + counts.lines[0])
    } else if counts.rowsUsed == 0 && counts.rowsRejected > 0 {
      failure = .input("none of the \(counts.rowsRead) rows read is usable (\(counts.rowsRejected) rejected); " + unchanged)
    } else if counts.rejectRate > rejectLimit {
      failure = .input(
        String(format: "%.1f%% of rows were rejected, more than --max-reject-rate %.1f%%; ", counts.rejectRate * 100, rejectLimit * 100) + unchanged)
    } else {
      failure = nil
    }
    guard let failure else { return }
    let summary = RunSummary(loaded: loaded, registry: registry, seconds: 0)
    for line in summary.humanLines().dropLast() { Console.status(line, quiet: input.quiet) }
    if input.jsonSummary { print(summary.json()) }
    throw failure
  }

  /// The warnings of a run that passed its checks, for the manifest: rejected rows (within
  /// --max-reject-rate) with the first row of each reason, and the ETR models' diagnostics of level
  /// warning or error.
  var warnings: [String] {
    let counts = loaded.reconciliation
    var lines: [String] = []
    if counts.rowsRejected > 0 {
      lines.append(
        String(format: "%d of %d rows rejected (%.1f%%, within --max-reject-rate %.1f%%): see rejects.csv",
          counts.rowsRejected, counts.rowsRead, counts.rejectRate * 100, rejectLimit * 100))
    }
    for (reason, count) in counts.rejectedByReason.sorted(by: { $0.key < $1.key }) {
      let first = loaded.rejects.first { $0.reason.rawValue == reason }
      lines.append("rejected \(reason): \(count)" + (first.map { ", first \($0.file) line \($0.line), \($0.field): \($0.detail)" } ?? ""))
    }
    for model in models {
      for diagnostic in (model.fit?.diagnostics ?? model.diagnostics) where diagnostic.level >= .warning {
        lines.append("ETR model \(model.instrument) (\(model.source)): \(diagnostic.code.rawValue) (\(diagnostic.level.rawValue)): \(diagnostic.detail)")
      }
    }
    return lines
  }

  /// Records the time since the previous stage ended under `name`.
  mutating func lap(_ name: String) { clock.lap(name) }

  /// The manifest of this run, with every stage's time so far and the inputs' SHA-256; its notes say
  /// which outcome instruments have no expected-response model, and why.
  func manifest(notes: [String] = [], runID: String) -> Manifest {
    var withTimings = loaded
    withTimings.timings = clock.timings
    let modelNotes = models.filter { $0.fit == nil }.map { model in
      "no expected-response model for \(model.instrument): " + model.diagnostics.map { "\($0.code.rawValue): \($0.detail)" }.joined(separator: "; ")
    }
    return Manifest(
      version: RomtrackVersion.current, commandLine: CommandLine.arguments, asOf: asOf,
      parameters: parameters.manifestEntries, loaded: withTimings, sha256: hashes.wait(), notes: notes + modelNotes,
      runID: runID, warnings: warnings)
  }

  /// Why no report period could be chosen from the data, and what to do: the dates could not be read
  /// (with the `--date-format` that reads them), are all after today, or there are none.
  static func noPeriodMessage(_ loaded: LoadedInput) -> String {
    let counts = loaded.reconciliation.rejectedByReason
    let choose = "give --period or --as-of"
    if let unread = counts[RejectReason.badDate.rawValue], unread > 0 {
      let hint = loaded.files.lazy.compactMap { file in file.dateFormatHint.map { (file, $0) } }.first
      let example = hint.map { " (e.g. \"\($0.0.unreadDates[0])\")" } ?? ""
      let remedy = hint.map { "; --date-format \($0.1) reads them" } ?? "; see rejects.csv"
      return "no date could be read: \(unread) rows have a date not in the format \(loaded.files.first?.dateFormat.pattern ?? "YYYY-MM-DD")\(example)\(remedy), or \(choose)"
    }
    if let future = counts[RejectReason.futureDate.rawValue], future > 0 {
      return "every dated row is after today (\(future) rows rejected as future_date), so no report period can be chosen; correct the dates, or \(choose)"
    }
    if loaded.reconciliation.rowsUsed == 0 {
      return "no row could be used (\(loaded.reconciliation.rowsRejected) of \(loaded.reconciliation.rowsRead) rejected), so no report period can be chosen; see `romtrack validate` and rejects.csv"
    }
    return "the input has no dates (no date column, or every date empty), so no report period can be chosen; \(choose)"
  }

  static let sampleFolder = "data/sample"

  /// The files named on the command line, or the bundled sample (with its goal ratings, goals.csv,
  /// when present).
  static func inputFiles(_ input: InputOptions) throws -> [String] {
    if !input.allFiles.isEmpty { return input.allFiles }
    let sample = ["outcomes.csv", "alliance.csv"].map { sampleFolder + "/" + $0 }
    guard sample.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
      throw RunFailure.input("no --outcomes or --alliance files given, and no sample data in \(sampleFolder)/ here; run from the romtrack folder or name the files")
    }
    let goals = sampleFolder + "/goals.csv"
    return sample + (FileManager.default.fileExists(atPath: goals) ? [goals] : [])
  }
}

import Foundation
