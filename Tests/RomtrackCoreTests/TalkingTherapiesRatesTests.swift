import Testing

@testable import RomtrackCore

/// NHS Talking Therapies rates, drop-out and the severity-adjusted effect size of the aggregates,
/// each re-computed here from hand-made episodes by its written definition (NHS Digital's IAPT
/// outcome measures; docs/methods.md), not from romtrack's own flags.
///
/// Definitions as re-computed: PHQ-9 at caseness at 10 or more, GAD-7 at 8 or more; reliable change
/// 6 and 4 points (either way, inclusive). Finished: ended in the window with two or more scores
/// (both measures for the pair). Recovery = recovered / finished at caseness at intake; reliable
/// recovery likewise; reliable improvement and deterioration over every finished course. Drop-out:
/// ended without a discharge date, or discharged after fewer than 3 scores, over episodes ended.
struct TalkingTherapiesRatesTests {
  struct Spec {
    var client: String
    var clinician: String
    var phq: [Double]
    var gad: [Double]
    /// Discharged (with an episode_end date) or ended for inactivity; `active`: still open.
    var ending: Ending
    enum Ending { case discharged, inactive, active }
  }

  static let specs: [Spec] = [
    .init(client: "P01", clinician: "T1", phq: [15, 12, 8], gad: [10, 9, 5], ending: .discharged),
    .init(client: "P02", clinician: "T1", phq: [12, 11, 9], gad: [6, 6, 6], ending: .discharged),
    .init(client: "P03", clinician: "T1", phq: [8, 12, 16], gad: [5, 7, 10], ending: .discharged),
    .init(client: "P04", clinician: "T1", phq: [20, 15, 12], gad: [15, 15, 16], ending: .discharged),
    .init(client: "P05", clinician: "T2", phq: [20, 16, 12], gad: [4, 6, 9], ending: .discharged),
    .init(client: "P06", clinician: "T2", phq: [10, 9, 9], gad: [], ending: .discharged),
    .init(client: "P07", clinician: "T2", phq: [], gad: [9, 6, 3], ending: .inactive),
    .init(client: "P08", clinician: "T2", phq: [14], gad: [], ending: .discharged),
    .init(client: "P09", clinician: "T2", phq: [18, 17], gad: [12, 11], ending: .inactive),
    .init(client: "P10", clinician: "T1", phq: [11, 5, 4], gad: [9, 4, 3], ending: .active),
    .init(client: "P11", clinician: "T1", phq: [16, 9], gad: [], ending: .discharged),
    .init(client: "P12", clinician: "T2", phq: [9, 9, 9], gad: [8, 8, 7], ending: .discharged),
    .init(client: "P13", clinician: "T2", phq: [22, 20, 21], gad: [16, 17, 20], ending: .discharged),
    .init(client: "P14", clinician: "T1", phq: [13, 8, 3], gad: [11, 2, 1], ending: .discharged),
  ]

  /// The input rows: scores fortnightly from 2026-03-02 (from 2026-10-05 for open episodes), the
  /// discharge a week after the last score.
  static var text: String {
    var rows = TestFiles.header
    for spec in specs {
      let start = (spec.ending == .active ? CivilDate(year: 2026, month: 10, day: 5) : CivilDate(year: 2026, month: 3, day: 2))!
      let sessions = max(spec.phq.count, spec.gad.count)
      let end = spec.ending == .discharged ? CivilDate(days: start.days + Int32(14 * sessions - 7)).description : ""
      for (name, scores) in [("PHQ9", spec.phq), ("GAD7", spec.gad)] {
        for (k, score) in scores.enumerated() {
          let date = CivilDate(days: start.days + Int32(14 * k))
          rows += "\(spec.client),1,\(spec.clinician),S1,\(name),\(k + 1),\(date),\(Int(score)),\(end)\n"
        }
      }
    }
    return rows
  }

  static func table() throws -> AggregateTable {
    let loaded = try TestFiles.load(text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    return Aggregator(registry: .builtIn).aggregate(
      table: loaded.table, names: loaded.names, analysis: analysis, month: YearMonth(year: 2026, month: 10))
  }

  /// One measure's flags by the definitions above, for intake `a` and latest `b`.
  struct Flags {
    var casenessIntake, casenessLatest, improved, deteriorated: Bool
    init(_ scores: [Double], cutoff: Double, change: Double) {
      let (a, b) = (scores.first!, scores.last!)
      casenessIntake = a >= cutoff
      casenessLatest = b >= cutoff
      improved = a - b >= change
      deteriorated = b - a >= change
    }
  }

  struct Expected {
    var finished = 0, caseness = 0, recovered = 0, improved = 0, deteriorated = 0, reliablyRecovered = 0
    mutating func add(casenessIntake: Bool, casenessLatest: Bool, improved i: Bool, deteriorated d: Bool) {
      finished += 1
      let recovery = casenessIntake && !casenessLatest
      if casenessIntake { caseness += 1 }
      if recovery { recovered += 1 }
      if i { improved += 1 }
      if d { deteriorated += 1 }
      if recovery && i { reliablyRecovered += 1 }
    }
  }

  static func expected(_ specs: [Spec]) -> (phq: Expected, gad: Expected, pair: Expected) {
    var (phq, gad, pair) = (Expected(), Expected(), Expected())
    for spec in specs where spec.ending != .active {
      let p = spec.phq.count >= 2 ? Flags(spec.phq, cutoff: 10, change: 6) : nil
      let g = spec.gad.count >= 2 ? Flags(spec.gad, cutoff: 8, change: 4) : nil
      if let p { phq.add(casenessIntake: p.casenessIntake, casenessLatest: p.casenessLatest, improved: p.improved, deteriorated: p.deteriorated) }
      if let g { gad.add(casenessIntake: g.casenessIntake, casenessLatest: g.casenessLatest, improved: g.improved, deteriorated: g.deteriorated) }
      if let p, let g {
        // The pair: either measure at caseness; improved when one improved and neither deteriorated.
        let anyImproved = p.improved || g.improved
        let anyDeteriorated = p.deteriorated || g.deteriorated
        pair.add(
          casenessIntake: p.casenessIntake || g.casenessIntake, casenessLatest: p.casenessLatest || g.casenessLatest,
          improved: anyImproved && !anyDeteriorated, deteriorated: anyDeteriorated && !anyImproved)
      }
    }
    return (phq, gad, pair)
  }

  func check(_ m: GroupMeasures, _ e: Expected) {
    #expect(Int(m.talkingFinished) == e.finished)
    #expect(Int(m.talkingCaseness) == e.caseness)
    #expect(Int(m.talkingRecovered) == e.recovered)
    #expect(Int(m.talkingReliablyImproved) == e.improved)
    #expect(Int(m.talkingReliablyDeteriorated) == e.deteriorated)
    #expect(Int(m.talkingReliablyRecovered) == e.reliablyRecovered)
    func near(_ a: Double?, _ k: Int, _ n: Int) { #expect(abs((a ?? .nan) - Double(k) / Double(n)) < 1e-12) }
    near(m.talkingRecovery?.rate, e.recovered, e.caseness)
    near(m.talkingReliableRecovery?.rate, e.reliablyRecovered, e.caseness)
    near(m.talkingReliableImprovement?.rate, e.improved, e.finished)
    near(m.talkingReliableDeterioration?.rate, e.deteriorated, e.finished)
  }

  @Test func ratesOfEachMeasureAndOfThePairFollowTheirDefinitions() throws {
    let t = try Self.table()
    let slots = t.instruments.map { RomtrackCore.InstrumentRegistry.builtIn.instruments[$0].name }
    let (phq, gad, pair) = Self.expected(Self.specs)
    // Hand counts of the definitions, so a mistake in the re-computation shows too.
    #expect((pair.finished, pair.caseness, pair.recovered, pair.improved, pair.deteriorated, pair.reliablyRecovered) == (9, 8, 4, 3, 2, 2))
    #expect((phq.finished, phq.caseness, phq.recovered) == (11, 9, 5))
    let year = AggregateTable.trailingYear
    check(t.measures(level: .practice, group: 0, window: year, slot: 0), pair)
    check(t.measures(level: .practice, group: 0, window: year, slot: slots.firstIndex(of: "PHQ9")! + 1), phq)
    check(t.measures(level: .practice, group: 0, window: year, slot: slots.firstIndex(of: "GAD7")! + 1), gad)
  }

  @Test func perClinicianRatesAddUpToThePractice() throws {
    let t = try Self.table()
    let year = AggregateTable.trailingYear
    let (_, _, one) = Self.expected(Self.specs.filter { $0.clinician == "T1" })
    let (_, _, two) = Self.expected(Self.specs.filter { $0.clinician == "T2" })
    // Clinician ids are numbered in order of appearance: T1 first.
    check(t.measures(level: .clinician, group: 0, window: year, slot: 0), one)
    check(t.measures(level: .clinician, group: 1, window: year, slot: 0), two)
  }

  @Test func dropOutIsAnUnplannedEndingOverEpisodesEnded() throws {
    let t = try Self.table()
    let m = t.measures(level: .practice, group: 0, window: AggregateTable.trailingYear, slot: 0)
    let ended = Self.specs.filter { $0.ending != .active }
    let dropped = ended.filter { $0.ending == .inactive || max($0.phq.count, $0.gad.count) < DropOutRule.fewestSessions }
    #expect(Int(m.episodesEnded) == ended.count)
    #expect(Int(m.droppedOut) == dropped.count)
    #expect(dropped.map(\.client) == ["P07", "P08", "P09", "P11"])
    let w = try #require(m.dropout)
    #expect(abs(w.rate - 4.0 / 13.0) < 1e-12)
    // Wilson 95% interval for 4 of 13: statsmodels proportion_confint(4, 13, method="wilson").
    #expect(abs(w.lower - 0.12680703655710507) < 1e-9)
    #expect(abs(w.upper - 0.5763065681945096) < 1e-9)
  }

  @Test func severityAdjustedEffectSizeRemovesTheDifferenceInStartingScores() {
    // Practice: improvement y = 0.5 x - 2 exactly for x = 10, 12, ..., 24; a group of the three
    // most severe improves as the line says, so its adjusted d equals the practice's d.
    var practice = CaseMixSums()
    var severe = CaseMixSums()
    let xs: [Double] = [10, 12, 14, 16, 18, 20, 22, 24]
    for x in xs {
      let y = 0.5 * x - 2
      practice.add(intake: x, latest: x - y, direction: -1)
      if x >= 20 { severe.add(intake: x, latest: x - y, direction: -1) }
    }
    let line = SeverityAdjustment(practice: practice)!
    #expect(abs(line.slope - 0.5) < 1e-12)
    let meanY = xs.map { 0.5 * $0 - 2 }.reduce(0, +) / 8
    let sd = (xs.map { ($0 - 17) * ($0 - 17) }.reduce(0, +) / 7).squareRoot()
    let effect = line.effect(of: severe)!
    #expect(abs(effect.d - meanY / sd) < 1e-12)
    // Raw d of the severe group is larger; the adjustment removes exactly the slope times the gap.
    let rawSevere = (0.5 * 22 - 2) / sd
    #expect(rawSevere > effect.d)
    #expect(abs(effect.upper - effect.lower) < 1e-9)  // a perfect line: no residual spread
  }

  @Test func dropOutByAllianceExposureIntervals() {
    // 6 of 20 exposed and 10 of 80 unexposed dropped out: risk difference 0.175 with Newcombe's
    // hybrid interval from the two Wilson intervals; risk ratio 2.4 with the Katz interval.
    var e = DropOutExposure(kind: .lowAlliance)
    (e.exposedEnded, e.exposedDroppedOut, e.unexposedEnded, e.unexposedDroppedOut) = (20, 6, 80, 10)
    let rd = e.riskDifference!
    #expect(abs(rd.estimate - 0.175) < 1e-12)
    let one = WilsonInterval(successes: 6, trials: 20)!
    let two = WilsonInterval(successes: 10, trials: 80)!
    #expect(abs(rd.lower - (0.175 - ((0.3 - one.lower) * (0.3 - one.lower) + (two.upper - 0.125) * (two.upper - 0.125)).squareRoot())) < 1e-12)
    // statsmodels confint_proportions_2indep(6, 20, 10, 80, method="newcomb", compare="diff").
    #expect(abs(rd.lower - (-0.003836032212106877)) < 1e-9)
    #expect(abs(rd.upper - 0.4009372108775332) < 1e-9)
    let rr = e.riskRatio!
    #expect(abs(rr.estimate - 2.4) < 1e-12)
    // statsmodels confint_proportions_2indep(..., method="log", compare="ratio"): the Katz interval
    // (statsmodels' z to more digits: 1e-7).
    #expect(abs(rr.lower - 0.9899140270745548) < 1e-7)
    #expect(abs(rr.upper - 5.818687120761638) < 1e-7)
  }
}
