import RomtrackCore

/// summary.csv and trends.csv (FORMATS.md): the figures of METHODS.md section 9 per group, window and
/// instrument, each rate with its Wilson 95% interval. The research export writes the same columns
/// with small counts suppressed.
///
/// Rows: the practice, then clinicians and sites in id order; a group and instrument appear when they
/// have an active episode or a client seen in one of the 12 months. `instrument` is `all` for every
/// instrument together (counts only; outcome rates need one instrument's scale).
public enum AggregateFiles {
  public static let measureColumns = [
    "clients_seen", "episodes_active", "episodes_started", "episodes_ended", "episodes_finished",
    "paired_rate", "paired_ci_lo", "paired_ci_hi", "mean_sessions",
    "classified", "rc_improved", "rc_improved_rate", "rc_improved_ci_lo", "rc_improved_ci_hi",
    "rc_unchanged", "rc_deteriorated", "rc_deteriorated_rate", "rc_deteriorated_ci_lo", "rc_deteriorated_ci_hi",
    "clinical_at_intake", "recovered", "recovery_rate", "recovery_ci_lo", "recovery_ci_hi",
    "improved", "unchanged", "deteriorated", "harmed", "effect_size_d", "effect_size_n",
    "stalled", "off_track", "deteriorating", "low_alliance", "unrepaired_ruptures",
  ]

  /// Small-count suppression for files that leave the practice: every count below `threshold` is
  /// written `<threshold`, and so is every rate, interval, mean or effect size built on one.
  public struct Suppression: Sendable {
    public var threshold: Int
    public init(threshold: Int) { self.threshold = threshold }
  }

  /// summary.csv: the report month and the trailing 12 months.
  public static func summary(
    _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry,
    levels: [AggregateTable.Level] = AggregateTable.Level.allCases, suppression: Suppression? = nil
  ) -> [UInt8] {
    var header = ["level", "group", "window", "from", "to", "instrument"] + measureColumns
    if suppression != nil { header.append("suppressed_below") }
    var w = CSVWriter(header: header)
    forEachRow(table, names: names, registry: registry, levels: levels) { level, group, name, slot, instrument in
      for window in [11, AggregateTable.trailingYear] {
        let span = table.windows[window]
        w.text(level.rawValue)
        w.text(name)
        w.text(span.label)
        w.isoDate(span.from.days)
        w.isoDate(span.to.days)
        w.text(instrument)
        w.measures(table.measures(level: level, group: group, window: window, slot: slot), suppression: suppression)
        if let suppression { w.integer(suppression.threshold) }
        w.endRow()
      }
    }
    return w.bytes
  }

  /// trends.csv: each of the 12 months ending with the report month.
  public static func trends(
    _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry,
    levels: [AggregateTable.Level] = AggregateTable.Level.allCases, suppression: Suppression? = nil
  ) -> [UInt8] {
    var header = ["level", "group", "instrument", "month"] + measureColumns
    if suppression != nil { header.append("suppressed_below") }
    var w = CSVWriter(header: header)
    forEachRow(table, names: names, registry: registry, levels: levels) { level, group, name, slot, instrument in
      for window in 0..<12 {
        w.text(level.rawValue)
        w.text(name)
        w.text(instrument)
        w.text(table.months[window].description)
        w.measures(table.measures(level: level, group: group, window: window, slot: slot), suppression: suppression)
        if let suppression { w.integer(suppression.threshold) }
        w.endRow()
      }
    }
    return w.bytes
  }

  /// The groups of each level in id order, and per group the instrument slots with any activity.
  static func forEachRow(
    _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry, levels: [AggregateTable.Level],
    _ body: (AggregateTable.Level, Int, String, Int, String) -> Void
  ) {
    for level in levels {
      let groupNames: [String]
      switch level {
      case .practice: groupNames = ["practice"]
      case .clinician: groupNames = names.clinicians.isEmpty ? [""] : names.clinicians
      case .site: groupNames = names.sites.isEmpty ? [""] : names.sites
      }
      let order = groupNames.indices.sorted { groupNames[$0] < groupNames[$1] }
      for group in order {
        for slot in 0..<table.slotCount {
          let active = (0..<AggregateTable.windowCount).contains { window in
            let m = table.measures(level: level, group: group, window: window, slot: slot)
            return m.episodesActive > 0 || m.clientsSeen > 0
          }
          guard active || (level == .practice && slot == 0) else { continue }
          let instrument = slot == 0 ? "all" : registry.instruments[table.instruments[slot - 1]].name
          body(level, group, groupNames[group], slot, instrument)
        }
      }
    }
  }
}

extension CSVWriter {
  /// The measure columns of one cell, in `AggregateFiles.measureColumns` order.
  mutating func measures(_ m: GroupMeasures, suppression: AggregateFiles.Suppression?) {
    let limit = suppression?.threshold ?? 0
    let hidden = "<\(limit)"
    func count(_ value: Int) {
      if value < limit { text(hidden) } else { integer(value) }
    }
    /// A rate and its interval; hidden when its numerator or denominator is.
    func rate(_ interval: WilsonInterval?, _ parts: Int...) {
      guard let interval else {
        for _ in 0..<3 { text("") }
        return
      }
      if parts.contains(where: { $0 < limit }) {
        for _ in 0..<3 { text(hidden) }
        return
      }
      number(interval.rate, decimals: 4)
      number(interval.lower, decimals: 4)
      number(interval.upper, decimals: 4)
    }
    func value(_ x: Double?, decimals: Int, basis: Int) {
      if x != nil && basis < limit { text(hidden) } else { number(x, decimals: decimals) }
    }
    count(m.clientsSeen)
    count(m.episodesActive)
    count(m.episodesStarted)
    count(m.episodesEnded)
    count(m.episodesFinished)
    rate(m.paired, m.episodesFinished, m.episodesEnded)
    value(m.meanSessions, decimals: 2, basis: m.episodesEnded)
    count(m.classified)
    count(m.reliablyImproved)
    rate(m.reliableImprovement, m.reliablyImproved, m.classified)
    count(m.reliablyUnchanged)
    count(m.reliablyDeteriorated)
    rate(m.reliableDeterioration, m.reliablyDeteriorated, m.classified)
    count(m.clinicalAtIntake)
    count(m.recovered)
    rate(m.recovery, m.recovered, m.clinicalAtIntake)
    count(m.improved)
    count(m.unchanged)
    count(m.deteriorated)
    count(m.harmed)
    value(m.effectSize, decimals: 2, basis: m.effectCount)
    count(m.effectCount)
    count(m.stalled)
    count(m.offTrack)
    count(m.deteriorating)
    count(m.lowAlliance)
    count(m.unrepairedRuptures)
  }
}
