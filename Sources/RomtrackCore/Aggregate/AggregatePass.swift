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
  ///
  /// The practice's episodes are read where they are, in order. A clinician's or a site's lie
  /// scattered through the facts, and reading them there was a cache miss per episode on the path
  /// of every sum (most of the stage's time at 1M clients); so each group's facts are first copied
  /// together (`GroupFacts`), in a loop whose loads do not wait for one another.
  func run(_ job: Job, into cells: UnsafeMutableBufferPointer<GroupMeasures>) {
    let firstCell = levelBase[job.level] + job.groups.lowerBound * groupStride
    (cells.baseAddress! + firstCell).initialize(repeating: GroupMeasures(), count: job.groups.count * groupStride)
    var merged = [UInt16](repeating: 0, count: slots)
    var gathered = GroupFacts()
    for group in job.groups {
      let base = levelBase[job.level] + group * groupStride
      if job.level == 0 {
        add(facts.episodes, masks: facts.masks, series: facts.series, at: base, into: cells, merged: &merged)
      } else {
        gathered.gather(orders[job.level].episodes(of: group), of: facts)
        add(gathered.episodes, masks: gathered.masks, series: gathered.series, at: base, into: cells, merged: &merged)
      }
    }
  }

  /// Adds one group's episodes (in input order, with their month masks and series) to its cells at
  /// `base`.
  private func add(
    _ episodes: [AggregateFacts.Episode], masks: [UInt16], series: [AggregateFacts.Series], at base: Int,
    into cells: UnsafeMutableBufferPointer<GroupMeasures>, merged: inout [UInt16]
  ) {
    episodes.withUnsafeBufferPointer { episodes in
      masks.withUnsafeBufferPointer { masks in
        series.withUnsafeBufferPointer { series in
          add(episodes, masks: masks, series: series, at: base, into: cells, merged: &merged)
        }
      }
    }
  }

  private func add(
    _ episodes: UnsafeBufferPointer<AggregateFacts.Episode>, masks: UnsafeBufferPointer<UInt16>,
    series: UnsafeBufferPointer<AggregateFacts.Series>, at base: Int, into cells: UnsafeMutableBufferPointer<GroupMeasures>,
    merged: inout [UInt16]
  ) {
    var k = 0
    while k < episodes.count {
      // One client's episodes in this group (adjacent: the input order is by client); the client
      // is seen in each month any of them has a score.
      let client = episodes[k].client
      for slot in 0..<slots { merged[slot] = 0 }
      while k < episodes.count && episodes[k].client == client {
        for slot in 0..<slots { merged[slot] |= masks[k * slots + slot] }
        add(episodes[k], series: series, at: base, into: cells)
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

  /// Adds one episode's counts, outcomes and flags to the cells of its group at `base`; its series
  /// are `series[episode.firstSeries..<episode.endSeries]`.
  func add(
    _ episode: AggregateFacts.Episode, series: UnsafeBufferPointer<AggregateFacts.Series>, at base: Int,
    into cells: UnsafeMutableBufferPointer<GroupMeasures>
  ) {
    guard episode.dated else { return }
    let ofEpisode = Int(episode.firstSeries)..<Int(episode.endSeries)
    for w in 0..<AggregateTable.windowCount where episode.start <= to[w] && episode.endDay >= from[w] {
      let started = episode.start >= from[w] && episode.start <= to[w]
      let ended = episode.ended && episode.endDay >= from[w] && episode.endDay <= to[w]
      let cell = base + w * slots
      count(&cells[cell], started: started, ended: ended, finished: episode.finished, sessions: Int(episode.longest))
      addFlags(episode.flags, to: &cells[cell])
      let droppedOut = ended && DropOutRule.droppedOut(discharged: episode.discharged, sessions: Int(episode.longest))
      if droppedOut { cells[cell].droppedOut += 1 }
      if ended { addTalking(episode.pair, to: &cells[cell]) }
      for s in ofEpisode where series[s].slot > 0 {
        let o = series[s]
        let c = cell + Int(o.slot)
        count(&cells[c], started: started, ended: ended, finished: o.scores >= 2, sessions: Int(o.scores))
        addFlags(o.flags, to: &cells[c])
        if droppedOut { cells[c].droppedOut += 1 }
        if ended && o.classified {
          addOutcome(o, to: &cells[c])
          addTalking(o.talking, to: &cells[c])
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

  func addFlags(_ flags: AggregateFacts.Flags, to m: inout GroupMeasures) {
    if flags.contains(.stalled) { m.stalled += 1 }
    if flags.contains(.offTrack) { m.offTrack += 1 }
    if flags.contains(.deteriorating) { m.deteriorating += 1 }
    if flags.contains(.lowAlliance) { m.lowAlliance += 1 }
    if flags.contains(.unrepaired) { m.unrepairedRuptures += 1 }
  }

  /// A finished course's NHS Talking Therapies flags (a series', or the pair's in slot 0); none when
  /// it has none.
  func addTalking(_ t: AggregateFacts.TalkingBits, to m: inout GroupMeasures) {
    guard t.contains(.flagged) else { return }
    m.talkingFinished += 1
    if t.contains(.casenessAtIntake) { m.talkingCaseness += 1 }
    if t.contains(.recovery) { m.talkingRecovered += 1 }
    if t.contains(.reliableImprovement) { m.talkingReliablyImproved += 1 }
    if t.contains(.reliableDeterioration) { m.talkingReliablyDeteriorated += 1 }
    if t.contains(.reliableRecovery) { m.talkingReliablyRecovered += 1 }
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

/// One group's episode facts copied together, with their masks and series, the episodes' series
/// ranges pointing into the copy. The buffers are reused from group to group.
struct GroupFacts {
  var episodes: [AggregateFacts.Episode] = []
  var masks: [UInt16] = []
  var series: [AggregateFacts.Series] = []

  mutating func gather(_ ids: ArraySlice<Int32>, of facts: AggregateFacts) {
    episodes.removeAll(keepingCapacity: true)
    masks.removeAll(keepingCapacity: true)
    series.removeAll(keepingCapacity: true)
    // Element by element: an episode has a few masks and series, too few for a bulk copy's call.
    for e in ids { episodes.append(facts.episodes[Int(e)]) }
    let slots = facts.slots
    for e in ids {
      for m in (Int(e) * slots)..<(Int(e) * slots + slots) { masks.append(facts.masks[m]) }
    }
    for k in episodes.indices {
      let first = Int32(series.count)
      for s in Int(episodes[k].firstSeries)..<Int(episodes[k].endSeries) { series.append(facts.series[s]) }
      episodes[k].firstSeries = first
      episodes[k].endSeries = Int32(series.count)
    }
  }
}
