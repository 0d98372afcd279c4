// Risk items (METHODS.md section 6, "Revision (alerts)"): a positive answer on a declared risk item
// (PHQ-9 item 9, the CORE-10 risk item, OQ-45's critical items; `ItemScoring.riskItems`) in item-level
// input puts the episode on the worklist as `risk_item`, the most urgent reason, whatever its scores
// say. It is shown on the clinician's page in words, counted in clients.csv and listed in events.csv.

/// One positive risk answer placed on its series.
public struct RiskItemMark: Sendable, Equatable {
  /// Index into `SeriesTable.series`: the series of the instrument answered.
  public var series: Int
  /// The series' session of the answer (its own session number, or the place of its date among the
  /// series' dates when its row has no score in the series).
  public var session: Int32
  /// Day of the answer, or `ScoreRows.noDate`.
  public var date: Int32
  /// The risk items and answers, e.g. "PHQ9 item 9 = 2".
  public var items: String
  /// The highest risk answer.
  public var highest: Double

  /// Places risk answers (found while item-level input was scored) on the series of their client,
  /// episode and instrument. Answers dated after the as-of date are left out, as their rows are;
  /// answers with no such series (every row of it rejected) are returned as lines for the summary.
  static func resolve(
    _ answers: [RiskAnswer], table: SeriesTable, names: NameTables, dateFormat: DateFormat
  ) -> (marks: [RiskItemMark], unplaced: [String]) {
    let wantedClients = Set(answers.map(\.client))
    var clientID: [String: UInt32] = [:]
    for (id, name) in names.clients.enumerated() where wantedClients.contains(name) { clientID[name] = UInt32(id) }
    let wantedEpisodes = Set(answers.map(\.episode))
    var episodeID: [String: UInt32] = [:]
    for (id, name) in names.episodes.enumerated() where wantedEpisodes.contains(name) { episodeID[name] = UInt32(id) }
    struct Key: Hashable {
      var client: UInt32
      var episode: UInt32
      var instrument: UInt16
    }
    let wantedIDs = Set(clientID.values)
    var seriesOf: [Key: Int] = [:]
    for episode in table.episodes where wantedIDs.contains(episode.client) {
      for s in episode.series {
        seriesOf[Key(client: episode.client, episode: episode.episode, instrument: table.series[s].instrument)] = s
      }
    }
    var marks: [RiskItemMark] = []
    var unplaced: [String] = []
    for answer in answers {
      let date = dateFormat.parse(Array(answer.date.utf8)[...]).map(\.days) ?? ScoreRows.noDate
      if let asOf = table.asOf, date != ScoreRows.noDate, date > asOf.days { continue }
      guard let client = clientID[answer.client], let episode = episodeID[answer.episode],
        let s = seriesOf[Key(client: client, episode: episode, instrument: UInt16(answer.instrument))]
      else {
        unplaced.append("warning: \(answer.file) line \(answer.line): \(answer.items) (client \(answer.client)) on a row with no usable score in any series: see rejects.csv")
        continue
      }
      let scores = table.series[s].scores
      let given = Int32(answer.session)
      var session: Int32
      if let k = scores.first(where: { (given != nil && table.session[$0] == given!) || (date != ScoreRows.noDate && table.date[$0] == date) }) {
        session = table.session[k]
      } else if date != ScoreRows.noDate {
        session = Int32(scores.reduce(0) { $0 + (table.date[$1] != ScoreRows.noDate && table.date[$1] < date ? 1 : 0) } + 1)
      } else {
        session = given ?? 0
      }
      marks.append(RiskItemMark(series: s, session: session, date: date, items: answer.items, highest: answer.highest))
    }
    return (marks, unplaced)
  }

  /// Adds `risk_item` to every series of each marked episode, puts active ones on the worklist, counts
  /// the marks per series and adds a `risk_item` event for each, keeping events in series and then
  /// session order.
  static func apply(_ marks: [RiskItemMark], to analysis: inout Analysis, table: SeriesTable, registry: InstrumentRegistry) {
    guard !marks.isEmpty else { return }
    let instruments = registry.instruments
    var added: [SeriesEvent] = []
    for mark in marks.sorted(by: { ($0.series, $0.session) < ($1.series, $1.session) }) {
      analysis.riskItems[mark.series, default: 0] += 1
      let episode = table.episodes[table.series[mark.series].episode]
      let hasOutcome = episode.series.contains { instruments[Int(table.series[$0].instrument)].kind == .outcome }
      for s in episode.series {
        analysis.series[s].reasons.insert(.riskItem)
        let isOutcome = instruments[Int(table.series[s].instrument)].kind == .outcome
        analysis.series[s].needsReview = episode.status == .active && (isOutcome || !hasOutcome)
      }
      added.append(SeriesEvent(
        series: mark.series, kind: .riskItem, session: mark.session, magnitude: mark.highest, proportion: nil,
        preMean: .nan, postMean: .nan, reversal: nil, repaired: nil, items: mark.items))
    }
    // Merge: both lists are in series order; at the same series, the earlier session first, the
    // existing event first at a tie.
    var merged: [SeriesEvent] = []
    merged.reserveCapacity(analysis.events.count + added.count)
    var i = 0, j = 0
    let events = analysis.events
    while i < events.count || j < added.count {
      if j == added.count || (i < events.count && (events[i].series, events[i].session) <= (added[j].series, added[j].session)) {
        merged.append(events[i])
        i += 1
      } else {
        merged.append(added[j])
        j += 1
      }
    }
    analysis.events = merged
  }
}
