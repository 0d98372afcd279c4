// The optimiser of the growth model (METHODS.md section 4): minimises the profiled deviance over θ
// (Nelder-Mead, then a Newton polish, then lme4's checks of the optimum), lme4's `optimizeLmer` and
// `checkConv`.

import Foundation

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

extension GrowthModel {
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
}
