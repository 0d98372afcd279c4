/// Builds RFC 4180 CSV text (FORMATS.md, "CSV output") in a byte buffer.
///
/// - A cell is quoted when it holds a comma, a quote, CR or LF; quotes inside are doubled.
/// - Formula injection: a text cell that a spreadsheet would run as a formula, one starting with `=`,
///   `+`, `-` or `@` (or a tab or CR, which some programs strip before looking), gets a leading `'`,
///   the neutralising prefix OWASP recommends. Numbers written by `number(_:decimals:)` are never
///   touched, so `-3.50` stays a number.
/// - Rows end with LF; missing numbers are empty cells.
public struct CSVWriter: Sendable {
  public private(set) var bytes: [UInt8] = []
  private var cellsInRow = 0

  public init(header: [String]) {
    row(header)
  }

  /// Appends a text cell.
  public mutating func text(_ value: String) {
    separate()
    var cell = Array(value.utf8)
    if let first = cell.first, CSVWriter.formulaStarts.contains(first) {
      cell.insert(UInt8(ascii: "'"), at: 0)
    }
    let needsQuotes = cell.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
    if needsQuotes {
      bytes.append(UInt8(ascii: "\""))
      for b in cell {
        if b == UInt8(ascii: "\"") { bytes.append(b) }
        bytes.append(b)
      }
      bytes.append(UInt8(ascii: "\""))
    } else {
      bytes.append(contentsOf: cell)
    }
  }

  /// Appends a number with fixed decimals (`.` decimal point), or an empty cell for nil and NaN.
  public mutating func number(_ value: Double?, decimals: Int) {
    separate()
    guard let value, value.isFinite else { return }
    bytes.append(contentsOf: CSVWriter.fixed(value, decimals: decimals).utf8)
  }

  /// Appends a whole number.
  public mutating func integer(_ value: Int?) {
    separate()
    guard let value else { return }
    bytes.append(contentsOf: String(value).utf8)
  }

  /// Ends the current row.
  public mutating func endRow() {
    bytes.append(0x0A)
    cellsInRow = 0
  }

  /// Appends a whole row of text cells.
  public mutating func row(_ cells: [String]) {
    for cell in cells { text(cell) }
    endRow()
  }

  private mutating func separate() {
    if cellsInRow > 0 { bytes.append(UInt8(ascii: ",")) }
    cellsInRow += 1
  }

  static let formulaStarts: Set<UInt8> = [
    UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D,
  ]

  /// `value` rounded half away from zero to `decimals` places, without exponent notation.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else { return String(value) }
    let units = UInt64(scaled)
    let whole = units / UInt64(scale)
    let sign = value < 0 && units > 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    let fraction = String(units % UInt64(scale))
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
  }
}
