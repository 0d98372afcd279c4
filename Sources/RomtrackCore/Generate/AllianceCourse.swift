/// The score model of one episode's alliance series (SRS or WAI-SR), with planted ruptures.
///
/// Level at session `t` (from `startSession`): `base + trend * (t - start) + shift + noise * e_t`,
/// clamped and rounded like the outcome scores.
///
/// | | SRS (0-40, one decimal) | WAI-SR (12-60, integer) |
/// |---|---|---|
/// | usual alliance: base | N(37.6, 1.1) + 0.5 z, within 35-39.5 | N(48, 4.5) + 1.5 z, within 38-57 |
/// | usual: trend per session, noise SD | U(0, 0.15), 0.7 | U(0, 0.4), 1.8 |
/// | low alliance: base | U(28.5, 34) | U(28, 38) |
/// | low: trend, noise SD | U(-0.15, 0.1), 1.2 | U(-0.3, 0.2), 2.5 |
/// | rupture drop | U(4, 8) points | U(9, 16) points |
/// | first administered | session 1 | session 1 (30%) or 2 (70%) |
///
/// `z` is the clinician's effect (see `PracticeRoster`). Most SRS scores lie in 36-40, with the
/// ceiling effect the scale is known for. Low alliance (mostly below the SRS concern line of 36
/// all along) is drawn for 35% of non-responders, 30% of deteriorators, 15% of sudden losses, 10%
/// of plateaus and 4% of the rest; it also raises the chance of dropping out (see
/// `SyntheticPractice`).
///
/// Ruptures (METHODS.md section 8): 22% of episodes (35% with low alliance) have one; a quarter of
/// those that are repaired have a second one later. At rupture session `t` the score is exactly `x_{t-1} - drop`, several
/// within-client SDs. 60% are repaired at a session `r` in `t+1...t+3`: `x_r >= x_{t-1}` and the
/// sessions between stay at most `x_{t-1} - 0.6 drop`. Unrepaired ruptures lower the level for the
/// rest of the episode by 55-85% of the drop, and the next three sessions stay at most
/// `x_{t-1} - 0.6 drop`, well below the repair line `x_{t-1} - SD_w / 2`. The sessions from `t - 1`
/// to the end of the repair window are never missing.
struct AllianceCourse: Sendable {
  struct Rupture: Sendable, Equatable {
    var session: Int
    var drop: Double
    /// Session at which the score returns to the pre-rupture level; 0 when never repaired.
    var repairSession: Int

    /// Last session whose score the rupture's detection depends on.
    var windowEnd: Int { repairSession > 0 ? repairSession : session + 3 }
  }

  var instrument: SyntheticInstrument
  var startSession: Int
  var base: Double
  var trend: Double
  var noise: Double
  var isLow: Bool
  var first: Rupture?
  var second: Rupture?

  /// Probability of low alliance for a course.
  static func lowAllianceRate(_ course: CourseType) -> Double {
    switch course {
    case .nonResponder: return 0.35
    case .deteriorator: return 0.30
    case .suddenLoss: return 0.15
    case .plateau: return 0.10
    case .improver, .earlyResponder, .suddenGain: return 0.04
    }
  }

  static func draw(
    _ instrument: SyntheticInstrument, course: CourseType, plannedSessions: Int,
    clinicianEffect: Double, _ rng: inout SplitMix64
  ) -> AllianceCourse {
    let isLow = rng.chance(lowAllianceRate(course))
    let isSRS = instrument == .srs
    var model = AllianceCourse(
      instrument: instrument, startSession: 1, base: 0, trend: 0, noise: 0, isLow: isLow)
    if isSRS {
      if isLow {
        model.base = rng.uniform(28.5, 34)
        model.trend = rng.uniform(-0.15, 0.1)
        model.noise = 1.2
      } else {
        model.base = min(39.5, max(35, 37.6 + 1.1 * rng.normal() + 0.5 * clinicianEffect))
        model.trend = rng.uniform(0, 0.15)
        model.noise = 0.7
      }
    } else {
      model.startSession = rng.chance(0.3) ? 1 : 2
      if isLow {
        model.base = rng.uniform(28, 38)
        model.trend = rng.uniform(-0.3, 0.2)
        model.noise = 2.5
      } else {
        model.base = min(57, max(38, 48 + 4.5 * rng.normal() + 1.5 * clinicianEffect))
        model.trend = rng.uniform(0, 0.4)
        model.noise = 1.8
      }
    }
    // Ruptures need a session before them and, ideally, three after.
    let earliest = model.startSession + 1
    if rng.chance(isLow ? 0.35 : 0.22),
      let first = drawRupture(from: earliest, plannedSessions: plannedSessions, isSRS, &rng)
    {
      model.first = first
      // After an unrepaired rupture the level may already sit near the scale's floor.
      if first.repairSession > 0, rng.chance(0.25) {
        model.second = drawRupture(
          from: first.windowEnd + 2, plannedSessions: plannedSessions, isSRS, &rng)
      }
    }
    return model
  }

  private static func drawRupture(
    from earliest: Int, plannedSessions: Int, _ isSRS: Bool, _ rng: inout SplitMix64
  ) -> Rupture? {
    let latest = plannedSessions - 3 >= earliest ? plannedSessions - 3 : plannedSessions - 1
    guard latest >= earliest else { return nil }
    let session = rng.integer(earliest...latest)
    let drop = isSRS ? rng.uniform(4, 8) : rng.uniform(9, 16)
    let repairSession = rng.chance(0.6) ? min(plannedSessions, session + rng.integer(1...3)) : 0
    return Rupture(session: session, drop: drop, repairSession: repairSession)
  }

  /// Whether the alliance score of `session` is kept from being missing.
  @inline(__always)
  func protects(session: Int) -> Bool {
    if let first, session >= first.session - 1, session <= first.windowEnd { return true }
    if let second, session >= second.session - 1, session <= second.windowEnd { return true }
    return false
  }
}

/// Produces an `AllianceCourse`'s scores session by session (ruptures refer to the previous score).
struct AllianceRenderer {
  let course: AllianceCourse
  /// The previous session's score (rounded, as written).
  private var previous: Double = .nan
  /// Persistent level change left by unrepaired ruptures.
  private var shift: Double = 0
  /// Pre-rupture score and the ceiling that holds until `capUntil` while a rupture is unrepaired.
  private var anchor: Double = 0
  private var ceiling: Double = .infinity
  private var capUntil = 0
  private var repairAt = 0

  init(_ course: AllianceCourse) {
    self.course = course
  }

  /// The score (in points, rounded to the scale) at `session`; call once per session from
  /// `course.startSession` on, in order.
  mutating func score(at session: Int, _ rng: inout SplitMix64) -> Double {
    let instrument = course.instrument
    var value: Double
    let rupture: AllianceCourse.Rupture? =
      course.first?.session == session ? course.first
      : (course.second?.session == session ? course.second : nil)
    if let rupture, !previous.isNaN {
      value = previous - rupture.drop
      anchor = previous
      ceiling = previous - 0.6 * rupture.drop
      if rupture.repairSession > 0 {
        repairAt = rupture.repairSession
        capUntil = rupture.repairSession - 1
      } else {
        repairAt = 0
        capUntil = session + 3
        shift -= rupture.drop * rng.uniform(0.55, 0.85)
      }
    } else if session == repairAt {
      value = anchor + 0.5 * course.noise * abs(rng.normal())
      repairAt = 0
    } else {
      let level = course.base + course.trend * Double(session - course.startSession) + shift
      value = level + course.noise * rng.normal()
      if session <= capUntil { value = min(value, ceiling) }
    }
    let rounded = Double(instrument.tenths(value)) / 10
    previous = rounded
    return rounded
  }
}
