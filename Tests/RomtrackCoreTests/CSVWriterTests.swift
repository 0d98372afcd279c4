import Testing

import RomtrackCore
@testable import RomtrackReport

/// CSV output: RFC 4180 quoting, formula-injection neutralising, fixed-precision numbers.
@Suite struct CSVWriterTests {
  func line(_ build: (inout CSVWriter) -> Void) -> String {
    var w = CSVWriter(header: ["x"])
    build(&w)
    w.endRow()
    return String(decoding: w.finish(), as: UTF8.self).split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
      .description.trimmingCharacters(in: ["\n"])
  }

  /// A diagnostics cell is written as its codes joined would be as text, for every set of codes.
  @Test func diagnosticsCodesAreTheirTextCell() {
    let every: UInt32 = (1 << UInt32(SeriesDiagnostics.allCodes.count)) - 1
    let sets: [UInt32] = [0, 1, 3, 0b101_0000_0010_0001, every]
    for raw in sets {
      let set = SeriesDiagnostics(rawValue: raw)
      #expect(line { $0.text("a"); $0.codes(set); $0.integer(1) } == line { $0.text("a"); $0.text(set.codes); $0.integer(1) })
    }
  }

  /// The words of romtrack's vocabulary written in clients.csv, worklist.csv and events.csv are
  /// written by `word` as `text` would write them.
  @Test func wordsAreTheirTextCell() {
    let words =
      ReliableChange.allCases.map(\.rawValue) + OutcomeCategory.allCases.map(\.rawValue)
      + TreatmentSignal.allCases.map(\.rawValue) + StallLevel.allCases.map(\.rawValue)
      + InstrumentKind.allCases.map(\.rawValue) + [EpisodeStatus.active.rawValue, EpisodeStatus.ended.rawValue]
      + [SeriesEvent.Kind.suddenGain.rawValue, SeriesEvent.Kind.suddenLoss.rawValue, SeriesEvent.Kind.rupture.rawValue] + [""]
    for word in words {
      #expect(line { $0.integer(1); $0.word(word); $0.word(word) } == line { $0.integer(1); $0.text(word); $0.text(word) })
    }
  }

  @Test func quotesOnlyWhatNeedsQuoting() {
    #expect(line { $0.text("plain") } == "plain")
    #expect(line { $0.text("Smith, J") } == "\"Smith, J\"")
    #expect(line { $0.text("say \"hi\"") } == "\"say \"\"hi\"\"\"")
    #expect(line { $0.text("two\nlines") } == "\"two\nlines\"")
    #expect(line { $0.text("") } == "")
  }

  @Test func neutralisesFormulas() {
    #expect(line { $0.text("=HYPERLINK(\"x\")") } == "\"'=HYPERLINK(\"\"x\"\")\"")
    #expect(line { $0.text("+1") } == "'+1")
    #expect(line { $0.text("-2+3") } == "'-2+3")
    #expect(line { $0.text("@SUM(A1)") } == "'@SUM(A1)")
    #expect(line { $0.text("\tx") } == "'\tx")
    #expect(line { $0.text("a=b") } == "a=b")
    // Numbers are numbers, not text: never prefixed.
    #expect(line { $0.number(-3.5, decimals: 2) } == "-3.50")
    #expect(line { $0.integer(-4) } == "-4")
  }

  @Test func writesFixedPrecision() {
    #expect(CSVWriter.fixed(2.345, decimals: 2) == "2.35")  // 2.345 * 100 is 234.50000000000003 in doubles: rounds up
    #expect(CSVWriter.fixed(-0.004, decimals: 2) == "0.00")
    #expect(CSVWriter.fixed(12, decimals: 4) == "12.0000")
    #expect(CSVWriter.fixed(0.05, decimals: 1) == "0.1")
    #expect(CSVWriter.fixed(-1.25, decimals: 1) == "-1.3")
    #expect(CSVWriter.fixed(1234567.891, decimals: 0) == "1234568")
    #expect(line { $0.number(.nan, decimals: 2) } == "")
    #expect(line { $0.number(nil, decimals: 2) } == "")
    #expect(line { $0.isoDate(0) } == "1970-01-01")
    #expect(line { $0.isoDate(20_779) } == "2026-11-22")
  }
}
