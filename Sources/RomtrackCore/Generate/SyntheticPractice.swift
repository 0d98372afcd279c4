import Foundation

/// A deterministic synthetic psychotherapy practice: clients, episodes and their session-by-session
/// outcome and alliance scores, for `romtrack generate`, demos and tests.
///
/// The practice is a pure function of its `GeneratorSettings`. Client `i` (0-based) draws everything
/// from its own stream `SplitMix64(seed: seed, stream: i)`, so any client can be generated alone, in
/// any order or in parallel, and the same settings give the same bytes on every machine.
///
/// The model, client by client (numbers in the documentation of each part):
/// 1. `ClientProfile`: clinician (and so site), measure set, weekly or fortnightly rhythm, first
///    contact, whether there will be a second episode.
/// 2. Per episode: a `CourseType` and its `CourseModel` (planned sessions, course parameters), intake
///    severities (clinical or not, correlated between PHQ-9 and GAD-7), an `AllianceCourse`, and a
///    drop-out point.
/// 3. Drop-outs: an episode stops after session `d < T` with probability 12%, plus 12% for
///    non-responders, 18% for deteriorators, 10% for sudden losses, 5% for plateaus, and 20% with low
///    alliance; `d = 1 + floor(u^2 (T - 1))` (early drop-out is commoner). After an unrepaired rupture
///    35% drop out 1-3 sessions later. Drop-outs keep at least the sessions a planted sudden gain or
///    loss needs (N + 3). Drop-outs have no `episode_end`.
/// 4. Sessions run until the planned or drop-out session, or until the last day of `endMonth`
///    (then the episode is open). A completed episode is discharged 2-9 days after its last session,
///    unless that falls after the end of the data (then it is open too).
/// 5. Each session: every outcome measure of the set, then the alliance measure (from its first
///    session on). Each score is missing (`NA`) with probability 3.4%, except in the windows that
///    planted events need, which gives about 3% missing overall.
public struct SyntheticPractice: Sendable {
  public let settings: GeneratorSettings
  let roster: PracticeRoster
  let window: ClosedRange<CivilDate>
  let lastDay: Int32

  /// Probability that a score outside protected windows is missing.
  static let missingRate = 0.034

  public init(settings: GeneratorSettings) {
    self.settings = settings
    self.roster = PracticeRoster(settings: settings)
    self.window = settings.firstContactWindow
    self.lastDay = settings.endMonth.lastDay.days
  }

  /// Number of clients generated (`settings.clients`, or 0 when negative).
  public var clientCount: Int { max(0, settings.clients) }

  // MARK: - Reading the practice

  /// Every score in file order (clients in id order, then episode, then session, then instrument).
  public func forEachScore(_ body: (GeneratedScore) -> Void) {
    var scratch = ClientScratch()
    for client in 0..<clientCount {
      render(client: client, into: &scratch)
      let clientID = roster.clientID(client)
      for episode in scratch.episodes {
        let episodeID = "E\(episode.number)"
        let clinicianID = roster.clinicianID(episode.clinician)
        let site = PracticeRoster.siteName(roster.site(ofClinician: episode.clinician))
        let end = episode.episodeEnd.map { CivilDate(days: $0) }
        for row in scratch.rows[episode.rowStart..<episode.rowEnd] {
          body(
            GeneratedScore(
              clientID: clientID, episodeID: episodeID, clinicianID: clinicianID, site: site,
              instrument: row.instrument.name, session: Int(row.session),
              date: CivilDate(days: row.date),
              score: row.tenths < 0 ? nil : Double(row.tenths) / 10, episodeEnd: end))
        }
      }
    }
  }

  /// The ground truth of every episode, in file order (what `clients_truth.csv` holds).
  public func forEachEpisode(_ body: (GeneratedEpisode) -> Void) {
    var scratch = ClientScratch()
    for client in 0..<clientCount {
      render(client: client, into: &scratch)
      let clientID = roster.clientID(client)
      for episode in scratch.episodes {
        body(truth(of: episode, clientID: clientID))
      }
    }
  }

  /// All scores of client `client` (0-based index), in file order.
  public func scores(ofClient client: Int) -> [GeneratedScore] {
    var result: [GeneratedScore] = []
    var scratch = ClientScratch()
    render(client: client, into: &scratch)
    let clientID = roster.clientID(client)
    for episode in scratch.episodes {
      for row in scratch.rows[episode.rowStart..<episode.rowEnd] {
        result.append(
          GeneratedScore(
            clientID: clientID, episodeID: "E\(episode.number)",
            clinicianID: roster.clinicianID(episode.clinician),
            site: PracticeRoster.siteName(roster.site(ofClinician: episode.clinician)),
            instrument: row.instrument.name, session: Int(row.session),
            date: CivilDate(days: row.date),
            score: row.tenths < 0 ? nil : Double(row.tenths) / 10,
            episodeEnd: episode.episodeEnd.map { CivilDate(days: $0) }))
      }
    }
    return result
  }

  func truth(of episode: EpisodeRecord, clientID: String) -> GeneratedEpisode {
    let course = episode.course
    var ruptures: [PlantedRupture] = []
    for rupture in [episode.alliance.first, episode.alliance.second] {
      guard let rupture, let seen = episode.observed(rupture) else { continue }
      ruptures.append(PlantedRupture(session: rupture.session, drop: rupture.drop, repaired: seen))
    }
    return GeneratedEpisode(
      clientID: clientID, episodeID: "E\(episode.number)",
      clinicianID: roster.clinicianID(episode.clinician),
      site: PracticeRoster.siteName(roster.site(ofClinician: episode.clinician)),
      course: course.type,
      outcomeInstruments: (0..<episode.measureSet.outcomeCount).map {
        episode.measureSet.outcome($0).name
      },
      allianceInstrument: episode.measureSet.alliance.name,
      clinicalIntake: episode.clinicalIntake,
      plannedSessions: course.plannedSessions, sessions: episode.sessions, status: episode.status,
      firstDate: CivilDate(days: episode.firstDate), lastDate: CivilDate(days: episode.lastDate),
      episodeEnd: episode.episodeEnd.map { CivilDate(days: $0) },
      suddenGainSession: episode.suddenGainSession,
      suddenGainReversed: episode.suddenGainSession == nil ? nil : episode.reversalObserved,
      suddenLossSession: episode.suddenLossSession,
      lowAlliance: episode.alliance.isLow, ruptures: ruptures)
  }

  // MARK: - Writing files

  /// Bytes collected per file before a block is written.
  static let blockSize = 1 << 22

  /// Writes outcomes.csv and alliance.csv (or one scores.csv when `combined`) and, when `truth` is
  /// true, clients_truth.csv (one row per client x episode: course, planted events, drop-out). Creates
  /// the directory if needed and replaces files of those names. The rows are exactly those of
  /// `forEachScore`, in its order (outcome and alliance rows each keep that order when split).
  ///
  /// Rows are formatted into 4 MiB blocks on the calling thread while a background queue writes the
  /// full blocks (`BlockPipeline`), so formatting and the kernel's copying overlap on two cores.
  public func write(
    to directory: String, combined: Bool = false, truth: Bool = false
  ) throws -> GenerationSummary {
    try settings.validate()
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw GeneratorWriteError(path: directory, message: "cannot create the directory")
    }
    let folder = directory.hasSuffix("/") ? directory : directory + "/"
    let outcomeFile = try BlockFileWriter(path: folder + (combined ? "scores.csv" : "outcomes.csv"))
    let allianceFile = combined ? outcomeFile : try BlockFileWriter(path: folder + "alliance.csv")
    let truthFile = truth ? try BlockFileWriter(path: folder + "clients_truth.csv") : nil
    var files = [outcomeFile.path]
    if !combined { files.append(allianceFile.path) }
    if let truthFile { files.append(truthFile.path) }

    // Each file has a buffer being filled here; full ones go to the pipeline's writing thread.
    let pipeline = BlockPipeline(buffers: 8, capacity: SyntheticPractice.blockSize + (1 << 16))
    var outcomes = pipeline.take()
    var alliance = combined ? outcomes : pipeline.take()
    var truthBuffer = truth ? pipeline.take() : nil
    outcomes.append(GeneratedCSVWriter.header)
    if !combined { alliance.append(GeneratedCSVWriter.header) }
    truthBuffer?.append(GeneratedCSVWriter.truthHeader)

    let writer = GeneratedCSVWriter(practice: self)
    var scratch = ClientScratch()
    for client in 0..<clientCount {
      render(client: client, into: &scratch)
      writer.append(
        client: client, scratch, outcomes: outcomes, alliance: alliance, truth: truthBuffer)
      if outcomes.count >= SyntheticPractice.blockSize {
        pipeline.submit(outcomes, to: outcomeFile)
        outcomes = pipeline.take()
        if combined { alliance = outcomes }
      }
      if !combined, alliance.count >= SyntheticPractice.blockSize {
        pipeline.submit(alliance, to: allianceFile)
        alliance = pipeline.take()
      }
      if let full = truthBuffer, let truthFile, full.count >= SyntheticPractice.blockSize {
        pipeline.submit(full, to: truthFile)
        truthBuffer = pipeline.take()
      }
    }
    pipeline.submit(outcomes, to: outcomeFile)
    if !combined { pipeline.submit(alliance, to: allianceFile) }
    if let truthBuffer, let truthFile { pipeline.submit(truthBuffer, to: truthFile) }
    try pipeline.finish()
    try outcomeFile.close()
    if !combined { try allianceFile.close() }
    try truthFile?.close()
    return GenerationSummary(
      clients: clientCount, episodes: writer.episodes, outcomeRows: writer.outcomeRows,
      allianceRows: writer.allianceRows, missingScores: writer.missingScores, files: files)
  }

  // MARK: - Generating one client

  /// Generates client `client` (0-based) into `scratch`, replacing what it held.
  func render(client: Int, into scratch: inout ClientScratch) {
    scratch.episodes.removeAll(keepingCapacity: true)
    scratch.rows.removeAll(keepingCapacity: true)
    var rng = SplitMix64(seed: settings.seed, stream: UInt64(client))
    let profile = ClientProfile.draw(roster: roster, window: window, &rng)
    guard
      let firstEnd = renderEpisode(
        1, clinician: profile.clinician, profile: profile, start: profile.firstContact,
        &rng, &scratch),
      profile.wantsSecondEpisode
    else { return }
    let earliest = firstEnd + 28
    let latest = lastDay - 14
    guard earliest <= latest else { return }
    let start = earliest + Int32(rng.integer(0...min(154, Int(latest - earliest))))
    let clinician = rng.chance(0.7) ? profile.clinician : roster.pickClinician(&rng)
    var startDay = start
    switch ClientProfile.weekday(startDay) {
    case 5: startDay -= 1
    case 6: startDay += 1
    default: break
    }
    _ = renderEpisode(2, clinician: clinician, profile: profile, start: startDay, &rng, &scratch)
  }

  /// Extra drop-out probability by course.
  static func dropoutExtra(_ course: CourseType) -> Double {
    switch course {
    case .nonResponder: return 0.12
    case .deteriorator: return 0.18
    case .suddenLoss: return 0.10
    case .plateau: return 0.05
    case .improver, .earlyResponder, .suddenGain: return 0
    }
  }

  /// Generates one episode starting on `start`; returns the day it ended (discharge date, or last
  /// session of a drop-out), or `nil` when it is still open at the end of the data.
  private func renderEpisode(
    _ number: Int, clinician: Int, profile: ClientProfile, start: Int32,
    _ rng: inout SplitMix64, _ scratch: inout ClientScratch
  ) -> Int32? {
    let effect = roster.effect[clinician]
    let measures = profile.measureSet
    let type = CourseType.draw(&rng)
    let course = CourseModel.draw(type, clinicianEffect: effect, &rng)
    let clinical = rng.chance(type.clinicalIntakeRate)
    let z = rng.normal()
    let first = measures.outcome(0)
    let second = measures.outcome(measures.outcomeCount - 1)
    let intake0 = course.constrain(
      intake: CourseModel.intakeSeverity(first, clinical: clinical, z: z, &rng), for: first, &rng)
    let intake1 =
      measures.outcomeCount > 1
      ? course.constrain(
        intake: CourseModel.intakeSeverity(second, clinical: clinical, z: z, &rng), for: second,
        &rng)
      : intake0
    let alliance = AllianceCourse.draw(
      measures.alliance, course: type, plannedSessions: course.plannedSessions,
      clinicianEffect: effect, &rng)

    // Drop-out.
    let planned = course.plannedSessions
    var lastSession = planned
    let unrepaired =
      alliance.first?.repairSession == 0
      ? alliance.first : (alliance.second?.repairSession == 0 ? alliance.second : nil)
    var dropout = 0
    if let unrepaired, rng.chance(0.35) {
      dropout = unrepaired.session + rng.integer(1...3)
    } else if rng.chance(
      0.12 + SyntheticPractice.dropoutExtra(type) + (alliance.isLow ? 0.2 : 0))
    {
      let u = rng.unit()
      dropout = 1 + Int(u * u * Double(planned - 1))
    }
    if dropout > 0 {
      if course.eventSession > 0 { dropout = max(dropout, course.eventSession + 3) }
      if dropout < planned { lastSession = dropout } else { dropout = 0 }
    }

    // Sessions.
    let rowStart = scratch.rows.count
    var renderer = AllianceRenderer(alliance)
    var date = start
    var lastDate = start
    var sessions = 0
    let outcomeCount = measures.outcomeCount
    for session in 1...lastSession {
      if session > 1 { date = profile.nextSessionDate(after: date, &rng) }
      if date > lastDay { break }
      sessions = session
      lastDate = date
      let shared = rng.normal()
      let progress = course.progress(at: session)
      let protected = course.protects(session: session)
      for k in 0..<outcomeCount {
        let instrument = k == 0 ? first : second
        let intake = k == 0 ? intake0 : intake1
        var level = intake - instrument.reliableChange * progress
        if progress > 0 { level = max(level, min(intake, instrument.healthySeverity)) }
        let noise =
          course.noiseScale * instrument.noise * (0.6 * shared + 0.8 * rng.normal())
        var tenths = instrument.tenths(instrument.score(severity: level + noise))
        if !protected, rng.chance(SyntheticPractice.missingRate) { tenths = -1 }
        scratch.rows.append(
          ScoreRecord(
            instrument: instrument, session: Int32(session), date: date, tenths: tenths))
      }
      if session >= alliance.startSession {
        var tenths = alliance.instrument.tenths(renderer.score(at: session, &rng))
        if !alliance.protects(session: session), rng.chance(SyntheticPractice.missingRate) {
          tenths = -1
        }
        scratch.rows.append(
          ScoreRecord(
            instrument: alliance.instrument, session: Int32(session), date: date, tenths: tenths))
      }
    }

    // Status.
    var status: GeneratedEpisodeStatus
    var episodeEnd: Int32? = nil
    var ended: Int32? = nil
    if sessions < lastSession {
      status = .open
    } else if dropout > 0 {
      status = .droppedOut
      ended = lastDate
    } else {
      let discharge = lastDate + Int32(rng.integer(2...9))
      if discharge <= lastDay {
        status = .discharged
        episodeEnd = discharge
        ended = discharge
      } else {
        status = .open
      }
    }
    scratch.episodes.append(
      EpisodeRecord(
        number: number, clinician: clinician, course: course, measureSet: measures,
        alliance: alliance, clinicalIntake: clinical, sessions: sessions, status: status,
        firstDate: start, lastDate: lastDate, episodeEnd: episodeEnd,
        rowStart: rowStart, rowEnd: scratch.rows.count))
    return ended
  }
}

/// One generated row, compactly: the score in tenths of a point, -1 when missing.
struct ScoreRecord: Sendable {
  var instrument: SyntheticInstrument
  var session: Int32
  var date: Int32
  var tenths: Int32
}

/// One generated episode: its plan, how it went, and its rows' place in `ClientScratch.rows`.
struct EpisodeRecord: Sendable {
  var number: Int
  var clinician: Int
  var course: CourseModel
  var measureSet: MeasureSet
  var alliance: AllianceCourse
  var clinicalIntake: Bool
  var sessions: Int
  var status: GeneratedEpisodeStatus
  var firstDate: Int32
  var lastDate: Int32
  var episodeEnd: Int32?
  var rowStart: Int
  var rowEnd: Int

  /// A planted sudden gain or loss counts when its pre and post windows (N-2...N+3) are in the data.
  var eventObserved: Bool {
    course.eventSession > 0 && course.eventSession + 3 <= sessions
  }

  var suddenGainSession: Int? {
    course.type == .suddenGain && eventObserved ? course.eventSession : nil
  }

  var suddenLossSession: Int? {
    course.type == .suddenLoss && eventObserved ? course.eventSession : nil
  }

  var reversalObserved: Bool {
    course.reversalSession > 0 && course.reversalSession <= sessions
  }

  /// `nil` when the rupture's session is not in the data; else whether its repair is.
  func observed(_ rupture: AllianceCourse.Rupture) -> Bool? {
    guard rupture.session <= sessions else { return nil }
    return rupture.repairSession > 0 && rupture.repairSession <= sessions
  }
}

/// Reusable storage for one client's episodes and rows.
struct ClientScratch: Sendable {
  var episodes: [EpisodeRecord] = []
  var rows: [ScoreRecord] = []
}
