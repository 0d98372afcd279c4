// The groups of a growth model pooled by their random-effects design (METHODS.md section 4), so that
// one deviance evaluation costs one 2 x 2 computation per distinct design instead of one per group.
//
// In the profiled deviance (see `ProfiledDeviance`), group i enters through
//   M_i = Λ'Z_i'Z_iΛ + I,   P_i = Λ'Z_i'Z_i,   u_i = Λ'Z_i'y_i,   w_i,
// and contributes
//   det M_i,   R_i'R_i = P_i'M_i⁻¹P_i (weighted by 1, w_i, w_i²),
//   R_i'c_u,i = P_i'M_i⁻¹u_i (weighted by 1, w_i),   ||c_u,i||² = u_i'M_i⁻¹u_i.
// M_i and P_i depend on the data only through Z_i'Z_i = [[n_i, Σt], [Σt, Σt²]], which is the same for
// every series scored at the same times: on a session or log-session axis that is most series of a
// practice (sessions 1 to n). For a class K of groups with one design A = Z'Z the sums over K are
//
//   Σ_K det M_i           = det(M)^m                          m = |K|
//   Σ_K w_i^j R_i'R_i      = (Σ_K w_i^j) P'M⁻¹P                  j = 0, 1, 2
//   Σ_K w_i^j R_i'c_u,i    = P'M⁻¹Λ' (Σ_K w_i^j Z_i'y_i)         j = 0, 1
//   Σ_K ||c_u,i||²         = tr(M⁻¹ Λ' S Λ),   S = Σ_K (Z_i'y_i)(Z_i'y_i)'
//
// (the last because u'M⁻¹u = tr(M⁻¹uu')). So a class is stored as 13 numbers: the design (n, Σt, Σt²),
// m, Σw, Σw², Σ Z'y, Σ w Z'y and the 3 entries of S, gathered once from `GrowthModelData`. The PHQ-9
// of a generated practice of a million clients has 570,000 groups in a few thousand classes. Where
// every group has its own design (weeks with irregular dates) each class is one group and the pass costs
// about what a pass over the groups would.

import Foundation

/// The groups of a `GrowthModelData` pooled by their design `Z'Z`, classes in the order of their first
/// group.
public struct DesignClasses: Sendable {
  /// One class: its design and the sums over its groups (see the file's head).
  public struct Class: Sendable, Equatable {
    /// `n`, `Σt`, `Σt²` of the design `Z'Z`, the same for each of the class's groups.
    public var count: Double
    public var sumTime: Double
    public var sumTimeSquared: Double
    /// `m`, the number of groups.
    public var groups = 0.0
    /// `Σw`, `Σw²` over the groups' intake scores.
    public var intake = 0.0
    public var intakeSquared = 0.0
    /// `Σ Z_i'y_i = (Σ Σy, Σ Σty)`.
    public var score = 0.0
    public var timeScore = 0.0
    /// `Σ w_i Z_i'y_i`.
    public var intakeScore = 0.0
    public var intakeTimeScore = 0.0
    /// `S = Σ (Z_i'y_i)(Z_i'y_i)'`: `Σ (Σy)²`, `Σ (Σy)(Σty)`, `Σ (Σty)²`.
    public var scoreScore = 0.0
    public var scoreTimeScore = 0.0
    public var timeScoreTimeScore = 0.0

    /// Adds a group with intake `w` and `Z'y = (y, ty)`.
    mutating func add(intake w: Double, score y: Double, timeScore ty: Double) {
      groups += 1
      intake += w
      intakeSquared += w * w
      score += y
      timeScore += ty
      intakeScore += w * y
      intakeTimeScore += w * ty
      scoreScore += y * y
      scoreTimeScore += y * ty
      timeScoreTimeScore += ty * ty
    }
  }

  /// The classes.
  public private(set) var classes: [Class] = []
  /// Per group of the data: the index of its class.
  public private(set) var classOfGroup: [Int32] = []

  /// The classes of `data`'s groups, in one pass over them. Two groups are in one class when their
  /// `n`, `Σt` and `Σt²` are equal to the last bit.
  public init(_ data: GrowthModelData) {
    struct Design: Hashable {
      var n: Double, t: Double, tt: Double
    }
    var classOf: [Design: Int32] = [:]
    classOfGroup.reserveCapacity(data.groupCount)
    for g in 0..<data.groupCount {
      let design = Design(n: data.count[g], t: data.sumTime[g], tt: data.sumTimeSquared[g])
      let k: Int32
      if let known = classOf[design] {
        k = known
      } else {
        k = Int32(classes.count)
        classOf[design] = k
        classes.append(Class(count: design.n, sumTime: design.t, sumTimeSquared: design.tt))
      }
      classOfGroup.append(k)
      classes[Int(k)].add(intake: data.intake[g], score: data.sumScore[g], timeScore: data.sumTimeScore[g])
    }
  }
}
