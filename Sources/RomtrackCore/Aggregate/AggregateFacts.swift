import Dispatch

/// What the aggregation needs of each episode and series, gathered once in episode order on all
/// cores, so that the aggregation can then visit the episodes group by group (a clinician's, a site's)
/// and read a few compact bytes per episode instead of the whole analysis result.
struct AggregateFacts: Sendable {
  /// One episode: its client, groups and days, and its flags over its outcome series.
  struct Episode: Sendable {
    var client: UInt32
    var clinician: UInt32
    var site: UInt32
    /// Its series: `series` of `SeriesTable`.
    var firstSeries: Int32
    var endSeries: Int32
    /// First score day, and the end day (`Int32.max` while active): the discharge date, or the last
    /// score of an episode ended for inactivity.
    var start: Int32
    var endDay: Int32
    var ended: Bool
    /// Ended on a discharge date (a planned ending), not for inactivity.
    var discharged: Bool
    /// Dated episodes only are counted (an undated input has no months).
    var dated: Bool
    /// Some outcome series has two or more scores.
    var finished: Bool
    var flags: Flags
    /// The most scores of any of its series.
    var longest: Int32
    /// NHS Talking Therapies flags of the configured pair (`TalkingBits`), empty without paired flags.
    var pair: TalkingBits
  }

  /// One series: the slot of its outcome instrument (0: not counted per instrument) and its figures.
  struct Series: Sendable {
    var slot: UInt8
    var flags: Flags
    /// Reliable change category: -1 none, else `ReliableChange.allCases` order; outcome category
    /// likewise in `OutcomeCategory.allCases` order.
    var change: Int8
    var category: Int8
    var clinicalAtIntake: Bool
    /// Two or more scores and a clinical-significance result: the series adds to the outcome rates
    /// of the window it ended in.
    var classified: Bool
    var scores: Int32
    var intake: Double
    var latest: Double
    /// NHS Talking Therapies flags of this measure alone.
    var talking: TalkingBits
  }

  /// NHS Talking Therapies flags (`TalkingTherapiesFlags`), one bit each; `flagged` when they exist.
  struct TalkingBits: OptionSet, Sendable {
    let rawValue: UInt8
    static let flagged = TalkingBits(rawValue: 1)
    static let casenessAtIntake = TalkingBits(rawValue: 2)
    static let recovery = TalkingBits(rawValue: 4)
    static let reliableImprovement = TalkingBits(rawValue: 8)
    static let reliableDeterioration = TalkingBits(rawValue: 16)
    static let reliableRecovery = TalkingBits(rawValue: 32)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ flags: TalkingTherapiesFlags?) {
      guard let flags else {
        self = []
        return
      }
      self = [.flagged]
      if flags.casenessAtIntake { insert(.casenessAtIntake) }
      if flags.recovery { insert(.recovery) }
      if flags.reliableImprovement { insert(.reliableImprovement) }
      if flags.reliableDeterioration { insert(.reliableDeterioration) }
      if flags.reliableRecovery { insert(.reliableRecovery) }
    }
  }

  /// The flags of METHODS.md section 9, one bit each.
  struct Flags: OptionSet, Sendable {
    let rawValue: UInt8
    static let stalled = Flags(rawValue: 1)
    static let offTrack = Flags(rawValue: 2)
    static let deteriorating = Flags(rawValue: 4)
    static let lowAlliance = Flags(rawValue: 8)
    static let unrepaired = Flags(rawValue: 16)
    /// Some alliance rupture, repaired or not; an alliance measure with a score in the episode.
    static let rupture = Flags(rawValue: 32)
    static let allianceMeasured = Flags(rawValue: 64)
    /// The flags an episode takes from any of its series.
    static let ofAlliance: Flags = [.lowAlliance, .unrepaired, .rupture, .allianceMeasured]
  }

  let episodes: [Episode]
  let series: [Series]
  /// Per episode, `slots` month masks (bit m: a score in month m of the 12): slot 0 any instrument,
  /// slot k the k-th outcome instrument.
  let masks: [UInt16]
  let slots: Int

  /// - Parameters:
  ///   - slotOf: per registry instrument, its slot (0 or less: not an outcome instrument present).
  ///   - monthStarts: the first day of each of the 12 months, then the day after the last.
  init(table: SeriesTable, analysis: Analysis, slotOf: [Int], slots: Int, monthStarts: [Int32]) {
    self.slots = slots
    let bitOfDay = (0..<12).flatMap { m in
      repeatElement(UInt16(1) << UInt16(m), count: Int(monthStarts[m + 1] - monthStarts[m]))
    }
    let firstDay = Int(monthStarts[0])
    let episodeCount = table.episodes.count
    let parts = max(1, min(64, episodeCount / 20_000))
    var series = [Series].filledInParallel(Series.none, count: table.series.count)
    var masks = [UInt16].filledInParallel(0, count: episodeCount * slots)
    let episodes = [Episode](unsafeUninitializedCapacity: episodeCount) { episodeBuffer, initialized in
      let episodeSlots = Shared(episodeBuffer)
      series.withUnsafeMutableBufferPointer { seriesBuffer in
        masks.withUnsafeMutableBufferPointer { maskBuffer in
          let (seriesSlots, maskSlots) = (Shared(seriesBuffer), Shared(maskBuffer))
          analysis.series.withUnsafeBufferPointer { resultBuffer in
            let results = Shared(UnsafeMutableBufferPointer(mutating: resultBuffer))
            DispatchQueue.concurrentPerform(iterations: parts) { part in
              for e in Range(share: part, of: parts, in: episodeCount) {
                let episode = table.episodes[e]
                var facts = Episode(episode)
                for s in episode.series {
                  let result = results.buffer.baseAddress! + s
                  let slot = slotOf[Int(table.series[s].instrument)]
                  let flags = Flags(result.pointee)
                  facts.longest = max(facts.longest, Int32(result.pointee.scoreCount))
                  facts.flags.formUnion(flags.intersection(.ofAlliance))
                  var mask: UInt16 = 0
                  for i in table.series[s].scores {
                    let offset = Int(table.date[i]) - firstDay
                    if offset >= 0 && offset < bitOfDay.count { mask |= bitOfDay[offset] }
                  }
                  maskSlots.buffer[e * slots] |= mask
                  guard slot > 0 else { continue }
                  maskSlots.buffer[e * slots + slot] |= mask
                  seriesSlots.buffer[s] = Series(slot: slot, flags: flags, result: result.pointee)
                  if facts.pair.isEmpty { facts.pair = TalkingBits(result.pointee.pairFlags) }
                  facts.finished = facts.finished || result.pointee.scoreCount >= 2
                  facts.flags.formUnion(flags.intersection([.stalled, .offTrack, .deteriorating]))
                }
                (episodeSlots.buffer.baseAddress! + e).initialize(to: facts)
              }
            }
          }
        }
      }
      initialized = episodeCount
    }
    (self.episodes, self.series, self.masks) = (episodes, series, masks)
  }
}

extension AggregateFacts.Episode {
  /// The episode's own fields; the flags and counts over its series start empty.
  init(_ episode: RomtrackCore.Episode) {
    let ended = episode.status == .ended
    let endDay: Int32 =
      !ended ? Int32.max
      : (episode.ending == .discharged && episode.endDate != ScoreRows.noDate
        ? max(episode.endDate, episode.firstDate) : episode.lastDate)
    self.init(
      client: episode.client, clinician: episode.clinician, site: episode.site,
      firstSeries: Int32(episode.series.lowerBound), endSeries: Int32(episode.series.upperBound),
      start: episode.firstDate, endDay: endDay, ended: ended, discharged: ended && episode.ending == .discharged,
      dated: episode.firstDate != ScoreRows.noDate, finished: false, flags: [], longest: 0, pair: [])
  }
}

extension AggregateFacts.Series {
  /// A series not counted per instrument.
  static let none = Self(
    slot: 0, flags: [], change: -1, category: -1, clinicalAtIntake: false, classified: false, scores: 0, intake: .nan,
    latest: .nan, talking: [])

  /// An outcome series in `slot`, from its analysis and its flags.
  init(slot: Int, flags: AggregateFacts.Flags, result r: borrowing SeriesResult) {
    let clinical = r.scoreCount >= 2 ? r.clinical : nil
    self.init(
      slot: UInt8(slot), flags: flags,
      change: Int8(clinical?.reliableChange.category.map { ReliableChange.allCases.firstIndex(of: $0)! } ?? -1),
      category: Int8(clinical?.category.map { OutcomeCategory.allCases.firstIndex(of: $0)! } ?? -1),
      clinicalAtIntake: clinical?.clinicalAtIntake == true, classified: clinical != nil, scores: Int32(r.scoreCount),
      intake: r.intake, latest: r.latest, talking: AggregateFacts.TalkingBits(clinical != nil ? r.talkingTherapies : nil))
  }
}

extension AggregateFacts.Flags {
  /// The flags of one series' analysis. An episode takes stalled, off track and deteriorating from
  /// its outcome series, low alliance and unrepaired ruptures from any of its series.
  init(_ r: borrowing SeriesResult) {
    self = []
    if r.stall?.stalled == true { insert(.stalled) }
    let signal = r.signal
    if signal == .yellow || signal == .red { insert(.offTrack) }
    if r.reasons.contains(.deteriorating) { insert(.deteriorating) }
    if r.lowAlliance == true { insert(.lowAlliance) }
    if r.ruptures > r.rupturesRepaired { insert(.unrepaired) }
    if r.ruptures > 0 { insert(.rupture) }
    if r.allianceMean != nil { insert(.allianceMeasured) }
  }
}
