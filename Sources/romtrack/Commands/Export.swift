import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack export`: aggregate files for research, safe to leave the practice.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write research exports: aggregates with small counts suppressed, the alliance-outcome association, and optionally pseudonymised client-level rows.",
    discussion: """
      Every count below --suppress is written as <N, and so is every rate, interval, mean or effect \
      size built on one. Clinician ids are replaced by keyed pseudonyms (HMAC-SHA256 with the secret \
      in --salt-file), so --by clinician needs --salt-file; --client-level adds one row per series \
      with pseudonymised client, episode and clinician ids and months instead of dates. Keep the salt \
      file inside the practice: whoever has it can link pseudonyms to ids by trying them.

      Example: romtrack export outcomes.csv alliance.csv --period 2026-10 --by practice --by clinician --salt-file salt.txt
      """
  )

  enum Level: String, ExpressibleByArgument, CaseIterable {
    case practice, clinician, site
    var aggregateLevel: AggregateTable.Level {
      switch self {
      case .practice: .practice
      case .clinician: .clinician
      case .site: .site
      }
    }
  }

  @OptionGroup var input: InputOptions

  @OptionGroup(title: "Methods (each also a key of the config file)") var methods: AnalysisOptions

  @OptionGroup(title: "Period") var period: PeriodOptions

  @Option(help: ArgumentHelp("The groups to export: practice, clinician or site (repeatable).", valueName: "level"))
  var by: [Level] = [.practice]

  @Option(help: ArgumentHelp("Counts below this are suppressed (default 5, or the config's suppress).", valueName: "n"))
  var suppress: Int?

  @Flag(help: "Also write clients.csv: one row per series with pseudonymised ids (needs --salt-file).")
  var clientLevel = false

  @Option(help: ArgumentHelp("A file holding the secret salt of the pseudonyms (at least 16 bytes; keep it inside the practice).", valueName: "file"))
  var saltFile: String?

  @Option(help: ArgumentHelp("Output folder (default exports/<period>/), replaced atomically.", valueName: "dir"))
  var out: String?

  func validate() throws {
    if let suppress, suppress < 1 { throw ValidationError("--suppress \(suppress): give a count of 1 or more") }
    if clientLevel && saltFile == nil { throw ValidationError("--client-level needs --salt-file: client ids leave the practice only pseudonymised") }
    if by.contains(.clinician) && saltFile == nil { throw ValidationError("--by clinician needs --salt-file: clinician ids leave the practice only pseudonymised") }
  }

  func run() throws {
    let key = try saltFile.map(Export.readSalt)
    var (run, folder) = try PeriodRun.start(input: input, methods: methods, period: period, out: out, defaultRoot: "exports")
    let threshold = suppress ?? run.parameters.suppress
    let suppression = AggregateFiles.Suppression(threshold: threshold)
    let (loaded, registry) = (run.loaded, run.configuration.registry)
    let levels = Level.allCases.filter { by.contains($0) }.map(\.aggregateLevel)
    let rename: (String) -> String = { id in key.map { ResearchClientsFile.clinicianPseudonym(id, key: $0) } ?? id }
    var written = ["README.txt", "aggregates.csv", "trends.csv", "alliance_outcome.csv"]
    do {
      // The files on all cores, as the report writes its own: the aggregate rows' names (clinicians'
      // pseudonyms) once for both files, the large files in parts of a few MB.
      let (table, analysis, aggregates) = (loaded.table, run.analysis, run.aggregates)
      let rows = AggregateFiles.Rows(aggregates, names: loaded.names, registry: registry, levels: levels, clinicianName: rename)
      let (trendParts, summaryParts) = (rows.trendParts, rows.summaryParts)
      var jobs: [ParallelWrites.Job] = [
        .init("trends.csv", parts: trendParts) {
          AggregateFiles.trends(aggregates, rows: rows, suppression: suppression, part: $0, of: trendParts)
        },
        .init("aggregates.csv", parts: summaryParts) {
          AggregateFiles.summary(aggregates, rows: rows, suppression: suppression, part: $0, of: summaryParts)
        },
        .init("alliance_outcome.csv") {
          AllianceOutcomeFile.csv(AllianceOutcomeAssociation.estimate(table: table, registry: registry), suppression: suppression)
        },
      ]
      if clientLevel, let key {
        // The pseudonyms once, on all cores (`ResearchClientsFile.Cells`); the rows in parts
        // (`SeriesTable.fileParts`), first, as the largest file.
        let cells = ResearchClientsFile.Cells(table: table, names: loaded.names, registry: registry, key: key)
        let parts = table.fileParts
        jobs.insert(
          .init("clients.csv", parts: parts) {
            ResearchClientsFile.csv(table: table, registry: registry, analysis: analysis, cells: cells, part: $0, of: parts)
          }, at: 0)
        written.append("clients.csv")
      }
      run.progress.start("writing the export")
      try ParallelWrites.run(jobs, into: folder)
      try folder.write("README.txt", Array(readme(month: run.month, threshold: threshold, levels: levels).utf8))
      run.lap("write export")
      run.progress.finish()
      try folder.write("manifest.json", try run.manifest(notes: ["research export: counts below \(threshold) suppressed; ids pseudonymised with HMAC-SHA256"]).json())
      written.append("manifest.json")
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    Console.status("period \(run.month), scores up to \(run.asOf); counts below \(threshold) suppressed", quiet: input.quiet)
    Console.status("wrote \(folder.target.path)/: \(written.joined(separator: ", "))", quiet: input.quiet)
    try checkRejectRate(loaded.reconciliation, limit: input.rejectLimit(run.configuration))
  }

  /// The salt: the file's bytes without a final line break; at least 16 bytes.
  static func readSalt(_ path: String) throws -> HMACSHA256 {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunFailure.input("--salt-file \(path): cannot be read")
    }
    var bytes = [UInt8](data)
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    guard bytes.count >= 16 else {
      throw RunFailure.input("--salt-file \(path): the salt has \(bytes.count) bytes; use at least 16 random bytes, e.g. `head -c 32 /dev/urandom | base64 > \(path)`")
    }
    return HMACSHA256(key: bytes)
  }

  func readme(month: YearMonth, threshold: Int, levels: [AggregateTable.Level]) -> String {
    """
    romtrack research export, \(month)

    aggregates.csv  the figures of METHODS.md section 9 per \(levels.map(\.rawValue).joined(separator: ", ")), \
    for \(month) and the 12 months ending with it; trends.csv the same per month.
    Suppression: every count below \(threshold) is written <\(threshold), and so is every rate,
    interval, mean or effect size built on one (column suppressed_below). Zero counts are
    suppressed too. Counts that could be recovered by subtraction from other cells are not
    suppressed a second time: check before publishing tables that combine rows.
    alliance_outcome.csv  the within/between association of METHODS.md section 8:
    outcome_{t+1} ~ outcome_t + (alliance_t - episode mean alliance) + episode mean alliance,
    OLS with client-clustered (CR1) standard errors; p and 95% interval against the normal
    (statsmodels' default) and against Student's t with G - 1 df (columns _t). A pair with
    fewer clients than the threshold is listed without estimates.
    Pseudonyms: clinician (and, in clients.csv, client and episode) ids are HMAC-SHA256 codes
    keyed with the practice's secret salt: stable across exports made with the same salt,
    meaningless without it. clients.csv has months, not dates.

    """
  }
}
