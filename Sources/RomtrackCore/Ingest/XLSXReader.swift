import Foundation
import ZIPFoundation

/// Reads one sheet of an Excel workbook (`.xlsx`, Office Open XML) into a `SourceTable`: the first sheet,
/// or the one `--sheet NAME` names.
///
/// A workbook is a ZIP archive of XML parts (ECMA-376 part 1): `xl/workbook.xml` lists the sheets,
/// `xl/_rels/workbook.xml.rels` says which part holds each, `xl/sharedStrings.xml` holds the text that
/// cells refer to by number, `xl/styles.xml` the number format of each cell style. Cells are written as
/// the CSV reader expects them:
/// - text as it is; numbers as Excel stored them (`18.5`, `3`);
/// - a number whose style has a date format (built-in formats 14-22 and 45-47, or a custom format
///   with a day or year code) as a date in `--date-format`: Excel's serial day number counts from
///   1899-12-30 (1904-01-01 in workbooks with the 1904 date system), and serials below 61 from
///   1899-12-31, past Excel's fictitious 1900-02-29; a time of day is dropped;
/// - TRUE / FALSE for booleans, the error text (`#N/A`) for errors, a formula's last computed value.
/// The first row with a value is the header; the sheet's row numbers are the "lines" of rejects.csv.
public enum XLSXReader {
  /// Whether the file starts like a ZIP archive (`PK\3\4`).
  public static func isZip(path: String) throws -> Bool {
    let file = try InputFile(path: path)
    guard file.size >= 4 else { return false }
    var head = [UInt8](repeating: 0, count: 4)
    _ = try head.withUnsafeMutableBufferPointer { try file.read(into: $0.baseAddress!, count: 4, at: 0) }
    return head == [0x50, 0x4B, 0x03, 0x04]
  }

  public struct Sheet: Sendable {
    public var name: String
    public var table: SourceTable
  }

  public static func read(path: String, sheet wanted: String?, dateFormat: DateFormat) throws -> Sheet {
    func fail(_ reason: String) -> IngestError { .badWorkbook(file: path, reason: reason) }
    let archive: Archive
    do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
      throw fail("is a ZIP archive (an .xlsx workbook?) that cannot be read (\(error)); save it again as .xlsx, or export it as CSV UTF-8")
    }
    func part(_ name: String) throws -> [UInt8]? {
      guard let entry = archive[name] else { return nil }
      var data = [UInt8]()
      data.reserveCapacity(Int(entry.uncompressedSize))
      do { _ = try archive.extract(entry, skipCRC32: false) { data.append(contentsOf: $0) } } catch {
        throw fail("its part \(name) cannot be read (\(error))")
      }
      return data
    }
    guard let workbook = try part("xl/workbook.xml") else {
      throw fail("is a ZIP archive but not an Excel workbook (no xl/workbook.xml; an .ods file? save it as .xlsx or CSV UTF-8)")
    }
    // The sheets in workbook order, and the date system.
    var sheets: [(name: String, relation: String)] = []
    var date1904 = false
    var scanner = XMLScanner(workbook)
    while let event = scanner.next() {
      guard case .start(let name, let attributes, _) = event else { continue }
      if name == "sheet", let sheetName = attributes["name"], let id = attributes["id"] { sheets.append((sheetName, id)) }
      if name == "workbookPr", let flag = attributes["date1904"] { date1904 = flag == "1" || flag == "true" }
    }
    guard !sheets.isEmpty else { throw fail("the workbook lists no sheets") }
    let chosen: (name: String, relation: String)
    if let wanted {
      guard let found = sheets.first(where: { $0.name == wanted }) ?? sheets.first(where: { $0.name.lowercased() == wanted.lowercased() }) else {
        throw fail("has no sheet \"\(wanted)\" (sheets: \(sheets.map { "\"\($0.name)\"" }.joined(separator: ", ")))")
      }
      chosen = found
    } else {
      chosen = sheets[0]
    }
    var target: String? = nil
    if let relations = try part("xl/_rels/workbook.xml.rels") {
      var scanner = XMLScanner(relations)
      while let event = scanner.next() {
        if case .start("Relationship", let attributes, _) = event, attributes["Id"] == chosen.relation { target = attributes["Target"] }
      }
    }
    guard let target else { throw fail("the part of sheet \"\(chosen.name)\" is not listed") }
    let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    guard let sheetXML = try part(sheetPath) else { throw fail("its part \(sheetPath) for sheet \"\(chosen.name)\" is missing") }
    let strings = try part("xl/sharedStrings.xml").map(sharedStrings) ?? []
    let dateStyles = try part("xl/styles.xml").map(dateStyleIndices) ?? []
    let table = try readSheet(
      sheetXML, strings: strings, dateStyles: dateStyles, date1904: date1904, dateFormat: dateFormat,
      fail: fail)
    return Sheet(name: chosen.name, table: table)
  }

  /// The shared strings, in order: all the text runs of each `<si>` (phonetic runs left out).
  static func sharedStrings(_ xml: [UInt8]) -> [String] {
    var strings: [String] = []
    var scanner = XMLScanner(xml)
    var current = ""
    var inText = false
    var inPhonetic = false
    while let event = scanner.next() {
      switch event {
      case .start("si", _, _): current = ""
      case .start("t", _, let selfClosing): inText = !selfClosing
      case .start("rPh", _, _): inPhonetic = true
      case .end("rPh"): inPhonetic = false
      case .end("t"): inText = false
      case .end("si"): strings.append(current)
      case .text(let text) where inText && !inPhonetic: current += text
      default: break
      }
    }
    return strings
  }

  /// The cell styles (indices into `<cellXfs>`) whose number format shows a date.
  static func dateStyleIndices(_ xml: [UInt8]) -> Set<Int> {
    var customDate: Set<Int> = []
    var styles: Set<Int> = []
    var inCellXfs = false
    var index = 0
    var scanner = XMLScanner(xml)
    while let event = scanner.next() {
      switch event {
      case .start("numFmt", let attributes, _):
        if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"], isDateFormat(code) { customDate.insert(id) }
      case .start("cellXfs", _, let selfClosing): inCellXfs = !selfClosing
      case .end("cellXfs"): inCellXfs = false
      case .start("xf", let attributes, _) where inCellXfs:
        let id = attributes["numFmtId"].flatMap(Int.init) ?? 0
        if (14...22).contains(id) || (45...47).contains(id) || customDate.contains(id) { styles.insert(index) }
        index += 1
      default: break
      }
    }
    return styles
  }

  /// Whether a custom number format shows a date: it has a day or year code outside quoted text,
  /// bracketed parts (colours, conditions) and escaped characters.
  static func isDateFormat(_ code: String) -> Bool {
    var inQuote = false, inBracket = false, escaped = false
    for c in code.lowercased() {
      if escaped { escaped = false; continue }
      switch c {
      case "\\": escaped = true
      case "\"": inQuote.toggle()
      case "[": inBracket = true
      case "]": inBracket = false
      case "d", "y": if !inQuote && !inBracket { return true }
      default: break
      }
    }
    return false
  }

  /// The 0-based column of a cell reference's letters (`C7` -> 2, `AA1` -> 26).
  static func column(of reference: String) -> Int? {
    var value = 0
    var letters = 0
    for scalar in reference.unicodeScalars {
      guard scalar.value >= 65 && scalar.value <= 90 || scalar.value >= 97 && scalar.value <= 122 else { break }
      value = value * 26 + Int((scalar.value & 0x1F))
      letters += 1
    }
    return letters == 0 || letters > 3 ? nil : value - 1
  }

  /// The letters of a 0-based column (2 -> C).
  static func letters(of column: Int) -> String {
    var n = column + 1
    var out = ""
    while n > 0 {
      let r = (n - 1) % 26
      out = String(UnicodeScalar(UInt8(65 + r))) + out
      n = (n - 1) / 26
    }
    return out
  }

  /// The calendar day of an Excel serial number, in the 1900 or the 1904 date system.
  public static func date(serial: Double, date1904: Bool) -> CivilDate? {
    guard serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
    let day = Int(serial.rounded(.down))
    if date1904 { return CivilDate(days: Int32(CivilDate.dayNumber(year: 1904, month: 1, day: 1) + day)) }
    let base = CivilDate.dayNumber(year: 1899, month: 12, day: day < 61 ? 31 : 30)
    return CivilDate(days: Int32(base + day))
  }

  static func readSheet(
    _ xml: [UInt8], strings: [String], dateStyles: Set<Int>, date1904: Bool, dateFormat: DateFormat,
    fail: (String) -> IngestError
  ) throws -> SourceTable {
    var rows: [(number: Int, cells: [Int: String])] = []
    var scanner = XMLScanner(xml)
    var rowNumber = 0
    var cells: [Int: String] = [:]
    var inRow = false
    var cell: (column: Int, type: String, style: Int)? = nil
    var value = ""
    var inValue = false
    var nextColumn = 0
    while let event = scanner.next() {
      switch event {
      case .start("row", let attributes, let selfClosing):
        rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
        cells = [:]
        nextColumn = 0
        inRow = !selfClosing
      case .end("row"):
        if inRow, !cells.isEmpty { rows.append((rowNumber, cells)) }
        inRow = false
      case .start("c", let attributes, let selfClosing):
        let column = attributes["r"].flatMap(column(of:)) ?? nextColumn
        nextColumn = column + 1
        cell = (column, attributes["t"] ?? "n", attributes["s"].flatMap(Int.init) ?? 0)
        value = ""
        if selfClosing { cell = nil }
      case .start("v", _, _), .start("t", _, _): inValue = true
      case .end("v"), .end("t"): inValue = false
      case .text(let text) where inValue && cell != nil: value += text
      case .end("c"):
        guard let c = cell else { break }
        cell = nil
        let text: String
        switch c.type {
        case "s":
          guard let k = Int(value.trimmingASCIISpaces()), k >= 0, k < strings.count else {
            throw fail("row \(rowNumber): cell \(letters(of: c.column))\(rowNumber) refers to shared string \(value), which does not exist")
          }
          text = strings[k]
        case "b": text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
        case "n":
          if dateStyles.contains(c.style), let serial = Double(value), let day = date(serial: serial, date1904: date1904) {
            text = dateFormat.format(day)
          } else {
            text = value
          }
        default: text = value  // inlineStr, str (a formula's text), e (an error such as #N/A)
        }
        if !text.isEmpty { cells[c.column] = text }
      default: break
      }
    }
    guard let headerIndex = rows.firstIndex(where: { !$0.cells.isEmpty }) else {
      throw fail("the sheet has no cells")
    }
    let width = rows.map { ($0.cells.keys.max() ?? -1) + 1 }.max() ?? 0
    let headerRow = rows[headerIndex]
    let headerWidth = (headerRow.cells.keys.max() ?? -1) + 1
    let header = (0..<headerWidth).map { headerRow.cells[$0] ?? "" }
    let names = (0..<max(width, headerWidth)).map(letters(of:))
    var table = SourceTable(header: header, rows: [], lineWord: "row", headerLine: headerRow.number)
    var previous = headerRow.number
    for row in rows[(headerIndex + 1)...] {
      table.blankLines += max(0, row.number - previous - 1)
      previous = row.number
      let count = max(headerWidth, (row.cells.keys.max() ?? -1) + 1)
      let values = (0..<count).map { row.cells[$0] ?? "" }
      let raw = values.map(csvCell).joined(separator: ",")
      table.rows.append(SourceRow(line: row.number, cells: values, raw: raw, cellNames: Array(names.prefix(count))))
    }
    return table
  }

  /// A cell as CSV writes it: quoted when it holds a comma, a quote or a line break.
  static func csvCell(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

extension DateFormat {
  /// `date` written in this format (`YYYY-MM-DD`, `DD/MM/YYYY`, `D.M.YYYY`, ...).
  func format(_ date: CivilDate) -> String {
    let (year, month, day) = date.components
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    var out = ""
    for token in tokens {
      switch token {
      case .year: out += String(year)
      case .month: out += two(month)
      case .day: out += two(day)
      case .monthShort: out += String(month)
      case .dayShort: out += String(day)
      case .literal(let byte): out.unicodeScalars.append(UnicodeScalar(byte))
      }
    }
    return out
  }
}
