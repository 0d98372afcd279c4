import Testing

@testable import RomtrackCore

/// `SeriesDiagnostics`: the diagnostics column of clients.csv lists the codes stage by stage, in the
/// order the stages run, each stage's own codes in their declaration order.
struct SeriesDiagnosticsTests {
  @Test func codesFollowTheStagesInOrder() {
    var set = SeriesDiagnostics()
    set.insert(.noExpectedResponseModel)
    set.insert(.noSuddenGainThreshold)
    set.formUnion(SeriesDiagnostics(StallDiagnostics.windowIncomplete))
    set.formUnion(SeriesDiagnostics(ClinicalRangeIssue.noClinicalCutoff))
    set.formUnion(SeriesDiagnostics(ReliableChangeIssue.noReliability))
    set.formUnion(SeriesDiagnostics([TrajectoryDiagnostics.tooFewScores, .logTimeUndefined]))
    #expect(
      set.codes
        == "too_few_scores;log_time_undefined;no_reliability;no_clinical_cutoff;window_incomplete;no_sudden_gain_threshold;no_etr_model"
    )
    #expect(SeriesDiagnostics().codes.isEmpty)
  }

  /// Every code of every stage has its own bit, and a stage's set maps onto the same codes as the
  /// stage's own `codes`.
  @Test func everyCodeHasItsOwnBit() {
    let codes = SeriesDiagnostics.allCodes
    #expect(codes.count <= 32 && Set(codes).count == codes.count)
    for raw in 0..<UInt8(1 << TrajectoryDiagnostic.allCases.count) {
      let trajectory = TrajectoryDiagnostics(rawValue: raw)
      #expect(SeriesDiagnostics(trajectory).codes == trajectory.codes)
    }
    for raw in 0..<UInt8(4) {
      let stall = StallDiagnostics(rawValue: raw)
      #expect(SeriesDiagnostics(stall).codes == stall.codes)
    }
    for issue in ReliableChangeIssue.allCases { #expect(SeriesDiagnostics(issue).codes == issue.rawValue) }
    for issue in ClinicalRangeIssue.allCases { #expect(SeriesDiagnostics(issue).codes == issue.rawValue) }
  }
}
