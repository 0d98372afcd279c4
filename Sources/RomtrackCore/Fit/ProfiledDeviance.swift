// The multilevel growth model (METHODS.md section 4), fitted as lme4 fits a linear mixed model:
// the deviance is profiled over β and σ, leaving a function of the 3 parameters θ of the relative
// covariance factor, which is minimised (Bates, Mächler, Bolker & Walker 2015, "Fitting linear
// mixed-effects models using lme4", J. Stat. Softw. 67(1), sections 3.2-3.6).
//
// Notation (lme4's). Group i has n_i scores y_i, random-effects design Z_i = [1, t] and fixed-effects
// design X_i. The random effects are b_i = Λ u_i with spherical u_i ~ N(0, σ² I₂) and
//
//        Λ = | θ₁   0  |        G = Var(b_i) = σ² Λ Λ',        θ₁ >= 0, θ₃ >= 0.
//            | θ₂   θ₃ |
//
// For a given θ the penalised least-squares problem min ||y - Xβ - ZΛu||² + ||u||² is solved by a
// blocked Cholesky factorisation of Henderson's mixed-model equations. Because groups do not share
// random effects, the random-effects part is block diagonal, one 2 x 2 block per group:
//
//   L_i L_i'   = Λ'Z_i'Z_iΛ + I               (2 x 2 Cholesky per group)
//   R_ZX,i     = L_i⁻¹ Λ'Z_i'X_i              (2 x p)
//   c_u,i      = L_i⁻¹ Λ'Z_i'y_i              (2)
//   R_X'R_X    = X'X - Σ R_ZX,i' R_ZX,i       (p x p Schur complement, Cholesky by LAPACK dpotrf)
//   R_X'R_X β̂  = X'y - Σ R_ZX,i' c_u,i        (dpotrs)
//   r²(θ)      = y'y - Σ ||c_u,i||² - (X'y - Σ R_ZX,i'c_u,i)'β̂     (penalised residual sum of squares)
//
// and with N observations, p fixed effects, log|L|² = Σ log det(L_i L_i'):
//
//   ML:    d(θ)   = log|L|² + N (1 + log(2π r²/N))                        (lme4 eq. 34)
//   REML:  d_R(θ) = log|L|² + log|R_X|² + (N - p)(1 + log(2π r²/(N - p))) (lme4 eq. 41)
//
// σ̂² = r²/N (ML) or r²/(N - p) (REML), Var(β̂) = σ̂² (R_X'R_X)⁻¹, the conditional modes are
// b̂_i = Λ L_i'⁻¹ (c_u,i - R_ZX,i β̂) and their conditional covariance σ̂² Λ (L_i L_i')⁻¹ Λ' (what lme4's
// `ranef(condVar = TRUE)` reports).
//
// The pass over the groups that one evaluation makes is in ProfiledDeviance+Pass.swift; the
// optimiser that minimises the deviance in GrowthModel+Optimise.swift.

import Foundation
import _OpenBLAS

/// The deviance at one θ with everything the fit reports from it.
public struct DevianceEvaluation: Sendable, Equatable {
  /// The relative covariance factor's parameters `(θ₁, θ₂, θ₃)`.
  public var theta: [Double]
  /// The profiled criterion minimised: `d_R(θ)` (REML criterion) or `d(θ)` (ML deviance, -2 log L).
  public var deviance: Double
  /// `r²(θ)`, the penalised residual sum of squares.
  public var penalisedResidualSumOfSquares: Double
  /// `log|L_θ|² = Σ log det(Λ'Z_i'Z_iΛ + I)`.
  public var logDeterminantL: Double
  /// `log|R_X|²`.
  public var logDeterminantRX: Double
  /// `β̂(θ)`.
  public var beta: [Double]
  /// `(R_X'R_X)⁻¹`, p x p, row-major; `Var(β̂) = σ̂² (R_X'R_X)⁻¹`.
  public var unscaledCovariance: [[Double]]
  /// `σ̂(θ)`: `sqrt(r²/N)` (ML) or `sqrt(r²/(N - p))` (REML).
  public var sigma: Double
}

/// The profiled (RE)ML deviance of a growth model as a function of θ, lme4's `devfun`.
///
/// `callAsFunction(θ)` accepts any real θ: the deviance depends on θ only through `ΛΛ'`, so it is
/// unchanged by `(θ₁, θ₂) -> (-θ₁, -θ₂)` and by `θ₃ -> -θ₃`. The optimiser uses that symmetry to search
/// all of ℝ³ without bounds (a minimum on the boundary θ₃ = 0 is then an ordinary stationary point of
/// an even function), and maps the result back into lme4's region θ₁, θ₃ >= 0.
///
/// Evaluations are deterministic: the sums are formed over fixed chunks of design classes and the
/// chunks added in order, whatever the number of threads.
public struct ProfiledDeviance: Sendable {
  public let data: GrowthModelData
  public let spec: GrowthModelSpec
  /// `p`.
  public let fixedEffectCount: Int
  /// Threads of the pass over the design classes.
  public let threads: Int
  /// `X'X` (p x p, column-major), `X'y`, `y'y`: sums over all groups, formed once.
  let xTx: [Double]
  let xTy: [Double]
  let yTy: Double
  /// The groups pooled by design: the pass runs over these.
  let classes: DesignClasses
  /// The chunks of classes whose partial sums are formed separately.
  let chunks: [Range<Int>]

  /// Classes per chunk of the pass.
  static let chunkSize = 8192

  public init(data: GrowthModelData, spec: GrowthModelSpec) {
    self.data = data
    self.spec = spec
    let p = spec.fixedEffectCount
    fixedEffectCount = p
    let classes = DesignClasses(data)
    self.classes = classes
    let count = classes.classes.count
    let requested = spec.optimizer.threads
    threads =
      requested > 0
      ? requested
      : (count >= spec.optimizer.parallelThreshold ? min(2, max(1, ProcessInfo.processInfo.activeProcessorCount)) : 1)
    chunks = stride(from: 0, to: count, by: Self.chunkSize).map { $0..<min($0 + Self.chunkSize, count) }

    // Totals of the X blocks (see GrowthModelData): Σ Z'Z weighted by 1, w and w², by class.
    var a = [Double](repeating: 0, count: 9)  // [n, Σt, Σt²] x [1, w, w²]
    var zy = [Double](repeating: 0, count: 4)  // [Σy, Σty] x [1, w]
    for k in classes.classes {
      func add(_ j: Int, weight: Double) {
        a[3 * j] += weight * k.count
        a[3 * j + 1] += weight * k.sumTime
        a[3 * j + 2] += weight * k.sumTimeSquared
      }
      add(0, weight: k.groups)
      add(1, weight: k.intake)
      add(2, weight: k.intakeSquared)
      zy[0] += k.score
      zy[1] += k.timeScore
      zy[2] += k.intakeScore
      zy[3] += k.intakeTimeScore
    }
    var yy = 0.0
    for g in 0..<data.groupCount { yy += data.sumScoreSquared[g] }
    var xtx = [Double](repeating: 0, count: p * p)
    func setBlock(_ row: Int, _ column: Int, _ weight: Int) {
      // A 2 x 2 block [[n, Σt], [Σt, Σt²]] x weight at (row, column), column-major.
      let base = 3 * weight
      xtx[row + column * p] = a[base]
      xtx[row + 1 + column * p] = a[base + 1]
      xtx[row + (column + 1) * p] = a[base + 1]
      xtx[row + 1 + (column + 1) * p] = a[base + 2]
    }
    setBlock(0, 0, 0)
    if p == 4 {
      setBlock(2, 0, 1)
      setBlock(0, 2, 1)
      setBlock(2, 2, 2)
    }
    xTx = xtx
    xTy = p == 4 ? zy : Array(zy[0..<2])
    yTy = yy
  }

  /// The criterion at θ (`.infinity` where it cannot be evaluated, so that a minimiser steps away).
  public func callAsFunction(_ theta: [Double]) -> Double {
    evaluate(theta)?.deviance ?? .infinity
  }

  /// The criterion and the estimates it profiles out, at θ; `nil` when `R_X'R_X` is not positive
  /// definite (rank-deficient fixed effects) or `r²` is not positive.
  public func evaluate(_ theta: [Double]) -> DevianceEvaluation? {
    precondition(theta.count == 3, "θ has 3 components")
    let sums = pass(theta)
    let p = fixedEffectCount
    // Schur complement R_X'R_X = X'X - Σ R_ZX'R_ZX and right-hand side X'y - Σ R_ZX'c_u.
    var schur = xTx
    var rhs = xTy
    func subtract(_ row: Int, _ column: Int, _ s: (Double, Double, Double)) {
      schur[row + column * p] -= s.0
      schur[row + 1 + column * p] -= s.1
      schur[row + (column + 1) * p] -= s.1
      schur[row + 1 + (column + 1) * p] -= s.2
    }
    subtract(0, 0, (sums.s00, sums.s01, sums.s11))
    rhs[0] -= sums.t0
    rhs[1] -= sums.t1
    if p == 4 {
      subtract(2, 0, (sums.ws00, sums.ws01, sums.ws11))
      subtract(0, 2, (sums.ws00, sums.ws01, sums.ws11))
      subtract(2, 2, (sums.wws00, sums.wws01, sums.wws11))
      rhs[2] -= sums.wt0
      rhs[3] -= sums.wt1
    }
    var factor = schur
    let n = Int32(p)
    let lower = CChar(UInt8(ascii: "L"))
    guard LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, n, &factor, n) == 0 else { return nil }
    var beta = rhs
    guard LAPACKE_dpotrs(LAPACK_COL_MAJOR, lower, n, 1, factor, n, &beta, n) == 0 else { return nil }
    var logDetRX = 0.0
    for j in 0..<p { logDetRX += 2 * Foundation.log(factor[j + j * p]) }
    var inverse = factor
    guard LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, n, &inverse, n) == 0 else { return nil }
    var cBetaSquared = 0.0
    for j in 0..<p { cBetaSquared += rhs[j] * beta[j] }
    let r2 = yTy - sums.cc - cBetaSquared
    let observations = Double(data.observationCount)
    guard r2 > 0, r2.isFinite else { return nil }
    let logDetL = sums.logDeterminant
    let twoPi = 2 * Double.pi
    let deviance: Double
    let sigma: Double
    switch spec.criterion {
    case .ml:
      deviance = logDetL + observations * (1 + Foundation.log(twoPi * r2 / observations))
      sigma = (r2 / observations).squareRoot()
    case .reml:
      let dof = observations - Double(p)
      deviance = logDetL + logDetRX + dof * (1 + Foundation.log(twoPi * r2 / dof))
      sigma = (r2 / dof).squareRoot()
    }
    // dpotri fills the lower triangle only.
    let covariance = (0..<p).map { i in (0..<p).map { j in i >= j ? inverse[i + j * p] : inverse[j + i * p] } }
    return DevianceEvaluation(
      theta: theta, deviance: deviance, penalisedResidualSumOfSquares: r2, logDeterminantL: logDetL,
      logDeterminantRX: logDetRX, beta: beta, unscaledCovariance: covariance, sigma: sigma)
  }
}
