import Foundation
import Testing

@testable import RomtrackCore

/// Inputs the fuzz targets (docs/fuzzing.md) found a fault with, each kept here with the fix it
/// needed; the same inputs are in Tests/Fuzz/regressions/.
@Suite struct FuzzRegressionTests {
  // MARK: - Config loader

  /// Tests/Fuzz/regressions/config-alias-bomb-key.yml: eight levels of ten aliases each make a mapping
  /// key of 10^8 values. Yams hashes every mapping key to find duplicates, so composing this 474-byte
  /// file took minutes; it is now refused before it is composed.
  static let aliasBombKey = """
    x0: &a0 [x, x, x, x, x, x, x, x, x, x]
    x1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]
    x2: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]
    x3: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]
    x4: &a4 [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]
    x5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]
    x6: &a6 [*a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5, *a5]
    x7: &a7 [*a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6, *a6]
    ? *a7
    : 1
    ? [*a7]
    : 1

    """

  @Test(.timeLimit(.minutes(1)))
  func aliasBombAsAMappingKeyIsRefusedQuickly() throws {
    let started = ContinuousClock.now
    let error = try #require(throws: ConfigurationError.self) {
      try Configuration.parse(text: Self.aliasBombKey, source: "romtrack.yml")
    }
    #expect(error.problem == "anchors and aliases expand to more than 100000 values; write the values out instead")
    #expect(error.line == 5)
    #expect(started.duration(to: .now) < .seconds(5))
  }

  @Test func aliasBombIsRefusedWhereverItIsUsed() throws {
    // The same bomb as a value: harmless to Yams, but no config needs it either.
    let asValue = Self.aliasBombKey.replacingOccurrences(of: "? *a7\n: 1\n? [*a7]\n: 1\n", with: "parameters: {na: *a7}\n")
    let error = try #require(throws: ConfigurationError.self) {
      try Configuration.parse(text: asValue, source: "romtrack.yml")
    }
    #expect(error.problem.hasPrefix("anchors and aliases expand to more than"))
  }

  @Test func modestAnchorsStillWork() throws {
    let text = """
      instruments:
        - name: WSAS
          kind: outcome
          min: &low 0
          max: 40
          better: lower
          clinical_cutoff: '>= 10'
        - name: Mood
          kind: outcome
          min: *low
          max: 10
          better: higher
      parameters:
        na: &tokens [NA, "-99"]

      """
    let configuration = try Configuration.parse(text: text, source: "romtrack.yml")
    #expect(configuration.registry.instrument(named: "Mood")?.minimum == 0)
    #expect(configuration.parameters.missingTokens == ["NA", "-99"])
    #expect(YAMLExpansion.lineBeyondLimit(text) == nil)
  }

  @Test func expansionIsCountedPerAnchor() {
    // 1 + 10 values anchored, then a list of 10 aliases: 1 + 10 * 11 = 111 values in the second list.
    let text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + Array(repeating: "*a", count: 10).joined(separator: ", ") + "]\n"
    #expect(YAMLExpansion.lineBeyondLimit(text) == nil)
    // A thousand copies of a 101-value list pass the limit on the line of the aliases.
    let big = "a: &a [" + (1...100).map(String.init).joined(separator: ", ") + "]\nb: ["
      + Array(repeating: "*a", count: 1000).joined(separator: ", ") + "]\n"
    #expect(YAMLExpansion.lineBeyondLimit(big) == 2)
    // Text libyaml cannot parse is left to the composer, which names the syntax error.
    #expect(YAMLExpansion.lineBeyondLimit("a: [1, 2\n") == nil)
  }

  /// Tests/Fuzz/regressions/config-empty.yml: an empty file. It gave the defaults, but reading it
  /// leaked Foundation's read buffer, so LeakSanitizer stopped the fuzz target on it; it is no longer
  /// read.
  @Test func emptyConfigFileGivesTheDefaults() throws {
    let path = TestFiles.write([], name: "romtrack.yml")
    let configuration = try Configuration.load(path: path)
    #expect(configuration.registry == InstrumentRegistry.builtIn)
    #expect(configuration.parameters == AnalysisParameters.defaults)
    #expect(configuration.source == path)
  }

  // MARK: - CSV ingest

  /// Tests/Fuzz/regressions/csv-misaligned-split-leak.csv: lone CR line endings, so the threads after
  /// the first find no LF to start at, the split does not line up and the file is read again by one
  /// thread. The rows the threads had parsed were never freed (mapped memory): every such read kept
  /// a second copy of the rows, and the fuzzer's memory grew without bound.
  static let loneCR =
    "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\r"
    + "C000001,E1,T02,North,CORE10,1,2026-05-29,28,2026-08-15\r"
    + "C000001,E1,T02,North,CORE10,2,2026-06-05,29,2026-08-15\r"
    + "C000001,E1,T02,North,CORE10,3,2026-06-19,19,2026-08-15\r"
    + "C000001,E1,T02,North,CORE10,4,2026-07-10,17,2026-08-15\r"
    + "C000001,E1,T02,North,CORE10,5,2026-07-31,11,2026-08-15\r"
    + "C000001,E1,T02,North,PHQ9,1,2026-05-29,21,2026-08-15\r"

  func splitOptions(threads: Int, block: Int) -> IngestOptions {
    var options = IngestOptions()
    options.threads = threads
    options.parallelThreshold = 1
    options.blockSize = block
    return options
  }

  @Test func misalignedSplitGivesTheRowsOfOneThread() throws {
    let one = try TestFiles.load(Self.loneCR)
    let split = try TestFiles.load(Self.loneCR, options: splitOptions(threads: 3, block: 64))
    #expect(one.reconciliation.rowsRead == 6 && one.reconciliation.rowsUsed == 6)
    #expect(split.reconciliation == one.reconciliation)
    #expect(split.table.score == one.table.score)
    #expect(split.files[0].threads == 1)
  }

  /// Resident memory is the whole test process's: other suites running alongside can grow it by more
  /// than the leak, so this check runs on request only (`ROMTRACK_TEST_MEMORY=1 swift test --filter
  /// misalignedSplitFreesTheThreadsRows`), where nothing else runs.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["ROMTRACK_TEST_MEMORY"] == "1"))
  func misalignedSplitFreesTheThreadsRows() throws {
    // 2 MB of short lone-CR rows: the first of two threads parses half of them before the split is
    // found not to line up. Their columns take about 40 bytes a row, so before the fix each read
    // leaked some 3.5 MB and four reads grew the resident memory by about 14 MB. Other tests run
    // alongside and may grow it too, so the least growth of three rounds of four reads is what counts.
    let rows = (0..<175_000).map { "C\($0 / 10 % 1000),PHQ9,\($0 % 10 + 1),\($0 % 28)\r" }
    let path = TestFiles.write("client_id,instrument,session,score\r" + rows.joined())
    let ingest = CSVIngest(registry: .builtIn, options: splitOptions(threads: 2, block: 1 << 16))
    _ = try ingest.read(files: [path])
    var growth: [Int] = []
    for _ in 0..<3 {
      let before = residentBytes()
      for _ in 0..<4 {
        let result = try ingest.read(files: [path])
        #expect(result.files[0].threads == 1)
      }
      growth.append(residentBytes() - before)
    }
    #expect(growth.min()! < 6 << 20, "resident memory grew by \(growth.map { $0 >> 10 }) KB in three rounds of four reads")
  }

  /// Tests/Fuzz/regressions/csv-conflicting-duplicates-quadratic.csv: 3,000 rows of one client,
  /// instrument and session with different scores. Every row of a conflicting group is rejected, and
  /// each reject's detail listed the lines of the whole group: n^2 line numbers, so 20,000 such rows
  /// (a 300 KB file) ran the fuzzer out of memory. The detail now names ten lines and a count.
  static let conflictingGroup =
    "client_id,instrument,session,score\n" + (0..<3000).map { "C1,PHQ9,1,\($0 % 27)\n" }.joined()

  @Test func conflictingGroupDetailStaysShort() throws {
    let loaded = try TestFiles.load(Self.conflictingGroup)
    #expect(loaded.reconciliation.balances)
    #expect(loaded.reconciliation.rowsRejected == 3000)
    #expect(loaded.rejects.allSatisfy { $0.reason == .conflictingDuplicate && $0.field == "score" })
    #expect(
      loaded.rejects[0].detail
        == "rows on lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 2990 more give different values for the same client, episode, instrument and session"
    )
    #expect(loaded.rejects.reduce(0) { $0 + $1.detail.utf8.count } < 3000 * 200)
  }

  @Test func smallConflictingGroupsListEveryLine() throws {
    let rows = (1...10).map { "C1,PHQ9,1,\($0)\n" }.joined()
    let loaded = try TestFiles.load("client_id,instrument,session,score\n" + rows)
    #expect(
      loaded.rejects[9].detail
        == "rows on lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 give different values for the same client, episode, instrument and session"
    )
  }

  /// The process's resident memory, from /proc/self/statm.
  func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * PageMemory.pageSize : 0
  }
}
