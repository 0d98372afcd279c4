import Dispatch

/// What one input file gave.
public struct FileSummary: Sendable, Equatable {
  /// The path as given on the command line.
  public var path: String
  public var bytes: Int
  /// Records after the header, blank lines not counted.
  public var rowsRead: Int
  public var rowsRejected: Int
  public var blankLines: Int
  /// The header as written in the file.
  public var header: [String]
  /// Threads that parsed the file.
  public var threads: Int
  /// Rows of other instruments skipped with `IngestOptions.onlyInstrument` (not in `rowsRead`).
  public var otherInstrumentRows = 0
  /// The character between fields, and whether it was detected from the header (`--delimiter auto`).
  public var separator: FieldSeparator = .comma
  public var separatorDetected = false
  /// The header column each field was read from, in field order.
  public var fieldColumns: [FieldColumn] = []
  /// Header columns no field was read from.
  public var unusedColumns: [String] = []
  /// Some of the dates that could not be read (at most `RowParser.dateSampleLimit`), to name the
  /// `--date-format` that would read them (`DateFormat.suggestion`).
  public var unreadDates: [String] = []
  /// Rows rejected because a date could not be read.
  public var unreadDateCount = 0

  /// The `--date-format` that reads the dates that could not be read (`DateFormat.suggestion`), when
  /// they are more than half of the rows: then the format, not a typo, is at fault.
  public var dateFormatHint: String? {
    guard unreadDateCount > 0, unreadDateCount * 2 > rowsRead else { return nil }
    return DateFormat.suggestion(for: unreadDates, current: dateFormat)
  }
  /// The date format the file was read with.
  public var dateFormat: DateFormat = .iso

  /// Whether the columns deserve a line in the summary: some field read from a column not named
  /// exactly as the field (a synonym, `--map`, another case), or some column left unused.
  public var columnsWorthShowing: Bool {
    !unusedColumns.isEmpty || fieldColumns.contains { $0.column.trimmingASCIISpaces() != $0.field.rawValue }
  }
}

/// A field and the header column it was read from.
public struct FieldColumn: Sendable, Equatable {
  public var field: InputField
  public var column: String
}

/// The rows of all input files, with everything that could not be used.
public struct IngestResult: Sendable {
  public var rows: ScoreRows
  public var names: NameTables
  public var rejects: [Reject]
  public var files: [FileSummary]
  /// Seconds spent parsing and merging, summed over files.
  public var parseSeconds = 0.0
  public var mergeSeconds = 0.0
  /// Lines for the summary about ids that differ only in case or spacing (`IdSpelling`).
  public var warnings: [String] = []
}

/// Reads long-format score files (FORMATS.md, "Input") into `ScoreRows`.
///
/// Each file is read in blocks by `pread` (see `InputFile`). A large file is cut into equal byte ranges,
/// one per thread; each thread starts after the first line break in its range and parses the records
/// that start inside it. A line break inside a quoted field could make a thread start in the middle of a
/// record, so the cut is checked afterwards: every thread must have ended exactly where the next one
/// began. When one did not, the file is parsed again by a single thread, so the result never depends on
/// where the cuts fell.
public struct CSVIngest: Sendable {
  public let registry: InstrumentRegistry
  public let options: IngestOptions

  public init(registry: InstrumentRegistry, options: IngestOptions = IngestOptions()) {
    self.registry = registry
    self.options = options
  }

  /// - Parameter converted: long-format CSV made in memory for some of the paths (a workbook, a wide or
  ///   item-level file: `PreparedInput`), read instead of the file.
  public func read(files: [String], converted: [String: [UInt8]] = [:]) throws -> IngestResult {
    var defaultInstrument: Int? = nil
    if let name = options.defaultInstrument {
      guard let index = registry.index(of: name) else { throw IngestError.unknownDefaultInstrument(name: name) }
      defaultInstrument = index
    }
    var merger = Merger()
    var summaries: [FileSummary] = []
    var parseSeconds = 0.0, mergeSeconds = 0.0
    for path in files {
      let file = try converted[path].map { InputFile(path: path, bytes: $0) } ?? InputFile(path: path)
      guard file.size > 0 else { throw IngestError.empty(file: path) }
      let header = try readHeader(file)
      let layout = try ColumnLayout.resolve(
        header: header.names, mapping: options.mapping,
        hasDefaultInstrument: defaultInstrument != nil, file: path)
      let clock = ContinuousClock()
      let t0 = clock.now
      var parts = try parse(file, layout: layout, header: header, defaultInstrument: defaultInstrument)
      let t1 = clock.now
      parseSeconds += t0.duration(to: t1).seconds
      try file.checkUnchanged()
      let summary = FileSummary(
        path: path, bytes: file.size,
        rowsRead: parts.reduce(0) { $0 + $1.rowsRead },
        rowsRejected: parts.reduce(0) { $0 + $1.rejects.count },
        blankLines: parts.reduce(0) { $0 + $1.blankLines } + header.blankLines,
        header: header.names, threads: parts.count,
        otherInstrumentRows: parts.reduce(0) { $0 + $1.otherInstrumentRows },
        separator: header.separator, separatorDetected: header.separatorDetected,
        fieldColumns: layout.columns.sorted { $0.key < $1.key }.map { FieldColumn(field: $0.key, column: header.names[$0.value]) },
        unusedColumns: header.names.indices.filter { !layout.columns.values.contains($0) }.map { header.names[$0] },
        unreadDates: Array(parts.flatMap(\.unreadDates).prefix(RowParser.dateSampleLimit)),
        unreadDateCount: parts.reduce(0) { $0 + $1.unreadDateCount },
        dateFormat: options.dateFormat)
      merger.append(&parts)
      mergeSeconds += t1.duration(to: clock.now).seconds
      summaries.append(summary)
    }
    let joinStart = ContinuousClock.now
    let rows = merger.finish()
    mergeSeconds += joinStart.duration(to: .now).seconds
    let names = merger.names()
    return IngestResult(
      rows: rows, names: names, rejects: merger.rejects, files: summaries,
      parseSeconds: parseSeconds, mergeSeconds: mergeSeconds,
      warnings: IdSpelling.warnings(names.clinicians, kind: "clinician") + IdSpelling.warnings(names.sites, kind: "site"))
  }

  // MARK: - Header

  struct Header {
    var names: [String]
    /// File offset of the first data record.
    var dataStart: Int
    /// Physical lines before the first data record (blank lines, header).
    var lines: Int
    var blankLines: Int
    var separator: FieldSeparator = .comma
    var separatorDetected = false
  }

  /// The header, read with `--delimiter`'s separator, or with `.auto` with the comma unless the
  /// header then reads as one column of `;` or tab-separated names (`FieldSeparator.detected`).
  func readHeader(_ file: InputFile) throws -> Header {
    var header = try readHeader(file, separator: options.separator == .auto ? .comma : options.separator)
    if options.separator == .auto, header.names.count == 1,
      let other = FieldSeparator.detected(inOneColumnHeader: header.names[0])
    {
      header = try readHeader(file, separator: other)
      header.separatorDetected = true
    }
    // A separator still not found reads as one column: say so once, rather than reject every row
    // for its field count.
    if header.names.count == 1, let separator = IngestError.likelySeparator(header.names[0]) {
      throw IngestError.otherSeparator(file: file.path, separator: separator, header: header.names[0])
    }
    return header
  }

  func readHeader(_ file: InputFile, separator: FieldSeparator) throws -> Header {
    var window = BlockWindow(file: file, start: 0, blockSize: 1 << 16)
    defer { window.deallocate() }
    _ = try window.refill()
    if let reason = IngestError.sniff(window.bytes, count: window.filled) {
      throw IngestError.notText(file: file.path, reason: reason)
    }
    if window.filled >= 3, window.bytes[0] == 0xEF, window.bytes[1] == 0xBB, window.bytes[2] == 0xBF {
      window.consumed = 3
    }
    var scanner = RecordScanner(separator: separator.byte!)
    var lines = 0
    var blank = 0
    while true {
      let outcome = scanner.scan(window.bytes, from: window.consumed, limit: window.filled, atEnd: window.atEndOfFile)
      switch outcome {
      case .needMore:
        _ = try window.refill()
      case .record(let end, let next, let breaks):
        if end == window.consumed || RowParser.isBlank(scanner, window.bytes) {
          // A blank line before the header.
          lines += breaks
          blank += 1
          window.consumed = next
          if window.consumed >= window.filled && window.atEndOfFile { throw IngestError.empty(file: file.path) }
          continue
        }
        var names: [String] = []
        for k in 0..<scanner.fieldCount {
          var bytes = Array(UnsafeBufferPointer(start: window.bytes + scanner.starts[k], count: scanner.ends[k] - scanner.starts[k]))
          if scanner.escaped[k] {
            var unescaped: [UInt8] = []
            var i = 0
            while i < bytes.count {
              unescaped.append(bytes[i])
              i += bytes[i] == UInt8(ascii: "\"") ? 2 : 1
            }
            bytes = unescaped
          }
          names.append(String(decoding: bytes, as: UTF8.self))
        }
        return Header(
          names: names, dataStart: window.offset + next, lines: lines + breaks, blankLines: blank, separator: separator)
      }
    }
  }

  // MARK: - Parallel parse

  /// One thread's share of a file.
  struct Part {
    var parser: RowParser
    /// File offsets of the first record parsed and of the byte after the last.
    var start: Int
    var end: Int
    /// Line breaks consumed (inside and between records).
    var lineBreaks: Int
  }

  func parse(_ file: InputFile, layout: ColumnLayout, header: Header, defaultInstrument: Int?) throws -> [RowParser] {
    let dataBytes = file.size - header.dataStart
    let threads = dataBytes >= options.parallelThreshold ? max(1, options.threads) : 1
    let separator = header.separator.byte!
    let makeParser: @Sendable () -> RowParser = {
      RowParser(fileName: file.path, layout: layout, registry: registry, options: options, defaultInstrument: defaultInstrument)
    }
    if threads > 1 {
      let results = ResultSlots<Result<Part, Error>>(count: threads)
      let share = dataBytes / threads
      DispatchQueue.concurrentPerform(iterations: threads) { k in
        let from = header.dataStart + k * share
        let to = k == threads - 1 ? file.size : header.dataStart + (k + 1) * share
        results[k] = Result {
          try parseRange(file, from: from, to: to, alignToLine: k > 0, separator: separator, parser: makeParser())
        }
      }
      var parts: [Part] = []
      var failure: Error?
      for outcome in results.values {
        switch outcome {
        case .success(let part): parts.append(part)
        case .failure(let error): failure = failure ?? error
        }
      }
      let aligned = failure == nil && zip(parts, parts.dropFirst()).allSatisfy { $0.end == $1.start }
      if aligned {
        var lineBase = header.lines
        for k in parts.indices {
          parts[k].parser.shiftLines(by: lineBase)
          lineBase += parts[k].lineBreaks
        }
        return parts.map(\.parser)
      }
      // The threads' rows are thrown away. Their columns are mapped memory, which nothing frees by
      // itself: without this, every misaligned split kept a second copy of the file's rows.
      for k in parts.indices { parts[k].parser.rows.deallocate() }
      if let failure { throw failure }
    }
    var single = try parseRange(
      file, from: header.dataStart, to: file.size, alignToLine: false, separator: separator, parser: makeParser())
    single.parser.shiftLines(by: header.lines)
    return [single.parser]
  }

  /// Parses the records that start in `from..<to`. With `alignToLine`, parsing begins after the first
  /// line break at or after `from`.
  func parseRange(
    _ file: InputFile, from: Int, to: Int, alignToLine: Bool, separator: UInt8, parser: RowParser
  ) throws -> Part {
    var parser = parser
    // Aligning starts one byte early, so that a record beginning exactly at `from` is kept.
    var window = BlockWindow(file: file, start: alignToLine ? from - 1 : from, blockSize: options.blockSize)
    defer { window.deallocate() }
    var lineBreaks = 0
    if alignToLine {
      var found = false
      while !found {
        guard try window.refill() else { break }
        var i = window.consumed
        while i < window.filled, window.bytes[i] != UInt8(ascii: "\n") { i += 1 }
        if i < window.filled {
          window.consumed = i + 1
          found = true
        } else {
          window.consumed = window.filled
        }
      }
      if !found { return Part(parser: parser, start: file.size, end: file.size, lineBreaks: 0) }
    } else {
      _ = try window.refill()
    }
    let start = window.position
    // Room for as many rows as the range could hold (every row has at least one byte per field, and
    // the last record may run past `to`). Only pages written count.
    let shortestRow = parser.layout.header.count + 1
    let rangeBytes = min(to, file.size) - start
    parser.reserve(rows: rangeBytes / shortestRow + 16, expected: rangeBytes / 40)  // a typical row: 40-60 bytes
    // Room for the clients of the range, guessed at one per eight rows of 50 bytes: a score file holds
    // several sessions per client, and a guess too low only leaves the table to grow as it would.
    parser.clients.reserve(keys: rangeBytes / 400)
    var scanner = RecordScanner(separator: separator)
    // Bytes of the range counted for `options.progress`, a block at a time.
    var counted = start
    defer { options.progress?.add(min(window.position, to) - counted) }
    while window.position < to {
      let outcome = scanner.scan(window.bytes, from: window.consumed, limit: window.filled, atEnd: window.atEndOfFile)
      switch outcome {
      case .needMore:
        if let progress = options.progress {
          progress.add(window.position - counted)
          counted = window.position
        }
        // `needMore` comes only before the end of the file, so there is always more to read.
        _ = try window.refill()
      case .record(let end, let next, let breaks):
        parser.add(scanner, window.bytes, start: window.consumed, end: end, line: lineBreaks + 1)
        lineBreaks += breaks
        window.consumed = next
        if window.consumed >= window.filled, window.atEndOfFile { return Part(parser: parser, start: start, end: window.position, lineBreaks: lineBreaks) }
      }
    }
    return Part(parser: parser, start: start, end: window.position, lineBreaks: lineBreaks)
  }
}

extension RowParser {
  /// Makes line numbers absolute once the lines before this thread's range are known.
  mutating func shiftLines(by base: Int) {
    guard base != 0 else { return }
    let shift = UInt32(truncatingIfNeeded: base)
    for i in 0..<rows.line.count { rows.line[i] &+= shift }
    for i in rejects.indices { rejects[i].line += base }
  }

  /// Sets aside room for the rows expected; room never used costs address space, not memory.
  mutating func reserve(rows capacity: Int, expected: Int) {
    rows.deallocate()
    rows = ParsedColumns(capacity: capacity, expected: expected)
  }
}

/// Slots that concurrent iterations fill, one each, without locks: iteration k writes only slot k.
final class ResultSlots<Value>: @unchecked Sendable {
  private var storage: [Value?]
  init(count: Int) { storage = Array(repeating: nil, count: count) }
  subscript(index: Int) -> Value {
    get { storage[index]! }
    set { storage[index] = newValue }
  }
  var values: [Value] { storage.map { $0! } }
}

extension Duration {
  /// The duration in seconds.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
