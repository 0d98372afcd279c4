/// A fixed-layout date format for `--date-format`, read byte by byte without allocating.
///
/// Patterns are built from `YYYY` (four-digit year), `MM` / `DD` (two digits), `M` / `D` (one or two
/// digits) and literal separators: `YYYY-MM-DD` (the default, ISO 8601), `DD/MM/YYYY`, `MM/DD/YYYY`,
/// `D.M.YYYY`, `YYYYMMDD`. A date that does not exist (31/04/2026) is rejected, never rolled over.
/// A time of day may follow the date after `T` or a space, as spreadsheets export date-times, and is
/// ignored: with ISO dates any text after `T` or a space (`2026-03-04T09:30:00Z`); with the other
/// patterns a valid time `H:MM`, `H:MM:SS` or `H:MM:SS.fff`, optionally followed by ` AM` or ` PM`
/// (`01/09/2026 09:30`, `9/1/2026 9:30:00 AM`).
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
  enum Token: Sendable, Equatable {
    case year, month, day, monthShort, dayShort
    case literal(UInt8)
  }

  let tokens: [Token]
  let isISO: Bool
  /// The pattern as the user wrote it.
  public let pattern: String

  /// `nil` when the pattern lacks a year, a month or a day, or repeats one.
  public init?(pattern: String) {
    var tokens: [Token] = []
    let bytes = Array(pattern.utf8)
    var i = 0
    func run(_ byte: UInt8) -> Int {
      var j = i
      while j < bytes.count, bytes[j] == byte { j += 1 }
      return j - i
    }
    while i < bytes.count {
      let b = bytes[i]
      switch b {
      case UInt8(ascii: "Y"):
        guard run(b) == 4 else { return nil }
        tokens.append(.year)
        i += 4
      case UInt8(ascii: "M"), UInt8(ascii: "D"):
        let n = run(b)
        guard n <= 2 else { return nil }
        let isMonth = b == UInt8(ascii: "M")
        tokens.append(n == 2 ? (isMonth ? .month : .day) : (isMonth ? .monthShort : .dayShort))
        i += n
      default:
        tokens.append(.literal(b))
        i += 1
      }
    }
    let years = tokens.filter { $0 == .year }.count
    let months = tokens.filter { $0 == .month || $0 == .monthShort }.count
    let days = tokens.filter { $0 == .day || $0 == .dayShort }.count
    guard years == 1, months == 1, days == 1 else { return nil }
    self.tokens = tokens
    self.pattern = pattern
    self.isISO = pattern == "YYYY-MM-DD"
  }

  /// ISO 8601 calendar date, `YYYY-MM-DD`.
  public static let iso = DateFormat(pattern: "YYYY-MM-DD")!

  public var description: String { pattern }

  /// Reads a date from `count` bytes at `p`; `nil` when they do not match the pattern exactly
  /// or name a day that does not exist. Years outside 1000-9999 are rejected.
  public func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> CivilDate? {
    if isISO { return DateFormat.parseISO(p, count) }
    return parseGeneral(p, count)
  }

  /// Convenience for tests and command-line values.
  public func parse(_ bytes: ArraySlice<UInt8>) -> CivilDate? {
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return nil }
      return parse(base, buffer.count)
    }
  }

  static func parseISO(_ p: UnsafePointer<UInt8>, _ count: Int) -> CivilDate? {
    guard count == 10 || (count > 10 && (p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ")))
    else { return nil }
    guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
    @inline(__always) func digit(_ i: Int) -> Int {
      let d = p[i] &- 48
      return d <= 9 ? Int(d) : -1_000_000
    }
    let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
    let month = digit(5) * 10 + digit(6)
    let day = digit(8) * 10 + digit(9)
    guard year >= 1000, month >= 0, day >= 0 else { return nil }
    return CivilDate(year: year, month: month, day: day)
  }

  func parseGeneral(_ p: UnsafePointer<UInt8>, _ count: Int) -> CivilDate? {
    var i = 0
    var year = 0, month = 0, day = 0
    func digits(_ minimum: Int, _ maximum: Int) -> Int? {
      var value = 0
      var n = 0
      while n < maximum, i < count {
        let d = Int(p[i]) - 48
        guard d >= 0, d <= 9 else { break }
        value = value * 10 + d
        i += 1
        n += 1
      }
      return n >= minimum ? value : nil
    }
    for token in tokens {
      switch token {
      case .year:
        guard let v = digits(4, 4) else { return nil }
        year = v
      case .month:
        guard let v = digits(2, 2) else { return nil }
        month = v
      case .monthShort:
        guard let v = digits(1, 2) else { return nil }
        month = v
      case .day:
        guard let v = digits(2, 2) else { return nil }
        day = v
      case .dayShort:
        guard let v = digits(1, 2) else { return nil }
        day = v
      case .literal(let b):
        guard i < count, p[i] == b else { return nil }
        i += 1
      }
    }
    guard i == count || DateFormat.isTimeOfDay(p, from: i, count), year >= 1000 else { return nil }
    return CivilDate(year: year, month: month, day: day)
  }

  /// Whether `p[from..<count]` is a time of day after a date: `T` or a space, then `H:MM`, `H:MM:SS`
  /// or `H:MM:SS.fff` (hours 0-23, minutes and seconds 0-59, a leap second 60), optionally
  /// followed by ` AM` or ` PM` (then hours 1-12).
  static func isTimeOfDay(_ p: UnsafePointer<UInt8>, from: Int, _ count: Int) -> Bool {
    var i = from
    guard i < count, p[i] == UInt8(ascii: " ") || p[i] == UInt8(ascii: "T") else { return false }
    i += 1
    func number(_ minimum: Int, _ maximum: Int) -> Int? {
      var value = 0, n = 0
      while n < maximum, i < count, p[i] >= 48, p[i] <= 57 {
        value = value * 10 + Int(p[i] - 48)
        i += 1
        n += 1
      }
      return n >= minimum ? value : nil
    }
    func colon() -> Bool {
      guard i < count, p[i] == UInt8(ascii: ":") else { return false }
      i += 1
      return true
    }
    guard let hour = number(1, 2), colon(), let minute = number(2, 2), minute <= 59 else { return false }
    if colon() {
      guard let second = number(2, 2), second <= 60 else { return false }
      if i < count, p[i] == UInt8(ascii: ".") {
        i += 1
        guard number(1, 9) != nil else { return false }
      }
    }
    if i == count { return hour <= 23 }
    // ` AM` / ` PM`, any case.
    guard count - i == 3, p[i] == UInt8(ascii: " "), p[i + 2] | 0x20 == UInt8(ascii: "m"),
      p[i + 1] | 0x20 == UInt8(ascii: "a") || p[i + 1] | 0x20 == UInt8(ascii: "p")
    else { return false }
    return (1...12).contains(hour)
  }

  /// Patterns tried when dates cannot be read, most common first (`suggestion`).
  static let commonPatterns = [
    "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "D/M/YYYY", "M/D/YYYY", "DD.MM.YYYY", "D.M.YYYY",
    "DD-MM-YYYY", "MM-DD-YYYY", "YYYY/MM/DD", "YYYY.MM.DD", "YYYYMMDD",
  ].map { DateFormat(pattern: $0)! }

  /// The `--date-format` that reads most of `values` (dates with or without a time; at least half of
  /// them, a typo aside), other than `current`: the first of `commonPatterns` that reads the most,
  /// and, when a pattern with day and month the other way round reads as many (no day above 12),
  /// both: `DD/MM/YYYY (or MM/DD/YYYY: ...)`. `nil` when none does.
  public static func suggestion(for values: [String], current: DateFormat) -> String? {
    guard !values.isEmpty else { return nil }
    let bytes = values.map { Array($0.utf8)[...] }
    let candidates = commonPatterns.filter { $0 != current }
    let counts = candidates.map { format in bytes.reduce(0) { $0 + (format.parse($1) != nil ? 1 : 0) } }
    guard let most = counts.max(), most > 0, most * 2 >= values.count else { return nil }
    let readers = candidates.indices.filter { counts[$0] == most }.map { candidates[$0] }
    let first = readers[0]
    func dayFirst(_ f: DateFormat) -> Bool? {
      guard let d = f.tokens.firstIndex(where: { $0 == .day || $0 == .dayShort }),
        let m = f.tokens.firstIndex(where: { $0 == .month || $0 == .monthShort }) else { return nil }
      return d < m
    }
    // The same layout with day and month the other way round.
    let swapped = readers.first { other in
      other != first && dayFirst(other) != nil && dayFirst(other) != dayFirst(first)
        && other.pattern.filter { !$0.isLetter } == first.pattern.filter { !$0.isLetter }
    }
    return swapped.map { "\(first.pattern) (or \($0.pattern): these dates do not tell day from month)" } ?? first.pattern
  }
}
