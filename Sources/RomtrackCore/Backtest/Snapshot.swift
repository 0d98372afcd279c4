/// A past day's view of the practice: the series table as a report run on that day would have built
/// it, cut from the table of the whole history, for `romtrack backtest`.
///
/// What the report on day `D` saw:
/// - the scores dated on or before `D` (undated scores always count, as in the series stage);
/// - an `episode_end` only when it is on or before `D` (a discharge in the future was not known);
/// - episode status at `D`: ended when discharged by then, or when the last score is more than
///   `endedAfterDays` before `D`; otherwise active (the series stage's rule);
/// - first and last dates from the rows it kept.
/// Episodes and series with no row by `D` are left out. The clinician and site of an episode are those
/// of the whole history (a transfer after `D` shows early; the replay judges flags, not caseloads).
public struct Snapshot: Sendable {
  /// The table on day `asOf`.
  public var table: SeriesTable
  /// For each episode of `table`, its index in the whole history's table.
  public var origin: [Int32]

  /// Cuts `full` (the series stage's table of the whole history) at day `asOf` (days since
  /// 1970-01-01). Costs one pass over the scores.
  public init(of full: SeriesTable, asOf: Int32, endedAfterDays: Int) {
    var table = SeriesTable()
    table.asOf = CivilDate(days: asOf)
    table.episodes.reserveCapacity(full.episodes.count)
    table.series.reserveCapacity(full.series.count)
    table.session.reserveCapacity(full.session.count)
    table.date.reserveCapacity(full.date.count)
    table.score.reserveCapacity(full.score.count)
    var origin: [Int32] = []
    origin.reserveCapacity(full.episodes.count)
    for (e, source) in full.episodes.enumerated() {
      let firstSeries = table.series.count
      var firstDate = ScoreRows.noDate
      var lastDate = ScoreRows.noDate
      for s in source.series {
        let series = full.series[s]
        let start = table.score.count
        for k in series.scores {
          let d = full.date[k]
          if d != ScoreRows.noDate {
            if d > asOf { continue }
            if firstDate == ScoreRows.noDate || d < firstDate { firstDate = d }
            if lastDate == ScoreRows.noDate || d > lastDate { lastDate = d }
          }
          table.session.append(full.session[k])
          table.date.append(d)
          table.score.append(full.score[k])
        }
        guard table.score.count > start else { continue }
        table.series.append(Series(
          episode: table.episodes.count, instrument: series.instrument, scores: start..<table.score.count,
          timeAxis: series.timeAxis))
      }
      guard table.series.count > firstSeries else { continue }
      var episode = source
      episode.series = firstSeries..<table.series.count
      episode.firstDate = firstDate
      episode.lastDate = lastDate
      episode.endDate = source.endDate != ScoreRows.noDate && source.endDate <= asOf ? source.endDate : ScoreRows.noDate
      if episode.endDate != ScoreRows.noDate {
        (episode.status, episode.ending) = (.ended, .discharged)
      } else if lastDate != ScoreRows.noDate, Int(asOf) - Int(lastDate) > endedAfterDays {
        (episode.status, episode.ending) = (.ended, .inactive)
      } else {
        (episode.status, episode.ending) = (.active, .none)
      }
      table.episodes.append(episode)
      origin.append(Int32(e))
    }
    self.table = table
    self.origin = origin
  }
}
