import RomtrackCore

/// The worklist reasons and outcome words in plain language, for clinicians reading their page.
enum ReasonWords {
  static func sentence(_ reason: WorklistReason, parameters: AnalysisParameters) -> String {
    switch reason {
    case .deteriorating:
      "Reliably worse than at the start: the change is larger than measurement error."
    case .referSessionsReached:
      "Still stalled at session \(parameters.referSessions) or later: consider a consultation, a change of approach or a referral."
    case .offTrack:
      "Below the course expected for clients who started at a similar score (the signal says how far)."
    case .ruptureUnrepaired:
      "The alliance dropped and has not come back: name it and invite the client to say what is not working."
    case .stalled:
      "Scores have stalled: no reliable improvement, still in the clinical range, and flat over the last \(parameters.stallWindow) sessions."
    case .lowAlliance:
      "The latest alliance rating is below the cutoff: ask how the sessions are going for them."
    case .noReliableImprovement:
      "No reliable improvement by session \(parameters.reviewSession): review the plan together."
    case .lostContact:
      "No score for more than \(parameters.lostContactDays) days: get in touch before the client drifts away."
    case .riskItem:
      "A risk item was answered positively: ask about it and follow the practice's risk procedure."
    }
  }

  /// The order reasons are listed in: most urgent first.
  static let order: [WorklistReason] = [
    .riskItem, .deteriorating, .offTrack, .referSessionsReached, .stalled, .ruptureUnrepaired, .lostContact,
    .lowAlliance, .noReliableImprovement,
  ]

  static func signal(_ signal: TreatmentSignal) -> String {
    switch signal {
    case .white: "white: recovered, consider planning the ending"
    case .green: "green: on track"
    case .yellow: "yellow: behind the expected course"
    case .red: "red: far behind it, or reliably worse"
    }
  }

  static func stall(_ level: StallLevel) -> String {
    switch level {
    case .none: "not stalled"
    case .review: "due for review"
    case .change: "consider a change"
    case .refer: "consider referral"
    }
  }

  static func category(_ category: OutcomeCategory) -> String {
    switch category {
    case .recovered: "recovered"
    case .improved: "reliably improved"
    case .unchanged: "no reliable change"
    case .deteriorated: "reliably deteriorated"
    case .harmed: "deteriorated into the clinical range"
    }
  }

  /// The words of each urgency of `WorklistPriority`.
  static let urgencyWords = [
    10: "risk item", 9: "reliable deterioration", 8: "red signal", 7: "stalled, consider referral",
    6: "stalled, consider a change", 5: "unrepaired rupture", 4: "lost contact", 3: "yellow signal",
    2: "low alliance", 1: "review",
  ]
}
