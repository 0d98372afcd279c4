// Reliable change (METHODS.md section 1): did a client's score move further than measurement error
// alone would move it?
//
// The rule is computed once per instrument (`ReliableChangeRule`), from the registry entry, the
// analysis parameters and, for the research methods, the analysed sample's moments. Classifying one
// series is then `assess(intake:latest:)`: a subtraction, a multiply-add, a division and two
// comparisons, with no allocation and no lookup.
//
// Every method is one affine formula in the two scores,
//
//     index = (latest - expected) / standardError,   expected = intakeWeight * intake + offset,
//
// where `expected` is the latest score the method predicts if nothing truly changed and
// `standardError` (score points) is the spread of that prediction under measurement error alone.
// The methods differ only in the three numbers; each factory below documents its own.

/// The reliable-change category of one series (intake to latest).
public enum ReliableChange: String, Sendable, CaseIterable {
  /// Changed in the better direction by more than the rule's threshold.
  case improved
  /// Within the threshold either way.
  case unchanged
  /// Changed in the worse direction by more than the rule's threshold.
  case deteriorated
}

/// Why reliable change could not be assessed: for the rule as a whole (an instrument without the
/// values a method needs) or for one series (a missing score). A diagnostic that travels with the
/// result into the output files, never a silent `unchanged`.
public enum ReliableChangeIssue: String, Sendable, CaseIterable, CustomStringConvertible {
  /// The instrument has neither fixed reliable-change points nor a reliability and a reference SD.
  case noThreshold = "no_reliable_change_threshold"
  /// The method needs the instrument's reliability `r_xx`, which neither the registry nor the caller
  /// gives.
  case noReliability = "no_reliability"
  /// Jacobson-Truax with the reference SD, but the registry gives a reliability and no reference SD.
  case noReferenceSD = "no_reference_sd"
  /// The reliability is outside [0, 1): at 1 measurement error vanishes and every change is reliable.
  case reliabilityOutOfRange = "reliability_out_of_range"
  /// The sample statistics need at least 2 complete (intake, latest) pairs.
  case tooFewPairs = "too_few_pairs"
  /// An SD the method divides by is 0 or not finite (all intake scores equal, say).
  case noSpread = "no_spread"
  /// Hageman & Arrindell: the reliability of the difference scores `r_dd` is not positive, so the
  /// index is undefined.
  case unreliableDifferences = "difference_reliability_not_positive"
  /// The series' intake or latest score is missing (NaN).
  case missingScore = "missing_score"

  /// What is wrong, in words a clinician can act on.
  public var message: String {
    switch self {
    case .noThreshold:
      "the instrument has no reliable-change points and no reliability with a reference SD; set one in the config file"
    case .noReliability: "the method needs the instrument's reliability; set `reliability` in the config file"
    case .noReferenceSD:
      "the instrument has a reliability but no reference SD; set `reference_sd`, or use --rci-sd sample"
    case .reliabilityOutOfRange: "the reliability must be at least 0 and below 1"
    case .tooFewPairs: "the sample statistics need at least 2 clients with an intake and a latest score"
    case .noSpread: "the sample's scores do not vary, so there is no standard deviation to scale change by"
    case .unreliableDifferences: "the difference scores have no positive reliability (Hageman & Arrindell r_dd <= 0)"
    case .missingScore: "the intake or the latest score is missing"
    }
  }

  public var description: String { rawValue + ": " + message }
}

/// How a series' change compared with its rule, intake to latest.
///
/// `change` and `improvement` are always filled in when both scores are present; `index` and `category`
/// are `nil` exactly when `issue` is not.
public struct ReliableChangeResult: Sendable, Equatable {
  /// `latest - intake`, in score points (negative when the score fell). NaN when a score is missing.
  public var change: Double
  /// `dir * (latest - intake)`: positive when the client got better, whichever way the scale runs.
  public var improvement: Double
  /// The reliable change index `(latest - expected) / standardError`, unitless; for fixed points
  /// `change / (points / 1.96)`, so that the column keeps one meaning. `nil` with an issue.
  @NaNAsNil public var index: Double?
  /// `nil` with an issue.
  public var category: ReliableChange?
  public var issue: ReliableChangeIssue?

  public init(
    change: Double, improvement: Double, index: Double?, category: ReliableChange?, issue: ReliableChangeIssue?
  ) {
    self.change = change
    self.improvement = improvement
    self.index = index
    self.category = category
    self.issue = issue
  }

  /// Reliably improved: the category is `improved`.
  public var isReliableImprovement: Bool { category == .improved }
  /// Reliably deteriorated: the category is `deteriorated`.
  public var isReliableDeterioration: Bool { category == .deteriorated }
}

/// The reliable-change rule of one instrument in one analysis: an immutable specification, built once,
/// then applied to every series with `assess(intake:latest:)`.
///
/// Which formula applies (METHODS.md section 1):
///
/// | `--rci-method` | `--rci-sd` | registry has points | formula | basis |
/// |---|---|---|---|---|
/// | JT | reference | yes | `|change| >= points` (inclusive) | `fixedPoints` |
/// | JT | reference | no | Jacobson-Truax with the registry's `SD_ref`, `r_xx` | `referenceSD` |
/// | JT | sample | either | Jacobson-Truax with SD1 of the sample's intake scores | `sampleSD` |
/// | GLN, HLL, EN, NK, HA | either | either | the research formula with the sample's moments | `sampleMoments` |
///
/// An explicit reliability given to the builder (a research run that asks for one) also overrides
/// fixed points, as METHODS.md says. The critical value is 1.96 for every method except Hageman &
/// Arrindell's, which tests one-sided at 1.645. Comparisons of the index are strict (`dir * index >
/// critical`, as the R package clinicalsignificance does); fixed points are inclusive (`dir * change
/// >= points`, as NHS Talking Therapies count them).
///
/// Reference: Jacobson, N. S. & Truax, P. (1991). Clinical significance: a statistical approach to
/// defining meaningful change in psychotherapy research. JCCP 59(1), 12-19. The research methods are
/// compared in Bauer, Lambert & Nielsen (2004), Psychiatric Services 55(6), 684-689, and implemented in
/// the R package clinicalsignificance (Claus et al.).
public struct ReliableChangeRule: Sendable, Equatable {
  /// Where the rule's threshold comes from.
  public enum Basis: String, Sendable, CaseIterable {
    /// The registry's fixed reliable-change points (NHS Talking Therapies' rule).
    case fixedPoints = "points"
    /// Jacobson-Truax with the registry's reference SD.
    case referenceSD = "reference_sd"
    /// Jacobson-Truax with the SD of the analysed sample's intake scores (`--rci-sd sample`).
    case sampleSD = "sample_sd"
    /// A research method (`--rci-method` GLN, HLL, EN, NK or HA) with the sample's moments.
    case sampleMoments = "sample_moments"
  }

  /// The method asked for; with `basis == .fixedPoints` it is `jacobsonTruax`.
  public let method: AnalysisParameters.ReliableChangeMethod
  public let basis: Basis
  public let direction: Direction
  /// The index must exceed this (strictly) to count: 1.96, or 1.645 for Hageman & Arrindell.
  public let criticalValue: Double
  /// The reliability `r_xx` the formula used; `nil` for fixed points.
  public let reliability: Double?
  /// Standard error of measurement `S_E = SD * sqrt(1 - r_xx)`, in score points, where the method has one
  /// (Jacobson-Truax, Edwards & Nunnally, Hageman & Arrindell).
  public let standardErrorOfMeasurement: Double?
  /// Hageman & Arrindell's reliability of the difference scores `r_dd`; `nil` for the other methods.
  public let differenceReliability: Double?
  /// Why the rule cannot classify; `nil` when it can.
  public let issue: ReliableChangeIssue?

  /// `expected = intakeWeight * intake + offset`.
  @usableFromInline let intakeWeight: Double
  @usableFromInline let offset: Double
  /// The index's denominator, in score points.
  @usableFromInline let scale: Double
  /// Fixed points: `dir * change >= points` decides; otherwise the strict comparison of the index.
  @usableFromInline let points: Double?

  private init(
    method: AnalysisParameters.ReliableChangeMethod, basis: Basis, direction: Direction, criticalValue: Double,
    reliability: Double?, standardErrorOfMeasurement: Double? = nil, differenceReliability: Double? = nil,
    intakeWeight: Double, offset: Double, scale: Double, points: Double? = nil
  ) {
    self.method = method
    self.basis = basis
    self.direction = direction
    self.criticalValue = criticalValue
    self.reliability = reliability
    self.standardErrorOfMeasurement = standardErrorOfMeasurement
    self.differenceReliability = differenceReliability
    self.intakeWeight = intakeWeight
    self.offset = offset
    self.scale = scale
    self.points = points
    self.issue = nil
  }

  private init(
    unavailable issue: ReliableChangeIssue, method: AnalysisParameters.ReliableChangeMethod, basis: Basis,
    direction: Direction
  ) {
    self.method = method
    self.basis = basis
    self.direction = direction
    self.criticalValue = method.criticalValue
    self.reliability = nil
    self.standardErrorOfMeasurement = nil
    self.differenceReliability = nil
    self.intakeWeight = 1
    self.offset = 0
    self.scale = 1
    self.points = nil
    self.issue = issue
  }

  // MARK: - Reading the rule

  /// The denominator of the index, in score points: `S_diff` for Jacobson-Truax, `points / 1.96` for
  /// fixed points, the method's standard error otherwise. `nil` when the rule has an issue.
  public var standardError: Double? { issue == nil ? scale : nil }

  /// The smallest change in points (relative to the method's expected latest score) that counts as
  /// reliable: the registry points, or `criticalValue * standardError` (exceeded strictly). For
  /// Jacobson-Truax this is the usual `1.96 * S_diff`. `nil` when the rule has an issue.
  public var threshold: Double? {
    guard issue == nil else { return nil }
    return points ?? criticalValue * scale
  }

  /// `S_diff = sqrt(2) * S_E` (Jacobson-Truax only), in score points.
  public var standardErrorOfDifference: Double? {
    guard issue == nil, basis == .referenceSD || basis == .sampleSD else { return nil }
    return scale
  }

  // MARK: - Classifying one series

  /// The reliable change from `intake` to `latest`, both in score points.
  ///
  /// `index = (latest - expected) / standardError`; improved when `dir * index > criticalValue`,
  /// deteriorated when `dir * index < -criticalValue`, unchanged otherwise. With fixed points: improved
  /// when `dir * (latest - intake) >= points`, deteriorated when `<= -points`. A rule with an issue, or
  /// a missing (NaN) score, gives a result with that issue and no category.
  @inlinable
  public func assess(intake: Double, latest: Double) -> ReliableChangeResult {
    let change = latest - intake
    let dir = Double(direction.rawValue)
    if let issue {
      return ReliableChangeResult(change: change, improvement: dir * change, index: nil, category: nil, issue: issue)
    }
    guard intake.isFinite, latest.isFinite else {
      return ReliableChangeResult(change: .nan, improvement: .nan, index: nil, category: nil, issue: .missingScore)
    }
    let index = (latest - (intakeWeight * intake + offset)) / scale
    let category: ReliableChange
    if let points {
      let gain = dir * change
      category = gain >= points ? .improved : (gain <= -points ? .deteriorated : .unchanged)
    } else {
      let z = dir * index
      category = z > criticalValue ? .improved : (z < -criticalValue ? .deteriorated : .unchanged)
    }
    return ReliableChangeResult(change: change, improvement: dir * change, index: index, category: category, issue: nil)
  }

  // MARK: - Building the rule for an instrument

  /// The rule METHODS.md section 1 prescribes for `instrument` under `parameters` (see the table on the
  /// type).
  ///
  /// - Parameters:
  ///   - sample: the moments of the analysed sample's (intake, latest) pairs on this instrument; only
  ///     `--rci-sd sample` and the research methods read them.
  ///   - reliability: an explicit reliability for this analysis; overrides the registry's and fixed
  ///     points. `nil` uses the registry's.
  ///   - postReliability: Nunnally & Kotsch's reliability at the latest score `r_post`; `nil` uses the
  ///     same reliability as at intake (as clinicalsignificance does when none is given).
  public init(
    instrument: Instrument, parameters: AnalysisParameters, sample: SampleMoments = SampleMoments(),
    reliability: Double? = nil, postReliability: Double? = nil
  ) {
    let direction = instrument.direction
    let method = parameters.reliableChangeMethod
    let r = reliability ?? instrument.reliability
    switch (method, parameters.reliableChangeSD) {
    case (.jacobsonTruax, .reference):
      if reliability == nil, let points = instrument.reliableChangePoints {
        self = .fixedPoints(points, direction: direction)
      } else if let r, let sd = instrument.referenceSD {
        self = .jacobsonTruax(sd: sd, reliability: r, direction: direction, basis: .referenceSD)
      } else {
        let issue: ReliableChangeIssue =
          r != nil ? .noReferenceSD : (instrument.referenceSD != nil ? .noReliability : .noThreshold)
        self.init(unavailable: issue, method: method, basis: .referenceSD, direction: direction)
      }
    case (.jacobsonTruax, .sample):
      guard let r else {
        self.init(unavailable: .noReliability, method: method, basis: .sampleSD, direction: direction)
        return
      }
      guard sample.count >= 2 else {
        self.init(unavailable: .tooFewPairs, method: method, basis: .sampleSD, direction: direction)
        return
      }
      self = .jacobsonTruax(sd: sample.intakeSD, reliability: r, direction: direction, basis: .sampleSD)
    default:
      guard let r else {
        self.init(unavailable: .noReliability, method: method, basis: .sampleMoments, direction: direction)
        return
      }
      self = .research(method, sample: sample, reliability: r, postReliability: postReliability, direction: direction)
    }
  }

  /// NHS Talking Therapies' rule: reliable when `|latest - intake| >= points` in the instrument's
  /// direction (inclusive). The reported index is `change / (points / 1.96)`, so that a change of
  /// exactly `points` has index 1.96 and the column means the same as a Jacobson-Truax index.
  /// `points` must be positive and finite; otherwise the rule has `noThreshold`.
  public static func fixedPoints(_ points: Double, direction: Direction) -> ReliableChangeRule {
    guard points.isFinite, points > 0 else {
      return ReliableChangeRule(
        unavailable: .noThreshold, method: .jacobsonTruax, basis: .fixedPoints, direction: direction)
    }
    return ReliableChangeRule(
      method: .jacobsonTruax, basis: .fixedPoints, direction: direction, criticalValue: 1.96, reliability: nil,
      intakeWeight: 1, offset: 0, scale: points / 1.96, points: points)
  }

  /// Jacobson & Truax (1991): `S_E = sd * sqrt(1 - r)`, `S_diff = sqrt(2) * S_E` (score points),
  /// `index = (latest - intake) / S_diff`, reliable when `|index| > 1.96` (strict).
  ///
  /// `sd` is the reference SD (`basis: .referenceSD`) or the sample's intake SD (`.sampleSD`); it must
  /// be positive and finite (else `noSpread`), `r` in [0, 1) (else `reliabilityOutOfRange`).
  public static func jacobsonTruax(sd: Double, reliability r: Double, direction: Direction, basis: Basis = .referenceSD)
    -> ReliableChangeRule
  {
    guard r >= 0, r < 1 else {
      return ReliableChangeRule(
        unavailable: .reliabilityOutOfRange, method: .jacobsonTruax, basis: basis, direction: direction)
    }
    guard sd.isFinite, sd > 0 else {
      return ReliableChangeRule(unavailable: .noSpread, method: .jacobsonTruax, basis: basis, direction: direction)
    }
    let standardErrorOfMeasurement = sd * (1 - r).squareRoot()
    return ReliableChangeRule(
      method: .jacobsonTruax, basis: basis, direction: direction, criticalValue: 1.96, reliability: r,
      standardErrorOfMeasurement: standardErrorOfMeasurement,
      intakeWeight: 1, offset: 0, scale: (2 as Double).squareRoot() * standardErrorOfMeasurement)
  }

  /// Jacobson & Truax (1991) from a published standard error of difference `S_diff` (score points):
  /// `index = (latest - intake) / S_diff`, reliable when `|index| > 1.96` (strict). `S_diff` must be
  /// positive and finite (else `noSpread`). The rule carries no reliability.
  public static func jacobsonTruax(
    standardErrorOfDifference sDiff: Double, direction: Direction, basis: Basis = .referenceSD
  )
    -> ReliableChangeRule
  {
    guard sDiff.isFinite, sDiff > 0 else {
      return ReliableChangeRule(unavailable: .noSpread, method: .jacobsonTruax, basis: basis, direction: direction)
    }
    return ReliableChangeRule(
      method: .jacobsonTruax, basis: basis, direction: direction, criticalValue: 1.96, reliability: nil,
      standardErrorOfMeasurement: sDiff / (2 as Double).squareRoot(), intakeWeight: 1, offset: 0, scale: sDiff)
  }

  /// The research methods of METHODS.md section 1, with M1/SD1 the sample's intake mean and SD, M2/SD2
  /// its latest mean and SD, rho12 their correlation and `r` the reliability (all scores in points):
  ///
  /// - GLN, Gulliksen, Lord & Novick: `((x2 - M1) - r (x1 - M1)) / (SD1 sqrt(1 - r^2))`; the expected
  ///   latest score regresses the intake score towards the intake mean.
  /// - HLL, Hsu, Linn & Lord: `((x2 - M2) - r (x1 - M1)) / (SD1 sqrt(1 - r^2))`; as GLN, but measured
  ///   from the latest mean, so the sample's average change is taken out.
  /// - EN, Edwards & Nunnally: `(x2 - (r (x1 - M1) + M1)) / S_E`, `S_E = SD1 sqrt(1 - r)`.
  /// - NK, Nunnally & Kotsch: `(x2 - (r (x1 - M1) + M1)) / sqrt(r^2 SD1^2 (1 - r) + SD1^2 (1 - r_post))`.
  /// - HA, Hageman & Arrindell (critical value 1.645): `S_E = SD1 sqrt(1 - r)`,
  ///   `r_k = (SD_k^2 - S_E^2) / SD_k^2`,
  ///   `r_dd = (SD1^2 r1 + SD2^2 r2 - 2 SD1 SD2 rho12) / (SD1^2 + SD2^2 - 2 SD1 SD2 rho12)`,
  ///   `index = ((x2 - x1) r_dd + (M2 - M1)(1 - r_dd)) / (sqrt(r_dd) sqrt(2 S_E^2))`.
  ///
  /// Edge cases, each an issue on the rule: fewer than 2 complete pairs (`tooFewPairs`); SD1 (or for
  /// HA SD2) zero (`noSpread`); `r` or `r_post` outside [0, 1) (`reliabilityOutOfRange`); HA with
  /// `r_dd <= 0` (`unreliableDifferences`). For `.jacobsonTruax` this is `jacobsonTruax(sd: SD1, ...)`
  /// with basis `sampleSD`.
  ///
  /// References: Gulliksen (1950), Lord & Novick (1968); Hsu (1989); Speer (1992) for Edwards &
  /// Nunnally; Nunnally & Kotsch (1983); Hageman & Arrindell (1999), Behav Res Ther 37, 1169-1193.
  public static func research(
    _ method: AnalysisParameters.ReliableChangeMethod, sample: SampleMoments, reliability r: Double,
    postReliability: Double? = nil, direction: Direction
  ) -> ReliableChangeRule {
    func unavailable(_ issue: ReliableChangeIssue) -> ReliableChangeRule {
      ReliableChangeRule(
        unavailable: issue, method: method, basis: method == .jacobsonTruax ? .sampleSD : .sampleMoments,
        direction: direction)
    }
    let rPost = postReliability ?? r
    guard r >= 0, r < 1, rPost >= 0, rPost < 1 else { return unavailable(.reliabilityOutOfRange) }
    guard sample.count >= 2 else { return unavailable(.tooFewPairs) }
    let m1 = sample.intakeMean
    let sd1 = sample.intakeSD
    guard sd1.isFinite, sd1 > 0 else { return unavailable(.noSpread) }
    let critical = method.criticalValue
    func rule(
      weight: Double, offset: Double, scale: Double, standardErrorOfMeasurement: Double? = nil, rdd: Double? = nil
    )
      -> ReliableChangeRule
    {
      ReliableChangeRule(
        method: method, basis: .sampleMoments, direction: direction, criticalValue: critical, reliability: r,
        standardErrorOfMeasurement: standardErrorOfMeasurement, differenceReliability: rdd,
        intakeWeight: weight, offset: offset, scale: scale)
    }
    let standardErrorOfMeasurement = sd1 * (1 - r).squareRoot()
    switch method {
    case .jacobsonTruax:
      return jacobsonTruax(sd: sd1, reliability: r, direction: direction, basis: .sampleSD)
    case .gulliksenLordNovick:
      // x2 - (r x1 + (1 - r) M1), over the standard error of prediction.
      return rule(weight: r, offset: (1 - r) * m1, scale: sd1 * (1 - r * r).squareRoot())
    case .hsuLinnLord:
      // x2 - (r x1 + M2 - r M1).
      return rule(weight: r, offset: sample.latestMean - r * m1, scale: sd1 * (1 - r * r).squareRoot())
    case .edwardsNunnally:
      return rule(
        weight: r, offset: (1 - r) * m1, scale: standardErrorOfMeasurement,
        standardErrorOfMeasurement: standardErrorOfMeasurement)
    case .nunnallyKotsch:
      let variance = r * r * sd1 * sd1 * (1 - r) + sd1 * sd1 * (1 - rPost)
      guard variance > 0 else { return unavailable(.noSpread) }
      return rule(weight: r, offset: (1 - r) * m1, scale: variance.squareRoot())
    case .hagemanArrindell:
      let sd2 = sample.latestSD
      let rho = sample.correlation
      guard sd2.isFinite, sd2 > 0, rho.isFinite else { return unavailable(.noSpread) }
      let errorVariance = standardErrorOfMeasurement * standardErrorOfMeasurement
      let r1 = (sd1 * sd1 - errorVariance) / (sd1 * sd1)
      let r2 = (sd2 * sd2 - errorVariance) / (sd2 * sd2)
      let covarianceTerm = 2 * sd1 * sd2 * rho
      let differenceVariance = sd1 * sd1 + sd2 * sd2 - covarianceTerm
      guard differenceVariance > 0 else { return unavailable(.noSpread) }
      let rdd = (sd1 * sd1 * r1 + sd2 * sd2 * r2 - covarianceTerm) / differenceVariance
      guard rdd.isFinite, rdd > 0 else { return unavailable(.unreliableDifferences) }
      // ((x2 - x1) r_dd + (M2 - M1)(1 - r_dd)) / (sqrt(r_dd) sqrt(2) S_E), numerator and denominator
      // divided by r_dd: (x2 - (x1 - (M2 - M1)(1 - r_dd) / r_dd)) / (sqrt(2) S_E / sqrt(r_dd)).
      let meanChange = sample.latestMean - m1
      return rule(
        weight: 1, offset: -meanChange * (1 - rdd) / rdd,
        scale: (2 * errorVariance).squareRoot() / rdd.squareRoot(),
        standardErrorOfMeasurement: standardErrorOfMeasurement, rdd: rdd)
    }
  }
}
