/// Computes the `AggregateTable` of a report month from the series table and its analysis, in one
/// pass over the episodes (METHODS.md section 9; the rules of who counts where are on
/// `GroupMeasures`).
///
/// Per episode: the months of the window in which it has scores (a 12-bit mask per instrument), its
/// start and end day, and its flags; each is added to the practice, its clinician and its site.
/// Clients seen are counted once per group even with several episodes there. The cost is one pass
/// over the scores plus, per episode, the windows it overlaps times three levels.
public struct Aggregator: Sendable {
  public let registry: InstrumentRegistry

  public init(registry: InstrumentRegistry) { self.registry = registry }

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
    let pass = Pass(
      table: table, analysis: analysis, slotOf: slotOf, slots: result.slotCount,
      directions: registry.instruments.map { Double($0.direction.rawValue) },
      from: result.windows.map(\.from.days), to: result.windows.map(\.to.days),
      monthStarts: result.months.map { $0.firstDay.days } + [month.lastDay.days + 1],
      levelBase: result.levelBase)
    result.cells.withUnsafeMutableBufferPointer { pass.run(into: $0) }
    return result
  }
}

/// The one pass of `Aggregator`, with everything it reads precomputed.
private struct Pass {
  let table: SeriesTable
  let analysis: Analysis
  let slotOf: [Int]
  let slots: Int
  let directions: [Double]
  /// Each window's first and last day (12 months, then the trailing year).
  let from: [Int32]
  let to: [Int32]
  /// First day of each of the 12 months, then the day after the last.
  let monthStarts: [Int32]
  let levelBase: [Int]
  /// The month bit of each day of the 12 months, from `monthStarts[0]`: one load per score.
  let bitOfDay: [UInt16]

  init(
    table: SeriesTable, analysis: Analysis, slotOf: [Int], slots: Int, directions: [Double], from: [Int32],
    to: [Int32], monthStarts: [Int32], levelBase: [Int]
  ) {
    (self.table, self.analysis, self.slotOf, self.slots, self.directions) = (table, analysis, slotOf, slots, directions)
    (self.from, self.to, self.monthStarts, self.levelBase) = (from, to, monthStarts, levelBase)
    var bits: [UInt16] = []
    for m in 0..<12 { bits += repeatElement(1 << UInt16(m), count: Int(monthStarts[m + 1] - monthStarts[m])) }
    bitOfDay = bits
  }

  var windowStride: Int { slots }
  var groupStride: Int { AggregateTable.windowCount * slots }

  /// The bit of the month a day falls in, 0 outside the 12 months.
  @inline(__always)
  func monthBit(_ day: Int32) -> UInt16 {
    let offset = Int(day) - Int(monthStarts[0])
    return offset >= 0 && offset < bitOfDay.count ? bitOfDay[offset] : 0
  }

  /// The first cell of an episode's group at each level.
  func groupBases(_ episode: Episode) -> (Int, Int, Int) {
    (levelBase[0], levelBase[1] + Int(episode.clinician) * groupStride, levelBase[2] + Int(episode.site) * groupStride)
  }

  func run(into cells: UnsafeMutableBufferPointer<GroupMeasures>) {
    let episodes = table.episodes
    // Per episode of the current client: the month mask per slot (slot 0: any instrument).
    var masks: [UInt16] = []
    var order: [Int] = []
    var merged = [UInt16](repeating: 0, count: slots)
    var first = 0
    while first < episodes.count {
      var end = first + 1
      while end < episodes.count && episodes[end].client == episodes[first].client { end += 1 }
      masks.removeAll(keepingCapacity: true)
      masks.append(contentsOf: repeatElement(0, count: (end - first) * slots))
      for e in first..<end {
        let k = e - first
        for s in episodes[e].series {
          var seriesMask: UInt16 = 0
          for i in table.series[s].scores { seriesMask |= monthBit(table.date[i]) }
          masks[k * slots] |= seriesMask
          let slot = slotOf[Int(table.series[s].instrument)]
          if slot > 0 { masks[k * slots + slot] |= seriesMask }
        }
        add(episodes[e], into: cells)
      }
      // Clients seen: once per group of each level, with the months of all the client's episodes there.
      for level in 0..<3 {
        func base(_ k: Int) -> Int {
          let b = groupBases(episodes[first + k])
          return level == 0 ? b.0 : level == 1 ? b.1 : b.2
        }
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<(end - first))
        if order.count > 1 { order.sort { base($0) < base($1) } }
        var run = 0
        while run < order.count {
          let groupBase = base(order[run])
          for slot in 0..<slots { merged[slot] = 0 }
          var next = run
          while next < order.count && base(order[next]) == groupBase {
            for slot in 0..<slots { merged[slot] |= masks[order[next] * slots + slot] }
            next += 1
          }
          for slot in 0..<slots where merged[slot] != 0 {
            for w in 0..<12 where merged[slot] & (1 << UInt16(w)) != 0 {
              cells[groupBase + w * windowStride + slot].clientsSeen += 1
            }
            cells[groupBase + AggregateTable.trailingYear * windowStride + slot].clientsSeen += 1
          }
          run = next
        }
      }
      first = end
    }
  }

  /// Adds one episode's counts, outcomes and flags to its practice, clinician and site cells.
  func add(_ episode: Episode, into cells: UnsafeMutableBufferPointer<GroupMeasures>) {
    guard episode.firstDate != ScoreRows.noDate else { return }
    let start = episode.firstDate
    let ended = episode.status == .ended
    let endDay: Int32 =
      !ended ? Int32.max
      : (episode.ending == .discharged && episode.endDate != ScoreRows.noDate ? max(episode.endDate, start) : episode.lastDate)
    let results = analysis.series
    var longest = 0
    var finishedAny = false
    var stalled = false, offTrack = false, deteriorating = false, lowAlliance = false, unrepaired = false
    for s in episode.series {
      let r = results[s]
      longest = max(longest, r.scoreCount)
      lowAlliance = lowAlliance || r.lowAlliance == true
      unrepaired = unrepaired || r.ruptures > r.rupturesRepaired
      guard slotOf[Int(table.series[s].instrument)] > 0 else { continue }
      finishedAny = finishedAny || r.scoreCount >= 2
      stalled = stalled || r.stall?.stalled == true
      offTrack = offTrack || r.signal == .yellow || r.signal == .red
      deteriorating = deteriorating || r.reasons.contains(.deteriorating)
    }
    // What each outcome series adds, read once: the window loop below runs up to 13 x 3 times.
    var outcomes: [(slot: Int, scores: Int, stalled: Bool, offTrack: Bool, deteriorating: Bool, lowAlliance: Bool,
      unrepaired: Bool, clinical: ClinicalSignificanceResult?, intake: Double, latest: Double, direction: Double)] = []
    for s in episode.series {
      let instrument = Int(table.series[s].instrument)
      let slot = slotOf[instrument]
      guard slot > 0 else { continue }
      let r = results[s]
      outcomes.append((
        slot, r.scoreCount, r.stall?.stalled == true, r.signal == .yellow || r.signal == .red,
        r.reasons.contains(.deteriorating), r.lowAlliance == true, r.ruptures > r.rupturesRepaired,
        r.scoreCount >= 2 ? r.clinical : nil, r.intake, r.latest, directions[instrument]
      ))
    }
    let bases = groupBases(episode)
    for w in 0..<AggregateTable.windowCount where start <= to[w] && endDay >= from[w] {
      let startedHere = start >= from[w] && start <= to[w]
      let endedHere = ended && endDay >= from[w] && endDay <= to[w]
      for level in 0..<3 {
        let cell = (level == 0 ? bases.0 : level == 1 ? bases.1 : bases.2) + w * windowStride
        count(&cells[cell], started: startedHere, ended: endedHere, finished: finishedAny, sessions: longest)
        if stalled { cells[cell].stalled += 1 }
        if offTrack { cells[cell].offTrack += 1 }
        if deteriorating { cells[cell].deteriorating += 1 }
        if lowAlliance { cells[cell].lowAlliance += 1 }
        if unrepaired { cells[cell].unrepairedRuptures += 1 }
        for o in outcomes {
          let c = cell + o.slot
          count(&cells[c], started: startedHere, ended: endedHere, finished: o.scores >= 2, sessions: o.scores)
          if o.stalled { cells[c].stalled += 1 }
          if o.offTrack { cells[c].offTrack += 1 }
          if o.deteriorating { cells[c].deteriorating += 1 }
          if o.lowAlliance { cells[c].lowAlliance += 1 }
          if o.unrepaired { cells[c].unrepairedRuptures += 1 }
          guard endedHere, let clinical = o.clinical else { continue }
          addOutcome(clinical, intake: o.intake, latest: o.latest, direction: o.direction, to: &cells[c])
        }
      }
    }
  }

  func count(_ m: inout GroupMeasures, started: Bool, ended: Bool, finished: Bool, sessions: Int) {
    m.episodesActive += 1
    if started { m.episodesStarted += 1 }
    if ended {
      m.episodesEnded += 1
      m.sessionsOfEnded += sessions
      if finished { m.episodesFinished += 1 }
    }
  }

  func addOutcome(_ clinical: ClinicalSignificanceResult, intake: Double, latest: Double, direction: Double, to m: inout GroupMeasures) {
    m.addEffect(intake: intake, latest: latest, direction: direction)
    if let change = clinical.reliableChange.category {
      m.classified += 1
      switch change {
      case .improved: m.reliablyImproved += 1
      case .unchanged: m.reliablyUnchanged += 1
      case .deteriorated: m.reliablyDeteriorated += 1
      }
    }
    if clinical.clinicalAtIntake == true { m.clinicalAtIntake += 1 }
    switch clinical.category {
    case .recovered: m.recovered += 1
    case .improved: m.improved += 1
    case .unchanged: m.unchanged += 1
    case .deteriorated: m.deteriorated += 1
    case .harmed: m.harmed += 1
    case nil: break
    }
  }
}
