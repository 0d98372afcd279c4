// The pre-post sample statistics the research reliable-change methods and the default clinical norm
// need (METHODS.md sections 1 and 2): means, SDs and the pre-post correlation of the analysed sample's
// (intake, latest) pairs, gathered in one pass.

/// Means, standard deviations and correlation of a sample's intake and latest scores.
///
/// Only complete pairs count: a pair whose intake or latest score is missing (NaN, or not finite) is
/// skipped entirely, so that every statistic describes the same clients (as the R package
/// clinicalsignificance does, which drops incomplete cases before computing anything).
///
/// - `intakeMean` = M1, `latestMean` = M2, in score points;
/// - `intakeSD` = SD1, `latestSD` = SD2, sample standard deviations with `n - 1` in the denominator,
///   in score points;
/// - `correlation` = rho12, Pearson's product-moment correlation of intake and latest, unitless.
///
/// Edge cases: with no pair the means are NaN; with fewer than 2 pairs the SDs and the correlation are
/// NaN; when either SD is 0 the correlation is NaN. The rules that use these values turn NaN into a
/// diagnostic (`ReliableChangeIssue`), never into a category.
///
/// The sums are updated with Welford's (1962) algorithm and merged with the pairwise formulas of Chan,
/// Golub & LeVeque (1983), which stay accurate where the textbook `sum x^2 - n mean^2` loses digits
/// (scores near 60 with an SD near 6, as in Jacobson & Truax's data). Agreement with a two-pass
/// computation is to about 1e-12 relative.
public struct SampleMoments: Sendable, Equatable {
  /// Number of complete (intake, latest) pairs.
  public private(set) var count: Int = 0
  /// Running mean of the intake scores (0 before the first pair, so that `==` stays reflexive).
  private var intakeRunningMean: Double = 0
  /// Running mean of the latest scores.
  private var latestRunningMean: Double = 0
  /// Sum of squared deviations of the intake scores from their mean.
  private var intakeSquares: Double = 0
  /// Sum of squared deviations of the latest scores from their mean.
  private var latestSquares: Double = 0
  /// Sum of products of the intake and latest deviations.
  private var crossProducts: Double = 0

  /// No pairs yet; add them with `add(intake:latest:)`.
  public init() {}

  /// The moments of `intake[i], latest[i]` for `i` in the shorter array's indices, incomplete pairs
  /// skipped.
  public init(intake: [Double], latest: [Double]) {
    for i in 0..<min(intake.count, latest.count) {
      add(intake: intake[i], latest: latest[i])
    }
  }

  /// The moments of a sequence of (intake, latest) pairs, incomplete pairs skipped.
  public init<Pairs: Sequence>(pairs: Pairs) where Pairs.Element == (intake: Double, latest: Double) {
    for pair in pairs {
      add(intake: pair.intake, latest: pair.latest)
    }
  }

  /// Adds one pair; does nothing when either score is missing (not finite).
  public mutating func add(intake: Double, latest: Double) {
    guard intake.isFinite, latest.isFinite else { return }
    count += 1
    let n = Double(count)
    let intakeStep = intake - intakeRunningMean
    let latestStep = latest - latestRunningMean
    intakeRunningMean += intakeStep / n
    latestRunningMean += latestStep / n
    // Welford: the deviation from the old mean times the deviation from the new mean.
    intakeSquares += intakeStep * (intake - intakeRunningMean)
    latestSquares += latestStep * (latest - latestRunningMean)
    crossProducts += intakeStep * (latest - latestRunningMean)
  }

  /// Adds every pair of `other`, as if they had been added one by one (up to rounding): lets threads
  /// each gather a share of the series and combine their moments at the end.
  public mutating func merge(_ other: SampleMoments) {
    guard other.count > 0 else { return }
    guard count > 0 else {
      self = other
      return
    }
    let n1 = Double(count)
    let n2 = Double(other.count)
    let n = n1 + n2
    let intakeShift = other.intakeRunningMean - intakeRunningMean
    let latestShift = other.latestRunningMean - latestRunningMean
    intakeSquares += other.intakeSquares + intakeShift * intakeShift * n1 * n2 / n
    latestSquares += other.latestSquares + latestShift * latestShift * n1 * n2 / n
    crossProducts += other.crossProducts + intakeShift * latestShift * n1 * n2 / n
    intakeRunningMean += intakeShift * n2 / n
    latestRunningMean += latestShift * n2 / n
    count += other.count
  }

  /// M1: mean intake score, in score points; NaN without pairs.
  public var intakeMean: Double { count == 0 ? .nan : intakeRunningMean }

  /// M2: mean latest score, in score points; NaN without pairs.
  public var latestMean: Double { count == 0 ? .nan : latestRunningMean }

  /// SD1: sample SD of the intake scores, `sqrt(sum (x1 - M1)^2 / (n - 1))`; NaN when `count < 2`.
  public var intakeSD: Double {
    count < 2 ? .nan : (intakeSquares / Double(count - 1)).squareRoot()
  }

  /// SD2: sample SD of the latest scores; NaN when `count < 2`.
  public var latestSD: Double {
    count < 2 ? .nan : (latestSquares / Double(count - 1)).squareRoot()
  }

  /// rho12: `sum (x1 - M1)(x2 - M2) / sqrt(sum (x1 - M1)^2 * sum (x2 - M2)^2)`, in [-1, 1]; NaN when
  /// `count < 2` or either SD is 0.
  public var correlation: Double {
    guard count >= 2, intakeSquares > 0, latestSquares > 0 else { return .nan }
    let r = crossProducts / (intakeSquares * latestSquares).squareRoot()
    return min(1, max(-1, r))
  }

  /// The intake scores as a population norm, `Norm(mean: M1, sd: SD1)`: the default clinical norm of
  /// METHODS.md section 2.
  public var intakeNorm: Norm { Norm(mean: intakeMean, sd: intakeSD) }
}
