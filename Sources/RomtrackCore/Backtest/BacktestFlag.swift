/// What a backtest knows of one active episode on one replayed day: enough to tell whether each flag,
/// at its default or at another setting of its threshold, would have been raised.
public struct EpisodeState: Sendable {
  /// The reasons of the episode's series that need review.
  public var reasons = WorklistReasons()
  /// The highest urgency of those series (`WorklistPriority`).
  public var urgency = 0
  /// The highest urgency leaving out the red signal, lost contact and stalled progress: what the act
  /// tier holds whatever the red threshold, the lost-contact days and the stall session are.
  public var urgencyWithoutRedLostStall = 0
  /// The latest session of a stalled outcome series (level change or refer); 0 when none is stalled.
  public var stalledSession = 0
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
  public static func all(
    parameters: AnalysisParameters, redThresholds: [Double], lostContactDays: [Int], stalledFrom: [Int] = []
  ) -> [BacktestFlag] {
    var flags: [BacktestFlag] = [
      BacktestFlag(group: "tier", name: "act", value: nil) { $0.urgency >= WorklistPriority.actFrom },
      BacktestFlag(group: "tier", name: "watch", value: nil) { $0.urgency > 0 && $0.urgency < WorklistPriority.actFrom },
      BacktestFlag(group: "tier", name: "any", value: nil) { $0.urgency > 0 },
    ]
    for reason in WorklistReason.allCases {
      let bit = WorklistReasons(reason)
      flags.append(BacktestFlag(group: "reason", name: reason.rawValue, value: nil) { $0.reasons.contains(bit) })
    }
    let (defaultRed, defaultStall) = (parameters.signalRed, WorklistPriority.stalledActFrom(parameters))
    for red in redThresholds {
      flags.append(BacktestFlag(group: "signal_red", name: "act", value: red) {
        core($0) || $0.worstZ >= red || lost($0) || stalled($0, from: defaultStall)
      })
    }
    for days in lostContactDays {
      flags.append(BacktestFlag(group: "lost_contact_days", name: "act", value: Double(days)) {
        core($0) || $0.worstZ >= defaultRed || ($0.notRecovered && $0.daysSinceScore > days) || stalled($0, from: defaultStall)
      })
    }
    for session in stalledFrom {
      flags.append(BacktestFlag(group: "stalled_act_from_session", name: "act", value: Double(session)) {
        core($0) || $0.worstZ >= defaultRed || lost($0) || stalled($0, from: session)
      })
    }
    return flags
  }

  /// A risk item, deterioration or an open rupture: act whatever the swept thresholds.
  static func core(_ s: EpisodeState) -> Bool { s.urgencyWithoutRedLostStall >= WorklistPriority.actFrom }

  /// Lost contact (at the run's limit) with a series that has not recovered.
  static func lost(_ s: EpisodeState) -> Bool { s.reasons.contains(.lostContact) && s.notRecovered }

  /// A stalled series at or past `session`.
  static func stalled(_ s: EpisodeState, from session: Int) -> Bool { s.stalledSession > 0 && s.stalledSession >= session }
}
