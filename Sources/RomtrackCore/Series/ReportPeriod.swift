/// The month a report covers, and its as-of date (FORMATS.md, `--period` / `--as-of`).
///
/// Only scores dated up to the as-of date count, so running last month's report again later gives the
/// same result. Without `--period` or `--as-of`, the period is the last complete calendar month of the
/// data: the month of the latest score if that month is over (before the current month), else the month
/// before it.
public enum ReportPeriod {
  /// The default period for data whose latest score is `latest`, on the day `today`.
  public static func lastCompleteMonth(latest: CivilDate, today: CivilDate) -> YearMonth {
    let l = latest.components, t = today.components
    let month = YearMonth(year: l.year, month: l.month)
    return month < YearMonth(year: t.year, month: t.month) ? month : month.adding(months: -1)
  }
}
