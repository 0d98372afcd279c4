/// What a backtest knows of one active episode on one replayed day: enough to tell whether each flag,
/// at its default or at another setting of its threshold, would have been raised.
public struct EpisodeState: Sendable {
  /// The reasons of the episode's series that need review.
  public var reasons = WorklistReasons()
  /// The highest urgency of those series (`WorklistPriority`).
  public var urgency = 0
  /// The highest urgency leaving out the red signal and lost contact: what the act tier holds whatever
  /// the red threshold and the lost-contact days are.
  public var urgencyWithoutRedAndLost = 0
  /// Some series of the episode has not recovered (nor has a white signal): lost contact with it is
  /// an act reason.
  public var notRecovered = false
  /// The largest `etr_z` of its outcome series with a signal other than white; -infinity when none.
  public var worstZ = -Double.infinity
  /// Days since the latest observed score.
  public var daysSinceScore = 0
  /// Scores of the episode's first outcome series seen so far (or of its first series).
  public var scores = 0

  public init() {}
}

/// One flag a backtest scores: a reason code, a tier, or the act tier with one threshold set otherwise.
public struct BacktestFlag: Sendable {
  /// `reason`, `tier`, or the parameter swept (`signal_red`, `lost_contact_days`).
  public var group: String
  /// The reason code or tier, or `act` for a sweep.
  public var name: String
  /// The parameter's value in a sweep; `nil` otherwise.
  public var value: Double?
  /// Whether the flag is up for an episode.
  public var isRaised: @Sendable (EpisodeState) -> Bool

  /// The flags of a backtest under `parameters`: every reason code, the two tiers and the whole list,
  /// and the act tier for each red threshold and each lost-contact limit given.
  public static func all(parameters: AnalysisParameters, redThresholds: [Double], lostContactDays: [Int]) -> [BacktestFlag] {
    var flags: [BacktestFlag] = [
      BacktestFlag(group: "tier", name: "act", value: nil) { $0.urgency >= WorklistPriority.actFrom },
      BacktestFlag(group: "tier", name: "watch", value: nil) { $0.urgency > 0 && $0.urgency < WorklistPriority.actFrom },
      BacktestFlag(group: "tier", name: "any", value: nil) { $0.urgency > 0 },
    ]
    for reason in WorklistReason.allCases {
      let bit = WorklistReasons(reason)
      flags.append(BacktestFlag(group: "reason", name: reason.rawValue, value: nil) { $0.reasons.contains(bit) })
    }
    let defaultRed = parameters.signalRed
    let act = WorklistPriority.actFrom
    for red in redThresholds {
      flags.append(BacktestFlag(group: "signal_red", name: "act", value: red) {
        $0.urgencyWithoutRedAndLost >= act || $0.worstZ >= red
          || ($0.reasons.contains(.lostContact) && $0.notRecovered)
      })
    }
    for days in lostContactDays {
      flags.append(BacktestFlag(group: "lost_contact_days", name: "act", value: Double(days)) {
        $0.urgencyWithoutRedAndLost >= act || $0.worstZ >= defaultRed || ($0.notRecovered && $0.daysSinceScore > days)
      })
    }
    return flags
  }
}
