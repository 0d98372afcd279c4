// The fitted growth model (METHODS.md section 4): a plain value with the estimates lme4's summary
// prints, the per-group conditional modes, the optimiser's report and the diagnostics. It is encoded
// as JSON for `romtrack model --json`, `--save` and the report's model.json, and a saved
// expected-treatment-response model is read back from the same JSON (`--etr-model FILE.json`).

import Foundation

/// One fixed effect: lme4's row of the "Fixed effects" table.
public struct FixedEffect: Sendable, Equatable, Codable {
  /// `(Intercept)`, the time label, `intake`, `<time>:intake`.
  public var name: String
  /// `β̂_j`, in points (the intercept), points per unit of time (the slope), and so on.
  public var estimate: Double
  /// `sqrt(σ̂² [(R_X'R_X)⁻¹]_jj)`, conditional on θ̂ as in lme4.
  public var standardError: Double
  /// `β̂_j / SE_j`. lme4 prints no p-value for it, and neither does romtrack: its reference
  /// distribution is not exactly t or normal in a mixed model.
  public var tValue: Double

  public init(name: String, estimate: Double, standardError: Double, tValue: Double) {
    self.name = name
    self.estimate = estimate
    self.standardError = standardError
    self.tValue = tValue
  }
}

/// The estimated random-effects distribution `u_i ~ N(0, G)`.
public struct RandomEffects: Sendable, Equatable, Codable {
  /// `sqrt(G₁₁)`: how much clients' starting levels (at t = 0) differ, in points.
  public var interceptSD: Double
  /// `sqrt(G₂₂)`: how much clients' slopes differ, in points per unit of time.
  public var slopeSD: Double
  /// `G₁₂ / (sqrt(G₁₁) sqrt(G₂₂))`; `nil` when either SD is 0 (a singular fit), where it is undefined.
  public var correlation: Double?
  /// `G = σ̂² ΛΛ'`, 2 x 2.
  public var covariance: [[Double]]

  enum CodingKeys: String, CodingKey {
    // Spelled so that the snake_case key strategies map `intercept_sd` and `slope_sd` both ways.
    case interceptSD = "interceptSd"
    case slopeSD = "slopeSd"
    case correlation, covariance
  }
}

/// Per group, the conditional modes of the random effects (empirical Bayes estimates) and their
/// conditional SDs, in the order of `GrowthModelData`; lme4's `ranef(fit, condVar = TRUE)`.
///
/// `intercept[g]`, `slope[g]` are deviations from the fixed effects, `b̂_g = Λ L_g'⁻¹ (c_u,g - R_ZX,g β̂)`;
/// the conditional SDs are the square roots of the diagonal of `σ̂² Λ (Λ'Z_g'Z_gΛ + I)⁻¹ Λ'`, given θ̂
/// and β̂ (they do not include the uncertainty of β̂, as in lme4). Not part of the JSON file.
public struct ConditionalModes: Sendable, Equatable {
  /// `GrowthModelData.groupID`: the series index, or the label given with array input.
  public var groupID: [Int] = []
  /// The group's intake score `w_g`.
  public var intake: [Double] = []
  /// Scores used per group.
  public var scoreCount: [Int] = []
  public var intercept: [Double] = []
  public var slope: [Double] = []
  public var interceptSD: [Double] = []
  public var slopeSD: [Double] = []

  public init() {}

  public var count: Int { groupID.count }
}

/// A fitted growth model.
///
/// Reported as lme4 reports `lmer(score ~ t + (t | client))` (or `score ~ t * intake + (t | client)`):
/// fixed effects with SEs and t values, the SDs of the random intercept and slope and their
/// correlation, the residual SD, the REML criterion (REML) or log-likelihood, deviance, AIC and BIC
/// (ML), the numbers of observations and groups, and per group the conditional modes with conditional
/// SDs. Diagnostics of level message or warning are on `diagnostics`; they are never only logged.
public struct GrowthModelFit: Sendable, Equatable, Codable {
  /// Identifies the JSON file.
  public var format = GrowthModelFit.formatName
  public var formatVersion = GrowthModelFit.currentVersion
  /// The instrument's registry name (empty when not given).
  public var instrument: String
  /// The settings fitted with.
  public var settings: GrowthModelSpec
  /// `N`.
  public var observations: Int
  /// Groups (series) in the model.
  public var groups: Int
  /// Series of the instrument looked at, left out as too short, and scores left out for lack of time.
  public var seriesConsidered: Int
  public var seriesLeftOut: Int
  public var scoresWithoutTime: Int
  /// `β̂` with SEs, in `settings.fixedEffectNames` order.
  public var fixedEffects: [FixedEffect]
  /// `Var(β̂) = σ̂² (R_X'R_X)⁻¹`, p x p.
  public var fixedEffectsCovariance: [[Double]]
  public var randomEffects: RandomEffects
  /// `σ̂`, in points.
  public var residualSD: Double
  /// `θ̂ = (θ₁, θ₂, θ₃)`, lme4's `getME(fit, "theta")`.
  public var theta: [Double]
  /// The REML criterion at convergence, `-2 × REML log-likelihood` (REML fits; lme4's `REMLcrit`).
  public var remlCriterion: Double?
  /// The log-likelihood: REML log-likelihood for REML fits (as lme4's `logLik`), ML otherwise.
  public var logLikelihood: Double
  /// `-2 log L` (ML fits; lme4's `deviance`).
  public var deviance: Double?
  /// `-2 log L + 2k`, `-2 log L + k ln N`, with `k = p + 4` parameters (ML fits).
  public var aic: Double?
  public var bic: Double?
  /// Residual degrees of freedom `N - k`, as lme4's ML summary prints them.
  public var residualDegreesOfFreedom: Int
  public var optimizer: OptimizerReport
  public var diagnostics: [GrowthModelDiagnostic]
  /// Per-group conditional modes; empty for a fit read back from JSON.
  public var conditionalModes = ConditionalModes()

  enum CodingKeys: String, CodingKey {
    case format, formatVersion, instrument, settings, observations, groups, seriesConsidered, seriesLeftOut
    case scoresWithoutTime, fixedEffects, fixedEffectsCovariance, randomEffects, theta
    // Spelled so that the snake_case key strategies map `residual_sd` both ways.
    case residualSD = "residualSd"
    case remlCriterion, logLikelihood, deviance, aic, bic, residualDegreesOfFreedom, optimizer, diagnostics
  }

  public static let formatName = "romtrack-growth-model"
  /// 2 from the expected-treatment-response respecification (`settings.response`); version 1 files are
  /// read with every score as the response.
  public static let currentVersion = 2

  /// The criterion lme4 prints first: the REML criterion, or the ML deviance.
  public var criterion: Double { remlCriterion ?? deviance ?? -2 * logLikelihood }

  /// `true` when the fit lies on the boundary of the parameter space.
  public var isSingular: Bool { diagnostics.contains { $0.code == .singularFit } }

  /// The highest diagnostic level; `nil` when there are none.
  public var level: GrowthModelDiagnostic.Level? { diagnostics.map(\.level).max() }

  /// `β̂` in order.
  public var beta: [Double] { fixedEffects.map(\.estimate) }

  // MARK: - Assembly

  /// The result at the optimum: estimates from `evaluation`, conditional modes from one more pass.
  init(
    deviance function: ProfiledDeviance, evaluation e: DevianceEvaluation, optimizer: OptimizerReport,
    singular: Bool, hessianPositiveDefinite: Bool, diagnostics found: [GrowthModelDiagnostic], instrument: String
  ) {
    let spec = function.spec
    let data = function.data
    let p = spec.fixedEffectCount
    let sigma2 = e.sigma * e.sigma
    let (a, b, c) = (e.theta[0], e.theta[1], e.theta[2])
    self.instrument = instrument
    settings = spec
    observations = data.observationCount
    groups = data.groupCount
    seriesConsidered = data.seriesConsidered
    seriesLeftOut = data.seriesTooShort
    scoresWithoutTime = data.scoresWithoutTime
    let covariance = e.unscaledCovariance.map { $0.map { $0 * sigma2 } }
    fixedEffectsCovariance = covariance
    fixedEffects = spec.fixedEffectNames.enumerated().map { j, name in
      let se = covariance[j][j].squareRoot()
      return FixedEffect(name: name, estimate: e.beta[j], standardError: se, tValue: e.beta[j] / se)
    }
    let g00 = sigma2 * a * a
    let g01 = sigma2 * a * b
    let g11 = sigma2 * (b * b + c * c)
    let correlation: Double? = (g00 > 0 && g11 > 0) ? g01 / (g00.squareRoot() * g11.squareRoot()) : nil
    randomEffects = RandomEffects(
      interceptSD: g00.squareRoot(), slopeSD: g11.squareRoot(), correlation: correlation,
      covariance: [[g00, g01], [g01, g11]])
    residualSD = e.sigma
    theta = e.theta
    let parameters = p + 4
    residualDegreesOfFreedom = data.observationCount - parameters
    logLikelihood = -e.deviance / 2
    switch spec.criterion {
    case .reml:
      remlCriterion = e.deviance
      deviance = nil
      aic = nil
      bic = nil
    case .ml:
      remlCriterion = nil
      deviance = e.deviance
      aic = e.deviance + 2 * Double(parameters)
      bic = e.deviance + Foundation.log(Double(data.observationCount)) * Double(parameters)
    }
    self.optimizer = optimizer
    var diagnostics = found
    if singular {
      let tolerance = spec.optimizer.singularTolerance
      let what: String
      if a < tolerance && (b * b + c * c).squareRoot() < tolerance {
        what = "both SDs of the random effects are estimated as 0"
      } else if a < tolerance {
        what = "the SD of the random intercepts is estimated as 0"
      } else if abs(b) < tolerance {
        what = "the SD of the random slopes is estimated as 0"
      } else {
        what = "random intercepts and slopes are estimated as perfectly correlated (correlation \(b < 0 ? "-1" : "+1"))"
      }
      diagnostics.append(
        .init(
          .singularFit, .message,
          "boundary (singular) fit: \(what), θ = \(Self.text(e.theta)); the random effects are more complex than these data support"
        ))
    }
    if !optimizer.converged {
      diagnostics.append(
        .init(
          .notConverged, .warning,
          "the optimiser stopped after \(optimizer.evaluations) deviance evaluations without meeting its stopping rule")
      )
    }
    if optimizer.scaledGradient > spec.optimizer.gradientTolerance {
      diagnostics.append(
        .init(
          .largeGradient, .warning,
          String(
            format: "model failed to converge with max|grad| = %.4g (tolerance %.4g)", optimizer.scaledGradient,
            spec.optimizer.gradientTolerance)))
    }
    if !hessianPositiveDefinite {
      diagnostics.append(
        .init(
          .hessianNotPositiveDefinite, .warning,
          "the Hessian of the deviance at the optimum is not positive definite: the estimate may not be a minimum"))
    }
    self.diagnostics = diagnostics
    conditionalModes = Self.modes(function, beta: e.beta, sigma: e.sigma, theta: e.theta)
  }

  /// The conditional modes and SDs of every group (see `ConditionalModes`).
  static func modes(_ function: ProfiledDeviance, beta: [Double], sigma: Double, theta: [Double]) -> ConditionalModes {
    let data = function.data
    let (a, b, c) = (theta[0], theta[1], theta[2])
    let withIntake = function.fixedEffectCount == 4
    var modes = ConditionalModes()
    let groups = data.groupCount
    modes.groupID = data.groupID
    modes.intake = data.intake
    modes.scoreCount = data.count.map { Int($0) }
    modes.intercept = [Double](repeating: 0, count: groups)
    modes.slope = [Double](repeating: 0, count: groups)
    modes.interceptSD = [Double](repeating: 0, count: groups)
    modes.slopeSD = [Double](repeating: 0, count: groups)
    for g in 0..<groups {
      let f = ProfiledDeviance.GroupFactor(
        a: a, b: b, c: c, n: data.count[g], st: data.sumTime[g], stt: data.sumTimeSquared[g], sy: data.sumScore[g],
        sty: data.sumTimeScore[g])
      // R_ZX β = R (β₀ + wβ₂, β₁ + wβ₃)'.
      let w = withIntake ? data.intake[g] : 0
      let gamma0 = beta[0] + (withIntake ? w * beta[2] : 0)
      let gamma1 = beta[1] + (withIntake ? w * beta[3] : 0)
      let d0 = f.c0 - (f.r00 * gamma0 + f.r01 * gamma1)
      let d1 = f.c1 - (f.r10 * gamma0 + f.r11 * gamma1)
      // u = L'⁻¹ d, b = Λ u.
      let u1 = d1 / f.l11
      let u0 = (d0 - f.l10 * u1) / f.l00
      modes.intercept[g] = a * u0
      modes.slope[g] = b * u0 + c * u1
      // K = Λ L'⁻¹; conditional covariance σ² K K'.
      let i00 = 1 / f.l00
      let i11 = 1 / f.l11
      let k00 = a * i00
      let k01 = -a * f.l10 * i00 * i11
      let k10 = b * i00
      let k11 = -b * f.l10 * i00 * i11 + c * i11
      modes.interceptSD[g] = sigma * (k00 * k00 + k01 * k01).squareRoot()
      modes.slopeSD[g] = sigma * (k10 * k10 + k11 * k11).squareRoot()
    }
    return modes
  }

  /// A group's own line: the fixed effects at its intake plus its conditional modes, lme4's
  /// `coef(fit)` for that group. `intercept` is the expected score at t = 0 (session 0, ln session = 0
  /// i.e. session 1, or week 0), `slope` the change per unit of time.
  public func groupLine(_ g: Int) -> (intercept: Double, slope: Double) {
    func beta(_ j: Int) -> Double { fixedEffects[j].estimate }
    let w = settings.includesIntake ? conditionalModes.intake[g] : 0
    let fixedIntercept = beta(0) + (settings.includesIntake ? w * beta(2) : 0)
    let fixedSlope = beta(1) + (settings.includesIntake ? w * beta(3) : 0)
    return (fixedIntercept + conditionalModes.intercept[g], fixedSlope + conditionalModes.slope[g])
  }

  // MARK: - JSON

  /// The fit as JSON (snake_case keys, sorted, pretty-printed; without the per-group modes).
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads a fit written by `json()`.
  ///
  /// - Throws: `GrowthModelFileError` when the data are not such a file, or are of a newer version.
  public init(json data: Data) throws {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let fit: GrowthModelFit
    do {
      fit = try decoder.decode(GrowthModelFit.self, from: data)
    } catch {
      throw GrowthModelFileError(message: "not a romtrack growth-model file (\(Self.reason(error)))")
    }
    guard fit.format == Self.formatName else {
      throw GrowthModelFileError(message: "not a romtrack growth-model file (format \"\(fit.format)\")")
    }
    guard fit.formatVersion <= Self.currentVersion else {
      throw GrowthModelFileError(
        message:
          "growth-model file version \(fit.formatVersion) is newer than this romtrack reads (\(Self.currentVersion))")
    }
    guard fit.fixedEffects.count == fit.settings.fixedEffectCount, fit.theta.count == 3,
      fit.randomEffects.covariance.count == 2, fit.randomEffects.covariance.allSatisfy({ $0.count == 2 })
    else {
      throw GrowthModelFileError(
        message: "growth-model file is inconsistent: its fixed effects or covariance do not match its settings")
    }
    self = fit
  }

  private static func reason(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      context.codingPath.isEmpty
        ? context.debugDescription : context.codingPath.map(\.stringValue).joined(separator: ".")
    default: "\(error)"
    }
  }

  // MARK: - Summary

  /// A readable summary in the shape of lme4's `summary(lmer(...))`.
  public var summary: String {
    var lines: [String] = []
    let method = settings.criterion == .reml ? "REML" : "maximum likelihood"
    lines.append("Linear mixed model fit by \(method)")
    let t = settings.time.label
    let fixed = settings.includesIntake ? "\(t) * intake" : t
    lines.append("Formula: score ~ \(fixed) + (\(t) | client)" + (instrument.isEmpty ? "" : "   [\(instrument)]"))
    if settings.response == .afterIntake {
      lines.append("Response: the scores after each series' intake (the intake is a covariate only)")
    }
    lines.append("")
    if let remlCriterion {
      lines.append("REML criterion at convergence: " + Self.fixed(remlCriterion, 4))
    } else {
      let header = ["AIC", "BIC", "logLik", "deviance", "df.resid"]
      let values = [
        Self.fixed(aic ?? .nan, 1), Self.fixed(bic ?? .nan, 1), Self.fixed(logLikelihood, 1),
        Self.fixed(deviance ?? .nan, 1), String(residualDegreesOfFreedom),
      ]
      let widths = zip(header, values).map { max($0.count, $1.count) + 1 }
      lines.append(zip(header, widths).map { Self.pad($0, $1) }.joined(separator: " "))
      lines.append(zip(values, widths).map { Self.pad($0, $1) }.joined(separator: " "))
    }
    lines.append("")
    lines.append("Random effects:")
    let re = randomEffects
    let rows: [[String]] = [
      ["Groups", "Name", "Variance", "Std.Dev.", "Corr"],
      ["client", "(Intercept)", Self.significant(re.covariance[0][0]), Self.significant(re.interceptSD), ""],
      [
        "", t, Self.significant(re.covariance[1][1]), Self.significant(re.slopeSD),
        re.correlation.map { Self.fixed($0, 4) } ?? "NaN",
      ],
      ["Residual", "", Self.significant(residualSD * residualSD), Self.significant(residualSD), ""],
    ]
    lines += Self.table(rows, rightAligned: [false, false, true, true, true]).map { " " + $0 }
    lines.append("Number of obs: \(observations), groups:  client, \(groups)")
    lines.append("")
    lines.append("Fixed effects:")
    var fixedRows: [[String]] = [["", "Estimate", "Std. Error", "t value"]]
    for f in fixedEffects {
      fixedRows.append([
        f.name, Self.significant(f.estimate), Self.significant(f.standardError), Self.fixed(f.tValue, 3),
      ])
    }
    lines += Self.table(fixedRows, rightAligned: [false, true, true, true])
    lines.append("")
    lines.append(
      "Optimizer: \(optimizer.evaluations) deviance evaluations (Nelder-Mead \(optimizer.nelderMeadEvaluations)"
        + " in \(optimizer.nelderMeadRuns) run\(optimizer.nelderMeadRuns == 1 ? "" : "s"),"
        + " \(optimizer.newtonSteps) Newton steps), "
        + String(format: "%.3f s", optimizer.seconds))
    for d in diagnostics {
      lines.append("\(d.level.rawValue): \(d.code.rawValue): \(d.detail)")
    }
    return lines.joined(separator: "\n")
  }

  static func significant(_ value: Double) -> String {
    guard value.isFinite else { return "NaN" }
    // 7 significant digits, as a fixed-point number where that is readable.
    let magnitude = value == 0 ? 0 : Int(Foundation.floor(Foundation.log10(abs(value))))
    if magnitude >= 7 || magnitude < -4 { return String(format: "%.6e", value) }
    return String(format: "%.\(max(0, 6 - magnitude))f", value)
  }

  static func fixed(_ value: Double, _ decimals: Int) -> String {
    value.isFinite ? String(format: "%.\(decimals)f", value) : "NaN"
  }

  static func text(_ values: [Double]) -> String {
    "(" + values.map { String(format: "%.4g", $0) }.joined(separator: ", ") + ")"
  }

  static func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    let fill = String(repeating: " ", count: max(0, width - s.count))
    return right ? fill + s : s + fill
  }

  static func table(_ rows: [[String]], rightAligned: [Bool]) -> [String] {
    let widths = (0..<rows[0].count).map { k in rows.map { $0[k].count }.max()! }
    return rows.map { row in
      row.enumerated().map { k, cell in pad(cell, widths[k], right: rightAligned[k]) }.joined(separator: " ")
        .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
  }
}

/// A growth-model JSON file that cannot be used, with a one-line reason.
public struct GrowthModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(message: String) { self.message = message }
  public var description: String { message }
}
