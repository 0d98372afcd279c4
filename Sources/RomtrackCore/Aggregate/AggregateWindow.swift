/// A span of days the aggregates of METHODS.md section 9 are counted over: one calendar month, or
/// the trailing 12 months ending with the report month.
public struct AggregateWindow: Sendable, Hashable {
  /// First and last day, inclusive.
  public var from: CivilDate
  public var to: CivilDate
  /// `2026-10` for a month, `2025-11..2026-10` for a trailing year.
  public var label: String

  public static func month(_ month: YearMonth) -> AggregateWindow {
    AggregateWindow(from: month.firstDay, to: month.lastDay, label: month.description)
  }

  /// The 12 months ending with `month`.
  public static func trailingYear(endingWith month: YearMonth) -> AggregateWindow {
    let first = month.adding(months: -11)
    return AggregateWindow(from: first.firstDay, to: month.lastDay, label: "\(first)..\(month)")
  }
}
