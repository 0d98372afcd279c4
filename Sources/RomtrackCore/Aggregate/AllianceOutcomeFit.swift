// The values the alliance-outcome association reports (METHODS.md section 8): plain Sendable values,
// for the research export to write.

/// A term of `outcome_{t+1} ~ 1 + outcome_t + (alliance_t - m_e) + m_e`.
public enum AllianceOutcomeTerm: String, Sendable, Equatable, Codable, CaseIterable {
  /// The constant.
  case intercept
  /// `outcome_t`, the outcome score at the session of the alliance score (the autoregressive term).
  case outcome
  /// `alliance_t - m_e`: the alliance score's deviation from the episode's own mean (within client).
  case allianceWithin = "alliance_within"
  /// `m_e`: the episode's mean alliance (between clients).
  case allianceBetween = "alliance_between"
}

/// A p-value and a 95% confidence interval under one reference distribution.
public struct AllianceOutcomeInference: Sendable, Equatable, Codable {
  /// Two-sided p-value of `estimate / standardError`.
  public var pValue: Double
  /// `estimate ∓ critical value × standardError`.
  public var lower: Double
  public var upper: Double

  public init(pValue: Double, lower: Double, upper: Double) {
    self.pValue = pValue
    self.lower = lower
    self.upper = upper
  }
}

/// One coefficient with its cluster-robust standard error.
public struct AllianceOutcomeCoefficient: Sendable, Equatable, Codable {
  public var term: AllianceOutcomeTerm
  /// OLS estimate, in points of the outcome instrument per point of the regressor.
  public var estimate: Double
  /// Cluster-robust (CR1) standard error, clusters = clients.
  public var standardError: Double
  /// `estimate / standardError`: a z statistic against the normal, a t statistic against Student's t
  /// with G - 1 degrees of freedom.
  public var statistic: Double
  /// Against the standard normal (critical value 1.959964): what statsmodels reports by default for
  /// `OLS(...).fit(cov_type='cluster', cov_kwds={'groups': ...})` (`use_t=False`).
  public var normal: AllianceOutcomeInference
  /// Against Student's t with G - 1 degrees of freedom: what statsmodels reports with `use_t=True`
  /// (and Stata after `regress, vce(cluster)`); wider when clients are few.
  public var studentT: AllianceOutcomeInference

  public init(
    term: AllianceOutcomeTerm, estimate: Double, standardError: Double, statistic: Double,
    normal: AllianceOutcomeInference, studentT: AllianceOutcomeInference
  ) {
    self.term = term
    self.estimate = estimate
    self.standardError = standardError
    self.statistic = statistic
    self.normal = normal
    self.studentT = studentT
  }
}

/// Why a pair could not be fitted, or what was left out of it.
public struct AllianceOutcomeDiagnostic: Sendable, Equatable, Codable {
  public enum Code: String, Sendable, Equatable, Codable, CaseIterable {
    /// No session has an outcome score, the next session's outcome score and an alliance score.
    case noObservations = "no_observations"
    /// Fewer clients than coefficients + 1 (5): too few clusters for a cluster-robust covariance.
    case tooFewClients = "too_few_clients"
    /// Every alliance score equals its episode's mean (for instance every episode contributes one
    /// row): the within coefficient is not identified.
    case noWithinVariation = "no_within_variation"
    /// Every episode has the same mean alliance: the between coefficient is not identified.
    case noBetweenVariation = "no_between_variation"
    /// Every outcome_t is the same: the autoregressive coefficient is not identified.
    case noOutcomeVariation = "no_outcome_variation"
    /// The regressors are linearly dependent in another way (or nearly so).
    case collinearDesign = "collinear_design"
    /// Episodes left out because the outcome or alliance series is ordered by date (some score has no
    /// session number), so sessions cannot be matched across the two series (not an error; the
    /// pair is fitted on the other episodes).
    case dateOrderedEpisodesSkipped = "date_ordered_episodes_skipped"
  }

  public var code: Code
  /// One sentence for a person.
  public var message: String

  public init(code: Code, message: String) {
    self.code = code
    self.message = message
  }
}

/// The association for one (outcome instrument, alliance instrument) pair.
public struct AllianceOutcomeFit: Sendable, Equatable, Codable {
  /// Registry positions and canonical names of the two instruments.
  public var outcomeInstrument: Int
  public var allianceInstrument: Int
  public var outcomeName: String
  public var allianceName: String
  /// N: rows (sessions t) used.
  public var observationCount: Int
  /// G: clients with at least one row; the clusters.
  public var clientCount: Int
  /// Episodes with at least one row.
  public var episodeCount: Int
  /// Episodes holding both series that were left out because a series is ordered by date.
  public var episodesSkipped: Int
  /// In `AllianceOutcomeTerm.allCases` order; empty when the pair could not be fitted.
  public var coefficients: [AllianceOutcomeCoefficient]
  /// The cluster-robust covariance of the coefficients (4 x 4, same order); empty when not fitted.
  public var covariance: [[Double]]
  /// G - 1, the degrees of freedom of `AllianceOutcomeCoefficient.studentT`.
  public var degreesOfFreedom: Int
  /// Why the pair was not fitted (then `coefficients` is empty), or what was left out.
  public var diagnostics: [AllianceOutcomeDiagnostic]

  public init(
    outcomeInstrument: Int, allianceInstrument: Int, outcomeName: String, allianceName: String,
    observationCount: Int, clientCount: Int, episodeCount: Int, episodesSkipped: Int,
    coefficients: [AllianceOutcomeCoefficient], covariance: [[Double]], degreesOfFreedom: Int,
    diagnostics: [AllianceOutcomeDiagnostic]
  ) {
    self.outcomeInstrument = outcomeInstrument
    self.allianceInstrument = allianceInstrument
    self.outcomeName = outcomeName
    self.allianceName = allianceName
    self.observationCount = observationCount
    self.clientCount = clientCount
    self.episodeCount = episodeCount
    self.episodesSkipped = episodesSkipped
    self.coefficients = coefficients
    self.covariance = covariance
    self.degreesOfFreedom = degreesOfFreedom
    self.diagnostics = diagnostics
  }

  /// Whether the coefficients were estimated.
  public var isFitted: Bool { !coefficients.isEmpty }

  /// The coefficient of `term`; `nil` when the pair was not fitted.
  public func coefficient(_ term: AllianceOutcomeTerm) -> AllianceOutcomeCoefficient? {
    coefficients.first { $0.term == term }
  }
}

/// The rows of one pair, as the regression sees them: parallel arrays, one element per row.
public struct AllianceOutcomeObservations: Sendable, Equatable {
  public var outcomeInstrument: Int
  public var allianceInstrument: Int
  /// Index into `SeriesTable.episodes`, and that episode's client (the cluster).
  public var episode: [Int] = []
  public var client: [UInt32] = []
  /// Session t.
  public var session: [Int32] = []
  /// `outcome_{t+1}`, the response.
  public var nextOutcome: [Double] = []
  /// `outcome_t`.
  public var outcome: [Double] = []
  /// `alliance_t - m_e`.
  public var allianceWithin: [Double] = []
  /// `m_e`, the episode's mean of the alliance scores of its rows.
  public var allianceMean: [Double] = []

  public init(outcomeInstrument: Int, allianceInstrument: Int) {
    self.outcomeInstrument = outcomeInstrument
    self.allianceInstrument = allianceInstrument
  }

  public var count: Int { session.count }
}
