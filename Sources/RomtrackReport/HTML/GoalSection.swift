import RomtrackCore

/// The practice page's section on the clients' own goals (goal-based outcomes): shown only when the
/// input has goal ratings. See `GoalFigures` for what is counted.
enum GoalSection {
  static func write(_ w: inout HTMLWriter, _ c: ReportContent) {
    let f = GoalFigures(table: c.table, analysis: c.analysis, registry: c.registry, asOf: c.asOf)
    guard f.goals > 0 else { return }
    w.raw("<h2>Clients' goals in the last 12 months</h2><div class=\"cards\">")
    PageFrame.card(&w, label: "Goals rated", value: "\(f.goals)", sub: "by \(f.clients) clients; \(f.ratedTwice) rated twice or more")
    PageFrame.card(
      &w, label: "Moved forward reliably", value: Show.percent(WilsonInterval(successes: f.movedForward, trials: f.ratedTwice)?.rate),
      sub: "\(f.movedForward) of \(f.ratedTwice) goals rated twice or more")
    PageFrame.card(
      &w, label: "Moved back reliably", value: Show.percent(WilsonInterval(successes: f.movedBack, trials: f.ratedTwice)?.rate),
      sub: "\(f.movedBack) of \(f.ratedTwice)")
    PageFrame.card(
      &w, label: "Goals met", value: Show.percent(WilsonInterval(successes: f.met, trials: f.ratedTwice)?.rate),
      sub: "\(f.met) of \(f.ratedTwice) rated 10, \"goal reached\"")
    w.raw("</div><p class=\"note\">")
    w.text("Each goal a client set is rated from 0 (not met) to 10 (met). A goal moved reliably when its latest rating differs from its first by more than the measure's reliable change (GBO: 2.45 points, Edbrooke-Childs et al. 2015).")
    w.raw("</p>")
  }
}
