// The second stage of the growth model's optimiser (METHODS.md section 4): damped Newton steps with
// finite-difference derivatives from the point Nelder-Mead found.

import Foundation

extension GrowthModel {
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
