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
    let sorted = rows.sorted { a, b in
      let (ca, cb) = (context.clinicianID(a), context.clinicianID(b))
      if ca != cb { return ca < cb }
      let (ua, ub) = (urgency(analysis.series[a]), urgency(analysis.series[b]))
      if ua != ub { return ua > ub }
      let (la, lb) = (analysis.series[a].stall?.level ?? .none, analysis.series[b].stall?.level ?? .none)
      if la != lb { return la > lb }
      let (ida, idb) = (context.clientID(a), context.clientID(b))
      return ida != idb ? ida < idb : a < b
    }
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
    return w.bytes
  }
}
