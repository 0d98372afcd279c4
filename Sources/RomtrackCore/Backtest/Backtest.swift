import Foundation

/// `romtrack backtest`: the practice's history replayed as its monthly reports would have seen it, and
/// every flag scored against what happened afterwards (METHODS.md section 6, revision for alerts).
///
/// The input is read once. For each replayed day (the last day of each month), the series table of
/// the whole history is cut to what was known that day (`Snapshot`), analysed as the report analyses
/// it (the same rules, and the expected-response model fitted on that day's data unless a saved model
/// is given), and each active episode's flags are noted: the first day each flag was raised, with how
/// many scores the episode had then, and how many active episodes carried each flag that day. At the
/// end, each ended episode's outcome (`EpisodeOutcome`) says which flags were right.
///
/// Memory: one day's table and analysis at a time, and per flag two 16-bit numbers per episode.
public struct Backtest: Sendable {
  public let registry: InstrumentRegistry
  public let parameters: AnalysisParameters
  public let saved: [String: (fit: GrowthModelFit, source: String)]
  public let flags: [BacktestFlag]

  public init(
    registry: InstrumentRegistry, parameters: AnalysisParameters,
    saved: [String: (fit: GrowthModelFit, source: String)] = [:], flags: [BacktestFlag]
  ) {
    self.registry = registry
    self.parameters = parameters
    self.saved = saved
    self.flags = flags
  }

  /// Replays `full` (the whole history, as the series stage built it) on each day of `days`, in order.
  /// `progress` is told each day as it finishes.
  public func run(full: SeriesTable, days: [Int32], progress: (Int, CivilDate) -> Void = { _, _ in }) -> BacktestResult {
    let episodes = full.episodes.count
    var firstDay = [[Int16]](repeating: [Int16](repeating: -1, count: episodes), count: flags.count)
    var firstScores = [[Int16]](repeating: [Int16](repeating: 0, count: episodes), count: flags.count)
    var raised = [[Int]](repeating: [Int](repeating: 0, count: days.count), count: flags.count)
    var active = [Int](repeating: 0, count: days.count)

    for (index, day) in days.enumerated() {
      let snapshot = Snapshot(of: full, asOf: day, endedAfterDays: parameters.endedAfterDays)
      let table = snapshot.table
      var analysis = Analyzer(registry: registry, parameters: parameters).analyze(table)
      _ = ExpectedResponseStage(registry: registry, parameters: parameters, saved: saved).apply(to: &analysis, table: table)
      for (e, episode) in table.episodes.enumerated() where episode.status == .active {
        active[index] += 1
        let state = Backtest.state(of: e, table: table, analysis: analysis, registry: registry)
        let origin = Int(snapshot.origin[e])
        for (f, flag) in flags.enumerated() where flag.isRaised(state) {
          raised[f][index] += 1
          if firstDay[f][origin] < 0 {
            firstDay[f][origin] = Int16(index)
            firstScores[f][origin] = Int16(clamping: state.scores)
          }
        }
      }
      progress(index, CivilDate(days: day))
    }

    // Outcomes at the end of the history.
    var final = Analyzer(registry: registry, parameters: parameters).analyze(full)
    _ = ExpectedResponseStage(registry: registry, parameters: parameters, saved: saved).apply(to: &final, table: full)
    var outcomes = [EpisodeOutcome?](repeating: nil, count: episodes)
    for (e, episode) in full.episodes.enumerated() where episode.status == .ended {
      outcomes[e] = EpisodeOutcome.of(episode: e, table: full, analysis: final, registry: registry, parameters: parameters)
    }
    return BacktestResult(
      days: days.map { CivilDate(days: $0) }, active: active, flags: flags, raised: raised, firstDay: firstDay,
      firstScores: firstScores, outcomes: outcomes, finalAnalysis: final)
  }

  /// The state of active episode `e` of an analysed table.
  static func state(of e: Int, table: SeriesTable, analysis: Analysis, registry: InstrumentRegistry) -> EpisodeState {
    var state = EpisodeState()
    let episode = table.episodes[e]
    var scoresSeen: Int? = nil
    for s in episode.series {
      let r = analysis.series[s]
      let isOutcome = registry.instruments[Int(table.series[s].instrument)].kind == .outcome
      if isOutcome, scoresSeen == nil { scoresSeen = r.scoreCount }
      if isOutcome, let z = r.etrZ, let signal = r.signal, signal != .white { state.worstZ = max(state.worstZ, z) }
      guard r.needsReview else { continue }
      if r.clinical?.category != .recovered, r.signal != .white { state.notRecovered = true }
      state.reasons.formUnion(r.reasons)
      state.urgency = max(state.urgency, r.urgency)
      let steady = WorklistPriority.urgency(
        reasons: r.reasons.subtracting(.lostContact), signal: r.signal == .red ? nil : r.signal, stall: r.stall?.level)

      state.urgencyWithoutRedAndLost = max(state.urgencyWithoutRedAndLost, steady)
    }
    state.scores = scoresSeen ?? analysis.series[episode.series.lowerBound].scoreCount
    if let asOf = table.asOf, let last = Analyzer.lastObservedDate(episode.series, in: table) {
      state.daysSinceScore = Int(asOf.days) - Int(last)
    }
    return state
  }
}

/// What a backtest found: per flag, how many active episodes carried it on each replayed day, and for
/// each episode the first day it was raised; per episode, its outcome once ended.
public struct BacktestResult: Sendable {
  public var days: [CivilDate]
  /// Active episodes on each day.
  public var active: [Int]
  public var flags: [BacktestFlag]
  /// `raised[f][d]`: active episodes carrying flag `f` on day `d`.
  public var raised: [[Int]]
  /// `firstDay[f][e]`: the index of the first day flag `f` was raised for episode `e`; -1 for never.
  public var firstDay: [[Int16]]
  /// `firstScores[f][e]`: scores of episode `e`'s outcome series on that day.
  public var firstScores: [[Int16]]
  /// The outcome of each ended episode (`nil` while active at the end).
  public var outcomes: [EpisodeOutcome?]
  /// The analysis of the whole history (its rupture events are scored against planted ones).
  public var finalAnalysis: Analysis
}
