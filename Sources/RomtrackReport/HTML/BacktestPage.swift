import RomtrackCore

/// backtest.html: what each flag of the worklist would have cost and caught on this practice's own
/// history. For a practice lead deciding on settings: the act tier against the goals, every reason's
/// burden and sensitivity side by side, the burden month by month, and what another red threshold,
/// lost-contact limit or rupture size would have done.
public enum BacktestPage {
  /// The alert goals of METHODS.md section 6 (revision for alerts).
  public static let goals: [(metric: String, outcome: String, words: String, atMost: Bool, limit: Double)] = [
    ("burden_median", "", "act tier, share of active episodes per month (median)", true, 0.20),
    ("sensitivity", "deteriorated", "episodes ending reliably deteriorated, in the act tier before their last score", false, 0.85),
    ("sensitivity", "not_improved", "episodes ending without reliable improvement, in the act tier before their last score", false, 0.70),
    ("ever_flagged", "recovered", "episodes ending recovered, ever in the act tier", true, 0.20),
  ]

  public static func html(
    metrics: [BacktestMetric], ruptures: [RuptureScore], result: BacktestResult, version: String, inputs: String
  ) -> [UInt8] {
    var w = HTMLWriter(capacity: 64 * 1024)
    PageFrame.open(&w, title: "Backtest of the worklist")
    w.raw("<header class=\"page\"><h1>Backtest of the worklist</h1><p class=\"muted\">")
    let first = result.days.first.map(\.description) ?? "-", last = result.days.last.map(\.description) ?? "-"
    let ended = result.outcomes.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    w.text("The history of \(inputs) replayed month by month from \(first) to \(last), each month with only the scores known then, and each flag scored against how the episodes ended: \(ended) ended episodes. Intervals are Wilson 95% intervals.")
    w.raw("</p></header>")

    func find(_ group: String, _ flag: String, _ metric: String, _ outcome: String, value: Double? = nil) -> BacktestMetric? {
      metrics.first { $0.group == group && $0.flag == flag && $0.metric == metric && $0.outcome == outcome && $0.value == value }
    }

    // The goals, met or not, in words and numbers.
    w.raw("<h2>The act tier against its goals</h2><table>")
    PageFrame.header(&w, ["goal", "limit", "this practice", "met"], numeric: [1, 2])
    w.raw("<tbody>")
    for goal in goals {
      let m = find("tier", "act", goal.metric, goal.outcome)
      w.raw("<tr>")
      PageFrame.cell(&w, goal.words)
      PageFrame.cell(&w, (goal.atMost ? "at most " : "at least ") + Show.percent(goal.limit), numeric: true)
      PageFrame.cell(&w, describe(m), numeric: true)
      let met = m?.estimate.map { goal.atMost ? $0 <= goal.limit : $0 >= goal.limit }
      PageFrame.cell(&w, met == nil ? "no data" : met! ? "met" : "not met")
      w.raw("</tr>")
    }
    w.raw("</tbody></table>")

    // Each flag side by side.
    w.raw("<h2>Each flag: what it cost and what it caught</h2><p class=\"note\">")
    w.text("Burden: the share of active episodes carrying the flag in a month (median, least and most). Caught: the share of episodes that ended reliably deteriorated, or without reliable improvement from the clinical range, on which the flag was raised before their last score. Responders flagged: the share of episodes that ended reliably improved on which it was ever raised. PPV: of the ended episodes flagged before their last score, the share that ended deteriorated or without reliable improvement. Lead: median scores from the first flag to the last score.")
    w.raw("</p><div style=\"overflow-x:auto\"><table>")
    PageFrame.header(
      &w, ["flag", "burden", "deteriorations caught", "non-improvers caught", "responders flagged", "recoveries flagged", "PPV", "lead"],
      numeric: [1, 2, 3, 4, 5, 6, 7])
    w.raw("<tbody>")
    for flag in result.flags where flag.value == nil {
      w.raw("<tr>")
      PageFrame.cell(&w, flag.group == "tier" ? "\(flag.name) tier" : flag.name)
      let median = find(flag.group, flag.name, "burden_median", "")?.estimate
      let low = find(flag.group, flag.name, "burden_min", "")?.estimate
      let high = find(flag.group, flag.name, "burden_max", "")?.estimate
      PageFrame.cell(&w, "\(Show.percent(median)) (\(Show.percent(low))–\(Show.percent(high)))", numeric: true)
      PageFrame.cell(&w, describe(find(flag.group, flag.name, "sensitivity", "deteriorated")), numeric: true)
      PageFrame.cell(&w, describe(find(flag.group, flag.name, "sensitivity", "not_improved")), numeric: true)
      PageFrame.cell(&w, describe(find(flag.group, flag.name, "ever_flagged", "improved")), numeric: true)
      PageFrame.cell(&w, describe(find(flag.group, flag.name, "ever_flagged", "recovered")), numeric: true)
      PageFrame.cell(&w, describe(find(flag.group, flag.name, "ppv", "failed")), numeric: true)
      PageFrame.cell(&w, find(flag.group, flag.name, "lead_time_median", "failed")?.estimate.map { DecimalText.fixed($0, decimals: 1) } ?? "–", numeric: true)
      w.raw("</tr>")
    }
    w.raw("</tbody></table></div>")

    // Burden month by month.
    w.raw("<h2>Burden month by month</h2>")
    let series = ["act", "watch"].compactMap { name in
      result.flags.firstIndex { $0.group == "tier" && $0.name == name && $0.value == nil }.map { (name, $0) }
    }
    lineChart(
      &w, title: "Share of active episodes on each tier, by month",
      xLabels: result.days.map { "\($0.components.year)-\($0.components.month < 10 ? "0" : "")\($0.components.month)" },
      lines: series.map { name, f in
        (name + " tier", zip(result.raised[f], result.active).map { $1 > 0 ? Double($0) / Double($1) : .nan })
      })

    // Sensitivity against burden for each flag.
    w.raw("<h2>Caught against cost, flag by flag</h2>")
    var points: [(label: String, x: Double, y: Double)] = []
    for flag in result.flags where flag.value == nil {
      guard let x = find(flag.group, flag.name, "burden_median", "")?.estimate,
        let y = find(flag.group, flag.name, "sensitivity", "failed")?.estimate
      else { continue }
      points.append((flag.group == "tier" ? flag.name + " tier" : flag.name, x, y))
    }
    scatter(&w, title: "Share of failures flagged before their last score (up) against the monthly burden (right)", points: points)

    // Sweeps.
    for (group, words) in [
      ("signal_red", "Red signal threshold (etr_z): the act tier with each setting"),
      ("lost_contact_days", "Lost contact after this many days without a score: the act tier with each setting"),
    ] {
      let flags = result.flags.filter { $0.group == group }
      guard !flags.isEmpty else { continue }
      w.raw("<h2>")
      w.text(words)
      w.raw("</h2><table>")
      PageFrame.header(&w, ["setting", "burden", "deteriorations caught", "non-improvers caught", "recoveries flagged"], numeric: [0, 1, 2, 3, 4])
      w.raw("<tbody>")
      var sweep: [(label: String, x: Double, y: Double)] = []
      for flag in flags {
        w.raw("<tr>")
        let label = flag.value.map { DecimalText.fixed($0, decimals: group == "signal_red" ? 3 : 0) } ?? ""
        PageFrame.cell(&w, label, numeric: true)
        let burden = find(group, "act", "burden_median", "", value: flag.value)?.estimate
        PageFrame.cell(&w, Show.percent(burden), numeric: true)
        PageFrame.cell(&w, describe(find(group, "act", "sensitivity", "deteriorated", value: flag.value)), numeric: true)
        let caught = find(group, "act", "sensitivity", "not_improved", value: flag.value)
        PageFrame.cell(&w, describe(caught), numeric: true)
        PageFrame.cell(&w, describe(find(group, "act", "ever_flagged", "recovered", value: flag.value)), numeric: true)
        w.raw("</tr>")
        if let burden, let y = find(group, "act", "sensitivity", "failed", value: flag.value)?.estimate { sweep.append((label, burden, y)) }
      }
      w.raw("</tbody></table>")
      scatter(&w, title: "Failures caught (up) against the burden (right), one point per setting", points: sweep)
    }

    if !ruptures.isEmpty {
      w.raw("<h2>Alliance ruptures against the planted ones</h2><table>")
      PageFrame.header(&w, ["rule", "ruptures found", "PPV (planted among found)", "sensitivity (found among planted)", "repair told right"], numeric: [1, 2, 3, 4])
      w.raw("<tbody>")
      for r in ruptures {
        w.raw("<tr>")
        let points = r.minimumPoints.map { "at least \(DecimalText.fixed($0, decimals: 1)) points" } ?? "a reliable drop"
        PageFrame.cell(&w, "drop of \(DecimalText.fixed(r.ruptureSD, decimals: 2)) within-client SD and \(points)" + (r.isDefault ? " (this run's rule)" : ""))
        PageFrame.cell(&w, "\(r.detected)", numeric: true)
        PageFrame.cell(&w, describe(r.ppv, r.matched, r.detected), numeric: true)
        PageFrame.cell(&w, describe(r.sensitivity, r.found, r.planted), numeric: true)
        PageFrame.cell(&w, describe(WilsonInterval(successes: r.repairAgrees, trials: r.matched), r.repairAgrees, r.matched), numeric: true)
        w.raw("</tr>")
      }
      w.raw("</tbody></table>")
    }
    w.raw("<footer>")
    w.text("romtrack \(version) · backtest · methods: docs/methods.md in the romtrack folder · contains health data: keep it inside the practice.")
    w.raw("</footer></main></body></html>\n")
    return w.finish()
  }

  static func describe(_ m: BacktestMetric?) -> String {
    guard let m, let estimate = m.estimate else { return "–" }
    guard let interval = m.interval, let k = m.numerator, let n = m.denominator else { return Show.percent(estimate) }
    return describe(interval, k, n)
  }

  static func describe(_ interval: WilsonInterval?, _ k: Int, _ n: Int) -> String {
    guard let interval else { return "–" }
    return "\(Show.percent(interval.rate)) (\(Show.interval(interval))), \(k) of \(n)"
  }

  // MARK: - Pictures

  /// Lines of shares (0-1) over labelled months, each line labelled at its end and in a legend above.
  static func lineChart(_ w: inout HTMLWriter, title: String, xLabels: [String], lines: [(String, [Double])]) {
    let (width, height, left, bottom, top, right) = (640.0, 220.0, 40.0, 24.0, 10.0, 70.0)
    let maximum = max(0.05, lines.flatMap(\.1).filter(\.isFinite).max() ?? 0)
    let ceiling = Charts.niceCeiling(maximum)
    let colours = [Palette.vermillion, Palette.blue, Palette.purple]
    w.raw("<figure><p class=\"legend\">")
    for (k, line) in lines.enumerated() {
      w.raw(markup: "<span style=\"color:\(colours[k % colours.count])\">■</span> ")
      w.text(line.0 + "  ")
    }
    w.raw("</p><svg role=\"img\" viewBox=\"0 0 640 220\" width=\"100%\"><title>")
    w.text(title)
    w.raw("</title>")
    let n = max(1, xLabels.count - 1)
    func x(_ i: Int) -> Double { left + (width - left - right) * Double(i) / Double(n) }
    func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - v / ceiling) }
    for tick in [0.0, ceiling / 2, ceiling] {
      w.raw(markup: "<line x1=\"\(Charts.c(left))\" x2=\"\(Charts.c(width - right))\" y1=\"\(Charts.c(y(tick)))\" y2=\"\(Charts.c(y(tick)))\" stroke=\"#ddd\"/>")
      w.raw(markup: "<text x=\"2\" y=\"\(Charts.c(y(tick) + 4))\" font-size=\"11\">\(Show.percent(tick))</text>")
    }
    for (i, label) in xLabels.enumerated() where i == 0 || i == xLabels.count - 1 || i % max(1, xLabels.count / 6) == 0 {
      w.raw(markup: "<text x=\"\(Charts.c(x(i)))\" y=\"\(Charts.c(height - 6))\" font-size=\"11\" text-anchor=\"middle\">")
      w.text(label)
      w.raw("</text>")
    }
    var ends: [Double] = []
    for (k, line) in lines.enumerated() {
      let pts = line.1.enumerated().filter { $0.element.isFinite }.map { (x($0.offset), y($0.element)) }
      w.raw(markup: "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"\(colours[k % colours.count])\" points=\"")
      w.points(pts)
      w.raw("\"/>")
      if let end = pts.last {
        // End labels kept at least 12 px apart so they never overlap.
        var labelY = end.1 + 4
        while ends.contains(where: { abs($0 - labelY) < 12 }) { labelY += 12 }
        ends.append(labelY)
        w.raw(markup: "<text x=\"\(Charts.c(end.0 + 4))\" y=\"\(Charts.c(labelY))\" font-size=\"11\">")
        w.text("\(line.0) \(Show.percent(line.1.last(where: \.isFinite)))")
        w.raw("</text>")
      }
    }
    w.raw("</svg></figure>")
  }

  /// Labelled points of two shares (0-1): burden to the right, share caught upwards.
  static func scatter(_ w: inout HTMLWriter, title: String, points: [(label: String, x: Double, y: Double)]) {
    guard !points.isEmpty else { return }
    let (width, height, left, bottom, top, right) = (640.0, 260.0, 40.0, 24.0, 10.0, 120.0)
    let xCeiling = Charts.niceCeiling(max(0.05, points.map(\.x).max() ?? 0))
    func x(_ v: Double) -> Double { left + (width - left - right) * v / xCeiling }
    func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - v) }
    w.raw("<figure><svg role=\"img\" viewBox=\"0 0 640 260\" width=\"100%\"><title>")
    w.text(title)
    w.raw("</title>")
    for tick in [0.0, 0.5, 1.0] {
      w.raw(markup: "<line x1=\"\(Charts.c(left))\" x2=\"\(Charts.c(width - right))\" y1=\"\(Charts.c(y(tick)))\" y2=\"\(Charts.c(y(tick)))\" stroke=\"#ddd\"/>")
      w.raw(markup: "<text x=\"2\" y=\"\(Charts.c(y(tick) + 4))\" font-size=\"11\">\(Show.percent(tick))</text>")
    }
    for tick in [0.0, xCeiling / 2, xCeiling] {
      w.raw(markup: "<text x=\"\(Charts.c(x(tick)))\" y=\"\(Charts.c(height - 6))\" font-size=\"11\" text-anchor=\"middle\">\(Show.percent(tick))</text>")
    }
    var placed: [(Double, Double)] = []
    for p in points.sorted(by: { $0.y > $1.y }) {
      w.raw(markup: "<circle cx=\"\(Charts.c(x(p.x)))\" cy=\"\(Charts.c(y(p.y)))\" r=\"4\" fill=\"\(Palette.blue)\"/>")
      var labelY = y(p.y) + 4
      while placed.contains(where: { abs($0.1 - labelY) < 11 && abs($0.0 - x(p.x)) < 90 }) { labelY += 11 }
      placed.append((x(p.x), labelY))
      w.raw(markup: "<text x=\"\(Charts.c(x(p.x) + 6))\" y=\"\(Charts.c(labelY))\" font-size=\"10\">")
      w.text(p.label)
      w.raw("</text>")
    }
    w.raw("</svg><figcaption>")
    w.text(title)
    w.raw("</figcaption></figure>")
  }
}
