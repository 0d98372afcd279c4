/// A calendar date (proleptic Gregorian), stored as the number of days since 1970-01-01.
///
/// Dates in romtrack carry no time of day and no time zone: a score is given on a day. Counting days
/// makes differences (`weeks since the first score`, `days since the last score`) plain subtraction.
/// The conversion uses the era-based day count (400-year cycles of 146 097 days), exact for every year
/// from -5 879 610 to 5 879 609; the parsers accept years 1000-9999 only.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before it).
  public var days: Int32

  public init(days: Int32) { self.days = days }

  /// The date of a valid year, month (1-12) and day (1-31); `nil` when the day does not exist
  /// in that month (30 February, 31 April, 29 February outside leap years).
  /// Months of the years in `MonthTable` are looked up there; other years are computed.
  public init?(year: Int, month: Int, day: Int) {
    if let m = MonthTable.month(year: year, month: month) {
      guard day >= 1, day <= m.length else { return nil }
      self.days = m.first &+ Int32(truncatingIfNeeded: day &- 1)
      return
    }
    guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
    else { return nil }
    self.days = Int32(CivilDate.dayNumber(year: year, month: month, day: day))
  }

  /// Whether `year` has a 29 February.
  public static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  /// The number of days in `month` (1-12) of `year`.
  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a date already known to be valid.
  public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    // Shift the year to start in March, so the leap day is the last day of the shifted year.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400  // 0...399
    let shiftedMonth = month > 2 ? month - 3 : month + 9  // March = 0
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1  // 0...365
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The year, month and day of this date.
  public var components: (year: Int, month: Int, day: Int) {
    let z = Int(days) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  /// ISO 8601 `YYYY-MM-DD`.
  public var description: String {
    let c = components
    return CivilDate.pad(c.year, 4) + "-" + CivilDate.pad(c.month, 2) + "-" + CivilDate.pad(c.day, 2)
  }

  /// Parses exactly `YYYY-MM-DD`; `nil` for anything else or a day that does not exist.
  public init?(iso text: String) {
    let bytes = Array(text.utf8)
    guard let parsed = DateFormat.iso.parse(bytes[...]) else { return nil }
    self = parsed
  }

  public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.days < rhs.days }

  public static func + (date: CivilDate, days: Int) -> CivilDate {
    CivilDate(days: date.days + Int32(days))
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}

/// A calendar month, as used by `--period YYYY-MM` and the generator's `--end`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var year: Int
  public var month: Int

  public init(year: Int, month: Int) {
    self.year = year
    self.month = month
  }

  /// Parses `YYYY-MM`.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m)
    else { return nil }
    self.init(year: y, month: m)
  }

  public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
  public var lastDay: CivilDate {
    CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))!
  }

  /// The month `count` months later (earlier when negative), also across the year 0 (floored
  /// division: month index -1 is December of year -1, never a month 0).
  public func adding(months count: Int) -> YearMonth {
    let index = year * 12 + (month - 1) + count
    let (quotient, remainder) = index.quotientAndRemainder(dividingBy: 12)
    return remainder < 0 ? YearMonth(year: quotient - 1, month: remainder + 13) : YearMonth(year: quotient, month: remainder + 1)
  }

  public var description: String { CivilDate.pad(year, 4) + "-" + CivilDate.pad(month, 2) }

  public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
    (lhs.year, lhs.month) < (rhs.year, rhs.month)
  }
}
