/// The practice's figures on its clients' goals (goal-based outcomes, GBO): of the goals rated in the
/// 12 months up to the as-of date, how many were rated at least twice, how many of those moved forward
/// or back by more than the instrument's reliable change (GBO: 2.45 points, Edbrooke-Childs et al.
/// 2015; the category of the run's reliable-change rule), and how many were met (latest rating at the
/// top of the scale, 10: "goal reached"). Computed from the series table and the analysis after the
/// report's other figures, off the hot paths: goal series are few.
public struct GoalFigures: Sendable, Equatable {
  /// Goal series with a rating in the window.
  public var goals = 0
  /// Of those, rated at least twice (the base of the rates below).
  public var ratedTwice = 0
  public var movedForward = 0
  public var movedBack = 0
  public var met = 0
  /// Clients with a goal in the window.
  public var clients = 0

  public init() {}

  /// Goal series are those of instruments named `GBO` and any series with a goal id. The window is
  /// the 365 days up to `asOf` (an undated series always counts).
  public init(table: SeriesTable, analysis: Analysis, registry: InstrumentRegistry, asOf: CivilDate) {
    let gbo = registry.index(of: Instrument.gbo.name)
    let from = asOf.days - 365
    var seen = Set<UInt32>()
    for (s, series) in table.series.enumerated() where series.goal != 0 || Int(series.instrument) == gbo {
      let r = analysis.series[s]
      guard r.scoreCount > 0 else { continue }
      guard r.lastDate == ScoreRows.noDate || r.lastDate > from else { continue }
      goals += 1
      seen.insert(table.episodes[series.episode].client)
      guard r.scoreCount >= 2, r.intake.isFinite, r.latest.isFinite else { continue }
      ratedTwice += 1
      switch r.clinical?.reliableChange.category {
      case .improved: movedForward += 1
      case .deteriorated: movedBack += 1
      default: break
      }
      if r.latest >= registry.instruments[Int(series.instrument)].maximum { met += 1 }
    }
    clients = seen.count
  }
}
