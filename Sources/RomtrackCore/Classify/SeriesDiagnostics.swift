/// Everything that limited the analysis of one series, as one 32-bit set: the `diagnostics` column of
/// clients.csv (FORMATS.md).
///
/// The codes are those of the stages that produce them, in the order the stages run: the trajectory
/// (`TrajectoryDiagnostic`), the reliable change (`ReliableChangeIssue`), the clinical range
/// (`ClinicalRangeIssue`), the stall window (`StallDiagnostic`), the sudden-gain threshold and the
/// expected-response model. A plain value rather than a list of strings, so that a million results are
/// copied as bytes, without reference counting or an allocation per series.
public struct SeriesDiagnostics: OptionSet, Sendable, Hashable {
  public let rawValue: UInt32

  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Every code, by bit position: the order in which `codes` lists them.
  public static let allCodes: [String] =
    TrajectoryDiagnostic.allCases.map(\.rawValue) + ReliableChangeIssue.allCases.map(\.rawValue)
    + ClinicalRangeIssue.allCases.map(\.rawValue) + StallDiagnostic.allCases.map(\.rawValue)
    + ["no_sudden_gain_threshold", "no_etr_model"]

  private static let reliableChangeBit = TrajectoryDiagnostic.allCases.count
  private static let clinicalRangeBit = reliableChangeBit + ReliableChangeIssue.allCases.count
  private static let stallBit = clinicalRangeBit + ClinicalRangeIssue.allCases.count

  /// No sudden-gain threshold for the instrument (no registry points and no reliable-change rule).
  public static let noSuddenGainThreshold = Self(rawValue: 1 << UInt32(stallBit + StallDiagnostic.allCases.count))
  /// No expected-response model could be fitted or loaded for the instrument.
  public static let noExpectedResponseModel = Self(rawValue: noSuddenGainThreshold.rawValue << 1)

  public init(_ trajectory: TrajectoryDiagnostics) {
    rawValue = UInt32(trajectory.rawValue)
  }

  public init(_ issue: ReliableChangeIssue) {
    rawValue = 1 << UInt32(Self.reliableChangeBit + ReliableChangeIssue.allCases.firstIndex(of: issue)!)
  }

  public init(_ issue: ClinicalRangeIssue) {
    rawValue = 1 << UInt32(Self.clinicalRangeBit + ClinicalRangeIssue.allCases.firstIndex(of: issue)!)
  }

  public init(_ stall: StallDiagnostics) {
    rawValue = UInt32(stall.rawValue) << UInt32(Self.stallBit)
  }

  /// The codes in the set, in `allCodes` order.
  public var list: [String] {
    Self.allCodes.indices.filter { rawValue & (1 << UInt32($0)) != 0 }.map { Self.allCodes[$0] }
  }

  /// The codes joined with `;` (`too_few_scores;no_reliability`), empty when there are none.
  public var codes: String { list.joined(separator: ";") }
}
