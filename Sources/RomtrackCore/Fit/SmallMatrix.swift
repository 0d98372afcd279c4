// Linear algebra of the growth model's optimiser (METHODS.md section 4).

import Foundation

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
