import Foundation
import Testing

@testable import RomtrackCore

/// The worklist's tiers and order (METHODS.md section 6, revision for alerts), on hand-made cases.
@Suite struct WorklistTierTests {
  static func urgency(
    _ reasons: WorklistReasons, signal: TreatmentSignal? = nil, stall: StallLevel? = nil, recovered: Bool = false
  ) -> Int {
    WorklistPriority.urgency(reasons: reasons, signal: signal, stall: stall, recovered: recovered)
  }

  @Test func actReasonsAreAct() {
    #expect(WorklistPriority.tier(urgency: Self.urgency(.riskItem)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.deteriorating)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.offTrack, signal: .red)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency([.stalled, .noReliableImprovement], stall: .change)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency([.stalled, .referSessionsReached], stall: .refer)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.ruptureUnrepaired)) == .act)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.lostContact)) == .act)
  }

  @Test func watchReasonsAreWatch() {
    #expect(WorklistPriority.tier(urgency: Self.urgency(.offTrack, signal: .yellow)) == .watch)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.lowAlliance)) == .watch)
    #expect(WorklistPriority.tier(urgency: Self.urgency(.noReliableImprovement, stall: .review)) == .watch)
    // Lost contact once recovered: most often an ending the client chose; close the episode.
    #expect(WorklistPriority.tier(urgency: Self.urgency(.lostContact, signal: .white, recovered: true)) == .watch)
    #expect(WorklistPriority.tier(urgency: Self.urgency([])) == WorklistTier.none)
  }

  /// Deterioration, red and refer come before every alliance prompt; a recovered or green series with
  /// a rupture or low alliance is never above a stalled or deteriorating one.
  @Test func courseBeforeAlliance() {
    let stalled = Self.urgency([.stalled, .noReliableImprovement], signal: .yellow, stall: .change)
    let deteriorating = Self.urgency(.deteriorating, signal: .red)
    for signal in [TreatmentSignal.green, .white] {
      for alliance in [WorklistReasons.ruptureUnrepaired, .lowAlliance, [.ruptureUnrepaired, .lowAlliance]] {
        let recoveredWithRupture = Self.urgency(alliance, signal: signal, recovered: signal == .white)
        #expect(recoveredWithRupture < stalled)
        #expect(recoveredWithRupture < deteriorating)
      }
    }
    #expect(Self.urgency(.offTrack, signal: .red) > Self.urgency(.ruptureUnrepaired))
    #expect(Self.urgency([.stalled, .referSessionsReached], stall: .refer) > Self.urgency([.ruptureUnrepaired, .lowAlliance]))
    #expect(Self.urgency(.riskItem, signal: .white, recovered: true) > deteriorating)
  }

  /// The urgency of a series needs review; the tier follows it.
  @Test func seriesTierFollowsNeedsReview() {
    var r = SeriesResult()
    r.reasons = .deteriorating
    #expect(r.urgency == 0 && r.tier == .none)
    r.needsReview = true
    #expect(r.urgency == 9 && r.tier == .act)
  }

  // MARK: - Rules changed for the alerts

  /// PHQ-9 4 -> 5 -> 4 -> 5: below caseness at intake, so no review prompt (reliable improvement of 6
  /// points is impossible from 4); the same scores from a clinical intake would be reviewed.
  @Test func noReviewBelowCasenessAtIntake() {
    let rule = StallRule()
    let sessions: [Int32] = [1, 2, 3, 4]
    let scores: [Double] = [4, 5, 4, 5]
    let below = ReliableChangeFacts(
      reliableImprovement: false, reliableDeterioration: false, thresholdPoints: 6, latestInClinicalRange: false,
      clinicalAtIntake: false)
    let a = rule.assess(session: sessions[...], score: scores[...], reliableChange: below)
    #expect(a.level == StallLevel.none && a.reasons.isEmpty)
    var clinical = below
    clinical.clinicalAtIntake = true
    #expect(rule.assess(session: sessions[...], score: scores[...], reliableChange: clinical).level == .review)
  }

  /// Six flat scores in the clinical range, but from below caseness at intake (a client who worsened
  /// into the range and stayed): not stalled; deterioration still counts.
  @Test func noStallBelowCasenessAtIntakeButDeteriorationCounts() {
    let rule = StallRule()
    let sessions: [Int32] = [1, 2, 3, 4, 5, 6]
    let scores: [Double] = [8, 15, 15, 15, 15, 15]
    let facts = ReliableChangeFacts(
      reliableImprovement: false, reliableDeterioration: true, thresholdPoints: 6, latestInClinicalRange: true,
      clinicalAtIntake: false)
    let a = rule.assess(session: sessions[...], score: scores[...], reliableChange: facts)
    #expect(!a.stalled && a.level == StallLevel.none)
    #expect(a.reasons == .deteriorating)
  }

  /// SD_w = 1 point: the reliable drop is 1.96 sqrt(2) = 2.772 points. A 2-point fall (2 SD_w) is the
  /// wobble of a steady client, not a rupture; a 3-point fall is one. Repair: back within half the
  /// threshold (1.386 points) of the score before the fall.
  @Test func ruptureNeedsAReliableDrop() {
    let rule = AllianceRuptureRule(
      withinClientSD: 1, ruptureSD: 1, repairWindow: 3, direction: .higherIsBetter,
      minimumDrop: AllianceRuptureRule.reliableDropSDs * 1)
    #expect(abs(rule.ruptureThreshold - 2.771859) < 1e-6)
    #expect(abs(rule.repairTolerance - 1.385929) < 1e-6)
    let small = rule.detect(sessions: [1, 2, 3, 4], scores: [38, 36, 36, 36])
    #expect(small.counts.ruptures == 0)
    // 38 -> 35 at session 2, then 36.7 at session 3: 38 - 36.7 = 1.3 <= 1.386, repaired.
    let repaired = rule.detect(sessions: [1, 2, 3, 4], scores: [38, 35, 36.7, 37])
    #expect(repaired.counts.ruptures == 1 && repaired.counts.repaired == 1 && repaired.counts.open == 0)
    // 38 -> 35, then 36.5, 36.5, 36.5: not repaired in the window, and still below the repair line now.
    let open = rule.detect(sessions: [1, 2, 3, 4, 5], scores: [38, 35, 36.5, 36.5, 36.5])
    #expect(open.counts.unrepaired == 1 && open.counts.open == 1)
    // The same, with the rating back to 38 at session 6: unrepaired in its window, but no longer open.
    let back = rule.detect(sessions: [1, 2, 3, 4, 5, 6], scores: [38, 35, 36.5, 36.5, 36.5, 38])
    #expect(back.counts.unrepaired == 1 && back.counts.open == 0)
  }

  /// `--rupture-points` sets the least drop in points over the SD rule.
  @Test func rupturePointsParameter() throws {
    var parameters = AnalysisParameters.defaults
    try parameters.set("rupture_points", text: "5")
    #expect(parameters.rupturePoints == 5)
    #expect(parameters.text(of: "rupture_points") == "5")
    try parameters.set("rupture_points", text: "reliable")
    #expect(parameters.rupturePoints == nil && parameters.text(of: "rupture_points") == "reliable")
    #expect(throws: ParameterProblem.self) { try parameters.set("rupture_points", text: "-1") }
    try parameters.set("lost_contact_days", text: "28")
    #expect(parameters.lostContactDays == 28)
    #expect(throws: ParameterProblem.self) { try parameters.set("lost_contact_days", text: "0") }
  }

  /// An active episode whose last score is 22 days before the as-of date has lost contact (> 21);
  /// 21 days is not yet lost.
  @Test func lostContactAfterTheSetDays() throws {
    var text = TestFiles.header
    // PHQ-9 18, 17, 17 on 1, 8 and 15 September, and then silence.
    for (k, score) in [18, 17, 17].enumerated() {
      text += "A,E1,T1,North,PHQ9,\(k + 1),2026-09-\(String(format: "%02d", 1 + 7 * k)),\(score),\n"
    }
    for (day, expected) in [(7, true), (6, false)] {
      let asOf = CivilDate(year: 2026, month: 10, day: day)
      let loaded = try TestFiles.load(text, series: SeriesOptions(asOf: asOf))
      let r = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table).series[0]
      #expect(r.reasons.contains(.lostContact) == expected, "as of \(asOf)")
      if expected { #expect(r.needsReview && r.tier == .act) }
    }
  }
}

/// `romtrack backtest`: the replayed snapshot and the metrics, worked by hand.
@Suite struct BacktestTests {
  /// One client, PHQ-9 weekly from 1 September, discharged on 20 October: the snapshot of 30 September
  /// holds the September scores, the episode active and the discharge not yet known.
  @Test func snapshotSeesOnlyThePast() throws {
    var text = TestFiles.header
    for k in 0..<7 {
      let date = CivilDate(days: CivilDate(year: 2026, month: 9, day: 1).days + Int32(7 * k))
      text += "A,E1,T1,North,PHQ9,\(k + 1),\(date),\(20 - k),2026-10-20\n"
    }
    let loaded = try TestFiles.load(text)
    let september = Snapshot(of: loaded.table, asOf: CivilDate(year: 2026, month: 9, day: 30).days, endedAfterDays: 42)
    #expect(september.table.score == [20, 19, 18, 17, 16])
    #expect(september.table.episodes.count == 1 && september.origin == [0])
    #expect(september.table.episodes[0].status == .active)
    #expect(september.table.episodes[0].endDate == ScoreRows.noDate)
    let october = Snapshot(of: loaded.table, asOf: CivilDate(year: 2026, month: 10, day: 31).days, endedAfterDays: 42)
    #expect(october.table.score.count == 7)
    #expect(october.table.episodes[0].status == .ended && october.table.episodes[0].ending == .discharged)
    let august = Snapshot(of: loaded.table, asOf: CivilDate(year: 2026, month: 8, day: 31).days, endedAfterDays: 42)
    #expect(august.table.episodes.isEmpty)
  }

  /// A practice of four ended episodes over three replayed days, one flag:
  ///
  /// | episode | outcome | flag first raised | with scores | last score |
  /// |---|---|---|---|---|
  /// | 0 | deteriorated | day 0 (1 Sep) | 3 | 20 Sep, 6 scores |
  /// | 1 | deteriorated | never | | 20 Sep |
  /// | 2 | recovered (improved) | day 1 (1 Oct) | 6 | 10 Sep (flag came after the last score) |
  /// | 3 | not improved | day 1 (1 Oct) | 4 | 15 Nov, 9 scores |
  ///
  /// Active episodes 4, 3, 2 and flagged 1, 2, 1 on the three days: burden 25%, 66.7%, 50%, median 50%.
  /// Deteriorated: sensitivity 1 of 2, by session 3 1 of 2; lead time 6 - 3 = 3. Not improved: 1 of 1,
  /// by session 5 yes, by 3 no; lead 9 - 4 = 5. Recovered: ever flagged 1 of 1, sensitivity 0 of 1.
  /// Flagged before the last score: episodes 0 and 3, both failures: PPV of `failed` 2 of 2.
  @Test func metricsByHand() throws {
    let days = [CivilDate(year: 2026, month: 9, day: 1), CivilDate(year: 2026, month: 10, day: 1), CivilDate(year: 2026, month: 11, day: 1)]
    func outcome(_ change: (inout EpisodeOutcome) -> Void, scores: Int, last: CivilDate) -> EpisodeOutcome {
      var o = EpisodeOutcome()
      change(&o)
      o.scores = scores
      o.lastDate = last.days
      return o
    }
    let sep20 = CivilDate(year: 2026, month: 9, day: 20)
    let outcomes: [EpisodeOutcome?] = [
      outcome({ $0.deteriorated = true }, scores: 6, last: sep20),
      outcome({ $0.deteriorated = true }, scores: 5, last: sep20),
      outcome({ $0.improved = true; $0.recovered = true }, scores: 6, last: CivilDate(year: 2026, month: 9, day: 10)),
      outcome({ $0.notImproved = true }, scores: 9, last: CivilDate(year: 2026, month: 11, day: 15)),
    ]
    let flag = BacktestFlag(group: "tier", name: "act", value: nil) { _ in true }
    let result = BacktestResult(
      days: days, active: [4, 3, 2], flags: [flag], raised: [[1, 2, 1]], firstDay: [[0, -1, 1, 1]],
      firstScores: [[3, 0, 6, 4]], outcomes: outcomes,
      finalAnalysis: Analysis(series: PageArray(), events: [], rules: [:], withinClientSD: [:]))
    let metrics = BacktestMetrics.compute(result)
    func find(_ metric: String, _ outcome: String) throws -> BacktestMetric {
      try #require(metrics.first { $0.metric == metric && $0.outcome == outcome })
    }
    #expect(try find("burden_median", "").estimate == 0.5)
    #expect(try find("burden_min", "").estimate == 0.25)
    #expect(abs(try #require(try find("burden_max", "").estimate) - 2.0 / 3.0) < 1e-12)
    let deteriorated = try find("sensitivity", "deteriorated")
    #expect(deteriorated.numerator == 1 && deteriorated.denominator == 2)
    // Wilson 95% interval of 1 of 2 (R: prop.test(1, 2, correct = FALSE)$conf.int): 0.0945, 0.9055.
    #expect(abs(try #require(deteriorated.interval?.lower) - 0.09453) < 1e-4)
    #expect(abs(try #require(deteriorated.interval?.upper) - 0.90547) < 1e-4)
    #expect(try find("sensitivity_by_session_3", "deteriorated").numerator == 1)
    #expect(try find("lead_time_median", "deteriorated").estimate == 3)
    #expect(try find("sensitivity", "not_improved").numerator == 1)
    #expect(try find("sensitivity_by_session_5", "not_improved").numerator == 1)
    #expect(try find("sensitivity_by_session_3", "not_improved").numerator == 0)
    #expect(try find("lead_time_median", "not_improved").estimate == 5)
    #expect(try find("ever_flagged", "recovered").numerator == 1)
    #expect(try find("sensitivity", "recovered").numerator == 0)
    let ppv = try find("ppv", "failed")
    #expect(ppv.numerator == 2 && ppv.denominator == 2)
  }

  /// A whole backtest of a small generated practice: the act tier is part of the whole list, each
  /// reason's burden at most the list's, and every proportion within [0, 1].
  @Test func generatedPracticeIsConsistent() throws {
    let folder = TestFiles.folder.appendingPathComponent("backtest-\(UUID().uuidString)").path
    let summary = try SyntheticPractice(settings: GeneratorSettings(clients: 300, seed: 11)).write(to: folder)
    let loaded = try InputLoader.load(files: summary.files, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    let months = (0..<6).map { YearMonth(year: 2026, month: 5 + $0).lastDay.days }
    let flags = BacktestFlag.all(parameters: .defaults, redThresholds: [1.645], lostContactDays: [21])
    let result = Backtest(registry: .builtIn, parameters: .defaults, flags: flags).run(full: loaded.table, days: months)
    let act = try #require(flags.firstIndex { $0.name == "act" && $0.group == "tier" })
    let any = try #require(flags.firstIndex { $0.name == "any" })
    for d in months.indices {
      #expect(result.raised[act][d] <= result.raised[any][d])
      #expect(result.raised[any][d] <= result.active[d])
    }
    // The sweeps at the defaults are the act tier itself.
    let red = try #require(flags.firstIndex { $0.group == "signal_red" })
    let lost = try #require(flags.firstIndex { $0.group == "lost_contact_days" })
    #expect(result.raised[red] == result.raised[act])
    #expect(result.raised[lost] == result.raised[act])
    for m in BacktestMetrics.compute(result) where m.interval != nil {
      #expect((0...1).contains(m.estimate ?? -1))
    }
  }
}
