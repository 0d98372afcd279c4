import RomtrackCore

/// The frame every page shares: the document head with the inline style sheet, and the footer.
enum PageFrame {
  static func open(_ w: inout HTMLWriter, title: String) {
    w.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    w.raw("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
    // No request may leave the file: no scripts, styles, fonts or images from anywhere.
    w.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">")
    w.raw("<meta name=\"referrer\" content=\"no-referrer\"><title>")
    w.text(title)
    w.raw("</title><style>")
    w.raw(markup: Style.css)
    w.raw("</style></head><body><main>\n")
  }

  static func close(_ w: inout HTMLWriter, content: ReportContent) {
    w.raw("<footer>")
    w.text("romtrack \(content.version) · scores up to \(content.asOf) · methods: docs/methods.md in the romtrack folder · contains health data: keep it inside the practice.")
    w.raw("</footer></main></body></html>\n")
  }

  /// A summary card: label, big value, and a smaller line below.
  static func card(_ w: inout HTMLWriter, label: String, value: String, sub: String) {
    w.raw("<div class=\"card\"><div class=\"label\">")
    w.text(label)
    w.raw("</div><div class=\"big\">")
    w.text(value)
    w.raw("</div><div class=\"sub\">")
    w.text(sub)
    w.raw("</div></div>")
  }

  /// A table header row; `numeric` columns are right-aligned.
  static func header(_ w: inout HTMLWriter, _ columns: [String], numeric: Set<Int> = []) {
    w.raw("<thead><tr>")
    for (i, column) in columns.enumerated() {
      w.raw(numeric.contains(i) ? "<th class=\"n\">" : "<th>")
      w.text(column)
      w.raw("</th>")
    }
    w.raw("</tr></thead>")
  }

  static func cell(_ w: inout HTMLWriter, _ value: String, numeric: Bool = false) {
    w.raw(numeric ? "<td class=\"n\">" : "<td>")
    w.text(value)
    w.raw("</td>")
  }

  /// A signal as a coloured tag that also says its name.
  static func signalTag(_ w: inout HTMLWriter, _ signal: TreatmentSignal?) {
    guard let signal else {
      w.raw("–")
      return
    }
    w.raw("<span class=\"tag ")
    w.raw(markup: signal.rawValue)
    w.raw("\">")
    w.raw(markup: signal.rawValue)
    w.raw("</span>")
  }

  /// A rate as `41% (34–48%)`, with `k of n` beneath in the title.
  static func rate(_ interval: WilsonInterval?, _ k: Int32, _ n: Int32) -> String {
    guard let interval else { return "–" }
    return "\(Show.percent(interval.rate)) (\(Show.interval(interval))), \(k) of \(n)"
  }
}
