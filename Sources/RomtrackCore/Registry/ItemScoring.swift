// How an instrument's items make its total, and which items are risk items (docs/instruments.md,
// "Item-level input"). A specification only: `ItemScoring.score(_:)` turns one administration's item
// answers into a total, or says why there is none.

/// The items of an instrument and the published rule that turns them into the total score.
///
/// Total: `sum(answered items, reverse-keyed ones as min + max - answer) * multiplier / answered`.
/// With every item answered and `multiplier == count` this is the plain sum (PHQ-9, GAD-7, OQ-45); with
/// `multiplier == 10` it is the CORE "clinical score", 10 x the mean item. With up to `maxMissing`
/// items unanswered the same formula prorates: the missing items count as the mean of the answered
/// ones (CORE System Trust; Arrieta et al. 2017 for PHQ-9). More missing items leave no total.
/// Prorated totals are not rounded.
public struct ItemScoring: Sendable, Equatable {
  /// Number of items, numbered 1...count.
  public var count: Int
  /// Lowest and highest answer of one item.
  public var itemMinimum: Double
  public var itemMaximum: Double
  /// Items (1-based) scored in reverse: answer `a` counts as `itemMinimum + itemMaximum - a`.
  public var reversed: [Int]
  /// Items that may be missing while the total is still given (prorated); 0 = every item needed.
  public var maxMissing: Int
  /// The total is `multiplier` x the mean answered item: `count` for a sum, 10 for a CORE clinical score.
  public var multiplier: Double
  /// Items whose answer at or above `riskThreshold` (before reverse keying) puts the episode at the
  /// top of the worklist (`risk_item`), whatever the total says.
  public var riskItems: [Int]
  public var riskThreshold: Double
  /// Where the rule comes from.
  public var source: String

  public init(
    count: Int, itemMinimum: Double, itemMaximum: Double, reversed: [Int] = [], maxMissing: Int = 0,
    multiplier: Double? = nil, riskItems: [Int] = [], riskThreshold: Double = 1, source: String = ""
  ) {
    self.count = count
    self.itemMinimum = itemMinimum
    self.itemMaximum = itemMaximum
    self.reversed = reversed
    self.maxMissing = maxMissing
    self.multiplier = multiplier ?? Double(count)
    self.riskItems = riskItems
    self.riskThreshold = riskThreshold
    self.source = source
  }

  /// The lowest and highest total the rule can give.
  public var totalRange: ClosedRange<Double> { (itemMinimum * multiplier)...(itemMaximum * multiplier) }

  /// One administration scored.
  public enum Outcome: Sendable, Equatable {
    /// The total, from `answered` items (fewer than `count` when prorated).
    case total(Double, answered: Int)
    /// Every item is missing: the administration is kept with a missing total, as an empty score is.
    case allMissing
    /// More items are missing than the rule allows.
    case tooManyMissing(missing: Int)
  }

  /// Scores `answers[k]` = item k+1 (nil = not answered). Answers must already lie in the item range.
  public func score(_ answers: [Double?]) -> Outcome {
    var sum = 0.0
    var answered = 0
    for (k, answer) in answers.enumerated() {
      guard let answer else { continue }
      answered += 1
      sum += reversed.contains(k + 1) ? itemMinimum + itemMaximum - answer : answer
    }
    if answered == 0 { return .allMissing }
    let missing = count - answered
    if missing > maxMissing { return .tooManyMissing(missing: missing) }
    return .total(sum * multiplier / Double(answered), answered: answered)
  }

  /// The risk items answered at or above the threshold, with their answers, in item order.
  public func positiveRiskItems(_ answers: [Double?]) -> [(item: Int, answer: Double)] {
    riskItems.compactMap { item in
      guard item >= 1, item <= answers.count, let answer = answers[item - 1], answer >= riskThreshold else { return nil }
      return (item, answer)
    }
  }

  /// The rule in words, for listings: "9 items 0-3, sum; up to 2 missing prorated; risk item 9 (>= 1)".
  public var summary: String {
    var parts = ["\(count) items \(RegistryText.number(itemMinimum))-\(RegistryText.number(itemMaximum))"]
    parts[0] += multiplier == Double(count) ? ", sum" : ", \(RegistryText.number(multiplier)) x mean item"
    if !reversed.isEmpty { parts.append("reverse-keyed " + reversed.map(String.init).joined(separator: ", ")) }
    parts.append(maxMissing == 0 ? "no total when an item is missing" : "up to \(maxMissing) missing prorated")
    if !riskItems.isEmpty {
      parts.append("risk item\(riskItems.count == 1 ? "" : "s") \(riskItems.map(String.init).joined(separator: ", ")) (>= \(RegistryText.number(riskThreshold)))")
    }
    return parts.joined(separator: "; ")
  }
}

// MARK: - Built-in item rules (sources in docs/instruments.md)

extension ItemScoring {
  /// PHQ-9: 9 items 0-3, summed (Kroenke et al. 2001). Up to two missing items replaced by the mean of
  /// the answered ones (Arrieta et al. 2017, as the qscorer R package scores it). Item 9 (thoughts of
  /// being better off dead or of self-harm): any answer above "not at all" is a risk answer.
  public static let phq9 = ItemScoring(
    count: 9, itemMinimum: 0, itemMaximum: 3, maxMissing: 2, riskItems: [9],
    source: "Kroenke et al. (2001); missing items: Arrieta et al. (2017)")

  /// GAD-7: 7 items 0-3, summed (Spitzer et al. 2006). No missing-item rule checked: a missing item
  /// leaves no total.
  public static let gad7 = ItemScoring(count: 7, itemMinimum: 0, itemMaximum: 3, source: "Spitzer et al. (2006)")

  /// OQ-45.2: 45 items 0-4, summed, items 1, 12, 13, 20, 21, 24, 31, 37 and 43 reverse-keyed. Critical
  /// items 8 (suicide), 11, 26 and 32 (substance use) and 44 (violence at work): any answer other than
  /// "never". The manual fills a missing item with the mean of its subscale; the subscales are not built
  /// in, so a missing item leaves no total.
  public static let oq45 = ItemScoring(
    count: 45, itemMinimum: 0, itemMaximum: 4, reversed: [1, 12, 13, 20, 21, 24, 31, 37, 43],
    riskItems: [8, 11, 26, 32, 44], source: "OQ-45.2 scoring and interpretation sheet (Lambert et al.)")

  /// ORS and SRS: four 10 cm visual analogue lines, 0-10 each, summed (Miller & Duncan). Every line needed.
  public static let fourLines = ItemScoring(count: 4, itemMinimum: 0, itemMaximum: 10, source: "PCOMS (Miller & Duncan)")

  /// CORE-10: 10 items 0-4, items 2 and 3 reverse-keyed; clinical score 10 x mean item, prorated with
  /// one item missing (CORE System Trust). Item 6 ("I made plans to end my life") is the risk item.
  public static let core10 = ItemScoring(
    count: 10, itemMinimum: 0, itemMaximum: 4, reversed: [2, 3], maxMissing: 1, multiplier: 10,
    riskItems: [6], source: "Barkham et al. (2013); CORE System Trust scoring guidance")

  /// CORE-OM: 34 items 0-4, eight positively worded items reverse-keyed; clinical score 10 x mean item,
  /// prorated with up to three items missing (10% of items; CORE System Trust). Risk items 6, 9, 16,
  /// 22, 24, 34.
  public static let coreOM = ItemScoring(
    count: 34, itemMinimum: 0, itemMaximum: 4, reversed: [3, 4, 7, 12, 19, 21, 31, 32], maxMissing: 3,
    multiplier: 10, riskItems: [6, 9, 16, 22, 24, 34],
    source: "Evans et al. (2002); CORE System Trust scoring guidance")

  /// BDI-II: 21 items 0-3, summed (Beck et al. 1996). Item 9 (suicidal thoughts or wishes) is a risk
  /// item. No missing-item rule built in.
  public static let bdi2 = ItemScoring(
    count: 21, itemMinimum: 0, itemMaximum: 3, riskItems: [9], source: "Beck, Steer & Brown (1996)")
}
