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
  public func apply(to analysis: inout Analysis, table: SeriesTable) -> [ExpectedResponseUse] {
    let signals = SignalRule(parameters)
    var uses: [ExpectedResponseUse] = []
    let present = Set(table.series.map { Int($0.instrument) })
    for i in present.sorted() where registry.instruments[i].kind == .outcome {
      let instrument = registry.instruments[i]
      var fit: GrowthModelFit
      var source = "fitted"
      if let given = saved[instrument.name] {
        (fit, source) = given
      } else {
        let spec = GrowthModelSpec.expectedTreatmentResponse
        do {
          fit = try GrowthModel.fit(GrowthModelData(table: table, instrument: i, spec: spec), spec: spec, instrument: instrument.name)
        } catch {
          for (s, series) in table.series.enumerated() where Int(series.instrument) == i {
            analysis.series[s].diagnostics.append("no_etr_model")
          }
          continue
        }
      }
      guard let model = try? ExpectedResponseModel(fit: fit) else { continue }
      uses.append(ExpectedResponseUse(instrument: instrument.name, fit: fit, source: source))
      // The series' own lines, where the model was fitted here (saved models carry no per-series modes).
      var groupOfSeries: [Int: Int] = [:]
      if source == "fitted" {
        for (g, id) in fit.conditionalModes.groupID.enumerated() { groupOfSeries[id] = g }
      }
      for (s, series) in table.series.enumerated() where Int(series.instrument) == i {
        var r = analysis.series[s]
        guard r.scoreCount >= 1, let session = r.lastSession else { continue }
        if let g = groupOfSeries[s] {
          let line = fit.groupLine(g)
          r.ebIntercept = line.intercept
          r.ebSlope = line.slope
        }
        r.expected = model.expected(session: Double(session), intake: r.intake)
        r.etrZ = model.z(latest: r.latest, session: Double(session), intake: r.intake, direction: instrument.direction)
        r.signal = signals.signal(
          session: Int(session), etrZ: r.etrZ,
          reliablyImproved: r.clinical?.reliableChange.isReliableImprovement ?? false,
          reliablyDeteriorated: r.clinical?.reliableChange.isReliableDeterioration ?? false,
          clinicalAtLatest: r.clinical?.clinicalAtLatest ?? true)
        if r.signal == .yellow || r.signal == .red {
          r.reasons.insert(.offTrack)
          if table.episodes[series.episode].status == .active { r.needsReview = true }
        }
        analysis.series[s] = r
      }
    }
    return uses
  }
}
