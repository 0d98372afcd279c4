import Testing

@testable import RomtrackCore

/// METHODS.md section 9 on a practice small enough to count by hand (as of 2026-10-31):
/// - A, episode 1 (T1, S1): PHQ-9 20, 12, 6 in Aug-Sep, discharged 2026-09-15: recovered.
/// - A, episode 2 (T2, S2): 9, 8 in October: active.
/// - B (T1, S1): 15, 16 in October: active.
/// - C (T2, S2): 12, 19 in May, nothing after: ended for inactivity on 2026-05-18, reliably deteriorated.
/// - D (T2, S2): one score, 20 October: active.
/// - E (T1, S1): 2025-06 to 2025-07, before the 12 months: counted nowhere.
struct AggregateTests {
  static let text = TestFiles.header + """
    A,1,T1,S1,PHQ9,1,2026-08-03,20,2026-09-15
    A,1,T1,S1,PHQ9,2,2026-08-17,12,2026-09-15
    A,1,T1,S1,PHQ9,3,2026-09-01,6,2026-09-15
    A,2,T2,S2,PHQ9,1,2026-10-10,9,
    A,2,T2,S2,PHQ9,2,2026-10-24,8,
    B,1,T1,S1,PHQ9,1,2026-10-05,15,
    B,1,T1,S1,PHQ9,2,2026-10-19,16,
    C,1,T2,S2,PHQ9,1,2026-05-04,12,
    C,1,T2,S2,PHQ9,2,2026-05-18,19,
    D,1,T2,S2,PHQ9,1,2026-10-20,14,
    E,1,T1,S1,PHQ9,1,2025-06-01,10,
    E,1,T1,S1,PHQ9,2,2025-07-01,4,

    """

  static func table() throws -> (AggregateTable, NameTables) {
    let loaded = try TestFiles.load(text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let table = Aggregator(registry: .builtIn).aggregate(
      table: loaded.table, names: loaded.names, analysis: analysis, month: YearMonth(year: 2026, month: 10))
    return (table, loaded.names)
  }

  static func group(_ names: [String], _ id: String) -> Int { names.firstIndex(of: id)! }

  @Test func windowsAreTheTwelveMonthsAndTheTrailingYear() throws {
    let (t, _) = try Self.table()
    #expect(t.months.first == YearMonth(year: 2025, month: 11))
    #expect(t.months.last == YearMonth(year: 2026, month: 10))
    #expect(t.windows[12].label == "2025-11..2026-10")
    #expect(t.windows[12].from == CivilDate(year: 2025, month: 11, day: 1))
    #expect(t.instruments.count == 1)
  }

  @Test func practiceCountsPerMonth() throws {
    let (t, _) = try Self.table()
    func m(_ window: Int) -> GroupMeasures { t.measures(level: .practice, group: 0, window: window, slot: 0) }
    // October: B, D and A's second episode.
    #expect(m(11).clientsSeen == 3)
    #expect(m(11).episodesActive == 3)
    #expect(m(11).episodesStarted == 3)
    #expect(m(11).episodesEnded == 0)
    // September: A's first episode ends on the 15th after three scores.
    #expect(m(10).clientsSeen == 1)
    #expect(m(10).episodesActive == 1)
    #expect(m(10).episodesEnded == 1)
    #expect(m(10).episodesFinished == 1)
    #expect(m(10).meanSessions == 3)
    // August: A starts.
    #expect(m(9).episodesStarted == 1)
    #expect(m(9).clientsSeen == 1)
    // May: C starts and ends (last score on the 18th); June: nobody.
    #expect(m(6).episodesStarted == 1)
    #expect(m(6).episodesEnded == 1)
    #expect(m(6).deteriorating == 1)
    #expect(m(7).episodesActive == 0)
    #expect(m(7).clientsSeen == 0)
  }

  @Test func trailingYearOutcomesAndEffectSize() throws {
    let (t, _) = try Self.table()
    let all = t.measures(level: .practice, group: 0, window: 12, slot: 0)
    #expect(all.clientsSeen == 4)
    #expect(all.episodesActive == 5)
    #expect(all.episodesEnded == 2)
    #expect(all.episodesFinished == 2)
    #expect(all.classified == 0)  // no rates across instruments
    let phq = t.measures(level: .practice, group: 0, window: 12, slot: 1)
    #expect(phq.classified == 2)
    #expect(phq.reliablyImproved == 1)
    #expect(phq.reliablyDeteriorated == 1)
    #expect(phq.clinicalAtIntake == 2)
    #expect(phq.recovered == 1)
    #expect(phq.deteriorated == 1)
    // d = dir * mean(latest - intake) / SD(intake) = -1 * mean(-14, +7) / sd(20, 12) = 3.5 / 5.656854.
    #expect(abs(phq.effectSize! - 3.5 / 32.0.squareRoot()) < 1e-12)
    #expect(phq.recovery == WilsonInterval(successes: 1, trials: 2))
  }

  @Test func clientsAreCountedOncePerGroup() throws {
    let (t, names) = try Self.table()
    let t1 = Self.group(names.clinicians, "T1")
    let t2 = Self.group(names.clinicians, "T2")
    #expect(t.measures(level: .clinician, group: t1, window: 12, slot: 0).clientsSeen == 2)  // A, B
    #expect(t.measures(level: .clinician, group: t2, window: 12, slot: 0).clientsSeen == 3)  // A, C, D
    #expect(t.measures(level: .clinician, group: t2, window: 11, slot: 0).clientsSeen == 2)  // A, D
    #expect(t.measures(level: .clinician, group: t1, window: 11, slot: 0).clientsSeen == 1)  // B
    let s2 = Self.group(names.sites, "S2")
    #expect(t.measures(level: .site, group: s2, window: 12, slot: 0).episodesActive == 3)
    #expect(t.primarySlot == 1)
  }

  /// Reference values: statsmodels 0.15 `proportion_confint(k, n, method="wilson")`, printed by
  /// Tests/Reference/scripts/wilson_statsmodels.py.
  @Test(arguments: [
    (0, 1, 0.0, 0.7934506856227627),
    (0, 10, 0.0, 0.27753279986288926),
    (1, 10, 0.017876213095072924, 0.40415002679523854),
    (5, 10, 0.23659309051256394, 0.7634069094874361),
    (10, 10, 0.7224672001371106, 1.0),
    (75, 147, 0.4301687076795727, 0.5897197236804429),
    (51, 132, 0.30763266081633867, 0.47152165436516336),
    (3, 7, 0.15821985525146964, 0.7495416354723428),
    (1000, 1001, 0.9943630560780164, 0.9998236300211522),
  ])
  func wilsonIntervalMatchesStatsmodels(k: Int, n: Int, lower: Double, upper: Double) throws {
    let w = try #require(WilsonInterval(successes: k, trials: n))
    #expect(abs(w.lower - lower) < 1e-12)
    #expect(abs(w.upper - upper) < 1e-12)
    #expect(w.rate == Double(k) / Double(n))
  }

  @Test func wilsonIntervalNeedsTrials() {
    #expect(WilsonInterval(successes: 0, trials: 0) == nil)
    #expect(WilsonInterval(successes: 3, trials: 2) == nil)
  }
}

/// A level's position is its place among all levels, as the table's bases are laid out.
@Test func aggregateLevelPositionsFollowAllCases() {
  for (index, level) in AggregateTable.Level.allCases.enumerated() { #expect(level.position == index) }
}
