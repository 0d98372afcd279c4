import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack backtest`: what the worklist would have cost and caught on the practice's own history.
struct BacktestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract: "Replay the history month by month and score every worklist flag against how episodes ended.",
    discussion: """
      Each month end is replayed with only the scores known that day, as that month's report saw them \
      (the expected-response model refitted on that day's data unless --etr-model is given). Each flag \
      and tier is scored against how the episodes ended: reliable deterioration, no reliable \
      improvement, recovery, drop-out; with --truth (the clients_truth.csv of `romtrack generate \
      --truth`), also against the planted courses and ruptures. Writes backtest.csv and backtest.html. \
      Example: romtrack backtest --outcomes outcomes.csv --alliance alliance.csv --out backtest/
      """
  )

  @OptionGroup var input: InputOptions

  @OptionGroup(title: "Methods (each also a key of the config file)") var methods: AnalysisOptions

  @Option(help: ArgumentHelp("An expected-treatment-response model saved by `romtrack model --save`, used on every replayed day instead of fitting one (repeatable).", valueName: "file"))
  var etrModel: [String] = []

  @Option(help: ArgumentHelp("clients_truth.csv of `romtrack generate --truth`: score against the planted courses and ruptures too.", valueName: "file"))
  var truth: String?

  @Option(help: ArgumentHelp("First month replayed, YYYY-MM (default: the second month of the data).", valueName: "month"))
  var from: String?

  @Option(help: ArgumentHelp("Last month replayed, YYYY-MM (default: the last complete month of the data).", valueName: "month"))
  var to: String?

  @Option(help: ArgumentHelp("Red thresholds to try for the act tier, comma-separated (default 1.0,1.282,1.645,1.96,2.326).", valueName: "list"))
  var redThresholds: String = "1.0,1.282,1.645,1.96,2.326"

  @Option(help: ArgumentHelp("Lost-contact limits in days to try for the act tier, comma-separated (default 14,21,28,35).", valueName: "list"))
  var lostContactTries: String = "14,21,28,35"

  @Option(help: ArgumentHelp("Sessions from which a stalled series would count in the act tier, to try, comma-separated (default 6,8,10,12).", valueName: "list"))
  var stalledTries: String = "6,8,10,12"

  @Option(help: ArgumentHelp("Output folder (default backtest/), replaced atomically.", valueName: "dir"))
  var out: String = "backtest"

  func validate() throws {
    if let from, YearMonth(from) == nil { throw ValidationError("--from \(from): use YYYY-MM") }
    if let to, YearMonth(to) == nil { throw ValidationError("--to \(to): use YYYY-MM") }
    for (flag, text) in [("--from", from), ("--to", to)] {
      if let text, let month = YearMonth(text), month.year < 1001 {
        throw ValidationError("\(flag) \(text): the year must be from 1001 to 9999, as the dates in the data")
      }
    }
    if reds == nil { throw ValidationError("--red-thresholds \(redThresholds): give positive numbers up to 100 separated by commas") }
    if stalls == nil { throw ValidationError("--stalled-tries \(stalledTries): give whole session numbers, 1 to 100,000, separated by commas") }
    if days == nil {
      throw ValidationError("--lost-contact-tries \(lostContactTries): give whole numbers of days, 1 to \(AnalysisParameters.largestDays), separated by commas")
    }
  }

  var reds: [Double]? {
    let values = redThresholds.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    return values.allSatisfy({ ($0 ?? 0) > 0 && $0! <= 100 }) && !values.isEmpty ? values.map { $0! } : nil
  }

  var stalls: [Int]? { Self.counts(stalledTries, upTo: 100_000) }

  var days: [Int]? { Self.counts(lostContactTries, upTo: AnalysisParameters.largestDays) }

  /// The whole numbers of a comma-separated list, each from 1 to `largest`; `nil` when one is not.
  static func counts(_ list: String, upTo largest: Int) -> [Int]? {
    let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    return values.allSatisfy({ ($0 ?? 0) >= 1 && $0! <= largest }) && !values.isEmpty ? values.map { $0! } : nil
  }

  func run() throws {
    let started = ContinuousClock.now
    let configuration = try input.loadConfiguration()
    let parameters = try methods.parameters(configuration)
    let registry = configuration.registry
    let files = try PeriodRun.inputFiles(input)
    let reads = files.map { OutputFolder.ReadFile("input file", $0) } + etrModel.map { OutputFolder.ReadFile("--etr-model", $0) }
      + (truth.map { [OutputFolder.ReadFile("--truth", $0)] } ?? [])
    let folder = try OutputFolder(path: out, command: "backtest", reads: reads)
    let saved: [String: (fit: GrowthModelFit, source: String)]
    let planted: [String: PlantedEpisode]?
    do {
      saved = try ExpectedResponseStage.load(paths: etrModel)
      planted = try truth.map(PlantedTruth.read(path:))
    } catch {
      folder.discard()
      throw RunFailure.input("\(error)")
    }
    Console.progress("reading \(files.count) file\(files.count == 1 ? "" : "s")", quiet: input.quiet)
    let loaded: LoadedInput
    do {
      loaded = try InputLoader.load(
        files: files, registry: registry, ingest: try input.ingestOptions(configuration),
        series: input.seriesOptions(configuration, asOf: nil))
    } catch {
      folder.discard()
      throw error
    }
    guard let last = loaded.table.asOf, let firstDate = loaded.table.date.filter({ $0 != ScoreRows.noDate }).min() else {
      folder.discard()
      throw RunFailure.input("the input has no dated scores, so there is no history to replay")
    }
    let firstMonth = YearMonth(year: CivilDate(days: firstDate).components.year, month: CivilDate(days: firstDate).components.month)
    let lastComplete = ReportPeriod.lastCompleteMonth(latest: last, today: CivilDate.today)
    var month = from.flatMap(YearMonth.init) ?? firstMonth.adding(months: 1)
    let end = to.flatMap(YearMonth.init) ?? lastComplete
    var replayDays: [Int32] = []
    while month <= end {
      replayDays.append(month.lastDay.days)
      month = month.adding(months: 1)
    }
    guard !replayDays.isEmpty else {
      folder.discard()
      throw RunFailure(code: ExitStatus.usageError, message: "no month to replay between \(from ?? "\(firstMonth.adding(months: 1))") and \(to ?? "\(lastComplete)")")
    }
    let flags = BacktestFlag.all(parameters: parameters, redThresholds: reds!, lostContactDays: days!, stalledFrom: stalls!)
    let backtest = Backtest(registry: registry, parameters: parameters, saved: saved, flags: flags)
    let result = backtest.run(full: loaded.table, days: replayDays) { index, day in
      Console.progress("replayed \(day) (\(index + 1) of \(replayDays.count))", quiet: input.quiet)
    }
    let aligned = planted.map { PlantedTruth.align($0, table: loaded.table, names: loaded.names) }
    let metrics = BacktestMetrics.compute(result, courses: aligned.map { $0.map { $0?.course } })
    var ruptures: [RuptureScore] = []
    if let aligned {
      for (sd, points, isDefault) in [
        (1.0, 0.0 as Double?, false), (1.5, 0.0, false), (2.0, 0.0, false), (parameters.ruptureSD, parameters.rupturePoints, true),
        (3.5, 0.0, false),
      ] {
        ruptures.append(RuptureScore.score(
          table: loaded.table, analysis: result.finalAnalysis, registry: registry, planted: aligned,
          parameters: parameters, ruptureSD: sd, minimumPoints: points, isDefault: isDefault))
      }
    }
    do {
      try folder.write("backtest.csv", BacktestFile.csv(metrics: metrics, ruptures: ruptures))
      try folder.write("backtest.html", BacktestPage.html(
        metrics: metrics, ruptures: ruptures, result: result, version: RomtrackVersion.current,
        inputs: files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))
      let replayed = "replayed \(replayDays.count) month ends from \(CivilDate(days: replayDays.first!)) to \(CivilDate(days: replayDays.last!))"
      let manifest = Manifest(
        version: RomtrackVersion.current, commandLine: CommandLine.arguments, asOf: last,
        parameters: parameters.manifestEntries, loaded: loaded, notes: [replayed], runID: folder.runID)
      try folder.write("manifest.json", try manifest.json())
      try folder.commit()
    } catch {
      folder.discard()
      throw RunFailure.internal("could not write \(folder.target.path): \(error)")
    }
    func share(_ group: String, _ flag: String, _ metric: String, _ outcome: String) -> String {
      let m = metrics.first { $0.group == group && $0.flag == flag && $0.metric == metric && $0.outcome == outcome && $0.value == nil }
      return m?.estimate.map { DecimalText.fixed(100 * $0, decimals: 1) + "%" } ?? "-"
    }
    let lines = [
      "replayed \(replayDays.count) months, \(CivilDate(days: replayDays.first!)) to \(CivilDate(days: replayDays.last!)); \(result.outcomes.compactMap { $0 }.count) ended episodes scored",
      "act tier: burden \(share("tier", "act", "burden_median", "")) of active episodes a month (median); deteriorations caught \(share("tier", "act", "sensitivity", "deteriorated")); non-improvers caught \(share("tier", "act", "sensitivity", "not_improved")); recoveries ever flagged \(share("tier", "act", "ever_flagged", "recovered"))",
      "wrote \(folder.target.path)/: backtest.csv, backtest.html, manifest.json" + String(format: " in %.1f s", started.secondsSince),
    ]
    for line in lines { Console.status(line, quiet: input.quiet) }
  }
}
