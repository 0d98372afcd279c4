/// Which endings count as drop-out (unplanned endings, METHODS.md section 9).
///
/// An ended episode dropped out when it
/// - ended without a discharge date: it ended because no score followed for `ended_after_days`
///   (the client stopped coming, as far as the data show); or
/// - was discharged after fewer than `fewestSessions` scored sessions (on its longest series): too
///   soon for a planned course of therapy.
///
/// Drop-out rate = dropped out / episodes ended in the window, with a Wilson 95% interval.
/// Swift & Greenberg (2012, J Consult Clin Psychol 80:547-559) review the definitions in use; the
/// two here are the ones routine scores alone can support (no attendance or ending-reason field).
public enum DropOutRule {
  /// A discharge after fewer scored sessions than this is an unplanned ending.
  public static let fewestSessions = 3

  /// Whether an ended episode dropped out: not discharged, or discharged after fewer than
  /// `fewestSessions` scores on its longest series.
  @inlinable
  public static func droppedOut(discharged: Bool, sessions: Int) -> Bool {
    !discharged || sessions < fewestSessions
  }
}
