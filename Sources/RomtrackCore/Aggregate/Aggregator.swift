/// Computes the `AggregateTable` of a report month from the series table and its analysis, in one
/// pass over the episodes (METHODS.md section 9; the rules of who counts where are on
/// `GroupMeasures`).
///
/// Per episode: the months of the window in which it has scores (a 12-bit mask per instrument), its
/// start and end day, and its flags; each is added to the practice, its clinician and its site.
/// Clients seen are counted once per group even with several episodes there.
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
    let slots = result.slotCount
    let windows = result.windows
    let monthStarts = result.months.map { $0.firstDay.days } + [month.lastDay.days + 1]
    let directions = registry.instruments.map { Double($0.direction.rawValue) }

    /// The bit of the month a day falls in, 0 outside the 12 months.
    func monthBit(_ day: Int32) -> UInt16 {
      guard day != ScoreRows.noDate, day >= monthStarts[0], day < monthStarts[12] else { return 0 }
      var m = 0
      while day >= monthStarts[m + 1] { m += 1 }
      return 1 << UInt16(m)
    }

    // Per episode of the current client: its groups and its month masks per slot.
    var masks: [UInt16] = []
    var clientEpisodes: [Int] = []
    var cells = result.cells

    var episodeIndex = 0
    let episodes = table.episodes
    while episodeIndex < episodes.count {
      var clientEnd = episodeIndex + 1
      while clientEnd < episodes.count && episodes[clientEnd].client == episodes[episodeIndex].client { clientEnd += 1 }
      masks.removeAll(keepingCapacity: true)
      masks.append(contentsOf: repeatElement(0, count: (clientEnd - episodeIndex) * slots))
      for (k, e) in (episodeIndex..<clientEnd).enumerated() {
        let episode = episodes[e]
        var episodeMask: UInt16 = 0
        for s in episode.series {
          var seriesMask: UInt16 = 0
          for i in table.series[s].scores { seriesMask |= monthBit(table.date[i]) }
          episodeMask |= seriesMask
          let slot = slotOf[Int(table.series[s].instrument)]
          if slot > 0 { masks[k * slots + slot] |= seriesMask }
        }
        masks[k * slots] = episodeMask
        addEpisode(
          episode, table: table, analysis: analysis, windows: windows, slotOf: slotOf, directions: directions,
          slots: slots, into: &cells)
      }
      // Clients seen: once per group of each level, with the months of all the client's episodes there.
      for level in AggregateTable.Level.allCases {
        func group(_ e: Int) -> Int {
          switch level {
          case .practice: 0
          case .clinician: Int(episodes[e].clinician)
          case .site: Int(episodes[e].site)
          }
        }
        clientEpisodes.removeAll(keepingCapacity: true)
        clientEpisodes.append(contentsOf: 0..<(clientEnd - episodeIndex))
        if clientEpisodes.count > 1 { clientEpisodes.sort { group(episodeIndex + $0) < group(episodeIndex + $1) } }
        var run = 0
        while run < clientEpisodes.count {
          let g = group(episodeIndex + clientEpisodes[run])
          var next = run
          var merged = [UInt16](repeating: 0, count: slots)
          while next < clientEpisodes.count && group(episodeIndex + clientEpisodes[next]) == g {
            for slot in 0..<slots { merged[slot] |= masks[clientEpisodes[next] * slots + slot] }
            next += 1
          }
          for slot in 0..<slots where merged[slot] != 0 {
            let base = g * AggregateTable.windowCount * slots + slot
            for w in 0..<12 where merged[slot] & (1 << UInt16(w)) != 0 { cells[level]![base + w * slots].clientsSeen += 1 }
            cells[level]![base + AggregateTable.trailingYear * slots].clientsSeen += 1
          }
          run = next
        }
      }
      episodeIndex = clientEnd
    }
    result.cells = cells
    return result
  }

  /// Adds one episode's counts, outcomes and flags to its practice, clinician and site cells.
  private func addEpisode(
    _ episode: Episode, table: SeriesTable, analysis: Analysis, windows: [AggregateWindow], slotOf: [Int],
    directions: [Double], slots: Int, into cells: inout [AggregateTable.Level: [GroupMeasures]]
  ) {
    guard episode.firstDate != ScoreRows.noDate else { return }
    let start = episode.firstDate
    let ended = episode.status == .ended
    let endDay: Int32 =
      !ended ? Int32.max
      : (episode.ending == .discharged && episode.endDate != ScoreRows.noDate ? max(episode.endDate, start) : episode.lastDate)
    let results = analysis.series
    var longest = 0
    var finishedAny = false
    var flags = (stalled: false, offTrack: false, deteriorating: false, lowAlliance: false, unrepaired: false)
    for s in episode.series {
      let r = results[s]
      longest = max(longest, r.scoreCount)
      guard slotOf[Int(table.series[s].instrument)] > 0 else {
        flags.lowAlliance = flags.lowAlliance || r.lowAlliance == true
        flags.unrepaired = flags.unrepaired || r.ruptures > r.rupturesRepaired
        continue
      }
      finishedAny = finishedAny || r.scoreCount >= 2
      flags.stalled = flags.stalled || r.stall?.stalled == true
      flags.offTrack = flags.offTrack || r.signal == .yellow || r.signal == .red
      flags.deteriorating = flags.deteriorating || r.reasons.contains(.deteriorating)
      flags.lowAlliance = flags.lowAlliance || r.lowAlliance == true
      flags.unrepaired = flags.unrepaired || r.ruptures > r.rupturesRepaired
    }
    let groups: [(AggregateTable.Level, Int)] = [(.practice, 0), (.clinician, Int(episode.clinician)), (.site, Int(episode.site))]
    for (w, window) in windows.enumerated() {
      guard window.overlaps(start: start, end: endDay) else { continue }
      let startedHere = window.contains(start)
      let endedHere = ended && window.contains(endDay)
      for (level, group) in groups {
        let base = (group * AggregateTable.windowCount + w) * slots
        cells[level]!.withUnsafeMutableBufferPointer { row in
          func count(_ m: inout GroupMeasures, finished: Bool, sessions: Int) {
            m.episodesActive += 1
            if startedHere { m.episodesStarted += 1 }
            if endedHere {
              m.episodesEnded += 1
              m.sessionsOfEnded += sessions
              if finished { m.episodesFinished += 1 }
            }
          }
          count(&row[base], finished: finishedAny, sessions: longest)
          if flags.stalled { row[base].stalled += 1 }
          if flags.offTrack { row[base].offTrack += 1 }
          if flags.deteriorating { row[base].deteriorating += 1 }
          if flags.lowAlliance { row[base].lowAlliance += 1 }
          if flags.unrepaired { row[base].unrepairedRuptures += 1 }
          for s in episode.series {
            let instrument = Int(table.series[s].instrument)
            let slot = slotOf[instrument]
            guard slot > 0 else { continue }
            let r = results[s]
            let finished = r.scoreCount >= 2
            count(&row[base + slot], finished: finished, sessions: r.scoreCount)
            if r.stall?.stalled == true { row[base + slot].stalled += 1 }
            if r.signal == .yellow || r.signal == .red { row[base + slot].offTrack += 1 }
            if r.reasons.contains(.deteriorating) { row[base + slot].deteriorating += 1 }
            if r.lowAlliance == true { row[base + slot].lowAlliance += 1 }
            if r.ruptures > r.rupturesRepaired { row[base + slot].unrepairedRuptures += 1 }
            guard endedHere, finished, let clinical = r.clinical else { continue }
            addOutcome(clinical, intake: r.intake, latest: r.latest, direction: directions[instrument], to: &row[base + slot])
          }
        }
      }
    }
  }

  private func addOutcome(
    _ clinical: ClinicalSignificanceResult, intake: Double, latest: Double, direction: Double, to m: inout GroupMeasures
  ) {
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
