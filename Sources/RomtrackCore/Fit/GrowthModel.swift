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
// One evaluation is one pass over the groups' design classes (`DesignClasses`: groups with the same
// Z_i'Z_i pooled, since M_i and P_i below are the same for all of them) plus one p x p factorisation.
// The pass needs only the products of the factor, never the factor itself: with
// M_i = L_iL_i' = Λ'Z_i'Z_iΛ + I, P_i = Λ'Z_i'Z_i and u_i = Λ'Z_i'y_i,
//   R_i'R_i = P_i'M_i⁻¹P_i,  R_i'c_u,i = P_i'M_i⁻¹u_i,  ||c_u,i||² = u_i'M_i⁻¹u_i,  det(L_iL_i') = det M_i,
// and M_i⁻¹ = adj(M_i)/det M_i for a 2 x 2 block: about 80 floating-point operations and one division
// per class, no square root, no allocation. The explicit factor L_i is formed only once, for the
// conditional modes.

import Dispatch
import Foundation
import _OpenBLAS

// MARK: - Diagnostics

/// A check on a growth-model fit, graded as lme4 grades its checks (`lmerControl`'s `check.*`).
/// Messages and warnings travel on the fit (`GrowthModelFit.diagnostics`); errors stop the fit
/// (`GrowthModelFailure`).
public struct GrowthModelDiagnostic: Sendable, Equatable, Codable {
  /// What was found; the raw value is the stable code written to output files.
  public enum Code: String, Sendable, Equatable, Codable, CaseIterable {
    /// Fewer than 2 groups: no variance between groups can be estimated (error).
    case tooFewGroups = "too_few_groups"
    /// No more observations than random effects (`N <= 2 × groups`), lme4's `check.nobs.vs.nRE` (error).
    case tooFewObservations = "too_few_observations"
    /// The fixed effects are not estimable: `X'X` is singular, e.g. every score at one time, or one
    /// intake score for every group in a model with intake (error).
    case rankDeficientFixedEffects = "rank_deficient_fixed_effects"
    /// The deviance could not be evaluated at the starting value (error).
    case devianceNotFinite = "deviance_not_finite"
    /// Series with fewer than `minimumScores` usable scores were left out (message).
    case seriesLeftOut = "series_left_out"
    /// Non-missing scores without a value on the time axis were left out (message).
    case scoresWithoutTime = "scores_without_time"
    /// The estimate lies on the boundary: an SD of the random effects is 0 (θ₁ or θ₃ below the
    /// tolerance), so G is singular and a correlation is ±1 or undefined. The fit is valid but the
    /// model is more complex than the data support; lme4's `isSingular` (message, as in lme4).
    case singularFit = "singular_fit"
    /// The optimiser used its evaluation budget without meeting its stopping rule (warning).
    case notConverged = "not_converged"
    /// The scaled gradient at the optimum exceeds `gradientTolerance`, lme4's `check.conv.grad`
    /// (warning).
    case largeGradient = "large_gradient"
    /// The Hessian of the deviance at an interior optimum is not positive definite, lme4's
    /// `check.conv.hess` (warning).
    case hessianNotPositiveDefinite = "hessian_not_positive_definite"
  }

  /// How much a diagnostic matters: lme4's ignore / message / warning / error.
  public enum Level: String, Sendable, Equatable, Codable, Comparable, CaseIterable {
    case message
    case warning
    case error

    private var rank: Int {
      switch self {
      case .message: 0
      case .warning: 1
      case .error: 2
      }
    }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
  }

  public var code: Code
  public var level: Level
  /// One sentence with the numbers involved.
  public var detail: String

  public init(_ code: Code, _ level: Level, _ detail: String) {
    self.code = code
    self.level = level
    self.detail = detail
  }
}

/// A fit that could not be made: the error-level diagnostics, with any messages found before.
public struct GrowthModelFailure: Error, Sendable, Equatable, CustomStringConvertible {
  public var diagnostics: [GrowthModelDiagnostic]

  public init(diagnostics: [GrowthModelDiagnostic]) { self.diagnostics = diagnostics }

  public var description: String {
    diagnostics.filter { $0.level == .error }.map { $0.code.rawValue + ": " + $0.detail }.joined(separator: "; ")
  }
}

// MARK: - The deviance function

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

  // MARK: The pass over the design classes

  /// The sums of one pass: `Σ R_ZX'R_ZX`, `Σ R_ZX'c_u`, `Σ c_u'c_u` in the blocks that X = [Z, wZ]
  /// gives them (`R_ZX,i = [R_i, w_i R_i]` with `R_i = L_i⁻¹Λ'Z_i'Z_i`), and `log Π det(L_iL_i')`: for
  /// classes of one group as a running product kept as a significand and a binary exponent (so that a
  /// million factors neither overflow nor need a million logarithms), for larger classes as
  /// `Σ m log det M`.
  struct PassSums {
    var s00 = 0.0, s01 = 0.0, s11 = 0.0
    var ws00 = 0.0, ws01 = 0.0, ws11 = 0.0
    var wws00 = 0.0, wws01 = 0.0, wws11 = 0.0
    var t0 = 0.0, t1 = 0.0, wt0 = 0.0, wt1 = 0.0
    var cc = 0.0
    var determinant = 1.0
    var exponent = 0
    var pooledLogDeterminant = 0.0

    mutating func add(_ o: PassSums) {
      s00 += o.s00
      s01 += o.s01
      s11 += o.s11
      ws00 += o.ws00
      ws01 += o.ws01
      ws11 += o.ws11
      wws00 += o.wws00
      wws01 += o.wws01
      wws11 += o.wws11
      t0 += o.t0
      t1 += o.t1
      wt0 += o.wt0
      wt1 += o.wt1
      cc += o.cc
      determinant *= o.determinant
      exponent += o.exponent + Int(determinant.exponent)
      determinant = determinant.significand
      pooledLogDeterminant += o.pooledLogDeterminant
    }

    var logDeterminant: Double {
      Foundation.log(determinant) + Double(exponent) * M_LN2 + pooledLogDeterminant
    }
  }

  /// One group's 2 x 2 Cholesky factorisation at θ = (a, b, c): `L` and the rows of `R = L⁻¹Λ'Z'Z`
  /// and `c = L⁻¹Λ'Z'y`, for the conditional modes (the deviance pass uses the adjugate instead).
  @usableFromInline
  struct GroupFactor {
    var l00: Double, l10: Double, l11: Double
    var r00: Double, r01: Double, r10: Double, r11: Double
    var c0: Double, c1: Double
    var determinant: Double

    @inline(__always)
    init(a: Double, b: Double, c: Double, n: Double, st: Double, stt: Double, sy: Double, sty: Double) {
      // P = Λ'Z'Z; M = PΛ + I = L L'.
      let p00 = a * n + b * st
      let p01 = a * st + b * stt
      let p10 = c * st
      let p11 = c * stt
      let m00 = p00 * a + p01 * b + 1
      let m01 = p01 * c
      let m11 = p11 * c + 1
      l00 = m00.squareRoot()
      let i00 = 1 / l00
      l10 = m01 * i00
      let schur = m11 - l10 * l10
      l11 = schur.squareRoot()
      let i11 = 1 / l11
      determinant = m00 * schur
      r00 = p00 * i00
      r01 = p01 * i00
      r10 = (p10 - l10 * r00) * i11
      r11 = (p11 - l10 * r01) * i11
      let u0 = a * sy + b * sty
      let u1 = c * sty
      c0 = u0 * i00
      c1 = (u1 - l10 * c0) * i11
    }
  }

  /// The pass over all design classes at θ, split over `threads` when that pays.
  func pass(_ theta: [Double]) -> PassSums {
    let (a, b, c) = (theta[0], theta[1], theta[2])
    if threads <= 1 || chunks.count <= 1 {
      var total = PassSums()
      for chunk in chunks { total.add(passChunk(chunk, a: a, b: b, c: c)) }
      return total
    }
    let partials = ChunkSlots(count: chunks.count)
    let chunks = self.chunks
    let threads = self.threads
    DispatchQueue.concurrentPerform(iterations: threads) { k in
      for index in stride(from: k, to: chunks.count, by: threads) {
        partials.store(passChunk(chunks[index], a: a, b: b, c: c), at: index)
      }
    }
    var total = PassSums()
    for index in chunks.indices { total.add(partials.value(at: index)) }
    return total
  }

  /// The sums over the design classes of one chunk (the hot loop; see DesignClasses.swift for the
  /// formulas). With `D = det M` and `adj(M) = D M⁻¹`: `P'M⁻¹P = P'adj(M)P / D`,
  /// `P'M⁻¹Λ'r = P'adj(M)Λ'r / D` and `tr(M⁻¹X) = (m₁₁x₀₀ - 2m₀₁x₀₁ + m₀₀x₁₁) / D` for symmetric X:
  /// one division, no square root.
  func passChunk(_ range: Range<Int>, a: Double, b: Double, c: Double) -> PassSums {
    var s = PassSums()
    classes.classes.withUnsafeBufferPointer { classes in
      var determinant = 1.0
      var exponent = 0
      for k in range {
        let g = classes[k]
        // P = Λ'Z'Z, M = PΛ + I.
        let p00 = a * g.count + b * g.sumTime
        let p01 = a * g.sumTime + b * g.sumTimeSquared
        let p10 = c * g.sumTime
        let p11 = c * g.sumTimeSquared
        let m00 = p00 * a + p01 * b + 1
        let m01 = p01 * c
        let m11 = p11 * c + 1
        let det = m00 * m11 - m01 * m01
        let inverse = 1 / det
        // adj(M) P, and P'M⁻¹P, weighted by m, Σw and Σw².
        let a00 = m11 * p00 - m01 * p10
        let a01 = m11 * p01 - m01 * p11
        let a10 = m00 * p10 - m01 * p00
        let a11 = m00 * p11 - m01 * p01
        let q00 = (p00 * a00 + p10 * a10) * inverse
        let q01 = (p00 * a01 + p10 * a11) * inverse
        let q11 = (p01 * a01 + p11 * a11) * inverse
        s.s00 += g.groups * q00
        s.s01 += g.groups * q01
        s.s11 += g.groups * q11
        s.ws00 += g.intake * q00
        s.ws01 += g.intake * q01
        s.ws11 += g.intake * q11
        s.wws00 += g.intakeSquared * q00
        s.wws01 += g.intakeSquared * q01
        s.wws11 += g.intakeSquared * q11
        // P'M⁻¹Λ'r for r = Σ Z'y and Σ wZ'y.
        let u0 = a * g.score + b * g.timeScore
        let u1 = c * g.timeScore
        let z0 = m11 * u0 - m01 * u1
        let z1 = m00 * u1 - m01 * u0
        s.t0 += (p00 * z0 + p10 * z1) * inverse
        s.t1 += (p01 * z0 + p11 * z1) * inverse
        let wu0 = a * g.intakeScore + b * g.intakeTimeScore
        let wu1 = c * g.intakeTimeScore
        let wz0 = m11 * wu0 - m01 * wu1
        let wz1 = m00 * wu1 - m01 * wu0
        s.wt0 += (p00 * wz0 + p10 * wz1) * inverse
        s.wt1 += (p01 * wz0 + p11 * wz1) * inverse
        // tr(M⁻¹ Λ'SΛ).
        let x00 = a * (a * g.scoreScore + 2 * b * g.scoreTimeScore) + b * b * g.timeScoreTimeScore
        let x01 = c * (a * g.scoreTimeScore + b * g.timeScoreTimeScore)
        let x11 = c * c * g.timeScoreTimeScore
        s.cc += (m11 * x00 - 2 * m01 * x01 + m00 * x11) * inverse
        if g.groups == 1 {
          determinant *= det
          exponent += Int(determinant.exponent)
          determinant = determinant.significand
        } else {
          s.pooledLogDeterminant += g.groups * Foundation.log(det)
        }
      }
      s.determinant = determinant
      s.exponent = exponent
    }
    return s
  }
}

/// Partial sums written by several threads, one slot per chunk (each slot written by one thread only,
/// read after all threads have finished).
final class ChunkSlots: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<ProfiledDeviance.PassSums>

  init(count: Int) {
    slots = .allocate(capacity: count)
    slots.initialize(repeating: ProfiledDeviance.PassSums())
  }

  deinit { slots.deallocate() }

  func store(_ value: ProfiledDeviance.PassSums, at index: Int) { slots[index] = value }
  func value(at index: Int) -> ProfiledDeviance.PassSums { slots[index] }
}

// MARK: - Optimisation

/// How the optimiser went: lme4's `optinfo`.
public struct OptimizerReport: Sendable, Equatable, Codable {
  /// Deviance evaluations in all.
  public var evaluations: Int
  /// Of which by Nelder-Mead (including restarts).
  public var nelderMeadEvaluations: Int
  /// Nelder-Mead runs (the first and its restarts).
  public var nelderMeadRuns: Int
  /// Accepted Newton steps of the polish.
  public var newtonSteps: Int
  /// Whether both stages met their stopping rules within the budget.
  public var converged: Bool
  /// lme4's convergence measure at the optimum: `max_j min(|(H⁻¹g)_j|, |g_j|)`, with g and H the
  /// finite-difference gradient and Hessian of the deviance in θ (0 on the boundary).
  public var scaledGradient: Double
  /// Wall-clock seconds of the optimisation.
  public var seconds: Double
}

/// The growth model's stages as functions: data -> deviance function -> optimise -> result.
public enum GrowthModel {
  /// Fits the model of `spec` to `data`: checks, builds the deviance function, minimises it over θ,
  /// and assembles the result with its diagnostics.
  ///
  /// - Parameter instrument: the instrument's name, carried onto the result and its JSON file.
  /// - Throws: `GrowthModelFailure` with the error-level diagnostics when no fit can be made (fewer
  ///   than 2 groups, no more observations than random effects, rank-deficient fixed effects).
  public static func fit(
    _ data: GrowthModelData, spec: GrowthModelSpec, instrument: String = ""
  ) throws(GrowthModelFailure) -> GrowthModelFit {
    var diagnostics: [GrowthModelDiagnostic] = []
    if data.seriesTooShort > 0 {
      diagnostics.append(
        .init(
          .seriesLeftOut, .message,
          "\(data.seriesTooShort) of \(data.seriesConsidered) series had fewer than \(data.minimumScores) usable scores and were left out"
        ))
    }
    if data.scoresWithoutTime > 0 {
      let why = data.time == .weeks ? "had no date" : "had no session number of 1 or more"
      diagnostics.append(
        .init(.scoresWithoutTime, .message, "\(data.scoresWithoutTime) scores \(why) and were left out"))
    }
    guard data.groupCount >= 2 else {
      diagnostics.append(.init(.tooFewGroups, .error, "\(data.groupCount) groups; the model needs at least 2"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    guard data.observationCount > 2 * data.groupCount else {
      diagnostics.append(
        .init(
          .tooFewObservations, .error,
          "\(data.observationCount) observations for \(2 * data.groupCount) random effects; there must be more observations"
        ))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let deviance = ProfiledDeviance(data: data, spec: spec)
    guard deviance.evaluate([0, 0, 0]) != nil else {
      diagnostics.append(
        .init(
          .rankDeficientFixedEffects, .error,
          "the fixed effects \(spec.fixedEffectNames.joined(separator: ", ")) cannot all be estimated from these data"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let start = [1.0, 0, 1]
    guard deviance(start).isFinite else {
      diagnostics.append(.init(.devianceNotFinite, .error, "the deviance is not finite at θ = (1, 0, 1)"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    let optimum = optimise(deviance, start: start)
    guard let best = deviance.evaluate(optimum.theta) else {
      diagnostics.append(.init(.devianceNotFinite, .error, "the deviance is not finite at the optimum"))
      throw GrowthModelFailure(diagnostics: diagnostics)
    }
    return GrowthModelFit(
      deviance: deviance, evaluation: best, optimizer: optimum.report, singular: optimum.singular,
      hessianPositiveDefinite: optimum.hessianPositiveDefinite, diagnostics: diagnostics, instrument: instrument)
  }

  /// The result of `optimise`.
  public struct Optimum: Sendable {
    /// θ̂ in lme4's region (θ₁, θ₃ >= 0), diagonal entries below the singular tolerance set to 0
    /// where that does not raise the deviance.
    public var theta: [Double]
    public var deviance: Double
    public var report: OptimizerReport
    /// θ̂₁ or θ̂₃ below `singularTolerance`.
    public var singular: Bool
    /// Whether the finite-difference Hessian at θ̂ was positive definite (`true` on the boundary,
    /// where the check does not apply).
    public var hessianPositiveDefinite: Bool
  }

  /// Minimises the profiled deviance over θ.
  ///
  /// Stage 1, Nelder-Mead (Nelder & Mead 1965) with the dimension-adapted coefficients of Gao & Han
  /// (2012), over all of ℝ³ (see `ProfiledDeviance` on the symmetry that removes the bounds), to the
  /// loose `simplexTolerance`, restarted from its best vertex while a restart lowers the deviance.
  /// Stage 2, a damped Newton polish (`polish`) with finite-difference derivatives, which converges
  /// quadratically from there to `stepTolerance`. Where the interior polish does not settle within
  /// `newtonIterationsBeforeFaces` iterations, or ends
  /// with θ₃ or θ₁ near 0, the faces θ₃ = 0 and θ₁ = 0 are polished too (an active-set step): near a
  /// singular optimum the deviance is so flat across the face that the interior Hessian is lost in
  /// rounding, while on the face the problem is well conditioned. The lowest deviance wins; a face
  /// wins a tie within 1e-12 of the deviance, as the simpler model and as lme4's bounded optimiser
  /// would end. The derivatives of the final polish give lme4's convergence checks (scaled gradient,
  /// positive-definite Hessian), which are skipped on the boundary.
  ///
  /// Typical cost: 100 to 250 deviance evaluations.
  public static func optimise(_ f: ProfiledDeviance, start: [Double]) -> Optimum {
    let settings = f.spec.optimizer
    let clock = ContinuousClock()
    let began = clock.now
    var evaluations = 0
    let budget = settings.maximumEvaluations
    let objective: ([Double]) -> Double = { theta in
      evaluations += 1
      return f(theta)
    }

    // Stage 1: Nelder-Mead with restarts.
    var x = start
    var fx = objective(x)
    var runs = 0
    var simplexConverged = false
    var step = 0.25
    while evaluations < budget {
      runs += 1
      let run = NelderMead.minimise(
        objective, start: x, step: step, tolerance: settings.simplexTolerance,
        maximumEvaluations: budget - evaluations, evaluations: { evaluations })
      let improved = run.value < fx - settings.simplexTolerance * (1 + abs(fx))
      if run.value < fx {
        x = run.point
        fx = run.value
      }
      simplexConverged = run.converged
      if !improved || !run.converged || runs >= 8 { break }
      step = 0.05
    }
    let nelderMeadEvaluations = evaluations

    // Stage 2: Newton polish in the interior, then, where the interior polish did not settle or ended
    // near a face θ₃ = 0 or θ₁ = 0, on that face too; the lowest deviance wins, a face on a tie (within
    // the deviance's rounding), as the simpler model.
    var interior = polish(
      objective, from: x, value: fx, free: [0, 1, 2], settings: settings, budget: budget, used: { evaluations },
      iterations: settings.newtonIterationsBeforeFaces)
    var chosen = interior
    var onFace = false
    let size = max(1, interior.point.map(\.magnitude).max()!)
    let tie = 1e-12 * (1 + abs(interior.value))
    for face in [2, 0] where !interior.converged || abs(interior.point[face]) < settings.faceTolerance * size {
      var startFace = interior.point
      startFace[face] = 0
      if face == 0 {
        // With θ₁ = 0 only θ₂² + θ₃² matters: keep it as θ₃.
        startFace[2] = (startFace[1] * startFace[1] + startFace[2] * startFace[2]).squareRoot()
        startFace[1] = 0
      }
      let candidate = polish(
        objective, from: startFace, value: objective(startFace), free: face == 2 ? [0, 1] : [2], settings: settings,
        budget: budget, used: { evaluations }, iterations: settings.newtonIterations)
      if candidate.value <= chosen.value + tie {
        chosen = candidate
        onFace = true
      }
    }
    if !onFace && !interior.converged {
      // The interior is lower than either face: finish its polish.
      var resumed = polish(
        objective, from: interior.point, value: interior.value, free: [0, 1, 2], settings: settings, budget: budget,
        used: { evaluations }, iterations: settings.newtonIterations)
      resumed.steps += interior.steps
      interior = resumed
      chosen = interior
    }

    // Back into lme4's region: flip the signs the deviance does not see.
    var theta = chosen.point
    if theta[2] < 0 { theta[2] = -theta[2] }
    if theta[0] < 0 {
      theta[0] = -theta[0]
      theta[1] = -theta[1]
    }
    var value = chosen.value
    // Entries below the singular tolerance are set to 0 where that raises the deviance by less than
    // 1e-6 (or its rounding, if larger): a likelihood ratio of 1 - 5e-7, nothing a statistician would
    // call a difference, and the boundary estimate lme4's bounded optimiser reports. θ₃ first, then θ₁
    // (keeping θ₂² + θ₃² as θ₃), then θ₂ when a diagonal entry is 0.
    let negligible = max(1e-6, tie)
    for j in [2, 0, 1] where theta[j] != 0 && abs(theta[j]) < settings.singularTolerance {
      if j == 1 && theta[0] != 0 && theta[2] != 0 { continue }
      var trial = theta
      trial[j] = 0
      if j == 0 {
        trial[2] = (theta[1] * theta[1] + theta[2] * theta[2]).squareRoot()
        trial[1] = 0
      }
      let ft = objective(trial)
      if ft <= value + negligible {
        theta = trial
        value = ft
      }
    }
    let singular = theta[0] < settings.singularTolerance || theta[2] < settings.singularTolerance

    // lme4's checks: the scaled gradient and the Hessian, skipped on the boundary.
    var scaledGradient = 0.0
    var hessianPositiveDefinite = true
    if !singular && !onFace {
      let g = chosen.derivatives.gradient
      if let newton = SmallMatrix.choleskySolveHalf(chosen.derivatives.hessian, g) {
        scaledGradient = (0..<g.count).map { min(newton[$0].magnitude, g[$0].magnitude) }.max()!
      } else {
        hessianPositiveDefinite = false
        scaledGradient = g.map(\.magnitude).max()!
      }
    }
    let report = OptimizerReport(
      evaluations: evaluations, nelderMeadEvaluations: nelderMeadEvaluations, nelderMeadRuns: runs,
      newtonSteps: interior.steps + (onFace ? chosen.steps : 0), converged: simplexConverged && chosen.converged,
      scaledGradient: scaledGradient, seconds: began.duration(to: clock.now).seconds)
    return Optimum(
      theta: theta, deviance: value, report: report, singular: singular,
      hessianPositiveDefinite: hessianPositiveDefinite)
  }

  /// The end of a Newton polish.
  struct Polish {
    var point: [Double]
    var value: Double
    var steps: Int
    var converged: Bool
    /// Gradient and Hessian over the free coordinates at `point`.
    var derivatives: FiniteDifferences.Derivatives
  }

  /// Damped Newton steps over the coordinates `free` of θ (the others held), with finite-difference
  /// derivatives. A step `s = -(H + λ·max|H_jj|·I)⁻¹ g` is tried with Levenberg-Marquardt damping λ
  /// until the deviance does not rise; λ falls tenfold after a success and rises tenfold after a
  /// failure. Converged when a step changes no free coordinate by more than `stepTolerance` (relative
  /// to `max(1, |θ_j|)`), or when the step's predicted decrease `-(g's + s'Hs/2)` is below the
  /// deviance's rounding (`1e-13 (1 + |d|)`; the step is still taken when it does not raise the
  /// deviance), or when no step lowers the deviance although lme4's scaled gradient is already below
  /// `1e-3 * gradientTolerance`. Not converged after `iterations` derivative evaluations.
  static func polish(
    _ objective: ([Double]) -> Double, from start: [Double], value: Double, free: [Int],
    settings: GrowthModelSpec.Optimizer, budget: Int, used: () -> Int, iterations: Int
  ) -> Polish {
    var x = start
    var fx = value
    var steps = 0
    var damping = 0.0
    let d = free.count
    func derivatives() -> FiniteDifferences.Derivatives {
      FiniteDifferences.derivatives(
        { sub in
          var full = x
          for (k, j) in free.enumerated() { full[j] = sub[k] }
          return objective(full)
        }, at: free.map { x[$0] }, value: fx, relativeStep: settings.relativeStep)
    }
    var current = derivatives()
    let floor = 1e-13 * (1 + abs(value))
    for _ in 0..<iterations {
      let g = current.gradient
      let h = current.hessian
      let scale = max((0..<d).map { h[$0][$0].magnitude }.max()!, 1e-300)
      var accepted = false
      var tries = 0
      while tries < 12 && used() < budget {
        tries += 1
        guard let s = SmallMatrix.solveDamped(h, g, damping: damping * scale) else {
          damping = max(damping * 10, 1e-10)
          continue
        }
        let size = (0..<d).map { s[$0].magnitude / max(1, x[free[$0]].magnitude) }.max()!
        if size <= settings.stepTolerance {
          return Polish(point: x, value: fx, steps: steps, converged: true, derivatives: current)
        }
        var predicted = 0.0
        for k in 0..<d {
          predicted -= g[k] * s[k]
          for l in 0..<d { predicted -= 0.5 * s[k] * h[k][l] * s[l] }
        }
        var trial = x
        for (k, j) in free.enumerated() { trial[j] += s[k] }
        let ft = objective(trial)
        if predicted < floor {
          // At the rounding floor: this step is the last.
          if ft <= fx + floor {
            x = trial
            fx = min(fx, ft)
            steps += 1
          }
          return Polish(point: x, value: fx, steps: steps, converged: true, derivatives: current)
        }
        if ft <= fx {
          x = trial
          fx = ft
          accepted = true
          steps += 1
          damping = damping < 1e-8 ? 0 : damping / 10
          break
        }
        damping = max(damping * 10, 1e-10)
      }
      if !accepted {
        // No step lowers the deviance: at its rounding floor if the gradient is already negligible.
        let scaled = SmallMatrix.choleskySolveHalf(h, g).map { n in
          (0..<d).map { min(n[$0].magnitude, g[$0].magnitude) }.max()!
        }
        let settled = (scaled ?? .infinity) < 1e-3 * settings.gradientTolerance
        return Polish(point: x, value: fx, steps: steps, converged: settled, derivatives: current)
      }
      guard used() + 2 * d * d + 1 < budget else { break }
      current = derivatives()
    }
    return Polish(point: x, value: fx, steps: steps, converged: false, derivatives: current)
  }
}

// MARK: - Numerical helpers

/// Nelder-Mead simplex minimisation without bounds.
enum NelderMead {
  struct Run {
    var point: [Double]
    var value: Double
    var converged: Bool
  }

  /// Minimises `f` from `start` with an initial simplex of `start` and `start + step_j e_j`
  /// (`step_j = step * max(|x_j|, 1)`), reflection 1, expansion `1 + 2/n`, contraction
  /// `0.75 - 1/(2n)`, shrink `1 - 1/n` (Gao & Han 2012, Comput. Optim. Appl. 51:259-277).
  /// Stops when the vertices' values differ by at most `tolerance * (1 + |f_best|)` and the simplex is
  /// smaller than `sqrt(tolerance)` relative to the best point, or after `maximumEvaluations`.
  static func minimise(
    _ f: ([Double]) -> Double, start: [Double], step: Double, tolerance: Double, maximumEvaluations: Int,
    evaluations: () -> Int
  ) -> Run {
    let n = start.count
    let dimension = Double(n)
    let expansion = 1 + 2 / dimension
    let contraction = 0.75 - 1 / (2 * dimension)
    let shrink = 1 - 1 / dimension
    let first = evaluations()
    var points = [start]
    for j in 0..<n {
      var p = start
      p[j] += step * max(abs(start[j]), 1)
      points.append(p)
    }
    var values = points.map(f)
    let sizeTolerance = tolerance.squareRoot()
    while true {
      let order = values.indices.sorted { values[$0] < values[$1] }
      points = order.map { points[$0] }
      values = order.map { values[$0] }
      let best = values[0]
      let worst = values[n]
      let spread = (1...n).map { k in
        (0..<n).map { abs(points[k][$0] - points[0][$0]) / max(1, abs(points[0][$0])) }.max()!
      }.max()!
      if worst - best <= tolerance * (1 + abs(best)) && spread <= sizeTolerance {
        return Run(point: points[0], value: best, converged: true)
      }
      if evaluations() - first >= maximumEvaluations {
        return Run(point: points[0], value: best, converged: false)
      }
      var centroid = [Double](repeating: 0, count: n)
      for k in 0..<n { for j in 0..<n { centroid[j] += points[k][j] / dimension } }
      func along(_ factor: Double) -> [Double] {
        (0..<n).map { centroid[$0] + factor * (centroid[$0] - points[n][$0]) }
      }
      let reflected = along(1)
      let fr = f(reflected)
      if fr < best {
        let expanded = along(expansion)
        let fe = f(expanded)
        if fe < fr {
          points[n] = expanded
          values[n] = fe
        } else {
          points[n] = reflected
          values[n] = fr
        }
      } else if fr < values[n - 1] {
        points[n] = reflected
        values[n] = fr
      } else {
        let outside = fr < worst
        let contracted = along(outside ? contraction : -contraction)
        let fc = f(contracted)
        if fc < (outside ? fr : worst) {
          points[n] = contracted
          values[n] = fc
        } else {
          for k in 1...n {
            points[k] = (0..<n).map { points[0][$0] + shrink * (points[k][$0] - points[0][$0]) }
            values[k] = f(points[k])
          }
        }
      }
    }
  }
}

/// Finite-difference derivatives of a function of a few variables.
enum FiniteDifferences {
  struct Derivatives {
    var gradient: [Double]
    var hessian: [[Double]]
  }

  /// Gradient and Hessian with steps `h_j = relativeStep * max(|x_j|, 0.1)`: central differences
  /// `g_j = (f(x + h_j) - f(x - h_j)) / 2h_j` and `H_jj = (f(x + h_j) - 2f(x) + f(x - h_j)) / h_j²`
  /// (errors O(h²)), and forward cross differences
  /// `H_jk = (f(x + h_j + h_k) - f(x + h_j) - f(x + h_k) + f(x)) / (h_j h_k)` (error O(h), ample for
  /// a Newton step). `2d + d(d-1)/2` evaluations besides `f(x)`: 9 for d = 3.
  static func derivatives(_ f: ([Double]) -> Double, at x: [Double], value: Double, relativeStep: Double) -> Derivatives
  {
    let n = x.count
    let h = x.map { relativeStep * max(abs($0), 0.1) }
    func shifted(_ moves: [(Int, Double)]) -> Double {
      var p = x
      for (j, d) in moves { p[j] += d }
      return f(p)
    }
    var gradient = [Double](repeating: 0, count: n)
    var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    var up = [Double](repeating: 0, count: n)
    for j in 0..<n {
      up[j] = shifted([(j, h[j])])
      let down = shifted([(j, -h[j])])
      gradient[j] = (up[j] - down) / (2 * h[j])
      hessian[j][j] = (up[j] - 2 * value + down) / (h[j] * h[j])
    }
    for j in 0..<n {
      for k in (j + 1)..<n {
        let both = shifted([(j, h[j]), (k, h[k])])
        hessian[j][k] = (both - up[j] - up[k] + value) / (h[j] * h[k])
        hessian[k][j] = hessian[j][k]
      }
    }
    return Derivatives(gradient: gradient, hessian: hessian)
  }
}

/// Cholesky solves for the small (at most 3 x 3) systems of the optimiser.
enum SmallMatrix {
  /// The lower Cholesky factor of a symmetric matrix, or `nil` when it is not positive definite.
  static func cholesky(_ a: [[Double]]) -> [[Double]]? {
    let n = a.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for j in 0..<n {
      var d = a[j][j]
      for k in 0..<j { d -= l[j][k] * l[j][k] }
      guard d > 0, d.isFinite else { return nil }
      l[j][j] = d.squareRoot()
      for i in (j + 1)..<n {
        var s = a[i][j]
        for k in 0..<j { s -= l[i][k] * l[j][k] }
        l[i][j] = s / l[j][j]
      }
    }
    return l
  }

  /// The damped Newton step `s = -(H + λI)⁻¹ g`, or `nil` when `H + λI` is not positive definite.
  static func solveDamped(_ h: [[Double]], _ g: [Double], damping: Double) -> [Double]? {
    var a = h
    for j in a.indices { a[j][j] += damping }
    guard let l = cholesky(a) else { return nil }
    let n = g.count
    var y = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var s = -g[i]
      for k in 0..<i { s -= l[i][k] * y[k] }
      y[i] = s / l[i][i]
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = y[i]
      for k in (i + 1)..<n { s -= l[k][i] * x[k] }
      x[i] = s / l[i][i]
    }
    return x
  }

  /// lme4's scaled gradient `R⁻¹ g` with `H = R'R` (R = L'), or `nil` when H is not positive definite.
  static func choleskySolveHalf(_ h: [[Double]], _ g: [Double]) -> [Double]? {
    guard let l = cholesky(h) else { return nil }
    let n = g.count
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
      var s = g[i]
      for k in (i + 1)..<n { s -= l[k][i] * x[k] }
      x[i] = s / l[i][i]
    }
    return x
  }
}
