import Dispatch
import Foundation

/// The ETR model of one outcome instrument, as used by a report, and where it came from; or, when
/// there is none, why.
public struct ExpectedResponseUse: Sendable {
  public var instrument: String
  /// The model: fitted on this input, or read from `--etr-model`; `nil` when there is none (then the
  /// instrument's series have no expected score, `etr_z` or signal).
  public var fit: GrowthModelFit?
  /// `fitted`, the file it was read from, or `none`.
  public var source: String
  /// Why there is no model (`fit` is `nil`): the fit's error-level diagnostics, or
  /// `too_few_series_for_practice_model`; empty when there is a model (its own are on `fit`).
  public var diagnostics: [GrowthModelDiagnostic] = []

  public init(instrument: String, fit: GrowthModelFit?, source: String, diagnostics: [GrowthModelDiagnostic] = []) {
    self.instrument = instrument
    self.fit = fit
    self.source = source
    self.diagnostics = diagnostics
  }

  /// What a saved model's source is called when there is none.
  public static let noModel = "none"
}

/// Stage 4b: expected treatment response and signals (METHODS.md section 5).
///
/// Per outcome instrument, the ETR growth model (the scores after the intake as the response, random
/// intercept and slope on ln session, fixed effects 1, ln session, intake, ln session x intake) is
/// fitted on the input's series with at least 3 scores, or taken from a saved model (`--etr-model`,
/// written by `romtrack model --save`) so that a small practice can use a larger reference. Each
/// outcome series with a score after its intake then gets its expected score at its latest session,
/// `etr_z`, and the signal; yellow and red add the worklist reason `off_track`.
///
/// With fewer than `parameters.etrMinimumSeries` series of at least 3 scores (100 by default) the
/// practice's own model is not fitted: the instrument gets no signal, its series the diagnostic
/// `no_etr_model`, and the returned use says why (`too_few_series_for_practice_model`), for model.json,
/// the manifest and the pages. Expected courses from a few dozen series are too uncertain to call a
/// client off track (expected recovery curves are estimated on large samples: Finch, Lambert &
/// Schaalje 2001).
public struct ExpectedResponseStage: Sendable {
  public let registry: InstrumentRegistry
  public let parameters: AnalysisParameters
  /// Saved models by instrument name.
  public let saved: [String: (fit: GrowthModelFit, source: String)]

  public init(registry: InstrumentRegistry, parameters: AnalysisParameters, saved: [String: (fit: GrowthModelFit, source: String)] = [:]) {
    self.registry = registry
    self.parameters = parameters
    self.saved = saved
  }

  /// Reads models saved by `romtrack model --save`, keyed by their instrument.
  ///
  /// - Throws: `GrowthModelFileError` naming the file when it is not a growth-model file or not an
  ///   expected-treatment-response model, including one saved by an earlier romtrack under the former
  ///   specification (every score the response), which is refused with a message that says to fit it
  ///   again: its spread comes from a singular covariance.
  public static func load(paths: [String]) throws -> [String: (fit: GrowthModelFit, source: String)] {
    var models: [String: (fit: GrowthModelFit, source: String)] = [:]
    for path in paths {
      do {
        let fit = try GrowthModelFit(json: try Data(contentsOf: URL(fileURLWithPath: path)))
        _ = try ExpectedResponseModel(fit: fit)
        models[fit.instrument] = (fit, path)
      } catch let error as GrowthModelFileError {
        throw GrowthModelFileError(message: "\(path): \(error.message)")
      }
    }
    return models
  }

  /// Fills the ETR columns of `analysis` and returns, per outcome instrument with series, the model
  /// used or why there is none; the series of an instrument without a model get the diagnostic
  /// `no_etr_model` instead.
  ///
  /// The instruments' fits are independent of each other and run side by side (each writes its own
  /// slot, so results do not depend on the threads); then each instrument's series are filled in place.
  public func apply(to analysis: inout Analysis, table: SeriesTable) -> [ExpectedResponseUse] {
    let signals = SignalRule(parameters)
    // The series of each instrument, in table order.
    var seriesOf = [[Int32]](repeating: [], count: registry.instruments.count)
    for (s, series) in table.series.enumerated() { seriesOf[Int(series.instrument)].append(Int32(s)) }
    let instruments = registry.instruments.indices.filter { !seriesOf[$0].isEmpty && registry.instruments[$0].kind == .outcome }
    let found = ResultSlots<ExpectedResponseUse>(count: instruments.count)
    DispatchQueue.concurrentPerform(iterations: instruments.count) { k in
      found[k] = model(instruments[k], table: table)
    }

    var uses: [ExpectedResponseUse] = []
    analysis.series.withUnsafeMutableBufferPointer { results in
      for (k, i) in instruments.enumerated() {
        let use = found[k]
        uses.append(use)
        guard let fit = use.fit, let model = try? ExpectedResponseModel(fit: fit) else {
          for s in seriesOf[i] { results[Int(s)].diagnostics.insert(.noExpectedResponseModel) }
          continue
        }
        let source = use.source
        // The series' own lines, where the model was fitted here (saved models carry no per-series
        // modes); every group has scores, so a latest session.
        if source == "fitted" {
          for (g, s) in fit.conditionalModes.groupID.enumerated() {
            (results[s].ebIntercept, results[s].ebSlope) = fit.groupLine(g)
          }
        }
        // Each series on its own, in two halves side by side (the pass waits on memory more than it
        // computes).
        let direction = registry.instruments[i].direction
        let shared = Shared(results)
        let members = seriesOf[i]
        let parts = members.count >= 100_000 ? 2 : 1
        DispatchQueue.concurrentPerform(iterations: parts) { part in
          let results = shared.buffer
          let range = (part * members.count / parts)..<((part + 1) * members.count / parts)
          for s in members[range].lazy.map(Int.init) {
            // The model describes the scores after the intake: a series needs one.
            guard results[s].scoreCount >= 2, let session = results[s].lastSession else { continue }
            let (latest, intake, clinical) = (results[s].latest, results[s].intake, results[s].clinical)
            let etrZ = model.z(latest: latest, session: Double(session), intake: intake, direction: direction)
            let signal = signals.signal(
              session: Int(session), etrZ: etrZ,
              reliablyImproved: clinical?.reliableChange.isReliableImprovement ?? false,
              reliablyDeteriorated: clinical?.reliableChange.isReliableDeterioration ?? false,
              clinicalAtLatest: clinical?.clinicalAtLatest ?? true)
            results[s].expected = model.expected(session: Double(session), intake: intake)
            results[s].etrZ = etrZ
            results[s].signal = signal
            if signal == .yellow || signal == .red {
              results[s].reasons.insert(.offTrack)
              if table.episodes[table.series[s].episode].status == .active { results[s].needsReview = true }
            }
          }
        }
      }
    }
    return uses
  }

  /// The model of instrument `i`: the saved one, or fitted on `table`'s series; without a fit when
  /// there are fewer than `parameters.etrMinimumSeries` series with at least 3 scores, or when the fit
  /// fails.
  func model(_ i: Int, table: SeriesTable) -> ExpectedResponseUse {
    let instrument = registry.instruments[i]
    if let given = saved[instrument.name] {
      return ExpectedResponseUse(instrument: instrument.name, fit: given.fit, source: given.source)
    }
    let spec = GrowthModelSpec.expectedTreatmentResponse
    let data = GrowthModelData(table: table, instrument: i, spec: spec)
    let minimum = parameters.etrMinimumSeries
    guard data.groupCount >= minimum else {
      let detail =
        "\(data.groupCount) series with at least \(spec.minimumScores) scores; a model fitted on this practice needs at least \(minimum) (--etr-min-series). No signals for \(instrument.name): give a model saved by `romtrack model --save` on a larger practice with --etr-model"
      return ExpectedResponseUse(
        instrument: instrument.name, fit: nil, source: ExpectedResponseUse.noModel,
        diagnostics: [.init(.tooFewSeriesForPracticeModel, .error, detail)])
    }
    do {
      let fit = try GrowthModel.fit(data, spec: spec, instrument: instrument.name)
      return ExpectedResponseUse(instrument: instrument.name, fit: fit, source: "fitted")
    } catch {
      return ExpectedResponseUse(
        instrument: instrument.name, fit: nil, source: ExpectedResponseUse.noModel,
        diagnostics: error.diagnostics.filter { $0.level == .error })
    }
  }
}
