import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack report`: the monthly report of a practice.
struct Report: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write the monthly report: HTML pages for the practice and each clinician, and its CSV files.",
    discussion: """
      With no --outcomes or --alliance it reads the bundled sample (data/sample/*.csv) and writes to \
      reports/<period>/. Without --period or --as-of the period is the last complete month of the data. \
      Only scores dated up to the as-of date count, so a rerun with last month's --period reproduces \
      last month's report. Methods and their references: docs/methods.md.

      Example: romtrack report outcomes.csv alliance.csv --period 2026-10 --out reports/2026-10
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup(title: "Methods (each also a key of the config file)") var methods: AnalysisOptions

  @OptionGroup(title: "Period") var period: PeriodOptions

  @Option(help: ArgumentHelp("Output folder (default reports/<period>/), replaced atomically.", valueName: "dir"))
  var out: String?

  func run() throws {
    let started = ContinuousClock.now
    var (run, folder) = try PeriodRun.start(input: input, methods: methods, period: period, out: out, defaultRoot: "reports")
    let (loaded, registry) = (run.loaded, run.configuration.registry)
    let (table, names, analysis) = (loaded.table, loaded.names, run.analysis)
    run.progress.start("writing the CSV files and the practice page")
    do {
      let (aggregates, models) = (run.aggregates, run.models)
      let (parameters, reconciliation, inputs, asOf) = (run.parameters, loaded.reconciliation, loaded.files, run.asOf)
      // The pages' content (caseloads in order, events by series) is built on another thread while
      // the CSV files, which do not need it, are written.
      let content = Background {
        ReportContent(
          table: table, names: names, registry: registry, analysis: analysis, aggregates: aggregates,
          models: models, parameters: parameters, reconciliation: reconciliation, inputs: inputs,
          version: RomtrackVersion.current, asOf: asOf)
      }
      let rejects = loaded.rejects
      let cells = SeriesNameCells(names: names, registry: registry)
      // The worklist first: sorting the series that need review is work out of proportion to the
      // file's size, and left for last it ran on one core alone. The practice page next, on a thread
      // that waits for the content meanwhile. Then the largest files, in parts of a few MB, so the
      // two cores finish together.
      let clientParts = table.fileParts
      let rows = AggregateFiles.Rows(aggregates, names: names, registry: registry)
      let (trendParts, summaryParts) = (rows.trendParts, rows.summaryParts)
      let eventParts = max(1, analysis.events.count / 32_768)
      try ParallelWrites.run(
        [
          .init("worklist.csv") {
            let order = WorklistFile.order(table: table, names: names, analysis: analysis)
            return WorklistFile.csv(table: table, registry: registry, analysis: analysis, cells: cells, order: order)
          },
          .init("index.html") { PracticePage.html(content.value) },
          .init("clients.csv", parts: clientParts) { part in
            ClientsFile.csv(table: table, names: names, registry: registry, analysis: analysis, cells: cells, part: part, of: clientParts)
          },
          .init("trends.csv", parts: trendParts) { AggregateFiles.trends(aggregates, rows: rows, part: $0, of: trendParts) },
          .init("events.csv", parts: eventParts) {
            EventsFile.csv(table: table, registry: registry, analysis: analysis, cells: cells, part: $0, of: eventParts)
          },
          .init("summary.csv", parts: summaryParts) { AggregateFiles.summary(aggregates, rows: rows, part: $0, of: summaryParts) },
          .init("rejects.csv") { RejectsFile.csv(rejects) },
          .init("model.json") { try ModelFile.json(models) },
        ], into: folder)
      run.lap("write files")
      run.progress.start("writing \(max(names.clinicians.count, 1)) clinician pages")
      try ClinicianPages.write(content.value, into: folder)
      run.lap("write clinician pages")
      run.progress.finish()
      try folder.write("manifest.json", try run.manifest().json())
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    let summary = RunSummary(loaded: loaded, registry: registry, seconds: started.secondsSince)
    var lines = summary.humanLines()
    lines.insert("period \(run.month), scores up to \(run.asOf)", at: 0)
    let worklist = analysis.series.reduce(0) { $0 + ($1.needsReview ? 1 : 0) }
    lines.append("worklist: \(worklist) series need review; events: \(analysis.events.count) (sudden gains, losses, ruptures)")
    for model in run.models {
      let notes = model.fit.diagnostics.map(\.code.rawValue).joined(separator: ", ")
      lines.append("ETR model \(model.instrument) (\(model.source)): \(model.fit.groups) series" + (notes.isEmpty ? "" : "; " + notes))
    }
    lines.append("wrote \(folder.target.path)/: index.html, clinicians/ (one page per clinician), clients.csv, worklist.csv, events.csv, summary.csv, trends.csv, rejects.csv (\(loaded.rejects.count) rows), model.json, manifest.json")
    for line in lines { Console.status(line, quiet: input.quiet) }
    if input.jsonSummary { print(summary.json()) }
    try checkRejectRate(loaded.reconciliation, limit: input.rejectLimit(run.configuration))
  }
}

extension CivilDate {
  /// Today's date in UTC.
  static var today: CivilDate {
    CivilDate(days: Int32(Int(Date().timeIntervalSince1970) / 86_400))
  }
}
