import Foundation
import Testing

@testable import RomtrackCore

/// The files practices actually have (issue 21): European `;` exports with decimal commas, date-times,
/// other column names, transfers, NFD ids, a date typed years ahead. Each fixture of Tests/BadInput is
/// read through ingest and series; the scores, flags, rejects and reconciliation are checked against
/// the values written in the file by hand. (`BadInputCorpusTests` checks the same files' summaries.)
@Suite struct InputFormatsTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BadInput")

  static func load(_ name: String, _ configure: (inout IngestOptions) -> Void = { _ in }, today: CivilDate? = nil) throws -> LoadedInput {
    var options = IngestOptions()
    configure(&options)
    return try InputLoader.load(
      files: [corpus.appendingPathComponent(name).path], registry: .builtIn, ingest: options,
      series: SeriesOptions(today: today))
  }

  /// Every used score of the run, in series order.
  static func scores(_ loaded: LoadedInput) -> [Double] { loaded.table.score }

  @Test func semicolonsAndDecimalCommas() throws {
    let loaded = try Self.load("semicolon-decimal-comma.csv") { $0.decimalComma = true }
    #expect(loaded.files[0].separator == .semicolon && loaded.files[0].separatorDetected)
    // C1 PHQ9 18,5 "12,5" 9; C2 PHQ9 11 (clinician "Dr; "X"" quoted with ; and a quote); C2 GAD7 7,25.
    #expect(Self.scores(loaded) == [18.5, 12.5, 9, 11, 7.25])
    #expect(loaded.names.clinicians.contains("Dr; \"X\""))
    #expect(loaded.rejects.map { [$0.line] } == [[7]] && loaded.rejects[0].reason == .badNumber)
    #expect(loaded.reconciliation.rowsRead == 6 && loaded.reconciliation.rowsUsed == 5 && loaded.reconciliation.balances)
  }

  @Test func withoutDecimalCommaTheCommaScoresAreRejectedWithAHint() throws {
    let loaded = try Self.load("semicolon-decimal-comma.csv")
    #expect(loaded.reconciliation.rejectedByReason["bad_number"] == 4)
    #expect(loaded.rejects[0].detail.contains("--decimal-comma"))
    // An explicit separator is used as given, without detection.
    let explicit = try Self.load("semicolon-decimal-comma.csv") { $0.separator = .semicolon; $0.decimalComma = true }
    #expect(!explicit.files[0].separatorDetected && explicit.table.score.count == 5)
  }

  @Test func quotedDecimalCommaInACommaFile() throws {
    let loaded = try Self.load("decimal-comma-quoted-flag.csv") { $0.decimalComma = true }
    #expect(Self.scores(loaded) == [18, 12.5, 10])
    #expect(loaded.files[0].separator == .comma && !loaded.files[0].separatorDetected)
  }

  @Test func tabSeparated() throws {
    let loaded = try Self.load("tab-export.csv")
    #expect(loaded.files[0].separator == .tab && Self.scores(loaded) == [18, 15, 12])
  }

  @Test func dateTimesWithEveryPattern() throws {
    let loaded = try Self.load("date-times-day-month.csv") { $0.dateFormat = DateFormat(pattern: "DD/MM/YYYY")! }
    // The times are ignored; 12/01/2026 25:00 is rejected.
    let days = loaded.table.date.map { CivilDate(days: $0).description }
    #expect(days == ["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-05", "2026-01-19"])
    #expect(loaded.rejects.map(\.line) == [6] && loaded.rejects[0].reason == .badDate)
    #expect(loaded.reconciliation.balances && loaded.reconciliation.rowsUsed == 5)
  }

  @Test func timeOfDayForms() {
    let format = DateFormat(pattern: "MM/DD/YYYY")!
    for good in ["09/01/2026 09:30", "09/01/2026 9:30", "09/01/2026 09:30:15", "09/01/2026T09:30:15.123", "09/01/2026 9:30:00 AM", "09/01/2026 12:00 pm"] {
      #expect(format.parse(Array(good.utf8)[...]) == CivilDate(year: 2026, month: 9, day: 1), "\(good)")
    }
    for bad in ["09/01/2026 ", "09/01/2026 24:00", "09/01/2026 9:60", "09/01/2026 9:3", "09/01/2026 13:00 PM", "09/01/2026 09:30x", "09/01/2026 0930"] {
      #expect(format.parse(Array(bad.utf8)[...]) == nil, "\(bad)")
    }
  }

  @Test func theFormatThatWouldReadTheDates() {
    let iso = DateFormat.iso
    #expect(DateFormat.suggestion(for: ["25/01/2026", "03/02/2026"], current: iso) == "DD/MM/YYYY")
    #expect(DateFormat.suggestion(for: ["01/25/2026 9:30 AM"], current: iso) == "MM/DD/YYYY")
    #expect(DateFormat.suggestion(for: ["05/01/2026"], current: iso)?.hasPrefix("DD/MM/YYYY (or MM/DD/YYYY") == true)
    #expect(DateFormat.suggestion(for: ["5.1.2026", "17.1.2026"], current: iso) == "D.M.YYYY")
    #expect(DateFormat.suggestion(for: ["2026-01-05"], current: DateFormat(pattern: "DD/MM/YYYY")!) == "YYYY-MM-DD")
    #expect(DateFormat.suggestion(for: ["soon", "later"], current: iso) == nil)
  }

  @Test func columnSynonyms() throws {
    let loaded = try Self.load("column-synonyms.csv")
    let columns = Dictionary(uniqueKeysWithValues: loaded.files[0].fieldColumns.map { ($0.field, $0.column) })
    #expect(columns == [
      .clientID: "Client", .clinicianID: "Therapist", .instrument: "Measure", .session: "Session Number",
      .date: "Session-Date", .score: "Total Score",
    ])
    #expect(loaded.files[0].unusedColumns == ["Notes"])
    #expect(loaded.names.clinicians == ["T1", "T2"] && Self.scores(loaded) == [18, 15, 12])
    #expect(throws: IngestError.ambiguousColumns(
      file: Self.corpus.appendingPathComponent("column-synonyms-ambiguous.csv").path, field: "clinician_id",
      columns: ["therapist", "counsellor"])) { try Self.load("column-synonyms-ambiguous.csv") }
  }

  @Test func anExactNameOrMapWinsOverASynonym() throws {
    let both = try TestFiles.load("client_id,therapist,clinician_id,instrument,session,score\nC1,T9,T1,PHQ9,1,5\n")
    #expect(both.names.clinicians == ["T1"] && both.files[0].unusedColumns == ["therapist"])
    var options = IngestOptions()
    options.mapping[.clinicianID] = "therapist"
    let mapped = try TestFiles.load("client,therapist,counsellor,instrument,session,score\nC1,T9,T1,PHQ9,1,5\n", options: options)
    #expect(mapped.names.clinicians == ["T9"] && mapped.names.clients == ["C1"])
  }

  @Test func aTransferIsSeenByBothClinicians() throws {
    let loaded = try Self.load("clinician-transfer.csv")
    let names = loaded.names.clinicians
    // C1's episode: Dr Adams at sessions 1-2, Dr Brown at 3 (PHQ9 and WAI-SR); C2: Dr Brown only.
    #expect(loaded.table.episodes.count == 2)
    let c1 = loaded.table.episodes[0], c2 = loaded.table.episodes[1]
    #expect(names[Int(c1.clinician)] == "Dr Brown" && c1.wasTransferred && names[Int(c1.previousClinician)] == "Dr Adams")
    #expect(names[Int(c2.clinician)] == "Dr Brown" && !c2.wasTransferred)
    #expect(loaded.reconciliation.rowsUsed == 5 && loaded.rejects.isEmpty)
  }

  @Test func transferRuleFollowsTheLatestScoreNotTheFileOrder() throws {
    // Rows out of date order: the latest score (2026-03-01) is A's, so the episode is A's, from B.
    let loaded = try TestFiles.load("""
      client_id,clinician_id,instrument,date,score
      C1,A,PHQ9,2026-03-01,9
      C1,B,PHQ9,2026-02-01,12
      C1,A,PHQ9,2026-01-01,15
      C1,B,GAD7,2026-01-15,10

      """)
    let e = loaded.table.episodes[0], names = loaded.names.clinicians
    #expect(names[Int(e.clinician)] == "A" && names[Int(e.previousClinician)] == "B")
  }

  @Test func nfdIdsAreOneIdAndCaseVariantsAreWarned() throws {
    let loaded = try Self.load("nfd-ids.csv")
    // "Zoë" in NFC and NFD is one client; "CZoë" another. "Dr Zoë" both ways is one clinician.
    #expect(loaded.names.clients.count == 2 && loaded.table.episodes.count == 2)
    #expect(loaded.names.clients.allSatisfy { $0 == $0.precomposedStringWithCanonicalMapping })
    #expect(loaded.names.clinicians.filter { $0.hasPrefix("Dr Zo") }.count == 1)
    #expect(loaded.warnings.count == 1 && loaded.warnings[0].contains("\"Dr Smith\", \"dr smith\", \"Dr  Smith\""))
    #expect(Self.scores(loaded) == [18, 15, 12, 10, 9])
  }

  @Test func aFutureDateIsRejectedAndDoesNotMoveTheAsOfDate() throws {
    let today = CivilDate(year: 2026, month: 12, day: 7)!
    let loaded = try Self.load("future-date.csv", today: today)
    #expect(loaded.rejects.map(\.line) == [4] && loaded.rejects[0].reason == .futureDate)
    #expect(loaded.rejects[0].raw == "C1,E1,T1,North,PHQ9,3,2062-01-19,12")
    #expect(loaded.table.asOf == CivilDate(year: 2026, month: 1, day: 12))
    let r = loaded.reconciliation
    #expect(r.rowsRead == 4 && r.rowsUsed == 3 && r.rowsRejected == 1 && r.rowsAfterAsOf == 0 && r.balances)
    #expect(Self.scores(loaded) == [18, 15, 14])
    // Without today (library use) nothing is rejected and the date counts.
    let unchecked = try Self.load("future-date.csv")
    #expect(unchecked.rejects.isEmpty && unchecked.table.asOf == CivilDate(year: 2062, month: 1, day: 19))
  }

  @Test func rowsAfterTheAsOfDateButNotAfterTodayAreSetAsideAsBefore() throws {
    let loaded = try TestFiles.load(
      "client_id,instrument,date,score\nC1,PHQ9,2026-01-05,18\nC1,PHQ9,2026-03-05,15\nC1,PHQ9,2062-01-05,12\n",
      series: SeriesOptions(asOf: CivilDate(year: 2026, month: 1, day: 31), today: CivilDate(year: 2026, month: 12, day: 7)))
    let r = loaded.reconciliation
    #expect(r.rowsUsed == 1 && r.rowsAfterAsOf == 1 && r.rejectedByReason == ["future_date": 1] && r.balances)
  }

  @Test func theDefaultPeriodIsNeverBeyondToday() throws {
    let today = CivilDate(year: 2026, month: 12, day: 7)!
    var chosen: CivilDate?
    _ = try InputLoader.load(
      files: [Self.corpus.appendingPathComponent("future-date.csv").path], registry: .builtIn, ingest: IngestOptions(),
      series: SeriesOptions(today: today),
      asOfFromLatest: { latest in
        chosen = latest
        return ReportPeriod.lastCompleteMonth(latest: latest, today: today).lastDay
      })
    #expect(chosen == CivilDate(year: 2026, month: 1, day: 12))
  }
}
