// The checks of a growth-model fit (METHODS.md section 4) and how they are graded, as lme4 grades the
// checks of `lmerControl` (`check.nobs.vs.nRE`, `check.conv.grad`, `check.conv.hess`, `isSingular`):
// the data checks run before the fit (`GrowthModel.fit`), the convergence checks after the optimiser
// (`GrowthModel.optimise`), and the result carries every message and warning (`GrowthModelFit`).

/// A check on a growth-model fit, graded as lme4 grades its checks (`lmerControl`'s `check.*`).
/// Messages and warnings travel on the fit (`GrowthModelFit.diagnostics`); errors stop the fit
/// (`GrowthModelFailure`).
public struct GrowthModelDiagnostic: Sendable, Equatable, Codable {
  /// What was found; the raw value is the stable code written to output files.
  public enum Code: String, Sendable, Equatable, Codable, CaseIterable {
    /// Fewer than 2 groups: no variance between groups can be estimated (error).
    case tooFewGroups = "too_few_groups"
    /// No more observations than random effects (`N <= 2 × groups`), lme4's `check.nobs.vs.nRE` (error).
    case tooFewObservations = "too_few_observations"
    /// The fixed effects are not estimable: `X'X` is singular, e.g. every score at one time, or one
    /// intake score for every group in a model with intake (error).
    case rankDeficientFixedEffects = "rank_deficient_fixed_effects"
    /// The deviance could not be evaluated at the starting value (error).
    case devianceNotFinite = "deviance_not_finite"
    /// Series with fewer than `minimumScores` usable scores were left out (message).
    case seriesLeftOut = "series_left_out"
    /// Non-missing scores without a value on the time axis were left out (message).
    case scoresWithoutTime = "scores_without_time"
    /// The estimate lies on the boundary: an SD of the random effects is 0 (θ₁ or θ₃ below the
    /// tolerance), so G is singular and a correlation is ±1 or undefined. The fit is valid but the
    /// model is more complex than the data support; lme4's `isSingular` (message, as in lme4).
    case singularFit = "singular_fit"
    /// The optimiser used its evaluation budget without meeting its stopping rule (warning).
    case notConverged = "not_converged"
    /// The scaled gradient at the optimum exceeds `gradientTolerance`, lme4's `check.conv.grad`
    /// (warning).
    case largeGradient = "large_gradient"
    /// The Hessian of the deviance at an interior optimum is not positive definite, lme4's
    /// `check.conv.hess` (warning).
    case hessianNotPositiveDefinite = "hessian_not_positive_definite"
    /// Fewer series than a practice's own expected-treatment-response model needs
    /// (`AnalysisParameters.etrMinimumSeries`, 100 series with at least 3 scores by default): the
    /// report fits none and gives no signal for the instrument (error; see `ExpectedResponseStage`).
    case tooFewSeriesForPracticeModel = "too_few_series_for_practice_model"
  }

  /// How much a diagnostic matters: lme4's ignore / message / warning / error.
  public enum Level: String, Sendable, Equatable, Codable, Comparable, CaseIterable {
    case message
    case warning
    case error

    private var rank: Int {
      switch self {
      case .message: 0
      case .warning: 1
      case .error: 2
      }
    }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
  }

  public var code: Code
  public var level: Level
  /// One sentence with the numbers involved.
  public var detail: String

  public init(_ code: Code, _ level: Level, _ detail: String) {
    self.code = code
    self.level = level
    self.detail = detail
  }
}

/// A fit that could not be made: the error-level diagnostics, with any messages found before.
public struct GrowthModelFailure: Error, Sendable, Equatable, CustomStringConvertible {
  public var diagnostics: [GrowthModelDiagnostic]

  public init(diagnostics: [GrowthModelDiagnostic]) { self.diagnostics = diagnostics }

  public var description: String {
    diagnostics.filter { $0.level == .error }.map { $0.code.rawValue + ": " + $0.detail }.joined(separator: "; ")
  }
}
