import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// The alliance-outcome association (METHODS.md section 8): statsmodels' numbers on a fixed data set,
/// the row rule, the diagnostics, and properties of the estimator.
@Suite struct AllianceOutcomeTests {
  /// `|a - b| <= tolerance * scale`, with `scale = |b|` unless given.
  static func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9, scale: Double? = nil) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * (scale ?? abs(b))
  }

  static let registry = InstrumentRegistry.builtIn
  static let phq9 = UInt16(registry.index(of: "PHQ9")!)
  static let gad7 = UInt16(registry.index(of: "GAD7")!)
  static let srs = UInt16(registry.index(of: "SRS")!)
  static let waisr = UInt16(registry.index(of: "WAISR")!)

  // MARK: - statsmodels

  /// Tests/Reference/alliance_outcome_reference.csv: 36 clients (6 with two episodes), PHQ9 and SRS
  /// throughout, GAD7 for 20 clients, WAI-SR for 4; skipped sessions and missing scores.
  static let referencePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Reference/alliance_outcome_reference.csv").path

  /// One pair's numbers as statsmodels 0.15.0 prints them, in the order intercept, outcome_t,
  /// within, between (`python3 Tests/Reference/alliance_outcome_reference.py`).
  struct Reference {
    var n: Int
    var clients: Int
    var episodes: Int
    var estimate: [Double]
    var se: [Double]
    var statistic: [Double]
    var pNormal: [Double]
    var lowerNormal: [Double]
    var upperNormal: [Double]
    var pT: [Double]
    var lowerT: [Double]
    var upperT: [Double]
    var covariance: [Double]
  }

  static let phq9SRS = Reference(
    n: 214, clients: 36, episodes: 42,
    estimate: [5.934852103097254, 0.7567290005226446, -0.4557623841691885, -0.12235982168401252],
    se: [1.0138504327169324, 0.03433109787994622, 0.052931932302374814, 0.03129380368354767],
    statistic: [5.853774789238826, 22.042085667311902, -8.610348505050524, -3.910033530003311],
    pNormal: [4.805392415937186e-09, 1.1377378578042387e-107, 7.28387989383944e-18, 9.228331030639939e-05],
    lowerNormal: [3.9477417692617167, 0.6894412851282306, -0.5595070651139554, -0.18369454984303285],
    upperNormal: [7.921962436932791, 0.8240167159170586, -0.3520177032244216, -0.061025093524992205],
    pT: [1.2032373972543985e-06, 4.1661525119236656e-22, 3.6474693848909255e-10, 0.00040468035527083443],
    lowerT: [3.8766263015785682, 0.6870331665310272, -0.5632199195938501, -0.18588962064709244],
    upperT: [7.993077904615939, 0.826424834514262, -0.348304848744527, -0.0588300227209326],
    covariance: [
      1.0278926999203113, -0.0065429403524562245, 0.01684158671645878, -0.029327070968919764,
      -0.0065429403524561785, 0.0011786242816424477, -0.00033023881149323996, -0.00020639933012826892,
      0.01684158671645884, -0.0003302388114932405, 0.0028017894572631903, -0.00043910949897469525,
      -0.029327070968920434, -0.00020639933012826426, -0.00043910949897469286, 0.0009793021489844218,
    ])

  static let gad7SRS = Reference(
    n: 136, clients: 20, episodes: 26,
    estimate: [5.241580266756235, 0.7158265338579328, -0.2966774567174948, -0.10399998053608872],
    se: [1.442005517788837, 0.031531565436001566, 0.06497564618397036, 0.04289488401397016],
    statistic: [3.634923862700362, 22.701902806278966, -4.565979319043476, -2.4245311049732092],
    pNormal: [0.00027806274309903004, 4.290202714525535e-114, 4.971677840288566e-06, 0.015328170163006031],
    lowerNormal: [2.4153013863820822, 0.6540258012272018, -0.4240273831102941, -0.18807240832449312],
    upperNormal: [8.067859147130388, 0.7776272664886639, -0.16932753032469547, -0.019927552747684305],
    pT: [0.0017626204190836121, 3.1445871213386613e-15, 0.00021111680937852773, 0.025469477556215675],
    lowerT: [2.2234280314346906, 0.649830208927232, -0.4326730471312682, -0.19378000458838268],
    upperT: [8.259732502077778, 0.7818228587886337, -0.1606818663037214, -0.014219956483794746],
    covariance: [
      2.079379913333452, -0.012463806573371932, 0.01331693028808696, -0.060328495504725826,
      -0.012463806573372416, 0.0009942396188448485, -0.000353570543653388, 9.828112860465033e-05,
      0.013316930288086955, -0.0003535705436533879, 0.0042218345970245034, -0.00023451248058083276,
      -0.06032849550472658, 9.828112860464052e-05, -0.00023451248058083094, 0.001839971074571953,
    ])

  static func loadReference() throws -> SeriesTable {
    try InputLoader.load(
      files: [referencePath], registry: registry, ingest: IngestOptions(), series: SeriesOptions()
    ).table
  }

  /// Every number to 1e-9 relative (covariances relative to the larger diagonal element of their
  /// row and column, interval bounds relative to the standard error).
  static func expectAgreement(_ fit: AllianceOutcomeFit, _ reference: Reference) {
    #expect(fit.observationCount == reference.n)
    #expect(fit.clientCount == reference.clients)
    #expect(fit.episodeCount == reference.episodes)
    #expect(fit.degreesOfFreedom == reference.clients - 1)
    #expect(fit.diagnostics.isEmpty)
    #expect(fit.coefficients.map(\.term) == AllianceOutcomeTerm.allCases)
    guard fit.coefficients.count == 4, fit.covariance.count == 4 else {
      Issue.record("not fitted: \(fit.diagnostics)")
      return
    }
    for (j, c) in fit.coefficients.enumerated() {
      #expect(close(c.estimate, reference.estimate[j]), "estimate \(j)")
      #expect(close(c.standardError, reference.se[j]), "se \(j)")
      #expect(close(c.statistic, reference.statistic[j]), "statistic \(j)")
      #expect(close(c.normal.pValue, reference.pNormal[j]), "p normal \(j)")
      #expect(close(c.normal.lower, reference.lowerNormal[j], scale: reference.se[j]), "lower normal \(j)")
      #expect(close(c.normal.upper, reference.upperNormal[j], scale: reference.se[j]), "upper normal \(j)")
      #expect(close(c.studentT.pValue, reference.pT[j]), "p t \(j)")
      #expect(close(c.studentT.lower, reference.lowerT[j], scale: reference.se[j]), "lower t \(j)")
      #expect(close(c.studentT.upper, reference.upperT[j], scale: reference.se[j]), "upper t \(j)")
      for i in 0..<4 {
        let scale = max(reference.covariance[i * 5], reference.covariance[j * 5])
        #expect(close(fit.covariance[i][j], reference.covariance[i * 4 + j], scale: scale), "covariance \(i) \(j)")
      }
    }
  }

  @Test func agreesWithStatsmodelsOnTheReferenceData() throws {
    let fits = AllianceOutcomeAssociation.estimate(table: try Self.loadReference(), registry: Self.registry)
    #expect(fits.map { "\($0.outcomeName)x\($0.allianceName)" } == ["PHQ9xSRS", "PHQ9xWAISR", "GAD7xSRS"])
    guard fits.count == 3 else { return }
    Self.expectAgreement(fits[0], Self.phq9SRS)
    Self.expectAgreement(fits[2], Self.gad7SRS)
    // WAI-SR was given to 4 clients: rows, but too few clusters for a fit.
    #expect(fits[1].observationCount == 29)
    #expect(fits[1].clientCount == 4)
    #expect(fits[1].episodeCount == 4)
    #expect(!fits[1].isFitted)
    #expect(fits[1].covariance.isEmpty)
    #expect(fits[1].diagnostics.map(\.code) == [.tooFewClients])
  }

  @Test func shuffledInputRowsGiveTheSameNumbers() throws {
    let text = try String(contentsOfFile: Self.referencePath, encoding: .utf8)
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    var random = SplitMix64(seed: 7, stream: 1)
    for i in stride(from: lines.count - 1, to: 0, by: -1) { lines.swapAt(i, random.integer(0...i)) }
    let table = try TestFiles.load(([header] + lines).joined(separator: "\n") + "\n").table
    let fits = AllianceOutcomeAssociation.estimate(table: table, registry: Self.registry)
    #expect(fits.count == 3)
    guard fits.count == 3 else { return }
    Self.expectAgreement(fits[0], Self.phq9SRS)
    Self.expectAgreement(fits[2], Self.gad7SRS)
  }

  @Test func observationsAreTheRowsTheFitUses() throws {
    let table = try Self.loadReference()
    let rows = AllianceOutcomeAssociation.observations(table: table, registry: Self.registry)
    let fits = AllianceOutcomeAssociation.estimate(table: table, registry: Self.registry)
    #expect(rows.map(\.count) == fits.map(\.observationCount))
    #expect(rows.map(\.count) == [214, 29, 136])
    for pair in rows {
      // The within part sums to zero over each episode's rows; the mean is the episode's.
      var sums: [Int: Double] = [:]
      for r in 0..<pair.count {
        sums[pair.episode[r], default: 0] += pair.allianceWithin[r]
        #expect(pair.client[r] == table.episodes[pair.episode[r]].client)
      }
      for (_, sum) in sums { #expect(abs(sum) < 1e-12) }
      #expect(Set(pair.episode).count == fits.first { $0.outcomeInstrument == pair.outcomeInstrument && $0.allianceInstrument == pair.allianceInstrument }?.episodeCount)
    }
  }

  // MARK: - Hand-built tables

  /// One episode: its client, and (session, score) lists of one outcome and one alliance series
  /// (NaN = missing).
  struct EpisodeData {
    var client: UInt32
    var outcome: [(Int32, Double)]
    var alliance: [(Int32, Double)]
    var allianceFirst = false
    var outcomeAxis = TimeAxis.session
  }

  /// A series table of `episodes`, in the given order.
  static func table(_ episodes: [EpisodeData], outcome: UInt16 = phq9, alliance: UInt16 = srs) -> SeriesTable {
    var table = SeriesTable()
    for (e, data) in episodes.enumerated() {
      let first = table.series.count
      var parts = [(outcome, data.outcome, data.outcomeAxis), (alliance, data.alliance, TimeAxis.session)]
      if data.allianceFirst { parts.reverse() }
      for (instrument, scores, axis) in parts {
        let start = table.score.count
        for (session, score) in scores {
          table.session.append(session)
          table.date.append(ScoreRows.noDate)
          table.score.append(score)
        }
        table.series.append(Series(episode: e, instrument: instrument, scores: start..<table.score.count, timeAxis: axis))
      }
      table.episodes.append(
        Episode(
          client: data.client, episode: 0, clinician: 0, site: 0, series: first..<table.series.count,
          firstDate: ScoreRows.noDate, lastDate: ScoreRows.noDate, endDate: ScoreRows.noDate, status: .active,
          ending: .none))
    }
    return table
  }

  static func only(_ table: SeriesTable) -> AllianceOutcomeFit? {
    let fits = AllianceOutcomeAssociation.estimate(table: table, registry: registry)
    #expect(fits.count == 1)
    return fits.first
  }

  @Test func rowsNeedTheNextSessionNumberExactly() {
    // Outcome at 1, 2, 4, 5, 6 (6 missing); alliance at 1 to 5 (3 missing). Rows: t = 1 (outcome at 2)
    // and t = 4 (outcome at 5). Not t = 2 (no outcome at 3, the score at 4 is two sessions on), not
    // t = 5 (outcome at 6 missing).
    let episode = EpisodeData(
      client: 3, outcome: [(1, 20), (2, 18), (4, 15), (5, 12), (6, .nan)],
      alliance: [(1, 30), (2, 31), (3, .nan), (4, 35), (5, 36)])
    let rows = AllianceOutcomeAssociation.observations(table: Self.table([episode]), registry: Self.registry)
    #expect(rows.count == 1)
    guard let r = rows.first else { return }
    #expect(r.session == [1, 4])
    #expect(r.nextOutcome == [18, 12])
    #expect(r.outcome == [20, 15])
    #expect(r.allianceMean == [32.5, 32.5])
    #expect(r.allianceWithin == [-2.5, 2.5])
    #expect(r.client == [3, 3])
  }

  @Test func diagnosticsWhenThePairCannotBeFitted() {
    // One row per episode: no within variation.
    let single = (0..<8).map { c -> EpisodeData in
      let x = Double(c)
      return EpisodeData(client: UInt32(c), outcome: [(1, 10 + x), (2, 9 + 2 * x)], alliance: [(1, 20 + x)])
    }
    let noWithin = Self.only(Self.table(single))
    #expect(noWithin?.diagnostics.map(\.code) == [.noWithinVariation])
    #expect(noWithin?.isFitted == false)
    #expect(noWithin?.observationCount == 8)

    // Every episode has the same mean alliance: no between variation.
    let sameMean = (0..<8).map { c -> EpisodeData in
      let x = Double(c)
      let third = Double(c * c % 5)
      return EpisodeData(
        client: UInt32(c), outcome: [(1, 10 + x), (2, 9 + third), (3, x.truncatingRemainder(dividingBy: 3))],
        alliance: [(1, 30 - x), (2, 30 + x)])
    }
    #expect(Self.only(Self.table(sameMean))?.diagnostics.map(\.code) == [.noBetweenVariation])

    // No session with both: no observations.
    let apart = [EpisodeData(client: 0, outcome: [(1, 10), (2, 9)], alliance: [(5, 30)])]
    let none = Self.only(Self.table(apart))
    #expect(none?.diagnostics.map(\.code) == [.noObservations])
    #expect(none?.observationCount == 0)

    // outcome_t proportional to the between mean in every row: another dependence.
    let collinear = (0..<8).map { c -> EpisodeData in
      let level = Double(20 + c)
      let third = Double(c * c % 7)
      return EpisodeData(
        client: UInt32(c), outcome: [(1, 2 * level), (2, 2 * level), (3, third)], alliance: [(1, level - 1), (2, level + 1)])
    }
    #expect(Self.only(Self.table(collinear))?.diagnostics.map(\.code) == [.collinearDesign])
  }

  @Test func dateOrderedEpisodesAreLeftOutAndCounted() {
    var episodes = Self.synthetic(seed: 11, coefficients: (3, 0.6, -0.4, -0.2), noise: 1).episodes
    episodes[0].outcomeAxis = .date
    let fit = Self.only(Self.table(episodes))
    let all = Self.only(Self.table(Array(episodes.dropFirst())))
    #expect(fit?.episodesSkipped == 1)
    #expect(fit?.diagnostics.map(\.code) == [.dateOrderedEpisodesSkipped])
    #expect(fit?.isFitted == true)
    #expect(fit?.observationCount == all?.observationCount)
    #expect(fit?.coefficient(.allianceWithin)?.estimate == all?.coefficient(.allianceWithin)?.estimate)
  }

  // MARK: - Synthetic data for the properties

  /// 8 to 19 clients, a quarter with two episodes; 5 to 14 sessions per episode with gaps; scores
  /// missing at random, except that sessions 1 to 3 are complete (so every episode has at least two
  /// rows). The outcome follows the model exactly where a row predicts it (plus `noise` times a
  /// standard normal), and is drawn freely elsewhere.
  static func synthetic(
    seed: UInt64, coefficients b: (Double, Double, Double, Double), noise: Double
  ) -> (episodes: [EpisodeData], scale: Double) {
    var random = SplitMix64(seed: seed, stream: 3)
    var episodes: [EpisodeData] = []
    let clients = random.integer(8...19)
    var largest = 1.0
    for c in 0..<clients {
      for _ in 0..<(random.chance(0.25) ? 2 : 1) {
        var sessions: [Int32] = [1, 2, 3]
        for s in 4...random.integer(5...14) where random.chance(0.85) { sessions.append(Int32(s)) }
        let level = random.uniform(20, 38)
        var alliance: [Int32: Double] = [:]
        var outcomeObserved: [Int32: Bool] = [:]
        for s in sessions {
          if s <= 3 || random.chance(0.85) { alliance[s] = level + 3 * random.normal() }
          outcomeObserved[s] = s <= 3 || random.chance(0.9)
        }
        let present = Set(sessions)
        let rows = sessions.filter {
          present.contains($0 + 1) && outcomeObserved[$0]! && outcomeObserved[$0 + 1]! && alliance[$0] != nil
        }
        let mean = rows.reduce(0.0) { $0 + alliance[$1]! } / Double(rows.count)
        var outcome: [(Int32, Double)] = []
        var previous = Double.nan
        for s in sessions {
          var value: Double
          if let p = rows.firstIndex(of: s - 1).map({ rows[$0] }) {
            value = b.0 + b.1 * previous + b.2 * (alliance[p]! - mean) + b.3 * mean + noise * random.normal()
          } else {
            value = random.uniform(0, 27)
          }
          previous = value
          largest = max(largest, abs(value))
          if !outcomeObserved[s]! { value = .nan }
          outcome.append((s, value))
        }
        let allianceScores = sessions.map { ($0, alliance[$0] ?? .nan) }
        episodes.append(EpisodeData(client: UInt32(c), outcome: outcome, alliance: allianceScores))
      }
    }
    return (episodes, largest)
  }

  @Test func dataFromTheModelWithoutNoiseGiveTheCoefficientsBack() async {
    await propertyCheck(
      input: Gen.int(in: 0...1_000_000), Gen.double(in: -10...10), Gen.double(in: -0.9...0.9), Gen.double(in: -2...2),
      Gen.double(in: -1...1)
    ) { seed, b0, b1, bw, bb in
      let (episodes, scale) = Self.synthetic(seed: UInt64(seed), coefficients: (b0, b1, bw, bb), noise: 0)
      guard let fit = Self.only(Self.table(episodes)), fit.isFitted else {
        Issue.record("not fitted")
        return
      }
      // Tolerance: 1e-9 of the largest outcome for the slopes, times the alliance level (40) for the
      // intercept, which is extrapolated from there.
      let expected = [b0, b1, bw, bb]
      let tolerances = [40 * scale, scale, scale, scale]
      for (j, c) in fit.coefficients.enumerated() {
        #expect(Self.close(c.estimate, expected[j], scale: tolerances[j]), "\(c.term): \(c.estimate) vs \(expected[j])")
        #expect(c.standardError <= 1e-6 * tolerances[j], "\(c.term) SE \(c.standardError)")
      }
    }
  }

  /// Coefficients and SEs of two fits agree to 1e-9 of the SE (or of the estimate when larger).
  static func sameFit(_ a: AllianceOutcomeFit?, _ b: AllianceOutcomeFit?, terms: [AllianceOutcomeTerm] = AllianceOutcomeTerm.allCases) -> Bool {
    guard let a, let b, a.isFitted, b.isFitted else { return false }
    return terms.allSatisfy { term in
      let (x, y) = (a.coefficient(term)!, b.coefficient(term)!)
      let scale = max(abs(y.estimate), y.standardError)
      return close(x.estimate, y.estimate, scale: scale) && close(x.standardError, y.standardError)
    }
  }

  @Test func permutingClientsEpisodesAndSeriesChangesNothing() async {
    await propertyCheck(input: Gen.int(in: 0...1_000_000), Gen.int(in: 0...1_000_000)) { seed, shuffleSeed in
      let (episodes, _) = Self.synthetic(seed: UInt64(seed), coefficients: (4, 0.7, -0.3, -0.1), noise: 1.5)
      var random = SplitMix64(seed: UInt64(shuffleSeed), stream: 5)
      // New client ids (a permutation), a new episode order, and the alliance series listed first in some episodes.
      let clientCount = Int(episodes.map(\.client).max()!) + 1
      var relabel = Array(0..<clientCount)
      for i in stride(from: clientCount - 1, to: 0, by: -1) { relabel.swapAt(i, random.integer(0...i)) }
      var permuted = episodes.map { e -> EpisodeData in
        var e = e
        e.client = UInt32(relabel[Int(e.client)])
        e.allianceFirst = random.chance(0.5)
        return e
      }
      for i in stride(from: permuted.count - 1, to: 0, by: -1) { permuted.swapAt(i, random.integer(0...i)) }
      let before = Self.only(Self.table(episodes))
      let after = Self.only(Self.table(permuted))
      #expect(Self.sameFit(after, before))
      #expect(after?.observationCount == before?.observationCount)
      #expect(after?.clientCount == before?.clientCount)
      #expect(after?.episodeCount == before?.episodeCount)
    }
  }

  static func shiftAlliance(_ episodes: [EpisodeData], client: UInt32?, by constant: Double) -> [EpisodeData] {
    episodes.map { e in
      guard client == nil || e.client == client else { return e }
      var e = e
      e.alliance = e.alliance.map { ($0.0, $0.1 + constant) }
      return e
    }
  }

  @Test func aConstantAddedToEveryAllianceScoreMovesOnlyTheIntercept() async {
    await propertyCheck(input: Gen.int(in: 0...1_000_000), Gen.double(in: -15...15)) { seed, constant in
      let (episodes, _) = Self.synthetic(seed: UInt64(seed), coefficients: (4, 0.7, -0.3, -0.1), noise: 1.5)
      let before = Self.only(Self.table(episodes))
      let after = Self.only(Self.table(Self.shiftAlliance(episodes, client: nil, by: constant)))
      #expect(Self.sameFit(after, before, terms: [.outcome, .allianceWithin, .allianceBetween]))
      guard let before, let after, before.isFitted, after.isFitted else { return }
      let between = before.coefficient(.allianceBetween)!.estimate
      let intercept = before.coefficient(.intercept)!
      #expect(
        Self.close(
          after.coefficient(.intercept)?.estimate, intercept.estimate - between * constant,
          scale: intercept.standardError * (1 + abs(constant))))
    }
  }

  @Test func aConstantAddedToOneClientsAllianceLeavesTheWithinPartUnchanged() async {
    await propertyCheck(input: Gen.int(in: 0...1_000_000), Gen.double(in: -15...15), Gen.int(in: 0...7)) {
      seed, constant, client in
      let (episodes, _) = Self.synthetic(seed: UInt64(seed), coefficients: (4, 0.7, -0.3, -0.1), noise: 1.5)
      let shifted = Self.shiftAlliance(episodes, client: UInt32(client), by: constant)
      let before = AllianceOutcomeAssociation.observations(table: Self.table(episodes), registry: Self.registry)
      let after = AllianceOutcomeAssociation.observations(table: Self.table(shifted), registry: Self.registry)
      #expect(before.count == 1 && after.count == 1)
      guard let b = before.first, let a = after.first else { return }
      #expect(a.session == b.session)
      #expect(zip(a.allianceWithin, b.allianceWithin).allSatisfy { abs($0 - $1) <= 1e-12 * 60 })
      for r in 0..<a.count where a.client[r] == UInt32(client) {
        #expect(abs(a.allianceMean[r] - b.allianceMean[r] - constant) <= 1e-12 * 60)
      }
    }
  }

  /// Episodes whose outcome_t comes in equal pairs of sessions (1 and 2, 3 and 4, ...) while the
  /// alliance moves symmetrically about the episode mean within each pair: then outcome_t is
  /// orthogonal to the within part, and βw is the within-episode (fixed-effects) estimate.
  static func orthogonal(seed: UInt64) -> [EpisodeData] {
    var random = SplitMix64(seed: seed, stream: 9)
    return (0..<random.integer(8...16)).map { c in
      let pairs = random.integer(2...5)
      let level = random.uniform(20, 38)
      var outcome: [(Int32, Double)] = []
      var alliance: [(Int32, Double)] = []
      for p in 0..<pairs {
        let value = random.uniform(0, 27)
        let swing = random.uniform(0.5, 4)
        outcome += [(Int32(2 * p + 1), value), (Int32(2 * p + 2), value)]
        alliance += [(Int32(2 * p + 1), level + swing), (Int32(2 * p + 2), level - swing)]
      }
      outcome.append((Int32(2 * pairs + 1), random.uniform(0, 27)))
      return EpisodeData(client: UInt32(c), outcome: outcome, alliance: alliance)
    }
  }

  @Test func withOutcomeOrthogonalToTheWithinPartAConstantForOneClientLeavesTheWithinCoefficient() async {
    await propertyCheck(input: Gen.int(in: 0...1_000_000), Gen.double(in: -15...15), Gen.int(in: 0...7)) {
      seed, constant, client in
      let episodes = Self.orthogonal(seed: UInt64(seed))
      let before = Self.only(Self.table(episodes))
      let after = Self.only(Self.table(Self.shiftAlliance(episodes, client: UInt32(client), by: constant)))
      guard let b = before?.coefficient(.allianceWithin), let a = after?.coefficient(.allianceWithin) else {
        Issue.record("not fitted")
        return
      }
      #expect(Self.close(a.estimate, b.estimate, scale: max(abs(b.estimate), b.standardError)))
    }
  }
}
