import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack sheet`: one client's progress sheet, to share in a session.
struct Sheet: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write one client's progress sheet: a one-page HTML in plain words, for the client.",
    discussion: """
      Reads the input as `romtrack report` does and writes the sheet of each active episode of the \
      client (or of --episode, active or not; or, when the client has no active episode, of their \
      latest) into --out, by default sheets/<period>/<client>/, with a manifest.json. The words come \
      from the config file's client_sheet_wording (a file in the format --print-wording writes) or \
      romtrack's own. `romtrack report --client-sheets` writes the sheets of every active episode \
      into the report. What is on a sheet: docs/report.md, "Progress sheets".
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup(title: "Methods (each also a key of the config file)") var methods: AnalysisOptions

  @OptionGroup(title: "Period") var period: PeriodOptions

  @Option(help: ArgumentHelp("The client's id, as in the input's client_id column.", valueName: "id"))
  var client: String?

  @Option(help: ArgumentHelp("Only this episode of the client (its episode_id).", valueName: "id"))
  var episode: String?

  @Option(help: ArgumentHelp("Output folder (default sheets/<period>/<client>/), replaced atomically.", valueName: "dir"))
  var out: String?

  @Flag(help: "Print the sheet's wording template (romtrack's own words) to adapt, and stop.")
  var printWording = false

  func validate() throws {
    if !printWording && client == nil { throw ValidationError("give --client ID (or --print-wording)") }
  }

  func run() throws {
    if printWording {
      print(ClientSheetWording.builtInTemplate)
      return
    }
    guard let client else { return }
    let started = ContinuousClock.now
    let reads = try PeriodRun.readFiles(input: input, period: period)
    let named = try out.map { try OutputFolder(path: $0, command: "sheet", reads: reads) }
    var run: PeriodRun
    do { run = try PeriodRun(input: input, methods: methods, period: period) } catch {
      named?.discard()
      throw error
    }
    let folder: OutputFolder
    do {
      folder = try named ?? OutputFolder(path: "sheets/\(run.month)/\(SafeFileName.forID(client))", command: "sheet", reads: reads)
    }
    let wording: ClientSheetWording
    let episodes: [Int]
    let content: ReportContent
    do {
      wording = try Sheet.wording(run.configuration)
      content = run.reportContent()
      do { episodes = try ClientSheets.episodes(content, client: client, episode: episode) } catch let problem as ClientSheets.NotFound {
        throw RunFailure.input(problem.message)
      }
    } catch {
      folder.discard()
      throw error
    }
    var written: [String] = []
    do {
      for e in episodes {
        let name = (ClientSheets.fileName(content, episode: e) as NSString).lastPathComponent
        try folder.write(name, ClientSheet.html(content, episode: e, wording: wording))
        written.append(name)
      }
      run.lap("write client sheets")
      try folder.write("manifest.json", try run.manifest(runID: folder.runID).json())
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    let seconds = started.secondsSince
    Console.status("period \(run.month), scores up to \(run.asOf); \(String(format: "%.2f", seconds)) s", quiet: input.quiet)
    Console.status("wrote \(folder.target.path)/: \(written.joined(separator: ", ")), manifest.json", quiet: input.quiet)
  }

  /// The practice's wording (the config file's `client_sheet_wording`), or romtrack's own.
  static func wording(_ configuration: Configuration) throws -> ClientSheetWording {
    guard let path = configuration.clientSheetWording else { return .builtIn }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw RunFailure.input("\(configuration.source ?? "config"): client_sheet_wording: cannot read \(path) as UTF-8 text")
    }
    do { return try ClientSheetWording.parse(text, source: path) } catch let error as ClientSheetWordingError {
      throw RunFailure.input(error.description)
    }
  }
}

extension PeriodRun {
  /// What the pages show, for this run.
  func reportContent() -> ReportContent {
    ReportContent(
      table: loaded.table, names: loaded.names, registry: configuration.registry, analysis: analysis,
      aggregates: aggregates, models: models, parameters: parameters, reconciliation: loaded.reconciliation,
      inputs: loaded.files, version: RomtrackVersion.current, asOf: asOf)
  }
}
