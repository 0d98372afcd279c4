// The settings of the multilevel growth model (METHODS.md section 4): which time axis, which fixed
// effects, which criterion and how hard the optimiser works. A specification only: it is fixed before
// the data are read and is copied, unchanged, onto the result (`GrowthModelFit.settings`), as
// statsmodels keeps a model's settings apart from its fitted values.
//
// The pipeline mirrors lme4's (Bates et al. 2015, JSS 67(1), section 1.2):
//   spec + series -> `GrowthModelData` (the per-client sufficient blocks; lme4's model frame and
//   random-effects terms) -> `ProfiledDeviance` (lme4's deviance function of θ) -> `GrowthModel.optimise`
//   -> `GrowthModelFit` (lme4's merMod), each stage a plain value that can be tested and timed alone.

import Foundation

/// How the growth model `y_ij = x_ij'β + z_ij'u_i + e_ij` is specified and estimated.
///
/// - Random effects: an intercept and a slope on the time axis per group, `z_ij = (1, t_ij)`,
///   `u_i ~ N(0, G)` with `G` an unstructured 2 x 2 covariance (lme4: `(t | client)`).
/// - Fixed effects `x_ij`: `(1, t_ij)`, or with `includesIntake` `(1, t_ij, w_i, t_ij w_i)` where `w_i`
///   is the group's intake score (the expected-treatment-response form of METHODS.md section 5; lme4:
///   `score ~ t * intake`).
/// - Response `y_ij`: every usable score of the series, or with `response = .afterIntake` the scores
///   after the intake, so that the intake is a covariate only (the expected-treatment-response form).
/// - A group is one series: one client's scores on the instrument within one episode. A client seen in
///   two episodes contributes two groups, because the time axis starts again with each episode.
public struct GrowthModelSpec: Sendable, Equatable, Codable {
  /// The time axis `t` of the fixed and random slopes.
  public enum Time: String, Sendable, Equatable, Codable, CaseIterable {
    /// `t` = the session number, as recorded (series ordered by date are numbered 1, 2, ...).
    case session
    /// `t = ln(session)`, the dose-effect form of Howard et al. (1986) used for expected treatment
    /// response. Scores at a session numbered 0 or below have no logarithm and are left out (counted in
    /// `GrowthModelData.scoresWithoutTime`).
    case logSession = "log-session"
    /// `t` = weeks since the series' first dated score, `(date - first date) / 7`, so 0 at the first
    /// dated score. Undated scores are left out (counted in `GrowthModelData.scoresWithoutTime`).
    case weeks

    /// The label of the slope in printed summaries and in the JSON file: `session`, `log_session`, `weeks`.
    public var label: String {
      switch self {
      case .session: "session"
      case .logSession: "log_session"
      case .weeks: "weeks"
      }
    }
  }

  /// What is maximised.
  public enum Criterion: String, Sendable, Equatable, Codable, CaseIterable {
    /// Restricted (residual) maximum likelihood, lme4's default (`REML = TRUE`): variance components
    /// that allow for the degrees of freedom the fixed effects use.
    case reml = "REML"
    /// Maximum likelihood (`REML = FALSE`): needed to compare models with different fixed effects by
    /// likelihood ratio, AIC or BIC.
    case ml = "ML"
  }

  /// Which of a series' scores are the response `y`.
  public enum Response: String, Sendable, Equatable, Codable, CaseIterable {
    /// Every usable score, the intake included (lme4: the data as they are).
    case allScores = "all"
    /// The scores after the intake (the series' first non-missing score): the intake is then only a
    /// covariate. With the intake both a covariate and the response at the first session, a group's
    /// random intercept is pinned by its own intake and the random-effects covariance is singular by
    /// construction (rank 1: on every instrument of the bundled sample, the intercept SD is 0.05-0.4
    /// points and the correlation ±1, in lme4 as here); on the scores after the intake the same data
    /// give a proper fit (PHQ-9 of the sample: intercept SD 3.21, slope SD 3.40, correlation -0.68).
    /// This is how longitudinal outcomes are analysed with a baseline score: the post-baseline scores
    /// are the response, the baseline a covariate with its interaction with time (Mallinckrodt &
    /// Lipkovich 2017, Analyzing Longitudinal Clinical Trial Data, CRC Press, chapter "Accounting for
    /// covariates"). lme4: the rows after each series' first score.
    case afterIntake = "after-intake"
  }

  /// How long and how precisely θ is searched for, and when a check raises a diagnostic.
  ///
  /// The defaults reach lme4's estimates to 7 or more significant digits (tested on lme4's sleepstudy);
  /// they are tighter than lme4's own optimiser settings, because the goal is agreement with the exact
  /// optimum, not merely with lme4's printed digits.
  public struct Optimizer: Sendable, Equatable, Codable {
    /// Largest number of deviance evaluations, counting both stages. Reaching it gives the
    /// `not_converged` diagnostic.
    public var maximumEvaluations: Int = 2000
    /// Nelder-Mead stops when the simplex's deviances differ by at most this, relative to `1 + |d|`
    /// (and its vertices by at most the square root of this). Loose on purpose: the Newton polish
    /// that follows converges quadratically from there.
    public var simplexTolerance: Double = 1e-3
    /// The Newton polish stops when a step changes no component of θ by more than this, relative to
    /// `max(1, |θ_j|)`.
    public var stepTolerance: Double = 1e-9
    /// Most Newton iterations (derivative evaluations) of one polish.
    public var newtonIterations: Int = 20
    /// Newton iterations in the interior before the faces of the boundary are also searched (a
    /// regular optimum needs 2 to 5 from the simplex; a singular one is approached only slowly).
    public var newtonIterationsBeforeFaces: Int = 6
    /// A face of the boundary (θ₃ = 0, or θ₁ = 0) is also searched when the interior optimum's θ₃ (or
    /// θ₁) is below this, relative to `max(1, max_j |θ_j|)`, or when the interior polish did not settle.
    public var faceTolerance: Double = 1e-2
    /// Relative finite-difference step for the gradient and Hessian: `h_j = relativeStep * max(|θ_j|, 0.1)`.
    public var relativeStep: Double = 1e-4
    /// A fit is singular (on the boundary) when θ₁ or θ₃, the diagonal of the relative covariance factor,
    /// is below this; lme4's `isSingular` uses the same 1e-4.
    public var singularTolerance: Double = 1e-4
    /// The scaled gradient (the Newton step `H⁻¹g`, or `g` when it is smaller) above which the fit is
    /// reported as not converged; lme4's `check.conv.grad` default, 0.002.
    public var gradientTolerance: Double = 0.002
    /// Threads for the pass over the design classes (groups pooled by design, see `DesignClasses`); 0 =
    /// decide from the data size (two threads from `parallelThreshold` classes on). Results do not
    /// depend on it: partial sums are always formed over the same fixed chunks and added in the same
    /// order.
    public var threads: Int = 0
    /// Design classes from which the pass is split over threads when `threads` is 0 (as many as groups
    /// where every group has its own design, as on a weeks axis with irregular dates).
    public var parallelThreshold: Int = 20_000

    public init() {}
  }

  /// The time axis; `session` by default.
  public var time: Time
  /// Whether the fixed effects include the intake score and its interaction with time.
  public var includesIntake: Bool
  /// Which scores are the response; every score by default.
  public var response: Response
  /// REML (default) or ML.
  public var criterion: Criterion
  /// Series with fewer non-missing scores (on the time axis) are left out of the model; 3 by default,
  /// the least that gives a group its own intercept, slope and a residual. With `response =
  /// .afterIntake` the intake counts as one of them (3 = the intake and 2 scores after it).
  public var minimumScores: Int
  /// The optimiser's limits and the diagnostics' thresholds.
  public var optimizer: Optimizer

  public init(
    time: Time = .session, includesIntake: Bool = false, response: Response = .allScores, criterion: Criterion = .reml,
    minimumScores: Int = 3, optimizer: Optimizer = Optimizer()
  ) {
    precondition(minimumScores >= 1, "a series needs at least one score")
    self.time = time
    self.includesIntake = includesIntake
    self.response = response
    self.criterion = criterion
    self.minimumScores = minimumScores
    self.optimizer = optimizer
  }

  enum CodingKeys: String, CodingKey {
    case time, includesIntake, response, criterion, minimumScores, optimizer
  }

  /// Reads the settings of a JSON file; files of format version 1 have no `response`: every score.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    time = try c.decode(Time.self, forKey: .time)
    includesIntake = try c.decode(Bool.self, forKey: .includesIntake)
    response = try c.decodeIfPresent(Response.self, forKey: .response) ?? .allScores
    criterion = try c.decode(Criterion.self, forKey: .criterion)
    minimumScores = try c.decode(Int.self, forKey: .minimumScores)
    optimizer = try c.decode(Optimizer.self, forKey: .optimizer)
  }

  /// The expected-treatment-response model of METHODS.md section 5: the scores after the intake on a
  /// log-session time axis, intake and log-session x intake as fixed effects, REML (lme4:
  /// `lmer(score ~ log(session) * intake + (log(session) | series), subset = after the intake)`).
  public static let expectedTreatmentResponse = GrowthModelSpec(
    time: .logSession, includesIntake: true, response: .afterIntake)

  /// Whether the spec is the expected-treatment-response form (any criterion).
  public var isExpectedTreatmentResponse: Bool { time == .logSession && includesIntake && response == .afterIntake }

  /// Whether the spec is the expected-treatment-response form of romtrack before the respecification
  /// (every score the response, the intake included), whose random-effects covariance is singular by
  /// construction; saved models of that form are refused (`ExpectedResponseModel(fit:)`).
  public var isFormerExpectedTreatmentResponse: Bool {
    time == .logSession && includesIntake && response == .allScores
  }

  /// `p`: the number of fixed effects, 2 or 4.
  public var fixedEffectCount: Int { includesIntake ? 4 : 2 }

  /// The fixed effects' names, in the order of β: `(Intercept)`, the time label, then `intake` and
  /// `<time>:intake` (lme4's naming of `score ~ t * intake`).
  public var fixedEffectNames: [String] {
    includesIntake
      ? ["(Intercept)", time.label, "intake", time.label + ":intake"]
      : ["(Intercept)", time.label]
  }
}
