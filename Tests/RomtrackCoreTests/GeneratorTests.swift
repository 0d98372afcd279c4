import Foundation
import Testing

@testable import RomtrackCore

/// `romtrack generate`'s synthetic practice: determinism, well-formed rows, files equal to
/// `forEachScore`, and the planted phenomena (courses, events, drop-outs, ruptures) being present
/// and detectable by the rules of METHODS.md.
@Suite struct GeneratorTests {
  // MARK: - Determinism

  @Test func sameSeedGivesSameRowsAndDifferentSeedDifferentRows() {
    let first = GeneratorFixture.scores(clients: 300, seed: 7)
    let again = GeneratorFixture.scores(clients: 300, seed: 7)
    let other = GeneratorFixture.scores(clients: 300, seed: 8)
    #expect(first.count > 3000)
    #expect(first == again)
    #expect(first != other)
    #expect(first.map(\.score) != other.prefix(first.count).map(\.score))
  }

  @Test func sameSeedGivesByteIdenticalFiles() throws {
    let settings = GeneratorSettings(clients: 500, seed: 42)
    let one = try GeneratorFixture.temporaryDirectory()
    let two = try GeneratorFixture.temporaryDirectory()
    _ = try SyntheticPractice(settings: settings).write(to: one, truth: true)
    _ = try SyntheticPractice(settings: settings).write(to: two, truth: true)
    for name in ["outcomes.csv", "alliance.csv", "clients_truth.csv"] {
      let a = try Data(contentsOf: URL(fileURLWithPath: one + "/" + name))
      let b = try Data(contentsOf: URL(fileURLWithPath: two + "/" + name))
      #expect(a.count > 1000)
      #expect(a == b, "\(name) differs between two runs")
    }
  }

  /// Each client comes from its own stream: generating one alone gives the same rows as in the whole
  /// practice (what lets generation run in parallel later).
  @Test func eachClientIsIndependentOfTheOthers() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 200, seed: 3))
    let all = GeneratorFixture.scores(practice)
    for client in [0, 57, 199] {
      let id = practice.roster.clientID(client)
      #expect(practice.scores(ofClient: client) == all.filter { $0.clientID == id })
    }
    // The same client index in a larger practice (with another clinician count) keeps its course.
    var bigger = GeneratorSettings(clients: 5000, seed: 3)
    bigger.clinicians = practice.settings.resolvedClinicians
    bigger.sites = practice.settings.resolvedSites
    let largerPractice = SyntheticPractice(settings: bigger)
    #expect(largerPractice.scores(ofClient: 57) == practice.scores(ofClient: 57))
  }

  /// Fixed points of the generator, so that a change of the model or the random streams is noticed
  /// (update these, and say so, when the model changes on purpose).
  @Test func splitMixMatchesReferenceOutputs() {
    // Reference values of SplitMix64 from state 0 (Vigna's splitmix64.c, x = 0).
    var rng = SplitMix64(state: 0)
    #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
    #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
    #expect(rng.next() == 0x06C4_5D18_8009_454F)
  }

  @Test func portableLogarithmAgreesWithTheCLibrary() {
    var rng = SplitMix64(seed: 1, stream: 99)
    var worst = 0.0
    for _ in 0..<20_000 {
      let x = rng.unit() + 1e-300
      let exact = Foundation.log(x)
      worst = max(worst, abs(PortableMath.log(x) - exact) / max(1e-300, abs(exact)))
    }
    let special = [
      1.0, 2.0, 0.5, 10.0, 1e-10, 1e10, 1.414_213_562_373_095, 1e300,
      Double.leastNormalMagnitude / 8, Double.leastNonzeroMagnitude,
    ]
    for x in special {
      let exact = Foundation.log(x)
      #expect(abs(PortableMath.log(x) - exact) <= 4 * Double.ulpOfOne * max(1, abs(exact)))
    }
    #expect(worst < 1e-14)
    #expect(PortableMath.log(1) == 0)
  }

  @Test func normalVariatesHaveUnitVariance() {
    var rng = SplitMix64(seed: 5, stream: 0)
    let n = 100_000
    var sum = 0.0
    var squares = 0.0
    for _ in 0..<n {
      let z = rng.normal()
      sum += z
      squares += z * z
    }
    let mean = sum / Double(n)
    let variance = squares / Double(n) - mean * mean
    #expect(abs(mean) < 0.02)  // SE 0.003
    #expect(abs(variance - 1) < 0.03)  // SE 0.0045
  }

  // MARK: - Well-formed rows

  @Test func everyScoreIsInRangeAndEveryFieldWellFormed() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 1000, seed: 11))
    let ranges: [String: ClosedRange<Double>] = [
      "PHQ9": 0...27, "GAD7": 0...21, "CORE10": 0...40, "ORS": 0...40, "SRS": 0...40, "WAISR": 12...60,
    ]
    let siteNames: Set = ["North", "South"]
    var siteOfClinician: [String: String] = [:]
    var count = 0
    var allFine = true
    practice.forEachScore { row in
      count += 1
      var fine = true
      fine = fine && GeneratorFixture.isID(row.clientID, letter: "C", digits: 6)
      fine = fine && (row.episodeID == "E1" || row.episodeID == "E2")
      fine = fine && GeneratorFixture.isID(row.clinicianID, letter: "T", digits: 2)
      fine = fine && siteNames.contains(row.site)
      fine = fine && row.session >= 1 && row.session <= 20
      if let range = ranges[row.instrument] {
        if let score = row.score {
          fine = fine && range.contains(score)
          let tenths = score * 10
          fine = fine && tenths == tenths.rounded()
          if row.instrument != "ORS" && row.instrument != "SRS" {
            fine = fine && score == score.rounded()
          }
        }
      } else {
        fine = false
      }
      if let end = row.episodeEnd { fine = fine && end > row.date }
      if let site = siteOfClinician[row.clinicianID] {
        fine = fine && site == row.site
      } else {
        siteOfClinician[row.clinicianID] = row.site
      }
      if !fine, allFine {
        Issue.record("malformed row: \(row)")
        allFine = false
      }
    }
    #expect(allFine)
    #expect(count > 15_000)
    #expect(siteOfClinician.count == 40)
    #expect(Set(siteOfClinician.values) == siteNames)
  }

  @Test func datesStayWithinTheWindowAndEndMonth() {
    var settings = GeneratorSettings(clients: 1000, seed: 2)
    settings.months = 6
    settings.endMonth = YearMonth(year: 2025, month: 2)
    let practice = SyntheticPractice(settings: settings)
    let first = settings.firstContactWindow.lowerBound
    let last = settings.endMonth.lastDay
    #expect(first == CivilDate(year: 2024, month: 9, day: 1)!)
    #expect(last == CivilDate(year: 2025, month: 2, day: 28)!)
    var earliest = last
    var latest = first
    var endsInside = true
    var weekend = 0
    practice.forEachScore { row in
      earliest = min(earliest, row.date)
      latest = max(latest, row.date)
      if let end = row.episodeEnd, end > last { endsInside = false }
      if ClientProfile.weekday(row.date.days) >= 5 { weekend += 1 }
    }
    #expect(earliest >= first)
    #expect(latest <= last)
    #expect(latest >= CivilDate(year: 2025, month: 2, day: 20)!)
    #expect(endsInside)
    #expect(weekend == 0)
  }

  @Test func sessionsAndDatesIncreaseWithinEachEpisode() {
    let rows = GeneratorFixture.scores(clients: 1000, seed: 4)
    var previous: [String: (session: Int, date: CivilDate)] = [:]  // per series
    var sessionOfDate: [String: [Int: CivilDate]] = [:]  // per episode
    var orderFine = true
    var lastKey = ""
    for row in rows {
      let series = row.clientID + row.episodeID + row.instrument
      if let before = previous[series] {
        if !(row.session > before.session && row.date > before.date) { orderFine = false }
      } else if row.instrument.hasPrefix("WAISR") || row.instrument == "SRS" {
        if row.session > 2 { orderFine = false }  // alliance from session 1 or 2
      } else if row.session != 1 {
        orderFine = false  // outcomes start at session 1
      }
      previous[series] = (row.session, row.date)
      let episode = row.clientID + row.episodeID
      if let date = sessionOfDate[episode]?[row.session], date != row.date { orderFine = false }
      sessionOfDate[episode, default: [:]][row.session] = row.date
      // File order: client, then episode, then session.
      let key = row.clientID + "/" + row.episodeID + "/" + GeneratorFixture.padded(row.session)
      if key < lastKey { orderFine = false }
      lastKey = key
    }
    #expect(orderFine)
  }

  @Test func episodeEndsFollowTheLastSessionOfDischargedEpisodesOnly() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 1000, seed: 6))
    var checked = 0
    var fine = true
    practice.forEachEpisode { episode in
      switch episode.status {
      case .discharged:
        guard let end = episode.episodeEnd else {
          fine = false
          return
        }
        let gap = end.days - episode.lastDate.days
        if gap < 2 || gap > 9 || episode.sessions != episode.plannedSessions { fine = false }
        checked += 1
      case .droppedOut:
        if episode.episodeEnd != nil || episode.sessions >= episode.plannedSessions { fine = false }
      case .open:
        if episode.episodeEnd != nil { fine = false }
      }
    }
    #expect(fine)
    #expect(checked > 400)
  }

  // MARK: - Files

  @Test func filesHoldExactlyWhatForEachScoreYields() throws {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 400, seed: 9))
    let expected = GeneratorFixture.scores(practice)
    let directory = try GeneratorFixture.temporaryDirectory() + "/nested/out"
    let summary = try practice.write(to: directory)
    #expect(summary.files == [directory + "/outcomes.csv", directory + "/alliance.csv"])
    let outcomes = try GeneratorFixture.parse(directory + "/outcomes.csv")
    let alliance = try GeneratorFixture.parse(directory + "/alliance.csv")
    #expect(outcomes == expected.filter { $0.instrument != "SRS" && $0.instrument != "WAISR" })
    #expect(alliance == expected.filter { $0.instrument == "SRS" || $0.instrument == "WAISR" })
    #expect(summary.clients == 400)
    #expect(summary.outcomeRows == outcomes.count)
    #expect(summary.allianceRows == alliance.count)
    #expect(summary.missingScores == expected.filter { $0.score == nil }.count)
    var episodes = 0
    practice.forEachEpisode { _ in episodes += 1 }
    #expect(summary.episodes == episodes)

    let combinedDirectory = try GeneratorFixture.temporaryDirectory()
    let combined = try practice.write(to: combinedDirectory, combined: true)
    #expect(combined.files == [combinedDirectory + "/scores.csv"])
    #expect(try GeneratorFixture.parse(combinedDirectory + "/scores.csv") == expected)
  }

  @Test func filesUseTheDocumentedLayout() throws {
    let directory = try GeneratorFixture.temporaryDirectory()
    _ = try SyntheticPractice(settings: GeneratorSettings(clients: 100, seed: 1)).write(
      to: directory, truth: true)
    let text = try String(contentsOfFile: directory + "/outcomes.csv", encoding: .utf8)
    #expect(text.hasPrefix(
      "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\nC000001,E1,T"))
    #expect(text.hasSuffix("\n"))
    #expect(!text.contains("\r"))
    #expect(!text.contains("\""))
    let alliance = try String(contentsOfFile: directory + "/alliance.csv", encoding: .utf8)
    // Visual-analogue scores carry one decimal; sum scores none.
    for line in alliance.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      #expect(fields.count == 9)
      let score = fields[7]
      if score == "NA" { continue }
      if fields[4] == "SRS" {
        #expect(score.count >= 3 && score.dropLast().last == ".")
      } else {
        #expect(!score.contains("."))
      }
    }
    let truth = try String(contentsOfFile: directory + "/clients_truth.csv", encoding: .utf8)
    let truthLines = truth.split(separator: "\n")
    #expect(truthLines[0].split(separator: ",").count == 20)
    var episodes = 0
    SyntheticPractice(settings: GeneratorSettings(clients: 100, seed: 1)).forEachEpisode { _ in
      episodes += 1
    }
    #expect(truthLines.count == episodes + 1)
    for line in truthLines {
      #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 20)
    }
  }

  @Test func writeRejectsInvalidSettingsAndUnwritablePlaces() throws {
    let directory = try GeneratorFixture.temporaryDirectory()
    var settings = GeneratorSettings(clients: 10)
    settings.months = 0
    #expect(throws: GeneratorSettingsError.self) {
      try SyntheticPractice(settings: settings).write(to: directory)
    }
    let file = directory + "/plain-file"
    #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
    #expect(throws: (any Error).self) {
      try SyntheticPractice(settings: GeneratorSettings(clients: 10)).write(to: file + "/sub")
    }
    let empty = try SyntheticPractice(settings: GeneratorSettings(clients: 0)).write(to: directory)
    #expect(empty.outcomeRows == 0)
    #expect(
      try String(contentsOfFile: directory + "/outcomes.csv", encoding: .utf8)
        == GeneratedCSVWriter.header)
  }

  @Test func defaultsFollowThePracticeSize() {
    #expect(GeneratorSettings(clients: 1000).resolvedClinicians == 40)
    #expect(GeneratorSettings(clients: 1000).resolvedSites == 2)
    #expect(GeneratorSettings(clients: 10).resolvedClinicians == 1)
    #expect(GeneratorSettings(clients: 100_000).resolvedClinicians == 4000)
    #expect(GeneratorSettings(clients: 100_000).resolvedSites == 400)
    #expect(GeneratorSettings(clients: 1001).resolvedSites == 4)
    #expect(GeneratorSettings(clients: 1).endMonth == YearMonth(year: 2026, month: 10))
    #expect(PracticeRoster.siteName(0) == "North")
    #expect(PracticeRoster.siteName(4) == "Central")
    #expect(PracticeRoster.siteName(5) == "Site6")
    var settings = GeneratorSettings(clients: 2_000_000)
    settings.clinicians = 150
    let roster = PracticeRoster(settings: settings)
    #expect(roster.clientID(0) == "C0000001")
    #expect(roster.clinicianID(6) == "T007")
    #expect(roster.site(ofClinician: 0) == 0)
    #expect(roster.site(ofClinician: 149) == settings.resolvedSites - 1)
  }

  // MARK: - Planted phenomena

  @Test func everyPhenomenonIsPresentAtOneThousandClients() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 1000, seed: 1))
    var courses: [CourseType: Int] = [:]
    var statuses: [GeneratedEpisodeStatus: Int] = [:]
    var secondEpisodes = 0
    var episodes = 0
    var suddenGains = 0
    var reversedGains = 0
    var suddenLosses = 0
    var repaired = 0
    var unrepaired = 0
    var lowAlliance = 0
    var clinical = 0
    var instruments: Set<String> = []
    practice.forEachEpisode { episode in
      episodes += 1
      courses[episode.course, default: 0] += 1
      statuses[episode.status, default: 0] += 1
      if episode.episodeID == "E2" { secondEpisodes += 1 }
      if episode.suddenGainSession != nil { suddenGains += 1 }
      if episode.suddenGainReversed == true { reversedGains += 1 }
      if episode.suddenLossSession != nil { suddenLosses += 1 }
      if episode.lowAlliance { lowAlliance += 1 }
      if episode.clinicalIntake { clinical += 1 }
      for rupture in episode.ruptures {
        if rupture.repaired { repaired += 1 } else { unrepaired += 1 }
      }
      instruments.formUnion(episode.outcomeInstruments + [episode.allianceInstrument])
    }
    for course in CourseType.allCases {
      let share = Double(courses[course, default: 0]) / Double(episodes)
      #expect(abs(share - course.share) < 0.04, "\(course): \(share)")
    }
    #expect(instruments == ["PHQ9", "GAD7", "CORE10", "ORS", "SRS", "WAISR"])
    #expect((70...130).contains(secondEpisodes))
    #expect(statuses[.droppedOut, default: 0] > 100)
    #expect(statuses[.discharged, default: 0] > 500)
    #expect(statuses[.open, default: 0] > 50)
    #expect(suddenGains > 60)
    #expect(reversedGains > 10)
    #expect(suddenLosses > 15)
    #expect(repaired > 50)
    #expect(unrepaired > 50)
    #expect(lowAlliance > 50)
    #expect(Double(clinical) / Double(episodes) > 0.8)
    #expect(Double(clinical) / Double(episodes) < 0.97)

    let rows = GeneratorFixture.scores(practice)
    let missing = Double(rows.filter { $0.score == nil }.count) / Double(rows.count)
    #expect(missing > 0.02 && missing < 0.04)
  }

  /// Planted sudden gains meet criteria 1-3 of METHODS.md section 7 at their session, and planted
  /// losses the mirror image; checked on the written scores.
  @Test func plantedSuddenGainsAndLossesAreDetectable() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 2000, seed: 12))
    let series = GeneratorFixture.outcomeSeries(practice)
    var planted = 0
    var detected = 0
    var reversalsAgree = 0
    practice.forEachEpisode { episode in
      for (session, isGain) in [
        (episode.suddenGainSession, true), (episode.suddenLossSession, false),
      ] {
        guard let session else { continue }
        for instrument in episode.outcomeInstruments {
          guard let scores = series[episode.clientID + episode.episodeID + instrument] else {
            continue
          }
          planted += 1
          let event = GeneratorFixture.suddenChange(
            scores, at: session, instrument: instrument, gain: isGain)
          if let event {
            detected += 1
            if !isGain || event.reversed == episode.suddenGainReversed { reversalsAgree += 1 }
          }
        }
      }
    }
    #expect(planted > 250)
    #expect(Double(detected) / Double(planted) > 0.9)
    #expect(Double(reversalsAgree) / Double(detected) > 0.95)
  }

  /// Planted plateaus are stalled (METHODS.md section 6) at their last score in most episodes
  /// that completed at least 8 sessions.
  @Test func plantedPlateausStall() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 2000, seed: 13))
    let series = GeneratorFixture.outcomeSeries(practice)
    var plateaus = 0
    var stalled = 0
    practice.forEachEpisode { episode in
      guard episode.course == .plateau, episode.sessions >= 8 else { return }
      let instrument = episode.outcomeInstruments[0]
      guard let scores = series[episode.clientID + episode.episodeID + instrument],
        scores.count >= 6
      else { return }
      plateaus += 1
      if GeneratorFixture.isStalled(scores, instrument: instrument) { stalled += 1 }
    }
    #expect(plateaus > 150)
    #expect(Double(stalled) / Double(plateaus) > 0.75)
  }

  /// Planted ruptures are drops of at least 1 within-client SD (METHODS.md section 8) from the
  /// previous session, repaired ones return to the pre-rupture level within 3 sessions, and
  /// unrepaired ones stay below `x_{t-1} - SD_w / 2` for those sessions.
  @Test func plantedRupturesAreDetectable() {
    let practice = SyntheticPractice(settings: GeneratorSettings(clients: 1000, seed: 14))
    var alliance: [String: [Int: Double]] = [:]
    var values: [String: [String: [Double]]] = [:]
    practice.forEachScore { row in
      guard row.instrument == "SRS" || row.instrument == "WAISR", let score = row.score else {
        return
      }
      alliance[row.clientID + row.episodeID, default: [:]][row.session] = score
      values[row.instrument, default: [:]][row.clientID + row.episodeID, default: []].append(score)
    }
    // Pooled within-client SD per instrument.
    var withinSD: [String: Double] = [:]
    for (instrument, byEpisode) in values {
      var squares = 0.0
      var freedom = 0
      for scores in byEpisode.values where scores.count > 1 {
        let mean = scores.reduce(0, +) / Double(scores.count)
        squares += scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        freedom += scores.count - 1
      }
      withinSD[instrument] = (squares / Double(freedom)).squareRoot()
    }
    var ruptures = 0
    var agree = 0
    practice.forEachEpisode { episode in
      guard let scores = alliance[episode.clientID + episode.episodeID],
        let sd = withinSD[episode.allianceInstrument]
      else { return }
      for rupture in episode.ruptures {
        ruptures += 1
        guard let before = scores[rupture.session - 1], let at = scores[rupture.session],
          before - at >= sd
        else { continue }
        let repaired = (1...3).contains { k in
          (scores[rupture.session + k] ?? -.infinity) >= before - sd / 2
        }
        if repaired == rupture.repaired { agree += 1 }
      }
    }
    #expect(ruptures > 150)
    #expect(agree == ruptures)
  }
}

/// Helpers of `GeneratorTests`.
private enum GeneratorFixture {
  static func scores(clients: Int, seed: UInt64) -> [GeneratedScore] {
    scores(SyntheticPractice(settings: GeneratorSettings(clients: clients, seed: seed)))
  }

  static func scores(_ practice: SyntheticPractice) -> [GeneratedScore] {
    var rows: [GeneratedScore] = []
    practice.forEachScore { rows.append($0) }
    return rows
  }

  /// Present outcome scores by client + episode + instrument, as (session, score) in session order.
  static func outcomeSeries(_ practice: SyntheticPractice) -> [String: [(Int, Double)]] {
    var series: [String: [(Int, Double)]] = [:]
    practice.forEachScore { row in
      guard row.instrument != "SRS", row.instrument != "WAISR", let score = row.score else { return }
      series[row.clientID + row.episodeID + row.instrument, default: []].append((row.session, score))
    }
    return series
  }

  static let reliableChange: [String: Double] = ["PHQ9": 6, "GAD7": 4, "CORE10": 6, "ORS": 5]
  static let maximum: [String: Double] = ["PHQ9": 27, "GAD7": 21, "CORE10": 40, "ORS": 40]

  /// `+1` where higher is better.
  static func direction(_ instrument: String) -> Double { instrument == "ORS" ? 1 : -1 }

  static func isClinical(_ score: Double, _ instrument: String) -> Bool {
    switch instrument {
    case "PHQ9": return score >= 10
    case "GAD7": return score >= 8
    case "CORE10": return score >= 11
    default: return score <= 25
    }
  }

  /// METHODS.md section 7 at the interval N -> N+1: criteria 1-3 and the reversal rule.
  static func suddenChange(
    _ scores: [(Int, Double)], at n: Int, instrument: String, gain: Bool
  ) -> (magnitude: Double, reversed: Bool)? {
    let bySession = Dictionary(uniqueKeysWithValues: scores)
    guard let pre = bySession[n], let post = bySession[n + 1], let rc = reliableChange[instrument],
      let top = maximum[instrument]
    else { return nil }
    let sign = (gain ? 1 : -1) * direction(instrument)
    let change = sign * (post - pre)
    guard change >= rc else { return nil }
    let severity = direction(instrument) < 0 ? pre : top - pre
    let mirrored = direction(instrument) < 0 ? top - pre : pre
    guard change >= 0.25 * (gain ? severity : max(severity, mirrored)) else { return nil }
    let before = (n - 2...n).compactMap { bySession[$0] }
    let after = (n + 1...n + 3).compactMap { bySession[$0] }
    guard before.count >= 2, after.count >= 2 else { return nil }
    let freedom = before.count + after.count - 2
    let pooled = ((sumOfSquares(before) + sumOfSquares(after)) / Double(freedom)).squareRoot()
    let critical = [2: 4.303, 3: 3.182, 4: 2.776][freedom]!
    guard sign * (mean(after) - mean(before)) > critical * pooled else { return nil }
    let reversed = scores.contains { $0.0 >= n + 2 && sign * ($0.1 - post) < -change / 2 }
    return (change, reversed)
  }

  /// METHODS.md section 6 at the last score.
  static func isStalled(_ scores: [(Int, Double)], instrument: String) -> Bool {
    guard scores.count >= 6, let rc = reliableChange[instrument] else { return false }
    let improvement = direction(instrument) * (scores.last!.1 - scores.first!.1)
    guard improvement < rc, isClinical(scores.last!.1, instrument) else { return false }
    let window = scores.suffix(4)
    let t = window.map { Double($0.0) }
    let y = window.map(\.1)
    let meanT = mean(t)
    let meanY = mean(y)
    let sxx = t.reduce(0) { $0 + ($1 - meanT) * ($1 - meanT) }
    let sxy = zip(t, y).reduce(0) { $0 + ($1.0 - meanT) * ($1.1 - meanY) }
    return abs(sxy / sxx) * 3 < rc
  }

  static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

  static func sumOfSquares(_ values: [Double]) -> Double {
    let m = mean(values)
    return values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
  }

  static func isID(_ text: String, letter: Character, digits: Int) -> Bool {
    text.first == letter && text.count == digits + 1
      && text.utf8.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
  }

  static func padded(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
  }

  /// A new empty folder, removed with the test process's other files (`TestFiles`).
  static func temporaryDirectory() throws -> String { TestFiles.newFolder() }

  /// Reads a generated CSV file back with a plain split (the files never need quoting).
  static func parse(_ path: String) throws -> [GeneratedScore] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.removeFirst() == GeneratedCSVWriter.header.dropLast())
    #expect(lines.removeLast() == "")
    return lines.map { line in
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      #expect(f.count == 9)
      return GeneratedScore(
        clientID: f[0], episodeID: f[1], clinicianID: f[2], site: f[3], instrument: f[4],
        session: Int(f[5]) ?? -1, date: CivilDate(iso: f[6]) ?? CivilDate(days: 0),
        score: f[7] == "NA" ? nil : Double(f[7]),
        episodeEnd: f[8].isEmpty ? nil : CivilDate(iso: f[8]))
    }
  }
}
