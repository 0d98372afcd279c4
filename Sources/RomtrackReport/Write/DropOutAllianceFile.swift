import RomtrackCore

/// dropout_alliance.csv of a research export: drop-out (`DropOutRule`) among episodes ended in the
/// trailing 12 months that had an alliance measure, with and without each alliance exposure
/// (`DropOutExposure`): both rates with Wilson 95% intervals, the risk difference (Newcombe's hybrid
/// score interval) and the risk ratio (Katz log interval).
///
/// Every count below the suppression threshold is written `<N`, and so is every rate, difference or
/// ratio built on one.
public enum DropOutAllianceFile {
  public static let header = [
    "window", "exposure", "exposed_ended", "exposed_dropped_out", "exposed_dropout_rate", "exposed_ci_lo",
    "exposed_ci_hi", "unexposed_ended", "unexposed_dropped_out", "unexposed_dropout_rate", "unexposed_ci_lo",
    "unexposed_ci_hi", "risk_difference", "risk_difference_ci_lo", "risk_difference_ci_hi", "risk_ratio",
    "risk_ratio_ci_lo", "risk_ratio_ci_hi", "suppressed_below",
  ]

  public static func csv(_ table: AggregateTable, suppression: AggregateFiles.Suppression) -> [UInt8] {
    var w = CSVWriter(header: header)
    let limit = suppression.threshold
    for e in table.dropOutByAlliance {
      let counts = [e.exposedEnded, e.exposedDroppedOut, e.unexposedEnded, e.unexposedDroppedOut]
      let hidden = counts.contains { $0 < limit }
      w.text(table.windows[AggregateTable.trailingYear].label)
      w.text(e.kind.rawValue)
      for (ended, dropped, interval) in [
        (e.exposedEnded, e.exposedDroppedOut, e.exposed), (e.unexposedEnded, e.unexposedDroppedOut, e.unexposed),
      ] {
        for count in [ended, dropped] {
          if count < limit { w.text("<\(limit)") } else { w.integer(count) }
        }
        for x in [interval?.rate, interval?.lower, interval?.upper] {
          if ended < limit || dropped < limit { w.text("<\(limit)") } else { w.number(x, decimals: 4) }
        }
      }
      let difference = e.riskDifference
      let ratio = e.riskRatio
      for x in [difference?.estimate, difference?.lower, difference?.upper, ratio?.estimate, ratio?.lower, ratio?.upper] {
        if hidden { w.text("<\(limit)") } else { w.number(x, decimals: 4) }
      }
      w.integer(limit)
      w.endRow()
    }
    return w.finish()
  }
}
