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

  public func read(files: [String]) throws -> IngestResult {
    var defaultInstrument: Int? = nil
    if let name = options.defaultInstrument {
      guard let index = registry.index(of: name) else { throw IngestError.unknownDefaultInstrument(name: name) }
      defaultInstrument = index
    }
    var merger = Merger()
    var summaries: [FileSummary] = []
    var parseSeconds = 0.0, mergeSeconds = 0.0
    for path in files {
      let file = try InputFile(path: path)
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
        otherInstrumentRows: parts.reduce(0) { $0 + $1.otherInstrumentRows })
      merger.append(&parts)
      mergeSeconds += t1.duration(to: clock.now).seconds
      summaries.append(summary)
    }
    return IngestResult(
      rows: merger.rows, names: merger.names(), rejects: merger.rejects, files: summaries,
      parseSeconds: parseSeconds, mergeSeconds: mergeSeconds)
  }

  // MARK: - Header

  struct Header {
    var names: [String]
    /// File offset of the first data record.
    var dataStart: Int
    /// Physical lines before the first data record (blank lines, header).
    var lines: Int
    var blankLines: Int
  }

  func readHeader(_ file: InputFile) throws -> Header {
    var window = BlockWindow(file: file, start: 0, blockSize: 1 << 16)
    defer { window.deallocate() }
    _ = try window.refill()
    if let reason = IngestError.sniff(window.bytes, count: window.filled) {
      throw IngestError.notText(file: file.path, reason: reason)
    }
    if window.filled >= 3, window.bytes[0] == 0xEF, window.bytes[1] == 0xBB, window.bytes[2] == 0xBF {
      window.consumed = 3
    }
    var scanner = RecordScanner()
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
        // A semicolon- or tab-separated export reads as one column: say so once, rather than reject
        // every row for its field count.
        if names.count == 1, let separator = IngestError.likelySeparator(names[0]) {
          throw IngestError.otherSeparator(file: file.path, separator: separator, header: names[0])
        }
        return Header(names: names, dataStart: window.offset + next, lines: lines + breaks, blankLines: blank)
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
    let makeParser: @Sendable () -> RowParser = {
      RowParser(fileName: file.path, layout: layout, registry: registry, options: options, defaultInstrument: defaultInstrument)
    }
    if threads > 1 {
      let results = ResultSlots<Result<Part, Error>>(count: threads)
      let share = dataBytes / threads
      DispatchQueue.concurrentPerform(iterations: threads) { k in
        let from = header.dataStart + k * share
        let to = k == threads - 1 ? file.size : header.dataStart + (k + 1) * share
        results[k] = Result { try parseRange(file, from: from, to: to, alignToLine: k > 0, parser: makeParser()) }
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
    var single = try parseRange(file, from: header.dataStart, to: file.size, alignToLine: false, parser: makeParser())
    single.parser.shiftLines(by: header.lines)
    return [single.parser]
  }

  /// Parses the records that start in `from..<to`. With `alignToLine`, parsing begins after the first
  /// line break at or after `from`.
  func parseRange(_ file: InputFile, from: Int, to: Int, alignToLine: Bool, parser: RowParser) throws -> Part {
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
    // Room for as many rows as the bytes could hold (every row has at least one byte per field): the
    // first thread's buffers also take the other threads' rows at the merge. Only pages written count.
    let shortestRow = parser.layout.header.count + 1
    let fileRows = (file.size - start) / 40  // a typical row is 40-60 bytes
    parser.reserve(rows: ((alignToLine ? to : file.size) - start) / shortestRow + 16, expected: fileRows)
    // Room for the clients of the range, guessed at one per eight rows of 50 bytes: a score file holds
    // several sessions per client, and a guess too low only leaves the table to grow as it would.
    parser.clients.reserve(keys: (min(to, file.size) - start) / 400)
    var scanner = RecordScanner()
    while window.position < to {
      let outcome = scanner.scan(window.bytes, from: window.consumed, limit: window.filled, atEnd: window.atEndOfFile)
      switch outcome {
      case .needMore:
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

/// Gathers the parts of every file into one `ScoreRows`, giving text values ids shared by all files.
///
/// Columns are moved one at a time and each part's copy is freed as soon as it is appended, so the
/// peak is the table plus one column, not two tables.
struct Merger {
  var rows = ScoreRows()
  var rejects: [Reject] = []
  var clients = ByteInterner(capacity: 1 << 16)
  var episodes = ByteInterner()
  var clinicians = ByteInterner(capacity: 256)
  var sites = ByteInterner(capacity: 16)

  mutating func append(_ parts: inout [RowParser]) {
    let before = rows.count
    let added = parts.reduce(0) { $0 + $1.rows.count }
    func remap(_ local: ByteInterner, into global: inout ByteInterner) -> [UInt32]? {
      let map = (0..<local.count).map { id in
        local.bytes(UInt32(id)).withUnsafeBufferPointer { b in
          global.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
        }
      }
      return map.enumerated().allSatisfy { $0.offset == Int($0.element) } ? nil : map
    }
    // Room for the parts' clients, as if a later file's clients were mostly the earlier files' ones
    // (outcome and alliance files of one practice): at worst the table grows as it would.
    clients.reserve(keys: max(clients.count, parts.reduce(0) { $0 + $1.clients.count }))
    let clientMaps = parts.indices.map { remap(parts[$0].clients, into: &clients) }
    let episodeMaps = parts.indices.map { remap(parts[$0].episodes, into: &episodes) }
    let clinicianMaps = parts.indices.map { remap(parts[$0].clinicians, into: &clinicians) }
    let siteMaps = parts.indices.map { remap(parts[$0].sites, into: &sites) }

    // Join the ten columns in parallel: each job owns one column of every part.
    func job<T: BitwiseCopyable>(
      _ part: WritableKeyPath<ParsedColumns, ColumnBuffer<T>>, _ column: WritableKeyPath<ScoreRows, Column<T>>,
      maps: [[UInt32]?]? = nil
    ) -> ColumnJoin<T> {
      let buffers = parts.indices.map { k in
        let buffer = parts[k].rows[keyPath: part]
        parts[k].rows[keyPath: part] = ColumnBuffer()
        return buffer
      }
      var earlier = ColumnJoin<T>.Earlier.none
      if before > 0 {
        earlier = Column.reclaim(&rows[keyPath: column]).map { .reclaimed($0) } ?? .shared(rows[keyPath: column])
      }
      return ColumnJoin(earlier: earlier, parts: buffers, total: before + added, maps: maps)
    }
    let client = job(\.client, \.client, maps: clientMaps)
    let episode = job(\.episode, \.episode, maps: episodeMaps)
    let clinician = job(\.clinician, \.clinician, maps: clinicianMaps)
    let site = job(\.site, \.site, maps: siteMaps)
    let instrument = job(\.instrument, \.instrument)
    let session = job(\.session, \.session)
    let date = job(\.date, \.date)
    let score = job(\.score, \.score)
    let episodeEnd = job(\.episodeEnd, \.episodeEnd)
    let line = job(\.line, \.line)
    let jobs: [any ColumnJoining] = [client, episode, clinician, site, score, instrument, session, date, episodeEnd, line]
    DispatchQueue.concurrentPerform(iterations: jobs.count) { jobs[$0].run() }
    rows.client = client.result
    rows.episode = episode.result
    rows.clinician = clinician.result
    rows.site = site.result
    rows.instrument = instrument.result
    rows.session = session.result
    rows.date = date.result
    rows.score = score.result
    rows.episodeEnd = episodeEnd.result
    rows.line = line.result
    rows.fileRows.append(before..<(before + added))
    for k in parts.indices { rejects.append(contentsOf: parts[k].rejects) }
  }

  func names() -> NameTables {
    var names = NameTables()
    names.clients = (0..<clients.count).map { clients.string(UInt32($0)) }
    names.episodes = (0..<episodes.count).map { episodes.string(UInt32($0)) }
    names.clinicians = (0..<clinicians.count).map { clinicians.string(UInt32($0)) }
    names.sites = (0..<sites.count).map { sites.string(UInt32($0)) }
    return names
  }
}

extension Duration {
  /// The duration in seconds.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}

/// A column join of the merge, run on any thread: it owns its buffers.
protocol ColumnJoining: AnyObject, Sendable {
  func run()
}

/// Joins one column: the earlier files' rows, then each part's, ids translated to the shared ones
/// (`maps`, for the `UInt32` id columns only).
/// The earlier rows' buffer (or, for the first file, the first part's) is grown in place and the
/// others appended to it, so most rows are not copied. Earlier rows still read elsewhere are copied.
final class ColumnJoin<T: BitwiseCopyable>: ColumnJoining, @unchecked Sendable {
  enum Earlier {
    case none
    case reclaimed(ColumnBuffer<T>)
    case shared(Column<T>)
  }
  private let earlier: Earlier
  private var parts: [ColumnBuffer<T>]
  private let total: Int
  private let maps: [[UInt32]?]?
  private(set) var result = Column<T>()

  init(earlier: Earlier, parts: [ColumnBuffer<T>], total: Int, maps: [[UInt32]?]?) {
    precondition(maps == nil || T.self == UInt32.self, "only id columns are translated")
    self.earlier = earlier
    self.parts = parts
    self.total = total
    self.maps = maps
  }

  func run() {
    var joined: ColumnBuffer<T>
    var firstOwn = 0
    switch earlier {
    case .reclaimed(let buffer):
      joined = buffer
    case .shared(let column):
      joined = ColumnBuffer(capacity: total)
      joined.append(contentsOf: column.values)
    case .none:
      joined = parts[0]
      parts[0] = ColumnBuffer()
      translate(&joined, from: 0, part: 0)
      firstOwn = 1
    }
    joined.reserve(total)
    for k in firstOwn..<parts.count {
      let start = joined.count
      joined.append(contentsOf: parts[k].values)
      parts[k].deallocate()
      translate(&joined, from: start, part: k)
    }
    result = joined.adopt()
  }

  /// Replaces each part-local id from `start` on by the shared one. Read as `UInt32` directly: through
  /// the generic element, each value was a call and a copy.
  private func translate(_ buffer: inout ColumnBuffer<T>, from start: Int, part: Int) {
    guard let maps, let map = maps[part] else { return }
    let ids = UnsafeMutableRawPointer(buffer.base).assumingMemoryBound(to: UInt32.self)
    map.withUnsafeBufferPointer { shared in
      for i in start..<buffer.count { ids[i] = shared[Int(ids[i])] }
    }
  }
}
