/// The figures of METHODS.md section 9 for one group (the practice, a clinician or a site), one
/// window (a month or the trailing 12 months) and one outcome instrument, or all instruments together.
///
/// Who counts where:
/// - *clients seen*: clients with a score dated in the window;
/// - *active*: episodes open at some day of the window (first score on or before its last day, and
///   not ended before its first day); *started*: first score in the window; *ended*: the end day in
///   the window (the discharge date, or the last score of an episode ended for inactivity);
///   *finished*: ended with paired scores (two or more on the instrument; for all instruments, on
///   some outcome instrument), the courses the outcome rates describe;
/// - outcome rates and the effect size: over the finished series of the instrument;
/// - stalled, off track, deteriorating, low alliance, unrepaired ruptures: over the active episodes,
///   each as classified at its latest score up to the as-of date;
/// - NHS Talking Therapies counts (`talking...`): over the finished series with NHS flags of the
///   instrument; in the all-instruments cell (slot 0), over the finished episodes with paired flags of
///   the configured pair (`--pair`, PHQ-9 + GAD-7 by default), NHS Talking Therapies' headline;
/// - dropped out: over the ended episodes (`DropOutRule`).
///
/// Counts are `Int32`: a report holds one cell per group, window and instrument (about 4M at 40,000
/// clinicians), and half-size cells halve the memory the aggregation fills.
public struct GroupMeasures: Sendable, Equatable {
  public var clientsSeen: Int32 = 0
  public var episodesActive: Int32 = 0
  public var episodesStarted: Int32 = 0
  public var episodesEnded: Int32 = 0
  public var episodesFinished: Int32 = 0
  /// Scores over the ended episodes (for all instruments: the episode's longest series), for the mean.
  public var sessionsOfEnded = 0

  /// Finished series with a reliable-change classification: the denominator of the change rates.
  public var classified: Int32 = 0
  public var reliablyImproved: Int32 = 0
  public var reliablyUnchanged: Int32 = 0
  public var reliablyDeteriorated: Int32 = 0
  /// Finished series in the clinical range at intake: the denominator of the recovery rate.
  public var clinicalAtIntake: Int32 = 0
  /// Outcome categories (Jacobson & Truax 1991) of the finished series.
  public var recovered: Int32 = 0
  public var improved: Int32 = 0
  public var unchanged: Int32 = 0
  public var deteriorated: Int32 = 0
  public var harmed: Int32 = 0

  /// Pre-post effect size accumulators over finished series: Welford's running mean and sum of
  /// squared deviations of the intake, and the sum of `dir * (latest - intake)`.
  public var effectCount: Int32 = 0
  var intakeMean = 0.0
  var intakeSquares = 0.0
  var improvementSum = 0.0

  public var stalled: Int32 = 0
  public var offTrack: Int32 = 0
  public var deteriorating: Int32 = 0
  public var lowAlliance: Int32 = 0
  public var unrepairedRuptures: Int32 = 0

  /// NHS Talking Therapies (NHS Digital's IAPT outcome measures): finished with flags (the
  /// denominator of reliable improvement and deterioration), of them at caseness at intake (the
  /// denominator of recovery and reliable recovery), and the four numerators.
  public var talkingFinished: Int32 = 0
  public var talkingCaseness: Int32 = 0
  public var talkingRecovered: Int32 = 0
  public var talkingReliablyImproved: Int32 = 0
  public var talkingReliablyDeteriorated: Int32 = 0
  public var talkingReliablyRecovered: Int32 = 0
  /// Ended episodes that ended unplanned (`DropOutRule`): the numerator of the drop-out rate.
  public var droppedOut: Int32 = 0

  public init() {}

  /// NHS recovery: at caseness at intake and not at the end, over finished courses at caseness at
  /// intake (NHS Digital: recovered / (finished - not at caseness at the start)).
  public var talkingRecovery: WilsonInterval? {
    WilsonInterval(successes: Int(talkingRecovered), trials: Int(talkingCaseness))
  }
  /// NHS reliable improvement over all finished courses.
  public var talkingReliableImprovement: WilsonInterval? {
    WilsonInterval(successes: Int(talkingReliablyImproved), trials: Int(talkingFinished))
  }
  /// NHS reliable deterioration over all finished courses.
  public var talkingReliableDeterioration: WilsonInterval? {
    WilsonInterval(successes: Int(talkingReliablyDeteriorated), trials: Int(talkingFinished))
  }
  /// NHS reliable recovery (recovery and reliable improvement) over finished courses at caseness.
  public var talkingReliableRecovery: WilsonInterval? {
    WilsonInterval(successes: Int(talkingReliablyRecovered), trials: Int(talkingCaseness))
  }
  /// Unplanned endings among the ended episodes.
  public var dropout: WilsonInterval? { WilsonInterval(successes: Int(droppedOut), trials: Int(episodesEnded)) }

  /// Fewer finished episodes (series, per instrument) than `AggregateTable.fewestToCompare`:
  /// the pages show "too few to compare" instead of a rate.
  public var tooFewToCompare: Bool { episodesFinished < AggregateTable.fewestToCompare }

  /// Share of ended episodes with paired scores.
  public var paired: WilsonInterval? { WilsonInterval(successes: Int(episodesFinished), trials: Int(episodesEnded)) }
  public var reliableImprovement: WilsonInterval? { WilsonInterval(successes: Int(reliablyImproved), trials: Int(classified)) }
  public var reliableDeterioration: WilsonInterval? {
    WilsonInterval(successes: Int(reliablyDeteriorated), trials: Int(classified))
  }
  /// Recovered among finished series that began in the clinical range.
  public var recovery: WilsonInterval? { WilsonInterval(successes: Int(recovered), trials: Int(clinicalAtIntake)) }

  /// Mean scores per ended episode.
  public var meanSessions: Double? {
    episodesEnded > 0 ? Double(sessionsOfEnded) / Double(episodesEnded) : nil
  }

  /// `d = dir * mean(latest - intake) / SD(intake)` (SD with n - 1), positive = improvement;
  /// `nil` below two series or with no spread at intake.
  public var effectSize: Double? {
    guard effectCount >= 2 else { return nil }
    let sd = (intakeSquares / Double(effectCount - 1)).squareRoot()
    guard sd > 0 else { return nil }
    return improvementSum / Double(effectCount) / sd
  }

  /// Adds one finished series' intake and latest score (`direction` +1 when higher is better).
  mutating func addEffect(intake: Double, latest: Double, direction: Double) {
    guard intake.isFinite, latest.isFinite else { return }
    effectCount += 1
    let delta = intake - intakeMean
    intakeMean += delta / Double(effectCount)
    intakeSquares += delta * (intake - intakeMean)
    improvementSum += direction * (latest - intake)
  }
}
