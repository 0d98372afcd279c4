import RomtrackCore

/// clients.csv: one row per series (client x episode x instrument), FORMATS.md.
///
/// Scores 2 decimals, indices and slopes 4; empty cells where a value does not apply or cannot be
/// computed (the `diagnostics` column says why). The growth-model columns (eb_intercept, eb_slope on
/// ln session; expected, etr_z, signal) come from the expected-treatment-response model.
public enum ClientsFile {
  public static let header = [
    "client_id", "episode_id", "clinician_id", "site", "instrument", "kind", "n_scores",
    "first_session", "last_session", "first_date", "last_date", "intake", "latest", "change",
    "improvement", "rci", "reliable_change", "clinical_intake", "clinical_latest", "category", "slope",
    "slope_se", "slope_lo", "slope_hi", "log_slope", "eb_intercept", "eb_slope", "expected", "etr_z",
    "signal", "stalled", "stall_level", "sudden_gains", "sudden_losses", "alliance_latest",
    "alliance_mean", "low_alliance", "ruptures", "ruptures_repaired", "status", "needs_review",
    "reasons", "tt_caseness", "tt_recovery", "tt_reliable_improvement", "tt_reliable_deterioration",
    "tt_reliable_recovery", "pair_caseness", "pair_recovery", "pair_reliable_improvement",
    "pair_reliable_deterioration", "pair_reliable_recovery", "diagnostics", "tier",
  ]

  public static func csv(table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis) -> [UInt8] {
    csv(table: table, names: names, registry: registry, analysis: analysis, cells: SeriesNameCells(names: names, registry: registry), part: 0, of: 1)
  }

  /// Part `part` of `parts` of the file (the header with the first), for making it on several cores:
  /// the parts, joined in order, are the whole file.
  public static func csv(
    table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis, cells: SeriesNameCells,
    part: Int, of parts: Int
  ) -> [UInt8] {
    let context = SeriesRowContext(table: table, registry: registry)
    let rows = Range(share: part, of: parts, in: table.series.count)
    var w = CSVWriter(header: header, part: part, capacity: 320 * rows.count)
    for index in rows {
      let r = analysis.series[index]
      let kind = context.kind(index)
      let change = r.clinical?.reliableChange
      let linear = r.trajectory?.linear
      let episode = context.episode(index)
      cells.clients.append(Int(episode.client), to: &w)
      cells.episodes.append(Int(episode.episode), to: &w)
      cells.clinicians.append(Int(episode.clinician), to: &w)
      cells.sites.append(Int(episode.site), to: &w)
      cells.instruments.append(Int(table.series[index].instrument), to: &w)
      w.word(kind.rawValue)
      w.integer(r.scoreCount)
      w.integer(r.firstSession.map(Int.init))
      w.integer(r.lastSession.map(Int.init))
      w.date(r.firstDate)
      w.date(r.lastDate)
      w.score(r.intake)
      w.score(r.latest)
      w.score(change?.change)
      w.score(change?.improvement)
      w.number(change?.index, decimals: 4)
      w.word(change?.category?.rawValue ?? "")
      w.flag(r.clinical?.clinicalAtIntake)
      w.flag(r.clinical?.clinicalAtLatest)
      w.word(r.clinical?.category?.rawValue ?? "")
      w.number(linear?.slope, decimals: 4)
      w.number(linear?.standardError, decimals: 4)
      w.number(linear?.confidenceInterval?.lowerBound, decimals: 4)
      w.number(linear?.confidenceInterval?.upperBound, decimals: 4)
      w.number(r.trajectory?.logLinear?.slope, decimals: 4)
      w.number(r.ebIntercept, decimals: 4)
      w.number(r.ebSlope, decimals: 4)
      w.score(r.expected)
      w.number(r.etrZ, decimals: 4)
      w.word(r.signal?.rawValue ?? "")
      w.flag(r.stall.map(\.stalled))
      w.word(r.stall?.level.rawValue ?? "")
      w.integer(kind == .outcome ? r.suddenGains : nil)
      w.integer(kind == .outcome ? r.suddenLosses : nil)
      w.score(r.allianceLatest)
      w.score(r.allianceMean)
      w.flag(r.lowAlliance)
      w.integer(r.allianceLatest == nil ? nil : r.ruptures)
      w.integer(r.allianceLatest == nil ? nil : r.rupturesRepaired)
      w.word(episode.status.rawValue)
      w.flag(r.needsReview)
      cells.reasons.append(Int(r.reasons.rawValue), to: &w)
      let tt = r.talkingTherapies
      w.flag(tt?.casenessAtIntake)
      w.flag(tt?.recovery)
      w.flag(tt?.reliableImprovement)
      w.flag(tt?.reliableDeterioration)
      w.flag(tt?.reliableRecovery)
      let pair = r.pairFlags
      w.flag(pair?.casenessAtIntake)
      w.flag(pair?.recovery)
      w.flag(pair?.reliableImprovement)
      w.flag(pair?.reliableDeterioration)
      w.flag(pair?.reliableRecovery)
      w.codes(r.diagnostics)
      w.word(r.tier.rawValue)
      w.endRow()
    }
    return w.finish()
  }
}
