// Stagnation (METHODS.md section 6): which outcome series have stopped improving, and how far the
// response should escalate (PCOMS-style: review, change the treatment, refer).
//
// `StallRule` is the specification (the four `--stall-*`/`--review-session`/`--refer-sessions`
// parameters); `StallAssessment` is the result for one series. The reliable-change facts (improved,
// deteriorated, threshold in points, clinical at latest) come from the reliable-change stage as plain
// inputs, so this file depends on nothing but the scores.

// MARK: - Reason codes

/// Why a series is on the clinician's worklist. The raw values are stable machine-readable codes;
/// output files join several with `;` in declaration order (`stalled;low_alliance`).
///
/// Other classify stages (alliance, signals) add their codes here; a code once written is never
/// renamed, so saved files and scripts that read them keep working.
public enum WorklistReason: String, Sendable, CaseIterable {
  /// All four stall criteria hold (level `change` or `refer`).
  case stalled
  /// Stalled at or past `--refer-sessions` (level `refer`).
  case referSessionsReached = "refer_sessions_reached"
  /// Reliable deterioration from intake to latest, at any session.
  case deteriorating
  /// At or past the review session without reliable improvement (level `review` and above).
  case noReliableImprovement = "no_reliable_improvement"
  /// The latest alliance score is below the instrument's alliance cutoff (METHODS.md section 8).
  case lowAlliance = "low_alliance"
  /// An alliance rupture not repaired within the repair window (METHODS.md section 8).
  case ruptureUnrepaired = "rupture_unrepaired"
  /// Worse than the expected treatment response: signal yellow or red (METHODS.md section 5).
  case offTrack = "off_track"
  /// An active episode with no score for more than `--lost-contact-days` (default 21): the client may
  /// be drifting away, which is when a call helps most.
  case lostContact = "lost_contact"
  /// A positive answer on a risk item (PHQ-9 item 9 and the like), whatever the scores say.
  case riskItem = "risk_item"
}

/// A set of `WorklistReason`s in one 16-bit word.
public struct WorklistReasons: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16

  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public init(_ reason: WorklistReason) {
    let position = WorklistReason.allCases.firstIndex(of: reason)!
    rawValue = 1 << UInt16(position)
  }

  public static let stalled = Self(.stalled)
  public static let deteriorating = Self(.deteriorating)
  public static let noReliableImprovement = Self(.noReliableImprovement)
  public static let referSessionsReached = Self(.referSessionsReached)
  public static let lowAlliance = Self(.lowAlliance)
  public static let ruptureUnrepaired = Self(.ruptureUnrepaired)
  public static let offTrack = Self(.offTrack)
  public static let lostContact = Self(.lostContact)
  public static let riskItem = Self(.riskItem)

  /// The reasons in the set, in declaration order.
  public var reasons: [WorklistReason] { WorklistReason.allCases.filter { contains(Self($0)) } }

  /// The codes joined with `;`, e.g. `stalled;no_reliable_improvement`; empty when there are none.
  public var codes: String { reasons.map(\.rawValue).joined(separator: ";") }
}

// MARK: - Inputs and results

/// What the reliable-change stage (METHODS.md sections 1-2) found for one series, as plain values.
public struct ReliableChangeFacts: Sendable, Equatable {
  /// Reliable improvement from intake to latest.
  public var reliableImprovement: Bool
  /// Reliable deterioration from intake to latest.
  public var reliableDeterioration: Bool
  /// The reliable-change threshold in points, positive: the instrument's fixed points (PHQ-9: 6), or
  /// `1.96 S_diff` for a computed RCI. NaN or not positive when unknown: the plateau criterion then
  /// cannot be evaluated and the series is not called stalled (`StallDiagnostics.noThreshold`).
  public var thresholdPoints: Double
  /// The latest score is in the clinical range (at caseness).
  public var latestInClinicalRange: Bool
  /// The intake score was in the clinical range; `true` when the instrument has no clinical range to
  /// judge by. Review and stagnation apply only then (METHODS.md section 6, revision for alerts): below
  /// caseness a reliable improvement is often not possible at all (PHQ-9 4 -> 0 is 4 points, under the
  /// 6 that are reliable), so "no reliable improvement" says nothing about the treatment.
  public var clinicalAtIntake: Bool

  public init(
    reliableImprovement: Bool, reliableDeterioration: Bool, thresholdPoints: Double, latestInClinicalRange: Bool,
    clinicalAtIntake: Bool = true
  ) {
    self.reliableImprovement = reliableImprovement
    self.reliableDeterioration = reliableDeterioration
    self.thresholdPoints = thresholdPoints
    self.latestInClinicalRange = latestInClinicalRange
    self.clinicalAtIntake = clinicalAtIntake
  }
}

/// How far the response to a series should escalate, in PCOMS' order (Duncan & Reese 2015,
/// Psychotherapy 52:391-401): `none < review < change < refer`.
public enum StallLevel: String, Sendable, CaseIterable, Comparable {
  /// Nothing to act on.
  case none
  /// At or past the review session with no reliable improvement: discuss progress with the client.
  case review
  /// Stalled: change something in the treatment.
  case change
  /// Stalled at or past the refer session: consider referral or a different service.
  case refer

  public static func < (lhs: StallLevel, rhs: StallLevel) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// Which of the four stall criteria of METHODS.md section 6 hold for a series.
public struct StallCriteria: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8

  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// 1. At least `minimumScores` scores.
  public static let enoughScores = Self(rawValue: 1 << 0)
  /// 2. No reliable improvement from intake to latest.
  public static let noReliableImprovement = Self(rawValue: 1 << 1)
  /// 3. In the clinical range at latest.
  public static let clinicalAtLatest = Self(rawValue: 1 << 2)
  /// 4. The window's trend is below the reliable-change threshold.
  public static let plateau = Self(rawValue: 1 << 3)

  /// All four: the series is stalled.
  public static let all: Self = [.enoughScores, .noReliableImprovement, .clinicalAtLatest, .plateau]
}

/// Why the plateau criterion could not be evaluated for a series.
public enum StallDiagnostic: String, Sendable, CaseIterable {
  /// The reliable-change threshold in points is unknown (NaN or not positive).
  case noThreshold = "no_threshold"
  /// Fewer scores than the window holds.
  case windowIncomplete = "window_incomplete"
}

/// A set of `StallDiagnostic`s.
public struct StallDiagnostics: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8

  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let noThreshold = Self(rawValue: 1 << 0)
  public static let windowIncomplete = Self(rawValue: 1 << 1)

  /// The diagnostics in the set, in declaration order.
  public var diagnostics: [StallDiagnostic] {
    zip(StallDiagnostic.allCases, [Self.noThreshold, .windowIncomplete]).filter { contains($0.1) }.map(\.0)
  }

  /// The codes joined with `;`, empty when there are none.
  public var codes: String { diagnostics.map(\.rawValue).joined(separator: ";") }
}

/// The stagnation assessment of one outcome series at its latest score.
public struct StallAssessment: Sendable, Equatable {
  /// The escalation level.
  public var level: StallLevel
  /// Reliable deterioration from intake to latest: the `deteriorating` reason, whatever the session
  /// and independent of `level`.
  public var deteriorating: Bool
  /// Which stall criteria hold.
  public var criteria: StallCriteria
  /// The machine-readable reasons. They accumulate as the level rises: `review` gives
  /// `no_reliable_improvement`; `change` adds `stalled`; `refer` adds `refer_sessions_reached`;
  /// `deteriorating` is added whatever the level.
  public var reasons: WorklistReasons
  /// Scores observed (missing ones not counted).
  @CompactCount public var scoreCount: Int
  /// Session number of the latest score; `nil` without scores.
  public var latestSession: Int32?
  /// OLS slope over the last `window` scores against session number, in points per session; `nil` when
  /// the window is incomplete.
  @NaNAsNil public var windowSlope: Double?
  /// `|windowSlope| * (window - 1)`, in points: what the plateau criterion compares with the threshold.
  @NaNAsNil public var windowChange: Double?
  /// Why the plateau criterion could not be evaluated.
  public var diagnostics: StallDiagnostics

  /// All four criteria hold and the intake was in the clinical range: level `change` or `refer`.
  public var stalled: Bool { level >= .change }
}

// MARK: - The rule

/// The stall rule of METHODS.md section 6, with its parameters.
///
/// A series is *stalled* at its latest score when all of these hold:
/// 1. at least `minimumScores` (`--stall-min-sessions`, default 6) scores;
/// 2. no reliable improvement from intake to latest;
/// 3. the latest score is in the clinical range;
/// 4. plateau: with `b` the OLS slope of score on session number over the last `window`
///    (`--stall-window`, default 4) scores, `|b| * (window - 1) < threshold` (strictly), the threshold
///    being the reliable-change threshold in points.
///
/// Levels, with `s` the latest score's session number:
/// - `refer` when stalled and `s >= referSessions` (`--refer-sessions`, default 10);
/// - `change` when stalled;
/// - `review` when `s >= reviewSession` (`--review-session`, default 3), the series has at least 2
///   scores and no reliable improvement;
/// - `none` otherwise, and always when the intake was not in the clinical range
///   (`ReliableChangeFacts.clinicalAtIntake`): a client who started below caseness has little room for a
///   reliable improvement, so its absence is no prompt to review (revision for alerts).
/// `deteriorating` is separate from the level: reliable deterioration from intake to latest, at any
/// session (even session 2).
///
/// Units: the window slope in points per session, so `|b| * (window - 1)` is the fitted change across
/// the window when its sessions are consecutive. With gaps between sessions it is the per-session trend
/// carried over `window - 1` sessions, exactly as METHODS.md writes it (a slower trend across a longer
/// span counts as flatter).
///
/// Edge cases: missing scores are skipped (the window is the last `window` *observed* scores); a series
/// with fewer than 2 scores has no reliable change to speak of and is `none`; an unknown threshold
/// leaves the plateau criterion false (`no_threshold`).
///
/// References: Lambert et al. (2001), Psychother. Res. 11:49-68 (signals for clients not on track);
/// Duncan & Reese (2015) on PCOMS' escalation; Jacobson & Truax (1991) for the threshold.
public struct StallRule: Sendable, Equatable {
  /// `--stall-min-sessions`, at least 2 and at least `window`.
  public let minimumScores: Int
  /// `--stall-window`, at least 2.
  public let window: Int
  /// `--review-session`, at least 1.
  public let reviewSession: Int
  /// `--refer-sessions`, at least 1.
  public let referSessions: Int

  /// - Precondition: `window >= 2`, `minimumScores >= window`, `reviewSession >= 1`,
  ///   `referSessions >= 1` (what `AnalysisParameters.problems(against:)` checks for user input).
  public init(minimumScores: Int = 6, window: Int = 4, reviewSession: Int = 3, referSessions: Int = 10) {
    precondition(window >= 2 && minimumScores >= window, "stall window must be at least 2 and fit in the minimum")
    precondition(reviewSession >= 1 && referSessions >= 1, "review and refer sessions must be at least 1")
    self.minimumScores = minimumScores
    self.window = window
    self.reviewSession = reviewSession
    self.referSessions = referSessions
  }

  /// The rule of validated `parameters`.
  public init(_ parameters: AnalysisParameters) {
    self.init(
      minimumScores: parameters.stallMinSessions, window: parameters.stallWindow,
      reviewSession: parameters.reviewSession, referSessions: parameters.referSessions)
  }

  /// Assesses one series given as parallel slices of the series table's columns (equal length; their
  /// indices may differ), in time order, with the reliable-change facts of the same series.
  public func assess(session: ArraySlice<Int32>, score: ArraySlice<Double>, reliableChange facts: ReliableChangeFacts)
    -> StallAssessment
  {
    precondition(session.count == score.count, "session and score must pair up")
    // One backwards pass: the latest session, the count, and the window's sums (newest first).
    var count = 0
    var latestSession: Int32? = nil
    var windowSums = SufficientStatistics()
    var s = session.endIndex
    for y in score.reversed() {
      s -= 1
      if y.isNaN { continue }
      count += 1
      if latestSession == nil { latestSession = session[s] }
      if windowSums.count < window { windowSums.add(time: Double(session[s]), score: y) }
    }

    var criteria: StallCriteria = []
    var diagnostics: StallDiagnostics = []
    if count >= minimumScores { criteria.insert(.enoughScores) }
    if !facts.reliableImprovement { criteria.insert(.noReliableImprovement) }
    if facts.latestInClinicalRange { criteria.insert(.clinicalAtLatest) }

    var windowSlope: Double? = nil
    var windowChange: Double? = nil
    if windowSums.count == window {
      // Sessions within a series are distinct, so the window's time spread is positive.
      let slope = windowSums.slope
      windowSlope = slope
      windowChange = abs(slope) * Double(window - 1)
    } else {
      diagnostics.insert(.windowIncomplete)
    }
    let threshold = facts.thresholdPoints
    if !(threshold > 0) || !threshold.isFinite {
      diagnostics.insert(.noThreshold)
    } else if let change = windowChange, change < threshold {
      criteria.insert(.plateau)
    }

    let session = Int(latestSession ?? 0)
    var level = StallLevel.none
    var reasons: WorklistReasons = []
    if !facts.clinicalAtIntake {
      // Below caseness at intake: no review or stall prompt (deterioration is still reported below).
    } else if criteria == .all {
      level = session >= referSessions ? .refer : .change
      reasons.insert(.stalled)
      reasons.insert(.noReliableImprovement)
      if level == .refer { reasons.insert(.referSessionsReached) }
    } else if count >= 2 && !facts.reliableImprovement && session >= reviewSession {
      level = .review
      reasons.insert(.noReliableImprovement)
    }
    let deteriorating = facts.reliableDeterioration
    if deteriorating { reasons.insert(.deteriorating) }

    return StallAssessment(
      level: level, deteriorating: deteriorating, criteria: criteria, reasons: reasons, scoreCount: count,
      latestSession: latestSession, windowSlope: windowSlope, windowChange: windowChange, diagnostics: diagnostics)
  }
}
