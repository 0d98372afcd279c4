// The growth model's pipeline (METHODS.md section 4), as lme4's `lmer` runs it (Bates, Mächler, Bolker
// & Walker 2015, J. Stat. Softw. 67(1), section 1.2): the data checks, then
//   `GrowthModelData` -> `ProfiledDeviance` (ProfiledDeviance.swift, the deviance function of θ)
//   -> `GrowthModel.optimise` (GrowthModel+Optimise.swift: Nelder-Mead, then the Newton polish of
//   GrowthModel+NewtonPolish.swift, then lme4's convergence checks)
//   -> `GrowthModelFit` (GrowthModelFit.swift, the result with its diagnostics).


/// The growth model's stages as functions: data -> deviance function -> optimise -> result.
public enum GrowthModel {
  /// Fits the model of `spec` to `data`: checks, builds the deviance function, minimises it over θ,
  /// and assembles the result with its diagnostics.
  ///
  /// - Parameter instrument: the instrument's name, carried onto the result and its JSON file.
  /// - Throws: `GrowthModelFailure` with the error-level diagnostics when no fit can be made (fewer
  ///   than 2 groups, no more observations than random effects, rank-deficient fixed effects).
  public static func fit(
    _ data: GrowthModelData, spec: GrowthModelSpec, instrument: String = ""
  ) throws(GrowthModelFailure) -> GrowthModelFit {
    var diagnostics: [GrowthModelDiagnostic] = []
    if data.seriesTooShort > 0 {
      diagnostics.append(
        .init(
          .seriesLeftOut, .message,
          "\(data.seriesTooShort) of \(data.seriesConsidered) series had fewer than \(data.minimumScores) usable scores and were left out"
        ))
    }
    if data.scoresWithoutTime > 0 {
      let why = data.time == .weeks ? "had no date" : "had no session number of 1 or more"
      diagnostics.append(
        .init(.scoresWithoutTime, .message, "\(data.scoresWithoutTime) scores \(why) and were left out"))
    }
    guard data.groupCount >= 2 else {
      diagnostics.append(.init(.tooFewGroups, .error, "\(data.groupCount) groups; the model needs at least 2"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    guard data.observationCount > 2 * data.groupCount else {
      diagnostics.append(
        .init(
          .tooFewObservations, .error,
          "\(data.observationCount) observations for \(2 * data.groupCount) random effects; there must be more observations"
        ))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let deviance = ProfiledDeviance(data: data, spec: spec)
    guard deviance.evaluate([0, 0, 0]) != nil else {
      diagnostics.append(
        .init(
          .rankDeficientFixedEffects, .error,
          "the fixed effects \(spec.fixedEffectNames.joined(separator: ", ")) cannot all be estimated from these data"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let start = [1.0, 0, 1]
    guard deviance(start).isFinite else {
      diagnostics.append(.init(.devianceNotFinite, .error, "the deviance is not finite at θ = (1, 0, 1)"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let optimum = optimise(deviance, start: start)
    guard let best = deviance.evaluate(optimum.theta) else {
      diagnostics.append(.init(.devianceNotFinite, .error, "the deviance is not finite at the optimum"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    return GrowthModelFit(
      deviance: deviance, evaluation: best, optimizer: optimum.report, singular: optimum.singular,
      hessianPositiveDefinite: optimum.hessianPositiveDefinite, diagnostics: diagnostics, instrument: instrument)
  }
}
