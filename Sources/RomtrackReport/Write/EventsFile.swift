import RomtrackCore

/// events.csv: one row per sudden gain, sudden loss and alliance rupture (FORMATS.md).
///
/// For sudden changes `pre_mean` and `post_mean` are the means of the windows before and after the
/// change and `reversal` says whether it was later reversed; for ruptures they are the score before
/// the drop and at it, and `repaired` says whether it recovered within the repair window.
public enum EventsFile {
  public static let header = [
    "client_id", "episode_id", "instrument", "type", "session", "magnitude", "proportion", "pre_mean",
    "post_mean", "reversal", "repaired",
  ]

  public static func csv(table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis) -> [UInt8] {
    let context = SeriesRowContext(table: table, names: names, registry: registry, analysis: analysis)
    var w = CSVWriter(header: header)
    for event in analysis.events {
      w.text(context.clientID(event.series))
      w.text(context.episodeID(event.series))
      w.text(context.instrument(event.series).name)
      w.text(event.kind.rawValue)
      w.integer(Int(event.session))
      w.score(event.magnitude)
      w.number(event.proportion, decimals: 4)
      w.score(event.preMean)
      w.score(event.postMean)
      w.flag(event.reversal)
      w.flag(event.repaired)
      w.endRow()
    }
    return w.finish()
  }
}
