/// Adds the episodes of some groups of one level to their cells: one job of `Aggregator`.
struct AggregatePass: Sendable {
  /// Groups `groups` of level `level` (0 practice, 1 clinician, 2 site).
  struct Job: Sendable {
    var level: Int
    var groups: Range<Int>
  }

  let facts: AggregateFacts
  /// Per slot: +1 when higher scores are better, -1 when lower are (slot 0 unused).
  let directions: [Double]
  /// Each window's first and last day (12 months, then the trailing year).
  let from: [Int32]
  let to: [Int32]
  /// Where each level's cells begin.
  let levelBase: [Int]
  /// Per level, its episodes group by group.
  let orders: [GroupOrder]

  var slots: Int { facts.slots }

  /// The episodes a job adds up: a measure of its work.
  func episodeCount(_ job: Job) -> Int {
    orders[job.level].start[job.groups.upperBound] - orders[job.level].start[job.groups.lowerBound]
  }
  var groupStride: Int { AggregateTable.windowCount * slots }

  /// Zeroes the job's cells, then adds each group's episodes to them.
  func run(_ job: Job, into cells: UnsafeMutableBufferPointer<GroupMeasures>) {
    let firstCell = levelBase[job.level] + job.groups.lowerBound * groupStride
    (cells.baseAddress! + firstCell).initialize(repeating: GroupMeasures(), count: job.groups.count * groupStride)
    var merged = [UInt16](repeating: 0, count: slots)
    for group in job.groups {
      let base = levelBase[job.level] + group * groupStride
      let episodes = orders[job.level].episodes(of: group)
      var k = episodes.startIndex
      while k < episodes.endIndex {
        // One client's episodes in this group (adjacent: the input order is by client); the client
        // is seen in each month any of them has a score.
        let client = facts.episodes[Int(episodes[k])].client
        for slot in 0..<slots { merged[slot] = 0 }
        while k < episodes.endIndex && facts.episodes[Int(episodes[k])].client == client {
          let e = Int(episodes[k])
          for slot in 0..<slots { merged[slot] |= facts.masks[e * slots + slot] }
          add(facts.episodes[e], at: base, into: cells)
          k += 1
        }
        for slot in 0..<slots where merged[slot] != 0 {
          for w in 0..<12 where merged[slot] & (1 << UInt16(w)) != 0 {
            cells[base + w * slots + slot].clientsSeen += 1
          }
          cells[base + AggregateTable.trailingYear * slots + slot].clientsSeen += 1
        }
      }
    }
  }

  /// Adds one episode's counts, outcomes and flags to the cells of its group at `base`.
  func add(_ episode: AggregateFacts.Episode, at base: Int, into cells: UnsafeMutableBufferPointer<GroupMeasures>) {
    guard episode.dated else { return }
    let series = Int(episode.firstSeries)..<Int(episode.endSeries)
    for w in 0..<AggregateTable.windowCount where episode.start <= to[w] && episode.endDay >= from[w] {
      let started = episode.start >= from[w] && episode.start <= to[w]
      let ended = episode.ended && episode.endDay >= from[w] && episode.endDay <= to[w]
      let cell = base + w * slots
      count(&cells[cell], started: started, ended: ended, finished: episode.finished, sessions: Int(episode.longest))
      addFlags(episode.flags, to: &cells[cell])
      for s in series where facts.series[s].slot > 0 {
        let o = facts.series[s]
        let c = cell + Int(o.slot)
        count(&cells[c], started: started, ended: ended, finished: o.scores >= 2, sessions: Int(o.scores))
        addFlags(o.flags, to: &cells[c])
        if ended && o.classified { addOutcome(o, to: &cells[c]) }
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

  func addFlags(_ flags: AggregateFacts.Flags, to m: inout GroupMeasures) {
    if flags.contains(.stalled) { m.stalled += 1 }
    if flags.contains(.offTrack) { m.offTrack += 1 }
    if flags.contains(.deteriorating) { m.deteriorating += 1 }
    if flags.contains(.lowAlliance) { m.lowAlliance += 1 }
    if flags.contains(.unrepaired) { m.unrepairedRuptures += 1 }
  }

  /// A finished series' change, category and effect-size terms.
  func addOutcome(_ o: AggregateFacts.Series, to m: inout GroupMeasures) {
    m.addEffect(intake: o.intake, latest: o.latest, direction: directions[Int(o.slot)])
    switch o.change {
    case 0: m.reliablyImproved += 1
    case 1: m.reliablyUnchanged += 1
    case 2: m.reliablyDeteriorated += 1
    default: break
    }
    if o.change >= 0 { m.classified += 1 }
    if o.clinicalAtIntake { m.clinicalAtIntake += 1 }
    switch o.category {
    case 0: m.recovered += 1
    case 1: m.improved += 1
    case 2: m.unchanged += 1
    case 3: m.deteriorated += 1
    case 4: m.harmed += 1
    default: break
    }
  }
}
