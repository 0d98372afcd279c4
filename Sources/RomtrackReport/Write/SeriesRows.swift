import RomtrackCore

/// What the CSV writers need to describe one series: its episode and its instrument's kind.
struct SeriesRowContext {
  let table: SeriesTable
  let registry: InstrumentRegistry

  func episode(_ index: Int) -> Episode { table.episodes[table.series[index].episode] }
  /// The instrument's kind alone: on every row of a large file, without copying the whole `Instrument`.
  func kind(_ index: Int) -> InstrumentKind { registry.instruments[Int(table.series[index].instrument)].kind }
}

extension CSVWriter {
  /// A date cell (ISO), empty for `ScoreRows.noDate`.
  mutating func date(_ days: Int32) {
    isoDate(days == ScoreRows.noDate ? nil : days)
  }

  /// A score with the output precision of FORMATS.md (2 decimals), empty when missing.
  mutating func score(_ value: Double?) {
    number(value, decimals: 2)
  }
}

extension SeriesTable {
  /// Parts of 16,384 series for a file of one row per series (clients.csv of the report and of the
  /// research export): a few MB per part, so the file is made on all cores.
  public var fileParts: Int { max(1, series.count / 16_384) }
}
