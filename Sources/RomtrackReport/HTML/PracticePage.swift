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
    GoalSection.write(&w, content)
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
    let monthName = Show.month(c.month)
    w.raw("<h2>This month at a glance</h2><div class=\"cards\">")
    func count(_ label: String, _ a: Int32, _ b: Int32) {
      PageFrame.card(&w, label: label, value: "\(a)", sub: "\(Show.change(Int(a) - Int(b))) from \(previous) (\(b))")
    }
    count("Clients seen in \(monthName)", now.clientsSeen, before.clientsSeen)
    count("Episodes open at some time in \(monthName)", now.episodesActive, before.episodesActive)
    count("Episodes started", now.episodesStarted, before.episodesStarted)
    count("Episodes finished (ended with two or more scores)", now.episodesFinished, before.episodesFinished)
    let needReview = c.episodeUrgency.indices.reduce(0) {
      $0 + (c.episodeUrgency[$1] >= WorklistPriority.actFrom && c.table.episodes[$1].status == .active ? 1 : 0)
    }
    let active = c.table.episodes.reduce(0) { $0 + ($1.status == .active ? 1 : 0) }
    PageFrame.card(&w, label: "Need a conversation", value: "\(needReview)", sub: "of the \(active) episodes still open on \(c.asOf)")
    count("Off track (yellow or red)", now.offTrack, before.offTrack)
    count("Reliably deteriorating", now.deteriorating, before.deteriorating)
    count("Unrepaired alliance ruptures", now.unrepairedRuptures, before.unrepairedRuptures)
    w.raw("</div>")
    let headline = Headline(c)
    let year = practice(c, window: AggregateTable.trailingYear, slot: headline.slot)
    let m = practice(c, window: 11, slot: headline.slot)
    let b = practice(c, window: 10, slot: headline.slot)
    w.raw("<h3>")
    w.text("NHS Talking Therapies outcomes on \(headline.name), courses finished in the last 12 months")
    w.raw("</h3><p class=\"note\">")
    w.text(headline.note)
    w.raw("</p><div class=\"cards\">")
    func rate(
      _ label: String, _ f: (GroupMeasures) -> WilsonInterval?, _ k: Int32, _ n: Int32, of denominator: String
    ) {
      guard let y = f(year) else {
        PageFrame.card(&w, label: label, value: "–", sub: "no \(denominator) in the last 12 months")
        return
      }
      var sub = "95% interval \(Show.interval(y)); \(k) of \(n) \(denominator)."
      if f(m) != nil || f(b) != nil {
        sub += " \(Show.shortMonth(c.month)) \(Show.percent(f(m)?.rate)), \(Show.shortMonth(c.aggregates.months[10])) \(Show.percent(f(b)?.rate))"
      }
      PageFrame.card(&w, label: label, value: Show.percent(y.rate), sub: sub)
    }
    let atCaseness = "finished courses at caseness at intake"
    rate("NHS recovery", \.talkingRecovery, year.talkingRecovered, year.talkingCaseness, of: atCaseness)
    rate("NHS reliable improvement", \.talkingReliableImprovement, year.talkingReliablyImproved, year.talkingFinished, of: "finished courses")
    rate("NHS reliable recovery", \.talkingReliableRecovery, year.talkingReliablyRecovered, year.talkingCaseness, of: atCaseness)
    rate("NHS reliable deterioration", \.talkingReliableDeterioration, year.talkingReliablyDeteriorated, year.talkingFinished, of: "finished courses")
    let all = practice(c, window: AggregateTable.trailingYear)
    rate("Drop-out (unplanned endings)", \.dropout, all.droppedOut, all.episodesEnded, of: "episodes ended")
    if let slot = c.aggregates.primarySlot {
      let primary = practice(c, window: AggregateTable.trailingYear, slot: slot)
      PageFrame.card(
        &w, label: "Pre-post effect size d, \(c.registry.instruments[c.aggregates.instruments[slot - 1]].name)",
        value: Show.number(primary.effectSize, 2),
        sub: primary.effectCount > 0 ? "\(primary.effectCount) finished courses; larger is more improvement" : "no finished courses in the last 12 months")
    }
    w.raw("</div>")
  }

  /// What the headline NHS rates are on: the configured pair when some course finished with paired
  /// flags in the 12 months (NHS Talking Therapies' own headline), else the primary measure alone.
  struct Headline {
    var slot: Int
    var name: String
    var note: String

    init(_ c: ReportContent) {
      let pair = "\(c.parameters.pair.first) + \(c.parameters.pair.second)"
      let year = c.aggregates.measures(level: .practice, group: 0, window: AggregateTable.trailingYear, slot: 0)
      if year.talkingFinished > 0 || c.aggregates.primarySlot == nil {
        (slot, name) = (0, "the \(pair) pair")
        note = "As NHS Digital defines them, on both measures together: at caseness when either is at or beyond its cutoff; recovered when at caseness at the first score and neither is at the last; reliably improved when one improved by more than measurement error and neither deteriorated. Only courses with two or more scores on both measures count."
      } else {
        let s = c.aggregates.primarySlot!
        (slot, name) = (s, c.registry.instruments[c.aggregates.instruments[s - 1]].name + " alone")
        note = "No course finished with two or more scores on both \(pair) in the last 12 months, so the rates are on the measure with the most finished courses, as NHS Digital defines them for one measure."
      }
      note += " Recovery and reliable recovery count only courses at caseness at intake; reliable improvement and deterioration count every finished course."
    }
  }

  static func trends(_ w: inout HTMLWriter, _ c: ReportContent) {
    let months = c.aggregates.months
    let cells = (0..<12).map { practice(c, window: $0) }
    w.raw("<h2>The last 12 months</h2><div class=\"charts\"><figure>")
    w.raw("<figcaption>Clients seen and episodes open per month</figcaption>")
    Charts.trend(
      &w, title: "Clients seen and episodes open per month", months: months,
      lines: [
        .init(label: "clients seen", values: cells.map { Double($0.clientsSeen) }, colour: Palette.blue),
        .init(label: "episodes open", values: cells.map { Double($0.episodesActive) }, colour: Palette.orange, dash: "5 3"),
      ], percent: false)
    w.raw("</figure><figure><figcaption>Episodes started and finished per month</figcaption>")
    Charts.trend(
      &w, title: "Episodes started and finished per month", months: months,
      lines: [
        .init(label: "started", values: cells.map { Double($0.episodesStarted) }, colour: Palette.blue),
        .init(label: "finished", values: cells.map { Double($0.episodesFinished) }, colour: Palette.green, dash: "5 3"),
      ], percent: false)
    w.raw("</figure>")
    let headline = Headline(c)
    let rates = (0..<12).map { practice(c, window: $0, slot: headline.slot) }
    func band(_ f: (GroupMeasures) -> WilsonInterval?) -> [(Double, Double)?] { rates.map { f($0).map { ($0.lower, $0.upper) } } }
    w.raw("<figure><figcaption>")
    w.text("NHS recovery and reliable improvement on \(headline.name), of courses finished that month")
    w.raw("</figcaption>")
    Charts.trend(
      &w, title: "NHS recovery and reliable improvement rates per month, \(headline.name)", months: months,
      lines: [
        .init(label: "NHS recovery", values: rates.map { $0.talkingRecovery?.rate }, colour: Palette.green, band: band(\.talkingRecovery)),
        .init(label: "NHS reliable improvement", values: rates.map { $0.talkingReliableImprovement?.rate }, colour: Palette.blue, dash: "5 3"),
      ], percent: true)
    w.raw("</figure><figure><figcaption>")
    w.text("NHS reliable deterioration on \(headline.name), of courses finished that month")
    w.raw("</figcaption>")
    Charts.trend(
      &w, title: "NHS reliable deterioration rate per month, \(headline.name)", months: months,
      lines: [.init(label: "NHS reliable deterioration", values: rates.map { $0.talkingReliableDeterioration?.rate }, colour: Palette.vermillion, band: band(\.talkingReliableDeterioration))],
      percent: true)
    w.raw("</figure><figure><figcaption>Drop-out: unplanned endings, of episodes ended that month</figcaption>")
    Charts.trend(
      &w, title: "Drop-out rate per month", months: months,
      lines: [.init(label: "drop-out", values: cells.map { $0.dropout?.rate }, colour: Palette.orange, band: cells.map { $0.dropout.map { ($0.lower, $0.upper) } })],
      percent: true)
    w.raw("</figure>")
    w.raw("</div><p class=\"note\">")
    w.text("Monthly rates rest on the few episodes that finished that month: read the trend and the interval, not one month's point. Drop-out in the last two months is too low: an episode without a discharge date counts as ended (at its last score) only after \(c.parameters.endedAfterDays) days without a score, so recent drop-outs are not known yet.")
    w.raw("</p>")
  }

  static func outcomes(_ w: inout HTMLWriter, _ c: ReportContent) {
    w.raw("<h2>Outcomes of courses finished in the last 12 months</h2>")
    guard !c.aggregates.instruments.isEmpty else {
      w.raw("<p>No outcome measure in the data: there are no outcomes to show.</p>")
      return
    }
    w.raw("<p class=\"note\">Each bar puts every finished course on one measure in one category (Jacobson &amp; Truax 1991), as a share of all finished courses. Its &ldquo;recovered&rdquo; needs reliable improvement too, so it is NHS reliable recovery on that measure, over all finished courses; the NHS rates in the table below divide recovery by the courses at caseness at intake only, so the percentages differ.</p>")
    for slot in 1..<c.aggregates.slotCount {
      let name = c.registry.instruments[c.aggregates.instruments[slot - 1]].name
      let m = practice(c, window: AggregateTable.trailingYear, slot: slot)
      w.raw("<h3>")
      w.text("\(name): \(m.episodesFinished) finished courses with two or more scores")
      w.raw("</h3>")
      guard m.episodesFinished > 0 else {
        w.raw("<p class=\"note\">No course on this measure finished in the last 12 months.</p>")
        continue
      }
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
          return .init(label: barLabel(category), count: count, colour: Palette.category(category))
        })
    }
    let columns = [
      "measure", "finished courses", "at caseness at intake", "NHS recovery", "NHS reliable improvement",
      "NHS reliable recovery", "NHS reliable deterioration", "effect size d", "mean scores per episode",
    ]
    // Nine columns: laid out row by row on a tablet too (`wide`).
    w.raw("<table class=\"responsive wide\">")
    PageFrame.header(&w, columns, numeric: [1, 2, 7, 8])
    w.raw("<tbody>")
    let pairName = "\(c.parameters.pair.first) + \(c.parameters.pair.second) pair"
    for slot in 0..<c.aggregates.slotCount {
      let m = practice(c, window: AggregateTable.trailingYear, slot: slot)
      if slot == 0 && m.talkingFinished == 0 { continue }
      w.raw("<tr>")
      labelled(&w, columns[0], slot == 0 ? pairName : c.registry.instruments[c.aggregates.instruments[slot - 1]].name)
      labelled(&w, columns[1], "\(m.talkingFinished)", numeric: true)
      labelled(&w, columns[2], "\(m.talkingCaseness)", numeric: true)
      labelled(&w, columns[3], PageFrame.rate(m.talkingRecovery, m.talkingRecovered, m.talkingCaseness))
      labelled(&w, columns[4], PageFrame.rate(m.talkingReliableImprovement, m.talkingReliablyImproved, m.talkingFinished))
      labelled(&w, columns[5], PageFrame.rate(m.talkingReliableRecovery, m.talkingReliablyRecovered, m.talkingCaseness))
      labelled(&w, columns[6], PageFrame.rate(m.talkingReliableDeterioration, m.talkingReliablyDeteriorated, m.talkingFinished))
      labelled(&w, columns[7], slot == 0 ? "–" : Show.number(m.effectSize, 2), numeric: true)
      labelled(&w, columns[8], slot == 0 ? "–" : Show.number(m.meanSessions, 1), numeric: true)
      w.raw("</tr>")
    }
    w.raw("</tbody></table><p class=\"note\">Finished courses here are those the NHS flags can be set for (a caseness cutoff and a reliable-change threshold). A measure without a caseness cutoff shows no NHS rates.</p>")
  }

  /// The bars' category names, saying which rate the first two are (the clinician pages keep the
  /// shorter `ReasonWords.category`).
  static func barLabel(_ category: OutcomeCategory) -> String {
    switch category {
    case .recovered: "reliably recovered (NHS reliable recovery)"
    case .improved: "reliably improved, not recovered"
    default: ReasonWords.category(category)
    }
  }

  /// A table cell that carries its column's name, shown beside the value when a narrow screen lays
  /// the table out row by row.
  static func labelled(_ w: inout HTMLWriter, _ label: String, _ value: String, numeric: Bool = false, span: Int = 1) {
    w.raw(numeric ? "<td class=\"n\"" : "<td")
    w.attribute("data-label", label)
    if span > 1 { w.raw(markup: " colspan=\"\(span)\"") }
    w.raw(">")
    w.text(value)
    w.raw("</td>")
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
    w.raw("<h2>Clinicians</h2><p class=\"note\">")
    w.text("Caseload on \(c.asOf) and this month; drop-out over the episodes ended in the last 12 months. Each clinician's page lists their worklist client by client.")
    w.raw("</p>")
    let columns = ["clinician", "episodes open", "need a conversation", "off track", "unrepaired ruptures", "drop-out (12 months)"]
    w.raw("<table class=\"responsive\">")
    PageFrame.header(&w, columns, numeric: [1, 2, 3, 4])
    w.raw("<tbody>")
    var shown: [Int] = []
    for k in c.cliniciansInOrder {
      let now = c.aggregates.measures(level: .clinician, group: k, window: 11, slot: 0)
      let year = c.aggregates.measures(level: .clinician, group: k, window: AggregateTable.trailingYear, slot: 0)
      guard !c.caseloads[k].isEmpty || year.episodesActive > 0 else { continue }
      shown.append(k)
      w.raw("<tr><td")
      w.attribute("data-label", columns[0])
      w.raw("><a")
      w.attribute("href", SafeFileName.clinicianPage(c.clinicianID(k)))
      w.raw(">")
      w.text(clinicianName(c, k))
      w.raw("</a></td>")
      labelled(&w, columns[1], "\(c.caseloads[k].count)", numeric: true)
      labelled(&w, columns[2], "\(c.actCount(clinician: k))", numeric: true)
      labelled(&w, columns[3], "\(now.offTrack)", numeric: true)
      labelled(&w, columns[4], "\(now.unrepairedRuptures)", numeric: true)
      labelled(&w, columns[5], dropout(year))
      w.raw("</tr>")
    }
    w.raw("</tbody></table><p class=\"note\">")
    w.text("Episodes open and need a conversation are on \(c.asOf); off track and unrepaired ruptures count the episodes open this month.")
    w.raw("</p>")
    comparisons(&w, c, level: .clinician, groups: shown.map { ($0, clinicianName(c, $0)) }, title: "Clinicians' outcomes, on each measure they use")
  }

  static func clinicianName(_ c: ReportContent, _ k: Int) -> String {
    c.clinicianID(k).isEmpty ? "(no clinician)" : c.clinicianID(k)
  }

  /// A group's drop-out rate over the year, or "too few to compare" below the minimum of ended episodes.
  static func dropout(_ m: GroupMeasures) -> String {
    guard m.episodesEnded >= AggregateTable.fewestToCompare else { return tooFew(m.episodesEnded, "ended") }
    return PageFrame.rate(m.dropout, m.droppedOut, m.episodesEnded)
  }

  static func tooFew(_ n: Int32, _ what: String) -> String {
    "too few to compare (\(n) \(what); the least is \(AggregateTable.fewestToCompare))"
  }

  /// Each group's outcomes over the last 12 months on every measure it used (and on the pair), with
  /// its severity-adjusted effect size; a group under the minimum of finished courses reads "too few
  /// to compare".
  static func comparisons(
    _ w: inout HTMLWriter, _ c: ReportContent, level: AggregateTable.Level, groups: [(Int, String)], title: String
  ) {
    w.raw("<h3>")
    w.text(title)
    w.raw("</h3>")
    let columns = [level == .clinician ? "clinician" : "site", "measure", "finished courses (12 months)", "NHS recovery", "NHS reliable deterioration", "effect size d adjusted for starting severity"]
    w.raw("<table class=\"responsive\">")
    PageFrame.header(&w, columns, numeric: [2])
    w.raw("<tbody>")
    let pairName = "\(c.parameters.pair.first) + \(c.parameters.pair.second) pair"
    var rows = 0
    for (k, name) in groups {
      for slot in 0..<c.aggregates.slotCount {
        let year = c.aggregates.measures(level: level, group: k, window: AggregateTable.trailingYear, slot: slot)
        let finished = slot == 0 ? year.talkingFinished : year.episodesFinished
        guard slot == 0 ? year.talkingFinished > 0 : year.episodesActive > 0 else { continue }
        rows += 1
        w.raw("<tr>")
        labelled(&w, columns[0], name)
        labelled(&w, columns[1], slot == 0 ? pairName : c.registry.instruments[c.aggregates.instruments[slot - 1]].name)
        labelled(&w, columns[2], "\(finished)", numeric: true)
        if finished < AggregateTable.fewestToCompare {
          labelled(&w, "outcomes", tooFew(finished, "finished"), span: 3)
        } else {
          labelled(&w, columns[3], PageFrame.rate(year.talkingRecovery, year.talkingRecovered, year.talkingCaseness))
          labelled(&w, columns[4], PageFrame.rate(year.talkingReliableDeterioration, year.talkingReliablyDeteriorated, year.talkingFinished))
          let adjusted = c.aggregates.severityAdjusted(level: level, group: k, slot: slot)
          labelled(&w, columns[5], adjusted.map { "\(Show.number($0.d, 2)) (\(Show.number($0.lower, 2)) to \(Show.number($0.upper, 2)))" } ?? "–")
        }
        w.raw("</tr>")
      }
    }
    if rows == 0 { w.raw("<tr><td colspan=\"6\">No course finished and no episode open on any measure in the last 12 months.</td></tr>") }
    w.raw("</tbody></table>")
    w.raw("<p class=\"note\">")
    w.text("Every measure a \(level == .clinician ? "clinician" : "site") used in the last 12 months has its own row; a row with fewer than \(AggregateTable.fewestToCompare) finished courses says \"too few to compare\" rather than a rate that one client would swing. Adjusted d: each client's improvement is compared with the improvement of clients in this practice who started at the same score (a straight line fitted to all finished courses on the measure), and the average difference is added to the practice's own effect size d; 0.2 above the practice's d means more improvement than the practice's clients with the same starting scores. It takes out differences in starting severity only, not in diagnosis, how long problems have lasted, life circumstances or how clients were allocated; read it with its 95% interval, and treat overlapping intervals as no difference.")
    w.raw("</p>")
  }

  static func sites(_ w: inout HTMLWriter, _ c: ReportContent) {
    guard c.names.sites.count > 1 else { return }
    w.raw("<h2>Sites</h2>")
    let columns = ["site", "clients seen this month", "episodes open this month", "drop-out (12 months)"]
    w.raw("<table class=\"responsive\">")
    PageFrame.header(&w, columns, numeric: [1, 2])
    w.raw("<tbody>")
    var shown: [(Int, String)] = []
    for k in c.names.sites.indices.sorted(by: { c.names.sites[$0] < c.names.sites[$1] }) {
      let now = c.aggregates.measures(level: .site, group: k, window: 11, slot: 0)
      let year = c.aggregates.measures(level: .site, group: k, window: AggregateTable.trailingYear, slot: 0)
      guard year.episodesActive > 0 else { continue }
      let name = c.names.sites[k].isEmpty ? "(no site)" : c.names.sites[k]
      shown.append((k, name))
      w.raw("<tr>")
      labelled(&w, columns[0], name)
      labelled(&w, columns[1], "\(now.clientsSeen)", numeric: true)
      labelled(&w, columns[2], "\(now.episodesActive)", numeric: true)
      labelled(&w, columns[3], dropout(year))
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")
    comparisons(&w, c, level: .site, groups: shown, title: "Sites' outcomes, on each measure used there")
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
    row(
      "Episodes ended in the last 12 months with paired scores",
      year.episodesEnded == 0 ? "no episode ended in the last 12 months" : "\(year.episodesFinished) of \(year.episodesEnded) (\(Show.percent(year.paired?.rate)))")
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
      ("NHS recovery", "NHS Talking Therapies' recovery, as NHS Digital defines it: at caseness (at or beyond the measure's clinical cutoff) at the first score and not at the last. The rate is over finished courses that were at caseness at intake. NHS reliable recovery also needs reliable improvement; NHS reliable improvement and deterioration are over every finished course. On a pair, caseness is either measure at caseness, and recovery is neither measure at caseness at the end."),
      ("Recovered (bars)", "The bars' category: reliably improved and moved from the clinical range to outside it (Jacobson & Truax 1991), as a share of every finished course. It is NHS reliable recovery on that one measure; summary.csv's recovered and recovery_rate columns are this category, over courses in the clinical range at intake."),
      ("Drop-out", "An unplanned ending: the episode ended without a discharge date (no score for \(p.endedAfterDays) days), or was discharged after fewer than \(DropOutRule.fewestSessions) scored sessions. The rate is over the episodes that ended."),
      ("Too few to compare", "A clinician's or site's outcome rates are shown only on \(AggregateTable.fewestToCompare) or more finished courses on the measure; drop-out only on \(AggregateTable.fewestToCompare) or more ended episodes."),
      ("Effect size d", "The average improvement from first to last score, divided by the spread of first scores. Around 0.8 or more is a large change."),
      ("Signal", "Each score is compared with the course expected for clients who started at a similar score in this practice's own data. Green is on track, yellow behind it, red far behind it or reliably worse than at the start; white means recovered (out of the clinical range and reliably improved): time to plan the ending together."),
      ("Need a conversation", "Active episodes on the act tier of the worklist: a risk item, reliable deterioration, a red signal, stalled progress, an unrepaired rupture or lost contact. Yellow signals, low alliance and reviews are listed after them on each clinician's page, as worth a look. Talking about it with the client is what helps; the flag is a prompt, not a verdict."),
      ("Alliance ruptures", "A drop in the client's rating of the relationship of at least \(DecimalText.short(p.ruptureSD)) within-client SD from one session to the next; repaired when it comes back within \(p.repairWindow) sessions. An unrepaired rupture is the clinician's to raise."),
      ("95% interval", "The range the rate would likely fall in with more clients like these (Wilson's interval). Small groups give wide intervals; compare groups only when their intervals barely overlap. On a chart, the shaded band belongs to the line the legend names."),
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
