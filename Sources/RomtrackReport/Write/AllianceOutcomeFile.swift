import RomtrackCore

/// alliance_outcome.csv of a research export: the within/between association of METHODS.md section 8,
/// one row per (outcome instrument, alliance instrument, term), with client-clustered standard errors
/// and both the normal and the Student t (G - 1 df) p-values and 95% intervals.
///
/// A pair fitted on fewer clients than the suppression threshold has its counts written `<N` and no
/// estimates: a regression on a handful of clients says too much about each of them.
public enum AllianceOutcomeFile {
  public static let header = [
    "outcome_instrument", "alliance_instrument", "term", "estimate", "se", "z", "p", "ci_lo", "ci_hi",
    "p_t", "ci_lo_t", "ci_hi_t", "df", "n_observations", "n_clients", "n_episodes", "diagnostics",
    "suppressed_below",
  ]

  public static func csv(_ fits: [AllianceOutcomeFit], suppression: AggregateFiles.Suppression) -> [UInt8] {
    var w = CSVWriter(header: header)
    let limit = suppression.threshold
    for fit in fits {
      let hidden = fit.clientCount < limit
      let notes = fit.diagnostics.map(\.code.rawValue) + (hidden ? ["suppressed"] : [])
      let rows: [AllianceOutcomeCoefficient?] = hidden || !fit.isFitted ? [nil] : fit.coefficients.map { $0 }
      for coefficient in rows {
        w.text(fit.outcomeName)
        w.text(fit.allianceName)
        w.text(coefficient?.term.rawValue ?? "")
        w.number(coefficient?.estimate, decimals: 6)
        w.number(coefficient?.standardError, decimals: 6)
        w.number(coefficient?.statistic, decimals: 4)
        w.number(coefficient?.normal.pValue, decimals: 6)
        w.number(coefficient?.normal.lower, decimals: 6)
        w.number(coefficient?.normal.upper, decimals: 6)
        w.number(coefficient?.studentT.pValue, decimals: 6)
        w.number(coefficient?.studentT.lower, decimals: 6)
        w.number(coefficient?.studentT.upper, decimals: 6)
        w.integer(fit.isFitted && !hidden ? fit.degreesOfFreedom : nil)
        for count in [fit.observationCount, fit.clientCount, fit.episodeCount] {
          if count < limit { w.text("<\(limit)") } else { w.integer(count) }
        }
        w.text(notes.joined(separator: ";"))
        w.integer(limit)
        w.endRow()
      }
    }
    return w.finish()
  }
}
