import RomtrackCore

/// Builds RFC 4180 CSV text (FORMATS.md, "CSV output") in a byte buffer (`ByteSink`).
///
/// - A cell is quoted when it holds a comma, a quote, CR or LF; quotes inside are doubled.
/// - Formula injection: a text cell that a spreadsheet would run as a formula, one starting with `=`,
///   `+`, `-` or `@` (or a tab or CR, which some programs strip before looking), gets a leading `'`,
///   the neutralising prefix OWASP recommends (inside the quotes when the cell is quoted). Numbers
///   written by `number(_:decimals:)` are never touched, so `-3.50` stays a number.
/// - A NUL byte in a text cell (from an id or a raw input row) is written as U+FFFD: many programs
///   stop reading a cell, a line or the whole file at NUL.
/// - Rows end with LF; missing numbers are empty cells.
public struct CSVWriter: ~Copyable {
  private var sink: ByteSink
  private var cellsInRow = 0

  /// - Parameter capacity: the expected size in bytes, reserved up front (in a buffer from
  ///   `BufferPool`, where `ParallelWrites` returns it once the file is written).
  public init(header: [String], capacity: Int = 0) {
    self.init(header: header, part: 0, capacity: capacity)
  }

  /// A writer for part `part` of a file made in parts on several cores: the header goes with the
  /// first part only, so the parts joined in order are the whole file.
  public init(header: [String], part: Int, capacity: Int) {
    sink = ByteSink(capacity: capacity)
    if part == 0 { row(header) }
  }

  /// A writer for a few cells, in a buffer of its own.
  private init() { sink = ByteSink(capacity: 0) }

  /// The text written, leaving the writer empty: what a file maker returns.
  public mutating func finish() -> [UInt8] { sink.take() }

  /// Appends a text cell.
  public mutating func text(_ value: String) {
    separate()
    // Most cells (ids, codes, words) need no quotes, prefix or NUL replacement: one scan, one copy.
    let plain = value.utf8.withContiguousStorageIfAvailable { cell -> Bool in
      guard cell.allSatisfy({ ($0 > UInt8(ascii: "\"") && $0 != UInt8(ascii: ",")) || $0 == UInt8(ascii: " ") }),
        !(cell.first.map(CSVWriter.startsFormula) ?? false)
      else { return false }
      sink.append(cell)
      return true
    }
    if plain != true { escaped(value) }
  }

  /// Appends a word of romtrack's own vocabulary (an enum's raw value such as `improved`, `red` or
  /// `sudden_gain`, or the empty text): lower-case letters and underscores need no quotes and cannot
  /// start a formula, so the word is copied without the checks `text` makes for data. Debug builds
  /// check that it is such a word.
  public mutating func word(_ value: String) {
    assert(value.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "_") }, "not a word: \(value)")
    separate()
    var value = value
    value.withUTF8 { sink.append(UnsafeRawBufferPointer($0)) }
  }

  /// A text cell that needs quotes, a formula prefix or NUL replacement (or is not contiguous UTF-8).
  private mutating func escaped(_ value: String) {
    var value = value
    // One scan decides both: a NUL to replace, and whether the cell needs quotes.
    var hasNUL = false
    var needsQuotes = false
    value.withUTF8 { cell in
      for b in cell where b <= UInt8(ascii: "\"") || b == UInt8(ascii: ",") {
        if b == 0 { hasNUL = true }
        if b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D { needsQuotes = true }
      }
    }
    if hasNUL { value = CSVWriter.replacingNUL(value) }
    value.withUTF8 { cell in
      let prefix = cell.first.map { CSVWriter.startsFormula($0) } ?? false
      if needsQuotes { sink.append(UInt8(ascii: "\"")) }
      if prefix { sink.append(UInt8(ascii: "'")) }
      if needsQuotes {
        for b in cell {
          if b == UInt8(ascii: "\"") { sink.append(b) }
          sink.append(b)
        }
        sink.append(UInt8(ascii: "\""))
      } else {
        sink.append(cell)
      }
    }
  }

  /// Appends the codes of `diagnostics` joined with `;`, as `text(diagnostics.codes)` would, without
  /// building the String: codes are lower-case words and underscores, which need no escaping.
  public mutating func codes(_ diagnostics: SeriesDiagnostics) {
    separate()
    var bits = diagnostics.rawValue
    var first = true
    while bits != 0 {
      let code = SeriesDiagnostics.allCodes[bits.trailingZeroBitCount]
      bits &= bits &- 1
      if !first { sink.append(UInt8(ascii: ";")) }
      first = false
      var utf8 = code
      utf8.withUTF8 { sink.append($0) }
    }
  }

  /// Appends `true`, `false` or an empty cell.
  public mutating func flag(_ value: Bool?) {
    separate()
    guard let value else { return }
    sink.append(value ? "true" : "false")
  }

  /// Appends a number with fixed decimals (`.` decimal point), or an empty cell for nil and NaN.
  /// Inlined, so that each call's constant `decimals` specialises the digit writing.
  @inline(__always)
  public mutating func number(_ value: Double?, decimals: Int) {
    separate()
    guard let value, value.isFinite else { return }
    sink.fixed(value, decimals: decimals)
  }

  /// Appends a whole number.
  public mutating func integer(_ value: Int?) {
    separate()
    guard let value else { return }
    if value < 0 { sink.append(UInt8(ascii: "-")) }
    sink.digits(UInt64(value.magnitude), width: 1)
  }

  /// Appends an ISO date (`YYYY-MM-DD`) from days since 1970-01-01, or an empty cell.
  public mutating func isoDate(_ days: Int32?) {
    separate()
    guard let days else { return }
    let c = CivilDate(days: days).components
    sink.isoDate(year: max(c.year, 0), month: c.month, day: c.day)
  }

  /// Appends the month of a day (`YYYY-MM`) from days since 1970-01-01, or an empty cell.
  public mutating func isoMonth(_ days: Int32?) {
    separate()
    guard let days else { return }
    let c = CivilDate(days: days).components
    sink.digits(UInt64(max(c.year, 0)), width: 4)
    sink.append(UInt8(ascii: "-"))
    sink.digits(UInt64(c.month), width: 2)
  }

  /// Ends the current row.
  public mutating func endRow() {
    sink.append(0x0A)
    cellsInRow = 0
  }

  /// Appends a whole row of text cells.
  public mutating func row(_ cells: [String]) {
    for cell in cells { text(cell) }
    endRow()
  }

  private mutating func separate() {
    if cellsInRow > 0 { sink.append(UInt8(ascii: ",")) }
    cellsInRow += 1
  }

  /// `value` with every NUL replaced by U+FFFD.
  static func replacingNUL(_ value: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in value.unicodeScalars { scalars.append(scalar.value == 0 ? "\u{FFFD}" : scalar) }
    return String(scalars)
  }

  /// Whether a text cell starting with this byte would be run as a formula by a spreadsheet.
  @inline(__always)
  static func startsFormula(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@")
      || b == 0x09 || b == 0x0D
  }

  /// The cells `text(_:)` writes for each of `values`, without separators, end to end in one buffer,
  /// and where each ends: for values written on many rows, such as ids, escaped once and then
  /// appended with `escapedCell(_:)` (`CellTable`). One writer for all of them: a million client ids
  /// are one buffer, not a million.
  public static func escapedCells(_ values: [String]) -> (bytes: [UInt8], ends: [Int]) {
    var w = CSVWriter()
    var ends: [Int] = []
    ends.reserveCapacity(values.count)
    for value in values {
      w.cellsInRow = 0  // no separator before the cell
      w.text(value)
      ends.append(w.sink.count)
    }
    return (w.finish(), ends)
  }

  /// Appends `count` empty cells.
  public mutating func emptyCells(_ count: Int) {
    for _ in 0..<count { separate() }
  }

  /// Appends a cell made by `escapedCells(_:)`.
  public mutating func escapedCell(_ cell: UnsafeRawBufferPointer) {
    separate()
    sink.append(cell)
  }

  /// `value` rounded half away from zero to `decimals` places (see `DecimalText.appendFixed`).
  public static func fixed(_ value: Double, decimals: Int) -> String {
    DecimalText.fixed(value, decimals: decimals)
  }
}
