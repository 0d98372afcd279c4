/// An input that is not read as long-format CSV straight from disk, converted into long CSV in memory:
/// a workbook (`.xlsx`), a wide file (`--wide`), an item-level file (`<instrument>_item<k>` columns).
///
/// The long rows keep every column of the source that is not converted (ids, clinician, site, dates),
/// under its own name, so `--map`, `--date-format` and `--na` apply as they do to a CSV file and every
/// field is checked by the same reader. What the conversion itself finds (an item out of range, too
/// many missing items, a quote never closed) becomes a reject here, naming the source's line (or sheet
/// row) and column; the CSV reader's rejects of converted rows are mapped back the same way
/// (`origin(ofConvertedLine:)`). Plain long CSV files are not touched: their reading costs only a look
/// at the header.
public struct PreparedInput: Sendable {
  /// The path as given on the command line.
  public var path: String
  /// The long-format CSV made from it.
  public var bytes: [UInt8]
  /// What the input was read as, for the run's summary: "workbook sheet Scores", "wide (PHQ9_{session})".
  public var description: String
  /// Rows the conversion rejected (counted as rows read and rejected).
  public var rejects: [Reject] = []
  /// Positive answers on risk items, by the text of the row's ids.
  public var riskAnswers: [RiskAnswer] = []
  /// Lines for the run's summary (and the manifest): what was converted, what was skipped.
  public var notes: [String] = []
  /// Blank lines (or empty sheet rows) of the source.
  public var blankLines = 0
  /// The scores were made from items (so they are totals, whatever their values).
  public var scoredFromItems = false
  /// For each record of `bytes`, by its line there: the source's line, and the source column its
  /// score came from (a wide file's cell; nil when the whole row gives one score).
  var origins: [Int: Origin] = [:]
  /// Each field of the long rows: the source column it came from.
  var fieldColumns: [String: String] = [:]
  /// The source's raw text of each line with a record.
  var rawLines: [Int: String] = [:]
  /// "line" or "row" (sheet rows).
  var lineWord = "line"
  /// Workbooks: the column letters of each header name (lower case), to name a rejected cell.
  var columnLetters: [String: String] = [:]

  struct Origin: Sendable {
    var line: Int
    var column: String?
    var cell: String?
  }

  /// The source line of the record on `line` of the converted bytes (the line itself when unknown).
  public func sourceLine(ofConvertedLine line: Int) -> Int { origins[line]?.line ?? line }

  /// The raw text of the source's `line`.
  public func rawText(ofSourceLine line: Int) -> String { rawLines[line] ?? "" }

  /// A reject of the CSV reader on a converted record, moved to the source's line, column and raw text.
  func mapped(_ reject: Reject) -> Reject {
    guard let origin = origins[reject.line] else { return reject }
    var r = reject
    r.line = origin.line
    r.raw = rawLines[origin.line] ?? reject.raw
    if let column = origin.column, ["score", "session", "date"].contains(reject.field) {
      r.field = column
    } else if reject.field != "row" {
      r.field = fieldColumns[reject.field] ?? reject.field
    }
    if let cell = origin.cell ?? columnLetters[r.field.lowercased()].map({ $0 + String(origin.line) }) {
      r.detail += " (cell \(cell))"
    }
    return r
  }
}

/// A positive answer on a declared risk item (`ItemScoring.riskItems`), with the text of its row's ids.
public struct RiskAnswer: Sendable, Equatable {
  public var file: String
  /// Source line (or sheet row).
  public var line: Int
  public var client: String
  public var episode: String
  public var instrument: Int
  public var session: String
  public var date: String
  /// "PHQ9 item 9 = 2"; several joined with "; ".
  public var items: String
  /// The highest risk answer.
  public var highest: Double
}

/// The columns of the long rows made from a source: the source's columns that are not converted (ids,
/// clinician, dates, columns romtrack does not read), under their own names, then the fields the
/// conversion fills (instrument, session, date, score) where the source has no column for them. A
/// field's column is found as `ColumnLayout` finds it: by its `--map` name or its own, any case.
struct LongHeader {
  private(set) var names: [String] = []
  /// The source column of each of the first `kept.count` names.
  private(set) var kept: [Int] = []
  let mapping: [InputField: String]

  init(_ source: [String], dropping converted: Set<Int>, mapping: [InputField: String]) {
    self.mapping = mapping
    for (k, name) in source.enumerated() where !converted.contains(k) {
      names.append(name)
      kept.append(k)
    }
  }

  /// The column of a field among the names, if there is one.
  func field(_ f: InputField) -> Int? {
    let wanted = (mapping[f] ?? f.rawValue).trimmingASCIISpaces().lowercased()
    return names.firstIndex { $0.trimmingASCIISpaces().lowercased() == wanted }
  }

  /// The column of a field, added at the end when there is none.
  mutating func column(_ f: InputField) -> Int {
    if let k = field(f) { return k }
    names.append(mapping[f] ?? f.rawValue)
    return names.count - 1
  }

  /// A long row's cells: the kept cells of `row`, the added fields empty.
  func cells(of row: SourceRow) -> [String] {
    var cells = kept.map { row[$0] }
    while cells.count < names.count { cells.append("") }
    return cells
  }

  /// Each kept field's source column name, for mapping rejects back (`PreparedInput.fieldColumns`).
  func fieldColumns(except converted: [InputField]) -> [String: String] {
    var columns: [String: String] = [:]
    for f in InputField.allCases where !converted.contains(f) {
      if let k = field(f), k < kept.count { columns[f.rawValue] = names[k] }
    }
    return columns
  }
}

/// Writes long-format CSV rows and remembers where each came from.
struct LongRowsWriter {
  let header: [String]
  private(set) var bytes: [UInt8] = []
  private(set) var origins: [Int: PreparedInput.Origin] = [:]
  /// The line the next record starts on.
  private var line = 1

  init(header: [String]) {
    self.header = header
    append(header)
  }

  mutating func add(_ cells: [String], origin: PreparedInput.Origin) {
    origins[line] = origin
    append(cells)
  }

  private mutating func append(_ cells: [String]) {
    for (k, cell) in cells.enumerated() {
      if k > 0 { bytes.append(UInt8(ascii: ",")) }
      let utf8 = cell.utf8
      if utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
        bytes.append(UInt8(ascii: "\""))
        for b in utf8 {
          if b == UInt8(ascii: "\"") { bytes.append(b) }
          if b == 0x0A { line += 1 }
          bytes.append(b)
        }
        bytes.append(UInt8(ascii: "\""))
      } else {
        bytes.append(contentsOf: utf8)
      }
    }
    bytes.append(0x0A)
    line += 1
  }
}

extension PreparedInput {
  /// Reads `path` as the options and its contents say: a workbook, a wide file, an item-level file;
  /// nil for a plain long-format CSV file, which the CSV reader reads from disk.
  public static func prepare(path: String, registry: InstrumentRegistry, options: IngestOptions) throws -> PreparedInput? {
    let isWorkbook = try XLSXReader.isZip(path: path)
    var table: SourceTable
    var description: String
    if isWorkbook {
      let sheet = try XLSXReader.read(path: path, sheet: options.layout.sheet, dateFormat: options.dateFormat)
      table = sheet.table
      description = "workbook sheet \"\(sheet.name)\""
    } else {
      let header = try CSVIngest(registry: registry, options: options).readHeader(InputFile(path: path)).names
      let wide = options.layout.wide.flatMap { WidePattern(text: $0, registry: registry) }
      guard wide?.matches(header, dateFormat: options.dateFormat, registry: registry) == true
        || !ItemColumns.find(header: header, registry: registry, mapping: options.itemMapping).isEmpty
      else { return nil }
      table = try SourceTable.readCSV(path: path, rawRowLimit: options.rawRowLimit)
      description = ""
    }
    var prepared: PreparedInput
    if let text = options.layout.wide, let pattern = WidePattern(text: text, registry: registry),
      pattern.matches(table.header, dateFormat: options.dateFormat, registry: registry)
    {
      prepared = try WideInput.convert(table, path: path, pattern: pattern, registry: registry, options: options)
    } else if !ItemColumns.find(header: table.header, registry: registry, mapping: options.itemMapping).isEmpty {
      prepared = try ItemInput.convert(table, path: path, registry: registry, options: options)
    } else {
      prepared = PreparedInput.passthrough(table, path: path)
    }
    prepared.description = description
    if isWorkbook {
      for (k, name) in table.header.enumerated() { prepared.columnLetters[name.lowercased()] = XLSXReader.letters(of: k) }
    }
    prepared.blankLines += table.blankLines
    prepared.lineWord = table.lineWord
    return prepared
  }

  /// A long-format table as it is (a workbook sheet in long format).
  static func passthrough(_ table: SourceTable, path: String) -> PreparedInput {
    var writer = LongRowsWriter(header: table.header)
    var prepared = PreparedInput(path: path, bytes: [], description: "")
    for row in table.rows {
      prepared.rawLines[row.line] = row.raw
      writer.add(row.cells, origin: Origin(line: row.line, column: nil, cell: nil))
    }
    prepared.bytes = writer.bytes
    prepared.origins = writer.origins
    return prepared
  }

  /// A reject made by the conversion for `row` of the source.
  static func reject(
    _ row: SourceRow, path: String, field: String, _ reason: RejectReason, _ detail: String, cell: String? = nil
  ) -> Reject {
    Reject(file: path, line: row.line, field: field, reason: reason, detail: detail + (cell.map { " (cell \($0))" } ?? ""), raw: row.raw)
  }

  /// The reject of a record whose quotes are broken, as the CSV reader words it.
  static func malformed(_ row: SourceRow, path: String) -> Reject {
    reject(row, path: path, field: "row", .badQuote, "a quoted field is never closed, or text follows its closing quote; a quote inside a value is written twice (\"\")")
  }
}

/// How an input is laid out, beyond the long format: the command-line options `--wide`,
/// `--wide-dates` and `--sheet` (docs/input.md).
public struct InputLayout: Sendable, Equatable {
  /// `--wide PATTERN`: columns named by the pattern hold one score each (`PHQ9_{session}`,
  /// `{instrument}_{session}`, `{date}`).
  public var wide: String?
  /// `--sheet NAME`: the sheet of a workbook to read (default: the first).
  public var sheet: String?

  public init(wide: String? = nil, sheet: String? = nil) {
    self.wide = wide
    self.sheet = sheet
  }
}

extension PreparedInput {
  /// Moves what the CSV reader made of converted files back onto their sources: each row's line
  /// becomes the source's line (so duplicate and series rejects name it too), each reject names the
  /// source's line, column and raw text, and the conversion's own rejects join them, counted as rows
  /// read and rejected so that the reconciliation balances.
  static func mapToSources(_ input: inout IngestResult, files: [String], prepared: [String: PreparedInput]) {
    for (k, path) in files.enumerated() {
      guard let p = prepared[path], k < input.rows.fileRows.count, k < input.files.count else { continue }
      let lines = input.rows.line
      for i in input.rows.fileRows[k] {
        lines.base[i] = UInt32(truncatingIfNeeded: p.sourceLine(ofConvertedLine: Int(lines[i])))
      }
      input.files[k].rowsRead += p.rejects.count
      input.files[k].rowsRejected += p.rejects.count
      input.files[k].blankLines += p.blankLines
    }
    var mappedFiles = Set<String>()
    input.rejects = input.rejects.map { reject in prepared[reject.file].map { $0.mapped(reject) } ?? reject }
    for path in files where mappedFiles.insert(path).inserted {
      if let p = prepared[path] { input.rejects += p.rejects }
    }
  }
}
