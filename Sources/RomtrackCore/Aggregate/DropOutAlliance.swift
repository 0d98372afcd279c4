import Foundation

/// The association of the alliance with later drop-out (METHODS.md section 9; the research export's
/// dropout_alliance.csv): among episodes ended in the trailing 12 months that had an alliance measure
/// scored, the drop-out rate (`DropOutRule`) of those with an exposure against those without.
///
/// Exposures, all measured before the ending: the latest alliance score in the low range
/// (`low_alliance`), any rupture (`rupture`), a rupture not repaired (`unrepaired_rupture`).
///
/// - risk difference `p1 - p2`, 95% interval by Newcombe's hybrid score method (Newcombe 1998,
///   Stat Med 17:873-890, method 10) from the two Wilson intervals:
///   `[RD - sqrt((p1 - l1)² + (u2 - p2)²), RD + sqrt((u1 - p1)² + (p2 - l2)²)]`;
/// - risk ratio `p1 / p2`, 95% interval `exp(ln RR ± 1.96 sqrt(1/a - 1/n1 + 1/c - 1/n2))` (Katz et al.
///   1978), `nil` when either group has no drop-out.
///
/// An association, not a cause: clients who are struggling may both rate the relationship lower and
/// stop coming.
public struct DropOutExposure: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    case lowAlliance = "low_alliance"
    case rupture
    case unrepairedRupture = "unrepaired_rupture"
  }

  public var kind: Kind
  public var exposedEnded = 0
  public var exposedDroppedOut = 0
  public var unexposedEnded = 0
  public var unexposedDroppedOut = 0

  public init(kind: Kind) { self.kind = kind }

  public var exposed: WilsonInterval? { WilsonInterval(successes: exposedDroppedOut, trials: exposedEnded) }
  public var unexposed: WilsonInterval? { WilsonInterval(successes: unexposedDroppedOut, trials: unexposedEnded) }

  /// `p1 - p2` with Newcombe's hybrid score interval; `nil` when a group is empty.
  public var riskDifference: (estimate: Double, lower: Double, upper: Double)? {
    guard let one = exposed, let two = unexposed else { return nil }
    let rd = one.rate - two.rate
    let below = ((one.rate - one.lower) * (one.rate - one.lower) + (two.upper - two.rate) * (two.upper - two.rate)).squareRoot()
    let above = ((one.upper - one.rate) * (one.upper - one.rate) + (two.rate - two.lower) * (two.rate - two.lower)).squareRoot()
    return (rd, rd - below, rd + above)
  }

  /// `p1 / p2` with the Katz log interval; `nil` when either group has no drop-out.
  public var riskRatio: (estimate: Double, lower: Double, upper: Double)? {
    guard exposedDroppedOut > 0, unexposedDroppedOut > 0, exposedEnded > 0, unexposedEnded > 0 else { return nil }
    let (a, n1, c, n2) = (Double(exposedDroppedOut), Double(exposedEnded), Double(unexposedDroppedOut), Double(unexposedEnded))
    let ratio = (a / n1) / (c / n2)
    let se = (1 / a - 1 / n1 + 1 / c - 1 / n2).squareRoot()
    return (ratio, ratio * exp(-WilsonInterval.z95 * se), ratio * exp(WilsonInterval.z95 * se))
  }
}
