/// The row count of a run, which must balance (FORMATS.md):
/// `rows read = rows used + rows rejected + exact duplicates dropped + rows after the as-of date`.
///
/// Rows dated after the as-of date are neither used nor rejected: they belong to a later report.
public struct Reconciliation: Sendable, Equatable, Codable {
  public var rowsRead = 0
  public var rowsUsed = 0
  public var rowsRejected = 0
  public var duplicatesDropped = 0
  public var rowsAfterAsOf = 0
  /// Used rows whose score is missing (empty or a `--na` token): kept as missing, never as 0.
  public var missingScores = 0
  /// Blank lines skipped (not rows).
  public var blankLines = 0
  public var rejectedByReason: [String: Int] = [:]

  public init() {}

  /// Whether every row read is accounted for.
  public var balances: Bool {
    rowsRead == rowsUsed + rowsRejected + duplicatesDropped + rowsAfterAsOf
  }

  /// Share of rows read that were rejected (0 when nothing was read).
  public var rejectRate: Double { rowsRead == 0 ? 0 : Double(rowsRejected) / Double(rowsRead) }

  /// The lines people read at the end of a run.
  public var lines: [String] {
    var text = [
      "rows read \(rowsRead) = used \(rowsUsed) + rejected \(rowsRejected) + exact duplicates dropped \(duplicatesDropped)"
        + (rowsAfterAsOf > 0 ? " + after the as-of date \(rowsAfterAsOf)" : "")
        + (balances ? "" : "  (DOES NOT BALANCE)")
    ]
    if missingScores > 0 { text.append("missing scores kept as missing: \(missingScores)") }
    if blankLines > 0 { text.append("blank lines skipped: \(blankLines)") }
    for (reason, count) in rejectedByReason.sorted(by: { $0.key < $1.key }) {
      text.append("rejected \(reason): \(count)")
    }
    return text
  }
}
