import RomtrackCore

/// Which counts of a research export are written `<N`: every count below the threshold (primary
/// suppression), and as many more as it takes so that no suppressed count can be worked out from
/// the published ones by an identity that holds between them (secondary, or complementary,
/// suppression; Hundepool et al. 2012, Statistical Disclosure Control, section 4.2).
///
/// The identities the export's cells obey (aggregates.csv and trends.csv together, each row of
/// `AggregateFiles.Rows` in each of its 13 windows):
/// - **Within a row**: `classified = rc_improved + rc_unchanged + rc_deteriorated`;
///   `classified = recovered + improved + unchanged + deteriorated + harmed`; `effect_size_n =
///   classified` (the last two hold for nearly every row, and are treated as exact).
/// - **Across groups**, for every window, instrument and count: the practice = the sum of the
///   clinicians = the sum of the sites (with no practice rows: the clinicians' sum = the sites'). A
///   client seen by two clinicians counts once in the practice, so `clients_seen` only nearly adds
///   up; it is protected as if it did.
/// - **Across windows**, for every row and count of events dated once (`episodes_started`,
///   `episodes_ended`, `episodes_finished` and the 11 outcome counts): the trailing year = the sum of
///   its 12 months.
///
/// The rule: **no identity has exactly one suppressed count.** After primary suppression, while some
/// identity has exactly one, the smallest published count of that identity (the first in row and
/// column order among equals) is suppressed too; an identity's count of suppressed cells only grows,
/// so the work is one scan of each identity at most, linear in the number of cells. Rates, intervals,
/// means and effect sizes are written `<N` with any count they are built on (numerator, denominator,
/// or the episodes they average over): a Wilson interval with its rate gives away both counts.
///
/// What the rule does not promise: that no suppressed count can be bounded (a count below 5 is at
/// least 0), or pinned by combining several identities at once in a pattern the rule leaves open
/// (a suppressed cell joining two otherwise separate patterns); nor does it look at files outside the
/// export's aggregates (the practice's own report, the client-level rows).
public struct SuppressionPattern: Sendable {
  /// The counts of `GroupMeasures` that the export writes, in column order: bit `m` of a mask.
  public enum Count: Int, CaseIterable, Sendable {
    case clientsSeen, episodesActive, episodesStarted, episodesEnded, episodesFinished
    case classified, reliablyImproved, reliablyUnchanged, reliablyDeteriorated, clinicalAtIntake
    case recovered, improved, unchanged, deteriorated, harmed, effectCount
    case stalled, offTrack, deteriorating, lowAlliance, unrepairedRuptures
    /// Drop-out, and the NHS Talking Therapies counts (the measure alone on an instrument's rows, the
    /// configured pair on the rows of all instruments): each counted once, in the month its episode
    /// ended, so they add up across groups and over the months like the other counts of endings.
    case droppedOut, talkingFinished, talkingCaseness, talkingRecovered, talkingReliablyImproved
    case talkingReliablyDeteriorated, talkingReliablyRecovered

    /// The count's value in `m`.
    public func value(_ m: GroupMeasures) -> Int32 {
      switch self {
      case .clientsSeen: m.clientsSeen
      case .episodesActive: m.episodesActive
      case .episodesStarted: m.episodesStarted
      case .episodesEnded: m.episodesEnded
      case .episodesFinished: m.episodesFinished
      case .classified: m.classified
      case .reliablyImproved: m.reliablyImproved
      case .reliablyUnchanged: m.reliablyUnchanged
      case .reliablyDeteriorated: m.reliablyDeteriorated
      case .clinicalAtIntake: m.clinicalAtIntake
      case .recovered: m.recovered
      case .improved: m.improved
      case .unchanged: m.unchanged
      case .deteriorated: m.deteriorated
      case .harmed: m.harmed
      case .effectCount: m.effectCount
      case .stalled: m.stalled
      case .offTrack: m.offTrack
      case .deteriorating: m.deteriorating
      case .lowAlliance: m.lowAlliance
      case .unrepairedRuptures: m.unrepairedRuptures
      case .droppedOut: m.droppedOut
      case .talkingFinished: m.talkingFinished
      case .talkingCaseness: m.talkingCaseness
      case .talkingRecovered: m.talkingRecovered
      case .talkingReliablyImproved: m.talkingReliablyImproved
      case .talkingReliablyDeteriorated: m.talkingReliablyDeteriorated
      case .talkingReliablyRecovered: m.talkingReliablyRecovered
      }
    }

    /// Written only for one instrument's rows (empty for all instruments together).
    var isOutcome: Bool { (Count.classified.rawValue...Count.effectCount.rawValue).contains(rawValue) }
    /// Counted once, in the window of its date: the trailing year is the sum of the months.
    var addsUpOverMonths: Bool {
      isOutcome || self == .episodesStarted || self == .episodesEnded || self == .episodesFinished
        || rawValue >= Count.droppedOut.rawValue
    }
    /// The within-row identities the count is in (0, 1, 2 as in `rowIdentities`).
    var rowIdentities: [Int] {
      switch self {
      case .classified: [0, 1, 2]
      case .reliablyImproved, .reliablyUnchanged, .reliablyDeteriorated: [0]
      case .recovered, .improved, .unchanged, .deteriorated, .harmed: [1]
      case .effectCount: [2]
      default: []
      }
    }

    /// The members of each within-row identity.
    static let rowIdentities: [[Count]] = [
      [.classified, .reliablyImproved, .reliablyUnchanged, .reliablyDeteriorated],
      [.classified, .recovered, .improved, .unchanged, .deteriorated, .harmed],
      [.classified, .effectCount],
    ]
  }

  static let counts = Count.allCases.count
  static let windows = AggregateTable.windowCount

  public let threshold: Int
  /// Per row and window (`row * 13 + window`), bit `m` set when count `m` is written `<threshold`.
  let hidden: [UInt32]

  /// The mask of row `row` (of `AggregateFiles.Rows.list`) in `window`.
  public func mask(row: Int, window: Int) -> UInt32 { hidden[row * Self.windows + window] }

  /// Whether count `count` of row `row` in `window` is written `<threshold`.
  public func isHidden(row: Int, window: Int, _ count: Count) -> Bool {
    mask(row: row, window: window) & (1 << UInt32(count.rawValue)) != 0
  }

  /// The pattern of the rows `rows` of `table`: primary suppression below `threshold`, then
  /// secondary suppression until no identity has exactly one suppressed count.
  public init(_ table: AggregateTable, rows: AggregateFiles.Rows, threshold: Int) {
    self.threshold = threshold
    var solver = Solver(table: table, rows: rows)
    solver.suppress(below: threshold)
    hidden = solver.hidden
  }

  /// The work of `init`: the cells, the identities and their counts of suppressed cells.
  struct Solver {
    let table: AggregateTable
    let list: [AggregateFiles.Rows.Row]
    let slots: Int
    var hidden: [UInt32]
    /// Row indices by level position (0 practice, 1 clinician, 2 site) and slot.
    var rowsBy: [[[Int]]]
    /// Suppressed cells per identity, saturating at 2: across groups by (partition, window, slot,
    /// count), across windows by (row, count), within rows by (row, window, identity).
    var groupCounts: [UInt8]
    var timeCounts: [UInt8]
    var rowCounts: [UInt8]
    /// The across-group partitions: the practice with the clinicians (0), the practice with the
    /// sites (1); without practice rows, one identity of clinicians and sites (0).
    let partitions: [[Int]]
    var queue: [Identity] = []

    enum Identity {
      case group(partition: Int, window: Int, slot: Int, count: Int)
      case time(row: Int, count: Int)
      case row(row: Int, window: Int, identity: Int)
    }

    init(table: AggregateTable, rows: AggregateFiles.Rows) {
      self.table = table
      list = rows.list
      slots = table.slotCount
      hidden = [UInt32](repeating: 0, count: list.count * SuppressionPattern.windows)
      var rowsBy = [[[Int]]](repeating: [[Int]](repeating: [], count: table.slotCount), count: 3)
      for (k, row) in rows.list.enumerated() { rowsBy[Self.position(row.level)][row.slot].append(k) }
      self.rowsBy = rowsBy
      let present = (0..<3).map { level in rowsBy[level].contains { !$0.isEmpty } }
      if present[0] {
        partitions = [[0, 1], [0, 2]].filter { present[$0[1]] }
      } else {
        partitions = present[1] && present[2] ? [[1, 2]] : []
      }
      let counts = SuppressionPattern.counts, windows = SuppressionPattern.windows
      groupCounts = [UInt8](repeating: 0, count: max(1, partitions.count) * windows * table.slotCount * counts)
      timeCounts = [UInt8](repeating: 0, count: list.count * counts)
      rowCounts = [UInt8](repeating: 0, count: list.count * windows * 3)
    }

    static func position(_ level: AggregateTable.Level) -> Int {
      switch level {
      case .practice: 0
      case .clinician: 1
      case .site: 2
      }
    }

    func isPublished(_ k: Int, _ count: Count) -> Bool { list[k].slot > 0 || !count.isOutcome }

    func value(_ k: Int, _ window: Int, _ count: Count) -> Int32 {
      count.value(table.measures(level: list[k].level, group: list[k].group, window: window, slot: list[k].slot))
    }

    func isHidden(_ k: Int, _ window: Int, _ count: Count) -> Bool {
      hidden[k * SuppressionPattern.windows + window] & (1 << UInt32(count.rawValue)) != 0
    }

    // MARK: Identities

    func groupIndex(_ partition: Int, _ window: Int, _ slot: Int, _ count: Int) -> Int {
      ((partition * SuppressionPattern.windows + window) * slots + slot) * SuppressionPattern.counts + count
    }

    /// The identities cell (row `k`, `window`, `count`) is in.
    func identities(_ k: Int, _ window: Int, _ count: Count) -> [Identity] {
      var result: [Identity] = []
      let level = Self.position(list[k].level)
      for (p, members) in partitions.enumerated() where members.contains(level) {
        result.append(.group(partition: p, window: window, slot: list[k].slot, count: count.rawValue))
      }
      if count.addsUpOverMonths { result.append(.time(row: k, count: count.rawValue)) }
      if list[k].slot > 0 {
        for r in count.rowIdentities { result.append(.row(row: k, window: window, identity: r)) }
      }
      return result
    }

    /// The cells of an identity, as (row, window, count).
    func members(_ identity: Identity) -> [(Int, Int, Count)] {
      switch identity {
      case .group(let p, let window, let slot, let count):
        return partitions[p].flatMap { rowsBy[$0][slot] }.map { ($0, window, Count(rawValue: count)!) }
      case .time(let k, let count):
        return (0..<SuppressionPattern.windows).map { (k, $0, Count(rawValue: count)!) }
      case .row(let k, let window, let r):
        return Count.rowIdentities[r].map { (k, window, $0) }
      }
    }

    func suppressedCount(_ identity: Identity) -> UInt8 {
      switch identity {
      case .group(let p, let w, let s, let c): groupCounts[groupIndex(p, w, s, c)]
      case .time(let k, let c): timeCounts[k * SuppressionPattern.counts + c]
      case .row(let k, let w, let r): rowCounts[(k * SuppressionPattern.windows + w) * 3 + r]
      }
    }

    /// One more suppressed cell in `identity` (saturating at 2); queued when it now has exactly one.
    mutating func addSuppressed(_ identity: Identity) {
      func bump(_ n: inout UInt8) -> Bool {
        guard n < 2 else { return false }
        n += 1
        return n == 1
      }
      let single: Bool
      switch identity {
      case .group(let p, let w, let s, let c): single = bump(&groupCounts[groupIndex(p, w, s, c)])
      case .time(let k, let c): single = bump(&timeCounts[k * SuppressionPattern.counts + c])
      case .row(let k, let w, let r): single = bump(&rowCounts[(k * SuppressionPattern.windows + w) * 3 + r])
      }
      if single { queue.append(identity) }
    }

    mutating func hide(_ k: Int, _ window: Int, _ count: Count) {
      hidden[k * SuppressionPattern.windows + window] |= 1 << UInt32(count.rawValue)
      for identity in identities(k, window, count) { addSuppressed(identity) }
    }

    // MARK: The rule

    mutating func suppress(below threshold: Int) {
      for k in list.indices {
        for window in 0..<SuppressionPattern.windows {
          let m = table.measures(level: list[k].level, group: list[k].group, window: window, slot: list[k].slot)
          for count in Count.allCases where isPublished(k, count) && Int(count.value(m)) < threshold {
            hide(k, window, count)
          }
        }
      }
      while let identity = queue.popLast() {
        guard suppressedCount(identity) == 1 else { continue }
        var best: (Int, Int, Count)?
        var bestValue = Int32.max
        for (k, w, c) in members(identity) where !isHidden(k, w, c) {
          let v = value(k, w, c)
          if best == nil || v < bestValue { (best, bestValue) = ((k, w, c), v) }
        }
        if let (k, w, c) = best { hide(k, w, c) }
      }
    }
  }
}
