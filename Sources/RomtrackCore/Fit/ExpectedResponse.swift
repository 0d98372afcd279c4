// Expected treatment response and the signal at the latest score (METHODS.md section 5).
//
// The growth model of section 4, fitted to the scores after the intake with time = ln(session) and the
// intake as a fixed effect, describes how scores typically fall (or rise) over sessions for clients who
// started at a given intake score. A
// client's latest score is compared with that expectation in units of the spread of scores around it,
// and the comparison, with reliable change and the clinical range, gives a traffic-light signal, in
// the manner of the OQ-45 feedback systems (Lambert et al. 2002; Finch, Lambert & Schaalje 2001) and
// of expected-response curves estimated by multilevel models (Lutz et al. 2006).

import Foundation

/// The expected-treatment-response (ETR) model: the fixed effects, random-effects covariance and
/// residual SD of a growth model fitted with `GrowthModelSpec.expectedTreatmentResponse` (the scores
/// after the intake as the response, random intercept and slope on ln session, fixed effects 1,
/// ln session, intake, ln session x intake).
///
/// - Expected score at session t >= 2 for intake w:
///   `E(t, w) = β₀ + β₁ ln t + β₂ w + β₃ (ln t) w`  (points).
/// - Spread of a client's score around it, `s(t) = sqrt(z' G z + σ²)` with `z = (1, ln t)`: the SD of a
///   new client's score at session t given the intake, combining differences between clients (G) and
///   session-to-session noise (σ²). It does not include the uncertainty of β̂, which is negligible with
///   the hundreds of clients a reference sample has.
/// - `etr_z = -dir (latest - E) / s`: positive when the latest score is worse than expected, whichever
///   direction the scale runs.
///
/// Edge cases: the model describes the scores after the intake, from session 2 on; before session 2
/// `expected`, `spread` and `z` are `nil` (β₀ + β₂ w, the value at ln 1 = 0, is an extrapolation).
/// Reference: Finch, Lambert & Schaalje (2001), Clin. Psychol. Psychother. 8:231-242 (expected recovery
/// curves and tolerance bands); Lutz, Lambert, Harmon, Tschitsaz, Schürch & Stulz (2006), Clin.
/// Psychol. Psychother. 13:223-232 (expected courses from multilevel growth models).
public struct ExpectedResponseModel: Sendable, Equatable {
  /// `β = (β₀, β₁, β₂, β₃)`: intercept, ln session, intake, ln session x intake.
  public var beta: [Double]
  /// `G`, the random intercept and log-session slope covariance, 2 x 2.
  public var randomCovariance: [[Double]]
  /// `σ`, the residual SD.
  public var residualSD: Double
  /// The instrument the model was fitted on (empty when unknown).
  public var instrument: String

  public init(beta: [Double], randomCovariance: [[Double]], residualSD: Double, instrument: String = "") {
    precondition(beta.count == 4, "the ETR model has 4 fixed effects")
    precondition(randomCovariance.count == 2 && randomCovariance.allSatisfy { $0.count == 2 }, "G is 2 x 2")
    self.beta = beta
    self.randomCovariance = randomCovariance
    self.residualSD = residualSD
    self.instrument = instrument
  }

  /// The ETR model of a growth-model fit (fresh, or read back with `GrowthModelFit(json:)`).
  ///
  /// - Throws: `GrowthModelFileError` when the fit is not of the ETR form (the scores after the
  ///   intake on a log-session time axis, with the intake as a fixed effect), with its own message for
  ///   a model saved before the respecification (every score the response).
  public init(fit: GrowthModelFit) throws {
    if fit.settings.isFormerExpectedTreatmentResponse {
      throw GrowthModelFileError(
        message:
          "the \(fit.instrument.isEmpty ? "" : fit.instrument + " ")model was saved by an earlier romtrack, whose expected-treatment-response model took every score as the response, the intake included; that makes its random-effects covariance singular by construction and its spread of scores too narrow. Fit it again with `romtrack model --save` on the same data (the scores after the intake are the response now)"
      )
    }
    guard fit.settings.isExpectedTreatmentResponse else {
      throw GrowthModelFileError(
        message:
          "the growth model is not an expected-treatment-response model (it needs --time log-session --intake --after-intake, as `romtrack model --save` writes; it has --time \(fit.settings.time.rawValue)\(fit.settings.includesIntake ? " --intake" : "")\(fit.settings.response == .afterIntake ? " --after-intake" : ""))"
      )
    }
    self.init(
      beta: fit.beta, randomCovariance: fit.randomEffects.covariance, residualSD: fit.residualSD,
      instrument: fit.instrument)
  }

  /// `E(t, w)`, the expected score at session `session` for a client with intake `intake`; `nil`
  /// before session 2 or for a NaN intake.
  public func expected(session: Double, intake: Double) -> Double? {
    guard session >= 2, intake.isFinite else { return nil }
    let l = Foundation.log(session)
    return beta[0] + beta[1] * l + beta[2] * intake + beta[3] * l * intake
  }

  /// `s(t) = sqrt((1, ln t) G (1, ln t)' + σ²)`, in points; `nil` before session 2.
  public func spread(session: Double) -> Double? {
    guard session >= 2 else { return nil }
    let l = Foundation.log(session)
    let g = randomCovariance
    let variance = g[0][0] + 2 * l * g[0][1] + l * l * g[1][1] + residualSD * residualSD
    return variance > 0 ? variance.squareRoot() : nil
  }

  /// `etr_z = -dir (latest - E(t, w)) / s(t)` at the latest score's session `t`; positive = worse than
  /// expected. `nil` when the session is below 2, a score is missing, or the spread is 0.
  public func z(latest: Double, session: Double, intake: Double, direction: Direction) -> Double? {
    guard latest.isFinite, let e = expected(session: session, intake: intake), let s = spread(session: session)
    else { return nil }
    return -Double(direction.rawValue) * (latest - e) / s
  }
}

/// The signal at a series' latest score (METHODS.md section 5), a text label in the output.
public enum TreatmentSignal: String, Sendable, CaseIterable, Codable {
  /// Not in the clinical range and reliably improved: consider ending treatment.
  case white
  /// On track.
  case green
  /// Worse than expected: `etr_z >= signalYellow`.
  case yellow
  /// Reliably deteriorated, or much worse than expected: `etr_z >= signalRed`.
  case red
}

/// The rule that turns the facts about a latest score into a signal. An immutable specification.
///
/// At the latest score, from session 2 on, in this order of precedence:
/// 1. white: not in the clinical range and reliably improved;
/// 2. red: reliably deteriorated, or `etr_z >= red`;
/// 3. yellow: `etr_z >= yellow`;
/// 4. green: otherwise.
///
/// Comparisons are inclusive (`>=`), as METHODS.md writes them. Reliable change and the clinical range
/// are decided elsewhere (sections 1 and 2) and passed in as plain facts.
///
/// Edge cases: before session 2 there is no signal (`nil`): a single score says nothing about the
/// course. Where no `etr_z` can be computed (no ETR model for the instrument, a missing intake), white
/// and red by reliable deterioration are still given, but the rule does not claim green: the signal is
/// `nil`.
/// Reference: Lambert, Whipple, Bishop, Vermeersch, Gray & Finch (2002), Clin. Psychol. Psychother.
/// 9:149-164 (the OQ-45 white, green, yellow and red feedback signals).
public struct SignalRule: Sendable, Equatable {
  /// `signal_yellow`, 1.0 by default.
  public let yellow: Double
  /// `signal_red`, 1.645 by default.
  public let red: Double

  public init(yellow: Double = 1.0, red: Double = 1.645) {
    precondition(yellow < red, "the yellow threshold must be below the red one")
    self.yellow = yellow
    self.red = red
  }

  /// The rule of `parameters.signalYellow` and `parameters.signalRed`.
  public init(_ parameters: AnalysisParameters) {
    self.init(yellow: parameters.signalYellow, red: parameters.signalRed)
  }

  /// The signal at the latest score.
  ///
  /// - Parameters:
  ///   - session: the latest score's session number.
  ///   - etrZ: `ExpectedResponseModel.z(...)`, or `nil` when it cannot be computed.
  ///   - reliablyImproved / reliablyDeteriorated: section 1's verdict on intake -> latest.
  ///   - clinicalAtLatest: whether the latest score is in the clinical range (section 2).
  public func signal(
    session: Int, etrZ: Double?, reliablyImproved: Bool, reliablyDeteriorated: Bool, clinicalAtLatest: Bool
  ) -> TreatmentSignal? {
    guard session >= 2 else { return nil }
    if !clinicalAtLatest && reliablyImproved { return .white }
    if reliablyDeteriorated { return .red }
    guard let z = etrZ, !z.isNaN else { return nil }
    if z >= red { return .red }
    if z >= yellow { return .yellow }
    return .green
  }
}
