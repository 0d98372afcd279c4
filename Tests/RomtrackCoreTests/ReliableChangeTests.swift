import Foundation
import PropertyBased
import RomtrackCore
import Testing

/// `|a - b| <= tolerance`, the absolute form of swift-numerics' `isApproximatelyEqual`.
func closeTo(_ a: Double?, _ b: Double, within tolerance: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}

/// The public reference datasets kept in the repository under `Tests/Reference/`, one folder each with
/// its source and licence (Tests/Reference/README.md). The tests that use them always run: a missing
/// file fails the test.
enum ReferenceData {
  /// The folder, found from this file's path: Tests/RomtrackCoreTests/<file> -> Tests/Reference.
  static let folder: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Reference")

  static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  static func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

  /// Jacobson & Truax's (1991) 30 couples, from the R package clinicalsignificance's `jacobson_1989`.
  static let jacobson = "jacobson-truax/cs_jacobson_1989.csv"

  /// The (pre, post) scores of `column` per client of a long file with `client_id`, `time` (`pre` or
  /// `post`) and numeric columns; `NA` is NaN. Clients in order of first appearance.
  static func prePost(_ name: String, column: String) throws -> [(intake: Double, latest: Double)] {
    let text = try String(contentsOfFile: path(name), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map { line in
      line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
      }
    }
    let header = lines.removeFirst()
    guard let client = header.firstIndex(of: "client_id"), let time = header.firstIndex(of: "time"),
      let value = header.firstIndex(of: column)
    else { throw CocoaError(.fileReadCorruptFile) }
    var order: [String] = []
    var scores: [String: (intake: Double, latest: Double)] = [:]
    for fields in lines where fields.count == header.count {
      let id = fields[client]
      if scores[id] == nil {
        order.append(id)
        scores[id] = (.nan, .nan)
      }
      let score = Double(fields[value]) ?? .nan
      if fields[time] == "pre" {
        scores[id]?.intake = score
      } else if fields[time] == "post" {
        scores[id]?.latest = score
      }
    }
    return order.map { scores[$0]! }
  }
}

extension ReliableChange {
  /// The category with better and worse exchanged.
  var mirrored: ReliableChange {
    switch self {
    case .improved: .deteriorated
    case .deteriorated: .improved
    case .unchanged: .unchanged
    }
  }
}

extension Direction {
  var flipped: Direction { self == .lowerIsBetter ? .higherIsBetter : .lowerIsBetter }
}

@Suite("Reliable change")
struct ReliableChangeTests {
  // MARK: - Jacobson & Truax (1991), the published example

  /// gds, lower is better, r = 0.80, SD of the 26 complete cases' pre scores: INSTRUMENTS.md gives
  /// 26 complete cases, S_diff = 3.8593, 14 improved / 12 unchanged / 0 deteriorated.
  @Test(
    "Jacobson & Truax's couples give the published S_diff and counts")
  func jacobsonTruaxPublishedFigures() throws {
    let pairs = try ReferenceData.prePost(ReferenceData.jacobson, column: "gds")
    #expect(pairs.count == 30)
    let sample = SampleMoments(pairs: pairs)
    #expect(sample.count == 26)

    let gds = Instrument(
      name: "GDS", kind: .outcome, minimum: 0, maximum: 200, direction: .lowerIsBetter, reliability: 0.80,
      functionalNorm: Norm(mean: 30, sd: 10))
    var parameters = AnalysisParameters()
    parameters.reliableChangeSD = .sample
    let rule = ReliableChangeRule(instrument: gds, parameters: parameters, sample: sample)
    #expect(rule.issue == nil)
    #expect(rule.basis == .sampleSD)
    #expect(closeTo(rule.standardErrorOfDifference, 3.8593, within: 1e-4))

    var counts: [ReliableChange: Int] = [:]
    var missing = 0
    for pair in pairs {
      let result = rule.assess(intake: pair.intake, latest: pair.latest)
      if let category = result.category { counts[category, default: 0] += 1 } else { missing += 1 }
      if result.category == nil { #expect(result.issue == .missingScore) }
    }
    #expect(missing == 4)
    #expect(counts[.improved, default: 0] == 14)
    #expect(counts[.unchanged, default: 0] == 12)
    #expect(counts[.deteriorated, default: 0] == 0)
  }

  // MARK: - Fixed points and the registry

  @Test("PHQ-9 by default: 6 points, inclusive, index change / (6 / 1.96)")
  func phq9FixedPoints() {
    let rule = ReliableChangeRule(instrument: .phq9, parameters: .defaults)
    #expect(rule.basis == .fixedPoints)
    #expect(rule.threshold == 6)
    let exactlySix = rule.assess(intake: 16, latest: 10)
    #expect(exactlySix.category == .improved)
    #expect(exactlySix.change == -6)
    #expect(exactlySix.improvement == 6)
    #expect(closeTo(exactlySix.index, -1.96, within: 1e-12))
    #expect(rule.assess(intake: 16, latest: 11).category == .unchanged)
    #expect(rule.assess(intake: 4, latest: 10).category == .deteriorated)
    #expect(rule.assess(intake: 4, latest: 9).category == .unchanged)
  }

  @Test("ORS, higher is better: a rise of 5 points is reliable improvement")
  func orsHigherIsBetter() {
    let rule = ReliableChangeRule(instrument: .ors, parameters: .defaults)
    #expect(rule.assess(intake: 18, latest: 23).category == .improved)
    #expect(rule.assess(intake: 18, latest: 13).category == .deteriorated)
    #expect(rule.assess(intake: 18, latest: 22.9).category == .unchanged)
  }

  @Test("An instrument without points or reliability says so instead of calling everyone unchanged")
  func noThresholdIsADiagnostic() {
    let bdi = InstrumentRegistry.builtIn.instrument(named: "BDI2")!
    let rule = ReliableChangeRule(instrument: bdi, parameters: .defaults)
    #expect(rule.issue == .noThreshold)
    #expect(rule.threshold == nil)
    let result = rule.assess(intake: 30, latest: 5)
    #expect(result.category == nil)
    #expect(result.index == nil)
    #expect(result.issue == .noThreshold)
    #expect(result.change == -25)
    #expect(!result.isReliableImprovement)
  }

  @Test("Reliability without a reference SD, and the other way round, name what is missing")
  func partialRegistryEntries() {
    var instrument = Instrument(
      name: "X", kind: .outcome, minimum: 0, maximum: 50, direction: .lowerIsBetter, reliability: 0.8)
    #expect(ReliableChangeRule(instrument: instrument, parameters: .defaults).issue == .noReferenceSD)
    instrument.reliability = nil
    instrument.referenceSD = 7
    #expect(ReliableChangeRule(instrument: instrument, parameters: .defaults).issue == .noReliability)
    instrument.reliability = 1
    #expect(ReliableChangeRule(instrument: instrument, parameters: .defaults).issue == .reliabilityOutOfRange)
  }

  /// Reference SD 7, r 0.84: S_E = 7 * sqrt(0.16) = 2.8, S_diff = 2.8 * sqrt(2) = 3.959798,
  /// threshold 1.96 * 3.959798 = 7.761204 points.
  @Test("Jacobson-Truax with the registry's reference SD")
  func jacobsonTruaxReferenceSD() {
    let instrument = Instrument(
      name: "X", kind: .outcome, minimum: 0, maximum: 50, direction: .lowerIsBetter, reliability: 0.84, referenceSD: 7)
    let rule = ReliableChangeRule(instrument: instrument, parameters: .defaults)
    #expect(rule.basis == .referenceSD)
    #expect(closeTo(rule.standardErrorOfMeasurement, 2.8, within: 1e-12))
    #expect(closeTo(rule.standardErrorOfDifference, 3.959798, within: 1e-6))
    #expect(closeTo(rule.threshold, 7.761204, within: 1e-6))
    #expect(rule.assess(intake: 30, latest: 22.2).category == .improved)  // 7.8 points
    #expect(rule.assess(intake: 30, latest: 22.3).category == .unchanged)  // 7.7 points
    #expect(closeTo(rule.assess(intake: 30, latest: 22).index, -8 / 3.959798, within: 1e-6))
  }

  @Test("--rci-sd sample or an explicit reliability overrides fixed points")
  func sampleOverridesPoints() {
    var phq9 = Instrument.phq9
    phq9.reliability = 0.84
    phq9.referenceSD = 5
    let sample = SampleMoments(intake: [10, 14, 18, 22], latest: [8, 9, 12, 15])
    var parameters = AnalysisParameters()
    parameters.reliableChangeSD = .sample
    let fromSample = ReliableChangeRule(instrument: phq9, parameters: parameters, sample: sample)
    #expect(fromSample.basis == .sampleSD)
    // SD of 10, 14, 18, 22 = sqrt(80 / 3); S_diff = sqrt(2) * sqrt(80/3) * 0.4.
    #expect(closeTo(fromSample.standardErrorOfDifference, (2 * 80 / 3.0).squareRoot() * 0.4, within: 1e-12))

    let explicit = ReliableChangeRule(instrument: phq9, parameters: .defaults, reliability: 0.84)
    #expect(explicit.basis == .referenceSD)
    #expect(closeTo(explicit.standardErrorOfDifference, 2.0.squareRoot() * 2, within: 1e-12))

    let tooSmall = ReliableChangeRule(
      instrument: phq9, parameters: parameters, sample: SampleMoments(intake: [10], latest: [5]))
    #expect(tooSmall.issue == .tooFewPairs)
  }

  @Test("A missing score gives a missing-score diagnostic")
  func missingScore() {
    let rule = ReliableChangeRule(instrument: .gad7, parameters: .defaults)
    #expect(rule.assess(intake: .nan, latest: 3).issue == .missingScore)
    #expect(rule.assess(intake: 12, latest: .nan).category == nil)
  }

  // MARK: - Research methods, worked by hand

  /// The sample of four (intake, latest) pairs (10, 6), (12, 10), (14, 8), (16, 12):
  /// M1 = 13, deviations -3, -1, 1, 3, so SD1^2 = 20 / 3 (SD1 = 2.581989);
  /// M2 = 9, deviations -3, 1, -1, 3, so SD2^2 = 20 / 3;
  /// cross products 9 - 1 - 1 + 9 = 16, so rho12 = 16 / 20 = 0.8.
  static let handSample = SampleMoments(intake: [10, 12, 14, 16], latest: [6, 10, 8, 12])

  @Test("The hand-worked sample's moments")
  func handSampleMoments() {
    let s = Self.handSample
    #expect(s.count == 4)
    #expect(closeTo(s.intakeMean, 13, within: 1e-12))
    #expect(closeTo(s.latestMean, 9, within: 1e-12))
    #expect(closeTo(s.intakeSD, (20 / 3.0).squareRoot(), within: 1e-12))
    #expect(closeTo(s.latestSD, (20 / 3.0).squareRoot(), within: 1e-12))
    #expect(closeTo(s.correlation, 0.8, within: 1e-12))
  }

  func research(_ method: AnalysisParameters.ReliableChangeMethod, r: Double) -> ReliableChangeRule {
    ReliableChangeRule.research(method, sample: Self.handSample, reliability: r, direction: .lowerIsBetter)
  }

  /// GLN, r = 0.75: SE of prediction = SD1 sqrt(1 - r^2) = sqrt(20/3 * 0.4375) = sqrt(2.916667) = 1.707825.
  /// Client 16 -> 6: ((6 - 13) - 0.75 (16 - 13)) / 1.707825 = -9.25 / 1.707825 = -5.416245: improved.
  /// Client 13 -> 15: ((15 - 13) - 0) / 1.707825 = 1.171080: unchanged.
  @Test("Gulliksen, Lord & Novick by hand")
  func gulliksenLordNovick() {
    let rule = research(.gulliksenLordNovick, r: 0.75)
    #expect(closeTo(rule.standardError, 1.707825, within: 1e-6))
    let big = rule.assess(intake: 16, latest: 6)
    #expect(closeTo(big.index, -5.416245, within: 1e-6))
    #expect(big.category == .improved)
    let small = rule.assess(intake: 13, latest: 15)
    #expect(closeTo(small.index, 1.171080, within: 1e-6))
    #expect(small.category == .unchanged)
  }

  /// HLL, r = 0.75, same SE 1.707825, but measured from M2 = 9:
  /// Client 16 -> 6: ((6 - 9) - 0.75 * 3) / 1.707825 = -5.25 / 1.707825 = -3.074085: improved.
  /// Client 13 -> 15: ((15 - 9) - 0) / 1.707825 = 3.513240: deteriorated (the sample fell by 4 on average).
  @Test("Hsu, Linn & Lord by hand")
  func hsuLinnLord() {
    let rule = research(.hsuLinnLord, r: 0.75)
    let big = rule.assess(intake: 16, latest: 6)
    #expect(closeTo(big.index, -3.074085, within: 1e-6))
    #expect(big.category == .improved)
    let small = rule.assess(intake: 13, latest: 15)
    #expect(closeTo(small.index, 3.513240, within: 1e-6))
    #expect(small.category == .deteriorated)
  }

  /// EN, r = 0.75: S_E = SD1 sqrt(0.25) = 1.290994.
  /// Client 16 -> 6: (6 - (0.75 * 3 + 13)) / 1.290994 = -9.25 / 1.290994 = -7.165019: improved.
  /// Client 13 -> 15: (15 - 13) / 1.290994 = 1.549193: unchanged.
  @Test("Edwards & Nunnally by hand")
  func edwardsNunnally() {
    let rule = research(.edwardsNunnally, r: 0.75)
    #expect(closeTo(rule.standardErrorOfMeasurement, 1.290994, within: 1e-6))
    #expect(closeTo(rule.assess(intake: 16, latest: 6).index, -7.165019, within: 1e-6))
    #expect(rule.assess(intake: 16, latest: 6).category == .improved)
    #expect(closeTo(rule.assess(intake: 13, latest: 15).index, 1.549193, within: 1e-6))
    #expect(rule.assess(intake: 13, latest: 15).category == .unchanged)
  }

  /// NK, r = r_post = 0.75: denominator sqrt(r^2 SD1^2 (1 - r) + SD1^2 (1 - r_post))
  /// = sqrt(0.5625 * 20/3 * 0.25 + 20/3 * 0.25) = sqrt(0.9375 + 1.666667) = sqrt(2.604167) = 1.613743.
  /// Client 16 -> 6: -9.25 / 1.613743 = -5.732015: improved. Client 13 -> 15: 2 / 1.613743 = 1.239355.
  /// With r_post = 0.9: sqrt(0.9375 + 20/3 * 0.1) = sqrt(1.604167) = 1.266557.
  @Test("Nunnally & Kotsch by hand")
  func nunnallyKotsch() {
    let rule = research(.nunnallyKotsch, r: 0.75)
    #expect(closeTo(rule.standardError, 1.613743, within: 1e-6))
    #expect(closeTo(rule.assess(intake: 16, latest: 6).index, -5.732015, within: 1e-6))
    #expect(rule.assess(intake: 13, latest: 15).category == .unchanged)
    #expect(closeTo(rule.assess(intake: 13, latest: 15).index, 1.239355, within: 1e-6))
    let post = ReliableChangeRule.research(
      .nunnallyKotsch, sample: Self.handSample, reliability: 0.75, postReliability: 0.9, direction: .lowerIsBetter)
    #expect(closeTo(post.standardError, 1.266557, within: 1e-6))
  }

  /// HA, r = 0.9: S_E^2 = 20/3 * 0.1 = 2/3; r1 = r2 = (20/3 - 2/3) / (20/3) = 0.9;
  /// r_dd = (20/3 * 0.9 * 2 - 2 * 20/3 * 0.8) / (2 * 20/3 - 2 * 20/3 * 0.8) = (12 - 10.666667) / 2.666667 = 0.5;
  /// denominator sqrt(0.5) * sqrt(2 * 2/3) = 0.707107 * 1.154701 = 0.816497.
  /// Client 16 -> 6: ((-10) 0.5 + (-4) 0.5) / 0.816497 = -7 / 0.816497 = -8.573214: improved.
  /// Client 13 -> 14: (0.5 - 2) / 0.816497 = -1.837117: improved at 1.645, although the score rose,
  /// because the sample as a whole fell by 4. Client 13 -> 15: (1 - 2) / 0.816497 = -1.224745: unchanged.
  /// With r = 0.75 instead: r_dd = (10 - 10.666667) / 2.666667 = -0.25, so no index exists.
  @Test("Hageman & Arrindell by hand")
  func hagemanArrindell() {
    let rule = research(.hagemanArrindell, r: 0.9)
    #expect(rule.criticalValue == 1.645)
    #expect(closeTo(rule.differenceReliability, 0.5, within: 1e-12))
    #expect(closeTo(rule.standardError, 0.816497 / 0.5, within: 1e-6))
    #expect(closeTo(rule.assess(intake: 16, latest: 6).index, -8.573214, within: 1e-6))
    #expect(closeTo(rule.assess(intake: 13, latest: 14).index, -1.837117, within: 1e-6))
    #expect(rule.assess(intake: 13, latest: 14).category == .improved)
    #expect(closeTo(rule.assess(intake: 13, latest: 15).index, -1.224745, within: 1e-6))
    #expect(rule.assess(intake: 13, latest: 15).category == .unchanged)
    #expect(research(.hagemanArrindell, r: 0.75).issue == .unreliableDifferences)
  }

  @Test("Research methods read the parameters and need a reliability")
  func researchFromParameters() {
    var parameters = AnalysisParameters()
    parameters.reliableChangeMethod = .edwardsNunnally
    let rule = ReliableChangeRule(instrument: .phq9, parameters: parameters, sample: Self.handSample, reliability: 0.75)
    #expect(rule.basis == .sampleMoments)
    #expect(rule.method == .edwardsNunnally)
    #expect(closeTo(rule.standardErrorOfMeasurement, 1.290994, within: 1e-6))
    #expect(
      ReliableChangeRule(instrument: .phq9, parameters: parameters, sample: Self.handSample).issue == .noReliability)
    let flat = SampleMoments(intake: [5, 5, 5], latest: [1, 2, 3])
    #expect(
      ReliableChangeRule(instrument: .phq9, parameters: parameters, sample: flat, reliability: 0.8).issue == .noSpread)
  }

  // MARK: - Sample moments

  @Test("Sample moments skip incomplete pairs and merge like one pass")
  func sampleMoments() async {
    await propertyCheck(count: 60, input: Gen.int(in: 0...40).array(of: 0...30), Gen.int(in: 0...40).array(of: 0...30))
    {
      a, b in
      let n = min(a.count, b.count)
      // Every seventh intake is missing.
      let intake = (0..<n).map { $0 % 7 == 3 ? Double.nan : Double(a[$0]) }
      let latest = (0..<n).map { Double(b[$0]) }
      let moments = SampleMoments(intake: intake, latest: latest)
      let complete = (0..<n).filter { intake[$0].isFinite }
      #expect(moments.count == complete.count)
      guard complete.count >= 2 else { return }
      let x = complete.map { intake[$0] }
      let y = complete.map { latest[$0] }
      let mx = x.reduce(0, +) / Double(x.count)
      let my = y.reduce(0, +) / Double(y.count)
      let sx = (x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
      let sy = (y.map { ($0 - my) * ($0 - my) }.reduce(0, +) / Double(y.count - 1)).squareRoot()
      #expect(closeTo(moments.intakeMean, mx, within: 1e-9))
      #expect(closeTo(moments.latestMean, my, within: 1e-9))
      #expect(closeTo(moments.intakeSD, sx, within: 1e-9))
      #expect(closeTo(moments.latestSD, sy, within: 1e-9))
      if sx > 0, sy > 0 {
        let sxy = zip(x, y).map { ($0 - mx) * ($1 - my) }.reduce(0, +) / Double(x.count - 1)
        #expect(closeTo(moments.correlation, sxy / (sx * sy), within: 1e-9))
      }
      let half = n / 2
      var merged = SampleMoments(intake: Array(intake[..<half]), latest: Array(latest[..<half]))
      merged.merge(SampleMoments(intake: Array(intake[half...]), latest: Array(latest[half...])))
      #expect(merged.count == moments.count)
      #expect(closeTo(merged.intakeSD, sx, within: 1e-9))
      #expect(closeTo(merged.latestMean, my, within: 1e-9))
      #expect(
        closeTo(
          merged.correlation.isNaN ? 0 : merged.correlation, moments.correlation.isNaN ? 0 : moments.correlation,
          within: 1e-9))
    }
  }

  // MARK: - Properties

  /// `|change| >= points` counts, in halves of a point: exactly at the threshold is reliable, half a
  /// point short is not, whichever way the scale runs.
  @Test("Fixed points: the boundary is inclusive")
  func fixedPointsBoundary() async {
    await propertyCheck(count: 200, input: Gen.int(in: 1...20), Gen.int(in: 0...80), Gen.bool) {
      halfPoints, halfIntake, lower in
      let points = Double(halfPoints) / 2
      let intake = Double(halfIntake) / 2
      let direction: Direction = lower ? .lowerIsBetter : .higherIsBetter
      let dir = Double(direction.rawValue)
      let rule = ReliableChangeRule.fixedPoints(points, direction: direction)
      #expect(rule.assess(intake: intake, latest: intake + dir * points).category == .improved)
      #expect(rule.assess(intake: intake, latest: intake - dir * points).category == .deteriorated)
      #expect(rule.assess(intake: intake, latest: intake + dir * (points - 0.5)).category == .unchanged)
      #expect(rule.assess(intake: intake, latest: intake - dir * (points - 0.5)).category == .unchanged)
      #expect(closeTo(rule.assess(intake: intake, latest: intake + points).index, 1.96, within: 1e-12))
    }
  }

  /// With S_diff a power of two, `1.96 * S_diff` is exact, and so are the change from an intake of 0
  /// and the division: the index is exactly 1.96 at the threshold, which is not reliable (strict),
  /// while the next representable score beyond is. (The index depends on the change only, so an intake
  /// of 0 loses nothing; from other intakes `intake + 1.96 S_diff` would round.)
  @Test("Jacobson-Truax: the boundary is strict")
  func jacobsonTruaxBoundary() async {
    await propertyCheck(count: 100, input: Gen.int(in: -6...6), Gen.bool) { exponent, lower in
      let sDiff = Double(sign: .plus, exponent: exponent, significand: 1)
      let direction: Direction = lower ? .lowerIsBetter : .higherIsBetter
      let dir = Double(direction.rawValue)
      let rule = ReliableChangeRule.jacobsonTruax(standardErrorOfDifference: sDiff, direction: direction)
      let better = dir * 1.96 * sDiff
      let atBetter = rule.assess(intake: 0, latest: better)
      #expect(atBetter.index.map { abs($0) } == 1.96)
      #expect(atBetter.category == .unchanged)
      #expect(rule.assess(intake: 0, latest: -better).category == .unchanged)
      let beyondBetter = lower ? better.nextDown : better.nextUp
      let beyondWorse = lower ? (-better).nextUp : (-better).nextDown
      #expect(rule.assess(intake: 0, latest: beyondBetter).category == .improved)
      #expect(rule.assess(intake: 0, latest: beyondWorse).category == .deteriorated)
    }
  }

  /// Reflecting every score about the middle of the range (`x -> min + max - x`) while keeping the
  /// direction turns every gain into a loss; flipping the direction while keeping the scores does the
  /// same; doing both describes the same clients on a reversed scale and changes nothing. For every
  /// method, with the research methods' sample moments taken from the (reflected) sample itself.
  @Test("Reversing the scale mirrors improved and deteriorated")
  func directionMirror() async {
    let methods = AnalysisParameters.ReliableChangeMethod.allCases
    await propertyCheck(
      count: 150, input: Gen.int(in: 0...40).array(of: 6...20), Gen.int(in: 0...40).array(of: 6...20),
      Gen.int(in: 0..<methods.count), Gen.bool
    ) { a, b, methodIndex, lower in
      let n = min(a.count, b.count)
      let intake = a.prefix(n).map(Double.init)
      let latest = b.prefix(n).map(Double.init)
      let reflect = { (x: Double) in 40 - x }
      let direction: Direction = lower ? .lowerIsBetter : .higherIsBetter
      let method = methods[methodIndex]
      let reliability = method == .hagemanArrindell ? 0.95 : 0.8
      func rule(_ x: [Double], _ y: [Double], _ direction: Direction) -> ReliableChangeRule {
        let sample = SampleMoments(intake: x, latest: y)
        if method == .jacobsonTruax {
          return ReliableChangeRule.jacobsonTruax(sd: 4, reliability: reliability, direction: direction)
        }
        return ReliableChangeRule.research(method, sample: sample, reliability: reliability, direction: direction)
      }
      let original = rule(intake, latest, direction)
      let reflected = rule(intake.map(reflect), latest.map(reflect), direction)
      let flipped = rule(intake, latest, direction.flipped)
      let both = rule(intake.map(reflect), latest.map(reflect), direction.flipped)
      guard original.issue == nil else { return }  // a degenerate random sample (no spread, r_dd <= 0)
      for i in 0..<n {
        guard let category = original.assess(intake: intake[i], latest: latest[i]).category else {
          Issue.record("no category")
          return
        }
        #expect(reflected.assess(intake: reflect(intake[i]), latest: reflect(latest[i])).category == category.mirrored)
        #expect(flipped.assess(intake: intake[i], latest: latest[i]).category == category.mirrored)
        #expect(both.assess(intake: reflect(intake[i]), latest: reflect(latest[i])).category == category)
      }
    }
  }
}
