import RomtrackCore

/// summary.csv and trends.csv (FORMATS.md): the figures of METHODS.md section 9 per group, window and
/// instrument, each rate with its Wilson 95% interval. The research export writes the same columns
/// with small counts suppressed.
///
/// Rows: the practice, then clinicians and sites in id order; a group and instrument appear when they
/// have an active episode or a client seen in one of the 12 months. `instrument` is `all` for every
/// instrument together (counts only; outcome rates need one instrument's scale).
///
/// With suppression (the research export), the counts written `<N` are those of a
/// `SuppressionPattern`: the small ones and those that would give a small one away.
public enum AggregateFiles {
  public static let measureColumns = [
    "clients_seen", "episodes_active", "episodes_started", "episodes_ended", "episodes_finished",
    "paired_rate", "paired_ci_lo", "paired_ci_hi", "mean_sessions",
    "classified", "rc_improved", "rc_improved_rate", "rc_improved_ci_lo", "rc_improved_ci_hi",
    "rc_unchanged", "rc_deteriorated", "rc_deteriorated_rate", "rc_deteriorated_ci_lo", "rc_deteriorated_ci_hi",
    "clinical_at_intake", "recovered", "recovery_rate", "recovery_ci_lo", "recovery_ci_hi",
    "improved", "unchanged", "deteriorated", "harmed", "effect_size_d", "effect_size_n",
    "stalled", "off_track", "deteriorating", "low_alliance", "unrepaired_ruptures",
    "dropped_out", "dropout_rate", "dropout_ci_lo", "dropout_ci_hi",
  ] + talkingColumns("tt") + talkingColumns("pair")

  /// NHS Talking Therapies' four rates with their NHS denominators (`GroupMeasures.talking...`):
  /// `tt_` on an instrument's rows (the measure alone), `pair_` on the `all` rows (the configured pair).
  static func talkingColumns(_ prefix: String) -> [String] {
    ["finished", "caseness_at_intake"].map { "\(prefix)_\($0)" }
      + [("recovered", "recovery"), ("reliably_improved", "reliable_improvement"),
        ("reliably_deteriorated", "reliable_deterioration"), ("reliably_recovered", "reliable_recovery")]
      .flatMap { count, rate in
        ["\(prefix)_\(count)", "\(prefix)_\(rate)_rate", "\(prefix)_\(rate)_ci_lo", "\(prefix)_\(rate)_ci_hi"]
      }
  }

  /// How many `talkingColumns` there are, computed once: `measures` writes that many empty cells on
  /// most rows of trends.csv.
  static let talkingColumnCount = talkingColumns("tt").count

  /// summary.csv's own columns after the measures: the severity-adjusted effect size of the trailing
  /// 12 months (`SeverityAdjustment`), on an instrument's trailing-year rows.
  public static let summaryColumns = ["adjusted_d", "adjusted_d_ci_lo", "adjusted_d_ci_hi"]

  /// Small-count suppression for files that leave the practice: every count below `threshold` is
  /// written `<threshold`, and so is every count that would give one away (`SuppressionPattern`),
  /// and every rate, interval, mean or effect size built on a suppressed count.
  public struct Suppression: Sendable {
    public var threshold: Int
    public init(threshold: Int) { self.threshold = threshold }
  }

  /// summary.csv: the report month and the trailing 12 months.
  public static func summary(
    _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry,
    levels: [AggregateTable.Level] = AggregateTable.Level.allCases, suppression: Suppression? = nil,
    clinicianName: (String) -> String = { $0 }
  ) -> [UInt8] {
    let rows = Rows(table, names: names, registry: registry, levels: levels, clinicianName: clinicianName)
    let pattern = suppression.map { SuppressionPattern(table, rows: rows, threshold: $0.threshold) }
    return summary(table, rows: rows, suppression: pattern, part: 0, of: 1)
  }

  /// Part `part` of `parts` of summary.csv (the header with the first): the parts, joined in order,
  /// are the whole file.
  public static func summary(_ table: AggregateTable, rows: Rows, suppression: SuppressionPattern? = nil, part: Int, of parts: Int) -> [UInt8] {
    var header = ["level", "group", "window", "from", "to", "instrument"] + measureColumns + summaryColumns
    if suppression != nil { header.append("suppressed_below") }
    let range = rows.part(part, of: parts)
    var w = CSVWriter(header: header, part: part, capacity: 640 * range.count)
    for k in range {
      let row = rows.list[k]
      for window in [11, AggregateTable.trailingYear] {
        let span = table.windows[window]
        rows.append(0, ofRow: k, to: &w)
        rows.append(1, ofRow: k, to: &w)
        w.text(span.label)
        w.isoDate(span.from.days)
        w.isoDate(span.to.days)
        rows.append(2, ofRow: k, to: &w)
        w.measures(
          table.measures(level: row.level, group: row.group, window: window, slot: row.slot), outcomes: row.slot > 0,
          limit: suppression?.threshold ?? 0, hidden: suppression?.mask(row: k, window: window) ?? 0)
        w.adjusted(
          window == AggregateTable.trailingYear ? table.severityAdjusted(level: row.level, group: row.group, slot: row.slot) : nil,
          limit: suppression?.threshold ?? 0)
        if let suppression { w.integer(suppression.threshold) }
        w.endRow()
      }
    }
    return w.finish()
  }

  /// trends.csv: each of the 12 months ending with the report month.
  public static func trends(
    _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry,
    levels: [AggregateTable.Level] = AggregateTable.Level.allCases, suppression: Suppression? = nil,
    clinicianName: (String) -> String = { $0 }
  ) -> [UInt8] {
    let rows = Rows(table, names: names, registry: registry, levels: levels, clinicianName: clinicianName)
    let pattern = suppression.map { SuppressionPattern(table, rows: rows, threshold: $0.threshold) }
    return trends(table, rows: rows, suppression: pattern, part: 0, of: 1)
  }

  /// Part `part` of `parts` of trends.csv (the header with the first): the parts, joined in order,
  /// are the whole file.
  public static func trends(_ table: AggregateTable, rows: Rows, suppression: SuppressionPattern? = nil, part: Int, of parts: Int) -> [UInt8] {
    var header = ["level", "group", "instrument", "month"] + measureColumns
    if suppression != nil { header.append("suppressed_below") }
    let range = rows.part(part, of: parts)
    // The months' cells repeat on every row's lines: escaped once, as the rows' own cells are.
    let months = CellTable(table.months.map(\.description))
    var w = CSVWriter(header: header, part: part, capacity: 1_500 * range.count)
    for k in range {
      let row = rows.list[k]
      for window in 0..<12 {
        for field in 0..<3 { rows.append(field, ofRow: k, to: &w) }
        months.append(window, to: &w)
        w.measures(
          table.measures(level: row.level, group: row.group, window: window, slot: row.slot), outcomes: row.slot > 0,
          limit: suppression?.threshold ?? 0, hidden: suppression?.mask(row: k, window: window) ?? 0)
        if let suppression { w.integer(suppression.threshold) }
        w.endRow()
      }
    }
    return w.finish()
  }

  /// The groups of each level in name order, and per group the instrument slots with any activity:
  /// the rows of summary.csv and trends.csv, each written once per window. `clinicianName` renames
  /// clinicians (to pseudonyms in research exports) before they are sorted.
  public struct Rows: Sendable {
    public struct Row: Sendable {
      var level: AggregateTable.Level
      var group: Int
      var name: String
      var slot: Int
      var instrument: String
    }

    public private(set) var list: [Row] = []
    /// Each row's level, group and instrument cells, escaped once for both files and every window:
    /// row `k`'s are cells `3k`, `3k + 1` and `3k + 2`.
    let cells: CellTable

    public init(
      _ table: AggregateTable, names: NameTables, registry: InstrumentRegistry,
      levels: [AggregateTable.Level] = AggregateTable.Level.allCases, clinicianName: (String) -> String = { $0 }
    ) {
      for level in levels {
        let groupNames: [String]
        switch level {
        case .practice: groupNames = ["practice"]
        case .clinician: groupNames = (names.clinicians.isEmpty ? [""] : names.clinicians).map(clinicianName)
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
            list.append(Row(level: level, group: group, name: groupNames[group], slot: slot, instrument: instrument))
          }
        }
      }
      cells = CellTable(list.flatMap { [$0.level.rawValue, $0.name, $0.instrument] })
    }

    /// Appends cell `field` (0 level, 1 group, 2 instrument) of row `k`.
    func append(_ field: Int, ofRow k: Int, to w: inout CSVWriter) {
      cells.append(3 * k + field, to: &w)
    }

    /// Parts of about 3,000 rows for trends.csv (13 windows each) and of 12,000 for summary.csv (2
    /// each): a few MB per part, so the files are made on all cores.
    public var trendParts: Int { max(1, list.count / 3_000) }
    public var summaryParts: Int { max(1, list.count / 12_000) }

    /// The rows of part `part` of `parts`.
    func part(_ part: Int, of parts: Int) -> Range<Int> {
      Range(share: part, of: parts, in: list.count)
    }
  }
}

extension CSVWriter {
  /// The measure columns of one cell, in `AggregateFiles.measureColumns` order. Without `outcomes`
  /// (all instruments together) the 21 outcome columns, `classified` to `effect_size_n`, are empty:
  /// they need one instrument's scale. Bit `m` of `hidden` (`SuppressionPattern.Count` order) writes
  /// count `m` as `<limit`, and with it every rate, interval, mean or effect size built on it.
  mutating func measures(_ m: GroupMeasures, outcomes: Bool, limit: Int, hidden: UInt32) {
    typealias Count = SuppressionPattern.Count
    func isHidden(_ c: Count) -> Bool { hidden & (1 << UInt32(c.rawValue)) != 0 }
    count(m.clientsSeen, limit, isHidden(.clientsSeen))
    count(m.episodesActive, limit, isHidden(.episodesActive))
    count(m.episodesStarted, limit, isHidden(.episodesStarted))
    count(m.episodesEnded, limit, isHidden(.episodesEnded))
    count(m.episodesFinished, limit, isHidden(.episodesFinished))
    rate(m.paired, limit, isHidden(.episodesFinished) || isHidden(.episodesEnded))
    value(m.meanSessions, decimals: 2, limit, isHidden(.episodesEnded))
    if outcomes {
      count(m.classified, limit, isHidden(.classified))
      count(m.reliablyImproved, limit, isHidden(.reliablyImproved))
      rate(m.reliableImprovement, limit, isHidden(.reliablyImproved) || isHidden(.classified))
      count(m.reliablyUnchanged, limit, isHidden(.reliablyUnchanged))
      count(m.reliablyDeteriorated, limit, isHidden(.reliablyDeteriorated))
      rate(m.reliableDeterioration, limit, isHidden(.reliablyDeteriorated) || isHidden(.classified))
      count(m.clinicalAtIntake, limit, isHidden(.clinicalAtIntake))
      count(m.recovered, limit, isHidden(.recovered))
      rate(m.recovery, limit, isHidden(.recovered) || isHidden(.clinicalAtIntake))
      count(m.improved, limit, isHidden(.improved))
      count(m.unchanged, limit, isHidden(.unchanged))
      count(m.deteriorated, limit, isHidden(.deteriorated))
      count(m.harmed, limit, isHidden(.harmed))
      value(m.effectSize, decimals: 2, limit, isHidden(.effectCount))
      count(m.effectCount, limit, isHidden(.effectCount))
    } else {
      emptyCells(21)
    }
    count(m.stalled, limit, isHidden(.stalled))
    count(m.offTrack, limit, isHidden(.offTrack))
    count(m.deteriorating, limit, isHidden(.deteriorating))
    count(m.lowAlliance, limit, isHidden(.lowAlliance))
    count(m.unrepairedRuptures, limit, isHidden(.unrepairedRuptures))
    count(m.droppedOut, limit, isHidden(.droppedOut))
    rate(m.dropout, limit, isHidden(.droppedOut) || isHidden(.episodesEnded))
    if outcomes {
      talking(m, limit, isHidden)
      emptyCells(AggregateFiles.talkingColumnCount)
    } else {
      emptyCells(AggregateFiles.talkingColumnCount)
      talking(m, limit, isHidden)
    }
  }

  /// The NHS Talking Therapies columns of one cell (`AggregateFiles.talkingColumns`), each count
  /// hidden as the suppression pattern says, and each rate with its numerator or denominator.
  private mutating func talking(_ m: GroupMeasures, _ limit: Int, _ isHidden: (SuppressionPattern.Count) -> Bool) {
    count(m.talkingFinished, limit, isHidden(.talkingFinished))
    count(m.talkingCaseness, limit, isHidden(.talkingCaseness))
    count(m.talkingRecovered, limit, isHidden(.talkingRecovered))
    rate(m.talkingRecovery, limit, isHidden(.talkingRecovered) || isHidden(.talkingCaseness))
    count(m.talkingReliablyImproved, limit, isHidden(.talkingReliablyImproved))
    rate(m.talkingReliableImprovement, limit, isHidden(.talkingReliablyImproved) || isHidden(.talkingFinished))
    count(m.talkingReliablyDeteriorated, limit, isHidden(.talkingReliablyDeteriorated))
    rate(m.talkingReliableDeterioration, limit, isHidden(.talkingReliablyDeteriorated) || isHidden(.talkingFinished))
    count(m.talkingReliablyRecovered, limit, isHidden(.talkingReliablyRecovered))
    rate(m.talkingReliableRecovery, limit, isHidden(.talkingReliablyRecovered) || isHidden(.talkingCaseness))
  }

  /// The severity-adjusted effect size and its interval (2 decimals), `<limit` on fewer series than
  /// the threshold.
  mutating func adjusted(_ e: SeverityAdjustedEffect?, limit: Int) {
    let hidden = e.map { $0.count < limit } ?? false
    value(e?.d, decimals: 2, limit, hidden)
    value(e?.lower, decimals: 2, limit, hidden)
    value(e?.upper, decimals: 2, limit, hidden)
  }

  /// A count, or `<limit` when hidden.
  private mutating func count(_ value: Int32, _ limit: Int, _ hidden: Bool) {
    if hidden { text("<\(limit)") } else { integer(Int(value)) }
  }

  /// A rate and its Wilson interval (4 decimals); `<limit` in all three cells when its numerator or
  /// denominator is hidden; empty without a denominator.
  private mutating func rate(_ interval: WilsonInterval?, _ limit: Int, _ hidden: Bool) {
    guard let interval else {
      emptyCells(3)
      return
    }
    guard !hidden else {
      for _ in 0..<3 { text("<\(limit)") }
      return
    }
    number(interval.rate, decimals: 4)
    number(interval.lower, decimals: 4)
    number(interval.upper, decimals: 4)
  }

  /// A mean or effect size, `<limit` when the count of episodes it rests on is hidden.
  private mutating func value(_ x: Double?, decimals: Int, _ limit: Int, _ hidden: Bool) {
    if x != nil && hidden { text("<\(limit)") } else { number(x, decimals: decimals) }
  }
}
