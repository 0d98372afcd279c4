import Foundation
import PropertyBased
import RomtrackCore
import Testing

extension OutcomeCategory {
  /// The category with better and worse exchanged.
  var mirrored: OutcomeCategory {
    switch self {
    case .recovered: .harmed
    case .improved: .deteriorated
    case .unchanged: .unchanged
    case .deteriorated: .improved
    case .harmed: .recovered
    }
  }
}

@Suite("Clinical significance")
struct ClinicalSignificanceTests {
  // MARK: - Jacobson & Truax (1991), the published example

  /// Jacobson & Truax's Global Distress Scale as their example uses it: lower is better, r = 0.80,
  /// functional norm M 30, SD 10.
  static let gds = Instrument(
    name: "GDS", kind: .outcome, minimum: 0, maximum: 200, direction: .lowerIsBetter, reliability: 0.80,
    functionalNorm: Norm(mean: 30, sd: 10))

  /// gds, lower is better, r = 0.80, sample SD of the pre scores, clinical norm = the 26 complete
  /// cases' pre scores (M 69.153846, SD 6.102080), functional norm M 30 SD 10. INSTRUMENTS.md gives
  /// c = 54.316 and 6 recovered / 8 improved / 12 unchanged / 0 deteriorated / 0 harmed.
  @Test(
    "Jacobson & Truax's couples give the published cutoff c and categories")
  func jacobsonTruaxPublishedFigures() throws {
    let pairs = try ReferenceData.prePost(ReferenceData.jacobson, column: "gds")
    let sample = SampleMoments(pairs: pairs)
    let gds = Self.gds
    var parameters = AnalysisParameters()
    parameters.reliableChangeSD = .sample
    parameters.cutoffRule = .c
    let reliable = ReliableChangeRule(instrument: gds, parameters: parameters, sample: sample)
    let rule = ClinicalSignificanceRule(
      instrument: gds, parameters: parameters, sample: sample, reliableChange: reliable)
    #expect(rule.issue == nil)
    #expect(closeTo(rule.cutoff, 54.316, within: 1e-3))
    #expect(rule.clinicalRange?.comparator == .above)

    var counts: [OutcomeCategory: Int] = [:]
    for pair in pairs {
      if let category = rule.classify(intake: pair.intake, latest: pair.latest).category {
        counts[category, default: 0] += 1
      }
    }
    #expect(counts[.recovered, default: 0] == 6)
    #expect(counts[.improved, default: 0] == 8)
    #expect(counts[.unchanged, default: 0] == 12)
    #expect(counts[.deteriorated, default: 0] == 0)
    #expect(counts[.harmed, default: 0] == 0)

    // The other cutoffs from the same norms (lower is better, dir = -1):
    // a = 69.153846 - 2 * 6.102080 = 56.949686; b = 30 + 2 * 10 = 50; b with SD_clin = 30 + 2 * 6.102080 = 42.204161.
    let cutoffs = try #require(rule.researchCutoffs)
    #expect(closeTo(cutoffs.a, 56.949686, within: 1e-6))
    #expect(closeTo(cutoffs.b(.functional), 50, within: 1e-12))
    #expect(closeTo(cutoffs.b(.clinical), 42.204161, within: 1e-6))
    parameters.cutoffRule = .b
    parameters.cutoffBSD = .clinical
    let b = ClinicalSignificanceRule(instrument: gds, parameters: parameters, sample: sample, reliableChange: reliable)
    #expect(closeTo(b.cutoff, 42.204161, within: 1e-6))
  }

  /// Hageman & Arrindell's combined categories as clinicalsignificance forms them
  /// (`ha_categories: clinicalsignificance`), against the package's own functions on the same 26 couples:
  /// Tests/Reference/scripts/clinicalsignificance_ha.R (clinicalsignificance at commit 7b2f20b, R 4.2.2)
  /// prints the true-score cutoffs a = 58.238113 and c = 54.981404, each client's `cs_indiv`, and the
  /// categories, in client order (clients 1-26, the complete pairs). romtrack's HA critical value is
  /// 1.645 against the package's qnorm(0.95) = 1.6449; no client's index lies between the two.
  @Test(
    "HA categories as clinicalsignificance computes them",
    arguments: [
      (
        AnalysisParameters.CutoffRule.a, 58.238113,
        "IIUUIUIRUUUIRIIUUIIRRRIIUR",
        [1.5235, -0.7379, -0.0421, 4.4807, 0.8276, 6.5681, 0.1318, -2.1296, 2.5672, 5.1765, 2.0453, -0.9119,
         -1.7817, -1.0859, -2.8254, 6.9160, 2.5672, 1.3495, 0.8276, -2.4775, -2.8254, -4.9128, -0.9119, -0.7379,
         0.8276, -3.6952]
      ),
      (
        .c, 54.981404,
        "IIUUIUIIUUUIIIIUUIIIIRIIUR",
        [2.7804, 0.5190, 1.2148, 5.7376, 2.0846, 7.8251, 1.3888, -0.8726, 3.8242, 6.4335, 3.3023, 0.3451, -0.5247,
         0.1711, -1.5684, 8.1730, 3.8242, 2.6065, 2.0846, -1.2205, -1.5684, -3.6559, 0.3451, 0.5190, 2.0846,
         -2.4382]
      ),
    ])
  func haCategoriesAsClinicalsignificance(
    cutoff: AnalysisParameters.CutoffRule, value: Double, letters: String, csIndiv: [Double]
  ) throws {
    let pairs = try ReferenceData.prePost(ReferenceData.jacobson, column: "gds").filter {
      $0.intake.isFinite && $0.latest.isFinite
    }
    #expect(pairs.count == 26)
    let sample = SampleMoments(pairs: pairs)
    let gds = Self.gds
    var parameters = AnalysisParameters()
    parameters.reliableChangeSD = .sample
    parameters.reliableChangeMethod = .hagemanArrindell
    parameters.cutoffRule = cutoff
    try parameters.set("ha_categories", text: "clinicalsignificance")
    let reliable = ReliableChangeRule(instrument: gds, parameters: parameters, sample: sample)
    let rule = ClinicalSignificanceRule(instrument: gds, parameters: parameters, sample: sample, reliableChange: reliable)
    #expect(closeTo(rule.cutoff, value, within: 5e-7))
    let test = try #require(rule.latestTest)
    let byLetter: [Character: OutcomeCategory] = ["R": .recovered, "I": .improved, "U": .unchanged, "D": .deteriorated]
    for (k, pair) in pairs.enumerated() {
      #expect(closeTo(test.index(pair.latest), csIndiv[k], within: 5e-5), "client \(k + 1)")
      let expected = byLetter[Array(letters)[k]]
      #expect(rule.classify(intake: pair.intake, latest: pair.latest).category == expected, "client \(k + 1)")
    }
    // romtrack's default for HA: the latest score against the cutoff, as for every method.
    parameters.hagemanArrindellCategories = .cutoff
    let plain = ClinicalSignificanceRule(instrument: gds, parameters: parameters, sample: sample, reliableChange: reliable)
    #expect(plain.latestTest == nil)
    #expect(plain.cutoff == rule.cutoff)
  }

  // MARK: - Registry cutoffs

  /// PHQ-9: caseness >= 10 (so 10 is clinical, 9 is not), reliable change 6 points.
  @Test(
    "PHQ-9 categories at the registry cutoff",
    arguments: [
      (15.0, 9.0, OutcomeCategory.recovered),  // -6, clinical -> not
      (16, 10, .improved),  // -6, still at caseness at 10
      (15, 10, .unchanged),  // -5
      (4, 10, .harmed),  // +6, not clinical -> clinical
      (10, 16, .deteriorated),  // +6, clinical throughout
      (3, 9, .deteriorated),  // +6, never clinical
    ])
  func phq9Registry(intake: Double, latest: Double, expected: OutcomeCategory) {
    let rule = ClinicalSignificanceRule(
      instrument: .phq9, parameters: .defaults,
      reliableChange: ReliableChangeRule(instrument: .phq9, parameters: .defaults))
    #expect(rule.classify(intake: intake, latest: latest).category == expected)
  }

  /// ORS: caseness <= 25, higher is better, reliable change 5 points.
  @Test("ORS categories at the registry cutoff")
  func orsRegistry() {
    let rule = ClinicalSignificanceRule(
      instrument: .ors, parameters: .defaults,
      reliableChange: ReliableChangeRule(instrument: .ors, parameters: .defaults))
    #expect(rule.classify(intake: 20, latest: 26).category == .recovered)
    #expect(rule.classify(intake: 20, latest: 25).category == .improved)  // 25 is still clinical
    #expect(rule.classify(intake: 30, latest: 25).category == .harmed)
    #expect(rule.classify(intake: 30, latest: 26).category == .unchanged)
  }

  /// CORE-10 norms (Barkham et al. 2013): c = (7.7 * 4.7 + 4.8 * 19.7) / (7.7 + 4.8) = 130.75 / 12.5 = 10.46.
  @Test("CORE-10 cutoff c from the registry's norms")
  func core10CutoffC() {
    var parameters = AnalysisParameters()
    parameters.cutoffRule = .c
    let rule = ClinicalSignificanceRule(
      instrument: .core10, parameters: parameters,
      reliableChange: ReliableChangeRule(instrument: .core10, parameters: parameters))
    #expect(closeTo(rule.cutoff, 10.46, within: 1e-12))
    #expect(rule.classify(intake: 17, latest: 10.5).clinicalAtLatest == true)
    #expect(rule.classify(intake: 17, latest: 10).category == .recovered)
  }

  @Test("Missing cutoffs and norms are diagnostics")
  func missingRanges() {
    let bdi = InstrumentRegistry.builtIn.instrument(named: "BDI2")!
    let noCutoff = ClinicalSignificanceRule(
      instrument: bdi, parameters: .defaults, reliableChange: .fixedPoints(8, direction: .lowerIsBetter))
    #expect(noCutoff.issue == .noClinicalCutoff)
    let result = noCutoff.classify(intake: 30, latest: 10)
    #expect(result.category == nil)
    #expect(result.rangeIssue == .noClinicalCutoff)
    #expect(result.reliableChange.category == .improved)

    var parameters = AnalysisParameters()
    parameters.cutoffRule = .b
    let sample = SampleMoments(intake: [30, 34, 38], latest: [20, 22, 30])
    let noFunctional = ClinicalSignificanceRule(
      instrument: bdi, parameters: parameters, sample: sample,
      reliableChange: .fixedPoints(8, direction: .lowerIsBetter))
    #expect(noFunctional.issue == .noFunctionalNorm)
    parameters.cutoffRule = .a
    let noSample = ClinicalSignificanceRule(
      instrument: bdi, parameters: parameters, reliableChange: .fixedPoints(8, direction: .lowerIsBetter))
    #expect(noSample.issue == .noClinicalNorm)
    // a needs no functional norm: 34 + (-1) * 2 * 4 = 26.
    let a = ClinicalSignificanceRule(
      instrument: bdi, parameters: parameters, sample: sample,
      reliableChange: .fixedPoints(8, direction: .lowerIsBetter))
    #expect(closeTo(a.cutoff, 26, within: 1e-12))
  }

  /// Hageman & Arrindell's cutoffs from the hand-worked sample of `ReliableChangeTests` (clinical norm
  /// M 13, SD^2 20/3), functional norm M 5 SD 2, r = 0.9, lower is better:
  /// S_E^2 = 20/3 * 0.1 = 2/3; r_clin = 0.9, SD_clin sqrt(r_clin) = sqrt(6) = 2.449490;
  /// r_func = (4 - 2/3) / 4 = 0.833333, SD_func sqrt(r_func) = sqrt(10/3) = 1.825742.
  /// a = 13 - 2 * 2.449490 = 8.101021; b = 5 + 2 * 1.825742 = 8.651484 (with SD_clin: 9.898979);
  /// c = (2.449490 * 5 + 1.825742 * 13) / (2.449490 + 1.825742) = 8.416408.
  @Test("Hageman & Arrindell cutoffs scale each SD by sqrt(r)")
  func hagemanArrindellCutoffs() throws {
    let cutoffs = try #require(
      ResearchCutoffs.hagemanArrindell(
        clinical: ReliableChangeTests.handSample.intakeNorm, functional: Norm(mean: 5, sd: 2), reliability: 0.9,
        direction: .lowerIsBetter))
    #expect(closeTo(cutoffs.a, 8.101021, within: 1e-6))
    #expect(closeTo(cutoffs.b(.functional), 8.651484, within: 1e-6))
    #expect(closeTo(cutoffs.b(.clinical), 9.898979, within: 1e-6))
    #expect(closeTo(cutoffs.c, 8.416408, within: 1e-6))

    let instrument = Instrument(
      name: "X", kind: .outcome, minimum: 0, maximum: 40, direction: .lowerIsBetter, reliability: 0.9,
      functionalNorm: Norm(mean: 5, sd: 2))
    var parameters = AnalysisParameters()
    parameters.reliableChangeMethod = .hagemanArrindell
    parameters.cutoffRule = .c
    let sample = ReliableChangeTests.handSample
    let rule = ClinicalSignificanceRule(
      instrument: instrument, parameters: parameters, sample: sample,
      reliableChange: ReliableChangeRule(instrument: instrument, parameters: parameters, sample: sample))
    #expect(closeTo(rule.cutoff, 8.416408, within: 1e-6))
    // 16 -> 6: HA index -8.573214 (improved), 16 > 8.416 clinical, 6 not: recovered.
    #expect(rule.classify(intake: 16, latest: 6).category == .recovered)
  }

  // MARK: - Properties

  /// Reflecting scores and cutoff about the middle of a 0-40 range while keeping the direction, or
  /// flipping the direction while keeping scores and cutoff, exchanges recovered with harmed and
  /// improved with deteriorated; doing both changes nothing. The cutoff sits on a half point and the
  /// scores on whole points, so no score is exactly at it.
  @Test("Reversing the scale mirrors recovered and harmed")
  func directionMirror() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...40), Gen.int(in: 0...40), Gen.int(in: 5...34), Gen.int(in: 0...8), Gen.bool
    ) { intakeScore, latestScore, cutoffFloor, pointsOrZero, lower in
      let intake = Double(intakeScore)
      let latest = Double(latestScore)
      let cutoff = Double(cutoffFloor) + 0.5
      let direction: Direction = lower ? .lowerIsBetter : .higherIsBetter
      func rule(_ cutoff: Double, _ direction: Direction) -> ClinicalSignificanceRule {
        let reliable: ReliableChangeRule =
          pointsOrZero == 0
          ? .jacobsonTruax(sd: 5, reliability: 0.8, direction: direction)
          : .fixedPoints(Double(pointsOrZero), direction: direction)
        return ClinicalSignificanceRule(
          clinicalRange: .clinicalRange(beyond: cutoff, direction: direction), reliableChange: reliable, cutoffRule: .c)
      }
      guard let category = rule(cutoff, direction).classify(intake: intake, latest: latest).category else {
        Issue.record("no category")
        return
      }
      let reflected = rule(40 - cutoff, direction).classify(intake: 40 - intake, latest: 40 - latest).category
      let flipped = rule(cutoff, direction.flipped).classify(intake: intake, latest: latest).category
      let both = rule(40 - cutoff, direction.flipped).classify(intake: 40 - intake, latest: 40 - latest).category
      #expect(reflected == category.mirrored)
      #expect(flipped == category.mirrored)
      #expect(both == category)
    }
  }

  /// Every category's definition holds for the series it is given to.
  @Test("Categories follow METHODS.md's definitions")
  func categoryDefinitions() async {
    let rule = ClinicalSignificanceRule(
      instrument: .phq9, parameters: .defaults,
      reliableChange: ReliableChangeRule(instrument: .phq9, parameters: .defaults))
    await propertyCheck(count: 300, input: Gen.int(in: 0...27), Gen.int(in: 0...27)) { a, b in
      let result = rule.classify(intake: Double(a), latest: Double(b))
      guard let category = result.category, let atIntake = result.clinicalAtIntake,
        let atLatest = result.clinicalAtLatest
      else {
        Issue.record("no category")
        return
      }
      let improved = result.reliableChange.isReliableImprovement
      let deteriorated = result.reliableChange.isReliableDeterioration
      #expect(atIntake == (a >= 10))
      #expect(atLatest == (b >= 10))
      switch category {
      case .recovered: #expect(atIntake && !atLatest && improved)
      case .improved: #expect(improved && !(atIntake && !atLatest))
      case .unchanged: #expect(!improved && !deteriorated)
      case .deteriorated: #expect(deteriorated && !(!atIntake && atLatest))
      case .harmed: #expect(!atIntake && atLatest && deteriorated)
      }
    }
  }
}

@Suite("NHS Talking Therapies flags")
struct TalkingTherapiesFlagsTests {
  let pair = TalkingTherapiesPairRule(registry: .builtIn)!

  /// PHQ-9 (caseness >= 10, 6 points) with GAD-7 (caseness >= 8, 4 points).
  @Test("Single series")
  func singleSeries() throws {
    let phq9 = pair.first
    let flags = try #require(phq9.flags(intake: 15, latest: 9))
    #expect(flags.casenessAtIntake && !flags.casenessAtLatest)
    #expect(flags.recovery && flags.reliableImprovement && flags.reliableRecovery)
    #expect(!flags.reliableDeterioration)
    let atTen = try #require(phq9.flags(intake: 15, latest: 10))
    #expect(atTen.casenessAtLatest && !atTen.recovery)
    let small = try #require(phq9.flags(intake: 11, latest: 9))
    #expect(small.recovery && !small.reliableImprovement && !small.reliableRecovery)
    #expect(phq9.flags(intake: .nan, latest: 9) == nil)
    #expect(phq9.issue(intake: .nan, latest: 9) == .missingScore)
  }

  @Test(
    "Pairs: either at caseness, neither at caseness to recover, improvement only without deterioration",
    arguments: [
      // (PHQ-9 intake, latest, GAD-7 intake, latest), caseness at intake, recovery, reliable improvement,
      // reliable deterioration, reliable recovery
      ((15.0, 8.0, 10.0, 9.0), (true, false, true, false, false)),  // GAD-7 9 still at caseness
      ((12, 6, 9, 5), (true, true, true, false, true)),  // both recovered, both improved
      ((12, 6, 5, 10), (true, false, false, false, false)),  // one improved, one deteriorated
      ((8, 2, 6, 1), (false, false, true, false, false)),  // not a case at intake
      ((5, 11, 6, 6), (false, false, false, true, false)),  // PHQ-9 deteriorated by 6
      ((12, 9, 7, 6), (true, true, false, false, false)),  // recovered without reliable change
    ])
  func pairs(scores: (Double, Double, Double, Double), expected: (Bool, Bool, Bool, Bool, Bool)) throws {
    let flags = try #require(pair.flags(first: (scores.0, scores.1), second: (scores.2, scores.3)))
    #expect(flags.casenessAtIntake == expected.0)
    #expect(flags.recovery == expected.1)
    #expect(flags.reliableImprovement == expected.2)
    #expect(flags.reliableDeterioration == expected.3)
    #expect(flags.reliableRecovery == expected.4)
  }

  @Test("A pair needs both measures")
  func incompletePair() {
    #expect(pair.flags(first: (15, 8), second: (10, .nan)) == nil)
    #expect(pair.issue(first: (15, 8), second: (10, .nan)) == .incompletePair)
    #expect(pair.issue(first: (15, 8), second: (10, 9)) == nil)
    let bdi = InstrumentRegistry.builtIn.instrument(named: "BDI2")!
    #expect(TalkingTherapiesRule(instrument: bdi).issue == .noCaseness)
  }

  @Test("Pairing is symmetric and a measure paired with itself keeps its flags")
  func pairingAlgebra() async {
    await propertyCheck(count: 200, input: Gen.int(in: 0...15), Gen.int(in: 0...15)) { a, b in
      func flags(_ bits: Int) -> TalkingTherapiesFlags {
        TalkingTherapiesFlags(
          casenessAtIntake: bits & 1 != 0, casenessAtLatest: bits & 2 != 0,
          reliableImprovement: bits & 4 != 0 && bits & 8 == 0, reliableDeterioration: bits & 8 != 0)
      }
      #expect(
        TalkingTherapiesFlags(pairing: flags(a), with: flags(b))
          == TalkingTherapiesFlags(pairing: flags(b), with: flags(a)))
      #expect(TalkingTherapiesFlags(pairing: flags(a), with: flags(a)) == flags(a))
    }
  }
}
