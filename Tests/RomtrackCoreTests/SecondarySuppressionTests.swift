import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// The research export's suppression against an attacker who knows the identities between its cells:
/// a solver, written here from the files' columns and not from `SuppressionPattern`, reads
/// aggregates.csv and trends.csv of a generated practice (practice, clinicians and sites) and
/// works out every cell it can from the published ones; it must never find a suppressed count.
@Suite struct SecondarySuppressionTests {
  static let threshold = 5

  /// A generated practice of 300 clients (12 clinicians, 2 sites), aggregated for 2026-10.
  static let practice: (aggregates: AggregateTable, names: NameTables) = {
    let folder = TestFiles.folder.appendingPathComponent("suppression-\(UUID().uuidString)").path
    let summary = try! SyntheticPractice(settings: GeneratorSettings(clients: 300, seed: 17)).write(to: folder)
    let loaded = try! InputLoader.load(files: summary.files, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions())
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let aggregates = Aggregator(registry: .builtIn).aggregate(
      table: loaded.table, names: loaded.names, analysis: analysis, month: YearMonth(year: 2026, month: 10))
    return (aggregates, loaded.names)
  }()

  /// One count of the export: its place and its true value; `published` when written as a number.
  struct Cell: Hashable {
    var row: String  // level, group, instrument
    var window: Int  // 0...11 the months, 12 the trailing year
    var column: String
  }

  static let rateColumns: [(rate: String, numerator: String, denominator: String)] = [
    ("paired_rate", "episodes_finished", "episodes_ended"),
    ("rc_improved_rate", "rc_improved", "classified"),
    ("rc_deteriorated_rate", "rc_deteriorated", "classified"),
    ("recovery_rate", "recovered", "clinical_at_intake"),
  ]

  /// The cells of both files: true values, and what the suppressed files publish.
  static func cells(levels: [AggregateTable.Level], suppressed: Bool) -> (truth: [Cell: Int], published: [Cell: String]) {
    let (aggregates, names) = practice
    var truth: [Cell: Int] = [:]
    var published: [Cell: String] = [:]
    for (file, isSuppressed) in [(false, false), (true, suppressed)] {
      let suppression = isSuppressed ? AggregateFiles.Suppression(threshold: threshold) : nil
      for trends in [false, true] {
        let bytes =
          trends
          ? AggregateFiles.trends(aggregates, names: names, registry: .builtIn, levels: levels, suppression: suppression)
          : AggregateFiles.summary(aggregates, names: names, registry: .builtIn, levels: levels, suppression: suppression)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map {
          $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines[0]
        let months = aggregates.months.map(\.description)
        for line in lines.dropFirst() {
          let row: String
          let window: Int
          if trends {
            row = line[0] + "|" + line[1] + "|" + line[2]
            window = months.firstIndex(of: line[3])!
          } else {
            row = line[0] + "|" + line[1] + "|" + line[5]
            window = line[2].contains("..") ? 12 : 11
          }
          for (column, value) in zip(header, line) where AggregateFiles.measureColumns.contains(column) && !value.isEmpty {
            let cell = Cell(row: row, window: window, column: column)
            if !file {
              if let n = Int(value) { truth[cell] = n }
            } else {
              published[cell] = value
            }
          }
        }
      }
    }
    if !suppressed {
      // Primary suppression only, as the export wrote it before: counts below the threshold, and
      // rates whose numerator or denominator is below it.
      published = [:]
      for (cell, n) in truth { published[cell] = n < threshold ? "<\(threshold)" : String(n) }
      for row in Set(truth.keys.map(\.row)) {
        for window in 0...12 {
          for (rate, numerator, denominator) in rateColumns {
            let n = truth[Cell(row: row, window: window, column: numerator)], d = truth[Cell(row: row, window: window, column: denominator)]
            if let n, let d, d > 0 { published[Cell(row: row, window: window, column: rate)] = n < threshold || d < threshold ? "<5" : "rate" }
          }
        }
      }
    }
    return (truth, published)
  }

  /// The suppressed counts an attacker works out: by each identity with one unknown left, and from
  /// every published rate (with its Wilson interval, a rate gives both of its counts away).
  static func recovered(truth: [Cell: Int], published: [Cell: String]) -> Set<Cell> {
    var known: [Cell: Int] = [:]
    for (cell, text) in published { if let n = Int(text) { known[cell] = n } }
    var found: Set<Cell> = []
    func learn(_ cell: Cell, _ value: Int) -> Bool {
      guard known[cell] == nil, truth[cell] == value else { return false }
      known[cell] = value
      if published[cell]?.hasPrefix("<") == true { found.insert(cell) }
      return true
    }
    for (cell, text) in published where Int(text) == nil && !text.hasPrefix("<") {
      for (rate, numerator, denominator) in rateColumns where cell.column == rate {
        for column in [numerator, denominator] {
          let c = Cell(row: cell.row, window: cell.window, column: column)
          if let t = truth[c] { _ = learn(c, t) }
        }
      }
    }
    // Every identity as terms (cell, +1 or -1) summing to 0; a missing row's cell is a known 0.
    var identities: [[(Cell, Int)]] = []
    let rows = Set(truth.keys.map(\.row))
    for row in rows {
      for window in 0...12 where truth[Cell(row: row, window: window, column: "classified")] != nil {
        func c(_ column: String) -> Cell { Cell(row: row, window: window, column: column) }
        identities.append([(c("classified"), 1), (c("rc_improved"), -1), (c("rc_unchanged"), -1), (c("rc_deteriorated"), -1)])
        identities.append(
          [(c("classified"), 1), (c("recovered"), -1), (c("improved"), -1), (c("unchanged"), -1), (c("deteriorated"), -1), (c("harmed"), -1)])
        identities.append([(c("classified"), 1), (c("effect_size_n"), -1)])
      }
      for column in ["episodes_started", "episodes_ended", "episodes_finished", "classified", "rc_improved", "rc_unchanged",
        "rc_deteriorated", "clinical_at_intake", "recovered", "improved", "unchanged", "deteriorated", "harmed", "effect_size_n"]
      where truth[Cell(row: row, window: 12, column: column)] != nil {
        identities.append([(Cell(row: row, window: 12, column: column), 1)] + (0..<12).map { (Cell(row: row, window: $0, column: column), -1) })
      }
    }
    let columns = Set(truth.keys.map(\.column))
    let instruments = Set(rows.map { $0.split(separator: "|", omittingEmptySubsequences: false)[2] })
    for instrument in instruments {
      for window in 0...12 {
        for column in columns {
          let practice = Cell(row: "practice|practice|\(instrument)", window: window, column: column)
          for level in ["clinician", "site"] {
            let members = rows.filter { $0.hasPrefix(level + "|") && $0.hasSuffix("|" + instrument) }
              .map { Cell(row: $0, window: window, column: column) }.filter { truth[$0] != nil }
            guard truth[practice] != nil, !members.isEmpty else { continue }
            identities.append([(practice, 1)] + members.map { ($0, -1) })
          }
          // Without the practice's rows: the clinicians add up to what the sites add up to.
          if truth[practice] == nil {
            let sides = ["clinician", "site"].map { level in
              rows.filter { $0.hasPrefix(level + "|") && $0.hasSuffix("|" + instrument) }
                .map { Cell(row: $0, window: window, column: column) }.filter { truth[$0] != nil }
            }
            if !sides[0].isEmpty && !sides[1].isEmpty { identities.append(sides[0].map { ($0, 1) } + sides[1].map { ($0, -1) }) }
          }
        }
      }
    }
    var progress = true
    while progress {
      progress = false
      for identity in identities {
        let unknown = identity.filter { known[$0.0] == nil && truth[$0.0] != nil }
        guard unknown.count == 1 else { continue }
        let (cell, sign) = unknown[0]
        let rest = identity.reduce(0) { $0 + (known[$1.0] ?? 0) * $1.1 }
        if learn(cell, -rest * sign) { progress = true }
      }
    }
    return found
  }

  @Test func theSolverFindsSmallCountsUnderPrimarySuppressionAlone() {
    // The attack of the issue, on this practice: primary suppression alone gives counts away.
    let (truth, published) = Self.cells(levels: [.practice, .clinician, .site], suppressed: false)
    #expect(Self.recovered(truth: truth, published: published).count > 20)
  }

  @Test(arguments: [
    [AggregateTable.Level.practice, .clinician, .site], [.practice, .site], [.practice, .clinician], [.clinician, .site],
    [.practice],
  ])
  func noSuppressedCountCanBeWorkedOut(levels: [AggregateTable.Level]) {
    let (truth, published) = Self.cells(levels: levels, suppressed: true)
    let suppressed = published.filter { $0.value.hasPrefix("<") && truth[$0.key] != nil }
    #expect(!suppressed.isEmpty)
    let found = Self.recovered(truth: truth, published: published)
    #expect(found.isEmpty, "recovered \(found.count) of \(suppressed.count), e.g. \(found.prefix(3))")
    // Nothing below the threshold is published, and a month's cells agree in both files.
    for (cell, text) in published { if let n = Int(text) { #expect(n >= Self.threshold, "\(cell)") } }
  }

  @Test func aMonthIsSuppressedAlikeInBothFiles() {
    let (aggregates, names) = Self.practice
    let rows = AggregateFiles.Rows(aggregates, names: names, registry: .builtIn)
    let pattern = SuppressionPattern(aggregates, rows: rows, threshold: Self.threshold)
    let summary = String(decoding: AggregateFiles.summary(aggregates, rows: rows, suppression: pattern, part: 0, of: 1), as: UTF8.self)
    let trends = String(decoding: AggregateFiles.trends(aggregates, rows: rows, suppression: pattern, part: 0, of: 1), as: UTF8.self)
    let october = summary.split(separator: "\n").filter { $0.contains(",2026-10,2026-10-01,") }.map { line -> String in
      // Less the summary's own columns (the adjusted effect size, before suppressed_below).
      var f = line.split(separator: ",", omittingEmptySubsequences: false)
      f.removeSubrange((f.count - 1 - AggregateFiles.summaryColumns.count)..<(f.count - 1))
      return ([f[0], f[1], f[5]] + f[6...]).joined(separator: ",")
    }
    let trendOctober = trends.split(separator: "\n").filter { $0.split(separator: ",", omittingEmptySubsequences: false)[3] == "2026-10" }.map { line -> String in
      let f = line.split(separator: ",", omittingEmptySubsequences: false)
      return ([f[0], f[1], f[2]] + f[4...]).joined(separator: ",")
    }
    #expect(october == trendOctober)
  }
}
