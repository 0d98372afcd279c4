// Ordinary least squares with a cluster-robust (sandwich) covariance, from sums.
//
//   β̂ = (X'X)⁻¹ X'y,   V̂ = c (X'X)⁻¹ [Σ_g u_g u_g'] (X'X)⁻¹,   u_g = X_g'e_g = Σ_{i in g} x_i e_i,
//   c = G/(G - 1) · (N - 1)/(N - K)
//
// with N observations, K regressors and G clusters: the CR1 estimator (Liang & Zeger 1986; Cameron &
// Miller 2015, "A practitioner's guide to cluster-robust inference", J. Human Resources 50(2),
// section II.C), with the small-sample factor c that Stata's `vce(cluster)` and statsmodels'
// `OLS.fit(cov_type='cluster')` apply by default (statsmodels `sandwich_covariance.cov_cluster`,
// `use_correction=True`).
//
// The caller makes two passes over its rows: the first sums X'X and X'y (`solve` then gives β̂ and
// the bread (X'X)⁻¹), the second forms each cluster's score vector u_g from the residuals and hands it
// to `ClusterScores`, which adds u_g u_g' to the meat by dsyrk, a block of clusters at a time.
//
// The normal equations are solved on LAPACK after equilibration: with D = diag(X'X)^(-1/2), the
// Cholesky factor of D X'X D (dpotrf) gives β̂ = D (D X'X D)⁻¹ D X'y (dpotrs) and the bread
// (X'X)⁻¹ = D (D X'X D)⁻¹ D (dpotri). Equilibration removes the part of the condition number that
// comes only from the columns' scales, and the reciprocal condition estimate (dpocon) of the
// equilibrated matrix is the test of a singular design.

import _OpenBLAS

/// Why least squares could not be solved.
enum LeastSquaresFailure: Error, Equatable, Sendable {
  /// Column j is zero in every row.
  case zeroColumn(Int)
  /// The columns are linearly dependent, or so nearly that the reciprocal condition number of the
  /// equilibrated X'X falls below `ClusterRobustRegression.minimumReciprocalCondition`.
  case collinear
}

/// The solved normal equations.
struct LeastSquares: Sendable, Equatable {
  /// β̂.
  var coefficients: [Double]
  /// (X'X)⁻¹, K x K, column-major, both triangles filled.
  var bread: [Double]
  /// Reciprocal condition number (1-norm estimate) of the equilibrated X'X.
  var reciprocalCondition: Double
}

enum ClusterRobustRegression {
  /// Below this the design counts as singular: about 10⁴ units of roundoff, where β̂ would keep
  /// fewer than four significant digits.
  static let minimumReciprocalCondition = 1e-12

  /// Solves `X'X β = X'y` (`xtx` K x K column-major, both triangles).
  static func solve(xtx: [Double], xty: [Double]) -> Result<LeastSquares, LeastSquaresFailure> {
    let k = xty.count
    precondition(xtx.count == k * k)
    var scale = [Double](repeating: 0, count: k)
    for j in 0..<k {
      let diagonal = xtx[j + j * k]
      guard diagonal > 0, diagonal.isFinite else { return .failure(.zeroColumn(j)) }
      scale[j] = 1 / diagonal.squareRoot()
    }
    // D X'X D, with a unit diagonal, and its 1-norm for the condition estimate.
    var factor = [Double](repeating: 0, count: k * k)
    var norm = 0.0
    for j in 0..<k {
      var columnSum = 0.0
      for i in 0..<k {
        factor[i + j * k] = scale[i] * xtx[i + j * k] * scale[j]
        columnSum += abs(factor[i + j * k])
      }
      norm = max(norm, columnSum)
    }
    let order = Int32(k)
    let lower = CChar(UInt8(ascii: "L"))
    guard LAPACKE_dpotrf(LAPACK_COL_MAJOR, lower, order, &factor, order) == 0 else { return .failure(.collinear) }
    var reciprocalCondition = 0.0
    guard LAPACKE_dpocon(LAPACK_COL_MAJOR, lower, order, factor, order, norm, &reciprocalCondition) == 0,
      reciprocalCondition >= minimumReciprocalCondition
    else { return .failure(.collinear) }

    var beta = (0..<k).map { scale[$0] * xty[$0] }
    guard LAPACKE_dpotrs(LAPACK_COL_MAJOR, lower, order, 1, factor, order, &beta, order) == 0 else {
      return .failure(.collinear)
    }
    for j in 0..<k { beta[j] *= scale[j] }

    var bread = factor
    guard LAPACKE_dpotri(LAPACK_COL_MAJOR, lower, order, &bread, order) == 0 else { return .failure(.collinear) }
    // dpotri leaves the lower triangle; fill both and undo the equilibration.
    for j in 0..<k {
      for i in j..<k {
        let value = scale[i] * bread[i + j * k] * scale[j]
        bread[i + j * k] = value
        bread[j + i * k] = value
      }
    }
    return .success(LeastSquares(coefficients: beta, bread: bread, reciprocalCondition: reciprocalCondition))
  }

  /// `c · bread · meat · bread` with `c = G/(G-1) · (N-1)/(N-K)`: K x K, column-major, symmetric.
  static func covariance(bread: [Double], meat: [Double], observations n: Int, clusters g: Int) -> [Double] {
    let k = Int((Double(bread.count)).squareRoot())
    precondition(k * k == bread.count && meat.count == bread.count)
    let order = Int32(k)
    var half = [Double](repeating: 0, count: k * k)
    cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, order, order, 1, meat, order, bread, order, 0, &half, order)
    let groups = Double(g)
    let observations = Double(n)
    let correction = groups / (groups - 1) * (observations - 1) / (observations - Double(k))
    var covariance = [Double](repeating: 0, count: k * k)
    cblas_dgemm(
      CblasColMajor, CblasNoTrans, CblasNoTrans, order, order, order, correction, bread, order, half, order, 0,
      &covariance, order)
    // The two triangles differ only by rounding.
    for j in 0..<k {
      for i in (j + 1)..<k {
        let mean = (covariance[i + j * k] + covariance[j + i * k]) / 2
        covariance[i + j * k] = mean
        covariance[j + i * k] = mean
      }
    }
    return covariance
  }
}

/// The meat `Σ_g u_g u_g'` of the sandwich: cluster score vectors are collected as the rows of a block
/// (column-major, `blockRows` x K), and each full block is added by one dsyrk.
struct ClusterScores: Sendable {
  let regressorCount: Int
  static let blockRows = 2048
  private var block: [Double]
  private var rows = 0
  /// Lower triangle of Σ u_g u_g' so far (the rows still in the block not included).
  private var product: [Double]
  /// Clusters added.
  private(set) var count = 0

  init(regressorCount: Int) {
    self.regressorCount = regressorCount
    block = [Double](repeating: 0, count: ClusterScores.blockRows * regressorCount)
    product = [Double](repeating: 0, count: regressorCount * regressorCount)
  }

  /// Adds one cluster's score vector `u_g` (`regressorCount` values).
  mutating func add(_ score: UnsafeBufferPointer<Double>) {
    precondition(score.count == regressorCount)
    for i in 0..<regressorCount { block[rows + i * ClusterScores.blockRows] = score[i] }
    rows += 1
    count += 1
    if rows == ClusterScores.blockRows { flush() }
  }

  private mutating func flush() {
    guard rows > 0 else { return }
    let k = Int32(regressorCount)
    cblas_dsyrk(
      CblasColMajor, CblasLower, CblasTrans, k, Int32(rows), 1, block, Int32(ClusterScores.blockRows), 1, &product, k)
    rows = 0
  }

  /// Σ u_g u_g', K x K column-major, both triangles.
  mutating func finish() -> [Double] {
    flush()
    let k = regressorCount
    var result = product
    for j in 0..<k {
      for i in (j + 1)..<k { result[j + i * k] = result[i + j * k] }
    }
    return result
  }
}
