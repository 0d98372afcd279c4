/// The first day and the length of every month from 1900 to 2199, so that a date read from the input
/// is a lookup and an addition instead of the era arithmetic of `CivilDate.dayNumber` and the leap-year
/// test: the ingest makes one date per row, 21M at 1M clients. Built once from that arithmetic.
enum MonthTable {
  static let years = 1900..<2200

  /// Months in order from January 1900: the first day's number (days since 1970-01-01) and the
  /// number of days.
  static let months: [(first: Int32, length: Int)] = years.flatMap { year in
    (1...12).map { month in
      (Int32(CivilDate.dayNumber(year: year, month: month, day: 1)), CivilDate.daysInMonth(year: year, month: month))
    }
  }

  /// The month's entry, or nil when the year is outside `years` or the month outside 1-12.
  @inline(__always)
  static func month(year: Int, month: Int) -> (first: Int32, length: Int)? {
    guard years.contains(year), month >= 1, month <= 12 else { return nil }
    return months.withUnsafeBufferPointer { $0[(year - years.lowerBound) * 12 + month - 1] }
  }
}
