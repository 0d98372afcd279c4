/// The usable rows of all input files, one array per field (structure of arrays).
///
/// Text fields are stored as ids into the string tables of `ScoreRows.Names`. Missing values have
/// sentinels: `session` -1, `date` and `episodeEnd` `ScoreRows.noDate`, `score` NaN. Rows keep file order,
/// files in the order given; `fileRows[k]` is the range of rows read from file k.
public struct ScoreRows: Sendable {
  public static let noDate = Int32.min
  public static let noSession: Int32 = -1

  public var client = Column<UInt32>()
  public var episode = Column<UInt32>()
  /// Index into the registry's instruments.
  public var instrument = Column<UInt16>()
  public var clinician = Column<UInt32>()
  public var site = Column<UInt32>()
  public var session = Column<Int32>()
  /// Days since 1970-01-01 (see `CivilDate`).
  public var date = Column<Int32>()
  public var score = Column<Double>()
  public var episodeEnd = Column<Int32>()
  /// Id of each row's `goal_id` text in `NameTables.goals`; empty (no values at all) when no input
  /// file has a goal column, which is the usual case and costs nothing.
  public var goal = Column<UInt32>()
  /// Physical line (1-based) of each row in its file.
  public var line = Column<UInt32>()
  /// Rows of each input file.
  public var fileRows: [Range<Int>] = []

  public var count: Int { client.count }

  public init() {}

  /// The latest score date, if any row has a date.
  public var latestDate: CivilDate? {
    var latest = ScoreRows.noDate
    for d in date where d > latest { latest = d }
    return latest == ScoreRows.noDate ? nil : CivilDate(days: latest)
  }

  /// The latest score date on or before `limit` (any date when `limit` is nil): the latest date a
  /// report can count, leaving out rows dated in the future.
  public func latestDate(notAfter limit: CivilDate?) -> CivilDate? {
    guard let limit else { return latestDate }
    let bound = limit.days
    var latest = ScoreRows.noDate
    for d in date where d > latest && d <= bound { latest = d }
    return latest == ScoreRows.noDate ? nil : CivilDate(days: latest)
  }

  /// The file a row came from.
  public func fileIndex(ofRow row: Int) -> Int {
    fileRows.firstIndex { $0.contains(row) } ?? 0
  }
}

/// The distinct text values of the input, in order of first appearance; rows refer to them by index.
public struct NameTables: Sendable {
  public var clients: [String] = []
  public var episodes: [String] = []
  public var clinicians: [String] = []
  public var sites: [String] = []
  /// `goal_id` texts; id 0 is the empty text (no goal), so a series' `goal` indexes it directly.
  public var goals: [String] = [""]
  public init() {}
}
