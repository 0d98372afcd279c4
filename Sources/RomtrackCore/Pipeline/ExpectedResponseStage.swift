import Dispatch
import Foundation

/// The ETR model of one outcome instrument, as used by a report, and where it came from.
public struct ExpectedResponseUse: Sendable {
  public var instrument: String
  /// The fitted model: fitted on this input, or read from `--etr-model`.
  public var fit: GrowthModelFit
  /// `fitted` or the file it was read from.
  public var source: String
}

/// Stage 4b: expected treatment response and signals (METHODS.md section 5).
///
/// Per outcome instrument, the ETR growth model (random intercept and slope on ln session, fixed
/// effects 1, ln session, intake, ln session x intake) is fitted on the input's series with at least 3
/// scores, or taken from a saved model (`--etr-model`, written by `romtrack model --save`) so that a
/// small practice can use a larger reference. Each outcome series then gets its expected score at its
/// latest session, `etr_z`, and the signal; yellow and red add the worklist reason `off_track`.
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
  public static func load(paths: [String]) throws -> [String: (fit: GrowthModelFit, source: String)] {
    var models: [String: (fit: GrowthModelFit, source: String)] = [:]
    for path in paths {
      let fit = try GrowthModelFit(json: try Data(contentsOf: URL(fileURLWithPath: path)))
      models[fit.instrument] = (fit, path)
    }
    return models
  }

  /// Fills the ETR columns of `analysis` and returns the models used; instruments whose model cannot be
  /// fitted get a diagnostic on each of their series instead.
  ///
  /// The instruments' fits are independent of each other and run side by side; each series is then
  /// visited once. Results do not depend on the number of threads.
  public func apply(to analysis: inout Analysis, table: SeriesTable) -> [ExpectedResponseUse] {
    let signals = SignalRule(parameters)
    var present = [Bool](repeating: false, count: registry.instruments.count)
    for series in table.series { present[Int(series.instrument)] = true }
    let instruments = registry.instruments.indices.filter { present[$0] && registry.instruments[$0].kind == .outcome }
    let found = ResultSlots<(fit: GrowthModelFit, source: String)?>(count: instruments.count)
    DispatchQueue.concurrentPerform(iterations: instruments.count) { k in
      found[k] = model(instruments[k], table: table)
    }

    // Per instrument: its model, or that it has none; per series: its own line, where its instrument's
    // model was fitted here (saved models carry no per-series modes).
    var models: [ExpectedResponseModel?] = Array(repeating: nil, count: registry.instruments.count)
    var unfitted = [Bool](repeating: false, count: registry.instruments.count)
    var lines: [(intercept: Double, slope: Double)?] = Array(repeating: nil, count: table.series.count)
    var uses: [ExpectedResponseUse] = []
    for (k, i) in instruments.enumerated() {
      guard let (fit, source) = found[k] else {
        unfitted[i] = true
        continue
      }
      guard let model = try? ExpectedResponseModel(fit: fit) else { continue }
      models[i] = model
      uses.append(ExpectedResponseUse(instrument: registry.instruments[i].name, fit: fit, source: source))
      if source == "fitted" {
        for (g, s) in fit.conditionalModes.groupID.enumerated() { lines[s] = fit.groupLine(g) }
      }
    }

    analysis.series.withUnsafeMutableBufferPointer { results in
      for (s, series) in table.series.enumerated() {
        let i = Int(series.instrument)
        if unfitted[i] {
          results[s].diagnostics.append("no_etr_model")
          continue
        }
        guard let model = models[i], results[s].scoreCount >= 1, let session = results[s].lastSession else { continue }
        if let line = lines[s] {
          results[s].ebIntercept = line.intercept
          results[s].ebSlope = line.slope
        }
        let r = results[s]
        let etrZ = model.z(latest: r.latest, session: Double(session), intake: r.intake, direction: registry.instruments[i].direction)
        let signal = signals.signal(
          session: Int(session), etrZ: etrZ,
          reliablyImproved: r.clinical?.reliableChange.isReliableImprovement ?? false,
          reliablyDeteriorated: r.clinical?.reliableChange.isReliableDeterioration ?? false,
          clinicalAtLatest: r.clinical?.clinicalAtLatest ?? true)
        results[s].expected = model.expected(session: Double(session), intake: r.intake)
        results[s].etrZ = etrZ
        results[s].signal = signal
        if signal == .yellow || signal == .red {
          results[s].reasons.insert(.offTrack)
          if table.episodes[series.episode].status == .active { results[s].needsReview = true }
        }
      }
    }
    return uses
  }

  /// The model of instrument `i`: the saved one, or fitted on `table`'s series; `nil` when it cannot
  /// be fitted.
  func model(_ i: Int, table: SeriesTable) -> (fit: GrowthModelFit, source: String)? {
    let instrument = registry.instruments[i]
    if let given = saved[instrument.name] { return given }
    let spec = GrowthModelSpec.expectedTreatmentResponse
    let data = GrowthModelData(table: table, instrument: i, spec: spec)
    guard let fit = try? GrowthModel.fit(data, spec: spec, instrument: instrument.name) else { return nil }
    return (fit, "fitted")
  }
}
