import Foundation

/// The column names of a wide file: `--wide 'PHQ9_{session}'` reads `PHQ9_1`, `PHQ9_2`, ... as the
/// PHQ9 scores of sessions 1, 2, ...; `{instrument}_{session}` reads `GAD7_3` as GAD7 at session 3;
/// `{date}` (what `--wide-dates` means) reads a column named by a date (in `--date-format`) as the
/// score on that date. Names are matched ignoring case and surrounding spaces.
public struct WidePattern: Sendable {
  enum Slot: String { case session, date, instrument }
  let text: String
  let regex: NSRegularExpression
  let slots: [Slot]
  /// The instrument the literal text names, when the pattern has no `{instrument}` (`PHQ9_` -> PHQ9).
  let literalInstrument: Int?

  /// nil when the pattern has neither `{session}` nor `{date}`, or names another placeholder.
  public init?(text: String, registry: InstrumentRegistry) {
    var expression = "^"
    var slots: [Slot] = []
    var literal = ""
    var rest = Substring(text.trimmingASCIISpaces())
    while !rest.isEmpty {
      if rest.first == "{", let close = rest.firstIndex(of: "}") {
        guard let slot = Slot(rawValue: rest[rest.index(after: rest.startIndex)..<close].lowercased()) else { return nil }
        slots.append(slot)
        // A session is digits; an instrument next to a session ends where the digits begin.
        expression += slot == .session ? "([0-9]+)" : "(.+?)"
        rest = rest[rest.index(after: close)...]
      } else {
        let c = rest.removeFirst()
        literal.append(c)
        expression += NSRegularExpression.escapedPattern(for: String(c))
      }
    }
    guard slots.contains(.session) || slots.contains(.date), Set(slots).count == slots.count,
      let regex = try? NSRegularExpression(pattern: expression + "$", options: [.caseInsensitive])
    else { return nil }
    self.text = text
    self.regex = regex
    self.slots = slots
    literalInstrument = slots.contains(.instrument) ? nil : registry.index(of: literal)
  }

  /// The values a column name gives each slot; nil when the name does not match, its date does not
  /// read in `dateFormat`, or its instrument is not known.
  func match(_ name: String, dateFormat: DateFormat, registry: InstrumentRegistry) -> [Slot: String]? {
    let trimmed = name.trimmingASCIISpaces()
    let range = NSRange(trimmed.startIndex..., in: trimmed)
    guard let found = regex.firstMatch(in: trimmed, range: range) else { return nil }
    var values: [Slot: String] = [:]
    for (k, slot) in slots.enumerated() {
      guard let r = Range(found.range(at: k + 1), in: trimmed) else { return nil }
      values[slot] = String(trimmed[r]).trimmingASCIISpaces()
    }
    if let date = values[.date], dateFormat.parse(Array(date.utf8)[...]) == nil { return nil }
    if let instrument = values[.instrument], registry.index(of: instrument) == nil { return nil }
    return values
  }

  func matches(_ header: [String], dateFormat: DateFormat, registry: InstrumentRegistry = .builtIn) -> Bool {
    header.contains { match($0, dateFormat: dateFormat, registry: registry) != nil }
  }

  /// A pattern for a header that looks wide, for the message that names `--wide`: `PHQ9_{session}`
  /// when two or more columns share a prefix followed by different numbers, `{date}` when two or more
  /// columns are ISO or day/month/year dates; nil otherwise.
  public static func suggestion(for header: [String]) -> String? {
    var prefixes: [String: Set<Int>] = [:]
    var dates = 0
    for name in header.map({ $0.trimmingASCIISpaces() }) {
      let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }
      if !digits.isEmpty, digits.count < name.count, let n = Int(String(digits.reversed())) {
        prefixes[String(name.dropLast(digits.count)), default: []].insert(n)
      }
      let bytes = Array(name.utf8)[...]
      if DateFormat.iso.parse(bytes) != nil || DateFormat(pattern: "DD/MM/YYYY")!.parse(bytes) != nil { dates += 1 }
    }
    if dates >= 2 { return "{date}" }
    guard let best = prefixes.filter({ $0.value.count >= 2 }).max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) else { return nil }
    return best.key + "{session}"
  }
}

/// Reads a wide file (one row per client, one column per session or date) into long rows: one per
/// cell of a column the pattern names that holds a value. Empty cells (and `--na` tokens) are not
/// administrations and make no row. The other columns (client_id, episode_id, clinician_id, site,
/// instrument, ...) are copied to each long row. A reject names the source's line and the cell's column.
enum WideInput {
  static func convert(
    _ table: SourceTable, path: String, pattern: WidePattern, registry: InstrumentRegistry, options: IngestOptions
  ) throws -> PreparedInput {
    var wideColumns: [(column: Int, values: [WidePattern.Slot: String])] = []
    for (k, name) in table.header.enumerated() {
      if let values = pattern.match(name, dateFormat: options.dateFormat, registry: registry) { wideColumns.append((k, values)) }
    }
    let wideSet = Set(wideColumns.map(\.column))
    var header = LongHeader(table.header, dropping: wideSet, mapping: options.mapping)
    let fixedInstrument = pattern.literalInstrument.map { registry.instruments[$0].name }
    let needsInstrument = pattern.slots.contains(.instrument) || fixedInstrument != nil
    let instrumentColumn = needsInstrument ? header.column(.instrument) : nil
    let sessionColumn = pattern.slots.contains(.session) ? header.column(.session) : nil
    let dateColumn = pattern.slots.contains(.date) ? header.column(.date) : nil
    let scoreColumn = header.column(.score)
    var writer = LongRowsWriter(header: header.names)
    var prepared = PreparedInput(path: path, bytes: [], description: "")
    let missingTokens = Set(options.missingTokens)
    var cellsRead = 0, emptyCells = 0
    for row in table.rows {
      prepared.rawLines[row.line] = row.raw
      if row.malformed {
        prepared.rejects.append(PreparedInput.malformed(row, path: path))
        continue
      }
      let base = header.cells(of: row)
      for wide in wideColumns {
        let value = row[wide.column].trimmingASCIISpaces()
        if value.isEmpty || missingTokens.contains(value) {
          emptyCells += 1
          continue
        }
        cellsRead += 1
        var cells = base
        if let instrumentColumn {
          cells[instrumentColumn] = wide.values[.instrument].flatMap { registry.instrument(named: $0)?.name } ?? fixedInstrument ?? ""
        }
        if let sessionColumn { cells[sessionColumn] = wide.values[.session] ?? "" }
        if let dateColumn { cells[dateColumn] = wide.values[.date] ?? "" }
        cells[scoreColumn] = value
        let cell = wide.column < row.cellNames.count ? row.cellNames[wide.column] + String(row.line) : nil
        writer.add(cells, origin: PreparedInput.Origin(line: row.line, column: table.header[wide.column], cell: cell))
      }
    }
    prepared.notes.append(
      "\(path): wide (\(pattern.text)), \(table.rows.count) rows x \(wideColumns.count) columns: \(cellsRead) scores, \(emptyCells) empty cells skipped")
    prepared.bytes = writer.bytes
    prepared.origins = writer.origins
    prepared.fieldColumns = header.fieldColumns(except: [])
    return prepared
  }
}
