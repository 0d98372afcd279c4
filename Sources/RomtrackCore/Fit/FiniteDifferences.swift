// Derivatives for the growth model's Newton polish and its convergence checks (METHODS.md section 4).

import Foundation

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
