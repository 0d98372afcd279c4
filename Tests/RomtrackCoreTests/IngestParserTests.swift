import Foundation
import Testing

@testable import RomtrackCore

/// Every path through the CSV reader: quoting, line endings, BOM, blank lines, headers, missing values.
@Suite struct IngestParserTests {
  @Test func readsPlainRows() throws {
    let result = try TestFiles.ingest(TestFiles.header + """
      C1,E1,T1,North,PHQ9,1,2026-01-05,18,
      C1,E1,T1,North,PHQ9,2,2026-01-12,15.5,2026-03-01
      C2,E1,T2,South,GAD7,1,2026-01-06,9,

      """)
    #expect(result.rows.count == 3)
    #expect(result.rejects.isEmpty)
    #expect(result.names.clients == ["C1", "C2"])
    #expect(Array(result.rows.score) == [18, 15.5, 9])
    #expect(Array(result.rows.session) == [1, 2, 1])
    #expect(result.rows.date[0] == CivilDate(year: 2026, month: 1, day: 5)!.days)
    #expect(result.rows.episodeEnd[1] == CivilDate(year: 2026, month: 3, day: 1)!.days)
    #expect(result.rows.episodeEnd[0] == ScoreRows.noDate)
    #expect(Array(result.rows.line) == [2, 3, 4])
    #expect(result.files[0].rowsRead == 3)
  }

  @Test func readsCRLFAndLoneCRLineEndings() throws {
    let crlf = try TestFiles.ingest("client_id,instrument,session,score\r\nC1,PHQ9,1,10\r\nC1,PHQ9,2,8\r\n")
    #expect(Array(crlf.rows.score) == [10, 8])
    #expect(crlf.rejects.isEmpty)
    let cr = try TestFiles.ingest("client_id,instrument,session,score\rC1,PHQ9,1,10\rC1,PHQ9,2,8")
    #expect(Array(cr.rows.score) == [10, 8])
    #expect(Array(cr.rows.line) == [2, 3])
  }

  @Test func skipsByteOrderMark() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("client_id,instrument,session,score\nC1,PHQ9,1,10\n".utf8)
    let result = try CSVIngest(registry: .builtIn).read(files: [TestFiles.write(bytes)])
    #expect(result.rows.count == 1)
    #expect(result.files[0].header == ["client_id", "instrument", "session", "score"])
  }

  @Test func skipsBlankLinesAndCountsThem() throws {
    let result = try TestFiles.ingest("\nclient_id,instrument,session,score\n\nC1,PHQ9,1,10\n\r\n\nC1,PHQ9,2,8\n\n")
    #expect(result.rows.count == 2)
    #expect(result.files[0].blankLines == 5)
    #expect(Array(result.rows.line) == [4, 7])
  }

  @Test func readsLastRowWithoutLineBreak() throws {
    let result = try TestFiles.ingest("client_id,instrument,session,score\nC1,PHQ9,1,10\nC1,PHQ9,2,8")
    #expect(Array(result.rows.score) == [10, 8])
  }

  @Test func readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
    let result = try TestFiles.ingest(
      "client_id,clinician_id,instrument,session,score\n"
        + "\"Smith, J\",\"Dr \"\"Who\"\"\",PHQ9,1,10\n"
        + "\"multi\nline\nid\",T1,\"PHQ9\",\"2\",\"8\"\n"
        + "C3,T1,PHQ9,1,7\n")
    #expect(result.rejects.isEmpty)
    #expect(result.names.clients == ["Smith, J", "multi\nline\nid", "C3"])
    #expect(result.names.clinicians == ["Dr \"Who\"", "T1"])
    #expect(Array(result.rows.score) == [10, 8, 7])
    // The third row starts on line 6: line breaks inside the quoted id are counted.
    #expect(Array(result.rows.line) == [2, 3, 6])
  }

  @Test func matchesHeadersCaseInsensitivelyAndTrimsSpaces() throws {
    let result = try TestFiles.ingest(" Client_ID , INSTRUMENT,Session,Score \nC1 , PHQ-9 , 3 , 12 \n")
    #expect(result.rejects.isEmpty)
    #expect(result.names.clients == ["C1"])
    #expect(Array(result.rows.session) == [3])
    #expect(Array(result.rows.score) == [12])
  }

  @Test func mapsOtherColumnNames() throws {
    var options = IngestOptions()
    options.mapping = [.clientID: "PatientID", .score: "bdi", .date: "Visit"]
    options.defaultInstrument = "BDI2"
    let result = try TestFiles.ingest("patientid,visit,bdi\nP1,2026-02-01,30\nP1,2026-02-08,25\n", options: options)
    #expect(result.rejects.isEmpty)
    #expect(Array(result.rows.score) == [30, 25])
    #expect(Array(result.rows.session) == [ScoreRows.noSession, ScoreRows.noSession])
    #expect(result.tuples.map(\.1) == ["BDI2", "BDI2"])
  }

  @Test func acceptsInstrumentAliases() throws {
    let result = try TestFiles.ingest("client_id,instrument,session,score\nC1,PHQ-9,1,10\nC1,phq9,2,9\nC1,Gad-7,1,5\n")
    #expect(result.rejects.isEmpty)
    #expect(result.tuples.map(\.1) == ["PHQ9", "PHQ9", "GAD7"])
  }

  /// `romtrack model` reads one instrument: the others' rows are counted and skipped unparsed (a bad
  /// score there is not rejected), while a row naming no known instrument is still rejected.
  @Test func readsOnlyOneInstrumentWhenAsked() throws {
    var options = IngestOptions()
    options.onlyInstrument = "PHQ9"
    let result = try TestFiles.ingest(
      "client_id,instrument,session,score\nC1,PHQ-9,1,10\nC1,GAD7,1,oops\nC1,phq9,2,9\nC2,XYZ,1,3\nC2,ORS,1,20\n",
      options: options)
    #expect(result.tuples.map(\.1) == ["PHQ9", "PHQ9"])
    #expect(result.files[0].rowsRead == 3)
    #expect(result.files[0].otherInstrumentRows == 2)
    #expect(result.rejects.map(\.reason) == [.unknownInstrument])
  }

  @Test func keepsMissingScoresAsMissing() throws {
    var options = IngestOptions()
    options.missingTokens = ["NA", "-99"]
    let result = try TestFiles.ingest("client_id,instrument,session,score\nC1,PHQ9,1,NA\nC1,PHQ9,2,\nC1,PHQ9,3,-99\nC1,PHQ9,4,0\n", options: options)
    #expect(result.rejects.isEmpty)
    #expect(result.rows.score[0].isNaN && result.rows.score[1].isNaN && result.rows.score[2].isNaN)
    #expect(result.rows.score[3] == 0)
  }

  @Test func readsDatesInOtherFormats() throws {
    var options = IngestOptions()
    options.dateFormat = DateFormat(pattern: "DD/MM/YYYY")!
    let result = try TestFiles.ingest("client_id,instrument,date,score\nC1,PHQ9,05/01/2026,10\nC1,PHQ9,29/02/2024,9\n", options: options)
    #expect(result.rejects.isEmpty)
    #expect(Array(result.rows.date) == [CivilDate(year: 2026, month: 1, day: 5)!.days, CivilDate(year: 2024, month: 2, day: 29)!.days])
    let short = DateFormat(pattern: "D.M.YYYY")!
    #expect(short.parse(Array("5.1.2026".utf8)[...]) == CivilDate(year: 2026, month: 1, day: 5))
    #expect(DateFormat(pattern: "MM/DD/YYYY")!.parse(Array("12/31/2025".utf8)[...]) == CivilDate(year: 2025, month: 12, day: 31))
    #expect(DateFormat.iso.parse(Array("2026-03-04T09:30:00".utf8)[...]) == CivilDate(year: 2026, month: 3, day: 4))
    #expect(DateFormat(pattern: "YYYY-MM") == nil)
  }

  @Test func readsSessionOnlyAndDateOnlyFiles() throws {
    let sessions = try TestFiles.ingest("client_id,instrument,session,score\nC1,PHQ9,0,10\n")
    #expect(Array(sessions.rows.session) == [0])
    #expect(Array(sessions.rows.date) == [ScoreRows.noDate])
    let dates = try TestFiles.ingest("client_id,instrument,date,score\nC1,PHQ9,2026-01-05,10\n")
    #expect(Array(dates.rows.session) == [ScoreRows.noSession])
  }

  @Test func parsesDecimalsExactlyAsStrtodDoes() {
    for text in ["0", "12", "12.5", "31.4", "0.1", "-3", "+7", ".5", "26.99", "123456789012345", "1.0000000000000002"] {
      let bytes = Array(text.utf8)
      let value = bytes.withUnsafeBufferPointer { FieldValues.decimal($0.baseAddress!, 0, $0.count) }
      #expect(value == Double(text), "\(text)")
    }
    for text in ["", "-", ".", "1.2.3", "12,5", "1e3", "abc", "inf", "nan", "1 2"] {
      let bytes = Array(text.utf8)
      let value = bytes.withUnsafeBufferPointer { $0.baseAddress.map { FieldValues.decimal($0, 0, bytes.count) } ?? nil }
      #expect(value == nil, "\(text)")
    }
  }

  @Test func civilDatesRoundTrip() {
    #expect(CivilDate(year: 1970, month: 1, day: 1)!.days == 0)
    #expect(CivilDate(year: 2000, month: 3, day: 1)!.days == 11_017)
    #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
    #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
    #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
    for days in stride(from: -800_000, through: 800_000, by: 997) {
      let date = CivilDate(days: Int32(days))
      let c = date.components
      #expect(CivilDate(year: c.year, month: c.month, day: c.day) == date)
    }
    #expect(CivilDate(iso: "2026-11-22")?.description == "2026-11-22")
  }

  /// Dates of 1900-2199 come from `MonthTable`: its months must follow one another without gaps,
  /// start where the calendar does (1900-01-01 is 25,567 days before 1970-01-01: 70 years of 365 days
  /// and 17 leap days), and give the days the arithmetic gives, also across the table's ends.
  @Test func monthTableMatchesTheCalendar() {
    let months = MonthTable.months
    #expect(months.count == 300 * 12)
    #expect(months.first?.first == -25_567)
    for i in 1..<months.count { #expect(months[i].first - months[i - 1].first == Int32(months[i - 1].length)) }
    #expect(months.last.map { Int($0.first) + $0.length } == CivilDate.dayNumber(year: 2200, month: 1, day: 1))
    let from = CivilDate.dayNumber(year: 1899, month: 11, day: 1)
    let to = CivilDate.dayNumber(year: 2200, month: 2, day: 28)
    for days in from...to {
      let c = CivilDate(days: Int32(days)).components
      #expect(CivilDate(year: c.year, month: c.month, day: c.day)?.days == Int32(days))
    }
    for year in [1899, 1900, 1904, 2000, 2100, 2199, 2200] {
      for month in 0...13 {
        let length = (1...12).contains(month) ? CivilDate.daysInMonth(year: year, month: month) : 0
        #expect(CivilDate(year: year, month: month, day: 0) == nil)
        #expect(CivilDate(year: year, month: month, day: length + 1) == nil)
        if length > 0 { #expect(CivilDate(year: year, month: month, day: length) != nil) }
      }
    }
  }
}
