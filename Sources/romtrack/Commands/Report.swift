import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack report`: the monthly report of a practice.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the monthly report: clients, worklist, events, model, rejects and manifest.",
    discussion: """
      With no --outcomes or --alliance it reads the bundled sample (data/sample/*.csv) and writes to \
      reports/<period>/. Without --period or --as-of the period is the last complete month of the data. \
      Methods and their references: docs/methods.md.
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup(title: "Methods (each also a key of the config file)") var methods: AnalysisOptions

  @Option(help: ArgumentHelp("The month to report, YYYY-MM: scores up to its last day count.", valueName: "month"))
  var period: String?

  @Option(help: ArgumentHelp("Only scores dated on or before this day count (YYYY-MM-DD); the period is its month.", valueName: "date"))
  var asOf: String?

  @Option(help: ArgumentHelp("Output folder (default reports/<period>/), replaced atomically.", valueName: "dir"))
  var out: String?

  @Option(help: ArgumentHelp("An expected-treatment-response model saved by `romtrack model --save`, used instead of fitting one on the input (repeatable, one per instrument).", valueName: "file"))
  var etrModel: [String] = []

  static let sampleFolder = "data/sample"

  func validate() throws {
    if period != nil && asOf != nil { throw ValidationError("give --period or --as-of, not both") }
    if let period, YearMonth(period) == nil { throw ValidationError("--period \(period): use YYYY-MM, e.g. 2026-10") }
    if let asOf, CivilDate(iso: asOf) == nil { throw ValidationError("--as-of \(asOf): use YYYY-MM-DD") }
  }

  func run() throws {
    let started = ContinuousClock.now
    let configuration = try input.loadConfiguration()
    let parameters = try methods.parameters(configuration)
    let files = try inputFiles()
    var asOfDate: CivilDate? = asOf.flatMap { CivilDate(iso: $0) } ?? period.flatMap { YearMonth($0)?.lastDay }
    Console.progress("reading \(files.count) file\(files.count == 1 ? "" : "s")", quiet: input.quiet)
    let today = CivilDate.today
    let loaded = try InputLoader.load(
      files: files, registry: configuration.registry, ingest: try input.ingestOptions(configuration),
      series: input.seriesOptions(configuration, asOf: asOfDate),
      asOfFromLatest: { ReportPeriod.lastCompleteMonth(latest: $0, today: today).lastDay })
    asOfDate = loaded.table.asOf
    guard let asOfDate else {
      throw RunFailure.input("the input has no dates, so no report period can be chosen; give --period or --as-of")
    }
    let month = YearMonth(year: asOfDate.components.year, month: asOfDate.components.month)
    let hashes = InputHashes(paths: files)
    Console.progress("analysing \(loaded.table.series.count) series", quiet: input.quiet)
    let clock = ContinuousClock()
    var phase = clock.now
    var timings = loaded.timings
    func lap(_ name: String) {
      timings.append(StageTiming(stage: name, seconds: phase.duration(to: clock.now).seconds))
      phase = clock.now
    }
    var analysis = Analyzer(registry: configuration.registry, parameters: parameters).analyze(loaded.table)
    lap("analyse")
    let saved: [String: (fit: GrowthModelFit, source: String)]
    do { saved = try ExpectedResponseStage.load(paths: etrModel) } catch {
      throw RunFailure.input("--etr-model: \(error)")
    }
    let models = ExpectedResponseStage(registry: configuration.registry, parameters: parameters, saved: saved)
      .apply(to: &analysis, table: loaded.table)
    lap("expected response")
    let aggregates = Aggregator(registry: configuration.registry)
      .aggregate(table: loaded.table, names: loaded.names, analysis: analysis, month: month)
    lap("aggregate")
    let folder = try OutputFolder(path: out ?? "reports/\(month)")
    do {
      let (table, names, registry) = (loaded.table, loaded.names, configuration.registry)
      try folder.write("clients.csv", ClientsFile.csv(table: table, names: names, registry: registry, analysis: analysis))
      try folder.write("worklist.csv", WorklistFile.csv(table: table, names: names, registry: registry, analysis: analysis))
      try folder.write("events.csv", EventsFile.csv(table: table, names: names, registry: registry, analysis: analysis))
      try folder.write("summary.csv", AggregateFiles.summary(aggregates, names: names, registry: registry))
      try folder.write("trends.csv", AggregateFiles.trends(aggregates, names: names, registry: registry))
      try folder.write("rejects.csv", RejectsFile.csv(loaded.rejects))
      try folder.write("model.json", try ModelFile.json(models))
      lap("write csv")
      let content = ReportContent(
        table: table, names: names, registry: registry, analysis: analysis, aggregates: aggregates, models: models,
        parameters: parameters, reconciliation: loaded.reconciliation, inputs: loaded.files,
        version: RomtrackVersion.current, asOf: asOfDate)
      try folder.write("index.html", PracticePage.html(content))
      try ClinicianPages.write(content, into: folder)
      lap("write html")
      var withTimings = loaded
      withTimings.timings = timings
      let manifest = Manifest(
        version: RomtrackVersion.current, commandLine: CommandLine.arguments, asOf: asOfDate,
        parameters: parameters.manifestEntries, loaded: withTimings, sha256: hashes.wait())
      try folder.write("manifest.json", try manifest.json())
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    let summary = RunSummary(loaded: loaded, registry: configuration.registry, seconds: started.secondsSince)
    var lines = summary.humanLines()
    lines.insert("period \(month), scores up to \(asOfDate)", at: 0)
    let worklist = analysis.series.reduce(0) { $0 + ($1.needsReview ? 1 : 0) }
    lines.append("worklist: \(worklist) series need review; events: \(analysis.events.count) (sudden gains, losses, ruptures)")
    for model in models {
      let notes = model.fit.diagnostics.map(\.code.rawValue).joined(separator: ", ")
      lines.append("ETR model \(model.instrument) (\(model.source)): \(model.fit.groups) series" + (notes.isEmpty ? "" : "; " + notes))
    }
    lines.append("wrote \(folder.target.path)/: index.html, clinicians/ (\(loaded.names.clinicians.count) pages), clients.csv, worklist.csv, events.csv, summary.csv, trends.csv, rejects.csv (\(loaded.rejects.count) rows), model.json, manifest.json")
    for line in lines { Console.status(line, quiet: input.quiet) }
    if input.jsonSummary { print(summary.json()) }
    try checkRejectRate(loaded.reconciliation, limit: input.rejectLimit(configuration))
  }

  /// The files named on the command line, or the bundled sample.
  func inputFiles() throws -> [String] {
    if !input.allFiles.isEmpty { return input.allFiles }
    let sample = ["outcomes.csv", "alliance.csv"].map { Report.sampleFolder + "/" + $0 }
    guard sample.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
      throw RunFailure.input("no --outcomes or --alliance files given, and no sample data in \(Report.sampleFolder)/ here; run from the romtrack folder or name the files")
    }
    return sample
  }
}

extension CivilDate {
  /// Today's date in UTC.
  static var today: CivilDate {
    CivilDate(days: Int32(Int(Date().timeIntervalSince1970) / 86_400))
  }
}
