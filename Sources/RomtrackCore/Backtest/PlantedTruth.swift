import Foundation

/// The planted course and alliance ruptures of each episode, from the `clients_truth.csv` that
/// `romtrack generate --truth` writes: what a backtest on generated data is scored against.
public struct PlantedEpisode: Sendable, Equatable {
  public var course: PlantedCourse
  /// Sessions of the planted ruptures (the session of the drop), and whether each was repaired.
  public var ruptureSessions: [Int32]
  public var repaired: [Bool]
}

public enum PlantedTruth {
  /// Reads clients_truth.csv, keyed by `client_id` and `episode_id` (joined by `key`). The generator
  /// never quotes a field, so a line is split at its commas; a line that does not fit the header is
  /// an error naming it.
  public static func read(path: String) throws -> [String: PlantedEpisode] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
    guard let header = lines.next()?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else {
      throw PlantedTruthError(message: "\(path): empty file")
    }
    func column(_ name: String) throws -> Int {
      guard let index = header.firstIndex(of: name) else {
        throw PlantedTruthError(message: "\(path): no column \(name); expected the clients_truth.csv of romtrack generate --truth")
      }
      return index
    }
    let (client, episode, course) = (try column("client_id"), try column("episode_id"), try column("course"))
    let (sessions, repaired) = (try column("rupture_sessions"), try column("ruptures_repaired"))
    var planted: [String: PlantedEpisode] = [:]
    var line = 1
    while let row = lines.next() {
      line += 1
      let cells = row.split(separator: ",", omittingEmptySubsequences: false)
      guard cells.count == header.count else {
        throw PlantedTruthError(message: "\(path) line \(line): \(cells.count) fields, the header has \(header.count)")
      }
      let ruptureSessions = cells[sessions].split(separator: ";").compactMap { Int32($0) }
      let ruptureRepaired = cells[repaired].split(separator: ";").map { $0 == "true" }
      planted[key(String(cells[client]), String(cells[episode]))] = PlantedEpisode(
        course: PlantedCourse(String(cells[course])), ruptureSessions: ruptureSessions, repaired: ruptureRepaired)
    }
    return planted
  }

  public static func key(_ client: String, _ episode: String) -> String { client + "\u{1F}" + episode }

  /// The planted episode of each episode of `table`, in its order (`nil` where the truth has none).
  public static func align(_ planted: [String: PlantedEpisode], table: SeriesTable, names: NameTables) -> [PlantedEpisode?] {
    table.episodes.map { planted[key(names.clients[Int($0.client)], names.episodes[Int($0.episode)])] }
  }
}

public struct PlantedTruthError: Error, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

/// Rupture events scored against planted ones, for one rupture threshold.
public struct RuptureScore: Sendable, Equatable {
  /// `rupture_sd` of the rule, and its least drop in points (`nil`: reliable, per instrument).
  public var ruptureSD: Double
  public var minimumPoints: Double?
  /// Whether this is the rule of the run's parameters.
  public var isDefault: Bool
  public var detected = 0
  /// Detected at the session of a planted rupture.
  public var matched = 0
  /// Planted ruptures at a session the alliance series reached, and those found.
  public var planted = 0
  public var found = 0
  /// Matched ruptures whose repair (or its absence) agrees with the planted one.
  public var repairAgrees = 0

  /// `matched / detected` and `found / planted`, with Wilson intervals.
  public var ppv: WilsonInterval? { WilsonInterval(successes: matched, trials: detected) }
  public var sensitivity: WilsonInterval? { WilsonInterval(successes: found, trials: planted) }

  /// Scores the rupture rule of each alliance instrument (within-client SDs of `analysis`) with
  /// `ruptureSD` and `minimumPoints` (`nil`: a reliable drop of each instrument) against `planted`.
  public static func score(
    table: SeriesTable, analysis: Analysis, registry: InstrumentRegistry, planted: [PlantedEpisode?],
    parameters: AnalysisParameters, ruptureSD: Double, minimumPoints: Double?, isDefault: Bool
  ) -> RuptureScore {
    var score = RuptureScore(ruptureSD: ruptureSD, minimumPoints: minimumPoints, isDefault: isDefault)
    var found: [AllianceRupture] = []
    for (e, episode) in table.episodes.enumerated() {
      guard let truth = planted[e] else { continue }
      for s in episode.series {
        let instrument = registry.instruments[Int(table.series[s].instrument)]
        guard instrument.kind == .alliance, let sd = analysis.withinClientSD[Int(table.series[s].instrument)] else { continue }
        let rule = AllianceRuptureRule(
          withinClientSD: sd, ruptureSD: ruptureSD, repairWindow: parameters.repairWindow, direction: instrument.direction,
          allianceCutoff: instrument.allianceCutoff, minimumDrop: minimumPoints ?? AllianceRuptureRule.reliableDropSDs * sd)
        let range = table.series[s].scores
        found.removeAll(keepingCapacity: true)
        _ = rule.detect(sessions: table.session[range], scores: table.score[range], appendingTo: &found)
        let last = table.session[range].last ?? 0
        score.detected += found.count
        for rupture in found {
          guard let k = truth.ruptureSessions.firstIndex(of: rupture.session) else { continue }
          score.matched += 1
          if k < truth.repaired.count, truth.repaired[k] == rupture.repaired { score.repairAgrees += 1 }
        }
        for session in truth.ruptureSessions where session <= last {
          score.planted += 1
          if found.contains(where: { $0.session == session }) { score.found += 1 }
        }
      }
    }
    return score
  }
}
