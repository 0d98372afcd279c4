import Dispatch
import Foundation

/// Stages 3 and 4 of the pipeline: fit each series' trajectory and classify it (METHODS.md sections
/// 1, 2, 3, 6, 7 and 8). Plain values in, plain values out.
///
/// Per instrument the rules are built once (reliable change, clinical range, stall, sudden gains,
/// ruptures), from the registry, the parameters and, where a method asks for them, the sample's own
/// moments; each series then costs one pass over its scores.

/// Everything romtrack concludes about one series.
public struct SeriesResult: Sendable {
  /// Observed (non-missing) scores.
  @CompactCount public var scoreCount = 0
  public var firstSession: Int32?
  public var lastSession: Int32?
  /// First and last score dates (`ScoreRows.noDate` when undated).
  public var firstDate = ScoreRows.noDate
  public var lastDate = ScoreRows.noDate
  /// First and last observed score (NaN when none): intake and latest (last observation carried forward).
  public var intake = Double.nan
  public var latest = Double.nan
  /// Reliable change and clinical significance, for outcome series with two or more scores.
  public var clinical: ClinicalSignificanceResult?
  /// NHS Talking Therapies flags of this measure alone, and of the configured pair (on both
  /// measures' rows of the episode).
  public var talkingTherapies: TalkingTherapiesFlags?
  public var pairFlags: TalkingTherapiesFlags?
  public var trajectory: TrajectoryFit?
  public var stall: StallAssessment?
  @CompactCount public var suddenGains = 0
  @CompactCount public var suddenLosses = 0
  /// Alliance figures: the series' own for an alliance series; the episode's first alliance series'
  /// for an outcome series, so each outcome row shows the relationship it goes with.
  @NaNAsNil public var allianceLatest: Double? = nil
  @NaNAsNil public var allianceMean: Double? = nil
  public var lowAlliance: Bool?
  @CompactCount public var ruptures = 0
  @CompactCount public var rupturesRepaired = 0
  /// Expected treatment response (METHODS.md section 5), for outcome series of an instrument with an
  /// ETR model: the series' own empirical-Bayes line on ln(session) (when it was in the fit), the
  /// expected score at the latest session given the intake, the standardised distance from it
  /// (positive = worse than expected) and the signal.
  @NaNAsNil public var ebIntercept: Double? = nil
  @NaNAsNil public var ebSlope: Double? = nil
  @NaNAsNil public var expected: Double? = nil
  @NaNAsNil public var etrZ: Double? = nil
  public var signal: TreatmentSignal?
  public var reasons = WorklistReasons()
  /// Reasons present and the episode still active: the series belongs on the clinician's worklist.
  public var needsReview = false
  /// Everything that limited the analysis (too few scores, no threshold, ...).
  public var diagnostics = SeriesDiagnostics()

  public init() {}
}

/// One sudden gain, sudden loss or alliance rupture, for events.csv.
public struct SeriesEvent: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case suddenGain = "sudden_gain"
    case suddenLoss = "sudden_loss"
    case rupture
  }

  public var series: Int
  public var kind: Kind
  /// The session of the event: the first session after a sudden change (N+1), the session of the
  /// alliance drop.
  public var session: Int32
  /// Points, in the worsening or improving direction as the kind says (always positive).
  public var magnitude: Double
  /// Sudden changes: magnitude as a share of the pre-change severity.
  public var proportion: Double?
  /// Sudden changes: mean of the pre and post windows; ruptures: the score before and at the drop.
  public var preMean: Double
  public var postMean: Double
  /// Sudden changes: reversed later; ruptures: repaired within the window.
  public var reversal: Bool?
  public var repaired: Bool?
}

/// The analysis of every series, in `SeriesTable` order, with the rules used.
public struct Analysis: Sendable {
  public var series: PageArray<SeriesResult>
  /// Sudden gains, losses and ruptures, in series order and, within a series, in session order.
  public var events: [SeriesEvent]
  /// Per registry instrument: the reliable-change and clinical-significance rule used.
  public var rules: [Int: ClinicalSignificanceRule]
  /// Per alliance instrument: the pooled within-client SD used for ruptures.
  public var withinClientSD: [Int: Double]
}

public struct Analyzer: Sendable {
  public let registry: InstrumentRegistry
  public let parameters: AnalysisParameters
  /// The fewest series a core takes at a time (the result does not depend on it).
  public let seriesPerRange: Int

  public init(registry: InstrumentRegistry, parameters: AnalysisParameters, seriesPerRange: Int = 20_000) {
    self.registry = registry
    self.parameters = parameters
    self.seriesPerRange = max(1, seriesPerRange)
  }

  public func analyze(_ table: SeriesTable) -> Analysis {
    let instruments = registry.instruments
    let ranges = Analyzer.ranges(count: table.series.count, atLeast: seriesPerRange)

    // Intake, latest and counts of each series, on all cores; with each alliance series' sum of
    // squared deviations from its mean, for the pooled within-client SD.
    var squares = [Double].filledInParallel(.nan, count: table.series.count)
    var results = PageArray<SeriesResult>(unsafeUninitializedCount: table.series.count) { buffer in
      let shared = Shared(buffer)
      squares.withUnsafeMutableBufferPointer { squaresBuffer in
        let sharedSquares = Shared(squaresBuffer)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
          for index in ranges[part] {
            let series = table.series[index]
            (shared.buffer.baseAddress! + index).initialize(to: Analyzer.counts(of: series, in: table))
            if instruments[Int(series.instrument)].kind == .alliance {
              sharedSquares.buffer[index] = PooledWithinClientSD.squares(of: table.score[series.scores])
            }
          }
        }
      }
    }

    // The sample moments and pools per instrument, added in series order (so the sums, and every
    // rule built on them, do not depend on how the series were split across the cores).
    var moments = [SampleMoments](repeating: SampleMoments(), count: instruments.count)
    var pools = [PooledWithinClientSD](repeating: PooledWithinClientSD(), count: instruments.count)
    results.withUnsafeBufferPointer { results in
      for (index, series) in table.series.enumerated() {
        let instrument = Int(series.instrument)
        if results[index].scoreCount >= 2 {
          moments[instrument].add(intake: results[index].intake, latest: results[index].latest)
        }
        if instruments[instrument].kind == .alliance {
          pools[instrument].add(count: results[index].scoreCount, squares: squares[index])
        }
      }
    }

    // Rules, once per instrument.
    var clinicalRules: [Int: ClinicalSignificanceRule] = [:]
    var talkingRules: [Int: TalkingTherapiesRule] = [:]
    var gainRules: [Int: SuddenGainRule] = [:]
    var ruptureRules: [Int: AllianceRuptureRule] = [:]
    var withinSD: [Int: Double] = [:]
    for (i, instrument) in instruments.enumerated() {
      switch instrument.kind {
      case .outcome:
        let change = ReliableChangeRule(instrument: instrument, parameters: parameters, sample: moments[i])
        clinicalRules[i] = ClinicalSignificanceRule(
          instrument: instrument, parameters: parameters, sample: moments[i], reliableChange: change)
        talkingRules[i] = TalkingTherapiesRule(instrument: instrument, reliableChange: change)
        // Criterion 1: sg_crit1, the instrument's points, 1.96 S_diff from the registry; else 1.96 S_diff
        // of the reliable-change rule in use (the sample's SD under --rci-sd sample).
        gainRules[i] =
          SuddenGainRule(instrument: instrument, parameters: parameters)
          ?? change.standardErrorOfDifference.map {
            SuddenGainRule(
              points: 1.96 * $0, proportion: parameters.suddenGainProportion, direction: instrument.direction,
              minimum: instrument.minimum, maximum: instrument.maximum)
          }
      case .alliance:
        if let rule = AllianceRuptureRule(instrument: instrument, pool: pools[i], parameters: parameters) {
          ruptureRules[i] = rule
          withinSD[i] = rule.withinClientSD
        }
      }
    }
    let trajectoryRule = TrajectoryRule(parameters)
    let stallRule = StallRule(parameters)
    let pair = (registry.index(of: parameters.pair.first), registry.index(of: parameters.pair.second))
    let pairRule = TalkingTherapiesPairRule(registry: registry, parameters: parameters)

    // Each series on its own: ranges of series are classified on all cores, each writing its own
    // slots of `results`; the events of the ranges are joined in series order.
    let eventsOfRange = RangeEvents(count: ranges.count)
    results.withUnsafeMutableBufferPointer { buffer in
      let shared = Shared(buffer)
      DispatchQueue.concurrentPerform(iterations: ranges.count) { [clinicalRules, talkingRules, gainRules, ruptureRules] part in
        let slots = shared.buffer
        var events: [SeriesEvent] = []
        var suddenChanges: [SuddenChange] = []
        var rupturesFound: [AllianceRupture] = []
        for index in ranges[part] {
          let series = table.series[index]
        let instrument = Int(series.instrument)
        let sessions = table.session[series.scores]
        let scores = table.score[series.scores]
        var r = slots[index]
        r.trajectory = trajectoryRule.fit(session: sessions, date: table.date[series.scores], score: scores)
        if let diagnostics = r.trajectory?.diagnostics, !diagnostics.isEmpty {
          r.diagnostics.formUnion(SeriesDiagnostics(diagnostics))
        }
        switch instruments[instrument].kind {
        case .outcome:
          let rule = clinicalRules[instrument]!
          if r.scoreCount >= 2 {
            let clinical = rule.classify(intake: r.intake, latest: r.latest)
            r.clinical = clinical
            if let issue = clinical.reliableChange.issue { r.diagnostics.formUnion(SeriesDiagnostics(issue)) }
            if let issue = clinical.rangeIssue { r.diagnostics.formUnion(SeriesDiagnostics(issue)) }
            r.talkingTherapies = talkingRules[instrument]?.flags(intake: r.intake, latest: r.latest)
          }
          let facts = ReliableChangeFacts(
            reliableImprovement: r.clinical?.reliableChange.isReliableImprovement ?? false,
            reliableDeterioration: r.clinical?.reliableChange.isReliableDeterioration ?? false,
            thresholdPoints: rule.reliableChange.threshold ?? .nan,
            latestInClinicalRange: r.clinical?.clinicalAtLatest ?? (r.scoreCount >= 1 && (rule.clinicalRange?.isMet(by: r.latest) ?? false)),
            clinicalAtIntake: r.clinical?.clinicalAtIntake ?? (r.scoreCount >= 1 ? rule.clinicalRange?.isMet(by: r.intake) ?? true : true))
          let stall = stallRule.assess(session: sessions, score: scores, reliableChange: facts)
          r.stall = stall
          r.reasons.formUnion(stall.reasons)
          r.diagnostics.formUnion(SeriesDiagnostics(stall.diagnostics))
          if gainRules[instrument] == nil { r.diagnostics.insert(.noSuddenGainThreshold) }
          if let gains = gainRules[instrument] {
            suddenChanges.removeAll(keepingCapacity: true)
            let counts = gains.detect(sessions: sessions, scores: scores, appendingTo: &suddenChanges)
            r.suddenGains = counts.gains
            r.suddenLosses = counts.losses
            for change in suddenChanges {
              events.append(SeriesEvent(
                series: index, kind: change.kind == .gain ? .suddenGain : .suddenLoss, session: change.session,
                magnitude: change.magnitude, proportion: change.proportion, preMean: change.preMean,
                postMean: change.postMean, reversal: change.reversed, repaired: nil))
            }
          }
        case .alliance:
          if r.scoreCount > 0 {
            var sum = 0.0
            for score in scores where !score.isNaN { sum += score }
            r.allianceLatest = r.latest
            r.allianceMean = sum / Double(r.scoreCount)
            if let cutoff = instruments[instrument].allianceCutoff { r.lowAlliance = cutoff.isMet(by: r.latest) }
          }
          if let rule = ruptureRules[instrument] {
            rupturesFound.removeAll(keepingCapacity: true)
            let counts = rule.detect(sessions: sessions, scores: scores, appendingTo: &rupturesFound)
            r.ruptures = counts.ruptures
            r.rupturesRepaired = counts.repaired
            if counts.open > 0 { r.reasons.insert(.ruptureUnrepaired) }
            for rupture in rupturesFound {
              // Sessions of a series are strictly increasing: a binary search, so a long series with
              // many ruptures costs O(r log n) here rather than O(r n).
              func score(at session: Int32) -> Double {
                var low = sessions.startIndex, high = sessions.endIndex
                while low < high {
                  let middle = (low + high) / 2
                  if sessions[middle] < session { low = middle + 1 } else { high = middle }
                }
                return low < sessions.endIndex && sessions[low] == session ? scores[low] : .nan
              }
              events.append(SeriesEvent(
                series: index, kind: .rupture, session: rupture.session, magnitude: rupture.drop,
                proportion: nil, preMean: score(at: rupture.previousSession), postMean: score(at: rupture.session),
                reversal: nil, repaired: rupture.repaired))
            }
          }
          if r.lowAlliance == true { r.reasons.insert(WorklistReasons(.lowAlliance)) }
        }
        slots[index] = r
      }
        eventsOfRange.set(part, events)
      }
    }
    let events = eventsOfRange.joined()

    // Per episode: alliance figures onto its outcome rows, the Talking Therapies pair, needs review.
    // An episode touches only its own series, so ranges of episodes run on all cores.
    let episodeRanges = Analyzer.ranges(count: table.episodes.count, atLeast: seriesPerRange)
    results.withUnsafeMutableBufferPointer { buffer in
      let shared = Shared(buffer)
      DispatchQueue.concurrentPerform(iterations: episodeRanges.count) { part in
        let results = shared.buffer
        for episode in table.episodes[episodeRanges[part]] {
          let members = episode.series
          let alliance = members.first { instruments[Int(table.series[$0].instrument)].kind == .alliance }
          let hasOutcome = members.contains { instruments[Int(table.series[$0].instrument)].kind == .outcome }
          for s in members where instruments[Int(table.series[s].instrument)].kind == .outcome {
            guard let a = alliance else { continue }
            results[s].allianceLatest = results[a].allianceLatest
            results[s].allianceMean = results[a].allianceMean
            results[s].lowAlliance = results[a].lowAlliance
            results[s].ruptures = results[a].ruptures
            results[s].rupturesRepaired = results[a].rupturesRepaired
            results[s].reasons.formUnion(results[a].reasons.intersection([WorklistReasons(.lowAlliance), WorklistReasons(.ruptureUnrepaired)]))
          }
          if let pairRule, let first = pair.0, let second = pair.1,
            let a = members.first(where: { Int(table.series[$0].instrument) == first }),
            let b = members.first(where: { Int(table.series[$0].instrument) == second }),
            results[a].scoreCount >= 2, results[b].scoreCount >= 2
          {
            let flags = pairRule.flags(
              first: (results[a].intake, results[a].latest), second: (results[b].intake, results[b].latest))
            results[a].pairFlags = flags
            results[b].pairFlags = flags
          }
          if episode.status == .active, let asOf = table.asOf,
            let last = Analyzer.lastObservedDate(members, in: table),
            Int(asOf.days) - Int(last) > parameters.lostContactDays
          {
            for s in members { results[s].reasons.insert(.lostContact) }
          }
          for s in members {
            let isOutcome = instruments[Int(table.series[s].instrument)].kind == .outcome
            // Alliance-only episodes are reviewed on their alliance rows; otherwise on the outcome rows.
            results[s].needsReview = episode.status == .active && !results[s].reasons.isEmpty && (isOutcome || !hasOutcome)
          }
        }
      }
    }
    return Analysis(series: results, events: events, rules: clinicalRules, withinClientSD: withinSD)
  }
}

extension Analyzer {
  /// A series' result before classification: the number of observed scores, the first and last
  /// observed score (intake and latest) with their sessions, and the first and last dates.
  static func counts(of series: Series, in table: SeriesTable) -> SeriesResult {
    var r = SeriesResult()
    for k in series.scores where !table.score[k].isNaN {
      if r.scoreCount == 0 {
        r.intake = table.score[k]
        r.firstSession = table.session[k]
      }
      r.latest = table.score[k]
      r.lastSession = table.session[k]
      r.scoreCount += 1
    }
    if let first = series.scores.first { r.firstDate = table.date[first] }
    if let last = series.scores.last { r.lastDate = table.date[last] }
    return r
  }

  /// The date of the latest observed (non-missing) score of an episode's series; `nil` when none is
  /// dated. Lost contact is judged from it (a row whose score is missing is no contact with a measure).
  static func lastObservedDate(_ members: Range<Int>, in table: SeriesTable) -> Int32? {
    var last: Int32? = nil
    for s in members {
      for k in table.series[s].scores.reversed() where !table.score[k].isNaN && table.date[k] != ScoreRows.noDate {
        if last == nil || table.date[k] > last! { last = table.date[k] }
        break
      }
    }
    return last
  }

  /// The series split into ranges of at least `size` for the cores: up to four per core, so a range
  /// of long series does not hold the others up.
  static func ranges(count: Int, atLeast size: Int) -> [Range<Int>] {
    let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, count / size))
    return (0..<parts).map { Range(share: $0, of: parts, in: count) }
  }
}

/// The events of each range, set by the thread that classified it.
private final class RangeEvents: @unchecked Sendable {
  private var parts: [[SeriesEvent]]

  init(count: Int) { parts = Array(repeating: [], count: count) }

  func set(_ part: Int, _ events: [SeriesEvent]) {
    parts.withUnsafeMutableBufferPointer { $0[part] = events }
  }

  func joined() -> [SeriesEvent] { parts.flatMap { $0 } }
}
