/// How an episode ended, judged at the end of the history a backtest replays: what each flag is scored
/// against. Only ended episodes have an outcome; the measure is the episode's first outcome series (in
/// registry order: PHQ-9 before GAD-7) with at least 2 scores.
public struct EpisodeOutcome: Sendable, Equatable {
  /// Reliable deterioration from intake to the last score.
  public var deteriorated = false
  /// Reliable improvement from intake to the last score (a responder).
  public var improved = false
  /// No reliable improvement at the end, with the intake in the clinical range and at least
  /// `review_session` scores: the episodes that "end without reliable improvement" (those below
  /// caseness at intake have little room for one, and a single early score says nothing).
  public var notImproved = false
  /// Recovered: clinical at intake, not at the end, reliably improved (METHODS.md section 2).
  public var recovered = false
  /// Ended without a discharge date (inferred from inactivity): an unplanned ending.
  public var droppedOut = false
  /// Scores of the outcome series, and the date of the episode's last observed score.
  public var scores = 0
  public var lastDate: Int32 = ScoreRows.noDate

  public init() {}

  /// A failure: reliable deterioration, or no reliable improvement as defined above.
  public var failed: Bool { deteriorated || notImproved }
}

/// The outcome classes a backtest reports on, each a predicate on an ended episode's outcome (and on
/// the planted course when the truth file of `romtrack generate --truth` is given).
public enum OutcomeClass: String, Sendable, CaseIterable {
  case deteriorated
  case notImproved = "not_improved"
  case failed
  case improved
  case recovered
  case droppedOut = "dropped_out"
  /// Planted courses that go wrong: deterioration, non-response, plateau, sudden loss.
  case plantedFailure = "planted_failure"
  /// Planted courses that respond: improvers, early responders, sudden gains.
  case plantedResponder = "planted_responder"

  /// Whether an episode belongs to the class; `nil` when it cannot be told (no truth for it).
  public func contains(_ outcome: EpisodeOutcome, course: PlantedCourse?) -> Bool? {
    switch self {
    case .deteriorated: outcome.deteriorated
    case .notImproved: outcome.notImproved
    case .failed: outcome.failed
    case .improved: outcome.improved
    case .recovered: outcome.recovered
    case .droppedOut: outcome.droppedOut
    case .plantedFailure: course.map(\.isFailure)
    case .plantedResponder: course.map { !$0.isFailure }
    }
  }
}

/// A course planted by `romtrack generate` (the `course` column of clients_truth.csv).
public struct PlantedCourse: Sendable, Equatable {
  public var name: String

  public init(_ name: String) { self.name = name }

  /// Deterioration, non-response, plateau and sudden loss go wrong; the rest respond.
  public var isFailure: Bool { ["deteriorator", "nonResponder", "plateau", "suddenLoss"].contains(name) }
}

extension EpisodeOutcome {
  /// The outcome of episode `e` of an analysed table (ended or not: the caller keeps the ended ones).
  static func of(
    episode e: Int, table: SeriesTable, analysis: Analysis, registry: InstrumentRegistry,
    parameters: AnalysisParameters
  ) -> EpisodeOutcome {
    var outcome = EpisodeOutcome()
    let episode = table.episodes[e]
    outcome.droppedOut = episode.ending == .inactive
    outcome.lastDate = Analyzer.lastObservedDate(episode.series, in: table) ?? episode.lastDate
    let measure = episode.series.first {
      registry.instruments[Int(table.series[$0].instrument)].kind == .outcome && analysis.series[$0].scoreCount >= 2
    }
    guard let s = measure, let clinical = analysis.series[s].clinical else { return outcome }
    let r = analysis.series[s]
    outcome.scores = r.scoreCount
    outcome.deteriorated = clinical.reliableChange.isReliableDeterioration
    outcome.improved = clinical.reliableChange.isReliableImprovement
    outcome.recovered = clinical.category == .recovered
    outcome.notImproved =
      !outcome.improved && (clinical.clinicalAtIntake ?? false) && r.scoreCount >= parameters.reviewSession
    return outcome
  }
}
