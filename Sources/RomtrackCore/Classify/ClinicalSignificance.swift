// Clinical significance (METHODS.md section 2): did the client not only change reliably, but also
// cross from the clinical into the non-clinical range (or back)?
//
// `ClinicalSignificanceRule` pairs a clinical range (the registry's caseness cutoff, or a research
// cutoff a, b or c from population norms) with a `ReliableChangeRule`; built once per instrument, it
// classifies one series with `classify(intake:latest:)` at the cost of the reliable-change call plus
// two comparisons.

/// The outcome of one series, combining reliable change with the clinical range (Jacobson & Truax
/// 1991). The cases run from best to worst, the order of report columns.
///
/// Precedence (METHODS.md section 2): recovered before improved, harmed before deteriorated, unchanged
/// last; every series falls in exactly one category.
public enum OutcomeCategory: String, Sendable, CaseIterable {
  /// Clinical at intake, not clinical at latest, and reliably improved.
  case recovered
  /// Reliably improved, but not recovered.
  case improved
  /// No reliable change either way.
  case unchanged
  /// Reliably deteriorated, but not harmed.
  case deteriorated
  /// Not clinical at intake, clinical at latest, and reliably deteriorated.
  case harmed

  /// The category of a series from its reliable change and its clinical status at intake and latest:
  /// recovered, else improved, else deteriorated unless harmed, else unchanged.
  @inlinable
  public init(reliableChange: ReliableChange, clinicalAtIntake: Bool, clinicalAtLatest: Bool) {
    switch reliableChange {
    case .improved: self = clinicalAtIntake && !clinicalAtLatest ? .recovered : .improved
    case .deteriorated: self = !clinicalAtIntake && clinicalAtLatest ? .harmed : .deteriorated
    case .unchanged: self = .unchanged
    }
  }
}

/// Why the clinical range of an instrument could not be set.
public enum ClinicalRangeIssue: String, Sendable, CaseIterable, CustomStringConvertible {
  /// `--cutoff registry`, but the instrument has no caseness cutoff (BDI-II, the alliance scales).
  case noClinicalCutoff = "no_clinical_cutoff"
  /// Cutoff b or c needs the mean and SD of a functional population, and none is given.
  case noFunctionalNorm = "no_functional_norm"
  /// The clinical norm defaults to the sample's intake scores, and fewer than 2 clients have both
  /// scores.
  case noClinicalNorm = "no_clinical_norm"
  /// A norm's SD is not positive, or a Hageman & Arrindell norm reliability is not positive.
  case invalidNorm = "invalid_norm"

  public var message: String {
    switch self {
    case .noClinicalCutoff:
      "the instrument has no caseness cutoff; set `clinical_cutoff` in the config file or use --cutoff a"
    case .noFunctionalNorm: "cutoffs b and c need a functional (general population) mean and SD; set `functional_norm`"
    case .noClinicalNorm:
      "the clinical norm defaults to the sample's intake scores, and fewer than 2 clients have both scores"
    case .invalidNorm: "a population SD is not positive (or too small for the reliability, with Hageman & Arrindell)"
    }
  }

  public var description: String { rawValue + ": " + message }
}

/// Jacobson & Truax's (1991) research cutoffs between a clinical and a functional population, in score
/// points, with `dir` the instrument's direction:
///
/// - `a = M_clin + dir * 2 SD_clin`: two clinical SDs beyond the clinical mean, towards better. Needs no
///   functional norm.
/// - `b = M_func - dir * 2 SD_func`: two functional SDs beyond the functional mean, towards worse
///   (`CutoffBSD.functional`, Jacobson & Truax's definition, romtrack's default);
///   `M_func - dir * 2 SD_clin` with `CutoffBSD.clinical`, which is what the R package
///   clinicalsignificance computes.
/// - `c = (SD_clin M_func + SD_func M_clin) / (SD_clin + SD_func)`: the point as many own SDs from both
///   means.
///
/// With Hageman & Arrindell (1999) each SD is first multiplied by the square root of that population's
/// reliability, `SD_k * sqrt(r_k)` with `r_k = (SD_k^2 - S_E^2) / SD_k^2` and `S_E = SD_clin sqrt(1 - r)`
/// (so `r_clin = r`): cutoffs between the *true*-score distributions.
public struct ResearchCutoffs: Sendable, Equatable {
  public let clinical: Norm
  public let functional: Norm?
  public let direction: Direction

  /// The cutoffs of `clinical` and `functional` (either of which may already carry Hageman & Arrindell's
  /// scaled SDs: see `hagemanArrindell`).
  public init(clinical: Norm, functional: Norm?, direction: Direction) {
    self.clinical = clinical
    self.functional = functional
    self.direction = direction
  }

  /// The norms with Hageman & Arrindell's SDs `SD_k * sqrt(r_k)`; `nil` when an `r_k` is not positive
  /// (a functional SD smaller than the clinical standard error of measurement).
  public static func hagemanArrindell(clinical: Norm, functional: Norm?, reliability r: Double, direction: Direction)
    -> ResearchCutoffs?
  {
    let errorVariance = clinical.sd * clinical.sd * (1 - r)
    func trueScoreNorm(_ norm: Norm) -> Norm? {
      let rk = (norm.sd * norm.sd - errorVariance) / (norm.sd * norm.sd)
      guard rk.isFinite, rk > 0 else { return nil }
      return Norm(mean: norm.mean, sd: norm.sd * rk.squareRoot())
    }
    guard let scaledClinical = trueScoreNorm(clinical) else { return nil }
    var scaledFunctional: Norm?
    if let functional {
      guard let scaled = trueScoreNorm(functional) else { return nil }
      scaledFunctional = scaled
    }
    return ResearchCutoffs(clinical: scaledClinical, functional: scaledFunctional, direction: direction)
  }

  private var dir: Double { Double(direction.rawValue) }

  /// Cutoff a.
  public var a: Double { clinical.mean + dir * 2 * clinical.sd }

  /// Cutoff b with the SD convention `sd`; `nil` without a functional norm.
  public func b(_ sd: AnalysisParameters.CutoffBSD = .functional) -> Double? {
    guard let functional else { return nil }
    return functional.mean - dir * 2 * (sd == .functional ? functional.sd : clinical.sd)
  }

  /// Cutoff c; `nil` without a functional norm.
  public var c: Double? {
    guard let functional else { return nil }
    return (clinical.sd * functional.mean + functional.sd * clinical.mean) / (clinical.sd + functional.sd)
  }

  /// The cutoff `rule` names (`registry` is not a research cutoff and gives `nil`).
  public func value(_ rule: AnalysisParameters.CutoffRule, bSD: AnalysisParameters.CutoffBSD = .functional) -> Double? {
    switch rule {
    case .registry: nil
    case .a: a
    case .b: b(bSD)
    case .c: c
    }
  }
}

/// clinicalsignificance's test of a latest score under Hageman & Arrindell (`ha_categories
/// clinicalsignificance`): is the score's estimated true score beyond the cutoff, on the better side,
/// by more than the critical value?
///
/// `cs_indiv = (M_post + (x_post - M_post) r_post - cutoff) / (sqrt(r_post) S_E)` with `S_E = SD_clin
/// sqrt(1 - r)`, `r_post = (SD_post^2 - S_E^2) / SD_post^2` and `M_post`, `SD_post` the mean and SD of the
/// sample's latest scores; the score is *functional* when `dir * cs_indiv > z`, `z` the reliable-change
/// rule's critical value (1.645; clinicalsignificance uses `qnorm(0.95)` = 1.6449, a difference only for an
/// index between the two). Reference: Hageman & Arrindell (1999), Behav Res Ther 37, 1169-1193, eq. 10;
/// R package clinicalsignificance, `calc_cutoff_from_data.cs_ha` and `.calc_recovered_ha`.
public struct HagemanArrindellLatestTest: Sendable, Equatable {
  public let cutoff: Double
  public let latestMean: Double
  public let latestReliability: Double
  public let standardErrorOfMeasurement: Double
  public let criticalValue: Double
  public let direction: Direction

  /// The test for a sample whose latest scores have `latestMean` and `latestSD`; `nil` when `r_post` is
  /// not positive or an input is not finite.
  public init?(
    cutoff: Double, latestMean: Double, latestSD: Double, clinicalSD: Double, reliability: Double,
    criticalValue: Double, direction: Direction
  ) {
    let errorVariance = clinicalSD * clinicalSD * (1 - reliability)
    let rPost = (latestSD * latestSD - errorVariance) / (latestSD * latestSD)
    guard cutoff.isFinite, latestMean.isFinite, rPost.isFinite, rPost > 0, errorVariance > 0 else { return nil }
    self.cutoff = cutoff
    self.latestMean = latestMean
    self.latestReliability = rPost
    self.standardErrorOfMeasurement = errorVariance.squareRoot()
    self.criticalValue = criticalValue
    self.direction = direction
  }

  /// `cs_indiv` of a latest score.
  public func index(_ latest: Double) -> Double {
    (latestMean + (latest - latestMean) * latestReliability - cutoff)
      / (latestReliability.squareRoot() * standardErrorOfMeasurement)
  }

  /// Whether `latest` is reliably in the functional range.
  public func isFunctional(_ latest: Double) -> Bool {
    Double(direction.rawValue) * index(latest) > criticalValue
  }
}

/// One series' clinical significance.
public struct ClinicalSignificanceResult: Sendable, Equatable {
  public var reliableChange: ReliableChangeResult
  /// Whether the intake score is in the clinical range; `nil` when the score is missing or the rule has
  /// no clinical range.
  public var clinicalAtIntake: Bool?
  public var clinicalAtLatest: Bool?
  /// `nil` when the reliable change or the clinical range could not be assessed (see the issues).
  public var category: OutcomeCategory?
  /// Why the clinical range is unknown; the reliable change's own issue is `reliableChange.issue`.
  public var rangeIssue: ClinicalRangeIssue?

  public init(
    reliableChange: ReliableChangeResult, clinicalAtIntake: Bool?, clinicalAtLatest: Bool?, category: OutcomeCategory?,
    rangeIssue: ClinicalRangeIssue?
  ) {
    self.reliableChange = reliableChange
    self.clinicalAtIntake = clinicalAtIntake
    self.clinicalAtLatest = clinicalAtLatest
    self.category = category
    self.rangeIssue = rangeIssue
  }
}

/// The clinical-significance rule of one instrument in one analysis (METHODS.md section 2).
///
/// Which side of the cutoff is clinical:
///
/// - `--cutoff registry` (default): the instrument's caseness cutoff with its own comparator, so a
///   score *exactly at* the published threshold is clinical: PHQ-9 `>= 10`, GAD-7 `>= 8`, CORE-10
///   `>= 11`, OQ-45 `>= 64`, ORS `<= 25`. This is how NHS Talking Therapies and PCOMS count caseness.
/// - `--cutoff a|b|c`: the research cutoff is a point between two populations, and only scores strictly
///   beyond it on the worse side are clinical: `score > cutoff` where lower is better, `score < cutoff`
///   where higher is better (`Cutoff.clinicalRange(beyond:direction:)`); a score exactly at the cutoff
///   is not clinical. clinicalsignificance uses the same strict test at intake; at the latest score it
///   counts a score exactly at the cutoff as not yet functional, a difference that only matters for a
///   score exactly on a cutoff such as 54.316.
///
/// Norms for a, b, c: the clinical norm is the caller's, else the registry's `clinicalNorm`, else the
/// sample's intake mean and SD (as clinicalsignificance does); the functional norm is the caller's,
/// else the registry's `functionalNorm`. With `--rci-method HA` the norms' SDs are scaled by
/// `sqrt(r_k)` (`ResearchCutoffs.hagemanArrindell`).
///
/// Reference: Jacobson, N. S. & Truax, P. (1991), JCCP 59(1), 12-19; Hageman, W. J. J. M. & Arrindell,
/// W. A. (1999), Behav Res Ther 37, 1169-1193.
public struct ClinicalSignificanceRule: Sendable, Equatable {
  public let reliableChange: ReliableChangeRule
  public let cutoffRule: AnalysisParameters.CutoffRule
  /// A score meeting it is in the clinical range; `nil` with an issue.
  public let clinicalRange: Cutoff?
  /// The research cutoffs the range came from (with HA's scaled SDs); `nil` for the registry cutoff.
  public let researchCutoffs: ResearchCutoffs?
  public let issue: ClinicalRangeIssue?
  /// With `ha_categories clinicalsignificance` under `rci_method HA` and a research cutoff: the test that
  /// replaces the latest score's cutoff comparison in the category; `nil` otherwise.
  public let latestTest: HagemanArrindellLatestTest?

  /// A rule from an explicit clinical range (a score meeting `clinicalRange` is clinical).
  public init(
    clinicalRange: Cutoff, reliableChange: ReliableChangeRule, cutoffRule: AnalysisParameters.CutoffRule = .registry
  ) {
    self.reliableChange = reliableChange
    self.cutoffRule = cutoffRule
    self.clinicalRange = clinicalRange
    self.researchCutoffs = nil
    self.issue = nil
    self.latestTest = nil
  }

  private init(
    reliableChange: ReliableChangeRule, cutoffRule: AnalysisParameters.CutoffRule, clinicalRange: Cutoff?,
    researchCutoffs: ResearchCutoffs?, issue: ClinicalRangeIssue?, latestTest: HagemanArrindellLatestTest? = nil
  ) {
    self.reliableChange = reliableChange
    self.cutoffRule = cutoffRule
    self.clinicalRange = clinicalRange
    self.researchCutoffs = researchCutoffs
    self.issue = issue
    self.latestTest = latestTest
  }

  /// The rule METHODS.md prescribes for `instrument` under `parameters` (`cutoff`, `cutoff_b_sd`,
  /// `rci_method`).
  ///
  /// - Parameters:
  ///   - sample: the analysed sample's (intake, latest) moments: the default clinical norm.
  ///   - reliableChange: the instrument's reliable-change rule, usually
  ///     `ReliableChangeRule(instrument:parameters:sample:)`.
  ///   - clinicalNorm, functionalNorm: norms for this analysis, overriding the registry's.
  public init(
    instrument: Instrument, parameters: AnalysisParameters, sample: SampleMoments = SampleMoments(),
    reliableChange: ReliableChangeRule, clinicalNorm: Norm? = nil, functionalNorm: Norm? = nil
  ) {
    let rule = parameters.cutoffRule
    func failing(_ issue: ClinicalRangeIssue) -> ClinicalSignificanceRule {
      ClinicalSignificanceRule(
        reliableChange: reliableChange, cutoffRule: rule, clinicalRange: nil, researchCutoffs: nil, issue: issue)
    }
    guard rule != .registry else {
      if let caseness = instrument.clinicalCutoff {
        self.init(clinicalRange: caseness, reliableChange: reliableChange)
      } else {
        self = failing(.noClinicalCutoff)
      }
      return
    }
    let clinical: Norm
    if let given = clinicalNorm ?? instrument.clinicalNorm {
      clinical = given
    } else {
      guard sample.count >= 2 else {
        self = failing(.noClinicalNorm)
        return
      }
      clinical = sample.intakeNorm
    }
    let functional = functionalNorm ?? instrument.functionalNorm
    guard clinical.sd.isFinite, clinical.sd > 0, functional.map({ $0.sd.isFinite && $0.sd > 0 }) ?? true else {
      self = failing(.invalidNorm)
      return
    }
    var cutoffs = ResearchCutoffs(clinical: clinical, functional: functional, direction: instrument.direction)
    var latestTest: HagemanArrindellLatestTest?
    if parameters.reliableChangeMethod == .hagemanArrindell, let r = reliableChange.reliability {
      guard
        let scaled = ResearchCutoffs.hagemanArrindell(
          clinical: clinical, functional: functional, reliability: r, direction: instrument.direction)
      else {
        self = failing(.invalidNorm)
        return
      }
      cutoffs = scaled
      if parameters.hagemanArrindellCategories == .clinicalsignificance, let value = cutoffs.value(rule, bSD: parameters.cutoffBSD) {
        latestTest = HagemanArrindellLatestTest(
          cutoff: value, latestMean: sample.latestMean, latestSD: sample.latestSD, clinicalSD: clinical.sd,
          reliability: r, criticalValue: reliableChange.criticalValue, direction: instrument.direction)
        guard latestTest != nil else {
          self = failing(.invalidNorm)
          return
        }
      }
    }
    guard let value = cutoffs.value(rule, bSD: parameters.cutoffBSD) else {
      self = failing(.noFunctionalNorm)
      return
    }
    self.init(
      reliableChange: reliableChange, cutoffRule: rule,
      clinicalRange: Cutoff.clinicalRange(beyond: value, direction: instrument.direction),
      researchCutoffs: cutoffs, issue: nil, latestTest: latestTest)
  }

  /// The cutoff's value in score points; `nil` with an issue.
  public var cutoff: Double? { clinicalRange?.value }

  /// The clinical significance of the change from `intake` to `latest` (score points): reliable change
  /// by `reliableChange`, clinical status by `clinicalRange`, and the category by `OutcomeCategory`'s
  /// precedence. Missing scores and unavailable rules give `nil` fields with their issue.
  @inlinable
  public func classify(intake: Double, latest: Double) -> ClinicalSignificanceResult {
    let change = reliableChange.assess(intake: intake, latest: latest)
    guard let clinicalRange else {
      return ClinicalSignificanceResult(
        reliableChange: change, clinicalAtIntake: nil, clinicalAtLatest: nil, category: nil, rangeIssue: issue)
    }
    let atIntake: Bool? = intake.isFinite ? clinicalRange.isMet(by: intake) : nil
    let atLatest: Bool? = latest.isFinite ? clinicalRange.isMet(by: latest) : nil
    var category: OutcomeCategory?
    if let reliable = change.category, let atIntake, let atLatest {
      if let latestTest {
        // clinicalsignificance's HA categories: recovered from the clinical range by the latest score's own
        // test, never harmed.
        switch reliable {
        case .improved: category = atIntake && latestTest.isFunctional(latest) ? .recovered : .improved
        case .deteriorated: category = .deteriorated
        case .unchanged: category = .unchanged
        }
      } else {
        category = OutcomeCategory(reliableChange: reliable, clinicalAtIntake: atIntake, clinicalAtLatest: atLatest)
      }
    }
    return ClinicalSignificanceResult(
      reliableChange: change, clinicalAtIntake: atIntake, clinicalAtLatest: atLatest, category: category,
      rangeIssue: nil)
  }
}
