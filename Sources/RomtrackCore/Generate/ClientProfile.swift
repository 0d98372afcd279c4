/// What stays fixed for a synthetic client across episodes: measures, rhythm of sessions, first contact.
///
/// - First contact: a working day drawn uniformly from `GeneratorSettings.firstContactWindow` (a
///   Saturday moves to Friday, a Sunday to Monday, staying inside the window).
/// - Clinician: drawn by caseload weight (`PracticeRoster`); 85% of clients use the clinician's house
///   measure set, the rest one drawn with the practice-wide shares.
/// - Rhythm: 82% weekly, 18% fortnightly. A weekly client's next session is 7 days later (78%),
///   14 (15%: a missed week), 21 (5%) or 28 (2%); a fortnightly client's 14 (80%), 7 (8%), 21 (9%)
///   or 28 (3%). One gap in ten is moved by -2...+2 days (rescheduling); sessions never fall on a
///   weekend, and dates always increase (every gap is at least 4 days).
/// - Second episode: 14.5% of clients are re-referred at least 4 weeks after their first episode ends
///   (discharge date, or last session of a drop-out), up to 26 weeks later, if that is still at least
///   two weeks before the end of the data; about 10% of all clients end up with two episodes.
struct ClientProfile: Sendable {
  var clinician: Int
  var measureSet: MeasureSet
  var fortnightly: Bool
  var firstContact: Int32
  var wantsSecondEpisode: Bool

  static let secondEpisodeRate = 0.145

  static func draw(
    roster: PracticeRoster, window: ClosedRange<CivilDate>, _ rng: inout SplitMix64
  ) -> ClientProfile {
    let clinician = roster.pickClinician(&rng)
    let measureSet = rng.chance(0.85) ? roster.houseSet[clinician] : MeasureSet.draw(&rng)
    let fortnightly = rng.chance(0.18)
    let first = window.lowerBound.days
    let last = window.upperBound.days
    var day = first + Int32(rng.integer(0...Int(last - first)))
    switch weekday(day) {
    case 5: day = day - 1 >= first ? day - 1 : day + 2
    case 6: day = day + 1 <= last ? day + 1 : day - 2
    default: break
    }
    return ClientProfile(
      clinician: clinician, measureSet: measureSet, fortnightly: fortnightly, firstContact: day,
      wantsSecondEpisode: rng.chance(secondEpisodeRate))
  }

  /// Day of the week, Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday).
  @inline(__always)
  static func weekday(_ day: Int32) -> Int {
    ((Int(day) % 7) + 10) % 7
  }

  /// The date of the session after one on `day`.
  @inline(__always)
  func nextSessionDate(after day: Int32, _ rng: inout SplitMix64) -> Int32 {
    let u = rng.unit()
    var gap: Int
    if fortnightly {
      gap = u < 0.80 ? 14 : (u < 0.88 ? 7 : (u < 0.97 ? 21 : 28))
    } else {
      gap = u < 0.78 ? 7 : (u < 0.93 ? 14 : (u < 0.98 ? 21 : 28))
    }
    if rng.chance(0.1) { gap += rng.integer(-2...2) }
    var next = day + Int32(gap)
    switch ClientProfile.weekday(next) {
    case 5: next -= 1
    case 6: next += 1
    default: break
    }
    return next
  }
}

/// The shape of a synthetic client's outcome over one treatment episode.
///
/// Shares of episodes (`share`), chosen to resemble routine-practice samples: about half of clients
/// improve reliably, a sixth do not respond, some stall, a few get worse, and sudden gains are common
/// enough (Tang & DeRubeis 1999 found them in about 40% of CBT clients; 12% here, a conservative
/// figure for mixed practice) to be seen in every report.
///
/// | course | share | clinical intake |
/// |---|---|---|
/// | improver       | 45% | 90% |
/// | nonResponder   | 15% | 88% |
/// | plateau        | 12% | 100% |
/// | deteriorator   |  7% | 60% (the rest can become "harmed") |
/// | suddenGain     | 12% | 100% |
/// | suddenLoss     |  4% | 75% |
/// | earlyResponder |  5% | 90% |
public enum CourseType: String, Sendable, CaseIterable {
  /// Log-linear improvement (the dose-effect curve): most reach reliable change by their last session.
  case improver
  /// Flat, with noise and a small drift either way.
  case nonResponder
  /// Improves a little over the first 2-4 sessions, then stalls in the clinical range.
  case plateau
  /// Gets steadily worse, by more than a reliable change over the episode.
  case deteriorator
  /// Stable, then one large between-session improvement, stable after (some later reversed).
  case suddenGain
  /// Stable, then one large between-session worsening, stable after.
  case suddenLoss
  /// Most of the improvement within the first three sessions, spread over them, then maintained.
  case earlyResponder

  /// The share of episodes that follow this course (the shares add up to 1).
  public var share: Double {
    switch self {
    case .improver: return 0.45
    case .nonResponder: return 0.15
    case .plateau: return 0.12
    case .deteriorator: return 0.07
    case .suddenGain: return 0.12
    case .suddenLoss: return 0.04
    case .earlyResponder: return 0.05
    }
  }

  /// Probability that the intake is in the clinical range.
  var clinicalIntakeRate: Double {
    switch self {
    case .improver, .earlyResponder: return 0.90
    case .nonResponder: return 0.88
    case .plateau, .suddenGain: return 1
    case .deteriorator: return 0.60
    case .suddenLoss: return 0.75
    }
  }

  /// A course drawn with the probabilities of `share`.
  static func draw(_ rng: inout SplitMix64) -> CourseType {
    var u = rng.unit()
    for course in allCases {
      u -= course.share
      if u < 0 { return course }
    }
    return .earlyResponder
  }
}

/// The outcome (and paired alliance) measures a client fills in every session.
///
/// 60% PHQ-9 + GAD-7 together (NHS Talking Therapies style) with the WAI-SR, 20% CORE-10 with the
/// WAI-SR, 20% ORS with the SRS (PCOMS style). Clinicians have a house set; 85% of their clients use it.
enum MeasureSet: Int, Sendable, CaseIterable {
  case phq9AndGAD7, core10, ors

  var outcomeCount: Int { self == .phq9AndGAD7 ? 2 : 1 }

  /// Outcome instrument number `index` (0 or 1), in canonical (file) order.
  func outcome(_ index: Int) -> SyntheticInstrument {
    switch self {
    case .phq9AndGAD7: return index == 0 ? .phq9 : .gad7
    case .core10: return .core10
    case .ors: return .ors
    }
  }

  var alliance: SyntheticInstrument { self == .ors ? .srs : .waisr }

  static func draw(_ rng: inout SplitMix64) -> MeasureSet {
    let u = rng.unit()
    return u < 0.6 ? .phq9AndGAD7 : (u < 0.8 ? .core10 : .ors)
  }
}

/// The score model of one episode's outcome: a course in reliable-change units plus noise.
///
/// For outcome instrument `i` with reliable-change threshold `RC_i` and intake severity `I_i`, the true
/// severity at session `t` (1-based) is
///
///     level_i(t) = I_i - RC_i * progress(t),   floored at min(I_i, healthy_i) while progress > 0,
///
/// and the observed score adds `noiseScale * noise_i * (0.6 w_t + 0.8 e_it)` (`w_t` shared by the
/// instruments of a session, so PHQ-9 and GAD-7 move together; correlation 0.36), then is clamped
/// to the range and rounded. `progress` (positive = better) by course, with `T` the planned sessions:
///
/// - improver: `size * ln(t) / ln(max(T, 8))`, `size ~ U(1.1, 2.3)` times the clinician's effect
///   (`1 + 0.12 z`, within 0.7-1.3). At `T >= 8` the client ends `size` reliable changes better; no
///   single interval gains more than `size / 3` (at most 1 RC), so sudden gains arise only from noise.
/// - earlyResponder: `size * min(t - 1, 3) / 3 + drift * ln t`, `size ~ U(1.2, 2.0)`, `drift ~ U(0, 0.2)`.
/// - nonResponder: `drift * ln t`, `drift ~ U(-0.2, 0.25)` (at most about 0.6 RC by session 12).
/// - plateau: `size * min(1, (t - 1) / (onset - 1))`, `size ~ U(0.3, 0.7)`, `onset` in 3...5, then flat
///   for at least 6 sessions (`T >= onset + 6`); the plateau level stays at least `1.7 * noise + 0.5`
///   points inside the clinical range (PHQ-9 >= 10 + 3.1, GAD-7 >= 8 + 2.7, CORE-10 >= 11 + 3.7,
///   ORS <= 25 - 3.7), so the stall rule of METHODS.md section 6 fires.
/// - deteriorator: `-size * (t - 1) / (max(T, 6) - 1)`, `size ~ U(1.2, 2.0)`; intake at most
///   `max - 1 - size * RC`.
/// - suddenGain: `drift * (t - 1) / (N - 1)` up to the pre-gain session `N` (`drift ~ U(0, 0.2)`),
///   then `drift + size + 0.03 (t - N - 1)` with `size ~ U(1.3, 2.0)`: the drop from `N` to `N + 1`
///   is at least 1.3 RC and, by bounding the intake (`x_N <= gain / 0.29`), at least 25% of the
///   pre-gain score with room for noise. 30% are reversed from a session `R >= N + 4` on
///   (`progress = drift + size (1 - rho)`, `rho ~ U(0.8, 1.0)`: worse than `x_{N+1}` by more than
///   half the gain). `N` is in 3...T-3, so the pre window N-2...N and post window N+1...N+3 of
///   METHODS.md section 7 are complete; noise is scaled by 0.6 ("stable before and after") and
///   those sessions are never missing.
/// - suddenLoss: the mirror image, `size ~ U(1.3, 1.9)`, intake bounded so that the loss fits below the
///   maximum and is at least 29% of both `x_N` and `max - x_N`.
struct CourseModel: Sendable {
  var type: CourseType
  /// Sessions the episode would have without drop-out or the end of the data.
  var plannedSessions: Int
  /// Main change in reliable-change units (see the type's documentation).
  var size: Double = 0
  var drift: Double = 0
  /// Pre-event session `N` of a sudden gain or loss (the event lies between `N` and `N + 1`); 0 if none.
  var eventSession: Int = 0
  /// First session of a sudden gain's reversal; 0 if not reversed.
  var reversalSession: Int = 0
  var reversalFraction: Double = 0
  /// Session from which a plateau is flat.
  var onset: Int = 0
  /// Multiplier of the instruments' session noise.
  var noiseScale: Double = 1
  /// `size / ln(max(T, 8))` for improvers, precomputed.
  var logScale: Double = 0

  /// Natural logarithms of session numbers 0...128 (0 for 0), from `PortableMath.log`.
  static let lnSession: [Double] = (0...128).map { $0 == 0 ? 0 : PortableMath.log(Double($0)) }

  @inline(__always)
  static func ln(_ session: Int) -> Double {
    session <= 128 ? lnSession[session] : PortableMath.log(Double(session))
  }

  /// Planned session counts: 12% 3-5, 75% 6-12, 13% 13-20 (uniform within each band); mean about 9.
  static func drawSessions(_ rng: inout SplitMix64) -> Int {
    let u = rng.unit()
    if u < 0.12 { return rng.integer(3...5) }
    if u < 0.87 { return rng.integer(6...12) }
    return rng.integer(13...20)
  }

  /// Draws the course parameters; `clinicianEffect` is the clinician's standard-normal effect.
  static func draw(
    _ type: CourseType, clinicianEffect: Double, _ rng: inout SplitMix64
  ) -> CourseModel {
    var model = CourseModel(type: type, plannedSessions: drawSessions(&rng))
    let effect = min(1.3, max(0.7, 1 + 0.12 * clinicianEffect))
    switch type {
    case .improver:
      model.size = rng.uniform(1.1, 2.3) * effect
      model.logScale = model.size / ln(max(model.plannedSessions, 8))
    case .earlyResponder:
      model.plannedSessions = max(model.plannedSessions, 5)
      model.size = rng.uniform(1.2, 2.0) * effect
      model.drift = rng.uniform(0, 0.2)
    case .nonResponder:
      model.drift = rng.uniform(-0.2, 0.25)
    case .plateau:
      model.onset = rng.integer(3...5)
      model.plannedSessions = min(20, max(model.plannedSessions, model.onset + 6 + rng.integer(0...3)))
      model.size = rng.uniform(0.3, 0.7)
      model.noiseScale = 0.85
    case .deteriorator:
      model.plannedSessions = max(model.plannedSessions, 5)
      model.size = rng.uniform(1.2, 2.0)
    case .suddenGain:
      model.plannedSessions = max(model.plannedSessions, 7)
      model.size = rng.uniform(1.3, 2.0)
      model.drift = rng.uniform(0, 0.2)
      model.noiseScale = 0.6
      if rng.chance(0.3) {
        model.plannedSessions = max(model.plannedSessions, 8)
        model.eventSession = rng.integer(3...(model.plannedSessions - 4))
        model.reversalSession = rng.integer((model.eventSession + 4)...model.plannedSessions)
        model.reversalFraction = rng.uniform(0.8, 1.0)
      } else {
        model.eventSession = rng.integer(3...(model.plannedSessions - 3))
      }
    case .suddenLoss:
      model.plannedSessions = max(model.plannedSessions, 7)
      model.size = rng.uniform(1.3, 1.9)
      model.drift = rng.uniform(0, 0.25)
      model.noiseScale = 0.6
      model.eventSession = rng.integer(3...(model.plannedSessions - 3))
    }
    return model
  }

  /// Change towards better since intake, in reliable-change units, at `session` (1-based).
  @inline(__always)
  func progress(at session: Int) -> Double {
    switch type {
    case .improver:
      return logScale * CourseModel.ln(session)
    case .earlyResponder:
      return size * Double(min(session - 1, 3)) / 3 + drift * CourseModel.ln(session)
    case .nonResponder:
      return drift * CourseModel.ln(session)
    case .plateau:
      return size * min(1, Double(session - 1) / Double(onset - 1))
    case .deteriorator:
      return -size * Double(session - 1) / Double(max(plannedSessions, 6) - 1)
    case .suddenGain:
      if session <= eventSession { return drift * Double(session - 1) / Double(eventSession - 1) }
      if reversalSession > 0, session >= reversalSession { return drift + size * (1 - reversalFraction) }
      return drift + size + 0.03 * Double(session - eventSession - 1)
    case .suddenLoss:
      if session <= eventSession { return drift * Double(session - 1) / Double(eventSession - 1) }
      return drift - size
    }
  }

  /// Whether the outcome score of `session` is kept from being missing (the windows a planted
  /// sudden gain or loss needs to be detectable, and a reversal's session).
  @inline(__always)
  func protects(session: Int) -> Bool {
    guard eventSession > 0 else { return false }
    return (session >= eventSession - 2 && session <= eventSession + 3) || session == reversalSession
  }

  /// An intake severity for `instrument`: clinical ones from N(mean, SD) with `z` (shared by the
  /// episode's instruments, correlation 0.64 between them) folded back above the cutoff; sub-clinical
  /// ones uniform in the instrument's band. Capped at one point below the maximum.
  static func intakeSeverity(
    _ instrument: SyntheticInstrument, clinical: Bool, z: Double, _ rng: inout SplitMix64
  ) -> Double {
    if clinical {
      let (mean, sd) = instrument.clinicalIntake
      var value = mean + sd * (0.8 * z + 0.6 * rng.normal())
      let cutoff = instrument.clinicalSeverity
      if value < cutoff { value = cutoff + (cutoff - value) * 0.5 }
      return min(value, instrument.severityMaximum - 1)
    }
    let band = instrument.subclinicalIntake
    return rng.uniform(band.lower, band.upper)
  }

  /// Moves an intake severity into the range this course needs on `instrument` (see the type's
  /// documentation); other courses take any intake.
  func constrain(
    intake severity: Double, for instrument: SyntheticInstrument, _ rng: inout SplitMix64
  ) -> Double {
    let rc = instrument.reliableChange
    let top = instrument.severityMaximum - 1
    switch type {
    case .plateau:
      let margin = 1.7 * instrument.noise * noiseScale + 0.5
      let lower = instrument.clinicalSeverity + margin + size * rc
      return min(top, severity < lower ? lower + rng.uniform(0, 2.5) : severity)
    case .deteriorator:
      let upper = top - size * rc
      return severity > upper ? max(0.5, upper - rng.uniform(0, 2)) : severity
    case .suddenGain:
      let gain = size * rc
      let lower = instrument.healthySeverity + (drift + size) * rc + 1
      let upper = min(top, gain / 0.29 + drift * rc)
      return fit(severity, lower, upper, &rng)
    case .suddenLoss:
      let loss = size * rc
      let lower = max(1, instrument.severityMaximum - loss / 0.29) + drift * rc
      let upper = min(top - 0.5 - loss, loss / 0.29) + drift * rc
      return fit(severity, lower, upper, &rng)
    case .improver, .earlyResponder, .nonResponder:
      return severity
    }
  }

  /// `value` moved inside [lower, upper] by a random amount of up to 2 points from the nearer end.
  private func fit(
    _ value: Double, _ lower: Double, _ upper: Double, _ rng: inout SplitMix64
  ) -> Double {
    let width = max(0, min(2, upper - lower))
    if value < lower { return lower + rng.uniform(0, width) }
    if value > upper { return upper - rng.uniform(0, width) }
    return value
  }
}
