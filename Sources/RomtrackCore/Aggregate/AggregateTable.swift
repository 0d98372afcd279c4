/// Stage 5 of the pipeline: the practice, clinician and site figures of METHODS.md section 9 for each
/// of the 12 months ending with the report month and for those 12 months together.
///
/// `measures(level:group:window:slot:)` reads one cell: window 0...11 are the months, oldest first,
/// and 12 is the trailing year; slot 0 is all instruments together and slot `k` is `instruments[k-1]`.
public struct AggregateTable: Sendable {
  public enum Level: String, Sendable, CaseIterable {
    case practice
    case clinician
    case site

    /// The position in `allCases`, without building that array: `measures` is read for every cell
    /// of trends.csv.
    var position: Int {
      switch self {
      case .practice: 0
      case .clinician: 1
      case .site: 2
      }
    }
  }

  /// The report month and the 12 months ending with it, oldest first.
  public let month: YearMonth
  public let months: [YearMonth]
  /// The 12 month windows and then the trailing year.
  public let windows: [AggregateWindow]
  /// Registry indices of the outcome instruments with a series in the data, in registry order.
  public let instruments: [Int]
  /// Number of groups per level: 1 for the practice, then one per clinician and site name.
  public let groupCounts: [Level: Int]
  /// Every cell of every level: the practice's, then the clinicians', then the sites' (`cellCount` of
  /// them, filled by `Aggregator`).
  var cells: [GroupMeasures] = []
  let cellCount: Int
  /// Where each level's cells begin in `cells`, in `Level.allCases` order.
  let levelBase: [Int]
  /// The trailing year's case-mix sums, per group (the practice, the clinicians, the sites, in one
  /// numbering from `groupBase`) and slot; filled by `addTrailingYear`.
  var caseMix: [CaseMixSums] = []
  let groupBase: [Int]
  /// Per slot (0 unused): the practice's severity line over the trailing year, `nil` when it has none.
  public internal(set) var severityLines: [SeverityAdjustment?] = []
  /// Drop-out by alliance exposure over the episodes ended in the trailing year (`DropOutExposure`).
  public internal(set) var dropOutByAlliance: [DropOutExposure] = []

  public static let windowCount = 13
  /// The fewest finished courses a group's outcome rates are compared on: below it the pages say
  /// "too few to compare" (a rate on 3 courses moves 33 points with one client).
  public static let fewestToCompare = 10
  public static let trailingYear = 12
  public var slotCount: Int { instruments.count + 1 }

  init(month: YearMonth, instruments: [Int], groupCounts: [Level: Int]) {
    self.month = month
    months = (0..<12).map { month.adding(months: $0 - 11) }
    windows = months.map(AggregateWindow.month) + [AggregateWindow.trailingYear(endingWith: month)]
    self.instruments = instruments
    self.groupCounts = groupCounts
    let perGroup = AggregateTable.windowCount * (instruments.count + 1)
    var bases: [Int] = []
    var total = 0
    for level in Level.allCases {
      bases.append(total)
      total += groupCounts[level, default: 1] * perGroup
    }
    levelBase = bases
    cellCount = total
    var groups: [Int] = []
    var groupTotal = 0
    for level in Level.allCases {
      groups.append(groupTotal)
      groupTotal += groupCounts[level, default: 1]
    }
    groupBase = groups
  }

  /// A group's severity-adjusted effect size over the trailing year on the instrument of `slot`
  /// (`SeverityAdjustment`); `nil` without the practice's line or finished series.
  public func severityAdjusted(level: Level, group: Int, slot: Int) -> SeverityAdjustedEffect? {
    guard slot > 0, slot < severityLines.count, let line = severityLines[slot] else { return nil }
    return line.effect(of: caseMix[(groupBase[level.position] + group) * slotCount + slot])
  }

  /// The index in `cells` of one group's window and slot.
  func offset(level: Int, group: Int, window: Int, slot: Int) -> Int {
    levelBase[level] + (group * AggregateTable.windowCount + window) * slotCount + slot
  }

  public func measures(level: Level, group: Int, window: Int, slot: Int) -> GroupMeasures {
    cells[offset(level: level.position, group: group, window: window, slot: slot)]
  }

  /// The outcome instrument with the most finished series over the trailing year in the practice
  /// (ties: registry order): the one the headline rates are given for.
  public var primarySlot: Int? {
    guard !instruments.isEmpty else { return nil }
    var best = 1
    for slot in 1...instruments.count
    where measures(level: .practice, group: 0, window: Self.trailingYear, slot: slot).classified
      > measures(level: .practice, group: 0, window: Self.trailingYear, slot: best).classified
    {
      best = slot
    }
    return best
  }
}
