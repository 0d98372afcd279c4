/// One row of the generated data: one administered measure (or a missing one) at one session.
public struct GeneratedScore: Equatable, Sendable {
  public var clientID: String
  public var episodeID: String
  public var clinicianID: String
  public var site: String
  /// Canonical registry name: PHQ9, GAD7, CORE10, ORS, SRS or WAISR.
  public var instrument: String
  /// 1-based session number within the episode.
  public var session: Int
  public var date: CivilDate
  /// The score, within the instrument's range (integers, or tenths for ORS and SRS); `nil` = missing (`NA`).
  public var score: Double?
  /// Discharge date of an episode that ended with a discharge; `nil` for open episodes and drop-outs.
  public var episodeEnd: CivilDate?

  public init(
    clientID: String, episodeID: String, clinicianID: String, site: String, instrument: String,
    session: Int, date: CivilDate, score: Double?, episodeEnd: CivilDate?
  ) {
    self.clientID = clientID
    self.episodeID = episodeID
    self.clinicianID = clinicianID
    self.site = site
    self.instrument = instrument
    self.session = session
    self.date = date
    self.score = score
    self.episodeEnd = episodeEnd
  }
}

/// How a generated episode stands at the end of the data.
public enum GeneratedEpisodeStatus: String, Sendable, CaseIterable {
  /// Completed its planned sessions; `episodeEnd` is a few days after the last one.
  case discharged
  /// Stopped coming before the planned end; no `episodeEnd`.
  case droppedOut
  /// Still running at the end of `endMonth` (or discharged after it); no `episodeEnd`.
  case open
}

/// An alliance rupture planted in an episode, as far as the data show it.
public struct PlantedRupture: Equatable, Sendable {
  /// Session whose score dropped (the drop is from `session - 1`).
  public var session: Int
  /// The drop in points.
  public var drop: Double
  /// Whether the score returned to the pre-rupture level within 3 sessions, inside the data.
  public var repaired: Bool
}

/// The ground truth of one generated episode: what was planted, for checking romtrack's detection.
public struct GeneratedEpisode: Equatable, Sendable {
  public var clientID: String
  public var episodeID: String
  public var clinicianID: String
  public var site: String
  public var course: CourseType
  public var outcomeInstruments: [String]
  public var allianceInstrument: String
  /// Intake drawn in the clinical range.
  public var clinicalIntake: Bool
  public var plannedSessions: Int
  /// Sessions in the data (fewer than planned after a drop-out or at the end of the data).
  public var sessions: Int
  public var status: GeneratedEpisodeStatus
  public var firstDate: CivilDate
  public var lastDate: CivilDate
  public var episodeEnd: CivilDate?
  /// Pre-gain session `N` of a planted sudden gain (between `N` and `N + 1`), when the data hold
  /// sessions N-2 to N+3; `nil` otherwise.
  public var suddenGainSession: Int?
  /// Whether that gain is reversed within the data.
  public var suddenGainReversed: Bool?
  /// Pre-loss session `N` of a planted sudden loss, when the data hold sessions N-2 to N+3.
  public var suddenLossSession: Int?
  /// Drawn with a low alliance (SRS mostly below 36, WAI-SR 28-38).
  public var lowAlliance: Bool
  /// Planted ruptures whose session is in the data.
  public var ruptures: [PlantedRupture]

  public var droppedOut: Bool { status == .droppedOut }
}

/// What `SyntheticPractice.write` wrote.
public struct GenerationSummary: Sendable, Equatable {
  public var clients: Int
  public var episodes: Int
  public var outcomeRows: Int
  public var allianceRows: Int
  /// Rows whose score is `NA`.
  public var missingScores: Int
  /// Paths of the files written, in the order written.
  public var files: [String]

  public init(
    clients: Int, episodes: Int, outcomeRows: Int, allianceRows: Int, missingScores: Int,
    files: [String]
  ) {
    self.clients = clients
    self.episodes = episodes
    self.outcomeRows = outcomeRows
    self.allianceRows = allianceRows
    self.missingScores = missingScores
    self.files = files
  }
}
