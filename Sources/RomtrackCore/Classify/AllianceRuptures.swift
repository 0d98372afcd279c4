// Alliance per series: low alliance, ruptures and their repair (METHODS.md section 8, first three
// bullets).
//
// Two steps: the pooled within-client SD of an alliance instrument over all its series
// (`PooledWithinClientSD`, one pass over the data), then a per-series rule (`AllianceRuptureRule`) that
// uses it as its unit. Results are plain values (`AllianceRupture`, `AllianceCounts`); a series without
// ruptures allocates nothing.

/// The pooled within-client standard deviation of an instrument's scores:
///
/// `SD_w = sqrt( sum_i (n_i - 1) s_i^2 / sum_i (n_i - 1) )`,
///
/// over the series `i` with `n_i >= 2` observed scores, `s_i^2` the series' sample variance. This is the
/// residual SD of a one-way ANOVA with client as the factor: the typical session-to-session spread of one
/// client's scores, with differences between clients' levels removed, in score points. Series with one
/// score carry no within-client information and are left out; NaN scores are skipped.
///
/// Why this estimator: METHODS.md asks for "the pooled within-client SD" without a formula. Pooling the
/// sums of squares weights each client by the information they give (`n_i - 1`), so a client seen 30 times
/// counts more than one seen 3 times, and it equals the square root of the within-group mean square that
/// mixed models and ICC calculations use. An unweighted mean of per-client SDs would be biased low for
/// short series (`E[s] < sigma`) and would let two-score series count as much as long ones.
/// (Stiles et al. 2004 and Strauss et al. 2006 define ruptures against the SD of their own sample; the
/// within-client SD is the spread a session-to-session drop should be judged against.)
public struct PooledWithinClientSD: Sendable, Equatable {
  /// `sum_i (n_i - 1) s_i^2`, in squared score points.
  public private(set) var sumOfSquares: Double = 0
  /// `sum_i (n_i - 1)`.
  public private(set) var degreesOfFreedom: Int = 0
  /// Series that contributed (at least 2 observed scores).
  public private(set) var seriesCount: Int = 0

  public init() {}

  /// Adds one series' scores (NaN = missing).
  public mutating func add(scores: ArraySlice<Double>) {
    let observed = scores.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
    add(count: observed, squares: PooledWithinClientSD.squares(of: scores))
  }

  /// Adds one series given its number of observed scores and `squares(of:)` of them: lets the sums of
  /// squares be found on several threads and still be added in series order.
  public mutating func add(count: Int, squares: Double) {
    guard count >= 2 else { return }
    sumOfSquares += squares
    degreesOfFreedom += count - 1
    seriesCount += 1
  }

  /// `sum (x - mean)^2` over a series' observed scores (NaN = missing): two passes over the slice, no
  /// allocation; NaN with fewer than 2 observed scores.
  public static func squares(of scores: ArraySlice<Double>) -> Double {
    var count = 0
    var sum = 0.0
    for x in scores where !x.isNaN {
      count += 1
      sum += x
    }
    guard count >= 2 else { return .nan }
    let mean = sum / Double(count)
    var squares = 0.0
    for x in scores where !x.isNaN {
      squares += (x - mean) * (x - mean)
    }
    return squares
  }

  /// Adds another partial pool (e.g. from another thread's share of the series).
  public mutating func merge(_ other: PooledWithinClientSD) {
    sumOfSquares += other.sumOfSquares
    degreesOfFreedom += other.degreesOfFreedom
    seriesCount += other.seriesCount
  }

  /// The pooled within-client variance; `nil` without any series of 2 or more scores.
  public var variance: Double? {
    degreesOfFreedom > 0 ? sumOfSquares / Double(degreesOfFreedom) : nil
  }

  /// `SD_w` in score points; `nil` without any series of 2 or more scores. It may be 0 (every client
  /// gave the same score every time): no rupture can then be judged.
  public var standardDeviation: Double? { variance.map { $0.squareRoot() } }

  /// The pool over every series of `instrument` (an index into the registry) in `table`.
  public static func of(_ table: SeriesTable, instrument: UInt16) -> PooledWithinClientSD {
    var pool = PooledWithinClientSD()
    for series in table.series where series.instrument == instrument {
      pool.add(scores: table.score[series.scores])
    }
    return pool
  }
}

/// How alliance scores are read for low alliance, ruptures and repairs (METHODS.md section 8).
///
/// With `dir` the instrument's direction (+1 for SRS and WAI-SR) and `SD_w` the pooled within-client SD:
///
/// - **Low alliance**: the series' latest observed score meets the instrument's alliance cutoff
///   (SRS `< 36`, Duncan et al. 2003; none for WAI-SR).
/// - **Rupture** at the session of score `x_t`: `dir * (x_prev - x_t) >= T`, where `x_prev` is the
///   previous observed score of the series (consecutive observed scores; a missing session in between is
///   skipped) and `T = max(ruptureSD * SD_w, minimumDrop)`. `ruptureSD` defaults to 1 (Strauss et al.
///   2006 used 1 SD, Stiles et al. 2004 2 SD; Gumz et al. 2012 discuss both). `minimumDrop` is the drop
///   that matters in points (revision for alerts): by default a reliable drop, `1.96 sqrt(2) SD_w`, the
///   Jacobson-Truax criterion with the within-client SD as the error of one score; `--rupture-points`
///   sets it in points. One within-client SD is the session-to-session wobble of a steady client (about
///   one SRS point), so a 1 SD drop alone named most clients of a practice as ruptured.
/// - **Repair**: some observed score in the `repairWindow` sessions after the rupture (session numbers
///   `t+1 ... t+repairWindow`) is back to at least `x_prev - T / 2` on the better side:
///   `dir * (x_s - x_prev) >= -T / 2`: back within half the smallest rupture of where it was. The first
///   such session is the repair session.
///
/// All comparisons are inclusive and exact on the given scores. Units: score points for `SD_w`, drops and
/// thresholds; sessions for the window.
///
/// References: Stiles, W. B. et al. (2004), J Couns Psychol 51:81-92. Strauss, J. L. et al. (2006),
/// JCCP 74:337-345. Gumz, A. et al. (2012), BMC Medical Research Methodology 12:10 (compares the
/// rupture criteria and proposes reporting both 1 and 2 SD).
public struct AllianceRuptureRule: Sendable, Equatable {
  /// `SD_w`, in score points. Must be positive and finite for ruptures to be found.
  public var withinClientSD: Double
  /// A drop of at least this many `SD_w` is a rupture; 1.0 by default (`rupture_sd`).
  public var ruptureSD: Double
  /// Sessions after a rupture in which it may be repaired; 3 by default (`repair_window`).
  public var repairWindow: Int
  public var direction: Direction
  /// The instrument's alliance cutoff; `nil` when it has none (low alliance is then not assessed).
  public var allianceCutoff: Cutoff?
  /// The smallest drop in points that can be a rupture, whatever `ruptureSD` says; 0 for none.
  public var minimumDrop: Double

  public init(
    withinClientSD: Double, ruptureSD: Double = 1.0, repairWindow: Int = 3, direction: Direction,
    allianceCutoff: Cutoff? = nil, minimumDrop: Double = 0
  ) {
    self.withinClientSD = withinClientSD
    self.ruptureSD = ruptureSD
    self.repairWindow = repairWindow
    self.direction = direction
    self.allianceCutoff = allianceCutoff
    self.minimumDrop = minimumDrop
  }

  /// `1.96 sqrt(2)`: a difference of two scores each with error `SD_w` is reliable beyond this many `SD_w`.
  public static let reliableDropSDs = 1.96 * 2.0.squareRoot()

  /// The rule for `instrument` with `rupture_sd` and `repair_window` from `parameters`. `nil` when the
  /// pool has no within-client SD or it is 0: the caller reports that ruptures could not be assessed.
  public init?(instrument: Instrument, pool: PooledWithinClientSD, parameters: AnalysisParameters = .defaults) {
    guard let sd = pool.standardDeviation, sd > 0, sd.isFinite else { return nil }
    self.init(
      withinClientSD: sd, ruptureSD: parameters.ruptureSD, repairWindow: parameters.repairWindow,
      direction: instrument.direction, allianceCutoff: instrument.allianceCutoff,
      minimumDrop: parameters.rupturePoints ?? AllianceRuptureRule.reliableDropSDs * sd)
  }

  /// `max(ruptureSD * SD_w, minimumDrop)`: the smallest drop, in score points, that is a rupture.
  public var ruptureThreshold: Double { max(ruptureSD * withinClientSD, minimumDrop) }

  /// Half the rupture threshold: how far below the pre-rupture score a later score may stay and still
  /// count as repaired (`SD_w / 2` with the old threshold of one `SD_w`).
  public var repairTolerance: Double { ruptureThreshold / 2 }

  /// Whether ruptures can be judged: a positive, finite threshold.
  public var canFindRuptures: Bool { ruptureThreshold > 0 && ruptureThreshold.isFinite }
}

/// One rupture: a drop between two consecutive observed alliance scores.
public struct AllianceRupture: Sendable, Equatable {
  /// Session of the score after the drop (`t`).
  public var session: Int32
  /// Session of the score before it (`t-1`, or earlier when sessions in between are missing).
  public var previousSession: Int32
  /// `dir * (x_prev - x_t)`, in score points, at least the rupture threshold.
  public var drop: Double
  /// Whether a score in sessions `t+1 ... t+repairWindow` returned to at least `x_prev - SD_w / 2`.
  public var repaired: Bool
  /// The first session that repaired it; `nil` when not repaired.
  public var repairSession: Int32?
  /// Not repaired, and the series' latest session is still inside the window: it may yet be repaired.
  public var windowOpen: Bool

  public init(
    session: Int32, previousSession: Int32, drop: Double, repaired: Bool, repairSession: Int32?,
    windowOpen: Bool
  ) {
    self.session = session
    self.previousSession = previousSession
    self.drop = drop
    self.repaired = repaired
    self.repairSession = repairSession
    self.windowOpen = windowOpen
  }
}

/// Per-series alliance summary.
public struct AllianceCounts: Sendable, Equatable {
  public var ruptures: Int = 0
  public var repaired: Int = 0
  /// `ruptures - repaired`, including ruptures whose window is still open (a worklist reason).
  public var unrepaired: Int = 0
  /// Unrepaired ruptures whose repair line the series' latest score has still not reached: the alliance
  /// fell and has not come back, as of now. These put the episode on the worklist (`rupture_unrepaired`);
  /// a rupture missed within its window whose rating has since come back is history, not a prompt.
  public var open: Int = 0
  /// Whether the latest observed score meets the alliance cutoff; `nil` when the instrument has no cutoff
  /// or the series no observed score.
  public var lowAlliance: Bool?
  /// The latest observed score; NaN when there is none.
  public var latestScore: Double = .nan

  public init() {}

  public static func == (a: AllianceCounts, b: AllianceCounts) -> Bool {
    a.ruptures == b.ruptures && a.repaired == b.repaired && a.unrepaired == b.unrepaired && a.open == b.open
      && a.lowAlliance == b.lowAlliance
      && (a.latestScore == b.latestScore || (a.latestScore.isNaN && b.latestScore.isNaN))
  }
}

/// The ruptures of one series, in session order, and its summary.
public struct AllianceRuptures: Sendable, Equatable {
  public var ruptures: [AllianceRupture]
  public var counts: AllianceCounts

  public init(ruptures: [AllianceRupture] = [], counts: AllianceCounts = AllianceCounts()) {
    self.ruptures = ruptures
    self.counts = counts
  }
}

extension AllianceRuptureRule {
  // MARK: - One series

  /// Low alliance, ruptures and repairs of one series. `sessions` and `scores` are parallel, in
  /// increasing session order with each session at most once; a NaN score is missing.
  public func detect(sessions: ArraySlice<Int32>, scores: ArraySlice<Double>) -> AllianceRuptures {
    var ruptures: [AllianceRupture] = []
    let counts = detect(sessions: sessions, scores: scores, appendingTo: &ruptures)
    return AllianceRuptures(ruptures: ruptures, counts: counts)
  }

  /// `detect(sessions:scores:)` for whole arrays.
  public func detect(sessions: [Int32], scores: [Double]) -> AllianceRuptures {
    detect(sessions: sessions[...], scores: scores[...])
  }

  /// `detect(sessions:scores:)` appending the ruptures to a caller's array (touched only when there is
  /// one).
  public func detect(
    sessions: ArraySlice<Int32>, scores: ArraySlice<Double>, appendingTo ruptures: inout [AllianceRupture]
  ) -> AllianceCounts {
    precondition(sessions.count == scores.count, "sessions and scores must be parallel")
    var counts = AllianceCounts()
    let n = sessions.count
    let s0 = sessions.startIndex
    let x0 = scores.startIndex
    let dir = Double(direction.rawValue)

    if let last = scores.last(where: { !$0.isNaN }) {
      counts.latestScore = last
      counts.lowAlliance = allianceCutoff.map { $0.isMet(by: last) }
    }
    guard canFindRuptures, n >= 2 else { return counts }
    let threshold = ruptureThreshold
    let tolerance = repairTolerance
    let lastSession = Int64(sessions[s0 + n - 1])

    var previous = -1  // position of the previous observed score
    for i in 0..<n {
      let x = scores[x0 + i]
      guard !x.isNaN else { continue }
      defer { previous = i }
      guard previous >= 0 else { continue }
      let before = scores[x0 + previous]
      let drop = dir * (before - x)
      guard drop >= threshold else { continue }

      let t = Int64(sessions[s0 + i])
      // Sessions are 32-bit, so a window past 2^32 sessions reaches as far as any: the sum cannot overflow.
      let windowEnd = t + min(Int64(repairWindow), Int64(1) << 33)
      var repairSession: Int32?
      var k = i + 1
      while k < n, Int64(sessions[s0 + k]) <= windowEnd {
        let later = scores[x0 + k]
        if !later.isNaN, dir * (later - before) >= -tolerance {
          repairSession = sessions[s0 + k]
          break
        }
        k += 1
      }
      counts.ruptures += 1
      if repairSession != nil {
        counts.repaired += 1
      } else {
        counts.unrepaired += 1
        if dir * (counts.latestScore - before) < -tolerance { counts.open += 1 }
      }
      ruptures.append(
        AllianceRupture(
          session: sessions[s0 + i], previousSession: sessions[s0 + previous], drop: drop,
          repaired: repairSession != nil, repairSession: repairSession,
          windowOpen: repairSession == nil && lastSession < windowEnd))
    }
    return counts
  }
}
