import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// Sudden gains and losses (METHODS.md section 7): hand-worked series, the critical t values, missing
/// sessions, reversals, losses, both scale directions, properties, and the suddengains example data.
@Suite struct SuddenGainTests {
  /// BDI-II as suddengains' vignette uses it: lower is better, 0-63, criterion 1 = 7 points.
  static let bdi = SuddenGainRule(points: 7, proportion: 0.25, direction: .lowerIsBetter, minimum: 0, maximum: 63)

  /// Sessions 1, 2, ... for `scores`; `nil` is a missing score (NaN).
  static func run(_ rule: SuddenGainRule, _ scores: [Double?], firstSession: Int32 = 1) -> SuddenChanges {
    let sessions = (0..<scores.count).map { firstSession + Int32($0) }
    return rule.detect(sessions: sessions, scores: scores.map { $0 ?? .nan })
  }

  // MARK: - The three criteria

  /// 30 31 29 | 20 19 18: N = 3 -> 4 drops 9 points (>= 7), 9 >= 0.25 * 29 = 7.25, and the pre mean 30
  /// exceeds the post mean 19 by 11 > 2.776445 * sqrt((2 + 2) / 4) = 2.776445.
  @Test func aClearGain() throws {
    let result = Self.run(Self.bdi, [30, 31, 29, 20, 19, 18])
    let gain = try #require(result.events.first)
    #expect(result.events.count == 1)
    #expect(gain.kind == .gain)
    #expect(gain.session == 4)
    #expect(gain.pregainSession == 3)
    #expect(gain.magnitude == 9)
    #expect(gain.proportion == 9.0 / 29.0)
    #expect(gain.preMean == 30)
    #expect(gain.postMean == 19)
    #expect(gain.preCount == 3 && gain.postCount == 3)
    #expect(!gain.reversed && gain.reversalSession == nil)
    // Tested: 2->3 (pre 30 31), 3->4, 4->5 (post 19 18); 1->2 is the first interval, 5->6 has one post score.
    #expect(result.counts.testedIntervals == 3)
    #expect(result.counts.gains == 1 && result.counts.losses == 0)
  }

  /// 21 20 20 | 14 14 13: criteria 2 (6 >= 5) and 3 hold, criterion 1 fails with 7 points and holds,
  /// inclusively, with 6.
  @Test func criterionOneFailingAlone() {
    let scores: [Double?] = [21, 20, 20, 14, 14, 13]
    #expect(Self.run(Self.bdi, scores).events.isEmpty)
    var six = Self.bdi
    six.points = 6
    #expect(Self.run(six, scores).events.map(\.session) == [4])
  }

  /// 41 40 40 | 32 32 31: an 8-point drop from 40 is 20% of the severity, below 25%. From 32 the same drop
  /// is exactly 25%, which counts (inclusive).
  @Test func criterionTwoFailingAlone() {
    #expect(Self.run(Self.bdi, [41, 40, 40, 32, 32, 31]).events.isEmpty)
    let atQuarter = Self.run(Self.bdi, [33, 32, 32, 24, 24, 23])
    #expect(atQuarter.events.map(\.session) == [4])
    #expect(atQuarter.events.first?.proportion == 0.25)
  }

  /// 40 20 30 | 20 32 10: 30 -> 20 meets criteria 1 and 2, but the windows are so noisy that the mean
  /// difference 9.33 is below 2.776445 * 10.52 = 29.2. Without criterion 3 it is a gain.
  @Test func criterionThreeFailingAlone() {
    let scores: [Double?] = [40, 20, 30, 20, 32, 10]
    let result = Self.run(Self.bdi, scores)
    #expect(result.events.isEmpty)
    #expect(result.counts.testedIntervals == 3)
    var noTest = Self.bdi
    noTest.meanDifferenceTest = false
    let withoutTest = Self.run(noTest, scores)
    // 20 -> 30 worsens by 10 >= 0.25 * 20 = 5 (the pre-loss severity), a loss; 30 -> 20 gain; 20 -> 32
    // worsens by 12 >= 5, a loss; 32 -> 10 gain.
    #expect(withoutTest.events.map(\.session) == [3, 4, 5, 6])
    #expect(withoutTest.events.map(\.kind) == [.loss, .gain, .loss, .gain])
    // The mirrored loss rule: 10 < 0.25 * (63 - 20) = 10.75 is no loss, 12 >= 10.75 is.
    noTest.lossSeverity = .room
    #expect(Self.run(noTest, scores).events.map(\.kind) == [.gain, .loss, .gain])
    // Without criterion 3 an interval needs only N and N+1 (and N not the first session): 2->3 .. 5->6.
    #expect(withoutTest.counts.testedIntervals == 4)
  }

  // MARK: - Critical t by degrees of freedom (Lutz et al. 2013)

  /// R: `abs(qt(0.025, df))` = 4.302653 (2), 3.182446 (3), 2.776445 (4).
  @Test func criticalValues() {
    #expect(abs(suddenGainCriticalT(degreesOfFreedom: 2) - 4.302653) < 1e-6)
    #expect(abs(suddenGainCriticalT(degreesOfFreedom: 3) - 3.182446) < 1e-6)
    #expect(abs(suddenGainCriticalT(degreesOfFreedom: 4) - 2.776445) < 1e-6)
  }

  /// Criteria 1 and 2 relaxed so that criterion 3 decides; each case puts `D / s_pooled` between two
  /// critical values, so only the right one gives the expected answer.
  @Test func criterionThreeUsesTheDegreesOfFreedomItHas() {
    let loose = SuddenGainRule(points: 0.5, proportion: 0.01, direction: .lowerIsBetter, minimum: 0, maximum: 63)
    // df 4: pre 12 11 10, post 9 8 7: D = 3, s = 1, 2.776 < 3 < 3.182 -> gain.
    #expect(Self.run(loose, [12, 11, 10, 9, 8, 7]).events.map(\.session) == [4])
    // df 3 (N-2 missing): pre 11 10, post 9 9 9: s = sqrt(0.5 / 3) = 0.408, D = 1.5, ratio 3.674 in
    // (3.182, 4.303) -> gain; post 9.3 9.3 9.3: ratio 2.939 in (2.776, 3.182) -> none.
    let df3 = Self.run(loose, [nil, 11, 10, 9, 9, 9])
    #expect(df3.events.map(\.session) == [4])
    #expect(df3.events.first?.preCount == 2 && df3.events.first?.postCount == 3)
    #expect(Self.run(loose, [nil, 11, 10, 9.3, 9.3, 9.3]).events.isEmpty)
    // df 2 (N-2 and N+2 missing): pre 11 10, post x . x: s = 0.5; D = 2.2 gives 4.4 > 4.303 -> gain,
    // D = 2.0 gives 4.0 in (3.182, 4.303) -> none.
    #expect(Self.run(loose, [nil, 11, 10, 8.3, nil, 8.3]).events.map(\.session) == [4])
    #expect(Self.run(loose, [nil, 11, 10, 8.5, nil, 8.5]).events.isEmpty)
  }

  // MARK: - Missing sessions

  @Test func missingPreOrPostScoresShrinkTheWindows() throws {
    // 30 . 29 | 20 19 18: N-1 missing, pre = {30, 29}: still a gain, df 3.
    let preMissing = try #require(Self.run(Self.bdi, [30, nil, 29, 20, 19, 18]).events.first)
    #expect(preMissing.session == 4 && preMissing.preCount == 2 && preMissing.preMean == 29.5)
    // 30 31 29 | 20 . 18: N+2 missing, post = {20, 18}.
    let postMissing = try #require(Self.run(Self.bdi, [30, 31, 29, 20, nil, 18]).events.first)
    #expect(postMissing.postCount == 2 && postMissing.postMean == 19)
    // . . 29 | 20 19 18 (sessions 1 and 2 missing): one pre score, not testable.
    let onePre = Self.run(Self.bdi, [nil, nil, 29, 20, 19, 18])
    #expect(onePre.events.isEmpty)
    // 30 31 29 | 20 . .: one post score, not testable.
    #expect(Self.run(Self.bdi, [30, 31, 29, 20, nil, nil, 12]).events.isEmpty)
  }

  @Test func bothNAndNPlusOneMustBePresent() {
    // N missing: 30 31 . 20 19 18 - the drop 31 -> 20 spans sessions 2 -> 4 and is not an interval.
    #expect(Self.run(Self.bdi, [30, 31, nil, 20, 19, 18]).events.isEmpty)
    // N+1 missing: 30 31 29 . 19 18.
    #expect(Self.run(Self.bdi, [30, 31, 29, nil, 19, 18]).events.isEmpty)
    // A session absent from the series is missing too: sessions 1 2 3 5 6 7.
    let gap = Self.bdi.detect(sessions: [1, 2, 3, 5, 6, 7], scores: [30, 31, 29, 20, 19, 18])
    #expect(gap.events.isEmpty)
    // ... while with session numbers 4 5 6 after 3 the same scores are a gain.
    let noGap = Self.bdi.detect(sessions: [1, 2, 3, 4, 5, 6], scores: [30, 31, 29, 20, 19, 18])
    #expect(noGap.events.map(\.session) == [4])
  }

  @Test func theFirstIntervalIsNeverTested() {
    // 30 | 20 19 18 ...: a 10-point drop from the first session; with criterion 3 off it still is not
    // tested, although both scores are there.
    var noTest = Self.bdi
    noTest.meanDifferenceTest = false
    let result = Self.run(noTest, [30, 20, 19, 18])
    #expect(result.events.isEmpty)
    #expect(result.counts.testedIntervals == 2)  // 2->3 and 3->4
    // Sessions need not start at 1: the series' first session is what counts.
    #expect(Self.run(noTest, [30, 20, 19, 18], firstSession: 5).events.isEmpty)
  }

  // MARK: - Reversals

  /// Gain of 9 at 3 -> 4 (x_{N+1} = 20): reversed when a later score exceeds 20 + 4.5 = 24.5.
  @Test func reversalIsStrictlyMoreThanHalfTheGain() throws {
    let atHalf = try #require(Self.run(Self.bdi, [30, 31, 29, 20, 19, 18, 24.5]).events.first)
    #expect(!atHalf.reversed)
    let beyond = try #require(Self.run(Self.bdi, [30, 31, 29, 20, 19, 18, 25]).events.first)
    #expect(beyond.reversed && beyond.reversalSession == 7)
    #expect(Self.run(Self.bdi, [30, 31, 29, 20, 19, 18, 25]).counts.reversedGains == 1)
  }

  /// Session N+2 (here 5) already counts for the reversal; the gain itself survives criterion 3
  /// (s = sqrt((2 + 26) / 4) = 2.65, 9 > 7.35).
  @Test func reversalCountsFromSessionNPlusTwo() throws {
    let gain = try #require(Self.run(Self.bdi, [30, 31, 29, 20, 25, 18]).events.first)
    #expect(gain.session == 4 && gain.reversalSession == 5)
  }

  // MARK: - Losses and direction

  /// 40 41 40 | 50 51 50: worse by 10 >= 7, 10 >= 0.25 * 40 = 10 (the pre-loss severity, inclusive),
  /// post mean worse by 10 > 1.6. Under the mirrored rule the share is of the 23 points left to worsen.
  @Test func aSuddenLoss() throws {
    let result = Self.run(Self.bdi, [40, 41, 40, 50, 51, 50, 44])
    let loss = try #require(result.events.first)
    #expect(result.events.count == 1)
    #expect(loss.kind == .loss && loss.session == 4 && loss.magnitude == 10)
    #expect(loss.proportion == 10.0 / 40.0)
    var mirrored = Self.bdi
    mirrored.lossSeverity = .room
    #expect(Self.run(mirrored, [40, 41, 40, 50, 51, 50, 44]).events.map(\.proportion) == [10.0 / 23.0])
    // Reversal of a loss: a later score better than 50 by more than 5.
    #expect(loss.reversed && loss.reversalSession == 7)
    #expect(result.counts.losses == 1 && result.counts.reversedLosses == 1 && result.counts.gains == 0)
  }

  /// Criterion 2 of a loss by default is suddengains' `identify_sl`: `x_N - x_{N+1} <= 0.25 * x_N`, a
  /// share of the pre-loss score. 10 -> 20 on a 0-63 scale: 10 >= 2.5, a loss.
  @Test func lossCriterionTwoIsAShareOfThePreLossScore() throws {
    let result = Self.run(Self.bdi, [10, 11, 10, 20, 21, 20])
    #expect(result.events.map(\.kind) == [.loss])
    #expect(try #require(result.events.first).proportion == 1)
    // From the floor: severity 0, and any loss of at least 7 points meets criterion 2 (0 <= 0.25 * 0
    // in identify_sl's form); its share is undefined.
    let floor = Self.run(Self.bdi, [0, 1, 0, 9, 10, 9])
    #expect(floor.events.map(\.kind) == [.loss])
    #expect(try #require(floor.events.first).proportion.isNaN)
    // Higher is better (ORS-like, 0-40): the severity of 30 is 10 points, and a drop of 7 is 70% of it.
    let ors = SuddenGainRule(points: 7, direction: .higherIsBetter, minimum: 0, maximum: 40)
    #expect(Self.run(ors, [30, 31, 30, 23, 22, 23]).events.map(\.proportion) == [0.7])
  }

  /// The mirrored rule (`--sl-crit2 room`): the share of the room left to worsen. 10 -> 20 on a 0-63
  /// scale is 10 of 53 points (19%), not a loss; on a 0-40 scale the room is 30 points, and 10 >= 7.5.
  @Test func mirroredLossCriterionTwoIsAShareOfTheRoomToWorsen() {
    var mirrored = Self.bdi
    mirrored.lossSeverity = .room
    #expect(Self.run(mirrored, [10, 11, 10, 20, 21, 20]).events.isEmpty)
    let narrow = SuddenGainRule(points: 7, direction: .lowerIsBetter, minimum: 0, maximum: 40, lossSeverity: .room)
    #expect(Self.run(narrow, [10, 11, 10, 20, 21, 20]).events.map(\.kind) == [.loss])
    // From the floor the room is the whole scale: 9 of 63 points is not a loss.
    #expect(Self.run(mirrored, [0, 1, 0, 9, 10, 9]).events.isEmpty)
  }

  /// ORS-like scale (0-40, higher is better): 10 -> 20 is a gain of 10, 10 >= 0.25 * (40 - 10) = 7.5.
  @Test func higherIsBetterScale() throws {
    let ors = SuddenGainRule(points: 7, direction: .higherIsBetter, minimum: 0, maximum: 40)
    let result = Self.run(ors, [10, 11, 10, 20, 21, 20, 14])
    let gain = try #require(result.events.first)
    #expect(result.events.count == 1)
    #expect(gain.kind == .gain && gain.session == 4 && gain.magnitude == 10 && gain.proportion == 10.0 / 30.0)
    // Reversed: 14 is below 20 - 5.
    #expect(gain.reversalSession == 7)
    // The same drop in the other direction is a loss: 20 -> 10 from 20 has 20 points of room, 10 >= 5.
    #expect(Self.run(ors, [20, 21, 20, 10, 11, 10]).events.map(\.kind) == [.loss])
  }

  /// Adjacent intervals are tested independently and both reported, as `identify_sg` does;
  /// `selected(_:by:)` picks one as `create_byperson` does.
  @Test func adjacentGainsAreAllReported() {
    let loose = SuddenGainRule(points: 5, proportion: 0.1, direction: .lowerIsBetter, minimum: 0, maximum: 63)
    // 50 50 50 | 40 | 30 30 30: both 4 and 5 are post-gain sessions.
    let result = Self.run(loose, [50, 50, 50, 40, 30, 30, 30])
    #expect(result.events.map(\.session) == [4, 5])
    #expect(result.events.selected(.gain, by: .first)?.session == 4)
    #expect(result.events.selected(.gain, by: .largest)?.session == 4)  // equal magnitudes: the earliest
    #expect(result.events.selected(.loss, by: .first) == nil)
  }

  @Test func defaultsComeFromTheInstrument() throws {
    let registry = InstrumentRegistry.builtIn
    let phq9 = try #require(registry.instrument(named: "PHQ9"))
    let rule = try #require(SuddenGainRule(instrument: phq9))
    #expect(rule.points == phq9.reliableChangePoints)
    #expect(rule.proportion == 0.25 && rule.meanDifferenceTest)
    #expect(rule.direction == .lowerIsBetter && rule.minimum == 0 && rule.maximum == 27)
    var parameters = AnalysisParameters()
    parameters.suddenGainPoints = 5
    #expect(SuddenGainRule(instrument: phq9, parameters: parameters)?.points == 5)
    #expect(rule.lossSeverity == .severity)
    try parameters.set("sl_crit2", text: "room")
    #expect(SuddenGainRule(instrument: phq9, parameters: parameters)?.lossSeverity == .room)
    #expect(parameters.text(of: "sl_crit2") == "room")
    #expect(throws: ParameterProblem.self) { try parameters.set("sl_crit2", text: "max") }
    var bare = phq9
    bare.reliableChangePoints = nil
    bare.reliability = 0.84
    bare.referenceSD = 5
    let fromRCI = try #require(SuddenGainRule.defaultPoints(for: bare, parameters: .defaults))
    #expect(abs(fromRCI - 1.96 * 2.0.squareRoot() * 5 * 0.4) < 1e-12)
    bare.reliability = nil
    #expect(SuddenGainRule(instrument: bare) == nil)
  }

  @Test func aSeriesWithoutEventsAllocatesNoEventStorage() {
    let result = Self.run(Self.bdi, [20, 21, 19, 20, 22, 21, 20])
    #expect(result.events.isEmpty && result.events.capacity == 0)
    #expect(Self.run(Self.bdi, []).counts == SuddenChangeCounts())
    #expect(Self.run(Self.bdi, [12]).counts == SuddenChangeCounts())
  }

  // MARK: - Properties

  /// A random series: scores walk in steps of -10...10 from 35 (clamped to 0...63); mask 0 makes a score
  /// NaN, mask 1 drops the session from the series (a gap in the session numbers).
  static func series(steps: [Int], mask: [Int]) -> (sessions: [Int32], scores: [Double]) {
    var sessions: [Int32] = []
    var scores: [Double] = []
    var level = 35
    for (k, step) in steps.enumerated() {
      level = min(63, max(0, level + step))
      let m = mask[k % mask.count]
      if m == 1 { continue }
      sessions.append(Int32(k + 1))
      scores.append(m == 0 ? .nan : Double(level))
    }
    return (sessions, scores)
  }

  static let stepGen = Gen.int(in: -10...10).array(of: 3...16)
  static let maskGen = Gen.int(in: 0...7).array(of: 16)

  /// Under the mirrored loss rule (`lossSeverity: .room`), mirroring the scores (`x -> max + min - x`)
  /// turns every gain into a loss and every loss into a gain, at the same sessions with the same
  /// magnitudes, proportions and reversals.
  @Test func mirroringTheScaleSwapsGainsAndLosses() async {
    await propertyCheck(count: 300, input: Self.stepGen, Self.maskGen) { steps, mask in
      let (sessions, scores) = Self.series(steps: steps, mask: mask)
      var bdi = Self.bdi
      bdi.lossSeverity = .room
      let loose = SuddenGainRule(
        points: 3, proportion: 0.1, direction: .lowerIsBetter, minimum: 0, maximum: 63, lossSeverity: .room)
      for rule in [bdi, loose] {
        let original = rule.detect(sessions: sessions, scores: scores)
        let mirrored = rule.detect(sessions: sessions, scores: scores.map { 63 - $0 })
        #expect(original.events.count == mirrored.events.count)
        for (a, b) in zip(original.events, mirrored.events) {
          #expect(a.kind != b.kind)
          #expect(a.session == b.session && a.magnitude == b.magnitude && a.proportion == b.proportion)
          #expect(a.reversalSession == b.reversalSession)
          #expect(abs(a.preMean - (63 - b.preMean)) < 1e-9 && abs(a.postMean - (63 - b.postMean)) < 1e-9)
        }
        #expect(original.counts.gains == mirrored.counts.losses && original.counts.losses == mirrored.counts.gains)
        #expect(original.counts.testedIntervals == mirrored.counts.testedIntervals)
        // Mirroring the scores and flipping the direction changes nothing but the means' scale.
        var flipped = rule
        flipped.direction = .higherIsBetter
        let same = flipped.detect(sessions: sessions, scores: scores.map { 63 - $0 })
        #expect(same.counts == original.counts)
        #expect(same.events.map(\.kind) == original.events.map(\.kind))
        #expect(same.events.map(\.session) == original.events.map(\.session))
        #expect(same.events.map(\.magnitude) == original.events.map(\.magnitude))
        #expect(same.events.map(\.reversalSession) == original.events.map(\.reversalSession))
      }
    }
  }

  /// The windowed search by position agrees with the definition read literally: a lookup of each
  /// session number in a dictionary.
  @Test func agreesWithTheDefinitionBySessionNumber() async {
    await propertyCheck(count: 300, input: Self.stepGen, Self.maskGen) { steps, mask in
      let (sessions, scores) = Self.series(steps: steps, mask: mask)
      for lossSeverity in AnalysisParameters.SuddenLossSeverity.allCases {
        let rule = SuddenGainRule(
          points: 4, proportion: 0.15, direction: .lowerIsBetter, minimum: 0, maximum: 63, lossSeverity: lossSeverity)
        let fast = rule.detect(sessions: sessions, scores: scores)
        let slow = Self.literalDefinition(rule, sessions: sessions, scores: scores)
        #expect(fast.events.map(\.session) == slow.map(\.session))
        #expect(fast.events.map(\.kind) == slow.map(\.kind))
        #expect(fast.events.map(\.reversed) == slow.map(\.reversed))
      }
    }
  }

  static func literalDefinition(
    _ rule: SuddenGainRule, sessions: [Int32], scores: [Double]
  ) -> [(session: Int32, kind: SuddenChangeKind, reversed: Bool)] {
    var at: [Int32: Double] = [:]
    for (s, x) in zip(sessions, scores) where !x.isNaN { at[s] = x }
    guard let first = sessions.first else { return [] }
    let dir = Double(rule.direction.rawValue)
    var found: [(Int32, SuddenChangeKind, Bool)] = []
    for n in sessions where n != first {
      guard let xN = at[n], let xN1 = at[n + 1] else { continue }
      let pre = [n - 2, n - 1, n].compactMap { at[$0] }
      let post = [n + 1, n + 2, n + 3].compactMap { at[$0] }
      guard pre.count >= 2, post.count >= 2 else { continue }
      let change = dir * (xN1 - xN)
      guard change != 0, abs(change) >= rule.points else { continue }
      let kind: SuddenChangeKind = change > 0 ? .gain : .loss
      // Lower is better: the severity x_N - min, or for a mirrored loss the room max - x_N.
      let room = kind == .loss && rule.lossSeverity == .room ? rule.maximum - xN : xN - rule.minimum
      guard abs(change) >= rule.proportion * room else { continue }
      func ss(_ v: [Double]) -> Double {
        let m = v.reduce(0, +) / Double(v.count)
        return v.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      }
      let df = pre.count + post.count - 2
      let sd = ((ss(pre) + ss(post)) / Double(df)).squareRoot()
      let t = [2: 4.302653, 3: 3.182446, 4: 2.776445][df]!
      let meanPre = pre.reduce(0, +) / Double(pre.count)
      let meanPost = post.reduce(0, +) / Double(post.count)
      let sign = kind == .gain ? dir : -dir
      guard sign * (meanPost - meanPre) > t * sd else { continue }
      let reversed = at.contains { s, x in s >= n + 2 && sign * (xN1 - x) > abs(change) / 2 }
      found.append((n + 1, kind, reversed))
    }
    return found
  }

  // MARK: - Reference: suddengains' example data `sgdata`

  /// `sgdata` from the R package suddengains (43 clients, BDI-II at sessions 1-12), long format, kept in
  /// the repository (Tests/Reference/sgdata/, with its source and MIT licence).
  static let sgdataURL = ReferenceData.folder.appendingPathComponent("sgdata/sg_sgdata_long.csv")

  /// The published results of the suddengains tutorial vignette ("A tutorial on using the suddengains R
  /// package", articles/suddengains-tutorial.md in github.com/milanwiedemann/suddengains; Wiedemann et
  /// al. 2020, PLOS ONE 15:e0230276) for `create_bysg(sgdata, sg_crit1_cutoff = 7, sg_crit2_pct = 0.25,
  /// sg_crit3 = TRUE, sg_var_list = bdi_s1 ... bdi_s12)` and `describe_sg`:
  /// - bysg: 24 sudden gains, 70.83% of them (17) in clients with more than one, 4 reversed,
  ///   magnitude mean 11, SD 3.43;
  /// - byperson (first gain): 43 clients, 15 with a gain (34.88%), 8 with several (18.6%), 3 of the 15
  ///   first gains reversed (20%), magnitude mean 11.4, SD 3.98;
  /// - `count_intervals(sgdata_select, ...)`: 298 between-session intervals analysed.
  @Test func suddengainsExampleData() throws {
    let byClient = try Self.sgdataSessions()
    #expect(byClient.count == 43)

    var all: [SuddenChange] = []
    var firsts: [SuddenChange] = []
    var counts = SuddenChangeCounts()
    var withSeveral = 0
    for client in byClient.keys.sorted() {
      let series = try #require(byClient[client])
      #expect(series.sessions == Array(1...12))
      let result = Self.bdi.detect(sessions: series.sessions, scores: series.scores)
      counts = counts + result.counts
      all += result.events
      if let first = result.events.selected(.gain, by: .first) { firsts.append(first) }
      if result.counts.gains > 1 { withSeveral += 1 }
    }
    #expect(counts.gains == 24)
    #expect(firsts.count == 15)
    #expect(withSeveral == 8)
    #expect(counts.reversedGains == 4)
    #expect(firsts.filter(\.reversed).count == 3)
    #expect(counts.testedIntervals == 298)
    let gains = all.filter { $0.kind == .gain }
    // describe_sg rounds to 2 decimals: compare within half a unit of the last digit.
    #expect(abs(Self.mean(gains.map(\.magnitude)) - 11) < 0.005)
    #expect(abs(Self.sd(gains.map(\.magnitude)) - 3.43) < 0.005)
    #expect(abs(Self.mean(firsts.map(\.magnitude)) - 11.4) < 0.005)
    #expect(abs(Self.sd(firsts.map(\.magnitude)) - 3.98) < 0.005)
  }

  /// Sudden losses in the same data, as the suddengains tutorial vignette publishes them (the table
  /// `bysl` of its rendered HTML, docs/articles/suddengains-tutorial.html at suddengains commit e964e74,
  /// version 0.7.2), made by the vignette's code, kept as Tests/Reference/scripts/suddengains_reference.R:
  /// `create_bysg(sgdata, sg_crit1_cutoff = -7, id_var_name = "id", sg_var_list = bdi_s1 ... bdi_s12,
  /// tx_start_var_name = "bdi_s1", tx_end_var_name = "bdi_s12", sg_measure_name = "bdi", identify = "sl")`
  /// with the defaults sg_crit2_pct = 0.25 and sg_crit3 = TRUE: 3 sudden losses, clients 4 (sessions
  /// 9 -> 10, 24 -> 33), 34 (7 -> 8, 8 -> 20) and 35 (7 -> 8, 4 -> 22), `sg_magnitude` -9, -12, -18,
  /// `sg_reversal` 1, 0, 1. The mirrored rule (`.room`) finds only client 35's.
  @Test func suddengainsExampleLosses() throws {
    let byClient = try Self.sgdataSessions()
    var mirrored = Self.bdi
    mirrored.lossSeverity = .room
    var found: [(client: Int, pregain: Int32, magnitude: Double, reversed: Bool)] = []
    var foundMirrored: [Int] = []
    for client in byClient.keys.sorted() {
      let series = try #require(byClient[client])
      for loss in Self.bdi.detect(sessions: series.sessions, scores: series.scores).events where loss.kind == .loss {
        found.append((client, loss.pregainSession, loss.magnitude, loss.reversed))
      }
      let other = mirrored.detect(sessions: series.sessions, scores: series.scores)
      foundMirrored += other.events.filter { $0.kind == .loss }.map { _ in client }
    }
    #expect(found.map(\.client) == [4, 34, 35])
    #expect(found.map(\.pregain) == [9, 7, 7])
    #expect(found.map(\.magnitude) == [9, 12, 18])
    #expect(found.map(\.reversed) == [true, false, true])
    #expect(foundMirrored == [35])
  }

  /// The BDI-II scores of sessions 1-12 of each client of `sgdata` (baseline and follow-ups left out),
  /// `NA` as NaN.
  static func sgdataSessions() throws -> [Int: (sessions: [Int32], scores: [Double])] {
    let text = try String(contentsOf: sgdataURL, encoding: .utf8)
    var byClient: [Int: (sessions: [Int32], scores: [Double])] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"\r"))
      }
      guard fields.count >= 5, fields[3] == "session", let client = Int(fields[0]), let session = Int32(fields[2])
      else { continue }
      byClient[client, default: ([], [])].sessions.append(session)
      byClient[client, default: ([], [])].scores.append(fields[4] == "NA" ? .nan : try #require(Double(fields[4])))
    }
    return byClient
  }

  static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

  static func sd(_ v: [Double]) -> Double {
    let m = mean(v)
    return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
  }
}
