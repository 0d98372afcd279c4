import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack export`: aggregate files for research, safe to leave the practice.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write research exports: aggregates with small counts suppressed, the alliance-outcome association, and optionally pseudonymised client-level rows.",
    discussion: """
      Every count below --suppress is written as <N, and so is every count that would give one away \
      (practice = sum of sites = sum of clinicians, classified = improved + unchanged + deteriorated, \
      the year = the sum of its months; see README.txt in the export), and every rate, interval, mean \
      or effect size built on a suppressed count. Clinician ids are replaced by keyed pseudonyms \
      (HMAC-SHA256, one key per kind of id, from the secret in --salt-file), so --by clinician needs \
      --salt-file; --client-level adds client-level/clients.csv, one row per series with \
      pseudonymised ids and months instead of dates, which carries no suppression and needs a \
      data-sharing agreement. `romtrack export --new-salt FILE` makes a salt. Keep the salt file \
      inside the practice: whoever has it can link pseudonyms to ids by trying them.

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

  @Flag(help: "Also write client-level/clients.csv: one row per series with pseudonymised ids, not suppressed (needs --salt-file and a data-sharing agreement).")
  var clientLevel = false

  @Option(help: ArgumentHelp("A file holding the secret salt of the pseudonyms (at least 16 random bytes, see --new-salt; keep it inside the practice).", valueName: "file"))
  var saltFile: String?

  @Option(help: ArgumentHelp("Write a new salt (32 random bytes as 64 hex digits, mode 0600) to this file and stop; an existing file is never overwritten.", valueName: "file"))
  var newSalt: String?

  @Option(help: ArgumentHelp("Output folder (default exports/<period>/), replaced atomically; only a new or empty folder, or one romtrack wrote (docs/output-folder.md).", valueName: "dir"))
  var out: String?

  func validate() throws {
    if newSalt != nil { return }
    if let suppress, suppress < 1 { throw ValidationError("--suppress \(suppress): give a count of 1 or more") }
    if let suppress, suppress > AnalysisParameters.largestSuppression {
      throw ValidationError("--suppress \(suppress): give a count of at most \(AnalysisParameters.largestSuppression)")
    }
    if clientLevel && saltFile == nil { throw ValidationError("--client-level needs --salt-file: client ids leave the practice only pseudonymised") }
    if by.contains(.clinician) && saltFile == nil { throw ValidationError("--by clinician needs --salt-file: clinician ids leave the practice only pseudonymised") }
  }

  func run() throws {
    if let newSalt {
      do { try Pseudonyms.writeNewSalt(to: newSalt) } catch { throw RunFailure(code: ExitStatus.usageError, message: "--new-salt \(error)") }
      Console.status("wrote a new salt to \(newSalt) (mode 0600): keep it inside the practice, and use it for every export", quiet: input.quiet)
      return
    }
    let key = try saltFile.map(Export.readSalt)
    var (run, folder) = try PeriodRun.start(
      input: input, methods: methods, period: period, out: out, defaultRoot: "exports", command: "export",
      reads: saltFile.map { [.init("--salt-file", $0)] } ?? [])
    let threshold = suppress ?? run.parameters.suppress
    let (loaded, registry) = (run.loaded, run.configuration.registry)
    let levels = Level.allCases.filter { by.contains($0) }.map(\.aggregateLevel)
    let rename: (String) -> String = { id in key.map { ResearchClientsFile.clinicianPseudonym(id, key: $0) } ?? id }
    var written = ["README.txt", "aggregates.csv", "trends.csv", "alliance_outcome.csv", "dropout_alliance.csv"]
    do {
      // The files on all cores, as the report writes its own: the aggregate rows' names (clinicians'
      // pseudonyms) once for both files, the large files in parts of a few MB.
      let (table, analysis, aggregates) = (loaded.table, run.analysis, run.aggregates)
      let rows = AggregateFiles.Rows(aggregates, names: loaded.names, registry: registry, levels: levels, clinicianName: rename)
      // One pattern of suppressed counts for both files: a month's cells are in both.
      let suppression = SuppressionPattern(aggregates, rows: rows, threshold: threshold)
      run.lap("suppress")
      let (trendParts, summaryParts) = (rows.trendParts, rows.summaryParts)
      var jobs: [ParallelWrites.Job] = [
        .init("trends.csv", parts: trendParts) {
          AggregateFiles.trends(aggregates, rows: rows, suppression: suppression, part: $0, of: trendParts)
        },
        .init("aggregates.csv", parts: summaryParts) {
          AggregateFiles.summary(aggregates, rows: rows, suppression: suppression, part: $0, of: summaryParts)
        },
        .init("alliance_outcome.csv") {
          AllianceOutcomeFile.csv(AllianceOutcomeAssociation.estimate(table: table, registry: registry), suppression: .init(threshold: threshold))
        },
        .init("dropout_alliance.csv") { DropOutAllianceFile.csv(aggregates, suppression: .init(threshold: threshold)) },
      ]
      if clientLevel, let key {
        // The pseudonyms once, on all cores (`ResearchClientsFile.Cells`); the rows in parts
        // (`SeriesTable.fileParts`), first, as the largest file.
        let cells = ResearchClientsFile.Cells(table: table, names: loaded.names, registry: registry, key: key)
        let parts = table.fileParts
        // In a folder of its own: the rows are not suppressed (counting them gives every cell of the
        // aggregates back), so they go only where a data-sharing agreement covers them.
        jobs.insert(
          .init(Export.clientLevelFolder + "/clients.csv", parts: parts) {
            ResearchClientsFile.csv(table: table, registry: registry, analysis: analysis, cells: cells, part: $0, of: parts)
          }, at: 0)
        written.append(Export.clientLevelFolder + "/clients.csv")
        written.append(Export.clientLevelFolder + "/README.txt")
      }
      run.progress.start("writing the export")
      try ParallelWrites.run(jobs, into: folder)
      try folder.write("README.txt", Array(readme(month: run.month, threshold: threshold, levels: levels).utf8))
      if clientLevel {
        try folder.write(Export.clientLevelFolder + "/README.txt", Array(Export.clientLevelReadme(month: run.month).utf8))
      }
      run.lap("write export")
      run.progress.finish()
      try folder.write("manifest.json", try run.manifest(notes: ["research export: counts below \(threshold) suppressed, and every count that would give one away (secondary suppression, README.txt); ids pseudonymised with HMAC-SHA256, one key per kind of id"], runID: folder.runID).json())
      written.append("manifest.json")
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    Console.status("period \(run.month), scores up to \(run.asOf); counts below \(threshold) suppressed", quiet: input.quiet)
    Console.status("wrote \(folder.target.path)/: \(written.joined(separator: ", "))", quiet: input.quiet)
  }

  /// The sub-folder of the client-level rows.
  static let clientLevelFolder = "client-level"

  /// The salt: the file's bytes without a final line break, refused unless it passes
  /// `Pseudonyms.saltProblem` (16 bytes or more that are plainly not a pattern).
  static func readSalt(_ path: String) throws -> Pseudonyms {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunFailure.input("--salt-file \(path): cannot be read")
    }
    var bytes = [UInt8](data)
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    if let problem = Pseudonyms.saltProblem(bytes) {
      throw RunFailure.input("--salt-file \(path): \(problem); make a good one with `romtrack export --new-salt FILE`")
    }
    return Pseudonyms(salt: bytes)
  }

  func readme(month: YearMonth, threshold: Int, levels: [AggregateTable.Level]) -> String {
    """
    romtrack research export, \(month)

    aggregates.csv  the figures of METHODS.md section 9 per \(levels.map(\.rawValue).joined(separator: ", ")), \
    for \(month) and the 12 months ending with it; trends.csv the same per month.

    Suppression (column suppressed_below):
    1. Primary: every count below \(threshold), zero included, is written <\(threshold).
    2. Secondary: the counts of the two files obey identities, and no identity is left with
       exactly one suppressed count (else subtraction would give it back); while one is, its
       smallest published count is suppressed too. The identities, for every row and window:
       - classified = rc_improved + rc_unchanged + rc_deteriorated
                    = recovered + improved + unchanged + deteriorated + harmed = effect_size_n;
       - practice = the sum of the clinicians = the sum of the sites (each count, window and
         instrument; clients_seen is treated as adding up although a client seen by two
         clinicians counts once in the practice);
       - the 12 months of trends.csv add up to the trailing year of aggregates.csv for
         episodes_started, episodes_ended, episodes_finished and the outcome counts.
    3. Every rate, interval, mean or effect size built on a suppressed count is written
       <\(threshold) too.
    A suppressed count can still be bounded (it is at least 0); the rule does not look at other
    files (the practice's report, client-level rows), so never publish this export beside them.

    alliance_outcome.csv  the within/between association of METHODS.md section 8:
    outcome_{t+1} ~ outcome_t + (alliance_t - episode mean alliance) + episode mean alliance,
    OLS with client-clustered (CR1) standard errors; p and 95% interval against the normal
    (statsmodels' default) and against Student's t with G - 1 df (columns _t). A pair with
    fewer clients than the threshold is listed without estimates.
    NHS Talking Therapies rates (aggregates.csv and trends.csv): tt_* on an instrument's rows
    (the measure alone), pair_* on the "all" rows (the configured pair, PHQ-9 + GAD-7 by
    default); recovery and reliable recovery over finished courses at caseness at intake,
    reliable improvement and deterioration over all finished courses. dropout_*: unplanned
    endings (no discharge date, or discharged after fewer than \(DropOutRule.fewestSessions)
    scored sessions) over the episodes ended. adjusted_d (aggregates.csv, trailing 12 months):
    the effect size adjusted for starting severity (docs/methods.md).
    dropout_alliance.csv  drop-out among episodes ended in the 12 months that had an alliance
    measure, with and without low alliance, any rupture and an unrepaired rupture: rates with
    Wilson 95% intervals, risk difference (Newcombe) and risk ratio (Katz). An association,
    not a cause; and a rupture needs sessions to happen in, so longer courses have more
    chances of one (docs/methods.md).
    Pseudonyms: clinician ids (and, in client-level/clients.csv, client and episode ids) are
    HMAC-SHA256 codes, one key per kind of id derived from the practice's secret salt, over the
    kind and the id's length-prefixed fields: stable across exports made with the same salt,
    meaningless without it, never equal across kinds.
    Every column of every file (type, unit, empty cells, definition): docs/data-dictionary.md
    in the romtrack repository.

    """
  }

  /// The README of the client-level sub-folder.
  static func clientLevelReadme(month: YearMonth) -> String {
    """
    romtrack research export, \(month): client-level rows

    clients.csv  one row per series: pseudonymised client, episode and clinician (HMAC-SHA256
    codes keyed with the practice's secret salt), site, instrument, months instead of dates,
    and the series' scores and results.

    THESE ROWS CARRY NO SUPPRESSION. They are records about individual clients: counting them
    gives back every count of the aggregates, the small ones included. Share this folder only
    under a data-sharing agreement that covers pseudonymised client-level health data, never
    beside or inside a publication of the aggregates, and keep the salt inside the practice.

    """
  }
}
