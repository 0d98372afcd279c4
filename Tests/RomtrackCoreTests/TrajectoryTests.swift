import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// Student's t critical values against published tables and scipy, and their properties.
@Suite struct StudentTTests {
  /// `|a - b| <= tolerance * max(1, |b|)`.
  static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
  }

  @Test func publishedTableValues() {
    // Two-sided 5% critical values as printed in Abramowitz & Stegun table 26.10 (6 decimals).
    let table: [(Double, Double)] = [
      (1, 12.706205), (2, 4.302653), (3, 3.182446), (4, 2.776445), (10, 2.228139), (30, 2.042272),
      (120, 1.979930),
    ]
    for (df, value) in table {
      #expect(abs(StudentT.criticalValue(degreesOfFreedom: df) - value) <= 5e-7, "df \(df)")
    }
  }

  @Test func agreesWithScipyTo1e9() {
    // python3 Tests/Reference/scripts/student_t_scipy.py, i.e. stats.t.ppf(q, df) for df in
    //   [1,2,3,4,5,10,30,120,1000,100000] and q in (0.975, 0.995, 0.95)   (scipy 1.17.1)
    let reference: [(df: Double, alpha: Double, value: Double)] = [
      (1, 0.05, 12.706204736174694), (1, 0.01, 63.656741162871526), (1, 0.10, 6.313751514675037),
      (2, 0.05, 4.302652729749462), (2, 0.01, 9.924843200918287), (2, 0.10, 2.9199855803537242),
      (3, 0.05, 3.1824463052837078), (3, 0.01, 5.840909309733355), (3, 0.10, 2.3533634348018233),
      (4, 0.05, 2.7764451051977934), (4, 0.01, 4.604094871349992), (4, 0.10, 2.1318467863266495),
      (5, 0.05, 2.5705818356363146), (5, 0.01, 4.032142983555228), (5, 0.10, 2.0150483733330233),
      (10, 0.05, 2.228138851986274), (10, 0.01, 3.16927267261695), (10, 0.10, 1.8124611228116756),
      (30, 0.05, 2.0422724563012378), (30, 0.01, 2.7499956535672254), (30, 0.10, 1.697260886593957),
      (120, 0.05, 1.9799304050824402), (120, 0.01, 2.6174211451068654), (120, 0.10, 1.6576508993552352),
      (1000, 0.05, 1.9623390808264083), (1000, 0.01, 2.580754698065951), (1000, 0.10, 1.6463788172854643),
      (100000, 0.05, 1.9599877075346095), (100000, 0.01, 2.575878469908375),
      (100000, 0.10, 1.6448688647849696),
      // python3 -c "from scipy import stats; print(repr(stats.t.ppf(0.975, 2.5)))": fractional df.
      (2.5, 0.05, 3.5746548420036817),
    ]
    for r in reference {
      let value = StudentT.criticalValue(degreesOfFreedom: r.df, twoSidedAlpha: r.alpha)
      #expect(Self.close(value, r.value), "df \(r.df), alpha \(r.alpha): \(value) vs \(r.value)")
    }
  }

  @Test func tailProbabilitiesAgreeWithScipy() {
    // python3 -c "from scipy import stats; print(repr(stats.t.sf(2.0, 7)*2), repr(stats.t.cdf(-1.3, 3.5)))"
    #expect(Self.close(StudentT.twoSidedTailProbability(2.0, degreesOfFreedom: 7), 0.08561932856297605, 1e-12))
    #expect(Self.close(StudentT.cumulativeProbability(-1.3, degreesOfFreedom: 3.5), 0.1362977079021851, 1e-12))
    #expect(StudentT.twoSidedTailProbability(0, degreesOfFreedom: 5) == 1)
    #expect(StudentT.twoSidedTailProbability(.infinity, degreesOfFreedom: 5) == 0)
    #expect(StudentT.twoSidedTailProbability(1, degreesOfFreedom: 0).isNaN)
  }

  @Test func closedFormsForOneAndTwoDegrees() async {
    // ν = 1 (Cauchy): t = cot(π α / 2). ν = 2: P(|T| >= t) = 1 - t / sqrt(2 + t²), so with q = 1 - α,
    // t = q sqrt(2 / (1 - q²)).
    await propertyCheck(input: Gen.double(in: 0.001...0.999)) { alpha in
      let cauchy = 1 / tan(Double.pi * alpha / 2)
      #expect(Self.close(StudentT.criticalValue(degreesOfFreedom: 1, twoSidedAlpha: alpha), cauchy))
      let q = 1 - alpha
      let two = q * (2 / (1 - q * q)).squareRoot()
      #expect(Self.close(StudentT.criticalValue(degreesOfFreedom: 2, twoSidedAlpha: alpha), two))
    }
  }

  @Test func symmetryAndRoundTrip() async {
    await propertyCheck(input: Gen.double(in: -40...40), Gen.double(in: 0.5...500)) { t, df in
      let below = StudentT.cumulativeProbability(t, degreesOfFreedom: df)
      let mirrored = StudentT.cumulativeProbability(-t, degreesOfFreedom: df)
      #expect(abs(below + mirrored - 1) <= 1e-14)
      #expect(below >= 0 && below <= 1)
    }
    await propertyCheck(input: Gen.double(in: 0.0001...0.9), Gen.double(in: 1...2000)) { alpha, df in
      let t = StudentT.criticalValue(degreesOfFreedom: df, twoSidedAlpha: alpha)
      #expect(abs(StudentT.twoSidedTailProbability(t, degreesOfFreedom: df) - alpha) <= 1e-12 * max(alpha, 1e-3))
    }
  }

  @Test func monotoneInDegreesOfFreedomAndAlpha() async {
    await propertyCheck(input: Gen.double(in: 1...300), Gen.double(in: 0.01...0.2)) { df, alpha in
      let t = StudentT.criticalValue(degreesOfFreedom: df, twoSidedAlpha: alpha)
      // More degrees of freedom: a thinner tail, a smaller critical value, bounded below by the normal.
      #expect(StudentT.criticalValue(degreesOfFreedom: df + 1, twoSidedAlpha: alpha) < t)
      // A larger alpha: a smaller critical value.
      #expect(StudentT.criticalValue(degreesOfFreedom: df, twoSidedAlpha: alpha * 1.1) < t)
    }
    // The normal limit: 1.959963984540054 (scipy.stats.norm.ppf(0.975)).
    let large = StudentT.criticalValue(degreesOfFreedom: 1e7)
    #expect(large > 1.959963984540054 && large - 1.959963984540054 < 1e-6)
  }

  @Test func invalidArguments() {
    #expect(StudentT.criticalValue(degreesOfFreedom: 0).isNaN)
    #expect(StudentT.criticalValue(degreesOfFreedom: 5, twoSidedAlpha: 0).isNaN)
    #expect(StudentT.criticalValue(degreesOfFreedom: 5, twoSidedAlpha: 1).isNaN)
    #expect(StudentT.CriticalValues().value(degreesOfFreedom: 0).isNaN)
  }

  @Test func tableMatchesDirectComputation() {
    let table = StudentT.CriticalValues(twoSidedAlpha: 0.05, maximumDegreesOfFreedom: 8)
    for df in [1, 4, 8, 9, 200] {
      #expect(table.value(degreesOfFreedom: df) == StudentT.criticalValue(degreesOfFreedom: Double(df)))
    }
  }
}

/// Per-series linear and log-linear fits (METHODS.md section 3).
@Suite struct TrajectoryTests {
  static let rule = TrajectoryRule()
  static let weeksRule = TrajectoryRule(time: .weeks)

  /// `|a - b| <= tolerance * scale`.
  static func close(_ a: Double?, _ b: Double, scale: Double = 1, _ tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(scale, abs(b))
  }

  static func fit(
    _ rule: TrajectoryRule = rule, sessions: [Int32], dates: [Int32]? = nil, scores: [Double]
  ) -> TrajectoryFit {
    let dates = dates ?? Array(repeating: ScoreRows.noDate, count: scores.count)
    return rule.fit(session: sessions[...], date: dates[...], score: scores[...])
  }

  // MARK: - Worked by hand

  @Test func handWorkedFiveSessions() throws {
    // t = 1...5, y = 20, 18, 17, 14, 12. t̄ = 3, ȳ = 16.2, Sxx = 10,
    // Sxy = (-2)(3.8) + (-1)(1.8) + 0 + (1)(-2.2) + (2)(-4.2) = -20, so b = -2 and a = 16.2 + 6 = 22.2.
    // Fitted 20.2, 18.2, 16.2, 14.2, 12.2; residuals -0.2, -0.2, 0.8, -0.2, -0.2; RSS = 0.8,
    // s² = 0.8 / 3, SE = sqrt(0.8 / 30) = 0.16329931618554522; t(0.975, 3) = 3.182446305283708,
    // half-width 0.5196912...
    let result = Self.fit(sessions: [1, 2, 3, 4, 5], scores: [20, 18, 17, 14, 12])
    let line = try #require(result.linear)
    #expect(Self.close(line.slope, -2))
    #expect(Self.close(line.intercept, 22.2))
    #expect(Self.close(line.standardError, (0.8 / 30).squareRoot()))
    let halfWidth = 3.1824463052837078 * (0.8 / 30).squareRoot()
    #expect(Self.close(line.confidenceInterval?.lowerBound, -2 - halfWidth))
    #expect(Self.close(line.confidenceInterval?.upperBound, -2 + halfWidth))
    #expect(result.scoreCount == 5)
    #expect(result.diagnostics.isEmpty)
  }

  @Test func twoScoresGiveAnExactSlopeWithoutError() throws {
    let result = Self.fit(sessions: [2, 6], scores: [21, 13])
    let line = try #require(result.linear)
    #expect(line.slope == -2)
    #expect(line.intercept == 25)
    #expect(line.standardError == nil && line.confidenceInterval == nil)
    #expect(result.diagnostics == .noStandardError)
    #expect(result.diagnostics.codes == "no_standard_error")
    #expect(result.diagnostics.level == .message)
  }

  // MARK: - Scores near the largest double

  @Test func overflowingSumsGiveNoStandardErrorAndADiagnostic() throws {
    // 0, 1e200, 0: the slope is exactly 0 (the series is symmetric about session 2), but the
    // residual sum of squares, 2e400 / 3, overflows: no standard error, no interval (it was 0
    // and [0, 0]), and non_finite_fit.
    let result = Self.fit(sessions: [1, 2, 3], scores: [0, 1e200, 0])
    let line = try #require(result.linear)
    #expect(line.slope == 0)
    #expect(line.standardError == nil && line.confidenceInterval == nil)
    #expect(result.diagnostics.contains(.nonFiniteFit))
    #expect(result.diagnostics.level == .warning)
    #expect(result.diagnostics.codes.contains("non_finite_fit"))
  }

  @Test func scoresNearTheLargestDoubleNeverTrap() {
    // 9e307 on a scale up to 1e308: differences overflow to infinity, and a NaN bound once made
    // the interval an invalid range (lowerBound > upperBound), which stopped the process.
    for scores in [[0, 9e307, 0, 9e307], [9e307, -9e307, 9e307], [1.7e308, 0, 1.7e308, 0, 1e308], [0, .greatestFiniteMagnitude, 0]] {
      let sessions = (1...Int32(scores.count)).map { $0 }
      for rule in [Self.rule, Self.weeksRule] {
        let dates = sessions.map { $0 * 7 }
        let result = Self.fit(rule, sessions: sessions, dates: dates, scores: scores)
        for line in [result.linear, result.logLinear].compactMap({ $0 }) {
          #expect(line.slope.isFinite && line.intercept.isFinite)
          if let interval = line.confidenceInterval { #expect(interval.lowerBound.isFinite && interval.upperBound.isFinite) }
        }
        #expect(result.diagnostics.contains(.nonFiniteFit), "\(scores)")
      }
    }
  }

  // MARK: - Against numpy and scipy

  @Test func agreesWithScipyOnAMessySeries() throws {
    // Sessions 1, 2, 3, 5, 6, 8, 9, 12; the score at session 3 is missing. Days after 2026-01-05:
    // 0, 7, 14, 30, 35, 50, 56, 80. Reference: Tests/Reference/scripts/trajectory_scipy.py, which runs
    //   r = scipy.stats.linregress(x, y); h = scipy.stats.t.ppf(0.975, n - 2) * r.stderr
    // for x = session, ln(session), days / 7 and log1p(days / 7) over the 7 observed scores, and
    //   numpy.linalg.lstsq([1, session], y) -> [22.67610063, -1.11006289] (scipy 1.17.1, numpy 2.4.6).
    let sessions: [Int32] = [1, 2, 3, 5, 6, 8, 9, 12]
    let scores: [Double] = [22, 20, .nan, 17, 15, 16, 12, 9]
    let start = try #require(CivilDate(year: 2026, month: 1, day: 5)).days
    let dates = [0, 7, 14, 30, 35, 50, 56, 80].map { start + Int32($0) }
    let reference: [(String, TrajectoryFit, [Double])] = [
      (
        "linear, session", Self.fit(sessions: sessions, scores: scores),
        [-1.110062893081761, 22.67610062893082, 0.12323674292343308, -1.4268530259237204, -0.7932727602398019]
      ),
      (
        "log-linear, session", Self.fit(sessions: sessions, scores: scores),
        [-4.619122476126406, 23.020687391816157, 0.8451350184064171, -6.791611203102104, -2.4466337491507075]
      ),
      (
        "linear, weeks", Self.fit(Self.weeksRule, sessions: sessions, dates: dates, scores: scores),
        [-1.0783139852914363, 21.534796085820215, 0.1234195623814771, -1.3955740705114443, -0.7610539000714283]
      ),
      (
        "log-linear, weeks", Self.fit(Self.weeksRule, sessions: sessions, dates: dates, scores: scores),
        [-4.566019895665918, 23.009015978678015, 0.846072381271356, -6.740918190595629, -2.391121600736208]
      ),
    ]
    for (index, (name, result, expected)) in reference.enumerated() {
      let line = try #require(index % 2 == 0 ? result.linear : result.logLinear, "\(name)")
      let found = [
        line.slope, line.intercept, line.standardError ?? .nan, line.confidenceInterval?.lowerBound ?? .nan,
        line.confidenceInterval?.upperBound ?? .nan,
      ]
      for (value, reference) in zip(found, expected) {
        #expect(Self.close(value, reference, 1e-12), "\(name): \(value) vs \(reference)")
      }
      #expect(result.scoreCount == 7)
      #expect(result.diagnostics.isEmpty)
    }
  }

  // MARK: - Diagnostics

  @Test func tooFewScoresAndZeroTimeVariance() {
    let none = Self.fit(sessions: [], scores: [])
    #expect(none.linear == nil && none.logLinear == nil && none.diagnostics == .tooFewScores)
    let one = Self.fit(sessions: [1, 2], scores: [14, .nan])
    #expect(one.scoreCount == 1 && one.linear == nil && one.diagnostics.codes == "too_few_scores")
    // Same week twice on the weeks axis: no spread in time.
    let sameWeek = Self.fit(Self.weeksRule, sessions: [1, 2], dates: [20000, 20000], scores: [14, 12])
    #expect(sameWeek.linear == nil && sameWeek.diagnostics == .zeroTimeVariance)
    #expect(sameWeek.diagnostics.level == .warning)
  }

  @Test func undatedScoresOnTheWeeksAxis() throws {
    let result = Self.fit(
      Self.weeksRule, sessions: [1, 2, 3, 4], dates: [ScoreRows.noDate, 20000, 20014, 20028], scores: [20, 18, 16, 14])
    #expect(result.scoreCount == 3)
    #expect(result.diagnostics == .undatedScoresSkipped)
    // Weeks counted from the first dated score: 0, 2, 4 -> slope -1 per week, intercept 18.
    let line = try #require(result.linear)
    #expect(Self.close(line.slope, -1) && Self.close(line.intercept, 18))
    // No dates at all: nothing to fit.
    let undated = Self.fit(Self.weeksRule, sessions: [1, 2], scores: [20, 18])
    #expect(undated.diagnostics == [.undatedScoresSkipped, .tooFewScores])
    #expect(undated.diagnostics.codes == "too_few_scores;undated_scores_skipped")
  }

  @Test func sessionZeroHasNoLogarithm() throws {
    let result = Self.fit(sessions: [0, 1, 2, 3], scores: [20, 18, 17, 15])
    #expect(result.linear != nil)
    #expect(result.logLinear == nil)
    #expect(result.diagnostics == .logTimeUndefined)
    // A date more than a week before the first score has no ln(1 + weeks) either.
    let early = Self.fit(Self.weeksRule, sessions: [1, 2, 3], dates: [20014, 20000, 20021], scores: [20, 18, 17])
    #expect(early.linear != nil && early.logLinear == nil && early.diagnostics == .logTimeUndefined)
  }

  @Test func sessionsBeyondTheLogTable() throws {
    // ln t for t > 1024 is computed, not looked up; an exact log line must still come out exact.
    let sessions: [Int32] = [1000, 1020, 1030, 1100, 2000]
    let scores = sessions.map { 40 - 3 * log(Double($0)) }
    let line = try #require(Self.fit(sessions: sessions, scores: scores).logLinear)
    #expect(Self.close(line.slope, -3, scale: 40, 1e-8) && Self.close(line.intercept, 40, 1e-8))
  }

  @Test func fitsEverySeriesOfATable() {
    var table = SeriesTable()
    table.session = [1, 2, 3, 1, 1, 2]
    table.date = Array(repeating: ScoreRows.noDate, count: 6)
    table.score = [10, 12, 14, 9, 20, 15]
    table.series = [
      Series(episode: 0, instrument: 0, scores: 0..<3, timeAxis: .session),
      Series(episode: 0, instrument: 1, scores: 3..<4, timeAxis: .session),
      Series(episode: 1, instrument: 0, scores: 4..<6, timeAxis: .session),
    ]
    let fits = Self.rule.fit(table)
    #expect(fits.map(\.scoreCount) == [3, 1, 2])
    #expect(fits.map { $0.linear?.slope } == [2, nil, -5])
  }

  // MARK: - Properties

  /// Distinct increasing sessions from `start` with gaps of 1 to 3.
  static func sessions(start: Int, gaps: [Int]) -> [Int32] {
    var session = start
    var result = [Int32(start)]
    for gap in gaps {
      session += gap
      result.append(Int32(session))
    }
    return result
  }

  @Test func exactLineGivesItsCoefficientsAndZeroError() async throws {
    await propertyCheck(
      input: Gen.double(in: -60...60), Gen.double(in: 0.05...6), Gen.bool, Gen.int(in: 1...3).array(of: 2...30),
      Gen.int(in: 1...40)
    ) { intercept, magnitude, rising, gaps, start in
      let slope = rising ? magnitude : -magnitude
      let sessions = Self.sessions(start: start, gaps: gaps)
      let scale = abs(intercept) + magnitude * Double(sessions.last!)
      let linear = sessions.map { intercept + slope * Double($0) }
      let fit = Self.fit(sessions: sessions, scores: linear)
      #expect(Self.close(fit.linear?.slope, slope, scale: magnitude))
      #expect(Self.close(fit.linear?.intercept, intercept, scale: scale))
      #expect(fit.linear?.standardError == 0)
      #expect(fit.linear.map { $0.confidenceInterval == $0.slope...$0.slope } == true)
      let logLine = sessions.map { intercept + slope * log(Double($0)) }
      let logFit = Self.fit(sessions: sessions, scores: logLine)
      #expect(Self.close(logFit.logLinear?.slope, slope, scale: magnitude))
      let logScale = abs(intercept) + magnitude * log(Double(sessions.last!))
      #expect(Self.close(logFit.logLinear?.intercept, intercept, scale: logScale))
      #expect(logFit.logLinear?.standardError == 0)
    }
  }

  @Test func addingAConstantLeavesTheSlopeUnchanged() async throws {
    await propertyCheck(
      input: Gen.int(in: 0...27).array(of: 3...25), Gen.double(in: -1000...1000), Gen.int(in: 1...3).array(of: 24)
    ) { points, constant, gaps in
      let scores = points.map(Double.init)
      let sessions = Self.sessions(start: 1, gaps: Array(gaps.prefix(scores.count - 1)))
      let shifted = scores.map { $0 + constant }
      guard let before = Self.fit(sessions: sessions, scores: scores).linear,
        let after = Self.fit(sessions: sessions, scores: shifted).linear
      else {
        Issue.record("no fit")
        return
      }
      // Scale: 27 points across the series' span, the largest slope such scores can have.
      #expect(Self.close(after.slope, before.slope, scale: 27))
      #expect(Self.close(after.intercept, before.intercept + constant, scale: 1000 + 27 * Double(sessions.last!)))
      #expect(Self.close(after.standardError, before.standardError ?? .nan, scale: 27))
    }
  }

  @Test func accumulationOrderDoesNotChangeTheFit() async throws {
    await propertyCheck(
      input: Gen.double(in: 0...45).array(of: 3...30), Gen.int(in: 1...3).array(of: 29), Gen.int(in: 0...1_000_000)
    ) { scores, gaps, seed in
      let sessions = Self.sessions(start: 1, gaps: Array(gaps.prefix(scores.count - 1)))
      var inOrder = SufficientStatistics()
      for (t, y) in zip(sessions, scores) { inOrder.add(time: Double(t), score: y) }
      // A seeded Fisher-Yates shuffle of the points.
      var order = Array(scores.indices)
      var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
      for i in stride(from: order.count - 1, to: 0, by: -1) {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        order.swapAt(i, Int(state % UInt64(i + 1)))
      }
      var shuffled = SufficientStatistics()
      for i in order { shuffled.add(time: Double(sessions[i]), score: scores[i]) }
      let values = StudentT.CriticalValues()
      guard let a = LineFit(inOrder, criticalValues: values), let b = LineFit(shuffled, criticalValues: values) else {
        Issue.record("no fit")
        return
      }
      #expect(Self.close(b.slope, a.slope, scale: 45))
      #expect(Self.close(b.intercept, a.intercept, scale: 45 * Double(sessions.last!)))
      #expect(Self.close(b.standardError, a.standardError ?? .nan, scale: 45))
      #expect(inOrder.count == shuffled.count)
    }
  }

  @Test func fusedPassAgreesWithPointByPointSums() async throws {
    // The rule's one pass fills the linear and log sums together; `SufficientStatistics.add` point by
    // point must give the same lines, missing scores included.
    await propertyCheck(
      input: Gen.int(in: -1...27).array(of: 0...20), Gen.int(in: 1...3).array(of: 19), Gen.int(in: 1...12)
    ) { points, gaps, start in
      let scores = points.map { $0 < 0 ? Double.nan : Double($0) }
      let sessions = Array(Self.sessions(start: start, gaps: gaps).prefix(scores.count))
      let fit = Self.fit(sessions: sessions, scores: scores)
      let values = StudentT.CriticalValues()
      let linear = SufficientStatistics(time: sessions.map { Double($0) }, score: scores)
      let logarithmic = SufficientStatistics(time: sessions.map { log(Double($0)) }, score: scores)
      #expect(fit.scoreCount == linear.count)
      let expected = [LineFit(linear, criticalValues: values), LineFit(logarithmic, criticalValues: values)]
      for (found, wanted) in zip([fit.linear, fit.logLinear], expected) {
        #expect((found == nil) == (wanted == nil))
        guard let found, let wanted else { continue }
        #expect(Self.close(found.slope, wanted.slope, scale: 27))
        #expect(Self.close(found.intercept, wanted.intercept, scale: 27 * Double(sessions.last!)))
        #expect(Self.close(found.standardError ?? 0, wanted.standardError ?? 0, scale: 27))
      }
    }
  }

  @Test func largeOffsetsKeepTheirDigits() throws {
    // Times near 20000 (days since 1970) and scores near 1e6, spread of a few units: the shifted sums
    // keep the slope to 1e-12, where raw sums Σt² ≈ 4e8 n would lose about 8 digits.
    var statistics = SufficientStatistics()
    let scores: [Double] = [3, 5, 4, 8, 9]
    for (i, y) in scores.enumerated() { statistics.add(time: 20000 + Double(i), score: 1e6 + y) }
    // By hand: t̄ = 20002, Sxx = 10, Sxy = (-2)(-2.8) + (-1)(-0.8) + 0 + (1)(2.2) + (2)(3.2) = 15 -> b = 1.5.
    #expect(Self.close(statistics.slope, 1.5, 1e-12))
    #expect(statistics.timeSumOfSquares == 10)
    // RSS = Syy - Sxy² / Sxx = 26.8 - 22.5 = 4.3.
    #expect(Self.close(statistics.residualSumOfSquares, 4.3, 1e-12))
  }
}
