/// Turns the records of one byte range of one file into rows and rejects: the per-thread half of ingest.
///
/// Checks every field of FORMATS.md and rejects the row with the first problem found, in this order:
/// malformed quotes, field count, client id, instrument, session, date, score, range, encoding.
struct RowParser {
  let fileName: String
  let layout: ColumnLayout
  let registry: InstrumentRegistry
  let dateFormat: DateFormat
  let missingTokens: [[UInt8]]
  /// Whether some `--na` token reads as a number (like -99), so numbers must be checked against them.
  let numericMissingTokens: Bool
  let rawRowLimit: Int
  /// Registry index of `--instrument`, for files without an instrument column.
  let defaultInstrument: Int?
  /// `--decimal-comma`: a score that is not a number with a point is tried with a comma.
  let decimalComma: Bool
  /// The first dates that could not be read, for the `--date-format` hint (`DateFormat.suggestion`).
  var unreadDates: [String] = []
  var unreadDateCount = 0
  static let dateSampleLimit = 200

  // Column positions, -1 when absent.
  let clientColumn: Int, episodeColumn: Int, clinicianColumn: Int, siteColumn: Int
  let instrumentColumn: Int, sessionColumn: Int, dateColumn: Int, scoreColumn: Int
  let episodeEndColumn: Int, goalColumn: Int

  var rows = ParsedColumns()
  var rejects: [Reject] = []
  var clients = ByteInterner()
  var episodes = ByteInterner()
  var clinicians = ByteInterner(capacity: 64)
  var sites = ByteInterner(capacity: 16)
  var goals = ByteInterner(capacity: 16)
  var instrumentNames = ByteInterner(capacity: 16)
  /// Registry index for each distinct instrument text (-1 unknown).
  var instrumentOfName: [Int] = []
  var knownInstrumentNames = 0
  var rowsRead = 0
  /// `IngestOptions.onlyInstrument` as a registry index, and the rows of other instruments skipped.
  let onlyInstrument: Int?
  var otherInstrumentRows = 0
  /// The last ten-byte date read in each date column (`date`, `episode_end`), and its day number.
  var recentDates = (RecentDate(), RecentDate())
  /// Each instrument's range, copied out of the registry for the per-row check.
  let ranges: InstrumentRanges
  /// Fields in the header.
  let columnCount: Int
  var blankLines = 0
  let scratch = ScratchBuffer()

  init(
    fileName: String, layout: ColumnLayout, registry: InstrumentRegistry, options: IngestOptions,
    defaultInstrument: Int?
  ) {
    self.fileName = fileName
    self.layout = layout
    self.registry = registry
    self.dateFormat = options.dateFormat
    self.missingTokens = options.missingTokens.map { Array($0.utf8) }
    self.numericMissingTokens = options.missingTokens.contains { Double($0) != nil }
    self.rawRowLimit = options.rawRowLimit
    self.defaultInstrument = defaultInstrument
    self.decimalComma = options.decimalComma
    self.onlyInstrument = options.onlyInstrument.flatMap { registry.index(of: $0) }
    self.ranges = InstrumentRanges(registry)
    self.columnCount = layout.header.count
    func column(_ field: InputField) -> Int { layout.column(of: field) ?? -1 }
    clientColumn = column(.clientID)
    episodeColumn = column(.episodeID)
    clinicianColumn = column(.clinicianID)
    siteColumn = column(.site)
    instrumentColumn = column(.instrument)
    sessionColumn = column(.session)
    dateColumn = column(.date)
    scoreColumn = column(.score)
    episodeEndColumn = column(.episodeEnd)
    goalColumn = column(.goalID)
  }

  private mutating func reject(
    _ reason: RejectReason, _ field: String, _ detail: String,
    _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int
  ) {
    let length = end - start
    var raw = String(decoding: UnsafeBufferPointer(start: p + start, count: min(length, rawRowLimit)), as: UTF8.self)
    if length > rawRowLimit { raw += " …[\(length - rawRowLimit) more bytes]" }
    rejects.append(Reject(file: fileName, line: line, field: field, reason: reason, detail: detail, raw: raw))
  }

  /// The bytes of field `index` of the scanned record, as `(base, start, end)`: quotes removed, spaces
  /// trimmed from unquoted fields, doubled quotes undone into a scratch buffer (valid until the next
  /// call).
  @inline(__always)
  private func span(_ scanner: RecordScanner, _ index: Int, _ p: UnsafePointer<UInt8>) -> (UnsafePointer<UInt8>, Int, Int) {
    var start = scanner.starts[index], end = scanner.ends[index]
    if scanner.escaped[index] {
      let out = scratch.reserve(end - start)
      var n = 0
      var i = start
      while i < end {
        out[n] = p[i]
        n += 1
        i += p[i] == UInt8(ascii: "\"") ? 2 : 1
      }
      return (UnsafePointer(out), 0, n)
    }
    let quoted = start > 0 && p[start - 1] == UInt8(ascii: "\"")
    if !quoted { FieldValues.trim(p, &start, &end) }
    return (p, start, end)
  }

  /// A field's text for messages, in quotes, cut after 60 bytes; invalid UTF-8 and NUL shown as U+FFFD.
  private func shown(_ scanner: RecordScanner, _ index: Int, _ p: UnsafePointer<UInt8>) -> String {
    let (q, s, e) = span(scanner, index, p)
    let n = min(e - s, 60)
    var text = String(decoding: UnsafeBufferPointer(start: q + s, count: n), as: UTF8.self)
    if text.utf8.contains(0) { text = text.replacing("\0", with: "\u{FFFD}") }  // messages carry no NUL
    return "\"" + text + (e - s > n ? "…" : "") + "\""
  }

  /// The sentence of a `bad_date` reject, naming a `--date-format` that reads the value when one
  /// does; the value is kept for the file's hint.
  private mutating func badDateDetail(_ field: String, _ scanner: RecordScanner, _ column: Int, _ p: UnsafePointer<UInt8>) -> String {
    let (q, s, e) = span(scanner, column, p)
    let text = String(decoding: UnsafeBufferPointer(start: q + s, count: min(e - s, 60)), as: UTF8.self)
    unreadDateCount += 1
    if unreadDates.count < RowParser.dateSampleLimit { unreadDates.append(text) }
    let detail = "\(field) \(shown(scanner, column, p)) is not a valid date in the format \(dateFormat.pattern)"
    guard let suggestion = DateFormat.suggestion(for: [text], current: dateFormat) else { return detail }
    return detail + "; --date-format \(suggestion) would read it"
  }

  /// A date field: `.missing` when empty or a `--na` token. Rows of one session share a date, so
  /// each date column remembers its last ten-byte value and compares it as two integers before parsing.
  @inline(__always)
  static func date(
    _ q: UnsafePointer<UInt8>, _ s: Int, _ e: Int, format: DateFormat, missingTokens: [[UInt8]],
    recent: inout RecentDate
  ) -> FieldValue<Int32> {
    if e == s { return .missing }
    if e - s == 10 {
      let raw = UnsafeRawPointer(q + s)
      let head = raw.loadUnaligned(as: UInt64.self), tail = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
      if head == recent.head, tail == recent.tail { return .value(recent.days) }
      if let d = format.parse(q + s, 10) {
        recent = RecentDate(head: head, tail: tail, days: d.days)
        return .value(d.days)
      }
    } else if let d = format.parse(q + s, e - s) {
      return .value(d.days)
    }
    return FieldValues.isMissingToken(q, s, e, missingTokens) ? .missing : .invalid
  }

  /// Whether every field of the scanned record is empty or spaces: a line of spaces, or the `,,,,,`
  /// that spreadsheets export for an empty row. Such a record is a blank line, not a row. A usual row
  /// is told apart by the first byte of its first field.
  static func isBlank(_ scanner: RecordScanner, _ p: UnsafePointer<UInt8>) -> Bool {
    guard !scanner.malformed else { return false }
    for k in 0..<scanner.fieldCount {
      for i in scanner.starts[k]..<scanner.ends[k] where p[i] != 0x20 && p[i] != 0x09 { return false }
    }
    return true
  }

  /// Reads one record `p[start..<end]` that starts on physical line `line`.
  mutating func add(_ scanner: RecordScanner, _ p: UnsafePointer<UInt8>, start: Int, end: Int, line: Int) {
    if end == start || RowParser.isBlank(scanner, p) {
      blankLines += 1
      return
    }
    rowsRead += 1
    func fail(_ reason: RejectReason, _ field: String, _ detail: String) {
      reject(reason, field, detail, p, start, end, line: line)
    }
    if scanner.malformed {
      // A quote never closed runs to the end of the file: its last field ends where the record does.
      let last = scanner.fieldCount - 1
      let lastStart = scanner.starts[last]
      if scanner.ends[last] == end, lastStart > start, p[lastStart - 1] == UInt8(ascii: "\"") {
        var lines = 0  // lines that start after this one: line feeds before the last byte
        for i in start..<(end - 1) where p[i] == 0x0A { lines += 1 }
        let rest = lines == 0 ? "before the end of the file" : "so the rest of the file (\(lines) more line\(lines == 1 ? "" : "s")) was read into it"
        fail(.badQuote, "row", "a quoted field opened on this line is never closed \(rest); a quote inside a value is written twice (\"\")")
      } else {
        fail(.badQuote, "row", "text follows the closing quote of a quoted field; a quote inside a value is written twice (\"\")")
      }
      return
    }
    let expected = columnCount
    guard scanner.fieldCount == expected else {
      let hint = scanner.fieldCount > expected ? "; a comma inside an unquoted value (a decimal comma as in 12,5, or a name like Smith, J) splits it: quote the value or write 12.5" : ""
      fail(.fieldCount, "row", "expected \(expected) fields as in the header, found \(scanner.fieldCount)\(hint)")
      return
    }

    // client_id
    var (q, s, e) = span(scanner, clientColumn, p)
    guard e > s else {
      fail(.missingValue, "client_id", "client_id is empty")
      return
    }
    let client = clients.internPadded(q + s, e - s)
    // The first text field that is not valid UTF-8 (or holds a NUL byte), and its column.
    var invalidText: (field: String, column: Int)? = clients.isValid(client) ? nil : ("client_id", clientColumn)

    // instrument
    var instrument = defaultInstrument ?? 0
    if instrumentColumn >= 0 {
      (q, s, e) = span(scanner, instrumentColumn, p)
      if e == s {
        if defaultInstrument == nil {
          fail(.missingValue, "instrument", "instrument is empty")
          return
        }
      } else {
        let nameID = Int(instrumentNames.internPadded(q + s, e - s))
        if nameID >= knownInstrumentNames {
          instrumentOfName.append(registry.index(of: instrumentNames.string(UInt32(nameID))) ?? -1)
          knownInstrumentNames += 1
        }
        guard instrumentOfName[nameID] >= 0 else {
          fail(.unknownInstrument, "instrument", "\(shown(scanner, instrumentColumn, p)) is not a known instrument name or alias (see `romtrack instruments`)")
          return
        }
        instrument = instrumentOfName[nameID]
      }
    }
    if let onlyInstrument, instrument != onlyInstrument {
      rowsRead -= 1
      otherInstrumentRows += 1
      return
    }

    // session
    var session = ScoreRows.noSession
    if sessionColumn >= 0 {
      (q, s, e) = span(scanner, sessionColumn, p)
      if let value = e > s ? FieldValues.count(q, s, e) : nil,
        !(numericMissingTokens && FieldValues.isMissingToken(q, s, e, missingTokens))
      {
        session = value
      } else if e > s, !FieldValues.isMissingToken(q, s, e, missingTokens) {
        fail(.badNumber, "session", "session \(shown(scanner, sessionColumn, p)) is not a whole number >= 0")
        return
      }
    }

    // date
    var date = ScoreRows.noDate
    if dateColumn >= 0 {
      (q, s, e) = span(scanner, dateColumn, p)
      switch RowParser.date(q, s, e, format: dateFormat, missingTokens: missingTokens, recent: &recentDates.0) {
      case .missing: break
      case .value(let d): date = d
      case .invalid:
        fail(.badDate, "date", badDateDetail("date", scanner, dateColumn, p))
        return
      }
    }
    if session == ScoreRows.noSession && date == ScoreRows.noDate {
      fail(.missingValue, sessionColumn >= 0 ? "session" : "date", "neither a session number nor a date is given")
      return
    }

    // score: a number, or missing (empty or a `--na` token)
    var score = Double.nan
    (q, s, e) = span(scanner, scoreColumn, p)
    if let value = e > s ? FieldValues.decimal(q, s, e) ?? (decimalComma ? FieldValues.decimalWithComma(q, s, e) : nil) : nil,
      !(numericMissingTokens && FieldValues.isMissingToken(q, s, e, missingTokens))
    {
      guard value >= ranges.minimum[instrument], value <= ranges.maximum[instrument] else {
        let entry = registry.instruments[instrument]
        fail(.outOfRange, "score", "score \(DecimalText.short(value)) is outside the \(entry.name) range \(DecimalText.short(entry.minimum))-\(DecimalText.short(entry.maximum))")
        return
      }
      score = value
    } else if e > s, !FieldValues.isMissingToken(q, s, e, missingTokens) {
      let hint = decimalComma ? "" : FieldValues.decimalWithComma(q, s, e) != nil ? ", or give --decimal-comma" : ""
      fail(.badNumber, "score", "score \(shown(scanner, scoreColumn, p)) is not a number (use . for decimals\(hint))")
      return
    }

    // episode_end
    var episodeEnd = ScoreRows.noDate
    if episodeEndColumn >= 0 {
      (q, s, e) = span(scanner, episodeEndColumn, p)
      switch RowParser.date(q, s, e, format: dateFormat, missingTokens: missingTokens, recent: &recentDates.1) {
      case .missing: break
      case .value(let d): episodeEnd = d
      case .invalid:
        fail(.badDate, "episode_end", badDateDetail("episode_end", scanner, episodeEndColumn, p))
        return
      }
    }

    // optional text fields (the empty text where the column is absent)
    (q, s, e) = episodeColumn >= 0 ? span(scanner, episodeColumn, p) : (p, 0, 0)
    let episode = episodes.internPadded(q + s, e - s)
    if !episodes.isValid(episode) { invalidText = invalidText ?? ("episode_id", episodeColumn) }
    (q, s, e) = clinicianColumn >= 0 ? span(scanner, clinicianColumn, p) : (p, 0, 0)
    let clinician = clinicians.internPadded(q + s, e - s)
    if !clinicians.isValid(clinician) { invalidText = invalidText ?? ("clinician_id", clinicianColumn) }
    (q, s, e) = siteColumn >= 0 ? span(scanner, siteColumn, p) : (p, 0, 0)
    let site = sites.internPadded(q + s, e - s)
    if !sites.isValid(site) { invalidText = invalidText ?? ("site", siteColumn) }
    var goal: UInt32 = 0
    if goalColumn >= 0 {
      (q, s, e) = span(scanner, goalColumn, p)
      goal = goals.internPadded(q + s, e - s)
      if !goals.isValid(goal) { invalidText = invalidText ?? ("goal_id", goalColumn) }
    }
    if let invalidText {
      (q, s, e) = span(scanner, invalidText.column, p)
      let problem = FieldValues.textProblem(q, s, e) ?? "is not valid UTF-8"
      fail(.badEncoding, invalidText.field, "\(invalidText.field) \(shown(scanner, invalidText.column, p)) \(problem)")
      return
    }

    rows.client.append(client)
    rows.episode.append(episode)
    rows.instrument.append(UInt16(instrument))
    rows.clinician.append(clinician)
    rows.site.append(site)
    rows.session.append(session)
    rows.date.append(date)
    rows.score.append(score)
    rows.episodeEnd.append(episodeEnd)
    rows.line.append(UInt32(truncatingIfNeeded: line))
    if goalColumn >= 0 { rows.goal.append(goal) }
  }
}

/// A parsed optional field.
enum FieldValue<T> {
  case missing
  case value(T)
  case invalid
}

/// A growable byte buffer owned by one parser, for fields whose doubled quotes must be undone.
final class ScratchBuffer: @unchecked Sendable {
  private var pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 256 + 16)
  private var capacity = 256

  /// A buffer of at least `count` bytes (its old contents are not kept).
  func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
    if count > capacity {
      pointer.deallocate()
      capacity = max(count, capacity * 2)
      pointer = .allocate(capacity: capacity + 16)  // 16 bytes of slack for word-wise reads
    }
    return pointer
  }

  deinit { pointer.deallocate() }
}

/// Instrument ranges in plain memory, for the range check on every row.
final class InstrumentRanges: @unchecked Sendable {
  let minimum: UnsafeMutablePointer<Double>
  let maximum: UnsafeMutablePointer<Double>

  init(_ registry: InstrumentRegistry) {
    let n = max(registry.instruments.count, 1)
    minimum = .allocate(capacity: n)
    maximum = .allocate(capacity: n)
    for (i, instrument) in registry.instruments.enumerated() {
      minimum[i] = instrument.minimum
      maximum[i] = instrument.maximum
    }
  }

  deinit {
    minimum.deallocate()
    maximum.deallocate()
  }
}

/// A date field's last ten bytes and their day number.
struct RecentDate {
  var head: UInt64 = 0
  var tail: UInt16 = 0
  var days: Int32 = 0
}
