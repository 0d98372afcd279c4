import RomtrackCore

/// The progress sheet's picture of one series: scores by session as dots joined by a line (broken
/// where a score is missing), each labelled with its value when there are few; the usual range shaded
/// grey with its meaning in words below; "better" with an arrow at the better end of the scale; dips
/// of the alliance (ruptures) marked with the word "dip". Black, white and grey only: nothing depends
/// on seeing colour, and it prints as it looks.
enum ClientSheetChart {
  /// At most this many scores are drawn and listed (evenly spaced, always the first and the last).
  static let maximumPoints = 40

  /// The score indices shown: all of them, or `maximumPoints` evenly spaced ones.
  static func shown(_ scores: Range<Int>) -> [Int] {
    let n = scores.count
    guard n > maximumPoints else { return Array(scores) }
    return (0..<maximumPoints).map { scores.lowerBound + $0 * (n - 1) / (maximumPoints - 1) }
  }

  static func draw(
    _ w: inout HTMLWriter, _ c: ReportContent, series s: Int, usual: ClientSheet.UsualRange?, t: ClientSheetWording,
    small: Bool = false
  ) {
    let series = c.table.series[s]
    let instrument = c.instrument(ofSeries: s)
    let indices = shown(series.scores)
    guard !indices.isEmpty else { return }
    let (width, height) = small ? (220.0, 74.0) : (320.0, 104.0)
    let (left, right, top, bottom) = (54.0, 10.0, 12.0, 18.0)
    let (plotW, plotH) = (width - left - right, height - top - bottom)
    let (low, high) = (instrument.minimum, max(instrument.maximum, instrument.minimum + 1))
    let first = Double(c.table.session[indices[0]])
    let last = Double(c.table.session[indices[indices.count - 1]])
    func x(_ session: Int32) -> Double {
      last > first ? left + plotW * (Double(session) - first) / (last - first) : left + plotW / 2
    }
    func y(_ score: Double) -> Double { top + plotH * (1 - (min(max(score, low), high) - low) / (high - low)) }

    w.raw(markup: "<svg class=\"\(small ? "pic small" : "pic")\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"")
    w.text(ClientSheet.displayName(instrument))
    w.raw("\">")
    w.raw(markup: "<rect class=\"frame\" x=\"\(Charts.c(left))\" y=\"\(Charts.c(top))\" width=\"\(Charts.c(plotW))\" height=\"\(Charts.c(plotH))\"/>")
    if let usual {
      let edge = y(usual.value)
      let (y0, y1) = usual.below ? (edge, top + plotH) : (top, edge)
      if y1 > y0 {
        w.raw(markup: "<rect class=\"usual\" x=\"\(Charts.c(left))\" y=\"\(Charts.c(y0))\" width=\"\(Charts.c(plotW))\" height=\"\(Charts.c(y1 - y0))\"/>")
        w.raw(markup: "<line class=\"edge\" x1=\"\(Charts.c(left))\" x2=\"\(Charts.c(left + plotW))\" y1=\"\(Charts.c(edge))\" y2=\"\(Charts.c(edge))\"/>")
      }
    }
    // The scale's ends, and "better" with an arrow at the better end.
    for value in [low, high] {
      w.raw(markup: "<text class=\"axis\" x=\"\(Charts.c(left - 4))\" y=\"\(Charts.c(y(value) + 3))\" text-anchor=\"end\">\(Show.score(value))</text>")
    }
    let betterHigh = instrument.direction == .higherIsBetter
    w.raw(markup: "<text class=\"better\" x=\"2\" y=\"\(Charts.c(betterHigh ? top + 18 : top + plotH - 10))\">")
    w.text(t.text(betterHigh ? "better_up" : "better_down"))
    w.raw("</text>")
    // Session numbers at both ends.
    w.raw(markup: "<text class=\"axis\" x=\"\(Charts.c(x(c.table.session[indices[0]])))\" y=\"\(Charts.c(height - 4))\" text-anchor=\"middle\">\(c.table.session[indices[0]])</text>")
    if last > first {
      w.raw(markup: "<text class=\"axis\" x=\"\(Charts.c(x(c.table.session[indices[indices.count - 1]])))\" y=\"\(Charts.c(height - 4))\" text-anchor=\"middle\">\(c.table.session[indices[indices.count - 1]])</text>")
    }
    // The line, broken at missing scores, then the dots and their values.
    var segment: [(Double, Double)] = []
    func flush(_ w: inout HTMLWriter) {
      if segment.count > 1 {
        w.raw("<polyline class=\"line\" points=\"")
        w.points(segment)
        w.raw("\"/>")
      }
      segment.removeAll(keepingCapacity: true)
    }
    for i in indices {
      let score = c.table.score[i]
      if score.isFinite { segment.append((x(c.table.session[i]), y(score))) } else { flush(&w) }
    }
    flush(&w)
    let labelled = indices.count <= (small ? 8 : 12)
    for (k, i) in indices.enumerated() {
      let score = c.table.score[i]
      guard score.isFinite else { continue }
      let (px, py) = (x(c.table.session[i]), y(score))
      w.raw(markup: "<circle class=\"dot\" cx=\"\(Charts.c(px))\" cy=\"\(Charts.c(py))\" r=\"3\"/>")
      if labelled || k == 0 || k == indices.count - 1 {
        let above = py - 6 > top + 2
        w.raw(markup: "<text class=\"value\" x=\"\(Charts.c(px))\" y=\"\(Charts.c(above ? py - 6 : py + 12))\" text-anchor=\"middle\">\(Show.score(score))</text>")
      }
    }
    for event in c.events(ofSeries: s) where event.kind == .rupture {
      let px = x(event.session)
      // Kept inside the frame at either end.
      let anchor = px > left + plotW * 0.85 ? "end" : px < left + plotW * 0.15 ? "start" : "middle"
      w.raw(markup: "<text class=\"dip\" x=\"\(Charts.c(px))\" y=\"\(Charts.c(top + plotH - 3))\" text-anchor=\"\(anchor)\">")
      w.text(t.text("dip_mark"))
      w.raw("</text>")
    }
    w.raw("</svg>")
    if usual != nil {
      w.raw("<p class=\"key\">")
      w.text(t.text("usual_range_key"))
      w.raw("</p>")
    }
  }
}
