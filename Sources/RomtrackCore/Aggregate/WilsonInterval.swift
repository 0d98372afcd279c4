/// The Wilson score interval for a binomial proportion (Wilson 1927; recommended over the Wald
/// interval by Brown, Cai & DasGupta 2001 and Newcombe 1998, method 3).
///
/// For `k` successes in `n` trials, `p = k / n` and `z` the normal quantile (1.959964 for 95%):
///
///     centre    = (p + z² / 2n) / (1 + z² / n)
///     halfWidth = z / (1 + z² / n) · sqrt(p (1 - p) / n + z² / 4n²)
///
/// The interval is `centre ± halfWidth`; it stays inside [0, 1] and is not degenerate at `k = 0` or
/// `k = n`. It equals R's `prop.test(k, n, correct = FALSE)$conf.int` and statsmodels'
/// `proportion_confint(k, n, method = "wilson")`.
public struct WilsonInterval: Sendable, Equatable {
  public var rate: Double
  public var lower: Double
  public var upper: Double

  /// The 0.975 quantile of the standard normal distribution.
  public static let z95 = 1.959963984540054

  /// `nil` when `n` is 0 (no rate).
  public init?(successes k: Int, trials n: Int, z: Double = WilsonInterval.z95) {
    guard n > 0, k >= 0, k <= n else { return nil }
    let nn = Double(n)
    let p = Double(k) / nn
    let z2 = z * z
    let denominator = 1 + z2 / nn
    let centre = (p + z2 / (2 * nn)) / denominator
    let halfWidth = z / denominator * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
    rate = p
    lower = max(0, centre - halfWidth)
    upper = min(1, centre + halfWidth)
  }
}
