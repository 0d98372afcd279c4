import Foundation
import RomtrackCore
import Testing

/// `|a - b| <= tolerance`, the absolute form of swift-numerics' `isApproximatelyEqual`.
private func isClose(_ a: Double?, _ b: Double, within tolerance: Double) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}

@Suite("Instrument registry")
struct RegistryTests {
  let registry = InstrumentRegistry.builtIn

  // MARK: - Lookup

  @Test(
    "Every spelling people use finds its instrument",
    arguments: [
      ("PHQ9", "PHQ9"), ("PHQ-9", "PHQ9"), ("phq9", "PHQ9"), ("Phq 9", "PHQ9"), ("phq_9", "PHQ9"),
      ("GAD7", "GAD7"), ("GAD-7", "GAD7"), ("gad 7", "GAD7"),
      ("OQ45", "OQ45"), ("OQ-45", "OQ45"), ("OQ-45.2", "OQ45"), ("oq 45.2", "OQ45"),
      ("ORS", "ORS"), ("ors", "ORS"),
      ("CORE10", "CORE10"), ("CORE-10", "CORE10"), ("core 10", "CORE10"),
      ("COREOM", "COREOM"), ("CORE-OM", "COREOM"), ("core_om", "COREOM"),
      ("BDI2", "BDI2"), ("BDI-II", "BDI2"), ("bdi ii", "BDI2"),
      ("SRS", "SRS"), (" srs ", "SRS"),
      ("WAISR", "WAISR"), ("WAI-SR", "WAISR"), ("wai sr", "WAISR"),
    ])
  func lookup(spelling: String, expected: String) {
    #expect(registry.instrument(named: spelling)?.name == expected)
    #expect(registry.index(of: spelling).map { registry.instruments[$0].name } == expected)
  }

  @Test("Unknown or empty names find nothing", arguments: ["PHQ", "PHQ-8", "OQ-45.3", "CORE", "", "--", " "])
  func unknownNames(name: String) {
    #expect(registry.index(of: name) == nil)
    #expect(registry.instrument(named: name) == nil)
  }

  @Test("The match key keeps letters and digits only, lowercased")
  func matchKey() {
    #expect(InstrumentRegistry.matchKey("PHQ-9") == "phq9")
    #expect(InstrumentRegistry.matchKey("Phq 9") == "phq9")
    #expect(InstrumentRegistry.matchKey("OQ-45.2") == "oq452")
    #expect(InstrumentRegistry.matchKey("WAI_SR\t") == "waisr")
    #expect(InstrumentRegistry.matchKey("-.- ") == "")
  }

  @Test("Every name and alias of every built-in finds that instrument, and no two share a key")
  func everyAliasIsUnique() {
    var owners: [String: String] = [:]
    for instrument in registry.instruments {
      for spelling in [instrument.name] + instrument.aliases {
        #expect(registry.instrument(named: spelling)?.name == instrument.name)
        let key = InstrumentRegistry.matchKey(spelling)
        #expect(owners[key] == nil || owners[key] == instrument.name, "\(spelling) is also \(owners[key] ?? "")")
        owners[key] = instrument.name
      }
    }
  }

  @Test("A registry built by hand and then changed finds the new entries")
  func mutationRebuildsTheIndex() {
    var changed = registry
    changed.instruments.append(
      Instrument(name: "K10", aliases: ["K-10"], kind: .outcome, minimum: 10, maximum: 50, direction: .lowerIsBetter))
    #expect(changed.instrument(named: "k 10")?.name == "K10")
    changed.instruments.removeFirst()
    #expect(changed.instrument(named: "PHQ-9") == nil)
    #expect(changed.instrument(named: "GAD-7")?.name == "GAD7")
  }

  // MARK: - Built-in values

  // The expected values below are the published ones as shared/spec/INSTRUMENTS.md gives them (NHS
  // Talking Therapies via PMC8411661 table 1; the OQ-45.2 manual; PCOMS; Barkham et al. 2013; Connell et
  // al. 2007; Hatcher & Gillaspy 2006), not values read back from the code.

  @Test("The built-ins are exactly the instruments of INSTRUMENTS.md, in its order, then GBO")
  func builtInNames() {
    #expect(registry.names == ["PHQ9", "GAD7", "OQ45", "ORS", "CORE10", "COREOM", "BDI2", "SRS", "WAISR", "GBO"])
    #expect(registry.instruments.allSatisfy { $0.reliability == nil && $0.referenceSD == nil })
  }

  @Test("GBO: 0-10, higher better, no cutoff, reliable change 2.45 points (Edbrooke-Childs et al. 2015)")
  func gbo() throws {
    let gbo = try #require(registry.instrument(named: "goal based outcomes"))
    #expect(gbo.name == "GBO" && gbo.kind == .outcome)
    #expect(gbo.minimum == 0 && gbo.maximum == 10)
    #expect(gbo.direction == .higherIsBetter)
    #expect(gbo.clinicalCutoff == nil && gbo.allianceCutoff == nil)
    #expect(gbo.reliableChangePoints == 2.45)
    #expect(gbo.source.contains("Edbrooke-Childs"))
  }

  @Test("PHQ-9: 0-27, lower better, caseness >= 10, reliable change 6 points")
  func phq9() throws {
    let phq9 = try #require(registry.instrument(named: "PHQ9"))
    #expect(phq9.aliases == ["PHQ-9"])
    #expect(phq9.kind == .outcome)
    #expect(phq9.minimum == 0 && phq9.maximum == 27)
    #expect(phq9.direction == .lowerIsBetter && phq9.dir == -1)
    #expect(phq9.clinicalCutoff == Cutoff(value: 10, comparator: .atLeast))
    #expect(phq9.reliableChangePoints == 6)
    #expect(phq9.allianceCutoff == nil && phq9.clinicalNorm == nil && phq9.functionalNorm == nil)
    #expect(phq9.source.contains("PMC8411661"))
  }

  @Test("GAD-7: 0-21, lower better, caseness >= 8, reliable change 4 points")
  func gad7() throws {
    let gad7 = try #require(registry.instrument(named: "GAD7"))
    #expect(gad7.aliases == ["GAD-7"])
    #expect(gad7.kind == .outcome)
    #expect(gad7.minimum == 0 && gad7.maximum == 21)
    #expect(gad7.direction == .lowerIsBetter)
    #expect(gad7.clinicalCutoff == Cutoff(.atLeast, 8))
    #expect(gad7.reliableChangePoints == 4)
  }

  @Test("OQ-45.2: 0-180, lower better, caseness >= 64, reliable change 14 points")
  func oq45() throws {
    let oq45 = try #require(registry.instrument(named: "OQ45"))
    #expect(oq45.aliases == ["OQ-45", "OQ-45.2"])
    #expect(oq45.kind == .outcome)
    #expect(oq45.minimum == 0 && oq45.maximum == 180)
    #expect(oq45.direction == .lowerIsBetter)
    #expect(oq45.clinicalCutoff == Cutoff(.atLeast, 64))
    #expect(oq45.reliableChangePoints == 14)
    #expect(oq45.notes.joined().contains("Timman"))
  }

  @Test("ORS: 0-40, higher better, caseness <= 25 (adults), reliable change 5 points")
  func ors() throws {
    let ors = try #require(registry.instrument(named: "ORS"))
    #expect(ors.aliases.isEmpty)
    #expect(ors.kind == .outcome)
    #expect(ors.minimum == 0 && ors.maximum == 40)
    #expect(ors.direction == .higherIsBetter && ors.dir == 1)
    #expect(ors.clinicalCutoff == Cutoff(.atMost, 25))
    #expect(ors.reliableChangePoints == 5)
  }

  @Test("CORE-10: 0-40, lower better, caseness >= 11, reliable change 6, norms of Barkham et al. 2013")
  func core10() throws {
    let core10 = try #require(registry.instrument(named: "CORE10"))
    #expect(core10.aliases == ["CORE-10"])
    #expect(core10.kind == .outcome)
    #expect(core10.minimum == 0 && core10.maximum == 40)
    #expect(core10.direction == .lowerIsBetter)
    #expect(core10.clinicalCutoff == Cutoff(.atLeast, 11))
    #expect(core10.reliableChangePoints == 6)
    #expect(core10.functionalNorm == Norm(mean: 4.7, sd: 4.8))
    #expect(core10.clinicalNorm == Norm(mean: 19.7, sd: 7.7))
  }

  @Test("CORE-OM: 0-40 clinical score, lower better, caseness >= 10, reliable change 5 points")
  func coreOM() throws {
    let coreOM = try #require(registry.instrument(named: "COREOM"))
    #expect(coreOM.aliases == ["CORE-OM"])
    #expect(coreOM.kind == .outcome)
    #expect(coreOM.minimum == 0 && coreOM.maximum == 40)
    #expect(coreOM.direction == .lowerIsBetter)
    #expect(coreOM.clinicalCutoff == Cutoff(.atLeast, 10))
    #expect(coreOM.reliableChangePoints == 5)
    #expect(coreOM.source.contains("Connell"))
  }

  @Test("BDI-II: the range 0-63 only, no thresholds built in")
  func bdi2() throws {
    let bdi2 = try #require(registry.instrument(named: "BDI2"))
    #expect(bdi2.aliases == ["BDI-II"])
    #expect(bdi2.kind == .outcome)
    #expect(bdi2.minimum == 0 && bdi2.maximum == 63)
    #expect(bdi2.direction == .lowerIsBetter)
    #expect(bdi2.clinicalCutoff == nil && bdi2.reliableChangePoints == nil)
    #expect(bdi2.clinicalNorm == nil && bdi2.functionalNorm == nil)
  }

  @Test("SRS: alliance, 0-40, higher better, a concern below 36")
  func srs() throws {
    let srs = try #require(registry.instrument(named: "SRS"))
    #expect(srs.aliases.isEmpty)
    #expect(srs.kind == .alliance)
    #expect(srs.minimum == 0 && srs.maximum == 40)
    #expect(srs.direction == .higherIsBetter)
    #expect(srs.allianceCutoff == Cutoff(.below, 36))
    #expect(srs.clinicalCutoff == nil && srs.reliableChangePoints == nil)
  }

  @Test("WAI-SR: alliance, 12-60, higher better, no validated cutoff")
  func waiSR() throws {
    let waiSR = try #require(registry.instrument(named: "WAISR"))
    #expect(waiSR.aliases == ["WAI-SR"])
    #expect(waiSR.kind == .alliance)
    #expect(waiSR.minimum == 12 && waiSR.maximum == 60)
    #expect(waiSR.direction == .higherIsBetter)
    #expect(waiSR.allianceCutoff == nil && waiSR.clinicalCutoff == nil)
    #expect(waiSR.source.contains("Hatcher"))
  }

  // MARK: - Cutoffs, ranges, derived values

  @Test("Cutoffs hold on their side, the boundary included only for >= and <=")
  func cutoffs() throws {
    let phq9 = try #require(registry.instrument(named: "PHQ9")?.clinicalCutoff)
    #expect(phq9.isMet(by: 10) && phq9.isMet(by: 27) && !phq9.isMet(by: 9) && !phq9.isMet(by: 9.99))
    let ors = try #require(registry.instrument(named: "ORS")?.clinicalCutoff)
    #expect(ors.isMet(by: 25) && ors.isMet(by: 0) && !ors.isMet(by: 25.1))
    let srs = try #require(registry.instrument(named: "SRS")?.allianceCutoff)
    #expect(srs.isMet(by: 35.9) && !srs.isMet(by: 36) && !srs.isMet(by: 40))
    #expect(Comparator.above.holds(5.1, 5) && !Comparator.above.holds(5, 5))
    #expect(!Comparator.atLeast.holds(.nan, 5))
  }

  @Test(
    "Cutoff text reads symbols and words",
    arguments: [
      (">= 10", Cutoff(.atLeast, 10)), (">=10", Cutoff(.atLeast, 10)), ("≥ 10", Cutoff(.atLeast, 10)),
      ("at least 10", Cutoff(.atLeast, 10)), ("> 9.5", Cutoff(.above, 9.5)), ("above 9.5", Cutoff(.above, 9.5)),
      ("<= 25", Cutoff(.atMost, 25)), ("≤25", Cutoff(.atMost, 25)), ("At most 25", Cutoff(.atMost, 25)),
      ("< 36", Cutoff(.below, 36)), (" below 36 ", Cutoff(.below, 36)),
    ])
  func cutoffParsing(text: String, expected: Cutoff) {
    #expect(Cutoff(parsing: text) == expected)
  }

  @Test(
    "Cutoff text without a comparator or a number is refused", arguments: ["10", "=> 10", ">= ten", "", ">=", "< inf"])
  func cutoffParsingFails(text: String) {
    #expect(Cutoff(parsing: text) == nil)
  }

  @Test("Cutoffs print in the form config files use")
  func cutoffDescription() {
    #expect(Cutoff(.atLeast, 10).description == ">= 10")
    #expect(Cutoff(.below, 36).description == "< 36")
    #expect(Cutoff(.atMost, 25.5).description == "<= 25.5")
  }

  @Test("The range includes both ends and nothing else")
  func contains() throws {
    let waiSR = try #require(registry.instrument(named: "WAI-SR"))
    #expect(waiSR.contains(12) && waiSR.contains(60) && waiSR.contains(36.5))
    #expect(!waiSR.contains(11.99) && !waiSR.contains(60.01) && !waiSR.contains(.nan))
  }

  @Test("CORE-10 cutoff c from its norms is 10.46 (Barkham et al. 2013)")
  func core10CutoffC() throws {
    let cutoffs = try #require(registry.instrument(named: "CORE-10")?.normCutoffs)
    // c = (SD_clin M_func + SD_func M_clin) / (SD_clin + SD_func) = (7.7 * 4.7 + 4.8 * 19.7) / 12.5
    #expect(isClose(cutoffs.c, 10.46, within: 0.005))
    // a = M_clin - 2 SD_clin, b = M_func + 2 SD_func (lower is better)
    #expect(isClose(cutoffs.a, 4.3, within: 1e-9))
    #expect(isClose(cutoffs.b, 14.3, within: 1e-9))
    #expect(isClose(cutoffs.bWithClinicalSD, 20.1, within: 1e-9))
    #expect(registry.instrument(named: "PHQ9")?.normCutoffs == nil)
  }

  @Test("Jacobson & Truax (1991) couples data: S_diff 3.8593 and cutoff c 54.316, as clinicalsignificance reports")
  func jacobsonTruaxReference() {
    // Intake moments of the 26 couples with both gds scores (mean 69.15385, sample SD 6.10208), the
    // reliability 0.80 and the functional norm M 30, SD 10 of INSTRUMENTS.md; expected values from there.
    let gds = Instrument(
      name: "GDS", kind: .outcome, minimum: 0, maximum: 100, direction: .lowerIsBetter,
      reliability: 0.80, referenceSD: 6.102080, clinicalNorm: Norm(mean: 69.153846, sd: 6.102080),
      functionalNorm: Norm(mean: 30, sd: 10))
    #expect(isClose(gds.standardErrorOfDifference, 3.8593, within: 5e-5))
    #expect(isClose(gds.normCutoffs?.c, 54.316, within: 5e-4))
  }

  @Test("Higher-is-better norm cutoffs step the other way")
  func higherIsBetterNormCutoffs() {
    let cutoffs = NormCutoffs(
      clinical: Norm(mean: 20, sd: 5), functional: Norm(mean: 30, sd: 4), direction: .higherIsBetter)
    #expect(isClose(cutoffs.a, 30, within: 1e-12))
    #expect(isClose(cutoffs.b, 22, within: 1e-12))
    #expect(isClose(cutoffs.bWithClinicalSD, 20, within: 1e-12))
    #expect(isClose(cutoffs.c, (5.0 * 30 + 4 * 20) / 9, within: 1e-12))
    #expect(Cutoff.clinicalRange(beyond: 25, direction: .higherIsBetter) == Cutoff(.below, 25))
    #expect(Cutoff.clinicalRange(beyond: 25, direction: .lowerIsBetter) == Cutoff(.above, 25))
  }

  // MARK: - Listings

  @Test("The table lists every instrument with aligned columns")
  func table() {
    let lines = RegistryListing.table(registry).split(separator: "\n").map(String.init)
    #expect(lines.count == 1 + registry.instruments.count)
    #expect(lines[0].hasPrefix("name    aliases"))
    #expect(lines[0].hasSuffix("alliance cutoff"))
    // The aliases column is as wide as the longest list of aliases: GBO's "Goal Based Outcomes".
    #expect(lines[1] == "PHQ9    PHQ-9                outcome   0-27   lower   >= 10            6 points         -")
    #expect(lines[8] == "SRS     -                    alliance  0-40   higher  -                -                < 36")
    let kindColumn = lines[0].range(of: "kind")!.lowerBound.utf16Offset(in: lines[0])
    for line in lines.dropFirst() {
      let offset = line.range(of: "outcome")?.lowerBound ?? line.range(of: "alliance")!.lowerBound
      #expect(offset.utf16Offset(in: line) == kindColumn, "\(line)")
    }
  }

  @Test("One entry in full, found by alias")
  func entry() throws {
    let text = try RegistryListing.detail(of: "core-10", in: registry)
    #expect(text.hasPrefix("CORE10\n"))
    #expect(text.contains("  aliases:             CORE-10\n"))
    #expect(text.contains("  clinical norm:       M 19.7, SD 7.7\n"))
    #expect(text.contains("  functional norm:     M 4.7, SD 4.8\n"))
    #expect(text.contains("c = 10.46"))
    #expect(text.contains("  source:              Barkham et al. (2013)\n"))
    let srs = try RegistryListing.detail(of: "SRS", in: registry)
    #expect(srs.contains("  alliance cutoff:     < 36 (a concern when below 36)\n"))
  }

  @Test("An unknown name throws an error listing the known names")
  func entryUnknown() {
    #expect(throws: UnknownInstrumentError(name: "PHQ8", knownNames: registry.names)) {
      try RegistryListing.detail(of: "PHQ8", in: registry)
    }
    let message = UnknownInstrumentError(name: "PHQ8", knownNames: registry.names).description
    #expect(
      message == "unknown instrument `PHQ8`; known instruments: PHQ9, GAD7, OQ45, ORS, CORE10, COREOM, BDI2, SRS, WAISR, GBO"
    )
  }
}
