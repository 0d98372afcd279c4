// The pass of the profiled deviance (ProfiledDeviance.swift) over the groups, at one θ.
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

extension ProfiledDeviance {
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
