import RomtrackCore

/// backtest.csv: every number of a backtest in long format, one row per flag x metric x outcome class,
/// then one row per rupture threshold scored against planted ruptures (group `rupture`).
///
/// Columns: `group` (tier, reason, signal_red, lost_contact_days, rupture), `flag`, `value` (the swept
/// parameter's value, empty otherwise), `metric`, `outcome`, `numerator`, `denominator`, `estimate`
/// (a proportion, or a median in sessions for `lead_time_median`), `ci_lo`, `ci_hi` (Wilson 95%).
public enum BacktestFile {
  public static let header = [
    "group", "flag", "value", "metric", "outcome", "numerator", "denominator", "estimate", "ci_lo", "ci_hi",
  ]

  public static func csv(metrics: [BacktestMetric], ruptures: [RuptureScore]) -> [UInt8] {
    var w = CSVWriter(header: header, capacity: 96 * (metrics.count + 4 * ruptures.count + 1))
    for m in metrics {
      w.word(m.group)
      w.word(m.flag)
      w.number(m.value, decimals: 3)
      w.word(m.metric)
      w.word(m.outcome)
      w.integer(m.numerator)
      w.integer(m.denominator)
      w.number(m.estimate, decimals: 4)
      w.number(m.interval?.lower, decimals: 4)
      w.number(m.interval?.upper, decimals: 4)
      w.endRow()
    }
    for r in ruptures {
      let flag = r.minimumPoints.map { "rupture_sd=\(CSVWriter.fixed(r.ruptureSD, decimals: 2)),points=\(CSVWriter.fixed($0, decimals: 2))" }
        ?? "rupture_sd=\(CSVWriter.fixed(r.ruptureSD, decimals: 2)),points=reliable"
      for (metric, k, n, interval) in [
        ("ppv", r.matched, r.detected, r.ppv), ("sensitivity", r.found, r.planted, r.sensitivity),
        ("repair_agreement", r.repairAgrees, r.matched, WilsonInterval(successes: r.repairAgrees, trials: r.matched)),
      ] {
        w.word("rupture")
        w.text(flag + (r.isDefault ? ",default" : ""))
        w.number(r.ruptureSD, decimals: 3)
        w.word(metric)
        w.word("planted_rupture")
        w.integer(k)
        w.integer(n)
        w.number(interval?.rate, decimals: 4)
        w.number(interval?.lower, decimals: 4)
        w.number(interval?.upper, decimals: 4)
        w.endRow()
      }
    }
    return w.finish()
  }
}
