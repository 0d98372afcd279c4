import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// Files made in parts on several cores: the parts joined in order are the file made in one piece.
@Suite struct ReportFilePartsTests {
  static let loaded: LoadedInput = {
    let folder = ParallelAnalysisTests.sampleFolder
    return try! InputLoader.load(
      files: ["outcomes.csv", "alliance.csv"].map { folder + "/" + $0 }, registry: .builtIn,
      ingest: IngestOptions(), series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
  }()

  @Test(arguments: [2, 3, 7])
  func eventPartsJoinToTheWholeFile(parts: Int) {
    let loaded = ReportFilePartsTests.loaded
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    #expect(analysis.events.count > parts)
    let whole = EventsFile.csv(table: loaded.table, names: loaded.names, registry: .builtIn, analysis: analysis)
    let cells = SeriesNameCells(names: loaded.names, registry: .builtIn)
    let joined = (0..<parts).flatMap {
      EventsFile.csv(table: loaded.table, registry: .builtIn, analysis: analysis, cells: cells, part: $0, of: parts)
    }
    #expect(joined == whole)
    #expect(String(decoding: whole, as: UTF8.self).hasPrefix(EventsFile.header.joined(separator: ",") + "\n"))
  }

  /// Ranking only some names keeps their order and ties as ranking all of them does.
  @Test func ranksOfSomeNamesFollowTheRanksOfAll() {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      let names = (0..<Int.random(in: 1...60, using: &random)).map { _ in
        String((0..<Int.random(in: 0...3, using: &random)).map { _ in "abAé1".randomElement(using: &random)! })
      }
      let only = names.map { _ in Bool.random(using: &random) }
      let all = WorklistFile.ranks(names)
      let some = WorklistFile.ranks(names, only: only)
      let marked = names.indices.filter { only[$0] }
      for i in marked {
        for j in marked {
          #expect((all[i] < all[j]) == (some[i] < some[j]))
          #expect((all[i] == all[j]) == (some[i] == some[j]))
        }
      }
    }
  }
}
