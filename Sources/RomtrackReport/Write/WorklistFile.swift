import RomtrackCore

/// worklist.csv: the series of active episodes that need a conversation, per clinician, most urgent
/// first (FORMATS.md).
///
/// Urgency, highest first: reliable deterioration; refer (stalled past the refer session); a red
/// signal (far worse than the expected treatment response); an unrepaired alliance rupture; change
/// (stalled); a yellow signal; low alliance; review (no reliable improvement by the review session).
/// Ties: the higher stall level, then client id.
public enum WorklistFile {
  public static let header = [
    "clinician_id", "client_id", "episode_id", "instrument", "stall_level", "signal", "reasons",
    "sessions", "intake", "latest", "expected", "urgency",
  ]

  /// The urgency rank of a series (higher is more urgent).
  public static func urgency(_ result: SeriesResult) -> Int {
    let reasons = result.reasons
    if reasons.contains(.deteriorating) { return 8 }
    if result.stall?.level == .refer { return 7 }
    if result.signal == .red { return 6 }
    if reasons.contains(.ruptureUnrepaired) { return 5 }
    if result.stall?.level == .change { return 4 }
    if result.signal == .yellow { return 3 }
    if reasons.contains(.lowAlliance) { return 2 }
    return result.stall?.level == .review ? 1 : 0
  }

  public static func csv(table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis) -> [UInt8] {
    let context = SeriesRowContext(table: table, names: names, registry: registry, analysis: analysis)
    let rows = table.series.indices.filter { analysis.series[$0].needsReview }
    // Sort on integer keys: each clinician's and client's rank in name order, computed once.
    let clinicianRank = ranks(names.clinicians)
    let clientRank = ranks(names.clients)
    func key(_ s: Int) -> (Int, Int, Int, Int, Int) {
      let episode = table.episodes[table.series[s].episode]
      let r = analysis.series[s]
      let level = r.stall?.level ?? .none
      return (
        names.clinicians.isEmpty ? 0 : clinicianRank[Int(episode.clinician)], -urgency(r),
        -(StallLevel.allCases.firstIndex(of: level) ?? 0), clientRank[Int(episode.client)], s
      )
    }
    let sorted = rows.map { (key($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    var w = CSVWriter(header: header)
    for index in sorted {
      let r = analysis.series[index]
      w.text(context.clinicianID(index))
      w.text(context.clientID(index))
      w.text(context.episodeID(index))
      w.text(context.instrument(index).name)
      w.text(r.stall?.level.rawValue ?? "")
      w.text(r.signal?.rawValue ?? "")
      w.text(r.reasons.codes)
      w.integer(r.scoreCount)
      w.score(r.intake)
      w.score(r.latest)
      w.score(r.expected)
      w.integer(urgency(r))
      w.endRow()
    }
    return w.finish()
  }

  /// The rank of each name in the order Swift compares strings (equal names share a rank).
  static func ranks(_ names: [String]) -> [Int] {
    let order = names.indices.sorted { names[$0] < names[$1] }
    var rank = [Int](repeating: 0, count: names.count)
    for (position, index) in order.enumerated() {
      rank[index] = position > 0 && names[order[position - 1]] == names[index] ? rank[order[position - 1]] : position
    }
    return rank
  }
}
