import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// What the practice page says about its figures: NHS rates with their denominators in words, "too few
/// to compare" under the minimum (never a 0% on one course), empty states in words, and end labels of
/// the charts that never overlap.
struct PracticePageFiguresTests {
  static func page(_ text: String) throws -> String {
    String(decoding: PracticePage.html(try ReportPageTests.content(path: TestFiles.write(text))), as: UTF8.self)
  }

  @Test func headlineIsThePairWithItsNHSDenominators() throws {
    // TalkingTherapiesRatesTests' episodes: on the pair, 4 recovered of 8 at caseness, 3 reliably
    // improved of 9 finished (counted there by hand).
    let page = try Self.page(TalkingTherapiesRatesTests.text)
    #expect(page.contains("NHS Talking Therapies outcomes on the PHQ9 + GAD7 pair"))
    #expect(page.contains("<div class=\"label\">NHS recovery</div><div class=\"big\">50%</div>"))
    #expect(page.contains("4 of 8 finished courses at caseness at intake"))
    #expect(page.contains("3 of 9 finished courses"))
    #expect(page.contains("Drop-out (unplanned endings)"))
    #expect(page.contains("4 of 13 episodes ended"))
    // No label on the page calls a rate plain "Recovered".
    #expect(!page.contains(">Recovered<"))
  }

  @Test func smallGroupsAreTooFewToCompareNeverZeroPercent() throws {
    // Both clinicians have fewer than 10 finished courses.
    let page = try Self.page(TalkingTherapiesRatesTests.text)
    let clinicians = try #require(page.range(of: "<h2>Clinicians</h2>")).upperBound
    let table = String(page[clinicians...])
    #expect(table.contains("too few to compare (6 finished; the least is 10)"))
    #expect(!table.contains(">0% ("))
    #expect(AggregateTable.fewestToCompare == 10)
  }

  @Test func aPracticeWithNothingFinishedSaysSoInWords() throws {
    let text = TestFiles.header + """
      A,1,T1,S1,PHQ9,1,2026-10-05,15,
      A,1,T1,S1,PHQ9,2,2026-10-19,13,
      B,1,T1,S1,GAD7,1,2026-10-06,12,

      """
    let page = try Self.page(text)
    #expect(page.contains("no finished courses at caseness at intake in the last 12 months"))
    #expect(page.contains("Nothing to chart: no month in these 12 months has a figure."))
    #expect(page.contains("No course on this measure finished in the last 12 months."))
    #expect(!page.contains("0 of 0"))
    #expect(!page.contains("95% interval ;"))
  }

  @Test func chartBandsSayWhichLineTheyBelongTo() throws {
    let page = try Self.page(TalkingTherapiesRatesTests.text)
    #expect(page.contains("shaded: 95% interval of NHS recovery"))
    #expect(!page.contains("shaded: 95% interval</span>"))
    // The legend comes before the chart it explains.
    let legend = try #require(page.range(of: "shaded: 95% interval of NHS recovery"))
    let chart = try #require(page.range(of: "aria-label=\"NHS recovery and reliable improvement rates per month"))
    #expect(legend.lowerBound < chart.lowerBound)
  }

  @Test(arguments: [
    [100.0, 102.0], [50.0, 50.0, 50.0], [20.0, 140.0], [130.0, 131.0, 10.0], [12.0, 13.0],
  ])
  func endLabelsNeverOverlap(wanted: [Double]) {
    let placed = Charts.endLabelPositions(wanted, gap: 11, within: 16...146)
    for i in placed.indices {
      for j in placed.indices where j > i { #expect(abs(placed[i] - placed[j]) >= 11 - 1e-9, "\(placed)") }
    }
    // Labels far apart stay where they were.
    if wanted == [20, 140] { #expect(placed == wanted) }
    #expect(placed.allSatisfy { $0 <= 146 })
  }
}
