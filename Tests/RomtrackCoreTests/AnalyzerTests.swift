import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

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
    // A rupture needs a drop of at least 5 points here (`--rupture-points 5`): the default, a reliable
    // drop of 1.96 sqrt(2) SD_w = 11.23 points, is more than this 8-point fall (see below).
    var parameters = AnalysisParameters.defaults
    parameters.rupturePoints = 5
    let analysis = Analyzer(registry: .builtIn, parameters: parameters).analyze(loaded.table)
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
    // SRS: SD_w of this one series is 4.05; the drop 38 -> 30 at session 4 exceeds max(SD_w, 5 points)
    // and never comes back to 38 - 5/2 = 35.5 within 3 sessions nor since; the latest 30 is below 36:
    // low alliance.
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

    // With the default rule the 8-point fall is under a reliable drop (2.77 x 4.051 = 11.23): no rupture,
    // and the worklist keeps the stall and the low alliance.
    let byDefault = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    #expect(byDefault.series[2].ruptures == 0 && byDefault.events.isEmpty)
    #expect(byDefault.series[0].reasons.codes == "stalled;no_reliable_improvement;low_alliance")
  }

  /// first_date and last_date are the dates of the first and last *observed* scores, as intake and
  /// latest are: rows whose score is missing (NA) at either end count for neither. And events.csv gives
  /// each event the episode's clinician and site and the date of its session.
  @Test func datesComeFromObservedScoresAndEventsCarryThem() throws {
    var rows = TestFiles.header
    rows += "A,E1,T1,North,PHQ9,1,2026-09-01,NA,\n"
    for (s, score) in [(2, 20), (3, 21), (4, 20), (5, 12), (6, 11), (7, 12)] {
      rows += "A,E1,T1,North,PHQ9,\(s),2026-09-\(String(format: "%02d", s + 1)),\(score),\n"
    }
    rows += "A,E1,T1,North,PHQ9,8,2026-09-20,NA,\n"
    let loaded = try TestFiles.load(rows, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 9, day: 30)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let r = try #require(analysis.series.first)
    #expect(r.scoreCount == 6 && r.firstSession == 2 && r.lastSession == 7)
    #expect(r.firstDate == CivilDate(year: 2026, month: 9, day: 3)?.days)
    #expect(r.lastDate == CivilDate(year: 2026, month: 9, day: 8)?.days)
    // 20 -> 12 between sessions 4 and 5 (dated 2026-09-06) is a sudden gain.
    #expect(analysis.events.map(\.kind) == [.suddenGain])
    let events = String(decoding: EventsFile.csv(table: loaded.table, names: loaded.names, registry: .builtIn, analysis: analysis), as: UTF8.self)
    let lines = events.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasSuffix(",repaired,clinician_id,site,date,items") == true)
    #expect(lines.count == 2 && lines[1].hasPrefix("A,E1,PHQ9,sudden_gain,5,8.00,") && lines[1].hasSuffix(",T1,North,2026-09-06,"))
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

/// Sudden-gain criterion 1 without published points or reference SD: 1.96 S_diff of the rule in use.
@Suite struct SuddenGainThresholdFallbackTests {
  @Test func fallsBackOnTheSampleReliableChangeRule() throws {
    let configuration = try Configuration.parse(
      text: "instruments:\n  - name: ANX\n    kind: outcome\n    min: 0\n    max: 100\n    better: lower\n    reliability: 0.8\n",
      source: "test.yml")
    var parameters = configuration.parameters
    parameters.reliableChangeSD = .sample
    var text = "client_id,instrument,session,score\n"
    let courses = ["C1": [40, 41, 40, 20, 19, 20], "C2": [30, 29, 31, 30, 29, 30], "C3": [50, 48, 47, 45, 44, 43]]
    for (client, scores) in courses.sorted(by: { $0.key < $1.key }) {
      for (s, score) in scores.enumerated() { text += "\(client),ANX,\(s + 1),\(score)\n" }
    }
    let loaded = try InputLoader.load(
      files: [TestFiles.write(text)], registry: configuration.registry, ingest: IngestOptions(), series: SeriesOptions())
    let analysis = Analyzer(registry: configuration.registry, parameters: parameters).analyze(loaded.table)
    // Intake SD of 40, 30, 50 is 10: S_diff = sqrt(2) * 10 * sqrt(1 - 0.8) = 6.3246; criterion 1 = 12.396.
    // Only C1's drop of 20 points (40 -> 20 at session 4) passes it.
    #expect(analysis.events.map(\.kind) == [.suddenGain])
    #expect(analysis.events.first?.series == 0 && analysis.events.first?.session == 4)
    #expect(analysis.series.allSatisfy { !$0.diagnostics.contains(.noSuddenGainThreshold) })
  }
}

/// The expected-treatment-response stage fills the growth-model columns and flags off-track clients.
@Suite struct ExpectedResponseStageTests {
  @Test func signalsFollowTheModelAndTheReliableChange() throws {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 400, seed: 5))
    let folder = TestFiles.folder.appendingPathComponent("etr-\(UUID().uuidString)").path
    let summary = try practice.write(to: folder)
    let loaded = try InputLoader.load(files: summary.files, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    var analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let uses = ExpectedResponseStage(registry: .builtIn, parameters: .defaults).apply(to: &analysis, table: loaded.table)
    #expect(Set(uses.map(\.instrument)).isSuperset(of: ["PHQ9", "GAD7"]))
    let phq = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    let direction = InstrumentRegistry.builtIn.instruments[phq].dir
    for (s, series) in loaded.table.series.enumerated() where Int(series.instrument) == phq {
      let r = analysis.series[s]
      guard let session = r.lastSession, session >= 2, r.scoreCount >= 2 else { continue }
      // etr_z = -dir (latest - expected) / spread: its sign says worse (+) or better (-) than expected.
      if let z = r.etrZ, let expected = r.expected, z != 0 {
        #expect((z > 0) == (-direction * (r.latest - expected) > 0))
      }
      // The signal rule of METHODS.md section 5, in its order.
      let change = r.clinical?.reliableChange
      if r.clinical?.clinicalAtLatest == false && change?.isReliableImprovement == true {
        #expect(r.signal == .white)
      } else if change?.isReliableDeterioration == true || (r.etrZ ?? -.infinity) >= 1.645 {
        #expect(r.signal == .red)
      } else if (r.etrZ ?? -.infinity) >= 1.0 {
        #expect(r.signal == .yellow)
      } else if r.etrZ != nil {
        #expect(r.signal == .green)
      }
      #expect(r.reasons.contains(.offTrack) == (r.signal == .yellow || r.signal == .red))
    }
  }

  @Test func belowTheMinimumNumberOfSeriesThereIsNoModelAndNoSignal() throws {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 400, seed: 5))
    let folder = TestFiles.folder.appendingPathComponent("etr-min-\(UUID().uuidString)").path
    let summary = try practice.write(to: folder)
    let loaded = try InputLoader.load(files: summary.files, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    let phq = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    let inModel = GrowthModelData(table: loaded.table, instrument: phq, spec: .expectedTreatmentResponse).groupCount
    var parameters = AnalysisParameters.defaults
    // One series short of the minimum: no model. Exactly at it: a model.
    parameters.etrMinimumSeries = inModel + 1
    var analysis = Analyzer(registry: .builtIn, parameters: parameters).analyze(loaded.table)
    let uses = ExpectedResponseStage(registry: .builtIn, parameters: parameters).apply(to: &analysis, table: loaded.table)
    let use = try #require(uses.first { $0.instrument == "PHQ9" })
    #expect(use.fit == nil && use.source == "none")
    #expect(use.diagnostics.map(\.code) == [.tooFewSeriesForPracticeModel] && use.diagnostics[0].level == .error)
    #expect(use.diagnostics[0].detail.contains("\(inModel) series") && use.diagnostics[0].detail.contains("--etr-model"))
    for (s, series) in loaded.table.series.enumerated() where Int(series.instrument) == phq {
      let r = analysis.series[s]
      #expect(r.signal == nil && r.etrZ == nil && r.expected == nil && !r.reasons.contains(.offTrack))
      #expect(r.diagnostics.contains(.noExpectedResponseModel))
    }
    parameters.etrMinimumSeries = inModel
    var fitted = Analyzer(registry: .builtIn, parameters: parameters).analyze(loaded.table)
    let again = ExpectedResponseStage(registry: .builtIn, parameters: parameters).apply(to: &fitted, table: loaded.table)
    #expect(again.first { $0.instrument == "PHQ9" }?.fit?.groups == inModel)
    // A saved model is used whatever the number of series.
    parameters.etrMinimumSeries = inModel + 1
    let saved = try #require(again.first { $0.instrument == "PHQ9" }?.fit)
    var withSaved = Analyzer(registry: .builtIn, parameters: parameters).analyze(loaded.table)
    let used = ExpectedResponseStage(registry: .builtIn, parameters: parameters, saved: ["PHQ9": (saved, "phq9.json")])
      .apply(to: &withSaved, table: loaded.table)
    #expect(used.first { $0.instrument == "PHQ9" }?.source == "phq9.json")
    #expect(loaded.table.series.indices.contains { Int(loaded.table.series[$0].instrument) == phq && withSaved.series[$0].signal != nil })
  }
}

/// Classifying ranges of series on several cores gives exactly what one pass in order gives.
struct ParallelAnalysisTests {
  static let sampleFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("data/sample").path

  @Test func rangesOnAllCoresEqualOnePass() throws {
    let loaded = try InputLoader.load(
      files: ["outcomes.csv", "alliance.csv"].map { ParallelAnalysisTests.sampleFolder + "/" + $0 }, registry: .builtIn,
      ingest: IngestOptions(), series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
    let one = Analyzer(registry: .builtIn, parameters: .defaults, seriesPerRange: Int.max).analyze(loaded.table)
    let many = Analyzer(registry: .builtIn, parameters: .defaults, seriesPerRange: 7).analyze(loaded.table)
    #expect(Analyzer.ranges(count: loaded.table.series.count, atLeast: 7).count > 1)
    #expect(one.events == many.events)
    let csv = { (a: Analysis) in ClientsFile.csv(table: loaded.table, names: loaded.names, registry: .builtIn, analysis: a) }
    let same = csv(one) == csv(many)
    #expect(same)
  }
}
