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
///   each as classified at its latest score up to the as-of date.
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

  public init() {}

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
