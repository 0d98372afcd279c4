// Every threshold of METHODS.md, with its default, its config key and its valid range.
//
// The parameters are a specification, kept apart from any result (STYLE.md): an immutable value the
// stages read. A config file's `parameters:` section and the command-line flags set them through the
// same keys: the config key is the flag without its dashes, `-` -> `_` (`--stall-min-sessions` ->
// `stall_min_sessions`).

import Foundation

/// One invalid parameter value: its config key and what is wrong, in words a user can act on.
public struct ParameterProblem: Error, Sendable, Equatable, CustomStringConvertible {
  /// The config key, e.g. `stall_window`; the flag is `"--" + key` with `_` -> `-`.
  public var key: String
  public var message: String

  public init(key: String, message: String) {
    self.key = key
    self.message = message
  }

  /// The command-line flag of `key`: `stall_window` -> `--stall-window`.
  public var flag: String { "--" + key.replacingOccurrences(of: "_", with: "-") }

  public var description: String { key + ": " + message }
}

/// The settings of an analysis (METHODS.md), each with the default METHODS.md gives.
public struct AnalysisParameters: Sendable, Equatable {
  // MARK: - Value types of the enumerated parameters

  /// `rci_sd`: where the SD of the Jacobson-Truax RCI comes from.
  public enum ReliableChangeSD: String, Sendable, CaseIterable {
    /// The instrument's published reference SD from the registry (clinical use).
    case reference
    /// The SD of the analysed sample's intake scores, as the R package clinicalsignificance does
    /// (research use).
    case sample
  }

  /// `rci_method`: the reliable change index (METHODS.md section 1).
  public enum ReliableChangeMethod: String, Sendable, CaseIterable {
    /// Jacobson & Truax (1991); fixed registry points where the instrument has them.
    case jacobsonTruax = "JT"
    /// Gulliksen, Lord & Novick.
    case gulliksenLordNovick = "GLN"
    /// Hsu, Linn & Lord.
    case hsuLinnLord = "HLL"
    /// Edwards & Nunnally.
    case edwardsNunnally = "EN"
    /// Nunnally & Kotsch.
    case nunnallyKotsch = "NK"
    /// Hageman & Arrindell.
    case hagemanArrindell = "HA"

    /// The critical value an RCI must exceed: 1.645 for Hageman & Arrindell, 1.96 for the others.
    public var criticalValue: Double { self == .hagemanArrindell ? 1.645 : 1.96 }
  }

  /// `cutoff`: what decides whether a score is in the clinical range (METHODS.md section 2).
  public enum CutoffRule: String, Sendable, CaseIterable {
    /// The instrument's caseness cutoff from the registry (PHQ-9 >= 10, ...).
    case registry
    /// Jacobson-Truax a: two clinical SDs beyond the clinical mean, towards better.
    case a
    /// Jacobson-Truax b: two SDs beyond the functional mean, towards worse (see `CutoffBSD`).
    case b
    /// Jacobson-Truax c: between the clinical and functional means, weighted by their SDs.
    case c
  }

  /// `cutoff_b_sd`: which SD cutoff b steps away from the functional mean with.
  public enum CutoffBSD: String, Sendable, CaseIterable {
    /// `SD_func`, as Jacobson & Truax (1991) define b.
    case functional
    /// `SD_clin`, as the R package clinicalsignificance computes it.
    case clinical
  }

  /// `sl_crit2`: what a sudden loss's criterion 2 is a share of (METHODS.md section 7).
  public enum SuddenLossSeverity: String, Sendable, CaseIterable {
    /// The pre-loss severity, as for a gain (`x_N - min` where lower is better): suddengains'
    /// `identify_sl` and the literature.
    case severity
    /// The room left to worsen (`max - x_N` where lower is better): the gain rule on the mirrored scale.
    case room
  }

  /// `ha_categories`: how the combined categories are formed under `rci_method HA` (METHODS.md section 2).
  public enum HagemanArrindellCategories: String, Sendable, CaseIterable {
    /// As for every method: the latest score against the cutoff, five categories (romtrack's default).
    case cutoff
    /// As the R package clinicalsignificance: the latest score's own true-score test against the cutoff
    /// (`cs_indiv`), recovered only from the clinical range, never harmed.
    case clinicalsignificance
  }

  /// `time`: the time axis of the per-series trajectories (METHODS.md section 3).
  public enum TrajectoryTime: String, Sendable, CaseIterable {
    /// Session number.
    case session
    /// Weeks since the series' first score.
    case weeks
  }

  /// `pair`: the two outcome instruments combined for NHS Talking Therapies' paired rates.
  public struct InstrumentPair: Sendable, Equatable, CustomStringConvertible {
    /// The depression measure, PHQ9 by default.
    public var first: String
    /// The anxiety measure, GAD7 by default.
    public var second: String

    public init(_ first: String, _ second: String) {
      self.first = first
      self.second = second
    }

    /// `PHQ9,GAD7`.
    public var description: String { first + "," + second }
  }

  // MARK: - Reliable change and clinical significance (METHODS.md sections 1-2)

  /// `rci_sd`, default `reference`.
  public var reliableChangeSD: ReliableChangeSD = .reference
  /// `rci_method`, default `JT`.
  public var reliableChangeMethod: ReliableChangeMethod = .jacobsonTruax
  /// `cutoff`, default `registry`.
  public var cutoffRule: CutoffRule = .registry
  /// `cutoff_b_sd`, default `functional`.
  public var cutoffBSD: CutoffBSD = .functional
  /// `ha_categories`, default `cutoff`; only read with `rci_method HA` and a research cutoff.
  public var hagemanArrindellCategories: HagemanArrindellCategories = .cutoff
  /// `pair`, default PHQ9 + GAD7: two different outcome instruments of the registry.
  public var pair = InstrumentPair("PHQ9", "GAD7")

  // MARK: - Trajectories and signals (sections 3 and 5)

  /// `time`, default `session`.
  public var trajectoryTime: TrajectoryTime = .session
  /// `signal_yellow`, default 1.0: a latest score with `etr_z >= signalYellow` is yellow. Positive,
  /// below `signalRed`.
  public var signalYellow: Double = 1.0
  /// `signal_red`, default 1.645: a latest score with `etr_z >= signalRed` is red. Positive.
  public var signalRed: Double = 1.645
  /// `etr_min_series`, default 100: the least number of series with at least 3 scores an outcome
  /// instrument needs for the report to fit its own expected-treatment-response model. Below it no
  /// model is fitted and no signal given (unless a saved model is given with `--etr-model`): a model
  /// of a few dozen series gives expected courses too uncertain to tell a client off track. At least 2.
  public var etrMinimumSeries: Int = 100

  // MARK: - Stagnation (section 6)

  /// `stall_min_sessions`, default 6: scores a series needs before it can count as stalled. At least
  /// 2 and at least `stallWindow`, so that the plateau window fits.
  public var stallMinSessions: Int = 6
  /// `stall_window`, default 4: the last scores whose OLS slope decides the plateau. At least 2.
  public var stallWindow: Int = 4
  /// `review_session`, default 3: from this session on, no reliable improvement means `review`.
  /// At least 1.
  public var reviewSession: Int = 3
  /// `refer_sessions`, default 10: a stalled series at or after this session is `refer`. At least 1.
  public var referSessions: Int = 10

  // MARK: - Sudden gains (section 7)

  /// `sg_crit1`, default none: the minimum gain in points; `nil` uses the instrument's reliable-change
  /// points, else `1.96 S_diff`. Positive when given.
  public var suddenGainPoints: Double? = nil
  /// `sg_crit2`, default 0.25: the gain's minimum share of the pre-gain severity, in (0, 1].
  public var suddenGainProportion: Double = 0.25
  /// `sl_crit2`, default `severity`: a sudden loss's criterion 2 as a share of the pre-loss severity
  /// (suddengains), or `room`, of the room left to worsen (the mirrored rule).
  public var suddenLossSeverity: SuddenLossSeverity = .severity

  // MARK: - Alliance (section 8)

  /// `rupture_sd`, default 1.0: a drop of at least this many within-client SDs is a rupture. Positive.
  public var ruptureSD: Double = 1.0
  /// `repair_window`, default 3: later sessions in which a rupture may be repaired. At least 1.
  public var repairWindow: Int = 3
  /// `rupture_points`, default `nil` (`reliable`): the smallest alliance drop, in points, that can be a
  /// rupture, on top of `ruptureSD`. `nil` uses a reliable drop, `1.96 sqrt(2) SD_w` of each alliance
  /// instrument (Jacobson & Truax 1991 with the within-client SD as the error of one score); a number
  /// applies to every alliance instrument. Positive when given.
  public var rupturePoints: Double? = nil

  // MARK: - Worklist (section 6, revision for alerts)

  /// `lost_contact_days`, default 21: an active episode with no score for more than this many days
  /// is on the worklist's act tier (`lost_contact`). At least 1.
  public var lostContactDays: Int = 21

  // MARK: - Input and episodes (FORMATS.md)

  /// `ended_after_days`, default 42: an episode without `episode_end` has ended when its last score is
  /// more than this many days before the as-of date. At least 1.
  public var endedAfterDays: Int = 42
  /// `max_reject_rate`, default 0.05: a run rejecting a larger share of its rows fails (exit code 2).
  /// In [0, 1]: 0 tolerates no rejected row, 1 never fails.
  public var maxRejectRate: Double = 0.05
  /// `na`, default `["NA"]`: cell texts that mean a missing score. Empty cells are always missing.
  public var missingTokens: [String] = ["NA"]
  /// `date_format`, default `YYYY-MM-DD`: the layout of dates in the input, a pattern `DateFormat`
  /// accepts (`DD/MM/YYYY`, `D.M.YYYY`, ...).
  public var dateFormat: String = "YYYY-MM-DD"

  /// `missingTokens` under its config key's name.
  public var na: [String] {
    get { missingTokens }
    set { missingTokens = newValue }
  }

  /// `dateFormat` read as a `DateFormat`; ISO 8601 when the pattern is invalid (which
  /// `problems(against:)` reports).
  public var parsedDateFormat: DateFormat { DateFormat(pattern: dateFormat) ?? .iso }

  // MARK: - Aggregates (section 9)

  /// `suppress`, default 5: research exports hide every count below it. At least 1.
  public var suppress: Int = 5

  public init() {}

  /// METHODS.md's defaults.
  public static let defaults = AnalysisParameters()

  // MARK: - Access by config key

  /// Every config key, in the order of METHODS.md.
  public static let keys: [String] = [
    "rci_sd", "rci_method", "cutoff", "cutoff_b_sd", "ha_categories", "pair", "time", "signal_yellow", "signal_red",
    "etr_min_series",
    "stall_min_sessions", "stall_window", "review_session", "refer_sessions", "sg_crit1", "sg_crit2",
    "sl_crit2", "rupture_sd", "repair_window", "rupture_points", "lost_contact_days", "ended_after_days",
    "max_reject_rate", "na", "date_format",
    "suppress",
  ]

  /// Sets the parameter `key` from its text, as a command-line value or a config scalar gives it.
  /// Lists (`pair`, `na`) are comma-separated; `pair` also takes `PHQ9+GAD7`; `sg_crit1` takes `none`.
  /// Checks the value's own range; the checks across parameters and against the registry are
  /// `problems(against:)`. Throws for an unknown key, unreadable text or a value out of range, and
  /// leaves the parameters unchanged then.
  public mutating func set(_ key: String, text: String) throws(ParameterProblem) {
    let value = text.trimmingCharacters(in: .whitespaces)
    var changed = self
    switch key {
    case "rci_sd": changed.reliableChangeSD = try Self.choice(key, value.lowercased())
    case "rci_method": changed.reliableChangeMethod = try Self.choice(key, value.uppercased())
    case "cutoff": changed.cutoffRule = try Self.choice(key, value.lowercased())
    case "cutoff_b_sd": changed.cutoffBSD = try Self.choice(key, value.lowercased())
    case "ha_categories": changed.hagemanArrindellCategories = try Self.choice(key, value.lowercased())
    case "time": changed.trajectoryTime = try Self.choice(key, value.lowercased())
    case "signal_yellow": changed.signalYellow = try Self.number(key, value)
    case "signal_red": changed.signalRed = try Self.number(key, value)
    case "etr_min_series": changed.etrMinimumSeries = try Self.count(key, value)
    case "stall_min_sessions": changed.stallMinSessions = try Self.count(key, value)
    case "stall_window": changed.stallWindow = try Self.count(key, value)
    case "review_session": changed.reviewSession = try Self.count(key, value)
    case "refer_sessions": changed.referSessions = try Self.count(key, value)
    case "sg_crit1":
      let none = ["", "none", "null", "~"].contains(value.lowercased())
      changed.suddenGainPoints = none ? nil : try Self.number(key, value)
    case "sg_crit2": changed.suddenGainProportion = try Self.number(key, value)
    case "sl_crit2": changed.suddenLossSeverity = try Self.choice(key, value.lowercased())
    case "rupture_sd": changed.ruptureSD = try Self.number(key, value)
    case "repair_window": changed.repairWindow = try Self.count(key, value)
    case "rupture_points":
      let reliable = ["", "reliable", "none", "null", "~"].contains(value.lowercased())
      changed.rupturePoints = reliable ? nil : try Self.number(key, value)
    case "lost_contact_days": changed.lostContactDays = try Self.count(key, value)
    case "ended_after_days": changed.endedAfterDays = try Self.count(key, value)
    case "max_reject_rate": changed.maxRejectRate = try Self.number(key, value)
    case "suppress": changed.suppress = try Self.count(key, value)
    case "pair":
      let names = value.split(whereSeparator: { $0 == "," || $0 == "+" })
        .map { $0.trimmingCharacters(in: .whitespaces) }
      guard names.count == 2 else {
        throw ParameterProblem(key: key, message: "expected two instrument names, e.g. PHQ9,GAD7; got `\(text)`")
      }
      changed.pair = InstrumentPair(names[0], names[1])
    case "na":
      changed.missingTokens =
        value.isEmpty ? [] : value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    case "date_format":
      changed.dateFormat = value
    default:
      throw ParameterProblem(key: key, message: "unknown parameter" + Self.suggestion(for: key, among: Self.keys))
    }
    if let message = changed.rangeProblem(key, acrossParameters: false) {
      throw ParameterProblem(key: key, message: message)
    }
    self = changed
  }

  /// The text of the parameter `key`, which `set(_:text:)` reads back to the same value; `nil` for an
  /// unknown key.
  public func text(of key: String) -> String? {
    switch key {
    case "rci_sd": reliableChangeSD.rawValue
    case "rci_method": reliableChangeMethod.rawValue
    case "cutoff": cutoffRule.rawValue
    case "cutoff_b_sd": cutoffBSD.rawValue
    case "ha_categories": hagemanArrindellCategories.rawValue
    case "time": trajectoryTime.rawValue
    case "signal_yellow": RegistryText.number(signalYellow)
    case "signal_red": RegistryText.number(signalRed)
    case "etr_min_series": String(etrMinimumSeries)
    case "stall_min_sessions": String(stallMinSessions)
    case "stall_window": String(stallWindow)
    case "review_session": String(reviewSession)
    case "refer_sessions": String(referSessions)
    case "sg_crit1": suddenGainPoints.map(RegistryText.number) ?? "none"
    case "sg_crit2": RegistryText.number(suddenGainProportion)
    case "sl_crit2": suddenLossSeverity.rawValue
    case "rupture_sd": RegistryText.number(ruptureSD)
    case "repair_window": String(repairWindow)
    case "rupture_points": rupturePoints.map(RegistryText.number) ?? "reliable"
    case "lost_contact_days": String(lostContactDays)
    case "ended_after_days": String(endedAfterDays)
    case "max_reject_rate": RegistryText.number(maxRejectRate)
    case "suppress": String(suppress)
    case "pair": pair.description
    case "na": missingTokens.joined(separator: ",")
    case "date_format": dateFormat
    default: nil
    }
  }

  /// Every parameter as `(key, text)`, in the order of `keys`: for the run's manifest and summaries.
  public var settings: [(key: String, value: String)] {
    Self.keys.map { ($0, text(of: $0) ?? "") }
  }

  /// `settings` as a dictionary, for manifest.json.
  public var manifestEntries: [String: String] {
    Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0.value) })
  }

  // MARK: - Validation

  /// Everything wrong with these parameters, in the order of `keys`: values out of range, parameters
  /// that contradict each other, and a `pair` that does not name two different outcome instruments of
  /// `registry`. Empty when all is well.
  public func problems(against registry: InstrumentRegistry) -> [ParameterProblem] {
    var found: [ParameterProblem] = []
    for key in Self.keys {
      if let message = rangeProblem(key, acrossParameters: true) {
        found.append(ParameterProblem(key: key, message: message))
      }
      if key == "pair", let message = pairProblem(registry) {
        found.append(ParameterProblem(key: key, message: message))
      }
    }
    return found
  }

  /// These parameters with `pair` written with the registry's canonical names (`PHQ-9` -> `PHQ9`);
  /// throws the first of `problems(against:)`.
  public func validated(against registry: InstrumentRegistry) throws(ParameterProblem) -> AnalysisParameters {
    if let first = problems(against: registry).first { throw first }
    var result = self
    if let first = registry.instrument(named: pair.first), let second = registry.instrument(named: pair.second) {
      result.pair = InstrumentPair(first.name, second.name)
    }
    return result
  }

  /// What is wrong with the value of `key` on its own, and with `acrossParameters` also against the
  /// parameters it depends on (`signal_yellow` below `signal_red`, `stall_min_sessions` at least
  /// `stall_window`). `set(_:text:)` checks a value alone, so that the order of a file's keys does not
  /// matter.
  func rangeProblem(_ key: String, acrossParameters: Bool) -> String? {
    // Upper bounds far beyond any practice's data, so that no count or threshold can overflow the
    // arithmetic it enters (a session number plus the repair window, a day plus ended_after_days).
    func positive(_ value: Double, atMost maximum: Double = 1e6) -> String? {
      guard value.isFinite && value > 0 else { return "must be a positive number, got \(RegistryText.number(value))" }
      return value <= maximum ? nil : "must be at most \(RegistryText.number(maximum)), got \(RegistryText.number(value))"
    }
    func atLeast(_ minimum: Int, _ value: Int, atMost maximum: Int = Self.largestCount) -> String? {
      guard value >= minimum else { return "must be at least \(minimum), got \(value)" }
      return value <= maximum ? nil : "must be at most \(maximum), got \(value)"
    }
    switch key {
    case "signal_yellow":
      if let message = positive(signalYellow, atMost: 100) { return message }
      guard !acrossParameters || signalYellow < signalRed else {
        return "must be below signal_red (\(RegistryText.number(signalRed))), got \(RegistryText.number(signalYellow))"
      }
      return nil
    case "signal_red": return positive(signalRed, atMost: 100)
    case "etr_min_series": return atLeast(2, etrMinimumSeries, atMost: Self.largestSeriesCount)
    case "stall_min_sessions":
      if let message = atLeast(2, stallMinSessions) { return message }
      guard !acrossParameters || stallMinSessions >= stallWindow else {
        return "must be at least stall_window (\(stallWindow)), got \(stallMinSessions)"
      }
      return nil
    case "stall_window": return atLeast(2, stallWindow)
    case "review_session": return atLeast(1, reviewSession)
    case "refer_sessions": return atLeast(1, referSessions)
    case "sg_crit1": return suddenGainPoints.flatMap { positive($0) }
    case "sg_crit2":
      let p = suddenGainProportion
      return p > 0 && p <= 1 ? nil : "must be a proportion above 0 and at most 1, got \(RegistryText.number(p))"
    case "rupture_sd": return positive(ruptureSD, atMost: 100)
    case "repair_window": return atLeast(1, repairWindow)
    case "rupture_points": return rupturePoints.flatMap { positive($0) }
    case "lost_contact_days": return atLeast(1, lostContactDays, atMost: Self.largestDays)
    case "ended_after_days": return atLeast(1, endedAfterDays, atMost: Self.largestDays)
    case "max_reject_rate":
      let p = maxRejectRate
      return p >= 0 && p <= 1 ? nil : "must be a proportion from 0 to 1, got \(RegistryText.number(p))"
    case "suppress": return atLeast(1, suppress, atMost: Self.largestSuppression)
    case "na":
      guard !missingTokens.contains(where: \.isEmpty) else {
        return "contains an empty token; empty cells are always missing, so leave it out"
      }
      return nil
    case "date_format":
      return DateFormat(pattern: dateFormat) == nil ? Self.dateFormatMessage(dateFormat) : nil
    case "pair":
      return RegistryText.matchKeyEqual(pair.first, pair.second) ? "names the same instrument twice" : nil
    default: return nil
    }
  }

  private func pairProblem(_ registry: InstrumentRegistry) -> String? {
    for name in [pair.first, pair.second] {
      guard let instrument = registry.instrument(named: name) else {
        return "unknown instrument `\(name)`; known: " + registry.names.joined(separator: ", ")
      }
      guard instrument.kind == .outcome else {
        return "\(instrument.name) is an alliance instrument; the pair needs two outcome instruments"
      }
    }
    return nil
  }

  // MARK: - Reading values

  private static func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, _ text: String)
    throws(ParameterProblem) -> Choice
  where Choice.RawValue == String {
    if let value = Choice(rawValue: text) { return value }
    let options = Choice.allCases.map(\.rawValue)
    throw ParameterProblem(key: key, message: "expected \(RegistryText.alternatives(options)), got `\(text)`")
  }

  private static func number(_ key: String, _ text: String) throws(ParameterProblem) -> Double {
    guard let value = Double(text), value.isFinite else {
      throw ParameterProblem(key: key, message: "expected a number, got `\(text)`")
    }
    return value
  }

  /// A whole number written in decimal digits (an optional sign, and `.0` as a JSON writer may add):
  /// `0x10`, `1e1` and `10.5` are refused, though Swift's `Double` would read the first two.
  private static func count(_ key: String, _ text: String) throws(ParameterProblem) -> Int {
    guard let value = wholeNumber(text) else {
      throw ParameterProblem(key: key, message: "expected a whole number, got `\(text)`")
    }
    return value
  }

  /// `text` as a whole number when it is one in decimal digits (`12`, `-3`, `+4`, `10.0`), else `nil`
  /// (also beyond the range of `Int`).
  public static func wholeNumber(_ text: String) -> Int? {
    var digits = Substring(text)
    if let dot = digits.firstIndex(of: "."), digits[digits.index(after: dot)...].allSatisfy({ $0 == "0" }) {
      digits = digits[..<dot]
    }
    let unsigned = digits.first == "-" || digits.first == "+" ? digits.dropFirst() : digits
    guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(digits)
  }

  /// The largest session count, window or session number a parameter may be: 100,000.
  public static let largestCount = 100_000
  /// The largest `etr_min_series`: 100,000,000.
  public static let largestSeriesCount = 100_000_000
  /// The largest `ended_after_days`: 100 years of days.
  public static let largestDays = 36_525
  /// The largest suppression threshold: 1,000,000.
  public static let largestSuppression = 1_000_000

  static func dateFormatMessage(_ pattern: String) -> String {
    "`\(pattern)` is not a date format: it needs YYYY, one of MM or M and one of DD or D, with separators"
      + " as in the data, e.g. DD/MM/YYYY"
  }

  /// ` (did you mean X?)` for the closest key within two edits of `key`, else an empty string.
  static func suggestion(for key: String, among candidates: [String]) -> String {
    guard let best = RegistryText.closest(to: key, among: candidates) else { return "" }
    return " (did you mean \(best)?)"
  }
}
