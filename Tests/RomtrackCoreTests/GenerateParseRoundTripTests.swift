import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// What the generator writes, the parser reads back exactly: every row, value and text, none lost.
@Suite struct GenerateParseRoundTripTests {
  /// The rows of an ingest, as the generator's values.
  static func scores(_ result: IngestResult) -> [GeneratedScore] {
    let r = result.rows
    return (0..<r.count).map { i in
      GeneratedScore(
        clientID: result.names.clients[Int(r.client[i])], episodeID: result.names.episodes[Int(r.episode[i])],
        clinicianID: result.names.clinicians[Int(r.clinician[i])], site: result.names.sites[Int(r.site[i])],
        instrument: InstrumentRegistry.builtIn.instruments[Int(r.instrument[i])].name,
        session: Int(r.session[i]), date: CivilDate(days: r.date[i]),
        score: r.score[i].isNaN ? nil : r.score[i],
        episodeEnd: r.episodeEnd[i] == ScoreRows.noDate ? nil : CivilDate(days: r.episodeEnd[i]))
    }
  }

  func roundTrip(clients: Int, seed: UInt64, combined: Bool, threads: Int) throws {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: clients, seed: seed))
    var generated: [GeneratedScore] = []
    practice.forEachScore { generated.append($0) }
    let folder = TestFiles.folder.appendingPathComponent("generated-\(UUID().uuidString)").path
    let summary = try practice.write(to: folder, combined: combined)
    var options = IngestOptions()
    options.threads = threads
    options.parallelThreshold = 1
    options.blockSize = 4096
    let result = try CSVIngest(registry: .builtIn, options: options).read(files: summary.files)
    // Separate files hold outcome rows first, then alliance rows, each in generation order.
    let isAlliance = { (s: GeneratedScore) in InstrumentRegistry.builtIn.instrument(named: s.instrument)?.kind == .alliance }
    let expected = combined ? generated : generated.filter { !isAlliance($0) } + generated.filter(isAlliance)
    #expect(result.rejects.isEmpty)
    #expect(result.files.reduce(0) { $0 + $1.rowsRead } == generated.count)
    #expect(summary.outcomeRows + summary.allianceRows == generated.count)
    let parsed = Self.scores(result)
    #expect(parsed.count == expected.count)
    if let mismatch = zip(parsed, expected).first(where: { $0 != $1 }) {
      Issue.record("first mismatch: parsed \(mismatch.0), generated \(mismatch.1)")
    }
  }

  @Test func generatedFilesParseBackExactly() async {
    await propertyCheck(count: 12, input: Gen.int(in: 1...150), Gen.int(in: 0...1_000_000), Gen.int(in: 1...3)) { clients, seed, threads in
      #expect(throws: Never.self) {
        try roundTrip(clients: clients, seed: UInt64(seed), combined: seed % 2 == 0, threads: threads)
      }
    }
  }

  @Test func generatedDataHasNoRejectsOrDuplicatesAndBalances() throws {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 400, seed: 11))
    let folder = TestFiles.folder.appendingPathComponent("generated-\(UUID().uuidString)").path
    let summary = try practice.write(to: folder)
    let loaded = try InputLoader.load(files: summary.files, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    #expect(loaded.rejects.isEmpty)
    #expect(loaded.reconciliation.duplicatesDropped == 0)
    #expect(loaded.reconciliation.rowsUsed == summary.outcomeRows + summary.allianceRows)
    #expect(loaded.reconciliation.missingScores == summary.missingScores)
    #expect(loaded.table.episodes.count == summary.episodes)
    #expect(loaded.reconciliation.balances)
  }
}
