import Dispatch

/// Computes the `AggregateTable` of a report month from the series table and its analysis
/// (METHODS.md section 9; the rules of who counts where are on `GroupMeasures`).
///
/// Per episode: the months of the window in which it has scores (a 12-bit mask per instrument), its
/// start and end day, and its flags; each is added to the practice, its clinician and its site.
/// Clients seen are counted once per group even with several episodes there.
///
/// How it is fast: the facts of every episode are gathered first, in one pass on all cores
/// (`AggregateFacts`). Then the groups are shared among jobs (the practice; ranges of clinicians;
/// ranges of sites), and each job visits its groups one at a time with that group's episodes, so a
/// group's cells stay in cache while they are added to. Within a group the episodes come in input
/// order, as in a single pass: every sum, the effect size's running mean among them, is the same to
/// the last bit however the work is shared.
public struct Aggregator: Sendable {
  public let registry: InstrumentRegistry
  /// Groups per job (the result does not depend on it).
  public let groupsPerJob: Int

  public init(registry: InstrumentRegistry, groupsPerJob: Int = 5_000) {
    self.registry = registry
    self.groupsPerJob = max(1, groupsPerJob)
  }

  public func aggregate(table: SeriesTable, names: NameTables, analysis: Analysis, month: YearMonth) -> AggregateTable {
    let kinds = registry.instruments.map(\.kind)
    var present = [Bool](repeating: false, count: kinds.count)
    for series in table.series where kinds[Int(series.instrument)] == .outcome { present[Int(series.instrument)] = true }
    let instruments = present.indices.filter { present[$0] }
    var slotOf = [Int](repeating: -1, count: kinds.count)
    for (k, i) in instruments.enumerated() { slotOf[i] = k + 1 }
    var result = AggregateTable(
      month: month, instruments: instruments,
      groupCounts: [.practice: 1, .clinician: max(names.clinicians.count, 1), .site: max(names.sites.count, 1)])
    let facts = AggregateFacts(
      table: table, analysis: analysis, slotOf: slotOf, slots: result.slotCount,
      monthStarts: result.months.map { $0.firstDay.days } + [month.lastDay.days + 1])
    let groupCounts = AggregateTable.Level.allCases.map { result.groupCounts[$0, default: 1] }
    let pass = AggregatePass(
      facts: facts, directions: [0] + instruments.map { Double(registry.instruments[$0].direction.rawValue) },
      from: result.windows.map(\.from.days), to: result.windows.map(\.to.days), levelBase: result.levelBase,
      orders: [
        GroupOrder(practiceOf: facts.episodes.count),
        GroupOrder(groups: groupCounts[1], of: facts.episodes.lazy.map(\.clinician)),
        GroupOrder(groups: groupCounts[2], of: facts.episodes.lazy.map(\.site)),
      ])
    // Each level's groups in ranges of at most `groupsPerJob`, and in at least 8 where there are as
    // many groups, so that no level is one long job; the jobs with the most episodes go first. The
    // practice, a single group, is one job as long as all sites together: with the sites in one job
    // too, one core was left adding them up alone after everything else was done.
    let jobs = (0..<3).flatMap { level in
      let size = min(groupsPerJob, max(1, (groupCounts[level] + 7) / 8))
      return stride(from: 0, to: groupCounts[level], by: size).map {
        AggregatePass.Job(level: level, groups: $0..<min($0 + size, groupCounts[level]))
      }
    }.sorted { pass.episodeCount($0) > pass.episodeCount($1) }
    let cellCount = result.cellCount
    result.cells = [GroupMeasures](unsafeUninitializedCapacity: cellCount) { buffer, initialized in
      let cells = Shared(buffer)
      DispatchQueue.concurrentPerform(iterations: jobs.count) { pass.run(jobs[$0], into: cells.buffer) }
      initialized = cellCount
    }
    result.addTrailingYear(facts, directions: pass.directions)
    return result
  }
}
