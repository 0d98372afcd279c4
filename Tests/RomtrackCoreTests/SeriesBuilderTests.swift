import Testing

@testable import RomtrackCore

/// Grouping into client x episode x instrument series, time order, as-of date and episode status.
@Suite struct SeriesBuilderTests {
  func seriesScores(_ loaded: LoadedInput) -> [[Double]] {
    loaded.table.series.map { Array(loaded.table.score[$0.scores]) }
  }

  @Test func groupsAndOrdersBySession() throws {
    let loaded = try TestFiles.load(TestFiles.header + """
      C2,E1,T1,North,PHQ9,2,2026-01-12,14,
      C1,E1,T1,North,GAD7,3,2026-01-19,5,
      C1,E1,T1,North,PHQ9,3,2026-01-19,12,
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C2,E1,T1,North,PHQ9,1,2026-01-05,20,
      C1,E2,T1,North,PHQ9,1,2026-06-05,16,
      C1,E1,T1,North,SRS,1,2026-01-05,35.5,
      C1,E1,T1,North,PHQ9,2,2026-01-12,15,

      """)
    let t = loaded.table
    // Clients in order of first appearance (C2 first), then episodes, then instruments in registry order.
    #expect(t.episodes.map { loaded.names.clients[Int($0.client)] } == ["C2", "C1", "C1"])
    #expect(t.episodes.map { loaded.names.episodes[Int($0.episode)] } == ["E1", "E1", "E2"])
    #expect(seriesScores(loaded) == [[20, 14], [18, 15, 12], [5], [35.5], [16]])
    #expect(t.series.map { t.session[$0.scores] }.map(Array.init) == [[1, 2], [1, 2, 3], [3], [1], [1]])
    // The outcome and alliance series of one episode sit together.
    #expect(t.episodes[1].series == 1..<4)
    #expect(t.series[1..<4].allSatisfy { $0.episode == 1 })
  }

  @Test func ordersByDateWhereSessionsAreMissing() throws {
    let loaded = try TestFiles.load("client_id,instrument,session,date,score\nC1,PHQ9,,2026-01-19,12\nC1,PHQ9,,2026-01-05,18\nC1,PHQ9,4,2026-01-12,15\n")
    let s = try #require(loaded.table.series.first)
    #expect(s.timeAxis == .date)
    #expect(seriesScores(loaded) == [[18, 15, 12]])
    #expect(Array(loaded.table.session[s.scores]) == [1, 2, 3])
  }

  @Test func rejectsUnorderableRows() throws {
    // One row has only a session, another only a date: the dateless series cannot be ordered by date.
    let loaded = try TestFiles.load("client_id,instrument,session,date,score\nC1,PHQ9,1,,18\nC1,PHQ9,,2026-01-05,12\nC1,PHQ9,2,,15\n")
    #expect(loaded.rejects.map(\.reason) == [.missingValue])
    #expect(loaded.rejects[0].line == 3)
    #expect(seriesScores(loaded) == [[18, 15]])
    #expect(loaded.reconciliation.balances)
  }

  @Test func asOfDateSetsLaterScoresAside() throws {
    let text = TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,2,2026-02-05,15,
      C1,E1,T1,North,PHQ9,3,2026-03-05,12,

      """
    let march = try TestFiles.load(text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 2, day: 28)))
    #expect(seriesScores(march) == [[18, 15]])
    #expect(march.reconciliation.rowsAfterAsOf == 1)
    #expect(march.table.asOf == CivilDate(year: 2026, month: 2, day: 28))
    let latest = try TestFiles.load(text)
    #expect(latest.table.asOf == CivilDate(year: 2026, month: 3, day: 5))
  }

  @Test func episodeStatusFromEndDateOrInactivity() throws {
    let loaded = try TestFiles.load(TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,2026-02-01
      C2,E1,T1,North,PHQ9,1,2026-01-05,18,
      C3,E1,T1,North,PHQ9,1,2026-03-01,18,
      C4,E1,T1,North,PHQ9,1,2026-03-01,18,2026-05-01

      """, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 3, day: 31), endedAfterDays: 42))
    let e = loaded.table.episodes
    #expect(e.map(\.status) == [.ended, .ended, .active, .active])
    #expect(e.map(\.ending) == [.discharged, .inactive, .none, .none])
    // 42 days exactly is not yet ended.
    let edge = try TestFiles.load(TestFiles.header + "C1,E1,T1,North,PHQ9,1,2026-01-01,18,\n", series: SeriesOptions(asOf: CivilDate(year: 2026, month: 2, day: 12)))
    #expect(edge.table.episodes[0].status == .active)
  }

  @Test func episodeTakesClinicianOfLatestScore() throws {
    let loaded = try TestFiles.load(TestFiles.header + """
      C1,E1,T2,South,PHQ9,2,2026-01-12,15,
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T3,East,SRS,3,2026-01-19,38,

      """)
    let e = try #require(loaded.table.episodes.first)
    #expect(loaded.names.clinicians[Int(e.clinician)] == "T3")
    #expect(loaded.names.sites[Int(e.site)] == "East")
    #expect(e.firstDate == CivilDate(year: 2026, month: 1, day: 5)!.days)
    #expect(e.lastDate == CivilDate(year: 2026, month: 1, day: 19)!.days)
  }

  /// The series stage gathers ranges of episodes on all cores: however the series are cut, the table,
  /// the rejects and the counts are those of one pass. The rows carry exact and conflicting
  /// duplicates, rows that cannot be ordered, and series and episodes whose every row is rejected,
  /// so that the ranges are closed up over rows, series and episodes dropped before them.
  @Test(arguments: [1, 2, 3])
  func rangesOfSeriesGiveTheSinglePassTable(seed: UInt64) throws {
    var random = SplitMix64(seed: seed, stream: 9)
    func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
    var lines: [String] = []
    for _ in 0..<400 {
      let client = "C\(pick(40))", episode = "E\(pick(2) + 1)", instrument = ["PHQ9", "GAD7", "SRS"][pick(3)]
      let session = pick(12) == 0 ? "" : String(pick(6) + 1)
      let date = pick(10) == 0 ? "" : "2026-0\(pick(9) + 1)-1\(pick(9))"
      let end = pick(8) == 0 ? "2026-09-30" : ""
      let (clinician, site, score) = (pick(3), pick(2), pick(20))
      func line(_ score: Int) -> String {
        "\(client),\(episode),T\(clinician),Site\(site),\(instrument),\(session),\(date),\(score),\(end)"
      }
      lines.append(line(score))
      if pick(10) == 0 { lines.append(line(score)) }  // an exact duplicate
      if pick(12) == 0 { lines.append(line(score + 1)) }  // a conflicting one
    }
    // A series whose only rows conflict, in an episode of its own: both are dropped.
    lines.insert("C7,E9,T1,Site1,GAD7,1,2026-03-02,4,", at: 5)
    lines.insert("C7,E9,T1,Site1,GAD7,1,2026-03-02,9,", at: 9)
    let text = TestFiles.header + lines.joined(separator: "\n") + "\n"

    func build(rowsPerPart: Int) throws -> SeriesBuild {
      var rows = try TestFiles.ingest(text).rows
      return SeriesBuilder(rowsPerPart: rowsPerPart).build(&rows)
    }
    let single = try build(rowsPerPart: .max)
    #expect(single.rejects.contains { $0.reason == .conflictingDuplicate })
    #expect(single.duplicatesDropped > 0)
    for rowsPerPart in [1, 7, 50] {
      let cut = try build(rowsPerPart: rowsPerPart)
      #expect(cut.table.episodes == single.table.episodes)
      #expect(cut.table.series == single.table.series)
      #expect(cut.table.session == single.table.session)
      #expect(cut.table.date == single.table.date)
      #expect(cut.table.score.map(\.bitPattern) == single.table.score.map(\.bitPattern))
      #expect(cut.rejects == single.rejects)
      #expect(cut.duplicatesDropped == single.duplicatesDropped)
      #expect(cut.afterAsOf == single.afterAsOf)
    }
  }

  @Test func defaultPeriodIsLastCompleteMonth() {
    let today = CivilDate(year: 2026, month: 11, day: 22)!
    #expect(ReportPeriod.lastCompleteMonth(latest: CivilDate(year: 2026, month: 10, day: 30)!, today: today) == YearMonth(year: 2026, month: 10))
    #expect(ReportPeriod.lastCompleteMonth(latest: CivilDate(year: 2026, month: 11, day: 4)!, today: today) == YearMonth(year: 2026, month: 10))
    #expect(ReportPeriod.lastCompleteMonth(latest: CivilDate(year: 2025, month: 1, day: 4)!, today: today) == YearMonth(year: 2025, month: 1))
    #expect(YearMonth(year: 2026, month: 1).adding(months: -1) == YearMonth(year: 2025, month: 12))
  }

  @Test func monthsAddAcrossTheYearZero() {
    // `--period 0000-05` once made month index -7, truncated to month -6, and trapped in firstDay.
    #expect(YearMonth(year: 0, month: 5).adding(months: -11) == YearMonth(year: -1, month: 6))
    #expect(YearMonth(year: 0, month: 1).adding(months: -1) == YearMonth(year: -1, month: 12))
    #expect(YearMonth(year: -1, month: 12).adding(months: 1) == YearMonth(year: 0, month: 1))
    #expect(YearMonth(year: 1, month: 1).adding(months: -25) == YearMonth(year: -2, month: 12))
    for months in -30...30 {
      let month = YearMonth(year: 0, month: 5).adding(months: months)
      #expect((1...12).contains(month.month))
      #expect(month.adding(months: -months) == YearMonth(year: 0, month: 5))
      _ = month.firstDay
      _ = month.lastDay
    }
  }
}
