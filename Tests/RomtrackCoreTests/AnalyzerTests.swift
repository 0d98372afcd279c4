import Testing

@testable import RomtrackCore

/// The analysis stage joins the per-series rules: a hand-worked episode with a stalled PHQ-9, a
/// recovered GAD-7 and a ruptured, unrepaired SRS.
@Suite struct AnalyzerTests {
  static let text: String = {
    var rows = TestFiles.header
    let phq = [20, 19, 18, 17, 17, 17, 17, 17]
    let gad = [15, 13, 11, 9, 7, 6, 5, 5]
    let srs = [38, 38, 38, 30, 31, 30, 30, 30]
    for s in 0..<8 {
      let date = "2026-09-\(String(format: "%02d", 1 + 3 * s))"
      rows += "A,E1,T1,North,PHQ9,\(s + 1),\(date),\(phq[s]),\n"
      rows += "A,E1,T1,North,GAD7,\(s + 1),\(date),\(gad[s]),\n"
      rows += "A,E1,T1,North,SRS,\(s + 1),\(date),\(srs[s]),\n"
    }
    return rows
  }()

  @Test func joinsEveryRuleOnOneEpisode() throws {
    let loaded = try TestFiles.load(Self.text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 9, day: 30)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let names = loaded.table.series.map { InstrumentRegistry.builtIn.instruments[Int($0.instrument)].name }
    #expect(names == ["PHQ9", "GAD7", "SRS"])
    let (phq, gad, srs) = (analysis.series[0], analysis.series[1], analysis.series[2])

    // PHQ-9: 20 -> 17 is no reliable change (6 points); 8 scores, in range, flat last four: stalled at
    // session 8 (< 10): level change.
    #expect(phq.clinical?.reliableChange.category == .unchanged)
    #expect(phq.stall?.stalled == true)
    #expect(phq.stall?.level == .change)
    // GAD-7: 15 -> 5 is reliable (4 points), from caseness (>= 8) to below it: recovered.
    #expect(gad.clinical?.category == .recovered)
    #expect(gad.talkingTherapies?.reliableRecovery == true)
    // The pair: caseness at intake; not recovered (PHQ-9 still >= 10); reliable improvement (GAD-7
    // improved, neither deteriorated).
    #expect(phq.pairFlags == gad.pairFlags)
    #expect(phq.pairFlags?.casenessAtIntake == true)
    #expect(phq.pairFlags?.recovery == false)
    #expect(phq.pairFlags?.reliableImprovement == true)
    // SRS: SD_w of this one series is 4.05; the drop 38 -> 30 at session 4 exceeds it and never comes
    // back to 38 - SD_w/2 = 35.97 within 3 sessions; the latest 30 is below 36: low alliance.
    #expect(srs.ruptures == 1 && srs.rupturesRepaired == 0)
    #expect(srs.lowAlliance == true)
    #expect(abs((analysis.withinClientSD[InstrumentRegistry.builtIn.index(of: "SRS")!] ?? 0) - 4.0510) < 1e-4)
    // The alliance figures and reasons travel to the outcome rows; the outcome rows go on the worklist.
    #expect(phq.ruptures == 1 && phq.lowAlliance == true)
    #expect(phq.reasons.codes == "stalled;no_reliable_improvement;low_alliance;rupture_unrepaired")
    #expect(gad.reasons.codes == "low_alliance;rupture_unrepaired")
    #expect(phq.needsReview && gad.needsReview && !srs.needsReview)
    #expect(analysis.events.map(\.kind) == [.rupture])
    #expect(analysis.events.first?.session == 4)
    #expect(analysis.events.first?.preMean == 38 && analysis.events.first?.postMean == 30)
  }

  @Test func endedEpisodesAreNotOnTheWorklist() throws {
    // 40 days later the episode has been inactive for more than 42 days: ended.
    let loaded = try TestFiles.load(Self.text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 12, day: 1)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    #expect(loaded.table.episodes[0].status == .ended)
    #expect(analysis.series.allSatisfy { !$0.needsReview })
    #expect(!analysis.series[0].reasons.isEmpty)
  }
}
