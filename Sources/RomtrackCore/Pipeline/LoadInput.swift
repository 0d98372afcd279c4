/// Stages 1 and 2 of the pipeline: ingest the files, then build the series.
public struct LoadedInput: Sendable {
  public var names: NameTables
  public var table: SeriesTable
  /// Every row that could not be used, from either stage, in file and line order.
  public var rejects: [Reject]
  public var files: [FileSummary]
  public var reconciliation: Reconciliation
  /// Wall-clock seconds of each stage, in order.
  public var timings: [StageTiming]
  /// Lines for the run's summary and manifest about how the input was read: workbooks, wide and
  /// item-level files converted, risk answers that fit no series, files of item values where totals
  /// were expected.
  public var notes: [String] = []
  /// Lines for the summary that are not about single rows: ids that differ only in case or spacing.
  public var warnings: [String] = []
}

/// How long one stage took.
public struct StageTiming: Sendable, Equatable, Codable {
  public var stage: String
  public var seconds: Double

  public init(stage: String, seconds: Double) {
    self.stage = stage
    self.seconds = seconds
  }
}

/// Times the consecutive stages of a run: each `lap` records the time since the previous lap (or
/// since the clock was made) under the stage's name.
public struct StageClock: Sendable {
  public private(set) var timings: [StageTiming]
  private var last = ContinuousClock.now

  /// A clock starting now, after the stages already in `timings`.
  public init(timings: [StageTiming] = []) { self.timings = timings }

  public mutating func lap(_ stage: String) {
    let now = ContinuousClock.now
    timings.append(StageTiming(stage: stage, seconds: last.duration(to: now).seconds))
    last = now
  }

  /// A part of a stage measured inside it (`ingest.parse`), recorded as it is.
  public mutating func record(_ stage: String, seconds: Double) {
    timings.append(StageTiming(stage: stage, seconds: seconds))
  }
}

public enum InputLoader {
  /// Reads `files` and groups their rows into series.
  ///
  /// The reconciliation is counted from both ends, so that a lost row shows: rows read come from the
  /// parser, rows used from the finished series table.
  ///
  /// - Parameters:
  ///   - asOfFromLatest: when `series.asOf` is nil, chooses the as-of date from the latest score date
  ///     of the input (the report's "last complete month"); without it the latest date is used.
  ///   - whenRead: called once the files are read, before the series stage, whose numbering and
  ///     sorting of the rows run on one core: work for the other core can start there (the report
  ///     hashes its inputs).
  public static func load(
    files: [String], registry: InstrumentRegistry, ingest: IngestOptions, series: SeriesOptions,
    asOfFromLatest: ((CivilDate) -> CivilDate)? = nil, whenRead: () -> Void = {}
  ) throws -> LoadedInput {
    var clock = StageClock()
    // Workbooks, wide and item-level files become long rows in memory first; long CSV files are read
    // from disk as they are.
    var prepared: [String: PreparedInput] = [:]
    for path in files where prepared[path] == nil {
      if let converted = try PreparedInput.prepare(path: path, registry: registry, options: ingest) { prepared[path] = converted }
    }
    var input = try CSVIngest(registry: registry, options: ingest).read(files: files, converted: prepared.mapValues(\.bytes))
    var notes: [String] = []
    if !prepared.isEmpty {
      PreparedInput.mapToSources(&input, files: files, prepared: prepared)
      for path in files { notes += prepared[path].map { p in (p.description.isEmpty ? [] : ["\(path): read as \(p.description)"]) + p.notes } ?? [] }
    }
    notes += ItemValueCheck.warnings(input.rows, files: files, registry: registry, skip: Set(prepared.values.filter(\.scoredFromItems).map(\.path)))
    clock.lap("ingest")
    whenRead()
    clock.record("ingest.parse", seconds: input.parseSeconds)
    clock.record("ingest.merge", seconds: input.mergeSeconds)
    var series = series
    if series.asOf == nil, let choose = asOfFromLatest, let latest = input.rows.latestDate(notAfter: series.today) {
      series.asOf = choose(latest)
    }
    var build = SeriesBuilder(options: series).build(&input.rows)
    let answers = prepared.values.flatMap(\.riskAnswers)
    if !answers.isEmpty {
      let resolved = RiskItemMark.resolve(answers, table: build.table, names: input.names, dateFormat: ingest.dateFormat)
      build.table.riskItems = resolved.marks
      notes += resolved.unplaced
    }
    var rejects = input.rejects
    if !build.rejects.isEmpty {
      for (fileIndex, path) in files.enumerated() {
        let pending = build.rejects.filter { $0.file == fileIndex }
        guard !pending.isEmpty else { continue }
        // The file's own count includes the rows the series stage rejected, as the reconciliation does.
        input.files[fileIndex].rowsRejected += pending.count
        let raw = try prepared[path].map { p in Dictionary(uniqueKeysWithValues: Set(pending.map(\.line)).map { ($0, p.rawText(ofSourceLine: $0)) }) }
          ?? RawRows.fetch(
            path: path, lines: Set(pending.map(\.line)), limit: ingest.rawRowLimit,
            separator: input.files[fileIndex].separator.byte ?? UInt8(ascii: ","))
        for p in pending {
          rejects.append(Reject(file: path, line: p.line, field: p.field, reason: p.reason, detail: p.detail, raw: raw[p.line] ?? ""))
        }
      }
    }
    let order = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
    rejects.sort { (order[$0.file] ?? 0, $0.line) < (order[$1.file] ?? 0, $1.line) }
    clock.lap("series")

    var counts = Reconciliation()
    counts.rowsRead = input.files.reduce(0) { $0 + $1.rowsRead }
    counts.blankLines = input.files.reduce(0) { $0 + $1.blankLines }
    counts.rowsUsed = build.table.score.count
    counts.missingScores = build.table.score.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
    counts.rowsRejected = rejects.count
    counts.duplicatesDropped = build.duplicatesDropped
    counts.rowsAfterAsOf = build.afterAsOf
    for r in rejects { counts.rejectedByReason[r.reason.rawValue, default: 0] += 1 }
    return LoadedInput(
      names: input.names, table: build.table, rejects: rejects, files: input.files,
      reconciliation: counts, timings: clock.timings, notes: notes, warnings: input.warnings)
  }
}
