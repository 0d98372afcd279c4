// The growth model's data, reduced once to per-group sufficient blocks (METHODS.md section 4).
//
// Every quantity the profiled deviance needs from group i is a function of a few sums over its scores,
// because both designs are built from the same two columns, Z_i = [1, t] and
// X_i = [Z_i] or [Z_i, w_i Z_i] (w_i the group's intake score, constant within the group):
//
//   Z_i'Z_i = [[n_i, Σt], [Σt, Σt²]]           Z_i'y_i = (Σy, Σty)'          y_i'y_i = Σy²
//   Z_i'X_i = [Z_i'Z_i]  or  [Z_i'Z_i, w_i Z_i'Z_i]
//   X_i'X_i = [Z_i'Z_i]  or  [[Z_i'Z_i, w_i Z_i'Z_i], [w_i Z_i'Z_i, w_i² Z_i'Z_i]]
//   X_i'y_i = Z_i'y_i    or  (Z_i'y_i, w_i Z_i'y_i)
//
// So a group is stored as seven numbers (n, Σt, Σt², Σy, Σty, Σy², w) in parallel columns, filled in one
// pass over the scores, and no design matrix is ever formed. The blocks are the same whichever fixed
// effects are chosen; `GrowthModelSpec.includesIntake` only decides which of them the deviance reads.
// With `GrowthModelSpec.response = .afterIntake` the intake w_i is read but left out of the sums, so
// y_i holds the scores after it.

import Foundation

/// The per-group sufficient blocks of one instrument's growth model, in parallel columns.
///
/// Group `g` is one series (one client's episode on the instrument) with at least `minimumScores`
/// usable scores: scores that are not missing and have a value on the time axis. Its *intake* `w_g` is
/// the series' first non-missing score, whether or not that score has a time value (the same intake
/// the rest of romtrack reports), uncentred, in the instrument's points. Keeping it uncentred makes a
/// saved expected-treatment-response model self-contained: its coefficients apply to any practice's
/// raw intake scores without a stored centre.
///
/// With `response = .afterIntake` the intake is not a response: the sums run over the scores after it,
/// and the intake counts towards `minimumScores` (3 = the intake and 2 scores after it).
///
/// Sums are taken in the scores' order, in double precision, without shifting; the instruments' ranges
/// (hundreds of points at most) and session numbers leave more than 10 significant digits in every
/// quantity derived from them.
public struct GrowthModelData: Sendable {
  /// The time axis the blocks were summed on.
  public let time: GrowthModelSpec.Time
  /// The least number of usable scores a series needed to become a group.
  public let minimumScores: Int
  /// Which scores are the response.
  public let response: GrowthModelSpec.Response

  /// Per group: where it came from. For data built from a `SeriesTable`, the index of the series in
  /// `SeriesTable.series`; for data built from arrays, the group label given.
  public private(set) var groupID: [Int] = []
  /// Per group: `n_i`, the number of scores used (held as a Double, as the deviance reads it).
  public private(set) var count: [Double] = []
  /// Per group: `Σt`, the off-diagonal of `Z_i'Z_i`.
  public private(set) var sumTime: [Double] = []
  /// Per group: `Σt²`, the lower-right entry of `Z_i'Z_i`.
  public private(set) var sumTimeSquared: [Double] = []
  /// Per group: `Σy`, the first entry of `Z_i'y_i`.
  public private(set) var sumScore: [Double] = []
  /// Per group: `Σty`, the second entry of `Z_i'y_i`.
  public private(set) var sumTimeScore: [Double] = []
  /// Per group: `Σy² = y_i'y_i`.
  public private(set) var sumScoreSquared: [Double] = []
  /// Per group: the intake score `w_i`.
  public private(set) var intake: [Double] = []

  /// Series of the instrument that were looked at (every series for array input: every group).
  public private(set) var seriesConsidered = 0
  /// Series left out because they had fewer than `minimumScores` usable scores.
  public private(set) var seriesTooShort = 0
  /// Non-missing scores that could not be placed on the time axis (undated on `weeks`, session <= 0 on
  /// `log-session`) and were left out.
  public private(set) var scoresWithoutTime = 0

  /// The number of groups.
  public var groupCount: Int { groupID.count }
  /// `N = Σ n_i`, the number of observations in the model.
  public private(set) var observationCount = 0

  // MARK: - Building

  /// The blocks of every series of `instrument` in `table`, in the table's order, in one pass over
  /// their scores.
  ///
  /// - Parameters:
  ///   - instrument: the registry index of the instrument (`Series.instrument`).
  ///   - spec: supplies the time axis and `minimumScores`.
  public init(table: SeriesTable, instrument: Int, spec: GrowthModelSpec) {
    time = spec.time
    minimumScores = spec.minimumScores
    response = spec.response
    let afterIntake = spec.response == .afterIntake
    let logTable = (1...1024).map { Foundation.log(Double($0)) }
    table.session.withUnsafeBufferPointer { sessions in
      table.date.withUnsafeBufferPointer { dates in
        table.score.withUnsafeBufferPointer { scores in
          for (index, series) in table.series.enumerated() where Int(series.instrument) == instrument {
            seriesConsidered += 1
            var sums = GroupSums()
            var firstDate = ScoreRows.noDate
            for k in series.scores {
              let y = scores[k]
              if y.isNaN { continue }
              if sums.intake.isNaN {
                sums.intake = y
                if afterIntake {
                  sums.intakeLeftOut = 1
                  continue
                }
              }
              let t: Double
              switch spec.time {
              case .session:
                t = Double(sessions[k])
              case .logSession:
                let s = Int(sessions[k])
                guard s >= 1 else {
                  scoresWithoutTime += 1
                  continue
                }
                t = s <= logTable.count ? logTable[s - 1] : Foundation.log(Double(s))
              case .weeks:
                let day = dates[k]
                guard day != ScoreRows.noDate else {
                  scoresWithoutTime += 1
                  continue
                }
                if firstDate == ScoreRows.noDate { firstDate = day }
                t = Double(Int64(day) - Int64(firstDate)) / 7
              }
              sums.add(t: t, y: y)
            }
            append(sums, id: index)
          }
        }
      }
    }
  }

  /// The blocks of data given as parallel arrays, one entry per score: `group[k]` labels the group,
  /// `time[k]` is the score's value on the model's time axis (already transformed: a log-session model
  /// takes `ln(session)` here), `score[k]` the score (NaN = missing, skipped). Groups are kept in order
  /// of first appearance; a group's intake is its first non-missing score in array order.
  ///
  /// Used by tests and for data that do not come through the series stage (lme4's sleepstudy:
  /// `group` = Subject, `time` = Days, `score` = Reaction). Non-finite times are left out and counted in
  /// `scoresWithoutTime`.
  public init(group: [Int], time values: [Double], score: [Double], spec: GrowthModelSpec) {
    precondition(group.count == values.count && group.count == score.count, "columns must have equal length")
    time = spec.time
    minimumScores = spec.minimumScores
    response = spec.response
    let afterIntake = spec.response == .afterIntake
    var slot: [Int: Int] = [:]
    var order: [Int] = []
    var sums: [GroupSums] = []
    for k in group.indices {
      let y = score[k]
      if y.isNaN { continue }
      let g: Int
      if let known = slot[group[k]] {
        g = known
      } else {
        g = sums.count
        slot[group[k]] = g
        order.append(group[k])
        sums.append(GroupSums())
      }
      if sums[g].intake.isNaN {
        sums[g].intake = y
        if afterIntake {
          sums[g].intakeLeftOut = 1
          continue
        }
      }
      guard values[k].isFinite else {
        scoresWithoutTime += 1
        continue
      }
      sums[g].add(t: values[k], y: y)
    }
    // Groups whose scores are all missing never got a slot: considered, and too short.
    seriesConsidered = Set(group).count
    seriesTooShort = seriesConsidered - sums.count
    for (g, s) in sums.enumerated() { append(s, id: order[g]) }
  }

  /// The running sums of one group while its scores are read.
  struct GroupSums {
    var n = 0
    var t = 0.0, tt = 0.0, y = 0.0, ty = 0.0, yy = 0.0
    var intake = Double.nan
    /// 1 when the intake was read but is not a response (`response = .afterIntake`).
    var intakeLeftOut = 0

    mutating func add(t time: Double, y score: Double) {
      n += 1
      t += time
      tt += time * time
      y += score
      ty += time * score
      yy += score * score
    }
  }

  private mutating func append(_ sums: GroupSums, id: Int) {
    guard sums.n + sums.intakeLeftOut >= minimumScores, sums.n >= 1 else {
      seriesTooShort += 1
      return
    }
    groupID.append(id)
    count.append(Double(sums.n))
    sumTime.append(sums.t)
    sumTimeSquared.append(sums.tt)
    sumScore.append(sums.y)
    sumTimeScore.append(sums.ty)
    sumScoreSquared.append(sums.yy)
    intake.append(sums.intake)
    observationCount += sums.n
  }

  // MARK: - Reading the blocks

  /// The blocks of group `g` as matrices, for reading and testing; the deviance reads the columns
  /// directly instead.
  public func block(_ g: Int, includesIntake: Bool) -> GroupBlock {
    GroupBlock(
      count: Int(count[g]), zTz: [[count[g], sumTime[g]], [sumTime[g], sumTimeSquared[g]]],
      zTy: [sumScore[g], sumTimeScore[g]], yTy: sumScoreSquared[g], intake: intake[g],
      includesIntake: includesIntake)
  }

  /// A copy with the groups in another order (`order[k]` = the old index of the new group k): a fit
  /// must not depend on the order of clients.
  public func reordered(_ order: [Int]) -> GrowthModelData {
    precondition(order.count == groupCount && Set(order).count == groupCount, "order must be a permutation")
    var copy = self
    copy.groupID = order.map { groupID[$0] }
    copy.count = order.map { count[$0] }
    copy.sumTime = order.map { sumTime[$0] }
    copy.sumTimeSquared = order.map { sumTimeSquared[$0] }
    copy.sumScore = order.map { sumScore[$0] }
    copy.sumTimeScore = order.map { sumTimeScore[$0] }
    copy.sumScoreSquared = order.map { sumScoreSquared[$0] }
    copy.intake = order.map { intake[$0] }
    return copy
  }
}

/// One group's sufficient blocks as small matrices (row-major nested arrays).
///
/// `zTx`, `xTx` and `xTy` are derived from the stored sums: with the intake in the model,
/// `X_i = [Z_i, w_i Z_i]`; without, `X_i = Z_i`.
public struct GroupBlock: Sendable, Equatable {
  /// `n_i`.
  public var count: Int
  /// `Z_i'Z_i`, 2 x 2.
  public var zTz: [[Double]]
  /// `Z_i'y_i`, 2.
  public var zTy: [Double]
  /// `y_i'y_i`.
  public var yTy: Double
  /// `w_i`, the intake score.
  public var intake: Double
  /// Whether `X_i` includes the intake columns.
  public var includesIntake: Bool

  /// `Z_i'X_i`, 2 x p.
  public var zTx: [[Double]] {
    includesIntake ? zTz.map { $0 + $0.map { intake * $0 } } : zTz
  }

  /// `X_i'X_i`, p x p.
  public var xTx: [[Double]] {
    guard includesIntake else { return zTz }
    let w = intake
    let top = zTz.map { $0 + $0.map { w * $0 } }
    let bottom = zTz.map { $0.map { w * $0 } + $0.map { w * w * $0 } }
    return top + bottom
  }

  /// `X_i'y_i`, p.
  public var xTy: [Double] { includesIntake ? zTy + zTy.map { intake * $0 } : zTy }
}
