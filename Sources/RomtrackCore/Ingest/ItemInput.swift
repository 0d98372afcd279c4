/// The item columns of a header: `<instrument>_item<k>` (any case; `phq9_item1`, `PHQ-9_item_1`) for an
/// instrument whose items the registry knows, or a column `--map phq9_item1=Q1` names.
public struct ItemColumns: Sendable, Equatable {
  /// Registry index of the instrument.
  var instrument: Int
  /// Column of each item (index k = item k+1); nil where the header has no column for the item.
  var columns: [Int?]

  /// The instruments with item columns in `header`, in registry order.
  static func find(header: [String], registry: InstrumentRegistry, mapping: [String: String]) -> [ItemColumns] {
    var found: [Int: [Int?]] = [:]
    let keys = header.map { $0.trimmingASCIISpaces().lowercased() }
    var mappedColumns: [Int: String] = [:]
    for (item, column) in mapping {
      if let index = keys.firstIndex(of: column.trimmingASCIISpaces().lowercased()) { mappedColumns[index] = item }
    }
    for (index, key) in keys.enumerated() {
      guard let (instrument, item) = parse(mappedColumns[index] ?? key, registry: registry),
        let rule = registry.instruments[instrument].items, item <= rule.count
      else { continue }
      var columns = found[instrument] ?? Array(repeating: nil, count: rule.count)
      if columns[item - 1] == nil { columns[item - 1] = index }
      found[instrument] = columns
    }
    return found.keys.sorted().map { ItemColumns(instrument: $0, columns: found[$0]!) }
  }

  /// `phq9_item3` -> (PHQ9's index, 3); nil for anything else.
  static func parse(_ name: String, registry: InstrumentRegistry) -> (Int, Int)? {
    let key = name.lowercased()
    guard let marker = key.range(of: "_item", options: .backwards) else { return nil }
    var digits = key[marker.upperBound...]
    if digits.first == "_" { digits = digits.dropFirst() }
    guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let item = Int(digits), item >= 1,
      let instrument = registry.index(of: String(key[..<marker.lowerBound]))
    else { return nil }
    return (instrument, item)
  }

  /// Whether `name` names an item (`phq9_item1`) of an instrument the registry knows, for `--map`.
  public static func isItemName(_ name: String, registry: InstrumentRegistry) -> Bool {
    parse(name, registry: registry) != nil
  }
}

/// Scores item-level rows to totals (`ItemScoring`): each source row gives one long row per instrument
/// with item columns, with the total as its score and the source's other columns as they are.
///
/// An item that is not a number, or lies outside the item range, rejects that instrument's row (field:
/// the item's column). More missing items than the instrument's rule allows reject it as
/// `missing_items`. Every item missing keeps the row with a missing score, as an empty score cell is
/// kept. A risk item answered at or above its threshold is recorded (`RiskAnswer`) whether or not a
/// total could be made.
enum ItemInput {
  static func convert(
    _ table: SourceTable, path: String, registry: InstrumentRegistry, options: IngestOptions
  ) throws -> PreparedInput {
    let groups = ItemColumns.find(header: table.header, registry: registry, mapping: options.itemMapping)
    let itemColumnSet = Set(groups.flatMap { $0.columns.compactMap { $0 } })
    // The long rows: every column that is not an item, then instrument and score where the source has
    // none (a source instrument or score column is overwritten).
    var header = LongHeader(table.header, dropping: itemColumnSet, mapping: options.mapping)
    let instrumentColumn = header.column(.instrument)
    let scoreColumn = header.column(.score)
    var writer = LongRowsWriter(header: header.names)
    var prepared = PreparedInput(path: path, bytes: [], description: "")
    prepared.scoredFromItems = true
    if scoreColumn < header.kept.count {
      prepared.notes.append("\(path): its column \(header.names[scoreColumn]) is replaced by the totals scored from the items")
    }
    let missingTokens = Set(options.missingTokens)
    let ids = (
      client: table.index(of: options.mapping[.clientID] ?? "client_id"),
      episode: table.index(of: options.mapping[.episodeID] ?? "episode_id"),
      session: table.index(of: options.mapping[.session] ?? "session"),
      date: table.index(of: options.mapping[.date] ?? "date")
    )

    for group in groups {
      let instrument = registry.instruments[group.instrument]
      let absent = group.columns.indices.filter { group.columns[$0] == nil }.map { $0 + 1 }
      if !absent.isEmpty {
        prepared.notes.append("\(path): no column for \(instrument.name) item\(absent.count == 1 ? "" : "s") \(absent.map(String.init).joined(separator: ", ")): counted as unanswered")
      }
    }
    var counts = (totals: 0, prorated: 0, missing: 0)
    for row in table.rows {
      prepared.rawLines[row.line] = row.raw
      if row.malformed {
        prepared.rejects.append(PreparedInput.malformed(row, path: path))
        continue
      }
      rows: for group in groups {
        let instrument = registry.instruments[group.instrument]
        let rule = instrument.items!
        var answers = [Double?](repeating: nil, count: rule.count)
        var problem: Reject? = nil
        for (k, column) in group.columns.enumerated() {
          guard let column else { continue }
          let text = row[column].trimmingASCIISpaces()
          if text.isEmpty || missingTokens.contains(text) { continue }
          let name = table.header[column]
          guard let value = Double(text), value.isFinite else {
            problem = problem ?? PreparedInput.reject(row, path: path, field: name, .badNumber, "\(name) \"\(text)\" is not a number (use . for decimals)")
            continue
          }
          guard value >= rule.itemMinimum, value <= rule.itemMaximum else {
            problem = problem ?? PreparedInput.reject(row, path: path, field: name, .outOfRange, "\(name) \(DecimalText.short(value)) is outside the \(instrument.name) item range \(DecimalText.short(rule.itemMinimum))-\(DecimalText.short(rule.itemMaximum))")
            continue
          }
          answers[k] = value
        }
        let risky = rule.positiveRiskItems(answers)
        if !risky.isEmpty {
          prepared.riskAnswers.append(RiskAnswer(
            file: path, line: row.line, client: ids.client.map { row[$0].trimmingASCIISpaces() } ?? "",
            episode: ids.episode.map { row[$0].trimmingASCIISpaces() } ?? "", instrument: group.instrument,
            session: ids.session.map { row[$0].trimmingASCIISpaces() } ?? "", date: ids.date.map { row[$0].trimmingASCIISpaces() } ?? "",
            items: risky.map { "\(instrument.name) item \($0.item) = \(DecimalText.short($0.answer))" }.joined(separator: "; "),
            highest: risky.map(\.answer).max()!))
        }
        if let problem {
          prepared.rejects.append(problem)
          continue rows
        }
        let total: String
        switch rule.score(answers) {
        case .total(let value, let answered):
          total = DecimalText.short(value)
          counts.totals += 1
          if answered < rule.count { counts.prorated += 1 }
        case .allMissing:
          total = ""
          counts.missing += 1
        case .tooManyMissing(let missing):
          let names = group.columns.indices.filter { answers[$0] == nil }.map { group.columns[$0].map { table.header[$0] } ?? "item \($0 + 1)" }
          let allowed = rule.maxMissing == 0 ? "\(instrument.name) is scored only with every item answered" : "\(instrument.name) allows up to \(rule.maxMissing) (prorated)"
          prepared.rejects.append(PreparedInput.reject(
            row, path: path, field: "\(instrument.name.lowercased())_items", .missingItems,
            "\(missing) of \(rule.count) \(instrument.name) items are missing (\(names.prefix(6).joined(separator: ", "))\(names.count > 6 ? ", …" : "")); \(allowed), so no total is given"))
          continue rows
        }
        var cells = header.cells(of: row)
        cells[instrumentColumn] = instrument.name
        cells[scoreColumn] = total
        writer.add(cells, origin: PreparedInput.Origin(line: row.line, column: nil, cell: nil))
      }
    }
    prepared.notes.insert(
      "\(path): item level, \(groups.map { registry.instruments[$0.instrument].name }.joined(separator: ", ")): \(counts.totals) totals scored (\(counts.prorated) prorated), \(counts.missing) with every item missing",
      at: 0)
    prepared.bytes = writer.bytes
    prepared.origins = writer.origins
    prepared.fieldColumns = header.fieldColumns(except: [.instrument, .score])
    return prepared
  }
}
