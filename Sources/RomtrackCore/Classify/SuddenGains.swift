// Sudden gains and sudden losses in one series (METHODS.md section 7).
//
// The rule is a specification (`SuddenGainRule`), kept apart from what it finds (`SuddenChange`,
// `SuddenChangeCounts`). A series is read as parallel slices of session numbers and scores, so the
// classify stage can pass `SeriesTable.session[range]` and `SeriesTable.score[range]` without copying;
// a series without events allocates nothing.

/// Tang & DeRubeis' (1999) three criteria for a sudden gain between sessions N and N+1, with the
/// missing-data adjustment of Lutz et al. (2013), as the R package suddengains (Wiedemann et al. 2020,
/// `identify_sg`, `check_interval`, `create_bysg`) applies them. Losses are the mirror image.
///
/// With `dir = -1` where lower is better and `+1` where higher is better, and `x_s` the score at
/// session number `s`, the interval N -> N+1 is a **sudden gain** when all of:
///
/// 1. `g = dir * (x_{N+1} - x_N) >= points` (criterion 1, in score points);
/// 2. `g >= proportion * severity`, `severity = x_N - minimum` where lower is better and
///    `maximum - x_N` where higher is better (criterion 2; suddengains uses `x_N` itself, the same on a
///    scale that starts at 0);
/// 3. with `meanDifferenceTest` on: `dir * (mean(post) - mean(pre)) > t_crit * s_pooled`, where
///    pre = the observed scores of sessions N-2, N-1, N and post = those of N+1, N+2, N+3 (by session
///    number, missing sessions skipped), at least 2 on each side,
///    `s_pooled = sqrt(((n_pre - 1) s_pre^2 + (n_post - 1) s_post^2) / (n_pre + n_post - 2))` and
///    `t_crit` the two-sided 5% critical value of Student's t with `n_pre + n_post - 2` degrees of
///    freedom: 2.776 (4 df), 3.182 (3 df), 4.303 (2 df) (Lutz et al. 2013).
///
/// A **sudden loss** is a worsening `l = -dir * (x_{N+1} - x_N)` with criteria 1 and 3 mirrored (`l >=
/// points`; post mean worse than the pre mean by more than `t_crit * s_pooled`) and criterion 2 by
/// `lossSeverity`:
///
/// - `.severity` (default, suddengains' `identify_sl` and the literature): `l >= proportion * severity`
///   with the same pre-loss severity as a gain (`x_N - minimum` where lower is better, `maximum - x_N`
///   where higher is better); suddengains tests `x_N - x_{N+1} <= sg_crit2_pct * x_N`, the same on a
///   lower-is-better scale starting at 0. A client at the floor (severity 0) meets it with any loss.
/// - `.room` (the mirrored rule): `l >= proportion * room`, the room left to worsen (`maximum - x_N`
///   where lower is better, `x_N - minimum` where higher is better): the gain rule on the mirrored
///   scale `x -> maximum + minimum - x`, so mirroring the scores swaps gains and losses exactly.
///
/// Comparisons are exact on the given scores (no tolerance): criteria 1 and 2 are inclusive, criterion 3
/// is strict, as in suddengains.
///
/// References: Tang, T. Z. & DeRubeis, R. J. (1999), JCCP 67:894-904. Lutz, W. et al. (2013),
/// Psychotherapy Research 23:14-24 (critical value by available sessions). Wiedemann, M. et al. (2020),
/// suddengains, PLOS ONE 15:e0230276.
public struct SuddenGainRule: Sendable, Equatable {
  /// Criterion 1: the smallest change, in score points, that can be a sudden gain or loss. Positive.
  public var points: Double
  /// Criterion 2: the smallest share of the pre-gain severity (for a loss: of the room left to worsen)
  /// that the change must reach, in (0, 1]; 0.25 by default. 0 switches the criterion off.
  public var proportion: Double
  /// Criterion 3: whether the pre and post means must differ by more than `t_crit` pooled SDs. On by
  /// default; off, an interval needs only its two scores N and N+1.
  public var meanDifferenceTest: Bool
  /// Which end of the scale is better.
  public var direction: Direction
  /// Lowest and highest possible score of the instrument (criterion 2's severity is measured from them).
  public var minimum: Double
  public var maximum: Double
  /// What criterion 2 of a loss is a share of: the pre-loss severity (default, as suddengains) or the
  /// room left to worsen (the mirrored rule).
  public var lossSeverity: AnalysisParameters.SuddenLossSeverity

  public init(
    points: Double, proportion: Double = 0.25, meanDifferenceTest: Bool = true, direction: Direction,
    minimum: Double, maximum: Double, lossSeverity: AnalysisParameters.SuddenLossSeverity = .severity
  ) {
    self.points = points
    self.proportion = proportion
    self.meanDifferenceTest = meanDifferenceTest
    self.direction = direction
    self.minimum = minimum
    self.maximum = maximum
    self.lossSeverity = lossSeverity
  }

  /// The rule for `instrument` with METHODS.md's defaults: criterion 1 is `sg_crit1` when given, else the
  /// instrument's reliable-change points, else `1.96 S_diff` (Jacobson & Truax 1991); criterion 2 is
  /// `sg_crit2`; criterion 3 is on. `nil` when none of the three gives criterion 1 (the instrument has
  /// neither fixed points nor reliability and reference SD): the caller reports that sudden gains could
  /// not be assessed.
  public init?(instrument: Instrument, parameters: AnalysisParameters = .defaults) {
    guard let points = Self.defaultPoints(for: instrument, parameters: parameters) else { return nil }
    self.init(
      points: points, proportion: parameters.suddenGainProportion, meanDifferenceTest: true,
      direction: instrument.direction, minimum: instrument.minimum, maximum: instrument.maximum,
      lossSeverity: parameters.suddenLossSeverity)
  }

  /// Criterion 1 in points for `instrument`: `sg_crit1`, else the registry's reliable-change points, else
  /// `1.96 * S_diff`; `nil` when none is known.
  public static func defaultPoints(for instrument: Instrument, parameters: AnalysisParameters) -> Double? {
    if let given = parameters.suddenGainPoints { return given }
    if let fixed = instrument.reliableChangePoints { return fixed }
    return instrument.standardErrorOfDifference.map { 1.96 * $0 }
  }
}

/// Whether an event is a sudden gain (improvement) or a sudden loss (worsening).
public enum SuddenChangeKind: String, Sendable, CaseIterable {
  case gain
  case loss
}

/// One sudden gain or loss between sessions N and N+1.
///
/// `session` is the post-gain session N+1: the session at which the change is first seen, which is when
/// a clinician can act on it. `pregainSession` is N, the number suddengains reports as `sg_session_n`
/// and builds its `id_sg` (`"<id>_sg_<N>"`) from; the two always differ by exactly 1.
public struct SuddenChange: Sendable, Equatable {
  public var kind: SuddenChangeKind
  /// N+1, the first session after the change.
  public var session: Int32
  /// N, the last session before the change (suddengains' `sg_session_n`).
  public var pregainSession: Int32
  /// `|x_{N+1} - x_N|` in score points, positive for gains and losses alike (suddengains'
  /// `sg_magnitude` is `x_N - x_{N+1}`, negative for a loss on a lower-is-better scale).
  public var magnitude: Double
  /// `magnitude / severity`, the share of criterion 2 (for a loss: of the pre-loss severity, or of the
  /// room left to worsen under the mirrored rule); above 0, above 1 for a large loss; NaN for a loss
  /// from a severity of 0 (a client at the floor), which criterion 2 lets through.
  public var proportion: Double
  /// Mean of the observed scores at sessions N-2..N and N+1..N+3 (score points).
  public var preMean: Double
  public var postMean: Double
  /// Scores behind each mean, 2 or 3 (criterion 3 off: whatever is observed, 1 to 3).
  public var preCount: Int8
  public var postCount: Int8
  /// Whether some score at session N+2 or later is worse than `x_{N+1}` by strictly more than half the
  /// magnitude (a loss: better by more than half), as suddengains' `sg_reversal`.
  public var reversed: Bool
  /// The first session where the reversal is seen; `nil` when not reversed.
  public var reversalSession: Int32?

  public init(
    kind: SuddenChangeKind, session: Int32, magnitude: Double, proportion: Double, preMean: Double,
    postMean: Double, preCount: Int8, postCount: Int8, reversed: Bool, reversalSession: Int32?
  ) {
    self.kind = kind
    self.session = session
    self.pregainSession = session - 1
    self.magnitude = magnitude
    self.proportion = proportion
    self.preMean = preMean
    self.postMean = postMean
    self.preCount = preCount
    self.postCount = postCount
    self.reversed = reversed
    self.reversalSession = reversalSession
  }
}

/// Per-series counts of a sudden-gain analysis.
public struct SuddenChangeCounts: Sendable, Equatable {
  /// Intervals N -> N+1 where every criterion in use could be evaluated (suddengains'
  /// `count_intervals` "available" intervals).
  public var testedIntervals: Int = 0
  public var gains: Int = 0
  public var losses: Int = 0
  public var reversedGains: Int = 0
  public var reversedLosses: Int = 0

  public init() {}

  /// Sums of counts, e.g. over a practice.
  public static func + (a: SuddenChangeCounts, b: SuddenChangeCounts) -> SuddenChangeCounts {
    var sum = a
    sum.testedIntervals += b.testedIntervals
    sum.gains += b.gains
    sum.losses += b.losses
    sum.reversedGains += b.reversedGains
    sum.reversedLosses += b.reversedLosses
    return sum
  }
}

/// The events of one series, in session order (a gain and a loss never share an interval), and its
/// counts.
public struct SuddenChanges: Sendable, Equatable {
  public var events: [SuddenChange]
  public var counts: SuddenChangeCounts

  public init(events: [SuddenChange] = [], counts: SuddenChangeCounts = SuddenChangeCounts()) {
    self.events = events
    self.counts = counts
  }
}

/// Which event stands for a series that has several, as suddengains' `create_byperson`
/// (`multiple_sg_select`).
public enum SuddenChangeSelection: String, Sendable, CaseIterable {
  /// The earliest.
  case first
  /// The one with the largest magnitude; the earliest of equally large ones.
  case largest
}

extension SuddenGainRule {
  // MARK: - One series

  /// Every sudden gain and loss of one series, with its counts.
  ///
  /// `sessions` and `scores` are parallel, in increasing session order with each session at most once
  /// (as `SeriesTable` holds them); a NaN score is missing. Windows are by session number: a session
  /// absent from `sessions` and a NaN score are both missing.
  ///
  /// Intervals tested: N -> N+1 where both scores are observed, N is not the series' first session
  /// (the first interval is never tested: suddengains starts at 2 -> 3 unless the first score is a
  /// baseline), and, with criterion 3, at least 2 observed scores on each side. An interval where a
  /// criterion cannot be evaluated is neither a gain nor a loss. All qualifying intervals are reported,
  /// also adjacent ones (suddengains' `identify_sg` and `create_bysg` do the same); pick one per series
  /// with `selected(_:by:)`.
  public func detect(sessions: ArraySlice<Int32>, scores: ArraySlice<Double>) -> SuddenChanges {
    var events: [SuddenChange] = []
    let counts = detect(sessions: sessions, scores: scores, appendingTo: &events)
    return SuddenChanges(events: events, counts: counts)
  }

  /// `detect(sessions:scores:)` for whole arrays.
  public func detect(sessions: [Int32], scores: [Double]) -> SuddenChanges {
    detect(sessions: sessions[...], scores: scores[...])
  }

  /// `detect(sessions:scores:)` appending the events to a caller's array (which is only touched when
  /// there is an event), for the classify stage's one pass over many series.
  public func detect(
    sessions: ArraySlice<Int32>, scores: ArraySlice<Double>, appendingTo events: inout [SuddenChange]
  ) -> SuddenChangeCounts {
    precondition(sessions.count == scores.count, "sessions and scores must be parallel")
    var counts = SuddenChangeCounts()
    let n = sessions.count
    guard n >= 2 else { return counts }
    let s0 = sessions.startIndex
    let x0 = scores.startIndex
    let dir = Double(direction.rawValue)

    // The observed score of session `target`, looked up among positions `range` (clamped); NaN if absent.
    func score(atSession target: Int64, positions: ClosedRange<Int>) -> Double {
      let lower = max(positions.lowerBound, 0)
      let upper = min(positions.upperBound, n - 1)
      guard lower <= upper else { return .nan }
      for k in lower...upper where Int64(sessions[s0 + k]) == target {
        return scores[x0 + k]
      }
      return .nan
    }

    for i in 1..<(n - 1) {
      let before = scores[x0 + i]
      let after = scores[x0 + i + 1]
      let n0 = Int64(sessions[s0 + i])
      guard !before.isNaN, !after.isNaN, Int64(sessions[s0 + i + 1]) == n0 + 1 else { continue }

      // Sessions are increasing and distinct, so session N-k sits at most k positions before N and
      // N+1+k at most k positions after N+1.
      var pre = SuddenGainWindow(before)
      pre.add(score(atSession: n0 - 1, positions: (i - 1)...(i - 1)))
      pre.add(score(atSession: n0 - 2, positions: (i - 2)...(i - 1)))
      var post = SuddenGainWindow(after)
      post.add(score(atSession: n0 + 2, positions: (i + 2)...(i + 2)))
      post.add(score(atSession: n0 + 3, positions: (i + 2)...(i + 3)))
      if meanDifferenceTest && (pre.count < 2 || post.count < 2) { continue }
      counts.testedIntervals += 1

      let change = dir * (after - before)
      guard change != 0 else { continue }
      let kind: SuddenChangeKind = change > 0 ? .gain : .loss
      let magnitude = abs(change)
      // Criterion 1.
      guard magnitude >= points else { continue }
      // Criterion 2: a share of the severity at x_N (a gain; a loss by default), or of the room left to
      // worsen (a loss under the mirrored rule).
      let towardsMinimum = before - minimum
      let towardsMaximum = maximum - before
      let severity = direction == .lowerIsBetter ? towardsMinimum : towardsMaximum
      let mirrored = kind == .loss && lossSeverity == .room
      let room = mirrored ? (direction == .lowerIsBetter ? towardsMaximum : towardsMinimum) : severity
      let atTheFloor = kind == .loss && !mirrored && room == 0
      guard room > 0 || atTheFloor, magnitude >= proportion * room else { continue }
      // Criterion 3.
      let sign = kind == .gain ? dir : -dir
      if meanDifferenceTest {
        let threshold = suddenGainCriticalT(degreesOfFreedom: pre.count + post.count - 2)
          * SuddenGainWindow.pooledSD(pre, post)
        guard sign * (post.mean - pre.mean) > threshold else { continue }
      }

      // Reversal: a later score (session N+2 or later) worse than x_{N+1} by more than half the change.
      var reversalSession: Int32?
      for k in (i + 2)..<n {
        let later = scores[x0 + k]
        if !later.isNaN, sign * (after - later) > magnitude / 2 {
          reversalSession = sessions[s0 + k]
          break
        }
      }
      switch kind {
      case .gain:
        counts.gains += 1
        if reversalSession != nil { counts.reversedGains += 1 }
      case .loss:
        counts.losses += 1
        if reversalSession != nil { counts.reversedLosses += 1 }
      }
      events.append(
        SuddenChange(
          kind: kind, session: sessions[s0 + i + 1], magnitude: magnitude,
          proportion: atTheFloor ? .nan : magnitude / room,
          preMean: pre.mean, postMean: post.mean, preCount: Int8(pre.count), postCount: Int8(post.count),
          reversed: reversalSession != nil, reversalSession: reversalSession))
    }
    return counts
  }
}

extension Collection where Element == SuddenChange {
  /// The event of `kind` that stands for the series (`create_byperson`'s `multiple_sg_select`);
  /// `nil` when there is none.
  public func selected(_ kind: SuddenChangeKind, by selection: SuddenChangeSelection) -> SuddenChange? {
    var best: SuddenChange?
    for event in self where event.kind == kind {
      guard let current = best else {
        best = event
        continue
      }
      switch selection {
      case .first:
        if event.session < current.session { best = event }
      case .largest:
        if event.magnitude > current.magnitude
          || (event.magnitude == current.magnitude && event.session < current.session)
        {
          best = event
        }
      }
    }
    return best
  }
}

// MARK: - Implementation details

/// Up to three observed scores, kept on the stack: count, mean and sum of squared deviations.
struct SuddenGainWindow {
  private var values: (Double, Double, Double)
  private(set) var count: Int

  init(_ first: Double) {
    values = (first, 0, 0)
    count = 1
  }

  /// Adds `value` unless it is NaN (missing).
  mutating func add(_ value: Double) {
    guard !value.isNaN else { return }
    switch count {
    case 1: values.1 = value
    case 2: values.2 = value
    default: preconditionFailure("a window holds at most three scores")
    }
    count += 1
  }

  var mean: Double {
    switch count {
    case 1: values.0
    case 2: (values.0 + values.1) / 2
    default: (values.0 + values.1 + values.2) / 3
    }
  }

  /// `sum (x - mean)^2`, two-pass.
  var sumOfSquares: Double {
    let m = mean
    let a = values.0 - m
    let b = count > 1 ? values.1 - m : 0
    let c = count > 2 ? values.2 - m : 0
    return a * a + b * b + c * c
  }

  /// `sqrt((SS_a + SS_b) / (n_a + n_b - 2))`, which is `sqrt(((n_a-1) s_a^2 + (n_b-1) s_b^2) / (n_a+n_b-2))`.
  static func pooledSD(_ a: SuddenGainWindow, _ b: SuddenGainWindow) -> Double {
    ((a.sumOfSquares + b.sumOfSquares) / Double(a.count + b.count - 2)).squareRoot()
  }
}

/// The two-sided 0.05 critical t for criterion 3 (Lutz et al. 2013): `n_pre + n_post - 2` degrees of
/// freedom, 2 to 4 with two or three scores each side (4.302653, 3.182446, 2.776445), from the shared
/// Student t table computed once.
func suddenGainCriticalT(degreesOfFreedom df: Int) -> Double {
  precondition((2...4).contains(df), "criterion 3 has 2 to 4 degrees of freedom, got \(df)")
  return suddenGainCriticalValues.value(degreesOfFreedom: df)
}

private let suddenGainCriticalValues = StudentT.CriticalValues(twoSidedAlpha: 0.05, maximumDegreesOfFreedom: 4)
