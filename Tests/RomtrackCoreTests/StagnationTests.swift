import PropertyBased
import Testing

@testable import RomtrackCore

/// The stall rule and its escalation levels (METHODS.md section 6), worked by hand.
///
/// Unless a test says otherwise: PHQ-9 (threshold 6 points), defaults min 6 scores, window 4, review
/// from session 3, refer from session 10.
@Suite struct StagnationTests {
  static let rule = StallRule()

  static func facts(
    improved: Bool = false, deteriorated: Bool = false, threshold: Double = 6, clinical: Bool = true
  ) -> ReliableChangeFacts {
    ReliableChangeFacts(
      reliableImprovement: improved, reliableDeterioration: deteriorated, thresholdPoints: threshold,
      latestInClinicalRange: clinical)
  }

  static func assess(
    _ rule: StallRule = rule, sessions: [Int32], scores: [Double], _ facts: ReliableChangeFacts = facts()
  ) -> StallAssessment {
    rule.assess(session: sessions[...], score: scores[...], reliableChange: facts)
  }

  /// Sessions `first ..< first + count`.
  static func run(_ first: Int32, _ count: Int) -> [Int32] { (0..<Int32(count)).map { first + $0 } }

  // MARK: - Stalled: change and refer

  @Test func stalledIsChange() throws {
    // Window = last 4 scores 17, 16, 16, 15 at sessions 3-6: t̄ = 4.5, ȳ = 16,
    // Sxy = (-1.5)(1) + (-0.5)(0) + (0.5)(0) + (1.5)(-1) = -3, Sxx = 5, slope -0.6;
    // |slope| * 3 = 1.8 < 6: a plateau.
    let a = Self.assess(sessions: Self.run(1, 6), scores: [18, 17, 17, 16, 16, 15])
    #expect(a.criteria == .all && a.stalled)
    #expect(a.level == .change)
    #expect(try #require(a.windowSlope) == -0.6)
    #expect(abs(try #require(a.windowChange) - 1.8) < 1e-12)
    #expect(a.reasons.codes == "stalled;no_reliable_improvement")
    #expect(a.latestSession == 6 && a.scoreCount == 6)
    #expect(a.diagnostics.isEmpty && !a.deteriorating)
  }

  @Test func referFromSessionTen() {
    let scores: [Double] = [18, 17, 17, 16, 16, 15]
    // Latest session 10: refer (the boundary is inclusive); latest session 9: still change.
    let ten = Self.assess(sessions: Self.run(5, 6), scores: scores)
    #expect(ten.level == .refer)
    #expect(ten.reasons.codes == "stalled;refer_sessions_reached;no_reliable_improvement")
    #expect(Self.assess(sessions: Self.run(4, 6), scores: scores).level == .change)
    // A custom refer session.
    let early = StallRule(referSessions: 6)
    #expect(Self.assess(early, sessions: Self.run(1, 6), scores: scores).level == .refer)
  }

  // MARK: - Each criterion failing alone

  @Test func criterionOneTooFewScores() {
    // 5 scores, flat: not stalled, but past session 3 without reliable improvement: review.
    let a = Self.assess(sessions: Self.run(1, 5), scores: [18, 18, 18, 18, 18])
    #expect(a.criteria == [.noReliableImprovement, .clinicalAtLatest, .plateau])
    #expect(a.level == .review)
    #expect(a.reasons.codes == "no_reliable_improvement")
    // Exactly the minimum is enough.
    #expect(Self.assess(sessions: Self.run(1, 6), scores: [18, 18, 18, 18, 18, 18]).level == .change)
  }

  @Test func criterionTwoReliableImprovement() {
    let a = Self.assess(sessions: Self.run(1, 8), scores: [22, 18, 15, 14, 14, 14, 14, 14], Self.facts(improved: true))
    #expect(!a.criteria.contains(.noReliableImprovement))
    #expect(a.level == .none)
    #expect(a.reasons.isEmpty)
  }

  @Test func criterionThreeNotClinicalAtLatest() {
    let a = Self.assess(sessions: Self.run(1, 6), scores: [12, 11, 10, 9, 9, 9], Self.facts(clinical: false))
    #expect(a.criteria == [.enoughScores, .noReliableImprovement, .plateau])
    #expect(a.level == .review)
  }

  @Test func criterionFourPlateauIsStrict() throws {
    // Last 4 scores 20, 18, 16, 14 at sessions 3-6: slope exactly -2, |slope| * 3 = 6, which is not
    // less than a threshold of 6: no plateau (the recent trend amounts to reliable change).
    let scores: [Double] = [21, 21, 20, 18, 16, 14]
    let at = Self.assess(sessions: Self.run(1, 6), scores: scores)
    #expect(try #require(at.windowChange) == 6)
    #expect(!at.criteria.contains(.plateau))
    #expect(at.level == .review)
    // Just above the threshold's reach: a plateau.
    #expect(Self.assess(sessions: Self.run(1, 6), scores: scores, Self.facts(threshold: 6.000001)).level == .change)
    // Rising scores count by magnitude just the same (|slope|).
    let rising = Self.assess(sessions: Self.run(1, 6), scores: [14, 14, 14, 16, 18, 20])
    #expect(rising.windowSlope == 2 && !rising.criteria.contains(.plateau))
  }

  @Test func windowUsesSessionNumbersWithGaps() throws {
    // Last 4 scores 18, 17, 16, 15 at sessions 3, 6, 9, 12: slope -1/3 per session, |slope| * 3 = 1,
    // a plateau although the scores fell 3 points across the window's 9 sessions.
    let a = Self.assess(sessions: [1, 2, 3, 6, 9, 12], scores: [19, 19, 18, 17, 16, 15])
    #expect(abs(try #require(a.windowSlope) + 1.0 / 3) < 1e-12)
    #expect(abs(try #require(a.windowChange) - 1) < 1e-12)
    #expect(a.level == .refer)
  }

  @Test func missingScoresAreSkipped() throws {
    // Session 7 missing: the window is sessions 4, 5, 6, 8 (scores 16, 16, 15, 15), and there are 7 scores.
    // t̄ = 5.75, ȳ = 15.5, Sxx = 3.0625 + 0.5625 + 0.0625 + 5.0625 = 8.75,
    // Sxy = (-1.75)(0.5) + (-0.75)(0.5) + (0.25)(-0.5) + (2.25)(-0.5) = -2.5, slope = -2/7.
    let a = Self.assess(sessions: Self.run(1, 8), scores: [18, 17, 17, 16, 16, 15, .nan, 15])
    #expect(a.scoreCount == 7 && a.latestSession == 8)
    #expect(abs(try #require(a.windowSlope) + 2.0 / 7) < 1e-12)
    #expect(a.level == .change)
    // A missing latest score: latest is the last observed one (session 6).
    let b = Self.assess(sessions: Self.run(1, 7), scores: [18, 17, 17, 16, 16, 15, .nan])
    #expect(b.latestSession == 6 && b.scoreCount == 6)
  }

  @Test func windowSizeBoundary() {
    // Window 6 with a minimum of 6: exactly 6 scores fill it.
    let wide = StallRule(minimumScores: 6, window: 6)
    let a = Self.assess(wide, sessions: Self.run(1, 6), scores: [18, 18, 17, 17, 17, 16])
    #expect(a.windowSlope != nil && a.level == .change)
    // Window 2: the slope is the last step. 17 -> 11 is 6 points, not below 6.
    let narrow = StallRule(minimumScores: 2, window: 2)
    #expect(Self.assess(narrow, sessions: Self.run(1, 3), scores: [18, 17, 11]).level == .review)
    #expect(Self.assess(narrow, sessions: Self.run(1, 3), scores: [18, 17, 12]).level == .change)
    // Fewer scores than the window: the plateau is not evaluated.
    let short = Self.assess(sessions: Self.run(1, 3), scores: [18, 18, 18])
    #expect(short.windowSlope == nil && short.diagnostics == .windowIncomplete)
    #expect(short.diagnostics.codes == "window_incomplete")
  }

  // MARK: - Review

  @Test func reviewFromSessionThree() {
    #expect(Self.assess(sessions: [1, 2], scores: [18, 18]).level == .none)
    #expect(Self.assess(sessions: [1, 3], scores: [18, 18]).level == .review)
    // One score has no reliable change to judge: never review, whatever its session.
    #expect(Self.assess(sessions: [3], scores: [18]).level == .none)
    #expect(Self.assess(sessions: [], scores: []).latestSession == nil)
    // A custom review session.
    let late = StallRule(reviewSession: 5)
    #expect(Self.assess(late, sessions: [1, 4], scores: [18, 18]).level == .none)
    #expect(Self.assess(late, sessions: [1, 5], scores: [18, 18]).level == .review)
  }

  // MARK: - Deterioration

  @Test func deterioratingWhateverTheSession() {
    // Session 2, PHQ-9 12 -> 19: reliable deterioration (from outside); not yet a review session.
    let a = Self.assess(sessions: [1, 2], scores: [12, 19], Self.facts(deteriorated: true))
    #expect(a.deteriorating && a.level == .none)
    #expect(a.reasons.codes == "deteriorating")
    // Deteriorated and stalled: every reason, in the fixed order.
    let b = Self.assess(sessions: Self.run(5, 6), scores: [12, 19, 20, 20, 20, 20], Self.facts(deteriorated: true))
    #expect(b.level == .refer)
    #expect(b.reasons.codes == "stalled;refer_sessions_reached;deteriorating;no_reliable_improvement")
  }

  // MARK: - Threshold and parameters

  @Test func unknownThresholdIsNeverAPlateau() {
    for threshold in [Double.nan, 0, -6, .infinity] {
      let a = Self.assess(sessions: Self.run(1, 6), scores: [18, 18, 18, 18, 18, 18], Self.facts(threshold: threshold))
      #expect(a.diagnostics == .noThreshold && !a.criteria.contains(.plateau))
      #expect(a.level == .review)
    }
  }

  @Test func ruleFromAnalysisParameters() {
    var parameters = AnalysisParameters()
    parameters.stallMinSessions = 8
    parameters.stallWindow = 5
    parameters.reviewSession = 4
    parameters.referSessions = 12
    #expect(StallRule(parameters) == StallRule(minimumScores: 8, window: 5, reviewSession: 4, referSessions: 12))
    #expect(StallRule(.defaults) == StallRule())
  }

  @Test func codesAreStable() {
    #expect(WorklistReason.allCases.map(\.rawValue) == [
      "stalled", "refer_sessions_reached", "deteriorating", "no_reliable_improvement", "low_alliance",
      "rupture_unrepaired", "off_track", "lost_contact", "risk_item",
    ])
    #expect(StallLevel.allCases.map(\.rawValue) == ["none", "review", "change", "refer"])
    #expect(StallLevel.none < .review && .review < .change && .change < .refer)
    let mixed = WorklistReasons([.lowAlliance, .stalled, .ruptureUnrepaired])
    #expect(mixed.codes == "stalled;low_alliance;rupture_unrepaired")
  }

  // MARK: - Properties

  @Test func levelsFollowTheCriteria() async {
    await propertyCheck(
      input: Gen.int(in: 0...27).array(of: 0...14), Gen.int(in: 1...6), Gen.bool, Gen.bool, Gen.double(in: 1...10)
    ) { points, start, improved, clinical, threshold in
      let scores = points.map(Double.init)
      let sessions = Self.run(Int32(start), scores.count)
      let f = Self.facts(improved: improved, threshold: threshold, clinical: clinical)
      let a = Self.assess(sessions: sessions, scores: scores, f)
      // Stalled exactly when level is change or refer; refer only from the refer session on.
      #expect(a.stalled == (a.level >= .change))
      #expect(a.level != .refer || Int(a.latestSession ?? 0) >= 10)
      #expect(a.reasons.contains(.stalled) == a.stalled)
      #expect(!improved || a.level == .none)
      // The plateau does not depend on where the scores sit: adding 5 points changes nothing.
      let shifted = Self.assess(sessions: sessions, scores: scores.map { $0 + 5 }, f)
      #expect(shifted.criteria == a.criteria && shifted.level == a.level)
      // A larger threshold never ends a plateau.
      let widerFacts = Self.facts(improved: improved, threshold: threshold + 1, clinical: clinical)
      let wider = Self.assess(sessions: sessions, scores: scores, widerFacts)
      #expect(!a.criteria.contains(.plateau) || wider.criteria.contains(.plateau))
    }
  }
}
