import RomtrackCore

/// clinicians/<id>/clients/<client>[.<episode>].html: one episode's progress sheet, for the client.
///
/// One page, in plain words and the second person, to look at together in a session: each outcome
/// measure over the sessions with the direction that means better, the range where most people not
/// seeking help score (the non-clinical side of the instrument's clinical cutoff, where it has one) and
/// the change since the first score in words, measured against the instrument's reliable-change
/// threshold (its "day-to-day wobble"); the alliance course with an invitation that puts the clinician
/// in charge of mending the relationship; the client's goals and their ratings; and room for notes.
///
/// Nothing about other clients, no practice figures, no signal colours or model terms, no risk-item
/// detail. Every picture has its numbers beside it in words, so nothing is told by colour alone; the
/// page prints on one A4 sheet and reflows to one column on a phone. The words come from
/// `ClientSheetWording`, and every value and every text is escaped.
public enum ClientSheet {
  /// The page of episode `e`.
  public static func html(_ c: ReportContent, episode e: Int, wording: ClientSheetWording = .builtIn) -> [UInt8] {
    var w = HTMLWriter(capacity: 12 * 1024)
    let t = wording
    let episode = c.table.episodes[e]
    w.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    w.raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
    w.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
    w.raw("<meta name=\"referrer\" content=\"no-referrer\"><title>")
    w.text(t.text("title"))
    w.raw("</title><style>")
    w.raw(markup: ClientSheetStyle.css)
    w.raw("</style></head><body><main class=\"sheet\">\n<header><h1>")
    w.text(t.text("title"))
    w.raw("</h1><p>")
    w.text(t.text("intro"))
    w.raw("</p><p class=\"who\">")
    w.text(t.text("scores_up_to", ["date": Show.date(episode.lastDate == ScoreRows.noDate ? c.asOf.days : episode.lastDate)]))
    w.raw(" <span class=\"id\">")
    w.text(c.clientID(e))
    if !c.episodeID(e).isEmpty {
      w.raw(" · ")
      w.text(c.episodeID(e))
    }
    w.raw("</span></p></header>\n")

    var outcomes: [Int] = []
    var alliance: [Int] = []
    var goals: [Int] = []
    for s in episode.series {
      let instrument = c.instrument(ofSeries: s)
      if c.isGoalSeries(s) {
        goals.append(s)
      } else if instrument.kind == .outcome {
        outcomes.append(s)
      } else {
        alliance.append(s)
      }
    }
    if !outcomes.isEmpty {
      section(&w, heading: t.text("measures_heading"), intro: nil, grid: "grid")
      for s in outcomes { outcomeBlock(&w, c, series: s, t) }
      w.raw("</div></section>\n")
    }
    section(&w, heading: t.text("alliance_heading"), intro: nil, grid: "grid")
    for s in alliance { allianceBlock(&w, c, series: s, t) }
    w.raw("<p class=\"invite\">")
    w.text(t.text("alliance_invite"))
    w.raw("</p></div></section>\n")
    if !goals.isEmpty {
      section(&w, heading: t.text("goals_heading"), intro: t.text("goals_intro"), grid: "grid goals")
      for s in goals { goalBlock(&w, c, series: s, t) }
      w.raw("</div></section>\n")
    }
    w.raw("<section class=\"notes\"><h2>")
    w.text(t.text("notes_heading"))
    w.raw("</h2><p>")
    w.text(t.text("notes_prompt"))
    w.raw("</p><div class=\"lines\" aria-hidden=\"true\"></div></section>\n<footer><p>")
    w.text(t.text("footer"))
    w.raw("</p></footer></main></body></html>\n")
    return w.finish()
  }

  /// Opens a section: its heading, a line under it, and the grid its blocks go in (closed by the
  /// caller with `</div></section>`).
  static func section(_ w: inout HTMLWriter, heading: String, intro: String?, grid: StaticString) {
    w.raw("<section><h2>")
    w.text(heading)
    w.raw("</h2>")
    if let intro {
      w.raw("<p>")
      w.text(intro)
      w.raw("</p>")
    }
    w.raw("<div class=\"")
    w.raw(grid)
    w.raw("\">")
  }

  /// An outcome measure: its picture, which way is better, the usual range, the change and the scores.
  static func outcomeBlock(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int, _ t: ClientSheetWording) {
    let instrument = c.instrument(ofSeries: s)
    let name = displayName(instrument)
    let usual = usualRange(instrument)
    w.raw("<div class=\"block\"><h3>")
    w.text(name)
    w.raw("</h3>")
    ClientSheetChart.draw(&w, c, series: s, usual: usual, t: t)
    w.raw("<p>")
    w.text(t.text(instrument.direction == .lowerIsBetter ? "lower_is_better" : "higher_is_better", ["measure": name]))
    if let usual {
      w.raw(" ")
      w.text(t.text("usual_range", ["range": usual.words(t)]))
    }
    w.raw("</p>")
    changeLine(&w, c, series: s, t)
    scoresLine(&w, c, series: s, t)
    w.raw("</div>")
  }

  /// An alliance measure: its picture, the latest rating, and each dip (rupture) in plain words.
  static func allianceBlock(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int, _ t: ClientSheetWording) {
    let instrument = c.instrument(ofSeries: s)
    let name = displayName(instrument)
    let r = c.analysis.series[s]
    w.raw("<div class=\"block\"><h3>")
    w.text(name)
    w.raw("</h3>")
    ClientSheetChart.draw(&w, c, series: s, usual: nil, t: t)
    w.raw("<p>")
    w.text(t.text("alliance_line", ["measure": name]))
    if r.latest.isFinite {
      w.raw(" ")
      w.text(t.text("alliance_latest", ["score": Show.score(r.latest)]))
    }
    for event in c.events(ofSeries: s) where event.kind == .rupture {
      w.raw(" ")
      w.text(t.text("alliance_dip", ["session": String(event.session)]))
    }
    w.raw("</p>")
    scoresLine(&w, c, series: s, t)
    w.raw("</div>")
  }

  /// A goal: its name, a small picture, the change and the ratings.
  static func goalBlock(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int, _ t: ClientSheetWording) {
    let goal = c.goalName(ofSeries: s)
    w.raw("<div class=\"block\"><h3>")
    w.text(goal.isEmpty ? t.text("goal_unnamed") : t.text("goal_name", ["goal": goal]))
    w.raw("</h3>")
    ClientSheetChart.draw(&w, c, series: s, usual: nil, t: t, small: true)
    changeLine(&w, c, series: s, t)
    let r = c.analysis.series[s]
    let instrument = c.instrument(ofSeries: s)
    if r.latest.isFinite, r.latest >= instrument.maximum {
      w.raw("<p>")
      w.text(t.text("goal_met"))
      w.raw("</p>")
    }
    scoresLine(&w, c, series: s, t)
    w.raw("</div>")
  }

  /// The change from the first to the latest score in words: how many points, which way, and whether
  /// it is beyond the reliable-change threshold of the run's rule (the analysis' reliable-change
  /// category) and for the better or the worse.
  static func changeLine(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int, _ t: ClientSheetWording) {
    let r = c.analysis.series[s]
    w.raw("<p class=\"change\">")
    defer { w.raw("</p>") }
    guard r.scoreCount > 0, r.intake.isFinite, r.latest.isFinite else { return w.text(t.text("no_score")) }
    if r.scoreCount == 1 { return w.text(t.text("one_score", ["score": Show.score(r.latest)])) }
    let change = r.latest - r.intake
    if change == 0 { return w.text(t.text("change_none")) }
    let amount = abs(change) == 1 ? t.text("amount_one") : t.text("amount_many", ["points": Show.score(abs(change))])
    let values: KeyValuePairs<String, String> = [
      "direction": t.text(change > 0 ? "direction_up" : "direction_down"), "amount": amount,
    ]
    let key =
      switch r.clinical?.reliableChange.category {
      case .improved: "change_better_real"
      case .deteriorated: "change_worse_real"
      case .unchanged: "change_small"
      case nil: "change_plain"
      }
    w.text(t.text(key, values))
  }

  /// The scores in words, session by session (`none` where a session's score is missing), and how
  /// many are missing: the numbers of the picture for a reader who cannot see it.
  static func scoresLine(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int, _ t: ClientSheetWording) {
    let series = c.table.series[s]
    guard !series.scores.isEmpty else { return }
    var list: [String] = []
    list.reserveCapacity(min(series.scores.count, ClientSheetChart.maximumPoints))
    var missing = 0
    let indices = ClientSheetChart.shown(series.scores)
    for i in indices {
      let score = c.table.score[i]
      let text = score.isFinite ? Show.score(score) : t.text("no_score_mark")
      list.append(t.text("session_score", ["session": String(c.table.session[i]), "score": text]))
    }
    for i in series.scores where !c.table.score[i].isFinite { missing += 1 }
    w.raw("<p class=\"scores\">")
    w.text(t.text("scores_list", ["list": list.joined(separator: ", ")]))
    if missing > 0 {
      w.raw(" ")
      w.text(t.text("missed", ["count": String(missing)]))
    }
    w.raw("</p>")
  }

  /// `PHQ-9` rather than `PHQ9`: the first alias written with a hyphen or space, else the name.
  static func displayName(_ instrument: Instrument) -> String {
    instrument.aliases.first { $0.contains("-") || $0.contains(" ") } ?? instrument.name
  }

  /// The range where most people not seeking help score: the side of the clinical cutoff that is not
  /// clinical (`>= 10` clinical gives `below 10`; `<= 25` gives `above 25`).
  struct UsualRange {
    var value: Double
    /// The usual range lies below `value` (`true`) or above it.
    var below: Bool
    /// `value` itself belongs to the usual range.
    var inclusive: Bool

    func words(_ t: ClientSheetWording) -> String {
      let key = below ? (inclusive ? "range_at_most" : "range_below") : (inclusive ? "range_at_least" : "range_above")
      return t.text(key, ["value": Show.score(value)])
    }
  }

  static func usualRange(_ instrument: Instrument) -> UsualRange? {
    guard instrument.kind == .outcome, let cutoff = instrument.clinicalCutoff else { return nil }
    switch cutoff.comparator {
    case .atLeast: return UsualRange(value: cutoff.value, below: true, inclusive: false)
    case .above: return UsualRange(value: cutoff.value, below: true, inclusive: true)
    case .atMost: return UsualRange(value: cutoff.value, below: false, inclusive: false)
    case .below: return UsualRange(value: cutoff.value, below: false, inclusive: true)
    }
  }
}
