import RomtrackCore

/// events.csv: one row per sudden gain, sudden loss and alliance rupture (FORMATS.md).
///
/// For sudden changes `pre_mean` and `post_mean` are the means of the windows before and after the
/// change and `reversal` says whether it was later reversed; for ruptures they are the score before
/// the drop and at it, and `repaired` says whether it recovered within the repair window.
/// `clinician_id` and `site` are the episode's (those of its latest score, as in clients.csv); `date` is
/// the date of the event's session, empty when the input has no dates. docs/data-dictionary.md defines
/// every column.
public enum EventsFile {
  public static let header = [
    "client_id", "episode_id", "instrument", "type", "session", "magnitude", "proportion", "pre_mean",
    "post_mean", "reversal", "repaired", "clinician_id", "site", "date", "items",
  ]

  public static func csv(table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis) -> [UInt8] {
    csv(table: table, registry: registry, analysis: analysis, cells: SeriesNameCells(names: names, registry: registry), part: 0, of: 1)
  }

  /// Part `part` of `parts` of the file (the header with the first): the parts, joined in order, are
  /// the whole file. At 1M clients the file is about 60 MB, so it is made on both cores in parts
  /// whose buffers come from `BufferPool`, not in one buffer grown by doubling.
  public static func csv(
    table: SeriesTable, registry: InstrumentRegistry, analysis: Analysis, cells: SeriesNameCells, part: Int, of parts: Int
  ) -> [UInt8] {
    let events = Range(share: part, of: parts, in: analysis.events.count)
    var w = CSVWriter(header: header, part: part, capacity: 96 * events.count)
    for event in analysis.events[events] {
      let series = table.series[event.series]
      let episode = table.episodes[series.episode]
      cells.clients.append(Int(episode.client), to: &w)
      cells.episodes.append(Int(episode.episode), to: &w)
      cells.instruments.append(Int(series.instrument), to: &w)
      w.word(event.kind.rawValue)
      w.integer(Int(event.session))
      w.score(event.magnitude)
      w.number(event.proportion, decimals: 4)
      w.score(event.preMean)
      w.score(event.postMean)
      w.flag(event.reversal)
      w.flag(event.repaired)
      cells.clinicians.append(Int(episode.clinician), to: &w)
      cells.sites.append(Int(episode.site), to: &w)
      w.date(date(of: event.session, in: series.scores, table: table))
      w.text(event.items ?? "")
      w.endRow()
    }
    return w.finish()
  }

  /// The date of `session` among a series' scores (its rows are in session order, each session once);
  /// `ScoreRows.noDate` when the input has no dates.
  static func date(of session: Int32, in scores: Range<Int>, table: SeriesTable) -> Int32 {
    for k in scores where table.session[k] == session { return table.date[k] }
    return ScoreRows.noDate
  }
}
