import RomtrackCore

/// Where the progress sheets go, and writing them: `clinicians/<clinician>/clients/<client>.html`, or
/// `<client>.<episode>.html` where the input names episodes. Each id is made safe as the clinician
/// pages' names are (`SafeFileName.forID`, which never writes a `.`, so the dot cannot be confused
/// with an id's own and the name stays one-to-one); the longest name is 2 x 117 + 6 bytes, inside
/// the 255-byte limit of file systems.
public enum ClientSheets {
  /// The sheet's path inside the report folder.
  public static func fileName(clinician: String, client: String, episode: String) -> String {
    "clinicians/" + SafeFileName.forID(clinician) + "/" + relativeName(client: client, episode: episode)
  }

  /// The sheet's path from the clinician's own folder: `clients/<client>[.<episode>].html`.
  static func relativeName(client: String, episode: String) -> String {
    "clients/" + SafeFileName.forID(client) + (episode.isEmpty ? "" : "." + SafeFileName.forID(episode)) + ".html"
  }

  /// The link from the clinician's page (`clinicians/<clinician>.html`) to episode `e`'s sheet.
  static func link(_ c: ReportContent, episode e: Int) -> String {
    SafeFileName.forID(c.clinicianID(Int(c.table.episodes[e].clinician))) + "/"
      + relativeName(client: c.clientID(e), episode: c.episodeID(e))
  }

  public static func fileName(_ c: ReportContent, episode e: Int) -> String {
    fileName(clinician: c.clinicianID(Int(c.table.episodes[e].clinician)), client: c.clientID(e), episode: c.episodeID(e))
  }

  /// The active episodes, clinician by clinician in worklist order: the sheets `--client-sheets` writes;
  /// with `clients`, only theirs (`--sheet-client`).
  public static func activeEpisodes(_ c: ReportContent, clients: Set<String> = []) -> [Int] {
    let all = c.caseloads.flatMap { $0 }
    return clients.isEmpty ? all : all.filter { clients.contains(c.clientID($0)) }
  }

  /// Why `episodes(_:client:episode:)` found nothing, in a sentence.
  public struct NotFound: Error {
    public var message: String
  }

  /// The episodes of `client` that `romtrack sheet` writes: `episode` when given, else the active
  /// ones, else the latest.
  public static func episodes(_ c: ReportContent, client: String, episode: String?) throws -> [Int] {
    let mine = c.table.episodes.indices.filter { c.clientID($0) == client }
    guard !mine.isEmpty else { throw NotFound(message: "client \(client) has no scores in the input up to \(c.asOf)") }
    if let episode {
      let chosen = mine.filter { c.episodeID($0) == episode }
      guard !chosen.isEmpty else {
        let known = mine.map { c.episodeID($0).isEmpty ? "(none)" : c.episodeID($0) }.joined(separator: ", ")
        throw NotFound(message: "client \(client) has no episode \(episode); their episodes: \(known)")
      }
      return chosen
    }
    let active = mine.filter { c.table.episodes[$0].status == .active }
    if !active.isEmpty { return active }
    return [mine.max { c.table.episodes[$0].lastDate < c.table.episodes[$1].lastDate }!]
  }

  /// Writes the sheet of each episode in `episodes` into `folder`, on all cores (`ParallelWrites`).
  public static func write(
    _ c: ReportContent, episodes: [Int], wording: ClientSheetWording, into folder: OutputFolder
  ) throws {
    try ParallelWrites.run(
      episodes.map { e in .init(fileName(c, episode: e)) { ClientSheet.html(c, episode: e, wording: wording) } },
      into: folder)
  }

  /// A link to episode `e`'s sheet for the clinician's page, when the sheets are written.
  static func writeLink(_ w: inout HTMLWriter, _ c: ReportContent, episode e: Int) {
    guard c.clientSheets.contains(e) else { return }
    w.raw(" <a class=\"sheet\"")
    w.attribute("href", link(c, episode: e))
    w.raw(">progress sheet</a>")
  }
}

extension ReportContent {
  /// Whether series `s` rates one of the client's goals: a GBO series, or any series with a goal id.
  func isGoalSeries(_ s: Int) -> Bool {
    table.series[s].goal != 0 || registry.instruments[Int(table.series[s].instrument)].name == Instrument.gbo.name
  }

  /// The goal id of series `s` (empty when it has none).
  func goalName(ofSeries s: Int) -> String {
    let g = Int(table.series[s].goal)
    return g < names.goals.count ? names.goals[g] : ""
  }

  /// ` (goal: <id>)` after a series' instrument name, on the clinician's page, for a goal series.
  static func writeGoal(_ w: inout HTMLWriter, _ c: ReportContent, series s: Int) {
    let goal = c.goalName(ofSeries: s)
    guard !goal.isEmpty else { return }
    w.raw(" (goal: ")
    w.text(goal)
    w.raw(")")
  }
}
