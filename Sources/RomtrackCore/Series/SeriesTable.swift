/// How a series' scores are ordered.
public enum TimeAxis: String, Sendable, Codable {
  /// By session number: every score of the series has one.
  case session
  /// By date, where some score lacks a session number; sessions are then numbered 1, 2, ... by date.
  case date
}

/// Whether an episode is still running at the as-of date.
public enum EpisodeStatus: String, Sendable, Codable {
  case active
  /// Discharged (an `episode_end` on or before the as-of date), or no score for `--ended-after-days`.
  case ended
}

/// How an ended episode ended.
public enum EpisodeEnding: String, Sendable, Codable {
  case none
  /// `episode_end` given in the input.
  case discharged
  /// Inferred: the last score is more than `--ended-after-days` before the as-of date.
  case inactive
}

/// One treatment episode of one client: its series of every instrument, outcome and alliance alike.
public struct Episode: Sendable, Equatable {
  public var client: UInt32
  /// Id of the `episode_id` text (the empty text when the input has no episode column).
  public var episode: UInt32
  /// Clinician and site of the episode's latest score (a client who changed clinician is listed with
  /// the one who sees them now).
  public var clinician: UInt32
  public var site: UInt32
  /// For an episode whose clinician changed (a transfer): the clinician of its latest score by
  /// another clinician than `clinician`, who still sees the episode, as transferred; else
  /// `Episode.noClinician`.
  public var previousClinician: UInt32 = Episode.noClinician
  /// The episode's series, adjacent in `SeriesTable.series`, ordered by instrument.
  public var series: Range<Int>
  /// First and last score date (`ScoreRows.noDate` when the input has no dates).
  public var firstDate: Int32
  public var lastDate: Int32
  /// `episode_end` from the input (the latest given), or `ScoreRows.noDate`.
  public var endDate: Int32
  public var status: EpisodeStatus
  public var ending: EpisodeEnding

  /// `previousClinician` of an episode that was not transferred.
  public static let noClinician = UInt32.max

  /// Whether the episode moved from one clinician to another.
  public var wasTransferred: Bool { previousClinician != Episode.noClinician }
}

/// One client's scores on one instrument (and goal) in one episode, in time order.
public struct Series: Sendable, Equatable {
  /// Index into `SeriesTable.episodes`.
  public var episode: Int
  /// Index into the registry.
  public var instrument: UInt16
  /// The series' scores: a range of `SeriesTable.session`, `.date` and `.score`.
  public var scores: Range<Int>
  public var timeAxis: TimeAxis
  /// The goal a goal-based series rates: an index into `NameTables.goals`, 0 (the empty goal) for
  /// every other series. Each goal of an episode is a series of its own.
  public var goal: UInt32 = 0
}

/// The output of the series stage: episodes, their series, and every score in series and time order.
///
/// Episodes are ordered by client (in order of first appearance in the input), then episode; series
/// within an episode by instrument. Per-score arrays are parallel: `session[i]`, `date[i]`, `score[i]`.
public struct SeriesTable: Sendable {
  public var episodes: [Episode] = []
  public var series: [Series] = []
  public var session: [Int32] = []
  /// Days since 1970-01-01, or `ScoreRows.noDate`.
  public var date: [Int32] = []
  /// NaN where the score is missing.
  public var score: [Double] = []
  /// The as-of date used (`nil` when the input has no dates).
  public var asOf: CivilDate?
  /// Positive answers on risk items, from item-level input (empty otherwise).
  public var riskItems: [RiskItemMark] = []

  public init() {}
}
