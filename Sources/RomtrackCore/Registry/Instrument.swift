// The value types of the instrument registry: what a questionnaire's total score means.
//
// An `Instrument` says how to read a score (its range and which direction is better) and which
// published thresholds apply to it (caseness cutoff, reliable-change points, reliability and reference
// SD, clinical and functional norms, alliance cutoff). The analysis stages read these values; they never
// change them. The built-in entries are in `BuiltinInstruments.swift`, a config file may extend or
// override them (`Configuration`).

import Foundation

/// What an instrument measures: the client's state (outcome) or the working relationship (alliance).
public enum InstrumentKind: String, Sendable, Codable, CaseIterable {
  case outcome
  case alliance
}

/// Which end of the scale is better; `dir` in METHODS.md.
///
/// `improvement = dir * (latest - intake)` is positive when the client got better, whichever way the
/// scale runs.
public enum Direction: Int, Sendable, CaseIterable {
  /// Symptom scales (PHQ-9, GAD-7, OQ-45, CORE-10): dir = -1.
  case lowerIsBetter = -1
  /// Well-being and alliance scales (ORS, SRS, WAI-SR): dir = +1.
  case higherIsBetter = 1

  /// The word used in config files and listings: `lower` or `higher`.
  public var word: String {
    switch self {
    case .lowerIsBetter: "lower"
    case .higherIsBetter: "higher"
    }
  }

  /// Reads `lower` or `higher` (any case); `nil` for anything else.
  public init?(word: String) {
    switch word.lowercased() {
    case "lower": self = .lowerIsBetter
    case "higher": self = .higherIsBetter
    default: return nil
    }
  }
}

/// How a score is compared with a threshold.
public enum Comparator: String, Sendable, CaseIterable {
  case atLeast = ">="
  case above = ">"
  case atMost = "<="
  case below = "<"

  /// Whether `score` lies on the threshold's side: `score >= threshold` for `atLeast`, and so on.
  /// A NaN score or threshold never holds.
  public func holds(_ score: Double, _ threshold: Double) -> Bool {
    switch self {
    case .atLeast: score >= threshold
    case .above: score > threshold
    case .atMost: score <= threshold
    case .below: score < threshold
    }
  }

  /// The comparator in words, as a config file may also write it: `at least`, `above`, `at most`,
  /// `below`.
  public var words: String {
    switch self {
    case .atLeast: "at least"
    case .above: "above"
    case .atMost: "at most"
    case .below: "below"
    }
  }
}

/// A threshold with its comparator: PHQ-9 caseness is `>= 10`, ORS caseness `<= 25`, an SRS score
/// `< 36` is an alliance concern.
public struct Cutoff: Sendable, Equatable, CustomStringConvertible {
  public var value: Double
  public var comparator: Comparator

  public init(_ comparator: Comparator, _ value: Double) {
    self.comparator = comparator
    self.value = value
  }

  public init(value: Double, comparator: Comparator) {
    self.init(comparator, value)
  }

  /// Whether a score meets the cutoff (is at caseness, or is an alliance concern).
  public func isMet(by score: Double) -> Bool { comparator.holds(score, value) }

  /// `>= 10`, `< 36`: the form config files and listings use.
  public var description: String { comparator.rawValue + " " + RegistryText.number(value) }

  /// Reads a cutoff written as a comparator and a number: `>= 10`, `>=10`, `< 36`, `≥ 10`, `≤ 25`, or
  /// in words, `at least 10`, `above 9`, `at most 25`, `below 36`. `nil` when the text is anything else
  /// or the number is not finite.
  public init?(parsing text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let spellings: [(String, Comparator)] = [
      (">=", .atLeast), ("≥", .atLeast), ("<=", .atMost), ("≤", .atMost),
      (">", .above), ("<", .below),
      ("at least", .atLeast), ("at most", .atMost), ("above", .above), ("below", .below),
    ]
    for (prefix, comparator) in spellings where trimmed.lowercased().hasPrefix(prefix) {
      let rest = trimmed.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
      guard let value = Double(rest), value.isFinite else { return nil }
      self.init(comparator, value)
      return
    }
    return nil
  }

  /// The cutoff that puts scores beyond `value` on the worse side into the clinical range: `> value`
  /// where lower is better, `< value` where higher is better. Used for the research cutoffs a, b and c,
  /// which are points between populations rather than published caseness rules; a score exactly at
  /// the point counts as not clinical.
  public static func clinicalRange(beyond value: Double, direction: Direction) -> Cutoff {
    Cutoff(direction == .lowerIsBetter ? .above : .below, value)
  }
}

/// A population's mean and standard deviation on an instrument.
public struct Norm: Sendable, Equatable, CustomStringConvertible {
  public var mean: Double
  public var sd: Double

  public init(mean: Double, sd: Double) {
    self.mean = mean
    self.sd = sd
  }

  /// `M 4.7, SD 4.8`.
  public var description: String {
    "M " + RegistryText.number(mean) + ", SD " + RegistryText.number(sd)
  }
}

/// The three cutoffs of Jacobson & Truax (1991) between a clinical and a functional population
/// (METHODS.md section 2), with `dir` the instrument's direction:
///
/// - `a = M_clin + dir * 2 SD_clin`: two SDs beyond the clinical mean, towards better;
/// - `b = M_func - dir * 2 SD_func`: two SDs beyond the functional mean, towards worse (the R package
///   clinicalsignificance uses `SD_clin` here instead: `bWithClinicalSD`);
/// - `c = (SD_clin M_func + SD_func M_clin) / (SD_clin + SD_func)`: the point equally many SDs from
///   both means, the usual choice when both norms are known.
///
/// All three are in the instrument's score units. Jacobson, N. S. & Truax, P. (1991), JCCP 59:12-19.
public struct NormCutoffs: Sendable, Equatable {
  public var a: Double
  public var b: Double
  public var bWithClinicalSD: Double
  public var c: Double

  /// Standard deviations must be positive for `c` to be defined; with both zero `c` is NaN.
  public init(clinical: Norm, functional: Norm, direction: Direction) {
    let dir = Double(direction.rawValue)
    a = clinical.mean + dir * 2 * clinical.sd
    b = functional.mean - dir * 2 * functional.sd
    bWithClinicalSD = functional.mean - dir * 2 * clinical.sd
    c = (clinical.sd * functional.mean + functional.sd * clinical.mean) / (clinical.sd + functional.sd)
  }
}

/// One questionnaire in the registry.
public struct Instrument: Sendable, Equatable {
  /// Canonical name, as written to every output file: `PHQ9`.
  public var name: String
  /// Other spellings accepted on input: `PHQ-9`. Matching ignores case and everything but letters and
  /// digits (`InstrumentRegistry.matchKey`).
  public var aliases: [String]
  public var kind: InstrumentKind
  /// Lowest and highest possible total score; a score outside is rejected on input.
  public var minimum: Double
  public var maximum: Double
  public var direction: Direction
  /// Caseness: a score meeting it is in the clinical range (outcome instruments).
  public var clinicalCutoff: Cutoff?
  /// A fixed reliable-change threshold in points, `|change| >= points` (NHS Talking Therapies' rule).
  public var reliableChangePoints: Double?
  /// Test-retest or internal-consistency reliability `r_xx` for the Jacobson-Truax RCI.
  public var reliability: Double?
  /// Published reference standard deviation `SD_ref` for the Jacobson-Truax RCI.
  public var referenceSD: Double?
  /// Mean and SD of a clinical population and of a functional (general) population.
  public var clinicalNorm: Norm?
  public var functionalNorm: Norm?
  /// A score meeting it is an alliance concern (alliance instruments): SRS `< 36`.
  public var allianceCutoff: Cutoff?
  /// Short citation of the values above.
  public var source: String
  /// Anything a clinician should know about the values (other norms, scoring rules).
  public var notes: [String]
  /// How item answers make the total and which items are risk items, for item-level input
  /// (`ItemScoring`); nil when romtrack reads only totals of this instrument.
  public var items: ItemScoring?

  public init(
    name: String, aliases: [String] = [], kind: InstrumentKind, minimum: Double, maximum: Double,
    direction: Direction, clinicalCutoff: Cutoff? = nil, reliableChangePoints: Double? = nil,
    reliability: Double? = nil, referenceSD: Double? = nil, clinicalNorm: Norm? = nil,
    functionalNorm: Norm? = nil, allianceCutoff: Cutoff? = nil, source: String = "",
    notes: [String] = [], items: ItemScoring? = nil
  ) {
    self.items = items
    self.name = name
    self.aliases = aliases
    self.kind = kind
    self.minimum = minimum
    self.maximum = maximum
    self.direction = direction
    self.clinicalCutoff = clinicalCutoff
    self.reliableChangePoints = reliableChangePoints
    self.reliability = reliability
    self.referenceSD = referenceSD
    self.clinicalNorm = clinicalNorm
    self.functionalNorm = functionalNorm
    self.allianceCutoff = allianceCutoff
    self.source = source
    self.notes = notes
  }

  /// `dir` of METHODS.md: -1 where lower is better, +1 where higher is better.
  public var dir: Double { Double(direction.rawValue) }

  /// Whether a score lies in `minimum...maximum` (both ends included). NaN is never contained.
  public func contains(_ score: Double) -> Bool { score >= minimum && score <= maximum }

  /// `S_diff = sqrt(2) * SD_ref * sqrt(1 - r_xx)` (Jacobson & Truax 1991), in score points, when both the
  /// reliability and the reference SD are known; `nil` otherwise. A change is reliable when it exceeds
  /// `1.96 * S_diff`.
  public var standardErrorOfDifference: Double? {
    guard let r = reliability, let sd = referenceSD else { return nil }
    return (2 as Double).squareRoot() * sd * (1 - r).squareRoot()
  }

  /// Cutoffs a, b and c from the clinical and functional norms; `nil` unless both are known.
  public var normCutoffs: NormCutoffs? {
    guard let clinical = clinicalNorm, let functional = functionalNorm else { return nil }
    return NormCutoffs(clinical: clinical, functional: functional, direction: direction)
  }
}

/// Number formatting shared by the registry's listings and messages.
enum RegistryText {
  /// The shortest text that reads back as the same number: `10`, `0.801`, `-2.5`.
  static func number(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value))
    }
    return String(value)
  }

  /// Whether two names have the same match key (`PHQ-9` and `phq9`).
  static func matchKeyEqual(_ a: String, _ b: String) -> Bool {
    InstrumentRegistry.matchKey(a) == InstrumentRegistry.matchKey(b)
  }

  /// `a`, `a or b`, `a, b or c`.
  static func alternatives(_ options: [String]) -> String {
    guard options.count > 1 else { return options.first ?? "" }
    return options.dropLast().joined(separator: ", ") + " or " + options[options.count - 1]
  }

  /// The candidate closest to `text` (case ignored) if it is at most two single-character edits away;
  /// the first of equally close ones.
  static func closest(to text: String, among candidates: [String]) -> String? {
    let target = Array(text.lowercased())
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let distance = editDistance(target, Array(candidate.lowercased()))
      if distance <= 2, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    return best?.candidate
  }

  /// Levenshtein distance: insertions, deletions and substitutions of one character each.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
