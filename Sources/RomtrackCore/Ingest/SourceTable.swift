import Foundation

/// An input read whole into cells, for the inputs that are not read as long CSV straight from disk: a
/// workbook's sheet (`XLSXReader`), a wide file (`WideInput`), an item-level file (`ItemInput`). These
/// are converted into long rows (`LongRowsWriter`) that the CSV reader then reads like any file, so
/// every field is checked by the same code.
public struct SourceTable: Sendable {
  /// The header cells, as written.
  public var header: [String]
  public var rows: [SourceRow]
  /// "line" for a CSV file, "row" for a sheet: what `SourceRow.line` counts.
  public var lineWord: String
  /// Line (or sheet row) of the header, and blank lines (or empty sheet rows) before it and among rows.
  public var headerLine: Int
  public var blankLines: Int

  public init(header: [String], rows: [SourceRow], lineWord: String = "line", headerLine: Int = 1, blankLines: Int = 0) {
    self.header = header
    self.rows = rows
    self.lineWord = lineWord
    self.headerLine = headerLine
    self.blankLines = blankLines
  }

  /// Column index of each header name, matched as `ColumnLayout` matches: trimmed, any case.
  func index(of name: String) -> Int? {
    let wanted = name.trimmingASCIISpaces().lowercased()
    return header.firstIndex { $0.trimmingASCIISpaces().lowercased() == wanted }
  }
}

/// One record of a `SourceTable`.
public struct SourceRow: Sendable {
  /// Line of the file (or row of the sheet) on which the record starts.
  public var line: Int
  public var cells: [String]
  /// The record as it stands in the file (a sheet row: its cells joined as CSV), for rejects.csv.
  public var raw: String
  /// Sheet rows: the column letters of each cell (A, B, ... AA), for messages; empty for CSV.
  public var cellNames: [String] = []
  /// A quote left open or text after a closing quote: the record's cells cannot be trusted.
  public var malformed = false

  public init(line: Int, cells: [String], raw: String, cellNames: [String] = []) {
    self.line = line
    self.cells = cells
    self.raw = raw
    self.cellNames = cellNames
  }

  /// Cell `k`, or the empty text past the end of a short row.
  subscript(k: Int) -> String { k < cells.count ? cells[k] : "" }
}

extension SourceTable {
  /// Reads a CSV file whole (UTF-8, optional BOM) with the scanner of the long-format reader: quoted
  /// fields, doubled quotes and line breaks in quotes as RFC 4180 has them.
  /// - Throws: `IngestError` when the file cannot be read, is not text, or has no header.
  static func readCSV(path: String, rawRowLimit: Int) throws -> SourceTable {
    let file = try InputFile(path: path)
    guard file.size > 0 else { throw IngestError.empty(file: path) }
    var bytes = [UInt8](repeating: 0, count: file.size + 16)
    let count = try bytes.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress!, count: file.size, at: 0) }
    try file.checkUnchanged()
    return try bytes.withUnsafeBufferPointer { buffer -> SourceTable in
      let p = buffer.baseAddress!
      if let reason = IngestError.sniff(p, count: count) { throw IngestError.notText(file: path, reason: reason) }
      var position = count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
      var scanner = RecordScanner()
      var line = 1
      var header: [String]? = nil
      var headerLine = 1
      var blank = 0
      var rows: [SourceRow] = []
      while position < count {
        guard case .record(let end, let next, let breaks) = scanner.scan(p, from: position, limit: count, atEnd: true) else { break }
        if end == position || RowParser.isBlank(scanner, p) {
          blank += 1
        } else {
          var cells: [String] = []
          for k in 0..<scanner.fieldCount {
            var field = Array(UnsafeBufferPointer(start: p + scanner.starts[k], count: scanner.ends[k] - scanner.starts[k]))
            if scanner.escaped[k] {
              var out: [UInt8] = []
              var i = 0
              while i < field.count {
                out.append(field[i])
                i += field[i] == UInt8(ascii: "\"") ? 2 : 1
              }
              field = out
            }
            cells.append(String(decoding: field, as: UTF8.self))
          }
          if header == nil {
            if cells.count == 1, let separator = IngestError.likelySeparator(cells[0]) {
              throw IngestError.otherSeparator(file: path, separator: separator, header: cells[0])
            }
            header = cells
            headerLine = line
          } else {
            let length = end - position
            var raw = String(decoding: UnsafeBufferPointer(start: p + position, count: min(length, rawRowLimit)), as: UTF8.self)
            if length > rawRowLimit { raw += " …[\(length - rawRowLimit) more bytes]" }
            var row = SourceRow(line: line, cells: scanner.malformed ? [] : cells, raw: raw)
            row.malformed = scanner.malformed
            rows.append(row)
          }
        }
        line += breaks
        position = next
      }
      guard let header else { throw IngestError.empty(file: path) }
      return SourceTable(header: header, rows: rows, headerLine: headerLine, blankLines: blank)
    }
  }
}
