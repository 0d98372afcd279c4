// The six sums a straight-line fit needs, gathered in one pass over a series.

/// Running sums of one series for the least-squares line `score = a + b x`: the count `n` and
/// `Σx, Σy, Σx², Σxy, Σy²`, with `x` the time regressor (session, weeks, or their logarithm) and `y`
/// the score.
///
/// **Shifted sums.** The sums are of `x - x₀` and `y - y₀`, where `(x₀, y₀)` is the first point added
/// (the shift). Centred moments such as `Sxx = Σ(x - x̄)²` are then `Σx'² - (Σx')²/n`, a difference
/// whose rounding error is proportional to `Σx'²` rather than to `Σx²`. Without the shift, a series
/// whose times are large compared with their spread (weeks counted from 1970, or an OQ-45 of 110 ± 2)
/// would lose about `2 log10(x̄ / sd)` digits to cancellation; with it, `|x̄ - x₀|` is at most the range of
/// the data, so the loss is bounded by a small constant for any series a clinic produces (the "shifted
/// data" algorithm of Chan, Golub & LeVeque 1983, Am. Stat. 37:242-247). This is chosen over Welford's
/// updating (one division per point) because it costs two subtractions per point, keeps the six sums of
/// METHODS.md section 3 as they are, and needs no branch after the first point.
///
/// Missing scores (NaN) are skipped by `add`, so a series' slice can be passed as it is.
///
/// Units: `x` in the time axis' unit, `y` in score points; `Sxy` in points × time, and so on.
public struct SufficientStatistics: Sendable, Equatable {
  /// Number of points added, `n`.
  public private(set) var count: Int = 0
  /// The shift `x₀`: the time of the first point added (0 while empty).
  public private(set) var timeOrigin: Double = 0
  /// The shift `y₀`: the score of the first point added (0 while empty).
  public private(set) var scoreOrigin: Double = 0
  /// `Σ(x - x₀)`.
  public private(set) var sumTime: Double = 0
  /// `Σ(y - y₀)`.
  public private(set) var sumScore: Double = 0
  /// `Σ(x - x₀)²`.
  public private(set) var sumTimeSquared: Double = 0
  /// `Σ(x - x₀)(y - y₀)`.
  public private(set) var sumTimeScore: Double = 0
  /// `Σ(y - y₀)²`.
  public private(set) var sumScoreSquared: Double = 0

  /// No points.
  public init() {}

  /// Sums gathered elsewhere (a fused loop that fills two regressors' sums at once): all of them are of
  /// values shifted by the origins, as the stored properties are.
  init(
    count: Int, timeOrigin: Double, scoreOrigin: Double, sumTime: Double, sumScore: Double,
    sumTimeSquared: Double, sumTimeScore: Double, sumScoreSquared: Double
  ) {
    self.count = count
    self.timeOrigin = timeOrigin
    self.scoreOrigin = scoreOrigin
    self.sumTime = sumTime
    self.sumScore = sumScore
    self.sumTimeSquared = sumTimeSquared
    self.sumTimeScore = sumTimeScore
    self.sumScoreSquared = sumScoreSquared
  }

  /// The sums of the points `(time[i], score[i])`, skipping missing scores; `time` and `score` are
  /// read pairwise from their starts and must have the same length.
  public init(time: some Collection<Double>, score: some Collection<Double>) {
    precondition(time.count == score.count, "time and score must pair up")
    for (x, y) in zip(time, score) { add(time: x, score: y) }
  }

  /// Adds one point. A NaN score (missing) is skipped; a NaN or infinite time is the caller's error
  /// and makes every result NaN.
  public mutating func add(time x: Double, score y: Double) {
    if y.isNaN { return }
    if count == 0 {
      timeOrigin = x
      scoreOrigin = y
    }
    let dx = x - timeOrigin
    let dy = y - scoreOrigin
    count += 1
    sumTime += dx
    sumScore += dy
    sumTimeSquared += dx * dx
    sumTimeScore += dx * dy
    sumScoreSquared += dy * dy
  }

  // MARK: - Moments

  /// `x̄`, the mean time; NaN while empty.
  public var meanTime: Double { timeOrigin + sumTime / Double(count) }

  /// `ȳ`, the mean score; NaN while empty.
  public var meanScore: Double { scoreOrigin + sumScore / Double(count) }

  /// `Sxx = Σ(x - x̄)²`, the spread of the times (time² units). Exactly 0 when all times are equal
  /// (every shifted time is then exactly 0); never negative.
  public var timeSumOfSquares: Double {
    guard count > 0 else { return 0 }
    return max(0, sumTimeSquared - sumTime * sumTime / Double(count))
  }

  /// `Sxy = Σ(x - x̄)(y - ȳ)` (points × time units).
  public var crossProducts: Double {
    guard count > 0 else { return 0 }
    return sumTimeScore - sumTime * sumScore / Double(count)
  }

  /// `Syy = Σ(y - ȳ)²` (points²); never negative.
  public var scoreSumOfSquares: Double {
    guard count > 0 else { return 0 }
    return max(0, sumScoreSquared - sumScore * sumScore / Double(count))
  }

  /// The least-squares slope `b = Sxy / Sxx` (points per unit of time); NaN when `Sxx = 0`.
  public var slope: Double { leastSquares?.slope ?? .nan }

  /// The residual sum of squares of the least-squares line, `RSS = Syy - Sxy² / Sxx` (points²); NaN
  /// when `Sxx = 0`. See `leastSquares` for its rounding floor.
  public var residualSumOfSquares: Double { leastSquares?.residualSumOfSquares ?? .nan }

  /// The least-squares line through the points, each moment computed once (this is what the fits call
  /// for every series):
  /// - `slope b = Sxy / Sxx`, `intercept a = ȳ - b x̄` (in the original, unshifted units);
  /// - `residualSumOfSquares = Syy - b Sxy` (`= Syy - Sxy² / Sxx`);
  /// - `timeSumOfSquares = Sxx`.
  ///
  /// `nil` with fewer than 2 points or `Sxx = 0` (all times equal). `residualSumOfSquares` is NaN
  /// when `Σ(y - y₀)²` or the result is not a finite number (scores near the square root of the
  /// largest double, e.g. 0, 1e200, 0): it is then unknown, not 0.
  ///
  /// Rounding: `Syy - b Sxy` subtracts two nearly equal numbers when the points lie almost on a line,
  /// so its rounding error is about `n ε Σ(y - y₀)²`; a result below `16 (n + 2) ε Σ(y - y₀)²`
  /// (ε = 2.2e-16) cannot be told from rounding and is returned as 0: the points lie on a line as far as
  /// double precision can tell. Real scores are whole or half points, whose residuals are many orders
  /// of magnitude above that floor.
  public var leastSquares:
    (intercept: Double, slope: Double, residualSumOfSquares: Double, timeSumOfSquares: Double)?
  {
    guard count >= 2 else { return nil }
    let inverseCount = 1 / Double(count)
    let meanShiftedTime = sumTime * inverseCount
    let meanShiftedScore = sumScore * inverseCount
    let sxx = max(0, sumTimeSquared - sumTime * meanShiftedTime)
    guard sxx > 0 else { return nil }
    let sxy = sumTimeScore - sumTime * meanShiftedScore
    let syy = max(0, sumScoreSquared - sumScore * meanShiftedScore)
    let slope = sxy / sxx
    let rss = syy - slope * sxy
    let floor = 16 * Double(count + 2) * Double.ulpOfOne * sumScoreSquared
    let intercept = (scoreOrigin + meanShiftedScore) - slope * (timeOrigin + meanShiftedTime)
    guard sumScoreSquared.isFinite, rss.isFinite else { return (intercept, slope, .nan, sxx) }
    return (intercept, slope, rss > floor ? rss : 0, sxx)
  }
}
