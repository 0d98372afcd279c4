import ArgumentParser
import Foundation
import RomtrackCore
import RomtrackReport

/// `romtrack model`: fits the multilevel growth model of one instrument (METHODS.md section 4).
struct Model: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit the multilevel growth model of one instrument and print a summary like lme4's.",
    discussion: """
      The model is lme4's lmer(score ~ t + (t | client)), or with --intake lmer(score ~ t * intake + (t | client)), \
      fitted by REML (default) or ML. Each series (one client's episode) with at least --min-scores scores \
      is one group; a client's intake is the first score of the series. With --after-intake the scores \
      after the intake are the response and the intake only a covariate. --save writes the \
      expected-treatment-response model (--time log-session --intake --after-intake, chosen for you) \
      that `romtrack report --etr-model FILE` reads. --json-summary prints the fit as JSON \
      instead of the summary; --threads also sets the threads of the fit. Only the instrument's own rows \
      are read and checked: rows of other instruments are counted ("N rows of other instruments \
      skipped") and left unread, and do not count towards --max-reject-rate.

      Example: romtrack model outcomes.csv --instrument PHQ9 --save phq9-etr.json
      """
  )

  @OptionGroup(title: "Input (--instrument names the instrument to fit)") var input: InputOptions

  @Option(
    help: ArgumentHelp(
      "Time axis: session (default), log-session (ln session) or weeks since the series' first score.",
      valueName: "session|log-session|weeks"))
  var time: String?

  @Flag(help: "Add the intake score and time x intake to the fixed effects.")
  var intake = false

  @Flag(help: "Fit the scores after each series' intake (its first score), the intake a covariate only.")
  var afterIntake = false

  @Flag(help: "Fit by maximum likelihood instead of REML.")
  var ml = false

  @Option(help: ArgumentHelp("Least number of scores a series needs to enter the model.", valueName: "n"))
  var minScores: Int = 3

  @Option(help: ArgumentHelp("Write the fit as JSON to this file.", valueName: "file"))
  var json: String?

  @Option(
    help: ArgumentHelp(
      "Write each series' conditional modes (empirical Bayes estimates) to this CSV file.", valueName: "file"))
  var clientsOut: String?

  @Option(help: ArgumentHelp("Save the expected-treatment-response model for `report --etr-model`.", valueName: "file"))
  var save: String?

  func validate() throws {
    if input.allFiles.isEmpty { throw ValidationError("give a score file, e.g. romtrack model scores.csv --instrument PHQ9") }
    if input.instrument == nil {
      throw ValidationError("give the instrument to fit with --instrument, e.g. --instrument PHQ9")
    }
    if let time, GrowthModelSpec.Time(rawValue: time) == nil {
      throw ValidationError("--time \(time): use session, log-session or weeks")
    }
    if minScores < 1 || minScores > AnalysisParameters.largestCount {
      throw ValidationError("--min-scores must be from 1 to \(AnalysisParameters.largestCount)")
    }
    if save != nil, let time, time != GrowthModelSpec.Time.logSession.rawValue {
      throw ValidationError(
        "--save writes the expected-treatment-response model, which uses --time log-session; drop --time \(time)")
    }
  }

  /// The model's settings from the flags; `--save` implies the ETR form.
  var spec: GrowthModelSpec {
    let axis = time.flatMap(GrowthModelSpec.Time.init(rawValue:)) ?? (save != nil ? .logSession : .session)
    return GrowthModelSpec(
      time: axis, includesIntake: intake || save != nil,
      response: afterIntake || save != nil ? .afterIntake : .allScores, criterion: ml ? .ml : .reml,
      minimumScores: minScores)
  }

  func run() throws {
    let started = ContinuousClock.now
    let configuration = try input.loadConfiguration()
    let registry = configuration.registry
    let name = input.instrument ?? ""
    guard let instrumentIndex = registry.index(of: name) else {
      throw RunFailure(
        code: ExitStatus.usageError,
        message: "--instrument \(name): not in the registry (`romtrack instruments` lists the names)")
    }
    let instrument = registry.instruments[instrumentIndex]
    Console.progress("reading", quiet: input.quiet)
    // Only this instrument's rows are parsed and grouped: the others are counted and skipped.
    var ingest = try input.ingestOptions(configuration)
    ingest.onlyInstrument = instrument.name
    let loaded = try InputLoader.load(
      files: input.allFiles, registry: registry, ingest: ingest,
      series: input.seriesOptions(configuration, asOf: nil))
    let others = loaded.files.reduce(0) { $0 + $1.otherInstrumentRows }
    if others > 0 {
      Console.status("\(others) rows of other instruments skipped", quiet: input.quiet)
    }
    let counts = loaded.reconciliation
    if !loaded.rejects.isEmpty {
      Console.status(
        "\(loaded.rejects.count) rows rejected (`romtrack validate` writes them to rejects.csv)", quiet: input.quiet)
    }
    let limit = input.rejectLimit(configuration)
    if counts.rejectRate > limit {
      throw RunFailure.input(
        String(
          format:
            "%.1f%% of rows were rejected, more than --max-reject-rate %.1f%%; run `romtrack validate` for rejects.csv",
          counts.rejectRate * 100, limit * 100))
    }
    let readSeconds = started.secondsSince

    var spec = self.spec
    if let threads = input.threads { spec.optimizer.threads = threads }
    let fitStarted = ContinuousClock.now
    let data = GrowthModelData(table: loaded.table, instrument: instrumentIndex, spec: spec)
    let fit: GrowthModelFit
    do {
      fit = try GrowthModel.fit(data, spec: spec, instrument: instrument.name)
    } catch {
      throw RunFailure.input("\(instrument.name): no growth model: \(error.description)")
    }
    let fitSeconds = fitStarted.secondsSince
    if input.jsonSummary {
      print(String(decoding: try fit.json(), as: UTF8.self))
    } else {
      Console.output(fit.summary + "\n")
    }

    if let json { try write(try fit.json(), to: json) }
    if let save { try write(try fit.json(), to: save) }
    if let clientsOut { try write(Data(clientsCSV(fit, loaded: loaded)), to: clientsOut) }
    Console.status(
      String(
        format: "%@: %d series, %d scores; read in %.2f s, fitted in %.2f s", instrument.name, fit.groups,
        fit.observations, readSeconds, fitSeconds), quiet: input.quiet)
  }

  private func write(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw RunFailure.input("cannot write \(path): \(error.localizedDescription)")
    }
  }

  /// One row per series in the model: its conditional modes, their conditional SDs, and its own line
  /// (fixed effects at its intake plus its modes, lme4's `coef`).
  func clientsCSV(_ fit: GrowthModelFit, loaded: LoadedInput) -> [UInt8] {
    let modes = fit.conditionalModes
    var w = CSVWriter(
      header: [
        "client_id", "episode_id", "instrument", "n_scores", "intake", "ranef_intercept", "ranef_slope",
        "cond_sd_intercept", "cond_sd_slope", "eb_intercept", "eb_slope",
      ], capacity: 96 * modes.count)
    for g in 0..<modes.count {
      let series = loaded.table.series[modes.groupID[g]]
      let episode = loaded.table.episodes[series.episode]
      let line = fit.groupLine(g)
      w.text(loaded.names.clients[Int(episode.client)])
      w.text(loaded.names.episodes[Int(episode.episode)])
      w.text(fit.instrument)
      w.integer(modes.scoreCount[g])
      w.number(modes.intake[g], decimals: 2)
      w.number(modes.intercept[g], decimals: 4)
      w.number(modes.slope[g], decimals: 4)
      w.number(modes.interceptSD[g], decimals: 4)
      w.number(modes.slopeSD[g], decimals: 4)
      w.number(line.intercept, decimals: 4)
      w.number(line.slope, decimals: 4)
      w.endRow()
    }
    return w.finish()
  }
}
