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
  /// The instruments' fits are independent of each other and run side by side (each writes its own
  /// slot, so results do not depend on the threads); then each instrument's series are filled in place.
  public func apply(to analysis: inout Analysis, table: SeriesTable) -> [ExpectedResponseUse] {
    let signals = SignalRule(parameters)
    // The series of each instrument, in table order.
    var seriesOf = [[Int32]](repeating: [], count: registry.instruments.count)
    for (s, series) in table.series.enumerated() { seriesOf[Int(series.instrument)].append(Int32(s)) }
    let instruments = registry.instruments.indices.filter { !seriesOf[$0].isEmpty && registry.instruments[$0].kind == .outcome }
    let found = ResultSlots<(fit: GrowthModelFit, source: String)?>(count: instruments.count)
    DispatchQueue.concurrentPerform(iterations: instruments.count) { k in
      found[k] = model(instruments[k], table: table)
    }

    var uses: [ExpectedResponseUse] = []
    analysis.series.withUnsafeMutableBufferPointer { results in
      for (k, i) in instruments.enumerated() {
        guard let (fit, source) = found[k] else {
          for s in seriesOf[i] { results[Int(s)].diagnostics.insert(.noExpectedResponseModel) }
          continue
        }
        guard let model = try? ExpectedResponseModel(fit: fit) else { continue }
        uses.append(ExpectedResponseUse(instrument: registry.instruments[i].name, fit: fit, source: source))
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
            guard results[s].scoreCount >= 1, let session = results[s].lastSession else { continue }
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
