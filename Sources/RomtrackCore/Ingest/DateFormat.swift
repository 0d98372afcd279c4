/// A fixed-layout date format for `--date-format`, read byte by byte without allocating.
///
/// Patterns are built from `YYYY` (four-digit year), `MM` / `DD` (two digits), `M` / `D` (one or two
/// digits) and literal separators: `YYYY-MM-DD` (the default, ISO 8601), `DD/MM/YYYY`, `MM/DD/YYYY`,
/// `D.M.YYYY`, `YYYYMMDD`. A date that does not exist (31/04/2026) is rejected, never rolled over.
/// ISO dates may carry a time of day after `T` or a space (`2026-03-04T09:30:00`); it is ignored.
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
    guard i == count, year >= 1000 else { return nil }
    return CivilDate(year: year, month: month, day: day)
  }
}
