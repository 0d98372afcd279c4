import RomtrackCore

/// worklist.csv: the series of active episodes that need a conversation, per clinician, most urgent
/// first.
///
/// Urgency and tier come from `WorklistPriority`: the `act` tier (urgency 4-10: risk item,
/// reliable deterioration, red signal, stalled past the refer session, stalled, unrepaired rupture,
/// lost contact) before the `watch` tier (3-1: yellow signal, low alliance, review). Ties: the higher
/// stall level, then client id.
public enum WorklistFile {
  public static let header = [
    "clinician_id", "client_id", "episode_id", "instrument", "stall_level", "signal", "reasons",
    "sessions", "intake", "latest", "expected", "urgency", "tier",
  ]

  /// The series on the worklist, in the file's order: by clinician id, most urgent first, then the
  /// higher stall level, then client id (Swift's string order), then series order.
  public static func order(table: SeriesTable, names: NameTables, analysis: Analysis) -> [Int] {
    let rows = table.series.indices.filter { analysis.series[$0].needsReview }
    // Sort on integer keys: each clinician's and listed client's rank in name order, computed once.
    // Only the clients on the list are ranked (158,848 of 1M in the generated practice of 1M clients).
    let clinicianRank = ranks(names.clinicians)
    var listed = [Bool](repeating: false, count: names.clients.count)
    for s in rows { listed[Int(table.episodes[table.series[s].episode].client)] = true }
    let clientRank = ranks(names.clients, only: listed)
    func key(_ s: Int) -> (Int, Int, Int, Int, Int) {
      let episode = table.episodes[table.series[s].episode]
      let r = analysis.series[s]
      let level = r.stall?.level ?? .none
      return (
        names.clinicians.isEmpty ? 0 : clinicianRank[Int(episode.clinician)], -r.urgency,
        -(StallLevel.allCases.firstIndex(of: level) ?? 0), clientRank[Int(episode.client)], s
      )
    }
    return rows.map { (key($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
  }

  /// The file for the series in `order` (from `order(table:names:analysis:)`), with the name cells
  /// made once for the report's files.
  public static func csv(
    table: SeriesTable, registry: InstrumentRegistry, analysis: Analysis, cells: SeriesNameCells, order: [Int]
  ) -> [UInt8] {
    var w = CSVWriter(header: header, capacity: 112 * (order.count + 1))
    for index in order {
      let r = analysis.series[index]
      let series = table.series[index]
      let episode = table.episodes[series.episode]
      cells.clinicians.append(Int(episode.clinician), to: &w)
      cells.clients.append(Int(episode.client), to: &w)
      cells.episodes.append(Int(episode.episode), to: &w)
      cells.instruments.append(Int(series.instrument), to: &w)
      w.word(r.stall?.level.rawValue ?? "")
      w.word(r.signal?.rawValue ?? "")
      cells.reasons.append(Int(r.reasons.rawValue), to: &w)
      w.integer(r.scoreCount)
      w.score(r.intake)
      w.score(r.latest)
      w.score(r.expected)
      w.integer(r.urgency)
      w.word(r.tier.rawValue)
      w.endRow()
    }
    return w.finish()
  }

  /// The rank of each name in the order Swift compares strings (equal names share a rank); with
  /// `only`, of the names it marks (the others get rank 0).
  static func ranks(_ names: [String], only: [Bool]? = nil) -> [Int] {
    let order = names.indices.filter { only?[$0] ?? true }.sorted { names[$0] < names[$1] }
    var rank = [Int](repeating: 0, count: names.count)
    for (position, index) in order.enumerated() {
      rank[index] = position > 0 && names[order[position - 1]] == names[index] ? rank[order[position - 1]] : position
    }
    return rank
  }
}
