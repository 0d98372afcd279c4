// Student's t distribution: tail probabilities and two-sided critical values.
//
// The trajectory fits need `t_{0.975, n-2}` for their 95% confidence intervals, and the sudden-gain rule
// (METHODS.md section 7) needs the two-tailed 0.05 critical value for 2 to 4 degrees of freedom. Both come
// from `StudentT.criticalValue`, which inverts the tail probability numerically; the tail probability is
// the regularised incomplete beta function, evaluated by its continued fraction.

import Foundation

/// Student's t distribution with `ν` degrees of freedom (`ν > 0`, not necessarily whole).
///
/// The two-sided tail probability is `P(|T| >= t) = I_x(ν/2, 1/2)` with `x = ν / (ν + t²)`, where
/// `I_x(a, b)` is the regularised incomplete beta function (DLMF 8.17.2 and 8.17.7; Abramowitz & Stegun
/// 26.7.1). The critical value is the `t > 0` with `P(|T| >= t) = α`, found by Newton's method on that
/// equation, kept inside a bracket that bisection shrinks whenever a Newton step would leave it.
///
/// Accuracy: the critical value agrees with scipy's `stats.t.ppf` to a few units in 1e-15 (relative)
/// for `ν` up to 1000 and to 1e-12 at `ν = 10⁵`, where the tail probability's continued fraction needs
/// `O(sqrt(ν))` terms; the tests ask for 1e-9. Checked against the published table values
/// (Abramowitz & Stegun table 26.10) and scipy's `stats.t.ppf`.
public enum StudentT {
  /// Two-sided tail probability `P(|T| >= |t|)` with `ν` degrees of freedom: 1 at `t = 0`, falling to
  /// 0 as `|t|` grows. NaN when `t` is NaN or `ν` is not positive.
  public static func twoSidedTailProbability(_ t: Double, degreesOfFreedom ν: Double) -> Double {
    guard ν > 0, !t.isNaN else { return .nan }
    if t.isInfinite { return 0 }
    let t2 = t * t
    // x = ν / (ν + t²) and 1 - x = t² / (ν + t²), each computed directly so neither loses digits.
    let x = ν / (ν + t2)
    let complement = t2 / (ν + t2)
    return regularizedIncompleteBeta(x, complement: complement, a: ν / 2, b: 0.5)
  }

  /// Cumulative probability `P(T <= t)` with `ν` degrees of freedom. Symmetric:
  /// `P(T <= -t) = 1 - P(T <= t)`. NaN when `t` is NaN or `ν` is not positive.
  public static func cumulativeProbability(_ t: Double, degreesOfFreedom ν: Double) -> Double {
    let tail = twoSidedTailProbability(t, degreesOfFreedom: ν) / 2
    return t < 0 ? tail : 1 - tail
  }

  /// Density of `T` at `t`: `(1 + t²/ν)^(-(ν+1)/2) / (sqrt(ν) B(ν/2, 1/2))`.
  public static func density(_ t: Double, degreesOfFreedom ν: Double) -> Double {
    guard ν > 0, !t.isNaN else { return .nan }
    let logDensity = -(ν + 1) / 2 * Foundation.log1p(t * t / ν) - 0.5 * Foundation.log(ν) - logBeta(ν / 2, 0.5)
    return Foundation.exp(logDensity)
  }

  /// The two-sided critical value `t_{1 - α/2, ν}`: the `t > 0` with `P(|T| >= t) = α`. For `α = 0.05`
  /// and `ν` = 1, 2, 3, 4, 10, 30, 120 it is 12.706205, 4.302653, 3.182446, 2.776445, 2.228139,
  /// 2.042272, 1.979930; it falls towards the normal 1.959964 as `ν` grows.
  ///
  /// Edge cases: `α` must lie in (0, 1) and `ν` be positive, else NaN. With `ν = 1` (Cauchy) the exact
  /// value `cot(π α / 2)` is what the iteration converges to.
  ///
  /// - Parameters:
  ///   - degreesOfFreedom: `ν > 0`; for a straight-line fit to `n` points, `n - 2`.
  ///   - twoSidedAlpha: the total tail probability, 0.05 for a 95% interval.
  public static func criticalValue(degreesOfFreedom ν: Double, twoSidedAlpha α: Double = 0.05) -> Double {
    guard ν > 0, α > 0, α < 1, ν.isFinite else { return .nan }
    // The tail probability falls strictly from 1 at t = 0; keep the root inside [low, high].
    var low = 0.0
    var high = max(1.0, initialGuess(degreesOfFreedom: ν, twoSidedAlpha: α))
    while twoSidedTailProbability(high, degreesOfFreedom: ν) > α {
      low = high
      high *= 2
    }
    var t = min(max(initialGuess(degreesOfFreedom: ν, twoSidedAlpha: α), low), high)
    for _ in 0..<200 {
      let excess = twoSidedTailProbability(t, degreesOfFreedom: ν) - α
      if excess == 0 { return t }
      if excess > 0 { low = t } else { high = t }
      // d/dt P(|T| >= t) = -2 f(t).
      let slope = -2 * density(t, degreesOfFreedom: ν)
      var next = t - excess / slope
      if !(next > low && next < high) { next = (low + high) / 2 }
      let step = abs(next - t)
      t = next
      if step <= 4 * t.ulp || high - low <= 4 * t.ulp { break }
    }
    return t
  }

  /// A starting point for the critical value: the normal quantile with the Cornish-Fisher correction
  /// for `ν` (Abramowitz & Stegun 26.7.5), or the exact Cauchy value for `ν = 1`.
  static func initialGuess(degreesOfFreedom ν: Double, twoSidedAlpha α: Double) -> Double {
    if ν == 1 { return 1 / Foundation.tan(Double.pi * α / 2) }
    let z = normalUpperQuantile(α / 2)
    let z3 = z * z * z
    let z5 = z3 * z * z
    let guess = z + (z3 + z) / (4 * ν) + (5 * z5 + 16 * z3 + 3 * z) / (96 * ν * ν)
    return guess.isFinite && guess > 0 ? guess : 1
  }

  /// Rough upper quantile `z` of the standard normal with `P(Z >= z) = p`, `0 < p <= 0.5`: the rational
  /// approximation of Abramowitz & Stegun 26.2.23 (absolute error below 4.5e-4). Only a starting point.
  static func normalUpperQuantile(_ p: Double) -> Double {
    let q = min(p, 0.5)
    let s = Foundation.sqrt(-2 * Foundation.log(q))
    let numerator = 2.515517 + 0.802853 * s + 0.010328 * s * s
    let denominator = 1 + 1.432788 * s + 0.189269 * s * s + 0.001308 * s * s * s
    return s - numerator / denominator
  }

  // MARK: - Regularised incomplete beta

  /// `I_x(a, b)`, the regularised incomplete beta function, for `0 <= x <= 1`, `a, b > 0`; `complement`
  /// must be `1 - x`, passed separately so that a caller who knows it to full precision keeps it.
  ///
  /// `I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...)))` with
  /// `d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))` and
  /// `d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))` (DLMF 8.17.22), evaluated by the modified Lentz
  /// algorithm (Thompson & Barnett 1986, J. Comput. Phys. 64:490-509). The fraction converges quickly
  /// for `x < (a + 1) / (a + b + 2)`; above that, `I_x(a, b) = 1 - I_{1-x}(b, a)` (DLMF 8.17.4) is used.
  static func regularizedIncompleteBeta(_ x: Double, complement y: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if y <= 0 { return 1 }
    if x > (a + 1) / (a + b + 2) {
      return 1 - regularizedIncompleteBeta(y, complement: x, a: b, b: a)
    }
    let logFront = a * Foundation.log(x) + b * Foundation.log(y) - logBeta(a, b)
    return Foundation.exp(logFront) / a * continuedFraction(x, a: a, b: b)
  }

  /// The continued fraction of DLMF 8.17.22, `1 / g` with `g = 1 + d1 / (1 + d2 / (1 + ...))`, `g` by
  /// the modified Lentz algorithm; stops when a step changes `g` by at most one unit in the last place
  /// (or after 200000 terms, which `ν` below 1e9 never needs).
  private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
    let tiny = 1e-300
    var g = 1.0
    var c = 1.0
    var d = 0.0
    for k in 1...200_000 {
      // k = 2m + 1 (odd) or k = 2m (even); integer division gives m in both cases.
      let m = Double(k / 2)
      let coefficient =
        k % 2 == 1
        ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
      d = 1 + coefficient * d
      if abs(d) < tiny { d = tiny }
      d = 1 / d
      c = 1 + coefficient / c
      if abs(c) < tiny { c = tiny }
      let delta = c * d
      g *= delta
      if abs(delta - 1) <= Double.ulpOfOne { break }
    }
    return 1 / g
  }

  /// `ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b)` for `a, b > 0`.
  ///
  /// When the larger argument `p` is 10 or more, `ln Γ(p) - ln Γ(p + q)` (`q` the smaller) is taken
  /// from Stirling's series, `-(p + q - 1/2) ln(1 + q/p) - q ln p + q + R(p) - R(p + q)` with
  /// `R(z) = 1/(12z) - 1/(360z³) + 1/(1260z⁵) - 1/(1680z⁷) + 1/(1188z⁹)` (DLMF 5.11.1), which avoids
  /// subtracting two large log-gammas (for `ν = 10⁶` each is about 6e6 and their difference would keep
  /// only 9 digits). Truncation error below 1e-13 for `p >= 10`.
  static func logBeta(_ a: Double, _ b: Double) -> Double {
    let p = max(a, b)
    let q = min(a, b)
    if p < 10 {
      return Foundation.lgamma(p) + Foundation.lgamma(q) - Foundation.lgamma(p + q)
    }
    func stirlingRemainder(_ z: Double) -> Double {
      let r = 1 / z
      let r2 = r * r
      return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))))
    }
    let difference =
      -(p + q - 0.5) * Foundation.log1p(q / p) - q * Foundation.log(p) + q
      + stirlingRemainder(p) - stirlingRemainder(p + q)
    return Foundation.lgamma(q) + difference
  }

  // MARK: - A table for repeated use

  /// Two-sided critical values for one `α` and whole degrees of freedom, computed once: the per-series
  /// fits look one up per series instead of inverting the distribution a million times.
  public struct CriticalValues: Sendable, Equatable {
    /// The total tail probability, 0.05 for 95% intervals.
    public let twoSidedAlpha: Double
    /// `values[k]` is the critical value for `k + 1` degrees of freedom.
    private let values: [Double]

    /// Tabulates degrees of freedom 1 through `maximumDegreesOfFreedom`; larger ones are computed when
    /// asked for.
    public init(twoSidedAlpha: Double = 0.05, maximumDegreesOfFreedom: Int = 128) {
      self.twoSidedAlpha = twoSidedAlpha
      values = (0..<max(0, maximumDegreesOfFreedom)).map {
        StudentT.criticalValue(degreesOfFreedom: Double($0 + 1), twoSidedAlpha: twoSidedAlpha)
      }
    }

    /// The critical value for `degreesOfFreedom >= 1` whole degrees of freedom; NaN below 1.
    public func value(degreesOfFreedom: Int) -> Double {
      guard degreesOfFreedom >= 1 else { return .nan }
      if degreesOfFreedom <= values.count { return values[degreesOfFreedom - 1] }
      return StudentT.criticalValue(degreesOfFreedom: Double(degreesOfFreedom), twoSidedAlpha: twoSidedAlpha)
    }
  }
}
