import Foundation
import Testing

@testable import RomtrackCore

/// Every reject reason, the reject row's contents, file-level errors and the reconciliation identity.
@Suite struct IngestRejectTests {
  /// Reads one data row after a standard header and returns its single reject.
  func rejectOf(_ row: String, header: String = TestFiles.header) throws -> Reject {
    let loaded = try TestFiles.load(header + row + "\n")
    #expect(loaded.rejects.count == 1, "\(row)")
    #expect(loaded.reconciliation.balances)
    return try #require(loaded.rejects.first)
  }

  @Test func wrongFieldCount() throws {
    let r = try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,18")
    #expect(r.reason == .fieldCount && r.field == "row" && r.line == 2)
    #expect(r.detail == "expected 9 fields as in the header, found 8")
    #expect(r.raw == "C1,E1,T1,North,PHQ9,1,2026-01-05,18")
    #expect(try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,18,,extra").reason == .fieldCount)
  }

  @Test func badQuotes() throws {
    let stray = try rejectOf("C1,E1,T1,North,\"PHQ9\"x,1,2026-01-05,18,")
    #expect(stray.reason == .badQuote)
    let loaded = try TestFiles.load(TestFiles.header + "C1,E1,T1,North,PHQ9,1,2026-01-05,18,\nC2,\"E1,T1,North,PHQ9,1,2026-01-05,18,\n")
    #expect(loaded.rejects.map(\.reason) == [.badQuote])
    #expect(loaded.rejects[0].line == 3)
    #expect(loaded.reconciliation.rowsUsed == 1)
  }

  @Test func missingValues() throws {
    let client = try rejectOf(",E1,T1,North,PHQ9,1,2026-01-05,18,")
    #expect(client.reason == .missingValue && client.field == "client_id")
    let time = try rejectOf("C1,E1,T1,North,PHQ9,,,18,")
    #expect(time.reason == .missingValue && time.field == "session")
    let instrument = try rejectOf("C1,E1,T1,North,,1,2026-01-05,18,")
    #expect(instrument.reason == .missingValue && instrument.field == "instrument")
  }

  @Test func badNumbers() throws {
    let comma = try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,\"12,5\",")
    #expect(comma.reason == .badNumber && comma.field == "score")
    #expect(comma.detail == "score \"12,5\" is not a number (use . for decimals, or give --decimal-comma)")
    #expect(try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,twelve,").field == "score")
    let negativeSession = try rejectOf("C1,E1,T1,North,PHQ9,-1,2026-01-05,12,")
    #expect(negativeSession.reason == .badNumber && negativeSession.field == "session")
    #expect(try rejectOf("C1,E1,T1,North,PHQ9,2.5,2026-01-05,12,").field == "session")
  }

  @Test func badDates() throws {
    let impossible = try rejectOf("C1,E1,T1,North,PHQ9,1,2026-02-30,12,")
    #expect(impossible.reason == .badDate && impossible.field == "date")
    #expect(impossible.detail == "date \"2026-02-30\" is not a valid date in the format YYYY-MM-DD")
    #expect(try rejectOf("C1,E1,T1,North,PHQ9,1,05/01/2026,12,").reason == .badDate)
    let end = try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,12,soon")
    #expect(end.reason == .badDate && end.field == "episode_end")
  }

  @Test func outOfRange() throws {
    let high = try rejectOf("C1,E1,T1,North,PHQ9,1,2026-01-05,28,")
    #expect(high.reason == .outOfRange && high.field == "score")
    #expect(high.detail == "score 28 is outside the PHQ9 range 0-27")
    #expect(try rejectOf("C1,E1,T1,North,GAD7,1,2026-01-05,-1,").reason == .outOfRange)
    #expect(try rejectOf("C1,E1,T1,North,WAISR,1,2026-01-05,11,").reason == .outOfRange)
  }

  @Test func unknownInstrument() throws {
    let r = try rejectOf("C1,E1,T1,North,HAMD,1,2026-01-05,12,")
    #expect(r.reason == .unknownInstrument && r.field == "instrument")
    #expect(r.detail.hasPrefix("\"HAMD\" is not a known instrument"))
  }

  @Test func invalidUTF8() throws {
    let bytes = Array(TestFiles.header.utf8) + [0x43, 0xFF, 0x31] + Array(",E1,T1,North,PHQ9,1,2026-01-05,12,\n".utf8)
    let loaded = try InputLoader.load(files: [TestFiles.write(bytes)], registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    #expect(loaded.rejects.map(\.reason) == [.badEncoding])
    #expect(loaded.rejects[0].field == "client_id")
    #expect(loaded.rejects[0].raw.hasPrefix("C\u{FFFD}1,"))
  }

  @Test func exactDuplicatesAreDroppedAndCounted() throws {
    let loaded = try TestFiles.load(TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,2,2026-01-12,15,
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,

      """)
    #expect(loaded.rejects.isEmpty)
    #expect(loaded.reconciliation.duplicatesDropped == 2)
    #expect(loaded.reconciliation.rowsUsed == 2)
    #expect(loaded.table.score == [18, 15])
    #expect(loaded.reconciliation.balances)
  }

  @Test func conflictingDuplicatesAreAllRejected() throws {
    let loaded = try TestFiles.load(TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,2,2026-01-12,15,
      C1,E1,T1,North,PHQ9,2,2026-01-12,14,
      C1,E1,T1,North,PHQ9,3,2026-01-19,12,

      """)
    #expect(loaded.rejects.map(\.reason) == [.conflictingDuplicate, .conflictingDuplicate])
    #expect(loaded.rejects.map(\.line) == [3, 4])
    #expect(loaded.rejects[0].field == "score")
    #expect(loaded.rejects[0].raw == "C1,E1,T1,North,PHQ9,2,2026-01-12,15,")
    #expect(loaded.rejects[1].raw == "C1,E1,T1,North,PHQ9,2,2026-01-12,14,")
    #expect(loaded.rejects[0].detail == "rows on lines 3, 4 give different values for the same client, episode, instrument and session")
    #expect(loaded.table.score == [18, 12])
    #expect(loaded.reconciliation.balances)
  }

  @Test func rawRowIsCutForVeryLongRows() throws {
    var options = IngestOptions()
    options.rawRowLimit = 10
    let long = String(repeating: "x", count: 100)
    let loaded = try TestFiles.load(TestFiles.header + "C1,\(long)\n", options: options)
    #expect(loaded.rejects[0].raw == "C1,xxxxxxx …[93 more bytes]")
  }

  @Test func reconciliationBalancesOnMessyInput() throws {
    let messy = TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,2,2026-01-12,NA,
      C1,E1,T1,North,PHQ9,3,2026-01-19,99,
      C2,E1,T1,North,XYZ,1,2026-01-05,3,

      C2,E1,T1,North,GAD7,1,2026-01-05,3
      C2,E1,T1,North,GAD7,2,2026-01-05,"4",
      C2,E1,T1,North,GAD7,2,2026-01-05,5,
      C3,E1,T2,South,ORS,1,2026-01-05,22.5,
      C3,E1,T2,South,ORS,2,2026-03-05,30.5,
      ,E1,T2,South,ORS,1,2026-01-05,22.5,
      "C4,E1,T2,South,ORS,1,2026-01-05,22.5,

      """
    let loaded = try TestFiles.load(messy, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 2, day: 1)))
    let r = loaded.reconciliation
    #expect(r.rowsRead == 12)
    #expect(r.blankLines == 1)
    #expect(r.duplicatesDropped == 1)
    #expect(r.rowsAfterAsOf == 1)
    #expect(r.rowsRejected == 7)
    #expect(r.rowsUsed == 3)
    #expect(r.missingScores == 1)
    #expect(r.balances)
    #expect(r.rejectedByReason == ["out_of_range": 1, "unknown_instrument": 1, "field_count": 1, "conflicting_duplicate": 2, "missing_value": 1, "bad_quote": 1])
    // Rejects come in line order, whichever stage found them.
    #expect(loaded.rejects.map(\.line) == loaded.rejects.map(\.line).sorted())
  }

  // MARK: - Files that cannot be read

  @Test func fileErrorsNameTheFileAndTheProblem() throws {
    let ingest = CSVIngest(registry: .builtIn)
    #expect(throws: IngestError.cannotOpen(file: "/nonexistent/x.csv", reason: "No such file or directory")) {
      try ingest.read(files: ["/nonexistent/x.csv"])
    }
    #expect(throws: IngestError.isDirectory(file: TestFiles.folder.path)) {
      try ingest.read(files: [TestFiles.folder.path])
    }
    let empty = TestFiles.write("")
    #expect(throws: IngestError.empty(file: empty)) { try ingest.read(files: [empty]) }
    let noScore = TestFiles.write("client_id,instrument,session\nC1,PHQ9,1\n")
    #expect(throws: IngestError.missingColumn(file: noScore, fields: ["score"], header: ["client_id", "instrument", "session"])) {
      try ingest.read(files: [noScore])
    }
    let twice = TestFiles.write("client_id,instrument,session,score,Score\n")
    #expect(throws: IngestError.duplicateColumn(file: twice, column: "score", positions: [4, 5])) {
      try ingest.read(files: [twice])
    }
    let message = IngestError.missingColumn(file: "a.csv", fields: ["client_id", "session or date"], header: ["x", "y"]).description
    #expect(message == "a.csv: no column for required field client_id, session or date (header: x, y); name the column with --map FIELD=COLUMN")
  }

  @Test func fileTruncatedWhileReadingIsReportedNotCrashed() throws {
    let path = TestFiles.write(TestFiles.header + String(repeating: "C1,E1,T1,North,PHQ9,1,2026-01-05,18,\n", count: 1000))
    let file = try InputFile(path: path)
    #expect(truncate(path, 100) == 0)
    var window = BlockWindow(file: file, start: 0, blockSize: 4096)
    defer { window.deallocate() }
    #expect(throws: IngestError.changedWhileReading(file: path)) {
      while try window.refill() { window.consumed = window.filled }
    }
    #expect(throws: IngestError.changedWhileReading(file: path)) { try file.checkUnchanged() }
  }
}
