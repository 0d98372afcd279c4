/// A file that cannot be read at all: the run stops with exit code 2 and this one-line message.
public enum IngestError: Error, Equatable, CustomStringConvertible, Sendable {
  case cannotOpen(file: String, reason: String)
  case isDirectory(file: String)
  case empty(file: String)
  case missingColumn(file: String, fields: [String], header: [String])
  case duplicateColumn(file: String, column: String, positions: [Int])
  case unknownMapping(file: String, field: String, column: String, header: [String])
  /// Two or more columns are synonyms of one field (`therapist` and `counsellor`).
  case ambiguousColumns(file: String, field: String, columns: [String])
  case unknownDefaultInstrument(name: String)
  case changedWhileReading(file: String)
  case readFailed(file: String, reason: String)
  /// The file is not CSV text at all: a spreadsheet workbook, UTF-16 text, binary data (see `sniff`).
  case notText(file: String, reason: String)
  /// The header is a single column whose name holds several `;`, tab or `|` characters: the export
  /// used another separator than the one `--delimiter` names (or `|`, which romtrack does not read).
  case otherSeparator(file: String, separator: String, header: String)
  /// An `.xlsx` workbook that cannot be read, or has no such sheet.
  case badWorkbook(file: String, reason: String)

  public var description: String {
    switch self {
    case .cannotOpen(let file, let reason):
      return "\(file): cannot open: \(reason)"
    case .isDirectory(let file):
      return "\(file): is a directory, not a CSV file"
    case .empty(let file):
      return "\(file): file is empty (no header row)"
    case .missingColumn(let file, let fields, let header):
      let list = fields.joined(separator: ", ")
      if IngestError.looksLikeData(header) {
        return "\(file): the first line looks like a data row, not a header (\(IngestError.show(header)));"
          + " add a header row naming the columns (client_id, instrument, session or date, score, ...)"
      }
      if fields.contains(InputField.score.rawValue), let pattern = WidePattern.suggestion(for: header) {
        return "\(file): no column for required field \(list), and the file looks wide (one row per client,"
          + " a column per \(pattern == "{date}" ? "date" : "session"): \(IngestError.show(header))); read it with"
          + (pattern == "{date}" ? " --wide-dates" : " --wide '\(pattern)'") + " (see docs/input.md, \"Wide files\")"
      }
      return "\(file): no column for required field \(list) (header: \(IngestError.show(header)));"
        + " name the column with --map FIELD=COLUMN"
    case .duplicateColumn(let file, let column, let positions):
      let list = positions.map(String.init).joined(separator: " and ")
      return "\(file): column \"\(column)\" appears more than once in the header (columns \(list))"
    case .unknownMapping(let file, let field, let column, let header):
      return "\(file): --map \(field)=\(column): the header has no column \"\(column)\""
        + " (header: \(IngestError.show(header)))"
    case .ambiguousColumns(let file, let field, let columns):
      let list = columns.map { "\"\($0)\"" }.joined(separator: " and ")
      return "\(file): columns \(list) could each be \(field); name the one to read with --map \(field)=COLUMN"
    case .unknownDefaultInstrument(let name):
      return "--instrument \(name): not a known instrument (see `romtrack instruments`)"
    case .changedWhileReading(let file):
      return "\(file): the file changed while it was being read; run again once it is complete"
    case .readFailed(let file, let reason):
      return "\(file): read failed: \(reason)"
    case .notText(let file, let reason):
      return "\(file): \(reason), not a CSV file; export it as CSV UTF-8 (comma-separated)"
    case .badWorkbook(let file, let reason):
      return "\(file): \(reason)"
    case .otherSeparator(let file, let separator, let header):
      let remedy = separator.hasPrefix("';'") ? "read it with --delimiter ';'"
        : separator == "tabs" ? "read it with --delimiter tab"
        : "romtrack reads fields separated by commas, ';' or tabs: export the file with one of those"
      return "\(file): the header is one column (\(IngestError.show([header]))) whose fields look separated by"
        + " \(separator); \(remedy)"
    }
  }

  /// Whether a header that lacks required fields is rather a data row: none of its cells names a
  /// field, and one is a number or an ISO date.
  static func looksLikeData(_ header: [String]) -> Bool {
    let cells = header.map { $0.trimmingASCIISpaces() }
    guard !cells.contains(where: { InputField(rawValue: $0.lowercased()) != nil }) else { return false }
    return cells.contains { Double($0) != nil || DateFormat.iso.parse(Array($0.utf8)[...]) != nil }
  }

  /// The separator a single-column header seems to use instead of the comma: `;`, tab or `|`,
  /// whichever occurs most often and at least twice (a usable header has three or more fields).
  static func likelySeparator(_ name: String) -> String? {
    let candidates: [(Character, String)] = [(";", "';' (semicolons)"), ("\t", "tabs"), ("|", "'|' (vertical bars)")]
    let counts = candidates.map { c in name.reduce(0) { $0 + ($1 == c.0 ? 1 : 0) } }
    guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] >= 2 else { return nil }
    return candidates[best].1
  }

  /// Recognises a file that is not text from its first bytes: a spreadsheet workbook, UTF-16 text,
  /// or NUL bytes in the first line (UTF-16 without a byte-order mark, binary data). `nil` for text.
  static func sniff(_ p: UnsafePointer<UInt8>, count: Int) -> String? {
    func starts(with magic: [UInt8]) -> Bool {
      count >= magic.count && magic.indices.allSatisfy { p[$0] == magic[$0] }
    }
    if starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "is a ZIP archive (an .ods workbook?) that is not an .xlsx workbook" }
    if starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "is an Excel 97-2003 workbook (.xls)" }
    if starts(with: [0xFF, 0xFE]) || starts(with: [0xFE, 0xFF]) { return "is UTF-16 text (a \"Unicode text\" export)" }
    var i = 0
    while i < count, p[i] != 0x0A {
      if p[i] == 0 { return "has NUL bytes in its first line (UTF-16 text without a byte-order mark, or binary data)" }
      i += 1
    }
    return nil
  }

  static func show(_ header: [String]) -> String {
    let shown = header.prefix(12).map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }
    return shown.joined(separator: ", ") + (header.count > 12 ? ", … (\(header.count) columns)" : "")
  }
}
