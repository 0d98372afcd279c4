// The worklist's two tiers and its order of urgency (METHODS.md section 6, revision for alerts).
//
// A clinician reads the `act` tier as "talk with this client this week" and the `watch` tier as
// "worth a look when planning". Which reason belongs to which tier, and the order, were chosen from
// `romtrack backtest` on generated practices of several seeds and sizes (docs/methods.md gives the
// numbers): every `act` reason names a client who is, on the evidence, going wrong now; the `watch`
// reasons flag too many clients who go on to improve to ask for a conversation each week.

/// How soon a series on the worklist needs a conversation.
public enum WorklistTier: String, Sendable, CaseIterable, Comparable {
  /// Not on the worklist.
  case none = ""
  /// Worth a look when planning: a yellow signal, low alliance, no reliable improvement by the review
  /// session.
  case watch
  /// Talk with the client this week: a risk item, reliable deterioration, a red signal, stalled
  /// progress, an unrepaired rupture of a size that matters, or lost contact.
  case act

  public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }

  var rank: Int {
    switch self {
    case .none: 0
    case .watch: 1
    case .act: 2
    }
  }
}

/// The urgency of a series on the worklist: a number that orders the list, most urgent first, and the
/// tier it falls in. Urgency 4 and above is the `act` tier, 1-3 the `watch` tier, 0 not listed.
///
/// | urgency | reason | tier |
/// |---|---|---|
/// | 10 | a positive answer on a risk item | act |
/// | 9 | reliable deterioration | act |
/// | 8 | red signal: far behind the expected course | act |
/// | 7 | stalled past the refer session | act |
/// | 6 | stalled (no reliable improvement, clinical, flat) | act |
/// | 5 | an unrepaired alliance rupture | act |
/// | 4 | lost contact: no score for more than `--lost-contact-days` | act |
/// | 3 | yellow signal | watch |
/// | 2 | low alliance | watch |
/// | 1 | no reliable improvement by the review session; lost contact after recovery | watch |
///
/// Lost contact with a client whose series has recovered (or whose signal is white: out of the
/// clinical range and reliably improved) is most often an ending the client chose once they felt
/// better; it is a prompt to close the episode when planning, in the watch tier.
///
/// The order puts what the scores say about the client's course (deterioration, red, stalled) before
/// what the alliance says, so a series that is recovered or on track (green) is never ranked above a
/// stalled or deteriorating one: an alliance prompt on a recovered client ranks 5 at most, a stalled
/// series 6 or more.
public enum WorklistPriority {
  /// The lowest urgency of the `act` tier.
  public static let actFrom = 4

  /// The urgency of one series from its reasons, signal and stall level (0 when it has no reason).
  public static func urgency(
    reasons: WorklistReasons, signal: TreatmentSignal?, stall: StallLevel?, recovered: Bool = false
  ) -> Int {
    if reasons.contains(.riskItem) { return 10 }
    if reasons.contains(.deteriorating) { return 9 }
    if signal == .red, reasons.contains(.offTrack) { return 8 }
    if stall == .refer { return 7 }
    if stall == .change { return 6 }
    if reasons.contains(.ruptureUnrepaired) { return 5 }
    if reasons.contains(.lostContact), !recovered { return 4 }
    if signal == .yellow, reasons.contains(.offTrack) { return 3 }
    if reasons.contains(.lowAlliance) { return 2 }
    return reasons.contains(.noReliableImprovement) || stall == .review || reasons.contains(.lostContact) ? 1 : 0
  }

  /// The tier of an urgency.
  public static func tier(urgency: Int) -> WorklistTier {
    urgency >= actFrom ? .act : urgency > 0 ? .watch : .none
  }
}

extension SeriesResult {
  /// This series' urgency on the worklist (`WorklistPriority`); 0 when it does not need review.
  public var urgency: Int {
    guard needsReview else { return 0 }
    let recovered = clinical?.category == .recovered || signal == .white
    return WorklistPriority.urgency(reasons: reasons, signal: signal, stall: stall?.level, recovered: recovered)
  }

  /// This series' tier on the worklist.
  public var tier: WorklistTier { WorklistPriority.tier(urgency: urgency) }
}
