import RomtrackCore

/// clinicians/<id>.html: one clinician's caseload and worklist. Client by client, most urgent first:
/// why they are on the list, in words, and a picture of their course against what was expected,
/// with sudden gains, losses and ruptures marked; then every active episode in a table.
public enum ClinicianPage {
  /// Sparklines draw at most this many scores (evenly spaced, always keeping the first and last).
  static let maximumPoints = 120

  public static func html(_ c: ReportContent, clinician k: Int) -> [UInt8] {
    var w = HTMLWriter(capacity: 32 * 1024 + c.caseloads[k].count * 2_048)
    let id = c.clinicianID(k).isEmpty ? "(no clinician)" : c.clinicianID(k)
    PageFrame.open(&w, title: "\(id): caseload and worklist, \(Show.month(c.month))")
    w.raw(markup: Charts.dotMarkers)
    w.raw("<nav class=\"top\"><a href=\"../index.html\">← Practice report</a></nav><header class=\"page\"><h1>")
    w.text("\(id): caseload and worklist")
    w.raw("</h1><p class=\"muted\">")
    w.text("\(Show.month(c.month)), scores up to \(c.asOf). Most urgent first. Each flag is a prompt for a conversation with the client, not a verdict.")
    w.raw("</p></header>")
    summary(&w, c, clinician: k)
    legend(&w, c)
    MissingModelNote.write(&w, c)
    let act = c.caseloads[k].filter { c.episodeUrgency[$0] >= WorklistPriority.actFrom }
    let watch = c.caseloads[k].filter { c.episodeUrgency[$0] > 0 && c.episodeUrgency[$0] < WorklistPriority.actFrom }
    w.raw("<h2>")
    w.text("Talk with them this week (\(act.count))")
    w.raw("</h2>")
    if act.isEmpty { w.raw("<p>No active client needs a conversation this week.</p>") }
    for e in act { clientCard(&w, c, episode: e) }
    w.raw("<h2>")
    w.text("Worth a look when planning (\(watch.count))")
    w.raw("</h2>")
    if watch.isEmpty {
      w.raw("<p>No other active client is flagged.</p>")
    } else {
      w.raw("<ul class=\"watch\">")
      for e in watch { watchItem(&w, c, episode: e) }
      w.raw("</ul>")
    }
    caseloadTable(&w, c, clinician: k)
    transferredTable(&w, c, clinician: k)
    PageFrame.close(&w, content: c)
    return w.finish()
  }

  static func summary(_ w: inout HTMLWriter, _ c: ReportContent, clinician k: Int) {
    let now = c.aggregates.measures(level: .clinician, group: k, window: 11, slot: 0)
    w.raw("<div class=\"cards\">")
    PageFrame.card(&w, label: "Active episodes", value: "\(c.caseloads[k].count)", sub: "on \(c.asOf)")
    let act = c.actCount(clinician: k)
    PageFrame.card(&w, label: "Need a conversation", value: "\(act)", sub: "this week, listed first")
    PageFrame.card(&w, label: "Worth a look", value: "\(c.worklistCount(clinician: k) - act)", sub: "when planning, listed after")
    PageFrame.card(&w, label: "Clients seen this month", value: "\(now.clientsSeen)", sub: "\(now.episodesStarted) started, \(now.episodesFinished) finished")
    if let slot = c.aggregates.primarySlot {
      let name = c.registry.instruments[c.aggregates.instruments[slot - 1]].name
      let year = c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: slot)
      PageFrame.card(
        &w, label: "Recovered on \(name), 12 months", value: Show.percent(year.recovery?.rate),
        sub: year.recovery == nil ? "no finished episode in the clinical range" : "\(year.recovered) of \(year.clinicalAtIntake); 95% interval \(Show.interval(year.recovery))")
    }
    w.raw("</div>")
  }

  static func clientCard(_ w: inout HTMLWriter, _ c: ReportContent, episode e: Int) {
    let episode = c.table.episodes[e]
    let urgency = c.episodeUrgency[e]
    w.raw("<section class=\"client u")
    w.integer(Int(urgency))
    w.raw("\"><h3>Client ")
    w.text(c.clientID(e))
    if !c.episodeID(e).isEmpty {
      w.raw(" · episode ")
      w.text(c.episodeID(e))
    }
    ClientSheets.writeLink(&w, c, episode: e)
    w.raw(" <span class=\"tag urgent\">")
    w.text(ReasonWords.urgencyWords[urgency] ?? "")
    w.raw("</span></h3><p class=\"muted\">")
    w.raw("first score ")
    w.date(episode.firstDate)
    w.raw(" · last score ")
    w.date(episode.lastDate)
    if !c.siteID(e).isEmpty {
      w.raw(" · site ")
      w.text(c.siteID(e))
    }
    w.raw("</p><ul class=\"reasons\">")
    var reasons = WorklistReasons()
    for s in episode.series where c.analysis.series[s].needsReview { reasons.formUnion(c.analysis.series[s].reasons) }
    for reason in ReasonWords.order where reasons.contains(WorklistReasons(reason)) {
      w.raw("<li>")
      w.text(ReasonWords.sentence(reason, parameters: c.parameters))
      if reason == .riskItem {
        let answers = episode.series.flatMap { c.events(ofSeries: $0) }.filter { $0.kind == .riskItem }
        w.text(" " + answers.map { "Session \($0.session): \($0.items ?? "")." }.joined(separator: " "))
      }
      w.raw("</li>")
    }
    w.raw("</ul><div class=\"series\">")
    for s in episode.series { seriesFigure(&w, c, series: s) }
    w.raw("</div></section>\n")
  }

  /// One line for an episode of the watch tier: the client, the most urgent reason in words, and the
  /// outcome measures' first and latest scores.
  static func watchItem(_ w: inout HTMLWriter, _ c: ReportContent, episode e: Int) {
    let episode = c.table.episodes[e]
    w.raw("<li><strong>Client ")
    w.text(c.clientID(e))
    if !c.episodeID(e).isEmpty {
      w.raw(" · episode ")
      w.text(c.episodeID(e))
    }
    w.raw("</strong> <span class=\"tag\">")
    w.text(ReasonWords.urgencyWords[c.episodeUrgency[e]] ?? "")
    w.raw("</span> ")
    var reasons = WorklistReasons()
    for s in episode.series where c.analysis.series[s].needsReview { reasons.formUnion(c.analysis.series[s].reasons) }
    let sentences = ReasonWords.order.filter { reasons.contains(WorklistReasons($0)) }
    w.text(sentences.map { ReasonWords.sentence($0, parameters: c.parameters) }.joined(separator: " "))
    for s in episode.series where c.instrument(ofSeries: s).kind == .outcome {
      let r = c.analysis.series[s]
      w.raw(" <span class=\"muted\">")
      w.text(c.instrument(ofSeries: s).name)
      w.raw(" ")
      w.score(r.intake)
      w.raw(" → ")
      w.score(r.latest)
      w.raw("</span>")
    }
    w.raw("</li>\n")
  }

  /// One series' sparkline and caption.
  static func seriesFigure(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int) {
    let series = c.table.series[s]
    let instrument = c.instrument(ofSeries: s)
    let r = c.analysis.series[s]
    var sessions = c.table.session[series.scores]
    var scores = c.table.score[series.scores]
    if series.scores.count > maximumPoints {
      let n = series.scores.count
      let indices = (0..<maximumPoints).map { series.scores.lowerBound + $0 * (n - 1) / (maximumPoints - 1) }
      sessions = ArraySlice(indices.map { c.table.session[$0] })
      scores = ArraySlice(indices.map { c.table.score[$0] })
    }
    var band: [(session: Int32, low: Double, mid: Double, high: Double)] = []
    if instrument.kind == .outcome, let model = c.models[Int(series.instrument)], r.intake.isFinite,
      let first = sessions.first, let last = sessions.last
    {
      let step = max(1, Int(last - first) / maximumPoints)
      band.reserveCapacity(Int(last - max(first, 1)) / step + 1)
      for t in stride(from: Int(max(first, 1)), through: Int(last), by: step) {
        guard let mid = model.expected(session: Double(t), intake: r.intake), let spread = model.spread(session: Double(t)) else { continue }
        let half = c.parameters.signalYellow * spread
        band.append((Int32(t), mid - half, mid, mid + half))
      }
    }
    let marks: [Charts.Mark] = c.events(ofSeries: s).map { event in
      switch event.kind {
      case .suddenGain: .init(session: event.session, letter: "G", title: "sudden gain of \(Show.score(event.magnitude)) points at session \(event.session)")
      case .suddenLoss: .init(session: event.session, letter: "L", title: "sudden loss of \(Show.score(event.magnitude)) points at session \(event.session)")
      case .rupture:
        .init(session: event.session, letter: "R", title: "rupture at session \(event.session): dropped \(Show.score(event.magnitude))\(event.repaired == true ? ", repaired" : ", not repaired")")
      case .riskItem: .init(session: event.session, letter: "!", title: "risk item answered at session \(event.session): \(event.items ?? "")")
      }
    }
    let reference = instrument.kind == .outcome ? instrument.clinicalCutoff?.value : instrument.allianceCutoff?.value
    w.raw("<figure>")
    Charts.sparkline(
      &w, title: { caption(&$0, instrument, r) }, sessions: sessions, scores: scores,
      range: instrument.minimum...max(instrument.maximum, instrument.minimum + 1),
      expected: band, reference: reference, marks: marks, colour: instrument.kind == .outcome ? Palette.blue : Palette.purple,
      marker: instrument.kind == .outcome ? "dot-outcome" : "dot-alliance")
    w.raw("<figcaption>")
    caption(&w, instrument, r)
    ReportContent.writeGoal(&w, c, series: s)
    w.text(instrument.direction == .lowerIsBetter ? " (lower is better)" : " (higher is better)")
    if instrument.kind == .outcome {
      w.raw(" ")
      PageFrame.signalTag(&w, r.signal)
    }
    w.raw("</figcaption></figure>")
  }

  /// A series in words, written twice (the picture's title and its caption): for an outcome,
  /// `PHQ-9: 18 → 11 over 8 scores, expected 12.5; reliable improvement; 1 sudden gain`; for an
  /// alliance measure, `SRS (alliance): latest 36, mean 35.2; 1 rupture, 1 repaired`. Escaped piece
  /// by piece, which is the escaping of the whole.
  static func caption(_ w: inout HTMLWriter, _ instrument: Instrument, _ r: SeriesResult) {
    w.text(instrument.name)
    if instrument.kind == .outcome {
      w.raw(": ")
      w.score(r.intake)
      w.raw(" → ")
      w.score(r.latest)
      w.raw(" over ")
      w.integer(r.scoreCount)
      w.raw(" scores")
      if let expected = r.expected {
        w.raw(", expected ")
        w.number(expected, 1)
      }
      if let category = r.clinical?.category {
        w.raw("; ")
        w.text(ReasonWords.category(category))
      }
      if let level = r.stall?.level, level != .none {
        w.raw("; ")
        w.text(ReasonWords.stall(level))
      }
      if r.suddenGains > 0 {
        w.raw("; ")
        w.integer(r.suddenGains)
        w.raw(r.suddenGains == 1 ? " sudden gain" : " sudden gains")
      }
      if r.suddenLosses > 0 {
        w.raw("; ")
        w.integer(r.suddenLosses)
        w.raw(r.suddenLosses == 1 ? " sudden loss" : " sudden losses")
      }
    } else {
      w.raw(" (alliance): latest ")
      w.score(r.latest)
      w.raw(", mean ")
      w.number(r.allianceMean, 1)
      if r.ruptures > 0 {
        w.raw("; ")
        w.integer(r.ruptures)
        w.raw(r.ruptures == 1 ? " rupture, " : " ruptures, ")
        w.integer(r.rupturesRepaired)
        w.raw(" repaired")
      }
      if r.lowAlliance == true { w.raw("; below the cutoff") }
    }
  }

  static func legend(_ w: inout HTMLWriter, _ c: ReportContent) {
    w.raw("<p class=\"note\">How to read the pictures: dots are scores by session; the shaded band is the course expected for clients who started at the same score, with the dashed line in it the expected score, and the band as wide as the yellow signal; the dotted grey line is the clinical cutoff (outcome) or the alliance cutoff. Circled letters mark a sudden gain (G), a sudden loss (L) and an alliance rupture (R). Signals at the latest score: ")
    w.text([TreatmentSignal.green, .yellow, .red, .white].map { ReasonWords.signal($0) }.joined(separator: "; "))
    w.raw(".</p>")
  }

  static func caseloadTable(_ w: inout HTMLWriter, _ c: ReportContent, clinician k: Int) {
    w.raw("<h2>")
    w.text("Caseload: \(c.caseloads[k].count) active episodes")
    w.raw("</h2><table>")
    PageFrame.header(&w, ["client", "episode", "first score", "last score", "outcome (first → latest)", "signal", "alliance (latest)", "on the worklist"])
    w.raw("<tbody>")
    for e in c.caseloads[k] {
      let episode = c.table.episodes[e]
      episodeCells(&w, c, episode: e)
      // Outcome series, then the most severe signal among them, then alliance series; each list
      // "name first → latest (category)" or "name latest (low)", joined by "; ", or "–" when empty.
      var signal: TreatmentSignal?
      var listed = 0
      w.raw("<td>")
      for s in episode.series where c.instrument(ofSeries: s).kind == .outcome {
        let r = c.analysis.series[s]
        if listed > 0 { w.raw("; ") }
        listed += 1
        w.text(c.instrument(ofSeries: s).name)
        ReportContent.writeGoal(&w, c, series: s)
        w.raw(" ")
        w.score(r.intake)
        w.raw(" → ")
        w.score(r.latest)
        if let category = r.clinical?.category {
          w.raw(" (")
          w.text(ReasonWords.category(category))
          w.raw(")")
        }
        if let s = r.signal, signal == nil || s.severity > signal!.severity { signal = s }
      }
      w.raw(listed == 0 ? "–</td><td>" : "</td><td>")
      PageFrame.signalTag(&w, signal)
      w.raw("</td><td>")
      listed = 0
      for s in episode.series where c.instrument(ofSeries: s).kind == .alliance {
        let r = c.analysis.series[s]
        if listed > 0 { w.raw("; ") }
        listed += 1
        w.text(c.instrument(ofSeries: s).name)
        w.raw(" ")
        w.score(r.latest)
        if r.lowAlliance == true { w.raw(" (low)") }
      }
      w.raw(listed == 0 ? "–</td>" : "</td>")
      PageFrame.cell(&w, c.episodeUrgency[e] > 0 ? (ReasonWords.urgencyWords[c.episodeUrgency[e]] ?? "yes") : "")
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")
  }
}

extension ClinicianPage {
  /// The active episodes that moved from this clinician to another (their later scores are the
  /// other clinician's): listed so that the earlier clinician still sees them, as transferred.
  static func transferredTable(_ w: inout HTMLWriter, _ c: ReportContent, clinician k: Int) {
    guard !c.transferred[k].isEmpty else { return }
    w.raw("<h2>")
    w.text("Transferred to another clinician: \(c.transferred[k].count) active episodes")
    w.raw("</h2><table>")
    PageFrame.header(&w, ["client", "episode", "first score", "last score", "now with", "on the worklist"])
    w.raw("<tbody>")
    for e in c.transferred[k] {
      let now = c.clinicianID(Int(c.table.episodes[e].clinician))
      episodeCells(&w, c, episode: e)
      PageFrame.cell(&w, now.isEmpty ? "(no clinician)" : now)
      PageFrame.cell(&w, c.episodeUrgency[e] > 0 ? (ReasonWords.urgencyWords[c.episodeUrgency[e]] ?? "yes") : "")
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")
  }
}

extension ClinicianPage {
  /// The start of an episode's table row: `<tr>`, client, episode, first and last score dates.
  static func episodeCells(_ w: inout HTMLWriter, _ c: ReportContent, episode e: Int) {
    let episode = c.table.episodes[e]
    w.raw("<tr><td>")
    w.text(c.clientID(e))
    ClientSheets.writeLink(&w, c, episode: e)
    w.raw("</td>")
    PageFrame.cell(&w, c.episodeID(e))
    w.raw("<td>")
    w.date(episode.firstDate)
    w.raw("</td><td>")
    w.date(episode.lastDate)
    w.raw("</td>")
  }
}

extension TreatmentSignal {
  /// white 0, green 1, yellow 2, red 3.
  var severity: Int {
    switch self {
    case .white: 0
    case .green: 1
    case .yellow: 2
    case .red: 3
    }
  }
}
