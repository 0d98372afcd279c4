import RomtrackCore

/// Colours of the pages: the Okabe & Ito (2008) palette, distinguishable with every common colour
/// vision deficiency. Colour never carries meaning alone: every mark has a text label or a legend
/// with words, and lines also differ by dash pattern.
enum Palette {
  static let blue = "#0072B2"
  static let orange = "#E69F00"
  static let vermillion = "#D55E00"
  static let green = "#009E73"
  static let sky = "#56B4E9"
  static let yellow = "#F0E442"
  static let purple = "#CC79A7"
  static let grey = "#8C8C8C"
  static let light = "#D9D9D9"

  static func category(_ category: OutcomeCategory) -> String {
    switch category {
    case .recovered: green
    case .improved: sky
    case .unchanged: light
    case .deteriorated: orange
    case .harmed: vermillion
    }
  }

  static func signal(_ signal: TreatmentSignal) -> String {
    switch signal {
    case .white: "#FFFFFF"
    case .green: green
    case .yellow: yellow
    case .red: vermillion
    }
  }
}

/// Numbers as the pages show them: fixed decimals, percentages, signed changes.
enum Show {
  static func number(_ value: Double?, _ decimals: Int = 1) -> String {
    guard let value, value.isFinite else { return "–" }
    return DecimalText.fixed(value, decimals: decimals)
  }

  static func percent(_ rate: Double?) -> String {
    guard let rate, rate.isFinite else { return "–" }
    return DecimalText.fixed(rate * 100, decimals: 0) + "%"
  }

  static func interval(_ w: WilsonInterval?) -> String {
    guard let w else { return "" }
    return percent(w.lower) + "–" + percent(w.upper)
  }

  /// `+3`, `−2`, `±0` for a change in a count.
  static func change(_ delta: Int) -> String {
    delta > 0 ? "+\(delta)" : delta < 0 ? "−\(-delta)" : "±0"
  }

  static func score(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "–" }
    return DecimalText.short(value)
  }

  static func date(_ days: Int32) -> String {
    days == ScoreRows.noDate ? "–" : CivilDate(days: days).description
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  ]

  static func month(_ m: YearMonth) -> String { "\(monthNames[m.month - 1]) \(m.year)" }

  static func shortMonth(_ m: YearMonth) -> String { String(monthNames[m.month - 1].prefix(3)) }
}
