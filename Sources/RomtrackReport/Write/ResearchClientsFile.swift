import RomtrackCore

/// clients.csv of a research export: one row per series, with every id replaced by its keyed
/// pseudonym (`Pseudonyms`: HMAC-SHA256 with a key of the practice's secret salt per kind of id,
/// FORMATS.md) and dates coarsened to months.
///
/// What leaves the practice: pseudonyms of client, episode and clinician; the site; the instrument;
/// counts, scores and the per-series results. What does not: raw ids, dates, free text.
/// The episode pseudonym is of client and episode together, so two clients' episode `E1` differ.
/// The rows carry no suppression: the export writes them in a folder of their own (`client-level/`).
public enum ResearchClientsFile {
  public static let header = [
    "client", "episode", "clinician", "site", "instrument", "kind", "n_scores", "first_session",
    "last_session", "first_month", "last_month", "intake", "latest", "change", "rci", "reliable_change",
    "clinical_intake", "clinical_latest", "category", "slope", "slope_se", "log_slope", "expected", "etr_z",
    "signal", "stalled", "stall_level", "sudden_gains", "sudden_losses", "alliance_latest", "alliance_mean",
    "low_alliance", "ruptures", "ruptures_repaired", "status",
  ]

  /// The whole file in one piece.
  public static func csv(
    table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis, key: Pseudonyms
  ) -> [UInt8] {
    csv(table: table, registry: registry, analysis: analysis, cells: Cells(table: table, names: names, registry: registry, key: key), part: 0, of: 1)
  }

  /// Part `part` of `parts` of the file (the header with the first): the parts, joined in order, are
  /// the whole file, made on all cores as the report's clients.csv is.
  public static func csv(
    table: SeriesTable, registry: InstrumentRegistry, analysis: Analysis, cells: Cells, part: Int, of parts: Int
  ) -> [UInt8] {
    let rows = Range(share: part, of: parts, in: table.series.count)
    var w = CSVWriter(header: header, part: part, capacity: 360 * rows.count)
    for index in rows {
      let r = analysis.series[index]
      let series = table.series[index]
      let episode = table.episodes[series.episode]
      let instrument = registry.instruments[Int(series.instrument)]
      let change = r.clinical?.reliableChange
      cells.clients.append(Int(episode.client), to: &w)
      cells.episodes.append(series.episode, to: &w)
      cells.clinicians.append(Int(episode.clinician), to: &w)
      cells.sites.append(Int(episode.site), to: &w)
      cells.instruments.append(Int(series.instrument), to: &w)
      w.word(instrument.kind.rawValue)
      w.integer(r.scoreCount)
      w.integer(r.firstSession.map(Int.init))
      w.integer(r.lastSession.map(Int.init))
      w.month(r.firstDate)
      w.month(r.lastDate)
      w.score(r.intake)
      w.score(r.latest)
      w.score(change?.change)
      w.number(change?.index, decimals: 4)
      w.text(change?.category?.rawValue ?? "")
      w.flag(r.clinical?.clinicalAtIntake)
      w.flag(r.clinical?.clinicalAtLatest)
      w.text(r.clinical?.category?.rawValue ?? "")
      w.number(r.trajectory?.linear?.slope, decimals: 4)
      w.number(r.trajectory?.linear?.standardError, decimals: 4)
      w.number(r.trajectory?.logLinear?.slope, decimals: 4)
      w.score(r.expected)
      w.number(r.etrZ, decimals: 4)
      w.text(r.signal?.rawValue ?? "")
      w.flag(r.stall.map(\.stalled))
      w.text(r.stall?.level.rawValue ?? "")
      w.integer(r.suddenGains)
      w.integer(r.suddenLosses)
      w.score(r.allianceLatest)
      w.score(r.allianceMean)
      w.flag(r.lowAlliance)
      w.integer(r.ruptures)
      w.integer(r.rupturesRepaired)
      w.text(episode.status.rawValue)
      w.endRow()
    }
    return w.finish()
  }

  /// The cells a row starts with, made once for all parts: the pseudonyms of every client name and
  /// clinician name, and of every episode of the table (keyed on client and episode together), each
  /// computed once on all cores, not once per series; the sites and instrument names as they are.
  public struct Cells: Sendable {
    let clients: CellTable
    /// By index into `SeriesTable.episodes`.
    let episodes: CellTable
    let clinicians: CellTable
    let sites: CellTable
    let instruments: CellTable

    public init(table: SeriesTable, names: NameTables, registry: InstrumentRegistry, key: Pseudonyms) {
      let (clientNames, episodeNames, clinicianNames) = (names.clients, names.episodes, names.clinicians)
      let episodes = table.episodes
      // A pseudonym is 64 hex digits, a cell that needs no escaping.
      clients = CellTable(width: 64, cells: key.hexCodes(.client, count: clientNames.count) { [clientNames[$0]] })
      self.episodes = CellTable(width: 64, cells: key.hexCodes(.episode, count: episodes.count) {
        [clientNames[Int(episodes[$0].client)], episodeNames[Int(episodes[$0].episode)]]
      })
      clinicians = CellTable(width: 64, cells: key.hexCodes(.clinician, count: clinicianNames.count) { [clinicianNames[$0]] })
      sites = CellTable(names.sites)
      instruments = CellTable(registry.instruments.map(\.name))
    }
  }

  /// The pseudonym of a clinician id in research files: the same in clients.csv and the aggregates.
  public static func clinicianPseudonym(_ id: String, key: Pseudonyms) -> String { key.hex(.clinician, id) }
}

extension CSVWriter {
  /// `YYYY-MM` of a day (as `YearMonth` writes it), empty for `ScoreRows.noDate`.
  mutating func month(_ days: Int32) {
    isoMonth(days == ScoreRows.noDate ? nil : days)
  }
}
