// Per-series trajectories (METHODS.md section 3): a straight line and a log-linear curve through each
// series' scores, fitted by ordinary least squares from the series' sufficient statistics.
//
// `TrajectoryRule` is the specification (time axis, confidence level); `TrajectoryFit` is the result of
// one series, with its diagnostics. The rule reads the series table and writes one fit per series in a
// single pass over the scores, without allocating per series.

import Foundation

// MARK: - Diagnostics

/// Something about a series' trajectory a reader should know: why a fit is missing or partial.
///
/// The raw value is the stable machine-readable code written to the output files.
public enum TrajectoryDiagnostic: String, Sendable, CaseIterable {
  /// Fewer than 2 usable scores: no line can be fitted.
  case tooFewScores = "too_few_scores"
  /// All usable scores share one time (`Sxx = 0`): the slope is undefined.
  case zeroTimeVariance = "zero_time_variance"
  /// Exactly 2 scores: the line passes through both, so the slope is exact and has no standard error
  /// or confidence interval (0 residual degrees of freedom).
  case noStandardError = "no_standard_error"
  /// Time axis `weeks`: some scores had no date and were left out of the fit.
  case undatedScoresSkipped = "undated_scores_skipped"
  /// The log-linear fit was left out: some score's time has no logarithm (a session numbered 0, or a
  /// date more than a week before the series' first score).
  case logTimeUndefined = "log_time_undefined"
  /// Scores so large that a sum of squares, the slope or its standard error overflows double
  /// precision (e.g. 0, 1e200, 0): what overflowed is left missing rather than written as 0 or ±inf.
  case nonFiniteFit = "non_finite_fit"

  /// How much a diagnostic matters, as lme4 grades its checks.
  public enum Level: String, Sendable, Comparable {
    /// Expected in routine data (a series with one score); shown in the output, never alarming.
    case message
    /// Unusual data that the reader should look at.
    case warning

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs == .message && rhs == .warning }
  }

  /// `message` for what routine data produces (`too_few_scores`, `no_standard_error`), `warning` for
  /// the rest.
  public var level: Level {
    switch self {
    case .tooFewScores, .noStandardError: .message
    case .zeroTimeVariance, .undatedScoresSkipped, .logTimeUndefined, .nonFiniteFit: .warning
    }
  }
}

/// A set of `TrajectoryDiagnostic`s, stored in one byte so that a million fits carry them cheaply.
public struct TrajectoryDiagnostics: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8

  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public init(_ diagnostic: TrajectoryDiagnostic) {
    let position = TrajectoryDiagnostic.allCases.firstIndex(of: diagnostic)!
    rawValue = 1 << UInt8(position)
  }

  public static let tooFewScores = Self(.tooFewScores)
  public static let zeroTimeVariance = Self(.zeroTimeVariance)
  public static let noStandardError = Self(.noStandardError)
  public static let undatedScoresSkipped = Self(.undatedScoresSkipped)
  public static let logTimeUndefined = Self(.logTimeUndefined)
  public static let nonFiniteFit = Self(.nonFiniteFit)

  /// The diagnostics in the set, in declaration order.
  public var diagnostics: [TrajectoryDiagnostic] {
    TrajectoryDiagnostic.allCases.filter { contains(Self($0)) }
  }

  /// The codes joined with `;` (`too_few_scores;undated_scores_skipped`), empty when there are none.
  public var codes: String { diagnostics.map(\.rawValue).joined(separator: ";") }

  /// The highest level among the diagnostics; `nil` when there are none.
  public var level: TrajectoryDiagnostic.Level? { diagnostics.map(\.level).max() }
}

// MARK: - Results

/// One least-squares line `score = intercept + slope * x`, with `x` the fit's regressor: the time
/// (linear fit) or its logarithm (log-linear fit).
///
/// - `slope` in points per unit of `x` (per session, per week, or per unit of `ln t`);
/// - `standardError = sqrt(s² / Sxx)` with `s² = RSS / (n - 2)`;
/// - `confidenceInterval = slope ± t_{1-α/2, n-2} * standardError` (95% by default).
///
/// Edge cases: with `n = 2` both standard error and interval are `nil` (the line is exact, 0 degrees of
/// freedom); with points exactly on a line they are 0 and the interval a single point. When the
/// residual sum of squares, the standard error or the interval's half-width is not a finite number
/// (scores near the largest double), both are `nil` and `TrajectoryFit` carries `non_finite_fit`.
/// Reference: any regression text, e.g. Draper & Smith (1998), Applied Regression Analysis, ch. 1.
public struct LineFit: Sendable, Equatable {
  /// `a`: the fitted score at `x = 0` (session 0, week 0, or `ln t = 0`, i.e. session 1 or week 0 for
  /// the log-linear fit), in points.
  public var intercept: Double
  /// `b`: points per unit of `x`. Negative means falling scores, which is improvement where lower is
  /// better (`dir = -1`).
  public var slope: Double
  /// `sqrt(s² / Sxx)`, in the slope's units; `nil` with 2 points.
  @NaNAsNil public var standardError: Double?
  /// The slope's confidence interval; `nil` with 2 points.
  public var confidenceInterval: ClosedRange<Double>? {
    get { intervalLow.isNaN ? nil : intervalLow...intervalHigh }
    set { (intervalLow, intervalHigh) = newValue.map { ($0.lowerBound, $0.upperBound) } ?? (.nan, .nan) }
  }
  /// The interval's bounds, NaN without one (two `Double`s, where the optional range took 24 bytes).
  private var intervalLow = Double.nan
  private var intervalHigh = Double.nan

  /// Equal lines: the same coefficients, and the same standard error and interval or neither.
  public static func == (a: LineFit, b: LineFit) -> Bool {
    a.intercept == b.intercept && a.slope == b.slope && a.standardError == b.standardError
      && a.confidenceInterval == b.confidenceInterval
  }

  public init(intercept: Double, slope: Double, standardError: Double?, confidenceInterval: ClosedRange<Double>?) {
    self.intercept = intercept
    self.slope = slope
    self.standardError = standardError
    self.confidenceInterval = confidenceInterval
  }

  /// A line known by its coefficients and the residual sum of squares of `count` points whose
  /// regressor has spread `timeSumOfSquares` (`Sxx`): works out the standard error and interval. Used
  /// by the sufficient-statistics route and by any route that finds the coefficients another way (a
  /// matrix product against a shared design).
  ///
  /// - Precondition: `count >= 2`, `timeSumOfSquares > 0`.
  public init(
    count: Int, intercept: Double, slope: Double, residualSumOfSquares: Double, timeSumOfSquares: Double,
    criticalValues: StudentT.CriticalValues
  ) {
    self.intercept = intercept
    self.slope = slope
    guard count >= 3 else {
      standardError = nil
      confidenceInterval = nil
      return
    }
    // NaN or infinite sums (scores near the largest double) give no standard error: `max(0, NaN)`
    // would have made it 0, and a NaN bound would make the interval an invalid range.
    let se = (max(0, residualSumOfSquares) / (Double(count - 2) * timeSumOfSquares)).squareRoot()
    let halfWidth = criticalValues.value(degreesOfFreedom: count - 2) * se
    let (low, high) = (slope - halfWidth, slope + halfWidth)
    guard residualSumOfSquares.isFinite, se.isFinite, low.isFinite, high.isFinite, low <= high else {
      standardError = nil
      confidenceInterval = nil
      return
    }
    standardError = se
    confidenceInterval = low...high
  }

  /// The least-squares line of the points summed in `statistics`, or `nil` with fewer than 2 points or
  /// no spread in time. The intercept is `ȳ - b x̄` in the original (unshifted) units.
  public init?(_ statistics: SufficientStatistics, criticalValues: StudentT.CriticalValues) {
    guard let line = statistics.leastSquares else { return nil }
    self.init(
      count: statistics.count, intercept: line.intercept, slope: line.slope,
      residualSumOfSquares: line.residualSumOfSquares, timeSumOfSquares: line.timeSumOfSquares,
      criticalValues: criticalValues)
  }
}

/// The trajectory of one series: its linear and log-linear fits and what went into them.
public struct TrajectoryFit: Sendable, Equatable {
  /// The time axis of both fits.
  public var time: AnalysisParameters.TrajectoryTime
  /// Scores used (missing scores, and undated ones on the weeks axis, are not).
  @CompactCount public var scoreCount: Int
  /// `score = a + b t`; `nil` with fewer than 2 scores or no spread in time.
  public var linear: LineFit?
  /// `score = a + b ln t` (session axis) or `score = a + b ln(1 + weeks)` (weeks axis); `nil` when the
  /// linear fit is, or when some time has no logarithm.
  public var logLinear: LineFit?
  /// Why a fit is missing or partial.
  public var diagnostics: TrajectoryDiagnostics

  public init(
    time: AnalysisParameters.TrajectoryTime, scoreCount: Int, linear: LineFit?, logLinear: LineFit?,
    diagnostics: TrajectoryDiagnostics
  ) {
    self.time = time
    self.scoreCount = scoreCount
    self.linear = linear
    self.logLinear = logLinear
    self.diagnostics = diagnostics
  }
}

// MARK: - The rule

/// How trajectories are fitted (METHODS.md section 3): the time axis and the confidence level. An
/// immutable specification; `fit` turns series into `TrajectoryFit`s.
///
/// Time `t` of a score:
/// - `session` (default): the session number. Log-linear regressor `ln t`, defined from session 1 on.
/// - `weeks`: `(date - date of the series' first dated score) / 7`, so 0 at the first score. Log-linear
///   regressor `ln(1 + t)`. Scores without a date are left out (`undated_scores_skipped`).
///
/// Both fits come from one pass over the series' scores that fills two `SufficientStatistics` (one for
/// `t`, one for its logarithm); missing scores are skipped. Each series costs O(n) with no allocation.
/// The log-linear form is the dose-effect curve of Howard et al. (1986), Am. Psychol. 41:159-164.
public struct TrajectoryRule: Sendable, Equatable {
  /// The time axis (`--time`).
  public let time: AnalysisParameters.TrajectoryTime
  /// The confidence level of the slope intervals, 0.95 by default.
  public let confidenceLevel: Double
  /// Two-sided critical t values for `1 - confidenceLevel`.
  public let criticalValues: StudentT.CriticalValues
  /// `ln s` for sessions `s = 1...logTable.count`, so the session axis needs no `log` call per score.
  @usableFromInline let logTable: [Double]

  /// - Parameters:
  ///   - time: the time axis, `session` by default.
  ///   - confidenceLevel: in (0, 1), 0.95 by default.
  public init(time: AnalysisParameters.TrajectoryTime = .session, confidenceLevel: Double = 0.95) {
    precondition(confidenceLevel > 0 && confidenceLevel < 1, "confidence level must lie in (0, 1)")
    self.time = time
    self.confidenceLevel = confidenceLevel
    criticalValues = StudentT.CriticalValues(twoSidedAlpha: 1 - confidenceLevel)
    logTable = (1...1024).map { Foundation.log(Double($0)) }
  }

  /// The rule of `parameters.trajectoryTime`, at 95%.
  public init(_ parameters: AnalysisParameters) {
    self.init(time: parameters.trajectoryTime)
  }

  /// One fit per series of `table`, in the table's order.
  public func fit(_ table: SeriesTable) -> [TrajectoryFit] {
    fit(session: table.session, date: table.date, score: table.score, series: table.series.lazy.map(\.scores))
  }

  /// One fit per range of `series`, each range a series' scores in the parallel columns `session`,
  /// `date` and `score` (as in `SeriesTable`). The columns are borrowed once for all series, so a
  /// series costs one pass over its scores and no allocation or reference counting. (Inlinable, so
  /// that the iteration over `series` is specialised for the caller's sequence type.)
  @inlinable
  public func fit(
    session: [Int32], date: [Int32], score: [Double], series: some Sequence<Range<Int>>
  ) -> [TrajectoryFit] {
    precondition(session.count == score.count && date.count == score.count, "columns must have equal length")
    var fits: [TrajectoryFit] = []
    fits.reserveCapacity(series.underestimatedCount)
    session.withUnsafeBufferPointer { sessions in
      date.withUnsafeBufferPointer { dates in
        score.withUnsafeBufferPointer { scores in
          logTable.withUnsafeBufferPointer { logs in
            for range in series {
              fits.append(
                fit(
                  session: UnsafeBufferPointer(rebasing: sessions[range]),
                  date: UnsafeBufferPointer(rebasing: dates[range]),
                  score: UnsafeBufferPointer(rebasing: scores[range]), logTable: logs))
            }
          }
        }
      }
    }
    return fits
  }

  /// The fit of one series of `table`.
  public func fit(series: Series, in table: SeriesTable) -> TrajectoryFit {
    fit(session: table.session[series.scores], date: table.date[series.scores], score: table.score[series.scores])
  }

  /// The fit of one series given as parallel slices of the series table's columns: `session[i]`,
  /// `date[i]` and `score[i]` describe one score (the slices must have equal length; their indices may
  /// differ). `date` is only read on the weeks axis, `session` only on the session axis.
  public func fit(session: ArraySlice<Int32>, date: ArraySlice<Int32>, score: ArraySlice<Double>) -> TrajectoryFit {
    precondition(session.count == score.count && date.count == score.count, "slices must have equal length")
    return session.withUnsafeBufferPointer { sessions in
      date.withUnsafeBufferPointer { dates in
        score.withUnsafeBufferPointer { scores in
          logTable.withUnsafeBufferPointer { logs in
            fit(session: sessions, date: dates, score: scores, logTable: logs)
          }
        }
      }
    }
  }

  /// The one pass over a series (the hot loop: no allocation, no reference counting).
  @usableFromInline
  func fit(
    session: UnsafeBufferPointer<Int32>, date: UnsafeBufferPointer<Int32>, score: UnsafeBufferPointer<Double>,
    logTable: UnsafeBufferPointer<Double>
  ) -> TrajectoryFit {
    var linear = SufficientStatistics()
    var logarithmic = SufficientStatistics()
    var diagnostics: TrajectoryDiagnostics = []
    var logDefined = true
    switch time {
    case .session:
      // Fused: the linear and the log-linear sums share n, Σy and Σy², and the first observed score
      // gives the shift of both, so the loop has no first-point branch.
      guard let first = score.firstIndex(where: { !$0.isNaN }) else { break }
      let t0 = Double(session[first])
      let y0 = score[first]
      let l0 = session[first] >= 1 ? Foundation.log(t0) : 0
      var n = 0
      var sumT = 0.0, sumTT = 0.0, sumTY = 0.0
      var sumL = 0.0, sumLL = 0.0, sumLY = 0.0
      var sumY = 0.0, sumYY = 0.0
      for i in first..<score.count {
        let y = score[i]
        if y.isNaN { continue }
        let t = session[i]
        let logT: Double
        if t >= 1 && Int(t) <= logTable.count {
          logT = logTable[Int(t) - 1]
        } else if t >= 1 {
          logT = Foundation.log(Double(t))
        } else {
          logDefined = false
          logT = l0
        }
        let dt = Double(t) - t0
        let dl = logT - l0
        let dy = y - y0
        n += 1
        sumT += dt
        sumTT += dt * dt
        sumTY += dt * dy
        sumL += dl
        sumLL += dl * dl
        sumLY += dl * dy
        sumY += dy
        sumYY += dy * dy
      }
      linear = SufficientStatistics(
        count: n, timeOrigin: t0, scoreOrigin: y0, sumTime: sumT, sumScore: sumY, sumTimeSquared: sumTT,
        sumTimeScore: sumTY, sumScoreSquared: sumYY)
      logarithmic = SufficientStatistics(
        count: n, timeOrigin: l0, scoreOrigin: y0, sumTime: sumL, sumScore: sumY, sumTimeSquared: sumLL,
        sumTimeScore: sumLY, sumScoreSquared: sumYY)
    case .weeks:
      var firstDate = ScoreRows.noDate
      for i in 0..<score.count {
        let y = score[i]
        if y.isNaN { continue }
        let day = date[i]
        if day == ScoreRows.noDate {
          diagnostics.insert(.undatedScoresSkipped)
          continue
        }
        if firstDate == ScoreRows.noDate { firstDate = day }
        let weeks = Double(Int64(day) - Int64(firstDate)) / 7
        linear.add(time: weeks, score: y)
        if weeks > -1 {
          logarithmic.add(time: Foundation.log1p(weeks), score: y)
        } else {
          logDefined = false
        }
      }
    }
    return finish(linear: linear, logarithmic: logDefined ? logarithmic : nil, diagnostics: diagnostics)
  }

  /// The fit from sums gathered elsewhere: `linear` over `(t, score)`, `logarithmic` over
  /// `(ln t, score)` (or `ln(1 + weeks)`), `nil` when some time had no logarithm. `diagnostics` carries
  /// what the caller found while summing (undated scores); the rest are added here.
  public func finish(
    linear: SufficientStatistics, logarithmic: SufficientStatistics?, diagnostics: TrajectoryDiagnostics = []
  ) -> TrajectoryFit {
    var diagnostics = diagnostics
    let n = linear.count
    var linearFit: LineFit? = nil
    var logFit: LineFit? = nil
    if n < 2 {
      diagnostics.insert(.tooFewScores)
    } else if let line = LineFit(linear, criticalValues: criticalValues) {
      linearFit = finite(line, count: n, diagnostics: &diagnostics)
      if n == 2 { diagnostics.insert(.noStandardError) }
      if let logarithmic {
        logFit = LineFit(logarithmic, criticalValues: criticalValues).flatMap { finite($0, count: n, diagnostics: &diagnostics) }
      } else {
        diagnostics.insert(.logTimeUndefined)
      }
    } else {
      diagnostics.insert(.zeroTimeVariance)
    }
    return TrajectoryFit(time: time, scoreCount: n, linear: linearFit, logLinear: logFit, diagnostics: diagnostics)
  }

  /// `line`, or `nil` when its intercept or slope is not a finite number; with `non_finite_fit` when
  /// either is, or when 3 or more points gave no standard error (`LineFit` found it not finite).
  private func finite(_ line: LineFit, count: Int, diagnostics: inout TrajectoryDiagnostics) -> LineFit? {
    guard line.intercept.isFinite, line.slope.isFinite else {
      diagnostics.insert(.nonFiniteFit)
      return nil
    }
    if count >= 3 && line.standardError == nil { diagnostics.insert(.nonFiniteFit) }
    return line
  }
}
