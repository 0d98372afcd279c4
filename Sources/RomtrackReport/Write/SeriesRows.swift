import RomtrackCore

/// What the CSV writers need to describe one series: its ids, its instrument and its result.
struct SeriesRowContext {
  let table: SeriesTable
  let names: NameTables
  let registry: InstrumentRegistry
  let analysis: Analysis

  func series(_ index: Int) -> Series { table.series[index] }
  func episode(_ index: Int) -> Episode { table.episodes[table.series[index].episode] }
  func instrument(_ index: Int) -> Instrument { registry.instruments[Int(table.series[index].instrument)] }
  /// The instrument's kind alone: on every row of a large file, without copying the whole `Instrument`.
  func kind(_ index: Int) -> InstrumentKind { registry.instruments[Int(table.series[index].instrument)].kind }
  func clientID(_ index: Int) -> String { names.clients[Int(episode(index).client)] }
  func episodeID(_ index: Int) -> String { names.episodes[Int(episode(index).episode)] }
  func clinicianID(_ index: Int) -> String { names.clinicians[Int(episode(index).clinician)] }
  func site(_ index: Int) -> String { names.sites[Int(episode(index).site)] }
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
