import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// Alliance (METHODS.md section 8): pooled within-client SD, low alliance, ruptures and repairs.
@Suite struct AllianceRuptureTests {
  /// SRS-like: higher is better, SD_w = 4, so a rupture is a drop of >= 4 points and a repair a return to
  /// at least the pre-rupture score minus 2.
  static let srs = AllianceRuptureRule(
    withinClientSD: 4, ruptureSD: 1, repairWindow: 3, direction: .higherIsBetter, allianceCutoff: Cutoff(.below, 36))

  static func run(_ rule: AllianceRuptureRule, _ scores: [Double?]) -> AllianceRuptures {
    rule.detect(sessions: (0..<scores.count).map { Int32($0 + 1) }, scores: scores.map { $0 ?? .nan })
  }

  // MARK: - Pooled within-client SD

  /// A: 30 34 32 (mean 32, SS 8, df 2); B: 20 . 22 (SS 2, df 1); C: 25 (no df). Pooled variance 10 / 3.
  @Test func pooledWithinClientSD() throws {
    var pool = PooledWithinClientSD()
    pool.add(scores: [30, 34, 32][...])
    pool.add(scores: [20, .nan, 22][...])
    pool.add(scores: [25][...])
    pool.add(scores: [][...])
    #expect(pool.degreesOfFreedom == 3 && pool.seriesCount == 2)
    let sd = try #require(pool.standardDeviation)
    #expect(abs(sd - (10.0 / 3).squareRoot()) < 1e-12)
    // Merging two partial pools is the same as one pool.
    var first = PooledWithinClientSD()
    first.add(scores: [30, 34, 32][...])
    var second = PooledWithinClientSD()
    second.add(scores: [20, .nan, 22][...])
    first.merge(second)
    #expect(first == pool)
    #expect(PooledWithinClientSD().standardDeviation == nil)
  }

  @Test func poolFromASeriesTable() throws {
    var table = SeriesTable()
    table.session = [1, 2, 3, 1, 2, 1, 2]
    table.score = [30, 34, 32, 20, 22, 5, 9]
    table.date = Array(repeating: ScoreRows.noDate, count: 7)
    table.series = [
      Series(episode: 0, instrument: 7, scores: 0..<3, timeAxis: .session),
      Series(episode: 1, instrument: 7, scores: 3..<5, timeAxis: .session),
      Series(episode: 2, instrument: 2, scores: 5..<7, timeAxis: .session),
    ]
    let pool = PooledWithinClientSD.of(table, instrument: 7)
    #expect(pool.degreesOfFreedom == 3 && pool.sumOfSquares == 10)
  }

  @Test func ruleFromTheRegistry() throws {
    let srs = try #require(InstrumentRegistry.builtIn.instrument(named: "SRS"))
    var pool = PooledWithinClientSD()
    pool.add(scores: [30, 34, 32][...])
    var parameters = AnalysisParameters()
    parameters.ruptureSD = 2
    parameters.repairWindow = 5
    let rule = try #require(AllianceRuptureRule(instrument: srs, pool: pool, parameters: parameters))
    // max(2 SD_w, a reliable drop of 1.96 sqrt(2) SD_w = 5.5437 points); repair within half of it.
    #expect(rule.withinClientSD == 2 && abs(rule.ruptureThreshold - 5.543717) < 1e-6)
    #expect(abs(rule.repairTolerance - 2.771859) < 1e-6)
    parameters.rupturePoints = 3
    let byPoints = try #require(AllianceRuptureRule(instrument: srs, pool: pool, parameters: parameters))
    #expect(byPoints.ruptureThreshold == 4 && byPoints.repairTolerance == 2)
    #expect(rule.repairWindow == 5 && rule.direction == .higherIsBetter)
    #expect(rule.allianceCutoff == Cutoff(.below, 36))
    // No within-client variation at all: ruptures cannot be judged.
    var flat = PooledWithinClientSD()
    flat.add(scores: [36, 36, 36][...])
    #expect(AllianceRuptureRule(instrument: srs, pool: flat) == nil)
    #expect(AllianceRuptureRule(instrument: srs, pool: PooledWithinClientSD()) == nil)
  }

  // MARK: - Low alliance

  @Test func lowAllianceIsTheLatestScoreAgainstTheCutoff() {
    #expect(Self.run(Self.srs, [39, 38, 35]).counts.lowAlliance == true)
    #expect(Self.run(Self.srs, [30, 32, 36]).counts.lowAlliance == false)  // 36 is not below 36
    #expect(Self.run(Self.srs, [30, 35, nil]).counts.lowAlliance == true)  // latest observed: 35
    #expect(Self.run(Self.srs, [30, 35, nil]).counts.latestScore == 35)
    #expect(Self.run(Self.srs, [nil, nil]).counts.lowAlliance == nil)
    var noCutoff = Self.srs
    noCutoff.allianceCutoff = nil
    #expect(Self.run(noCutoff, [20]).counts.lowAlliance == nil)
  }

  // MARK: - Ruptures and repairs

  /// 38 -> 34 drops exactly 4 = 1 SD_w: a rupture. 36 = 38 - 2 at session 4 is exactly the repair level.
  @Test func ruptureAndRepairAtTheirThresholds() throws {
    let result = Self.run(Self.srs, [38, 34, 35, 36])
    let rupture = try #require(result.ruptures.first)
    #expect(result.ruptures.count == 1)
    #expect(rupture.session == 2 && rupture.previousSession == 1 && rupture.drop == 4)
    #expect(rupture.repaired && rupture.repairSession == 4 && !rupture.windowOpen)
    #expect(result.counts.ruptures == 1 && result.counts.repaired == 1 && result.counts.unrepaired == 0)
    // A drop of 3.9 is no rupture; a return to 35.9 is no repair.
    #expect(Self.run(Self.srs, [38, 34.1, 38]).ruptures.isEmpty)
    let notBack = try #require(Self.run(Self.srs, [38, 34, 35.9, 35.9, 35.9]).ruptures.first)
    #expect(!notBack.repaired && notBack.repairSession == nil)
  }

  /// Rupture at session 2: the window is sessions 3, 4, 5.
  @Test func repairInsideAndOutsideTheWindow() throws {
    let late = try #require(Self.run(Self.srs, [38, 34, 35, 35, 35, 38]).ruptures.first)
    #expect(!late.repaired && !late.windowOpen)
    let atEdge = try #require(Self.run(Self.srs, [38, 34, 35, 35, 37]).ruptures.first)
    #expect(atEdge.repairSession == 5)
    // The window counts sessions, not scores: sessions 1 2 5 repair at 5, sessions 1 2 6 do not.
    let gap = Self.srs.detect(sessions: [1, 2, 5], scores: [38, 34, 37])
    #expect(gap.ruptures.first?.repairSession == 5)
    let wider = Self.srs.detect(sessions: [1, 2, 6], scores: [38, 34, 37])
    #expect(wider.ruptures.first?.repaired == false)
    #expect(wider.counts.unrepaired == 1)
    // The window is still open when the series ends inside it.
    let open = try #require(Self.run(Self.srs, [38, 34, 35]).ruptures.first)
    #expect(!open.repaired && open.windowOpen)
  }

  /// Consecutive observed scores: a missing session in between is skipped.
  @Test func ruptureAcrossAMissingScore() throws {
    let rupture = try #require(Self.run(Self.srs, [38, nil, 33]).ruptures.first)
    #expect(rupture.session == 3 && rupture.previousSession == 1 && rupture.drop == 5)
  }

  /// Two drops in a row are two ruptures, each repaired against its own pre-rupture score.
  @Test func successiveRuptures() {
    let result = Self.run(Self.srs, [40, 36, 32, 35, 36])
    #expect(result.ruptures.map(\.session) == [2, 3])
    // 36 -> 32 is repaired by 35 (>= 34); 40 -> 36 needs 38 and never gets it.
    #expect(result.ruptures.map(\.repairSession) == [nil, 4])
    #expect(result.counts.ruptures == 2 && result.counts.repaired == 1 && result.counts.unrepaired == 1)
  }

  /// Where lower is better a rupture is a rise: 20 -> 24, repaired by 22 (= 20 + 2), not by 22.5.
  @Test func lowerIsBetterAllianceScale() throws {
    let rule = AllianceRuptureRule(withinClientSD: 4, direction: .lowerIsBetter)
    let repaired = try #require(Self.run(rule, [20, 24, 22]).ruptures.first)
    #expect(repaired.drop == 4 && repaired.repairSession == 3)
    #expect(Self.run(rule, [20, 24, 22.5]).ruptures.first?.repaired == false)
    #expect(Self.run(rule, [24, 20]).ruptures.isEmpty)
  }

  /// Stiles et al. (2004) used 2 SD: the same drop of 4 is then no rupture.
  @Test func twoSDThreshold() {
    var stiles = Self.srs
    stiles.ruptureSD = 2
    #expect(Self.run(stiles, [38, 34]).ruptures.isEmpty)
    #expect(Self.run(stiles, [38, 30]).ruptures.count == 1)
  }

  @Test func noSDNoRuptures() {
    var flat = Self.srs
    flat.withinClientSD = 0
    let result = Self.run(flat, [38, 20, 10])
    #expect(result.ruptures.isEmpty && result.counts.lowAlliance == true)
    #expect(Self.run(Self.srs, [38, 34.5, 36]).ruptures.capacity == 0)
  }

  // MARK: - Properties

  /// Mirroring the scores (`x -> 40 - x`) and flipping the direction finds the same ruptures, drops and
  /// repairs; the counts always add up.
  @Test func mirroringTheScaleKeepsRuptures() async {
    await propertyCheck(count: 300, input: Gen.int(in: -1...40).array(of: 1...14), Gen.int(in: 1...4)) { raw, window in
      let scores = raw.map { $0 < 0 ? Double.nan : Double($0) }
      let sessions = (0..<scores.count).map { Int32($0 + 1) }
      var rule = AllianceRuptureRule(withinClientSD: 3.5, repairWindow: window, direction: .higherIsBetter)
      let original = rule.detect(sessions: sessions, scores: scores)
      rule.direction = .lowerIsBetter
      let mirrored = rule.detect(sessions: sessions, scores: scores.map { 40 - $0 })
      #expect(original.ruptures == mirrored.ruptures)
      #expect(original.counts.ruptures == original.counts.repaired + original.counts.unrepaired)
      #expect(original.counts.ruptures == original.ruptures.count)
    }
  }
}
