import RomtrackCore

/// index.html: the practice's monthly page. A practice lead should know in five minutes how the
/// service is doing and where it is stuck: headline figures against last month, 12-month trends,
/// outcomes of finished episodes, the signals of the active caseload, clinicians and sites, data
/// completeness, and what each figure means.
public enum PracticePage {
  public static func html(_ content: ReportContent) -> [UInt8] {
    var w = HTMLWriter(capacity: 128 * 1024)
    let month = content.month
    PageFrame.open(&w, title: "Monthly report \(Show.month(month))")
    w.raw("<header class=\"page\"><h1>")
    w.text("Monthly report: \(Show.month(month))")
    w.raw("</h1><p class=\"muted\">")
    let inputs = content.inputs.map { "\($0.path) (\($0.rowsRead) rows)" }.joined(separator: ", ")
    w.text("Scores up to \(content.asOf). Read from \(inputs). Rates are given with 95% intervals; small groups have wide ones.")
    w.raw("</p></header>\n")
    headline(&w, content)
    trends(&w, content)
    outcomes(&w, content)
    caseload(&w, content)
    clinicians(&w, content)
    sites(&w, content)
    completeness(&w, content)
    meaning(&w, content)
    PageFrame.close(&w, content: content)
    return w.finish()
  }

  static func practice(_ c: ReportContent, window: Int, slot: Int = 0) -> GroupMeasures {
    c.aggregates.measures(level: .practice, group: 0, window: window, slot: slot)
  }

  // MARK: - Sections

  static func headline(_ w: inout HTMLWriter, _ c: ReportContent) {
    let now = practice(c, window: 11)
    let before = practice(c, window: 10)
    let previous = Show.month(c.aggregates.months[10])
    w.raw("<h2>This month at a glance</h2><div class=\"cards\">")
    func count(_ label: String, _ a: Int32, _ b: Int32) {
      PageFrame.card(&w, label: label, value: "\(a)", sub: "\(Show.change(Int(a) - Int(b))) from \(previous) (\(b))")
    }
    count("Clients seen", now.clientsSeen, before.clientsSeen)
    count("Active episodes", now.episodesActive, before.episodesActive)
    count("Episodes started", now.episodesStarted, before.episodesStarted)
    count("Episodes finished", now.episodesFinished, before.episodesFinished)
    let needReview = c.episodeUrgency.indices.reduce(0) {
      $0 + (c.episodeUrgency[$1] >= WorklistPriority.actFrom && c.table.episodes[$1].status == .active ? 1 : 0)
    }
    let active = c.table.episodes.reduce(0) { $0 + ($1.status == .active ? 1 : 0) }
    PageFrame.card(&w, label: "Need a conversation", value: "\(needReview)", sub: "of \(active) episodes active on \(c.asOf)")
    count("Off track (yellow or red)", now.offTrack, before.offTrack)
    count("Reliably deteriorating", now.deteriorating, before.deteriorating)
    count("Unrepaired alliance ruptures", now.unrepairedRuptures, before.unrepairedRuptures)
    w.raw("</div>")
    guard let slot = c.aggregates.primarySlot else { return }
    let name = c.registry.instruments[c.aggregates.instruments[slot - 1]].name
    let year = practice(c, window: AggregateTable.trailingYear, slot: slot)
    let m = practice(c, window: 11, slot: slot)
    let b = practice(c, window: 10, slot: slot)
    w.raw("<h3>")
    w.text("Outcomes on \(name), episodes finished in the last 12 months")
    w.raw("</h3><div class=\"cards\">")
    func rate(_ label: String, _ y: WilsonInterval?, _ k: Int32, _ n: Int32, _ thisMonth: WilsonInterval?, _ lastMonth: WilsonInterval?) {
      PageFrame.card(
        &w, label: label, value: Show.percent(y?.rate),
        sub: "95% interval \(Show.interval(y)); \(k) of \(n). \(Show.shortMonth(c.month)) \(Show.percent(thisMonth?.rate)), \(Show.shortMonth(c.aggregates.months[10])) \(Show.percent(lastMonth?.rate))")
    }
    rate("Recovered", year.recovery, year.recovered, year.clinicalAtIntake, m.recovery, b.recovery)
    rate("Reliably improved", year.reliableImprovement, year.reliablyImproved, year.classified, m.reliableImprovement, b.reliableImprovement)
    rate("Reliably deteriorated", year.reliableDeterioration, year.reliablyDeteriorated, year.classified, m.reliableDeterioration, b.reliableDeterioration)
    PageFrame.card(&w, label: "Pre-post effect size d", value: Show.number(year.effectSize, 2), sub: "\(year.effectCount) finished episodes; larger is more improvement")
    w.raw("</div>")
  }

  static func trends(_ w: inout HTMLWriter, _ c: ReportContent) {
    let months = c.aggregates.months
    let cells = (0..<12).map { practice(c, window: $0) }
    w.raw("<h2>The last 12 months</h2><div class=\"charts\"><figure>")
    w.raw("<figcaption>Clients seen and active episodes per month</figcaption>")
    Charts.trend(
      &w, title: "Clients seen and active episodes per month", months: months,
      lines: [
        .init(label: "clients seen", values: cells.map { Double($0.clientsSeen) }, colour: Palette.blue),
        .init(label: "active episodes", values: cells.map { Double($0.episodesActive) }, colour: Palette.orange, dash: "5 3"),
      ], percent: false)
    w.raw("</figure><figure><figcaption>Episodes started and finished per month</figcaption>")
    Charts.trend(
      &w, title: "Episodes started and finished per month", months: months,
      lines: [
        .init(label: "started", values: cells.map { Double($0.episodesStarted) }, colour: Palette.blue),
        .init(label: "finished", values: cells.map { Double($0.episodesFinished) }, colour: Palette.green, dash: "5 3"),
      ], percent: false)
    w.raw("</figure>")
    if let slot = c.aggregates.primarySlot {
      let name = c.registry.instruments[c.aggregates.instruments[slot - 1]].name
      let rates = (0..<12).map { practice(c, window: $0, slot: slot) }
      func band(_ f: (GroupMeasures) -> WilsonInterval?) -> [(Double, Double)?] { rates.map { f($0).map { ($0.lower, $0.upper) } } }
      w.raw("<figure><figcaption>")
      w.text("Recovered and reliably improved, \(name), of episodes finished that month")
      w.raw("</figcaption>")
      Charts.trend(
        &w, title: "Recovery and reliable improvement rates per month, \(name)", months: months,
        lines: [
          .init(label: "recovered", values: rates.map { $0.recovery?.rate }, colour: Palette.green, band: band(\.recovery)),
          .init(label: "reliably improved", values: rates.map { $0.reliableImprovement?.rate }, colour: Palette.blue, dash: "5 3"),
        ], percent: true)
      w.raw("</figure><figure><figcaption>")
      w.text("Reliably deteriorated, \(name), of episodes finished that month")
      w.raw("</figcaption>")
      Charts.trend(
        &w, title: "Reliable deterioration rate per month, \(name)", months: months,
        lines: [.init(label: "reliably deteriorated", values: rates.map { $0.reliableDeterioration?.rate }, colour: Palette.vermillion, band: band(\.reliableDeterioration))],
        percent: true)
      w.raw("</figure>")
    }
    w.raw("</div><p class=\"note\">Monthly rates rest on the few episodes that finished that month: read the trend and the interval, not one month's point.</p>")
  }

  static func outcomes(_ w: inout HTMLWriter, _ c: ReportContent) {
    w.raw("<h2>Outcomes of episodes finished in the last 12 months</h2>")
    guard !c.aggregates.instruments.isEmpty else {
      w.raw("<p>No outcome instrument in the data.</p>")
      return
    }
    for slot in 1..<c.aggregates.slotCount {
      let name = c.registry.instruments[c.aggregates.instruments[slot - 1]].name
      let m = practice(c, window: AggregateTable.trailingYear, slot: slot)
      w.raw("<h3>")
      w.text("\(name): \(m.episodesFinished) finished episodes with paired scores")
      w.raw("</h3>")
      Charts.stackedBar(
        &w, title: "Outcome categories on \(name)",
        segments: OutcomeCategory.allCases.map { category in
          let count: Int
          switch category {
          case .recovered: count = Int(m.recovered)
          case .improved: count = Int(m.improved)
          case .unchanged: count = Int(m.unchanged)
          case .deteriorated: count = Int(m.deteriorated)
          case .harmed: count = Int(m.harmed)
          }
          return .init(label: ReasonWords.category(category), count: count, colour: Palette.category(category))
        })
    }
    w.raw("<table>")
    PageFrame.header(&w, ["instrument", "finished", "recovered", "reliably improved", "reliably deteriorated", "effect size d", "mean scores per episode"], numeric: [1, 5, 6])
    w.raw("<tbody>")
    for slot in 1..<c.aggregates.slotCount {
      let m = practice(c, window: AggregateTable.trailingYear, slot: slot)
      w.raw("<tr>")
      PageFrame.cell(&w, c.registry.instruments[c.aggregates.instruments[slot - 1]].name)
      PageFrame.cell(&w, "\(m.episodesFinished)", numeric: true)
      PageFrame.cell(&w, PageFrame.rate(m.recovery, m.recovered, m.clinicalAtIntake))
      PageFrame.cell(&w, PageFrame.rate(m.reliableImprovement, m.reliablyImproved, m.classified))
      PageFrame.cell(&w, PageFrame.rate(m.reliableDeterioration, m.reliablyDeteriorated, m.classified))
      PageFrame.cell(&w, Show.number(m.effectSize, 2), numeric: true)
      PageFrame.cell(&w, Show.number(m.meanSessions, 1), numeric: true)
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")
  }

  static func caseload(_ w: inout HTMLWriter, _ c: ReportContent) {
    w.raw("<h2>")
    w.text("The active caseload on \(c.asOf)")
    w.raw("</h2><p class=\"note\">Each outcome series of an active episode, by its expected-treatment-response signal at the latest score.</p>")
    MissingModelNote.write(&w, c)
    var counts: [Int: [TreatmentSignal: Int]] = [:]
    var none: [Int: Int] = [:]
    for (s, series) in c.table.series.enumerated() where c.table.episodes[series.episode].status == .active {
      let instrument = Int(series.instrument)
      guard c.registry.instruments[instrument].kind == .outcome else { continue }
      if let signal = c.analysis.series[s].signal {
        counts[instrument, default: [:]][signal, default: 0] += 1
      } else {
        none[instrument, default: 0] += 1
      }
    }
    for instrument in c.aggregates.instruments {
      w.raw("<h3>")
      w.text(c.registry.instruments[instrument].name)
      w.raw("</h3>")
      var segments = [TreatmentSignal.red, .yellow, .green, .white].map { signal in
        Charts.Segment(label: ReasonWords.signal(signal), count: counts[instrument]?[signal] ?? 0, colour: Palette.signal(signal))
      }
      segments.append(.init(label: "no signal yet (one score, or no expected course)", count: none[instrument] ?? 0, colour: "#F4F4F4"))
      Charts.stackedBar(&w, title: "Signals of active \(c.registry.instruments[instrument].name) series", segments: segments)
    }
  }

  static func clinicians(_ w: inout HTMLWriter, _ c: ReportContent) {
    w.raw("<h2>Clinicians</h2>")
    let slot = c.aggregates.primarySlot
    let name = slot.map { c.registry.instruments[c.aggregates.instruments[$0 - 1]].name } ?? ""
    w.raw("<p class=\"note\">")
    w.text("Caseload on \(c.asOf); outcomes on \(name.isEmpty ? "the outcome measure" : name) over the last 12 months. Each clinician's page lists their worklist client by client.")
    w.raw("</p><table>")
    PageFrame.header(
      &w, ["clinician", "active episodes", "need a conversation", "off track", "unrepaired ruptures", "finished (12 months)", "recovered", "reliably deteriorated"],
      numeric: [1, 2, 3, 4, 5])
    w.raw("<tbody>")
    for k in c.cliniciansInOrder {
      let now = c.aggregates.measures(level: .clinician, group: k, window: 11, slot: 0)
      let year = c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: slot ?? 0)
      guard !c.caseloads[k].isEmpty || year.episodesActive > 0 else { continue }
      let active = c.caseloads[k].count
      w.raw("<tr><td><a")
      w.attribute("href", SafeFileName.clinicianPage(c.clinicianID(k)))
      w.raw(">")
      w.text(c.clinicianID(k).isEmpty ? "(no clinician)" : c.clinicianID(k))
      w.raw("</a></td>")
      PageFrame.cell(&w, "\(active)", numeric: true)
      PageFrame.cell(&w, "\(c.actCount(clinician: k))", numeric: true)
      PageFrame.cell(&w, "\(now.offTrack)", numeric: true)
      PageFrame.cell(&w, "\(now.unrepairedRuptures)", numeric: true)
      PageFrame.cell(&w, "\(year.episodesFinished)", numeric: true)
      PageFrame.cell(&w, PageFrame.rate(year.recovery, year.recovered, year.clinicalAtIntake))
      PageFrame.cell(&w, PageFrame.rate(year.reliableDeterioration, year.reliablyDeteriorated, year.classified))
      w.raw("</tr>")
    }
    w.raw("</tbody></table><p class=\"note\">Off track and unrepaired ruptures count the episodes active this month. Clinicians see different clients: compare rates only with their intervals in view.</p>")
  }

  static func sites(_ w: inout HTMLWriter, _ c: ReportContent) {
    guard c.names.sites.count > 1 else { return }
    let slot = c.aggregates.primarySlot ?? 0
    w.raw("<h2>Sites</h2><table>")
    PageFrame.header(&w, ["site", "clients seen", "active episodes", "finished (12 months)", "recovered", "reliably improved", "reliably deteriorated"], numeric: [1, 2, 3])
    w.raw("<tbody>")
    for k in c.names.sites.indices.sorted(by: { c.names.sites[$0] < c.names.sites[$1] }) {
      let now = c.aggregates.measures(level: .site, group: k, window: 11, slot: 0)
      let year = c.aggregates.measures(level: .site, group: k, window: AggregateTable.trailingYear, slot: slot)
      guard year.episodesActive > 0 else { continue }
      w.raw("<tr>")
      PageFrame.cell(&w, c.names.sites[k].isEmpty ? "(no site)" : c.names.sites[k])
      PageFrame.cell(&w, "\(now.clientsSeen)", numeric: true)
      PageFrame.cell(&w, "\(now.episodesActive)", numeric: true)
      PageFrame.cell(&w, "\(year.episodesFinished)", numeric: true)
      PageFrame.cell(&w, PageFrame.rate(year.recovery, year.recovered, year.clinicalAtIntake))
      PageFrame.cell(&w, PageFrame.rate(year.reliableImprovement, year.reliablyImproved, year.classified))
      PageFrame.cell(&w, PageFrame.rate(year.reliableDeterioration, year.reliablyDeteriorated, year.classified))
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")
  }

  static func completeness(_ w: inout HTMLWriter, _ c: ReportContent) {
    let r = c.reconciliation
    let year = practice(c, window: AggregateTable.trailingYear)
    w.raw("<h2>Data completeness</h2><table><tbody>")
    func row(_ label: String, _ value: String) {
      w.raw("<tr>")
      PageFrame.cell(&w, label)
      PageFrame.cell(&w, value)
      w.raw("</tr>")
    }
    var rows = "\(r.rowsRead) read: \(r.rowsUsed) used, \(r.rowsRejected) rejected (listed in rejects.csv), \(r.duplicatesDropped) exact duplicates dropped"
    if r.rowsAfterAsOf > 0 { rows += ", \(r.rowsAfterAsOf) dated after \(c.asOf) set aside" }
    row("Rows", rows)
    if !r.rejectedByReason.isEmpty {
      row("Rejected, by reason", r.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    row("Missing scores kept as missing", "\(r.missingScores)")
    row("Episodes ended in the last 12 months with paired scores", "\(year.episodesFinished) of \(year.episodesEnded) (\(Show.percent(year.paired?.rate)))")
    var activeEpisodes = 0
    var withAlliance = 0
    for episode in c.table.episodes where episode.status == .active {
      activeEpisodes += 1
      if episode.series.contains(where: { c.instrument(ofSeries: $0).kind == .alliance }) { withAlliance += 1 }
    }
    row("Active episodes with an alliance measure", "\(withAlliance) of \(activeEpisodes) (\(Show.percent(activeEpisodes > 0 ? Double(withAlliance) / Double(activeEpisodes) : nil)))")
    let modelled = c.aggregates.instruments.filter { c.models[$0] != nil }.map { c.registry.instruments[$0].name }
    row("Expected-response model fitted for", modelled.isEmpty ? "none" : modelled.joined(separator: ", "))
    w.raw("</tbody></table>")
  }

  static func meaning(_ w: inout HTMLWriter, _ c: ReportContent) {
    let p = c.parameters
    w.raw("<h2>What the numbers mean</h2><dl class=\"explain\">")
    let items: [(String, String)] = [
      ("Clients seen, active, started, finished", "A client is seen in a month when they have a score dated in it. An episode is active in a month when it had begun and had not yet ended; it ends on its discharge date, or at its last score when no score follows for \(p.endedAfterDays) days. Finished episodes are ended ones with at least two scores: the ones outcomes can be judged on."),
      ("Reliable change", "A change larger than the questionnaire's measurement error could produce (Jacobson & Truax 1991). Reliably improved or deteriorated means the client really changed, not that the score wobbled."),
      ("Recovered", "Reliably improved and moved from the clinical range at the start to outside it at the end. The rate is over finished episodes that started in the clinical range."),
      ("Effect size d", "The average improvement from first to last score, divided by the spread of first scores. Around 0.8 or more is a large change."),
      ("Signal", "Each score is compared with the course expected for clients who started at a similar score in this practice's own data. Green is on track, yellow behind it, red far behind it or reliably worse than at the start; white means recovered (out of the clinical range and reliably improved): time to plan the ending together."),
      ("Need a conversation", "Active episodes on the act tier of the worklist: a risk item, reliable deterioration, a red signal, stalled progress, an unrepaired rupture or lost contact. Yellow signals, low alliance and reviews are listed after them on each clinician's page, as worth a look. Talking about it with the client is what helps; the flag is a prompt, not a verdict."),
      ("Alliance ruptures", "A drop in the client's rating of the relationship of at least \(DecimalText.short(p.ruptureSD)) within-client SD from one session to the next; repaired when it comes back within \(p.repairWindow) sessions. An unrepaired rupture is the clinician's to raise."),
      ("95% interval", "The range the rate would likely fall in with more clients like these. Small groups give wide intervals; compare groups only when their intervals barely overlap."),
    ]
    for (term, text) in items {
      w.raw("<dt>")
      w.text(term)
      w.raw("</dt><dd>")
      w.text(text)
      w.raw("</dd>")
    }
    w.raw("</dl>")
  }
}
