import Foundation
import Testing

@testable import RomtrackCore

/// Item scoring rules (docs/instruments.md, "Item-level input"), against totals worked out by hand from
/// the published rules.
@Suite struct ItemScoringTests {
  @Test func phq9SumsAndProratesUpToTwoMissingItems() {
    let rule = ItemScoring.phq9
    #expect(rule.score([3, 3, 2, 2, 2, 2, 1, 1, 0]) == .total(16, answered: 9))
    // Item 4 missing: the 8 answered sum to 14; 9 x 14 / 8 = 15.75 (the missing item counts as their mean).
    #expect(rule.score([3, 3, 2, nil, 2, 2, 1, 1, 0]) == .total(15.75, answered: 8))
    // Two missing: 9 x 12 / 7.
    guard case .total(let two, 7) = rule.score([3, 3, 2, nil, nil, 2, 1, 1, 0]) else { Issue.record("no total"); return }
    #expect(abs(two - 108.0 / 7.0) < 1e-12)
    #expect(rule.score([3, 3, 2, nil, nil, nil, 1, 1, 0]) == .tooManyMissing(missing: 3))
    #expect(rule.score(Array(repeating: nil, count: 9)) == .allMissing)
  }

  @Test func phq9ItemNineIsARiskItemFromOne() {
    let rule = ItemScoring.phq9
    #expect(rule.positiveRiskItems([0, 0, 0, 0, 0, 0, 0, 0, 1]).map(\.item) == [9])
    #expect(rule.positiveRiskItems([3, 3, 3, 3, 3, 3, 3, 3, 0]).isEmpty)
    #expect(rule.positiveRiskItems([3, 3, 3, 3, 3, 3, 3, 3, nil]).isEmpty)
  }

  @Test func core10ReversesItemsTwoAndThreeAndProratesOneMissing() {
    let rule = ItemScoring.core10
    // Items 2 and 3 answered 1 count 4 - 1 = 3.
    #expect(rule.score([3, 1, 1, 2, 2, 0, 3, 3, 3, 2]) == .total(24, answered: 10))
    // Item 2 missing, item 3 answered 2 (counts 2): 9 answered sum to 16; 10 x 16 / 9.
    guard case .total(let prorated, 9) = rule.score([2, nil, 2, 2, 2, 1, 2, 2, 2, 1]) else { Issue.record("no total"); return }
    #expect(abs(prorated - 160.0 / 9.0) < 1e-12)
    #expect(rule.score([1, nil, nil, 1, 1, 0, 1, 1, 1, 1]) == .tooManyMissing(missing: 2))
    #expect(rule.positiveRiskItems([0, 4, 4, 0, 0, 1, 0, 0, 0, 0]).map(\.item) == [6])
  }

  @Test func coreOMClinicalScoreIsTenTimesTheMeanItem() {
    let rule = ItemScoring.coreOM
    // Every item answered 2: reverse-keyed items count 4 - 2 = 2 as well; mean 2, clinical score 20.
    #expect(rule.score(Array(repeating: 2, count: 34)) == .total(20, answered: 34))
    // All 4 except the eight reverse-keyed items answered 4 (count 0): 26 x 4 / 34 x 10.
    var answers: [Double?] = Array(repeating: 4, count: 34)
    guard case .total(let score, 34) = rule.score(answers) else { Issue.record("no total"); return }
    #expect(abs(score - 10.0 * 26.0 * 4.0 / 34.0) < 1e-12)
    answers[0] = nil; answers[1] = nil; answers[4] = nil
    if case .tooManyMissing = rule.score(answers) { Issue.record("three missing items are allowed") }
    answers[5] = nil
    #expect(rule.score(answers) == .tooManyMissing(missing: 4))
    #expect(rule.totalRange == 0...40)
  }

  @Test func gad7AndOQ45NeedEveryItem() {
    #expect(ItemScoring.gad7.score([1, 1, 1, 1, 1, 1, nil]) == .tooManyMissing(missing: 1))
    // OQ-45: 45 items answered 1; the nine reverse-keyed count 4 - 1 = 3: 36 + 27 = 63.
    #expect(ItemScoring.oq45.score(Array(repeating: 1, count: 45)) == .total(63, answered: 45))
    #expect(ItemScoring.oq45.riskItems == [8, 11, 26, 32, 44])
  }

  @Test func everyBuiltInRuleFitsItsInstrumentsRange() {
    for instrument in Instrument.builtIns {
      guard let items = instrument.items else { continue }
      #expect(items.totalRange.lowerBound >= instrument.minimum, "\(instrument.name)")
      #expect(items.totalRange.upperBound <= instrument.maximum, "\(instrument.name)")
    }
  }

  @Test func aConfigDeclaresItemsOfANewInstrumentAndTightensABuiltIn() throws {
    let text = """
      instruments:
        - name: K10
          kind: outcome
          min: 10
          max: 50
          better: lower
          items: {count: 10, min: 1, max: 5, reverse: [2], risk_items: [9], risk_at_least: 4, max_missing: 1}
        - name: PHQ9
          items: {max_missing: 0}
      """
    let configuration = try Configuration.parse(text: text, source: "test.yml")
    let k10 = try #require(configuration.registry.instrument(named: "K10")?.items)
    #expect(k10.count == 10 && k10.itemMinimum == 1 && k10.itemMaximum == 5 && k10.multiplier == 10)
    #expect(k10.reversed == [2] && k10.riskItems == [9] && k10.riskThreshold == 4 && k10.maxMissing == 1)
    let phq9 = try #require(configuration.registry.instrument(named: "PHQ9")?.items)
    #expect(phq9.maxMissing == 0 && phq9.riskItems == [9] && phq9.count == 9)
    #expect(throws: ConfigurationError.self) {
      try Configuration.parse(text: "instruments:\n  - name: PHQ9\n    items: {count: 9, risk_items: [10]}\n", source: "t")
    }
  }

  @Test func itemColumnsAreRecognisedInAnyCaseOrMapped() {
    let registry = InstrumentRegistry.builtIn
    let header = ["client_id", "PHQ9_Item1", "phq-9_item_2", "phq9_item10", "GAD7_item1", "Q3"]
    let found = ItemColumns.find(header: header, registry: registry, mapping: ["phq9_item3": "q3"])
    #expect(found.count == 2)
    #expect(found[0].instrument == registry.index(of: "PHQ9"))
    #expect(Array(found[0].columns.prefix(4)) == [1, 2, 5, nil])
    #expect(found[1].columns.first == 4)
  }
}

/// Workbook reading pieces: Excel's serial dates, cell references, the XML scanner.
@Suite struct XLSXReaderTests {
  @Test func excelSerialNumbersAreCalendarDays() {
    // 2025-01-01 is serial 45658 in the 1900 date system; 2026-09-01 is 45658 + 365 + 243.
    #expect(XLSXReader.date(serial: 45658, date1904: false)?.description == "2025-01-01")
    #expect(XLSXReader.date(serial: 46266.75, date1904: false)?.description == "2026-09-01")
    #expect(XLSXReader.date(serial: 1, date1904: false)?.description == "1900-01-01")
    #expect(XLSXReader.date(serial: 59, date1904: false)?.description == "1900-02-28")
    #expect(XLSXReader.date(serial: 61, date1904: false)?.description == "1900-03-01")
    #expect(XLSXReader.date(serial: 0, date1904: true)?.description == "1904-01-01")
    #expect(XLSXReader.date(serial: -1, date1904: false) == nil)
  }

  @Test func cellReferencesAndDateFormats() {
    #expect(XLSXReader.column(of: "C7") == 2)
    #expect(XLSXReader.column(of: "AA10") == 26)
    #expect(XLSXReader.letters(of: 26) == "AA")
    #expect(XLSXReader.isDateFormat("dd/mm/yyyy"))
    #expect(XLSXReader.isDateFormat("[$-409]d-mmm-yy;@"))
    #expect(!XLSXReader.isDateFormat("0.00"))
    #expect(!XLSXReader.isDateFormat("\"day\" 0"))
    #expect(DateFormat(pattern: "DD/MM/YYYY")!.format(CivilDate(year: 2026, month: 9, day: 1)!) == "01/09/2026")
    #expect(DateFormat(pattern: "D.M.YYYY")!.format(CivilDate(year: 2026, month: 9, day: 1)!) == "1.9.2026")
  }

  @Test func theXMLScannerReadsTagsAttributesAndEntities() {
    var scanner = XMLScanner(Array("<?xml version=\"1.0\"?><x:si a='1 &amp; 2'><t>a &lt; b&#x41;</t><br/></x:si>".utf8))
    var events: [XMLScanner.Event] = []
    while let e = scanner.next() { events.append(e) }
    #expect(events == [
      .start(name: "si", attributes: ["a": "1 & 2"], selfClosing: false), .start(name: "t", attributes: [:], selfClosing: false),
      .text("a < bA"), .end(name: "t"), .start(name: "br", attributes: [:], selfClosing: true), .end(name: "si"),
    ])
    #expect(XLSXReader.sharedStrings(Array("<sst><si><t>one</t></si><si><r><t>tw</t></r><r><t>o</t></r><rPh><t>x</t></rPh></si></sst>".utf8)) == ["one", "two"])
  }
}
