/// One number of a backtest: a flag's burden, sensitivity, predictive value or lead time, for one
/// outcome class, with its counts and its Wilson 95% interval where it is a proportion.
public struct BacktestMetric: Sendable, Equatable {
  /// `tier`, `reason`, or the parameter swept.
  public var group: String
  public var flag: String
  public var value: Double?
  /// `burden_median`, `burden_min`, `burden_max`, `sensitivity`, `sensitivity_by_session_3` (5, 8),
  /// `ever_flagged`, `ppv`, `lead_time_median`.
  public var metric: String
  /// The outcome class (`OutcomeClass`), empty for burden.
  public var outcome: String
  public var numerator: Int?
  public var denominator: Int?
  public var estimate: Double?
  public var interval: WilsonInterval?
}

/// Turns a `BacktestResult` into metrics (docs/methods.md, "Backtest").
///
/// For a flag `f` and the ended episodes of an outcome class `C`:
/// - **burden**: on each replayed day, active episodes carrying `f` / active episodes; its median, least
///   and greatest over the days;
/// - **sensitivity**: episodes of `C` on which `f` was raised on a day before their last score / `|C|`
///   (flagged while the client was still coming), and the same counting only flags raised when the
///   episode had at most 3, 5 or 8 scores;
/// - **ever flagged**: episodes of `C` on which `f` was raised on any day / `|C|` (for responders and
///   recoveries: the price of the flag);
/// - **PPV**: among ended episodes flagged before their last score, the share in `C` (for the failure
///   classes);
/// - **lead time**: the median number of scores between the first flag and the last score, over the
///   episodes of `C` flagged before it.
/// Proportions carry Wilson 95% intervals (`WilsonInterval`).
public enum BacktestMetrics {
  public static let sessionMarks = [3, 5, 8]

  public static func compute(_ result: BacktestResult, courses: [PlantedCourse?]? = nil) -> [BacktestMetric] {
    var metrics: [BacktestMetric] = []
    let classes = OutcomeClass.allCases.filter {
      courses != nil || ($0 != .plantedFailure && $0 != .plantedResponder)
    }
    for (f, flag) in result.flags.enumerated() {
      func add(_ metric: String, _ outcome: String, _ k: Int?, _ n: Int?, estimate: Double? = nil) {
        let interval = k.flatMap { k in n.flatMap { WilsonInterval(successes: k, trials: $0) } }
        metrics.append(BacktestMetric(
          group: flag.group, flag: flag.name, value: flag.value, metric: metric, outcome: outcome, numerator: k,
          denominator: n, estimate: estimate ?? interval?.rate, interval: interval))
      }
      let shares = zip(result.raised[f], result.active).compactMap { $1 > 0 ? Double($0) / Double($1) : nil }.sorted()
      add("burden_median", "", nil, nil, estimate: median(shares))
      add("burden_min", "", nil, nil, estimate: shares.first)
      add("burden_max", "", nil, nil, estimate: shares.last)

      var flaggedBefore = 0
      var flaggedBeforeIn = [Int](repeating: 0, count: classes.count)
      for (c, outcomeClass) in classes.enumerated() {
        var n = 0, before = 0, ever = 0
        var byMark = [Int](repeating: 0, count: sessionMarks.count)
        var leads: [Double] = []
        for (e, outcome) in result.outcomes.enumerated() {
          guard let outcome, outcome.lastDate != ScoreRows.noDate,
            outcomeClass.contains(outcome, course: courses?[e] ?? nil) == true
          else { continue }
          n += 1
          let day = Int(result.firstDay[f][e])
          guard day >= 0 else { continue }
          ever += 1
          guard result.days[day].days < outcome.lastDate else { continue }
          before += 1
          let seen = Int(result.firstScores[f][e])
          for (m, mark) in sessionMarks.enumerated() where seen <= mark { byMark[m] += 1 }
          leads.append(Double(max(0, outcome.scores - seen)))
        }
        flaggedBeforeIn[c] = before
        add("sensitivity", outcomeClass.rawValue, before, n)
        for (m, mark) in sessionMarks.enumerated() { add("sensitivity_by_session_\(mark)", outcomeClass.rawValue, byMark[m], n) }
        add("ever_flagged", outcomeClass.rawValue, ever, n)
        add("lead_time_median", outcomeClass.rawValue, nil, nil, estimate: median(leads.sorted()))
      }
      for (e, outcome) in result.outcomes.enumerated() {
        guard let outcome, outcome.lastDate != ScoreRows.noDate else { continue }
        let day = Int(result.firstDay[f][e])
        if day >= 0, result.days[day].days < outcome.lastDate { flaggedBefore += 1 }
      }
      for (c, outcomeClass) in classes.enumerated()
      where [.deteriorated, .notImproved, .failed, .plantedFailure].contains(outcomeClass) {
        add("ppv", outcomeClass.rawValue, flaggedBeforeIn[c], flaggedBefore)
      }
    }
    return metrics
  }

  /// The median of sorted values; `nil` when there are none.
  static func median(_ sorted: [Double]) -> Double? {
    guard !sorted.isEmpty else { return nil }
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }
}
