/// A case-mix-adjusted effect size: the pre-post effect size of a clinician or site with the
/// difference in their clients' starting severity taken out (METHODS.md section 9, "fair comparisons").
///
/// Over the series of one instrument finished in the trailing 12 months, with `x` the intake score
/// and `y = dir * (latest - intake)` the improvement (positive = better), the practice's least-squares
/// line `y = a + b x` says how much clients who start at `x` improve here on average. A group with
/// mean intake `x̄_g` and mean improvement `ȳ_g` then has
///
///     adjusted d_g = (ȳ_g - b (x̄_g - x̄)) / SD(x)
///
/// with `x̄` and `SD(x)` (n - 1) the practice's: its mean improvement as it would be had its clients
/// started as severe as the practice's on average, on the scale of the practice's effect size `d`
/// (for the practice itself the two are equal). 95% interval: `± 1.96 σ / (√n_g SD(x))`, `σ` the
/// residual SD of the practice line (n - 2); the uncertainty of `a` and `b` is left out (small beside
/// a group's own with a practice many times its size).
///
/// Caveats (said on the page): only starting severity is adjusted for, not diagnosis, chronicity,
/// social circumstances or how clients were allocated; the line is straight; and the interval, not
/// the point, is the comparison.
public struct SeverityAdjustment: Sendable, Equatable {
  public let slope: Double
  public let meanIntake: Double
  public let intakeSD: Double
  public let residualSD: Double

  /// The practice's line; `nil` with fewer than 3 series or no spread of intake scores.
  public init?(practice p: CaseMixSums) {
    guard p.count >= 3 else { return nil }
    let n = Double(p.count)
    let meanX = p.intakeSum / n
    let meanY = p.improvementSum / n
    let sxx = p.intakeSquares - n * meanX * meanX
    let sxy = p.products - n * meanX * meanY
    let syy = p.improvementSquares - n * meanY * meanY
    guard sxx > 1e-9 * max(1, p.intakeSquares) else { return nil }
    slope = sxy / sxx
    meanIntake = meanX
    intakeSD = (sxx / (n - 1)).squareRoot()
    residualSD = (max(0, syy - slope * sxy) / (n - 2)).squareRoot()
  }

  /// A group's adjusted effect size and interval; `nil` without series.
  public func effect(of g: CaseMixSums) -> SeverityAdjustedEffect? {
    guard g.count > 0 else { return nil }
    let n = Double(g.count)
    let adjusted = (g.improvementSum / n - slope * (g.intakeSum / n - meanIntake)) / intakeSD
    let half = WilsonInterval.z95 * residualSD / (n.squareRoot() * intakeSD)
    return SeverityAdjustedEffect(d: adjusted, lower: adjusted - half, upper: adjusted + half, count: g.count)
  }
}

/// A group's severity-adjusted effect size with its 95% interval, over `count` finished series.
public struct SeverityAdjustedEffect: Sendable, Equatable {
  public var d: Double
  public var lower: Double
  public var upper: Double
  public var count: Int
}

/// Sums of intake `x`, improvement `y`, `x²`, `y²` and `x y` over a group's finished series.
public struct CaseMixSums: Sendable, Equatable {
  public var count = 0
  var intakeSum = 0.0
  var improvementSum = 0.0
  var intakeSquares = 0.0
  var improvementSquares = 0.0
  var products = 0.0

  public init() {}

  /// Adds one finished series (`direction` +1 when higher scores are better).
  public mutating func add(intake: Double, latest: Double, direction: Double) {
    guard intake.isFinite, latest.isFinite else { return }
    let y = direction * (latest - intake)
    count += 1
    intakeSum += intake
    improvementSum += y
    intakeSquares += intake * intake
    improvementSquares += y * y
    products += intake * y
  }
}
