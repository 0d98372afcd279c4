// The first stage of the growth model's optimiser (METHODS.md section 4).

import Foundation

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
