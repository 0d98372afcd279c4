// NHS Talking Therapies outcome flags (METHODS.md section 2): caseness, recovery, reliable improvement,
// reliable deterioration and reliable recovery, per series and for a pair of measures (PHQ-9 with an
// anxiety measure, GAD-7 by default).
//
// Sources, as read for this implementation:
// - NHS Digital, "Psychological Therapies: reports on the use of IAPT services, England", monthly
//   outcomes pages (e.g. June 2020 final, December 2020 final): a referral has moved to recovery when it
//   was a clinical case ("at caseness") at the start of treatment and is not at the end; reliable
//   improvement compares the first and last scores; reliable recovery needs both; recovery rate =
//   recovered / (finished a course of treatment - not at caseness at the start) * 100.
// - OHID Fingertips, Common Mental Disorders profile, glossary "Caseness": a referral is a clinical case
//   when it is beyond the cut-off on the anxiety score, the depression score, or both.
// - Clark et al. (2018), Lancet 391:679-686, PMC5942544, table 2 and its note: recovery, reliable
//   improvement and reliable deterioration are computed on the pair of the depression measure (PHQ-9)
//   and the problem-specific anxiety measure (SPIN, IES-R, MI, OCI, PDSS, HAI), with GAD-7 when that is
//   missing or the problem has none.
// - PMC8411661, table 1 (citing NHS Digital 2016): PHQ-9 caseness 10 or above, reliable improvement a
//   fall of 6 or more; GAD-7 caseness 8 or above, reliable improvement 4 or more.
// The "neither deteriorated reliably" clause of paired reliable improvement is also CORC's definition
// (corc.uk.net, "Learning from CORC's analysis of data from child mental health services 2011-2015").
// The pages found do not spell out the "neither improved reliably" clause of paired reliable
// deterioration; it follows METHODS.md, and keeps improvement and deterioration mutually exclusive.

/// The NHS Talking Therapies flags of one series, or of a pair of series combined.
///
/// `recovery` and `reliableRecovery` are derived, so one formula serves single series and pairs:
/// `recovery = casenessAtIntake && !casenessAtLatest`, where for a pair `casenessAtIntake` is "either
/// measure at caseness at intake" and `casenessAtLatest` "either measure at caseness at latest", which
/// makes "not at caseness at latest" read "neither measure at caseness".
public struct TalkingTherapiesFlags: Sendable, Equatable {
  /// At caseness at intake (the first score): the instrument's caseness cutoff is met.
  public var casenessAtIntake: Bool
  /// At caseness at the latest score.
  public var casenessAtLatest: Bool
  /// Reliable improvement; for a pair: at least one measure improved reliably and neither deteriorated
  /// reliably.
  public var reliableImprovement: Bool
  /// Reliable deterioration; for a pair: at least one measure deteriorated reliably and neither
  /// improved reliably.
  public var reliableDeterioration: Bool

  public init(casenessAtIntake: Bool, casenessAtLatest: Bool, reliableImprovement: Bool, reliableDeterioration: Bool) {
    self.casenessAtIntake = casenessAtIntake
    self.casenessAtLatest = casenessAtLatest
    self.reliableImprovement = reliableImprovement
    self.reliableDeterioration = reliableDeterioration
  }

  /// The flags of a pair of measures from each measure's own flags (METHODS.md section 2):
  ///
  /// - caseness at intake (at latest): either measure at caseness at intake (at latest);
  /// - recovery: at caseness at intake and neither measure at caseness at latest;
  /// - reliable improvement: at least one improved reliably, neither deteriorated reliably;
  /// - reliable deterioration: at least one deteriorated reliably, neither improved reliably;
  /// - reliable recovery: recovery and (paired) reliable improvement.
  ///
  /// A client with one measure improved and the other deteriorated is neither improved nor
  /// deteriorated. Combining is symmetric.
  public init(pairing first: TalkingTherapiesFlags, with second: TalkingTherapiesFlags) {
    let anyImproved = first.reliableImprovement || second.reliableImprovement
    let anyDeteriorated = first.reliableDeterioration || second.reliableDeterioration
    self.init(
      casenessAtIntake: first.casenessAtIntake || second.casenessAtIntake,
      casenessAtLatest: first.casenessAtLatest || second.casenessAtLatest,
      reliableImprovement: anyImproved && !anyDeteriorated,
      reliableDeterioration: anyDeteriorated && !anyImproved)
  }

  /// Moved to recovery: at caseness at intake and not at caseness at the latest score.
  public var recovery: Bool { casenessAtIntake && !casenessAtLatest }

  /// Reliable recovery: recovery and reliable improvement.
  public var reliableRecovery: Bool { recovery && reliableImprovement }
}

/// Why NHS Talking Therapies flags could not be set for a series or a pair.
public enum TalkingTherapiesIssue: String, Sendable, CaseIterable, CustomStringConvertible {
  /// The instrument has no caseness cutoff.
  case noCaseness = "no_caseness_cutoff"
  /// The reliable-change rule cannot classify (see `ReliableChangeIssue`).
  case noReliableChange = "no_reliable_change"
  /// The intake or latest score is missing.
  case missingScore = "missing_score"
  /// A pair needs both measures' intake and latest scores; one measure has fewer than that.
  case incompletePair = "incomplete_pair"

  public var message: String {
    switch self {
    case .noCaseness: "the instrument has no caseness cutoff"
    case .noReliableChange: "reliable change cannot be assessed for the instrument"
    case .missingScore: "the intake or the latest score is missing"
    case .incompletePair: "the pair needs an intake and a latest score on both measures"
    }
  }

  public var description: String { rawValue + ": " + message }
}

/// The NHS Talking Therapies rule of one instrument: its caseness cutoff and its reliable-change rule.
/// Built once per instrument; `flags(intake:latest:)` per series.
public struct TalkingTherapiesRule: Sendable, Equatable {
  /// A score meeting it is at caseness (registry: PHQ-9 `>= 10`, GAD-7 `>= 8`); `nil` with an issue.
  public let caseness: Cutoff?
  public let reliableChange: ReliableChangeRule
  /// Why the rule cannot flag; `nil` when it can.
  public let issue: TalkingTherapiesIssue?

  /// The rule from an explicit caseness cutoff and reliable-change rule.
  public init(caseness: Cutoff?, reliableChange: ReliableChangeRule) {
    self.caseness = caseness
    self.reliableChange = reliableChange
    self.issue = caseness == nil ? .noCaseness : (reliableChange.issue != nil ? .noReliableChange : nil)
  }

  /// NHS Talking Therapies' rule for `instrument`: the registry's caseness cutoff, and by default the
  /// reliable-change rule of METHODS.md's defaults (the registry's fixed points, inclusive).
  public init(instrument: Instrument, reliableChange: ReliableChangeRule? = nil) {
    self.init(
      caseness: instrument.clinicalCutoff,
      reliableChange: reliableChange ?? ReliableChangeRule(instrument: instrument, parameters: .defaults))
  }

  /// The flags of one series from its intake and latest scores (score points); `nil` when the rule has
  /// an issue or a score is missing (`issue(intake:latest:)` says which).
  @inlinable
  public func flags(intake: Double, latest: Double) -> TalkingTherapiesFlags? {
    guard let caseness, intake.isFinite, latest.isFinite else { return nil }
    let change = reliableChange.assess(intake: intake, latest: latest)
    guard let category = change.category else { return nil }
    return TalkingTherapiesFlags(
      casenessAtIntake: caseness.isMet(by: intake), casenessAtLatest: caseness.isMet(by: latest),
      reliableImprovement: category == .improved, reliableDeterioration: category == .deteriorated)
  }

  /// Why `flags(intake:latest:)` is `nil` for these scores; `nil` when it is not.
  public func issue(intake: Double, latest: Double) -> TalkingTherapiesIssue? {
    if let issue { return issue }
    return intake.isFinite && latest.isFinite ? nil : .missingScore
  }
}

/// The NHS Talking Therapies rule of a pair of measures (`--pair`, PHQ9 + GAD7 by default).
public struct TalkingTherapiesPairRule: Sendable, Equatable {
  public let first: TalkingTherapiesRule
  public let second: TalkingTherapiesRule

  public init(first: TalkingTherapiesRule, second: TalkingTherapiesRule) {
    self.first = first
    self.second = second
  }

  /// The pair `parameters.pair` names in `registry`, each with the default NHS rule; `nil` when either
  /// name is unknown (`AnalysisParameters.problems(against:)` reports that).
  public init?(registry: InstrumentRegistry, parameters: AnalysisParameters = .defaults) {
    guard let one = registry.instrument(named: parameters.pair.first),
      let two = registry.instrument(named: parameters.pair.second)
    else { return nil }
    self.init(first: TalkingTherapiesRule(instrument: one), second: TalkingTherapiesRule(instrument: two))
  }

  /// The paired flags (`TalkingTherapiesFlags(pairing:with:)`) from each measure's intake and latest
  /// scores; `nil` when either measure cannot be flagged, since NHS Talking Therapies compute paired
  /// outcomes only on paired scores. (The fallback from a problem-specific anxiety measure to GAD-7 is
  /// the caller's choice of `second`.)
  @inlinable
  public func flags(first a: (intake: Double, latest: Double), second b: (intake: Double, latest: Double))
    -> TalkingTherapiesFlags?
  {
    guard let one = first.flags(intake: a.intake, latest: a.latest),
      let two = second.flags(intake: b.intake, latest: b.latest)
    else { return nil }
    return TalkingTherapiesFlags(pairing: one, with: two)
  }

  /// Why `flags(first:second:)` is `nil` for these scores: a rule's own issue, or `incompletePair` when
  /// a measure lacks a score; `nil` when the flags exist.
  public func issue(first a: (intake: Double, latest: Double), second b: (intake: Double, latest: Double))
    -> TalkingTherapiesIssue?
  {
    for issue in [first.issue(intake: a.intake, latest: a.latest), second.issue(intake: b.intake, latest: b.latest)] {
      if let issue { return issue == .missingScore ? .incompletePair : issue }
    }
    return nil
  }
}
