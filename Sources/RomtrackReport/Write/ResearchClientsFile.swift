import RomtrackCore

/// clients.csv of a research export: one row per series, with every id replaced by its keyed
/// pseudonym (HMAC-SHA256 with the practice's secret salt, FORMATS.md) and dates coarsened to months.
///
/// What leaves the practice: pseudonyms of client, episode and clinician; the site; the instrument;
/// counts, scores and the per-series results. What does not: raw ids, dates, free text.
/// The episode pseudonym is keyed on client and episode together, so two clients' episode `E1` differ.
public enum ResearchClientsFile {
  public static let header = [
    "client", "episode", "clinician", "site", "instrument", "kind", "n_scores", "first_session",
    "last_session", "first_month", "last_month", "intake", "latest", "change", "rci", "reliable_change",
    "clinical_intake", "clinical_latest", "category", "slope", "slope_se", "log_slope", "expected", "etr_z",
    "signal", "stalled", "stall_level", "sudden_gains", "sudden_losses", "alliance_latest", "alliance_mean",
    "low_alliance", "ruptures", "ruptures_repaired", "status",
  ]

  public static func csv(
    table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis, key: HMACSHA256
  ) -> [UInt8] {
    let context = SeriesRowContext(table: table, names: names, registry: registry, analysis: analysis)
    var w = CSVWriter(header: header, capacity: 360 * table.series.count)
    // One pseudonym per client, episode and clinician, not one per series.
    var clients: [UInt32: String] = [:]
    var clinicians: [UInt32: String] = [:]
    var lastEpisode = -1
    var episodePseudonym = ""
    for index in table.series.indices {
      let r = analysis.series[index]
      let series = table.series[index]
      let episode = table.episodes[series.episode]
      let instrument = context.instrument(index)
      if series.episode != lastEpisode {
        lastEpisode = series.episode
        episodePseudonym = key.hex(context.clientID(index) + "\u{1F}" + context.episodeID(index))
      }
      let client = clients[episode.client] ?? key.hex(context.clientID(index))
      clients[episode.client] = client
      let clinician = clinicians[episode.clinician] ?? key.hex("clinician\u{1F}" + context.clinicianID(index))
      clinicians[episode.clinician] = clinician
      let change = r.clinical?.reliableChange
      w.text(client)
      w.text(episodePseudonym)
      w.text(clinician)
      w.text(context.site(index))
      w.text(instrument.name)
      w.text(instrument.kind.rawValue)
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

  /// The pseudonym of a clinician id in research files (keyed apart from client ids).
  public static func clinicianPseudonym(_ id: String, key: HMACSHA256) -> String { key.hex("clinician\u{1F}" + id) }
}

extension CSVWriter {
  /// `YYYY-MM` of a day, empty for `ScoreRows.noDate`.
  mutating func month(_ days: Int32) {
    guard days != ScoreRows.noDate else {
      text("")
      return
    }
    let c = CivilDate(days: days).components
    text(YearMonth(year: c.year, month: c.month).description)
  }
}
