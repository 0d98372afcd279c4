import RomtrackCore

/// Inline SVG charts: small, labelled, and readable in black and white.
enum Charts {
  /// Coordinates with at most one decimal, so the markup stays short and byte-identical.
  static func c(_ x: Double) -> String { DecimalText.fixed(x, decimals: 1) }

  struct Line {
    var label: String
    var values: [Double?]
    var colour: String
    /// SVG dash pattern (`""` solid).
    var dash: String = ""
    /// Optional interval per point, drawn as a shaded band.
    var band: [(Double, Double)?]? = nil
  }

  /// A 12-month trend: one or two lines over month labels, with optional Wilson bands; the y axis
  /// from 0 (percent when `percent`). The last value of each line is written beside it.
  static func trend(
    _ w: inout HTMLWriter, title: String, months: [YearMonth], lines: [Line], percent: Bool
  ) {
    let (width, height) = (340.0, 170.0)
    let (left, right, top, bottom) = (40.0, 52.0, 12.0, 26.0)
    let plotW = width - left - right
    let plotH = height - top - bottom
    var maximum = percent ? 1.0 : 1.0
    if !percent {
      for line in lines { for v in line.values { if let v { maximum = max(maximum, v) } } }
      maximum = niceCeiling(maximum)
    }
    func x(_ i: Int) -> Double { left + plotW * (months.count > 1 ? Double(i) / Double(months.count - 1) : 0.5) }
    func y(_ v: Double) -> Double { top + plotH * (1 - min(max(v / maximum, 0), 1)) }

    // The legend first, so a reader knows the lines before meeting them; the band named by its line.
    guard lines.contains(where: { $0.values.contains { $0 != nil } }) else {
      w.raw("<p class=\"note empty\">Nothing to chart: no month in these 12 months has a figure.</p>")
      return
    }
    if lines.count > 1 || lines.first?.band != nil {
      w.raw("<p class=\"legend\">")
      for line in lines {
        w.raw(markup: "<span><svg width=\"22\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" x2=\"22\" y1=\"4\" y2=\"4\" stroke=\"\(line.colour)\" stroke-width=\"2\"\(line.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.dash)\"")/></svg> ")
        w.text(line.label)
        w.raw("</span> ")
      }
      for line in lines where line.band != nil {
        w.raw(markup: "<span><i class=\"key\" style=\"background:\(line.colour);opacity:.35\"></i>")
        w.text("shaded: 95% interval of \(line.label)")
        w.raw("</span> ")
      }
      w.raw("</p>")
    }
    w.raw(markup: "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"")
    w.text(title)
    w.raw("\"><title>")
    w.text(title)
    w.raw("</title>")
    // Grid and axis labels.
    for k in 0...2 {
      let v = maximum * Double(k) / 2
      let yy = y(v)
      w.raw(markup: "<line x1=\"\(c(left))\" x2=\"\(c(left + plotW))\" y1=\"\(c(yy))\" y2=\"\(c(yy))\" class=\"grid\"/>")
      let label = percent ? Show.percent(v) : DecimalText.short(v)
      w.raw(markup: "<text x=\"\(c(left - 4))\" y=\"\(c(yy + 3))\" class=\"axis\" text-anchor=\"end\">\(label)</text>")
    }
    for (i, m) in months.enumerated() where i % 2 == 1 || months.count <= 6 {
      w.raw(markup: "<text x=\"\(c(x(i)))\" y=\"\(c(height - 8))\" class=\"axis\" text-anchor=\"middle\">\(Show.shortMonth(m))</text>")
    }
    for line in lines {
      if let band = line.band {
        var upper: [String] = []
        var lower: [String] = []
        for (i, b) in band.enumerated() {
          guard let b else { continue }
          upper.append("\(c(x(i))),\(c(y(b.1)))")
          lower.insert("\(c(x(i))),\(c(y(b.0)))", at: 0)
        }
        if upper.count > 1 {
          w.raw(markup: "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(line.colour)\" opacity=\"0.18\"/>")
        }
      }
      var segment: [String] = []
      func flush() {
        if segment.count > 1 {
          w.raw(markup: "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(line.colour)\" stroke-width=\"2\"\(line.dash.isEmpty ? "" : " stroke-dasharray=\"\(line.dash)\"")/>")
        }
        segment.removeAll()
      }
      for (i, v) in line.values.enumerated() {
        guard let v else {
          flush()
          continue
        }
        segment.append("\(c(x(i))),\(c(y(v)))")
        w.raw(markup: "<circle cx=\"\(c(x(i)))\" cy=\"\(c(y(v)))\" r=\"2.2\" fill=\"\(line.colour)\"/>")
      }
      flush()
    }
    // The last value of each line beside it, moved apart so that no two overlap.
    var ends: [(x: Double, y: Double, text: String)] = lines.compactMap { line in
      guard let lastIndex = line.values.lastIndex(where: { $0 != nil }), let last = line.values[lastIndex] else { return nil }
      return (x(lastIndex) + 5, y(last) + 3, percent ? Show.percent(last) : DecimalText.short(last))
    }
    for (k, y) in endLabelPositions(ends.map(\.y), gap: 11, within: top + 4...(top + plotH + 8)).enumerated() { ends[k].y = y }
    for end in ends {
      w.raw(markup: "<text x=\"\(c(end.x))\" y=\"\(c(end.y))\" class=\"value\">\(end.text)</text>")
    }
    w.raw("</svg>")
  }

  /// Label baselines as near `wanted` as they can be with at least `gap` between any two, kept in
  /// `range` where there is room: labels taken in height order and pushed down, then the stack
  /// pushed back up from the bottom. Order of the result is the order of `wanted`.
  static func endLabelPositions(_ wanted: [Double], gap: Double, within range: ClosedRange<Double>) -> [Double] {
    let order = wanted.indices.sorted { wanted[$0] < wanted[$1] }
    var placed = wanted
    var previous = -Double.infinity
    for k in order {
      placed[k] = max(wanted[k], previous + gap)
      previous = placed[k]
    }
    var next = Double.infinity
    for k in order.reversed() {
      placed[k] = min(placed[k], range.upperBound, next - gap)
      next = placed[k]
    }
    return placed
  }

  /// 1, 2 or 5 times a power of ten, at or above `value`.
  static func niceCeiling(_ value: Double) -> Double {
    guard value > 0 else { return 1 }
    var step = 1.0
    while step * 10 <= value { step *= 10 }
    for f in [1.0, 2.0, 5.0, 10.0] where f * step >= value { return f * step }
    return 10 * step
  }

  struct Segment {
    var label: String
    var count: Int
    var colour: String
  }

  /// One horizontal bar split into segments, with a legend giving each label, count and share.
  static func stackedBar(_ w: inout HTMLWriter, title: String, segments: [Segment]) {
    let total = segments.reduce(0) { $0 + $1.count }
    w.raw("<div class=\"stack\"><svg class=\"bar\" viewBox=\"0 0 300 18\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
    w.text(title)
    w.raw("\"><title>")
    w.text(title)
    w.raw("</title>")
    var x = 0.0
    if total == 0 {
      w.raw(markup: "<rect x=\"0\" y=\"0\" width=\"300\" height=\"18\" fill=\"none\" stroke=\"\(Palette.grey)\"/>")
    }
    for s in segments where s.count > 0 && total > 0 {
      let width = 300 * Double(s.count) / Double(total)
      w.raw(markup: "<rect x=\"\(c(x))\" y=\"0\" width=\"\(c(width))\" height=\"18\" fill=\"\(s.colour)\" stroke=\"#555555\" stroke-width=\"0.6\"/>")
      x += width
    }
    w.raw("</svg><p class=\"legend\">")
    for s in segments {
      w.raw(markup: "<span><i class=\"key\" style=\"background:\(s.colour)\"></i>")
      w.text(s.label)
      w.raw(markup: " <b>\(s.count)</b>")
      if total > 0 { w.raw(markup: " (\(Show.percent(Double(s.count) / Double(total))))") }
      w.raw("</span> ")
    }
    w.raw("</p></div>")
  }

  /// The dots of sparkline lines, defined once per page: `dot-outcome` and `dot-alliance`.
  static let dotMarkers =
    "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs>"
    + "<marker id=\"dot-outcome\" viewBox=\"0 0 4 4\" refX=\"2\" refY=\"2\" markerWidth=\"3.6\" markerHeight=\"3.6\" markerUnits=\"userSpaceOnUse\"><circle cx=\"2\" cy=\"2\" r=\"2\" fill=\"\(Palette.blue)\"/></marker>"
    + "<marker id=\"dot-alliance\" viewBox=\"0 0 4 4\" refX=\"2\" refY=\"2\" markerWidth=\"3.6\" markerHeight=\"3.6\" markerUnits=\"userSpaceOnUse\"><circle cx=\"2\" cy=\"2\" r=\"2\" fill=\"\(Palette.purple)\"/></marker>"
    + "</defs></svg>"

  /// The three marker attributes of a line of scores, up to the marker's id.
  static let markerEnds: [StaticString] = [" marker-start=\"url(#", " marker-mid=\"url(#", " marker-end=\"url(#"]

  /// A marked session on a sparkline: sudden gain (`G`), sudden loss (`L`) or rupture (`R`).
  struct Mark {
    var session: Int32
    var letter: String
    var title: String
  }

  /// A client's scores by session, on the instrument's whole range, with the expected band (the
  /// expected score ± the yellow signal's spread) and a dashed reference line (the clinical cutoff
  /// or the alliance cutoff). Lower-is-better scales are drawn as they are: a falling line is
  /// improvement for PHQ-9, a rising one for ORS and SRS; the caption says which.
  static func sparkline(
    _ w: inout HTMLWriter, title: (inout HTMLWriter) -> Void, sessions: ArraySlice<Int32>, scores: ArraySlice<Double>,
    range: ClosedRange<Double>,
    expected: [(session: Int32, low: Double, mid: Double, high: Double)], reference: Double?, marks: [Mark],
    colour: String, marker: String
  ) {
    let (width, height) = (240.0, 64.0)
    let (left, right, top, bottom) = (4.0, 30.0, 6.0, 6.0)
    let first = Double(sessions.first ?? 1)
    let last = Double(max(sessions.last ?? 1, expected.last?.session ?? 1))
    let span = max(last - first, 1)
    func x(_ s: Int32) -> Double { left + (width - left - right) * (Double(s) - first) / span }
    func y(_ v: Double) -> Double {
      let f = (min(max(v, range.lowerBound), range.upperBound) - range.lowerBound) / max(range.upperBound - range.lowerBound, 1e-9)
      return top + (height - top - bottom) * (1 - f)
    }
    w.raw("<svg class=\"spark\" viewBox=\"0 0 ")
    w.integer(Int(width))
    w.raw(" ")
    w.integer(Int(height))
    w.raw("\" role=\"img\"><title>")
    title(&w)
    w.raw("</title><rect x=\"0\" y=\"0\" width=\"")
    w.integer(Int(width - right + 2))
    w.raw("\" height=\"")
    w.integer(Int(height))
    w.raw("\" class=\"frame\"/>")
    if expected.count > 1 {
      w.raw("<polygon points=\"")
      // Along the top of the band and back along its bottom.
      w.points(expected.lazy.map { (x($0.session), y($0.high)) })
      w.raw(" ")
      w.points(expected.reversed().lazy.map { (x($0.session), y($0.low)) })
      w.raw("\" class=\"band\"/><polyline points=\"")
      w.points(expected.lazy.map { (x($0.session), y($0.mid)) })
      w.raw("\" class=\"expected\"/>")
    }
    if let reference {
      w.raw("<line x1=\"")
      w.coordinate(left)
      w.raw("\" x2=\"")
      w.coordinate(width - right)
      w.raw("\" y1=\"")
      w.coordinate(y(reference))
      w.raw("\" y2=\"")
      w.coordinate(y(reference))
      w.raw("\" class=\"cutoff\"/>")
    }
    // The scores: one line with a dot at every vertex (the page's `dot` markers); a lone score, one dot.
    let observed = zip(sessions, scores).lazy.filter { $0.1.isFinite }.map { (x($0.0), y($0.1)) }
    let count = scores.reduce(0) { $0 + ($1.isFinite ? 1 : 0) }
    if count > 1 {
      w.raw("<polyline points=\"")
      w.points(observed)
      w.raw("\" fill=\"none\" stroke=\"")
      w.raw(markup: colour)
      w.raw("\" stroke-width=\"1.8\"")
      for end in Charts.markerEnds {
        w.raw(end)
        w.raw(markup: marker)
        w.raw(")\"")
      }
      w.raw("/>")
    } else if let only = observed.first(where: { _ in true }) {
      w.raw("<circle cx=\"")
      w.coordinate(only.0)
      w.raw("\" cy=\"")
      w.coordinate(only.1)
      w.raw("\" r=\"1.8\" fill=\"")
      w.raw(markup: colour)
      w.raw("\"/>")
    }
    for mark in marks {
      guard let k = sessions.firstIndex(of: mark.session), scores[k].isFinite else { continue }
      let (mx, my) = (x(mark.session), y(scores[k]))
      w.raw("<g class=\"mark\"><title>")
      w.text(mark.title)
      w.raw("</title><circle cx=\"")
      w.coordinate(mx)
      w.raw("\" cy=\"")
      w.coordinate(my)
      w.raw("\" r=\"5\"/><text x=\"")
      w.coordinate(mx)
      w.raw("\" y=\"")
      w.coordinate(my + 3)
      w.raw("\" text-anchor=\"middle\">")
      w.raw(markup: mark.letter)
      w.raw("</text></g>")
    }
    if let v = scores.last(where: { $0.isFinite }) {
      w.raw("<text x=\"")
      w.coordinate(width - right + 7)
      w.raw("\" y=\"")
      w.coordinate(y(v) + 3)
      w.raw("\" class=\"value\">")
      w.score(v)
      w.raw("</text>")
    }
    w.raw("</svg>")
  }
}
