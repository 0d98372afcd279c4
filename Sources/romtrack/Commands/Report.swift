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

  @Option(help: ArgumentHelp("Output folder (default reports/<period>/), replaced atomically; only a new or empty folder, or one romtrack wrote (docs/output-folder.md).", valueName: "dir"))
  var out: String?

  @Flag(help: "Also write a progress sheet for each active episode, for the client (clinicians/<id>/clients/), linked from the clinician's page.")
  var clientSheets = false

  @Option(name: .customLong("sheet-client"), help: ArgumentHelp("Write progress sheets only for this client's active episodes (repeatable; implies --client-sheets).", valueName: "id"))
  var sheetClients: [String] = []

  func run() throws {
    let started = ContinuousClock.now
    var (run, folder) = try PeriodRun.start(input: input, methods: methods, period: period, out: out, defaultRoot: "reports")
    let (loaded, registry) = (run.loaded, run.configuration.registry)
    let (table, names, analysis) = (loaded.table, loaded.names, run.analysis)
    run.progress.start("writing the CSV files and the practice page")
    var sheetCount = 0
    do {
      let (aggregates, models) = (run.aggregates, run.models)
      let (parameters, reconciliation, inputs, asOf) = (run.parameters, loaded.reconciliation, loaded.files, run.asOf)
      // The pages' content (caseloads in order, events by series) is built on another thread while
      // the CSV files, which do not need it, are written.
      let sheets = clientSheets || !sheetClients.isEmpty
      let sheetClients = Set(sheetClients)
      let wording = try sheets ? Sheet.wording(run.configuration) : .builtIn
      let content = Background {
        var content = ReportContent(
          table: table, names: names, registry: registry, analysis: analysis, aggregates: aggregates,
          models: models, parameters: parameters, reconciliation: reconciliation, inputs: inputs,
          version: RomtrackVersion.current, asOf: asOf)
        if sheets { content.clientSheets = Set(ClientSheets.activeEpisodes(content, clients: sheetClients)) }
        return content
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
      if sheets {
        try ClientSheets.write(content.value, episodes: ClientSheets.activeEpisodes(content.value, clients: sheetClients), wording: wording, into: folder)
        run.lap("write client sheets")
      }
      sheetCount = content.value.clientSheets.count
      run.progress.finish()
      try folder.write("manifest.json", try run.manifest(runID: folder.runID).json())
      try folder.commit()
    } catch let failure as RunFailure {
      folder.discard()
      throw failure
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
      guard let fit = model.fit else {
        lines.append("ETR model \(model.instrument): none; " + model.diagnostics.map { "\($0.code.rawValue): \($0.detail)" }.joined(separator: "; "))
        continue
      }
      let notes = fit.diagnostics.map(\.code.rawValue).joined(separator: ", ")
      lines.append("ETR model \(model.instrument) (\(model.source)): \(fit.groups) series" + (notes.isEmpty ? "" : "; " + notes))
    }
    if clientSheets || !sheetClients.isEmpty {
      lines.append("progress sheets: \(sheetCount) (one per active episode\(sheetClients.isEmpty ? "" : " of the clients named"), in clinicians/<id>/clients/)")
    }
    lines.append("wrote \(folder.target.path)/: index.html, clinicians/ (one page per clinician), clients.csv, worklist.csv, events.csv, summary.csv, trends.csv, rejects.csv (\(loaded.rejects.count) rows), model.json, manifest.json")
    for line in lines { Console.status(line, quiet: input.quiet) }
    if input.jsonSummary { print(summary.json()) }
  }
}

extension CivilDate {
  /// Today's date in UTC.
  static var today: CivilDate {
    CivilDate(days: Int32(Int(Date().timeIntervalSince1970) / 86_400))
  }
}
