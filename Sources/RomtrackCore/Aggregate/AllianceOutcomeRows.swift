// Which sessions of an episode make observations of the alliance-outcome regression.
//
// The walk below is shared by the estimator's two passes (which only accumulate sums) and by the listing of the
// observations (`AllianceOutcomeAssociation.observations`), so that both see exactly the same rows.

/// The episodes' (outcome series, alliance series) pairs, and the rows each pair contributes.
enum AllianceOutcomeRows {
  /// One outcome series and one alliance series of the same episode.
  struct SeriesPair {
    var episode: Int
    var client: UInt32
    var outcome: Series
    var alliance: Series
  }

  /// The order in which to visit the episodes so that each client's episodes come together: `nil`
  /// when the table's own order does (the series stage orders episodes by client), else the episode
  /// indices stably sorted by client. The second pass of the fit relies on it: a cluster's score
  /// vector is complete when the walk moves on to the next client.
  static func clientContiguousOrder(_ table: SeriesTable) -> [Int]? {
    let episodes = table.episodes
    guard let largest = episodes.lazy.map(\.client).max() else { return nil }
    let clients = Int(largest) + 1
    var seen = [Bool](repeating: false, count: clients)
    var contiguous = true
    var previous: UInt32? = nil
    for episode in episodes where episode.client != previous {
      if seen[Int(episode.client)] {
        contiguous = false
        break
      }
      seen[Int(episode.client)] = true
      previous = episode.client
    }
    if contiguous { return nil }
    // Counting sort by client id, stable.
    var start = [Int](repeating: 0, count: clients + 1)
    for episode in episodes { start[Int(episode.client) + 1] += 1 }
    for c in 0..<clients { start[c + 1] += start[c] }
    var order = [Int](repeating: 0, count: episodes.count)
    for (e, episode) in episodes.enumerated() {
      order[start[Int(episode.client)]] = e
      start[Int(episode.client)] += 1
    }
    return order
  }

  /// Calls `body` for every (outcome series, alliance series) pair of every episode, episodes in
  /// `order` (table order when `nil`), then series in table order; `kinds[i]` is the kind of registry
  /// instrument `i` (series of instruments outside the registry are ignored).
  @inline(__always)
  static func forEachPair(_ table: SeriesTable, order: [Int]? = nil, kinds: [InstrumentKind], _ body: (SeriesPair) -> Void) {
    table.series.withUnsafeBufferPointer { series in
      for position in table.episodes.indices {
        let e = order?[position] ?? position
        let episode = table.episodes[e]
        for o in episode.series {
          let outcome = series[o]
          guard Int(outcome.instrument) < kinds.count, kinds[Int(outcome.instrument)] == .outcome else { continue }
          for a in episode.series {
            let alliance = series[a]
            guard Int(alliance.instrument) < kinds.count, kinds[Int(alliance.instrument)] == .alliance else { continue }
            body(SeriesPair(episode: e, client: episode.client, outcome: outcome, alliance: alliance))
          }
        }
      }
    }
  }

  /// Calls `body(i, j)` for every row of one pair: `i` indexes the outcome score at session t (the
  /// outcome at t + 1 is at `i + 1`), `j` the alliance score at session t, in session order.
  ///
  /// A row needs an observed (non-missing) outcome score at session t, an observed outcome score at
  /// session t + 1 exactly (the next session number, not merely the next score: after a gap in the
  /// sessions, the score that follows is not the next session's), and an observed alliance score at
  /// session t. Both series must be ordered by session number (`TimeAxis.session`); the caller skips
  /// date-ordered series, whose session numbers are ranks by date and mean nothing across series.
  /// Session numbers within a series are strictly increasing (the series stage rejects duplicates).
  @inline(__always)
  static func forEachRow(
    outcome: Range<Int>, alliance: Range<Int>, session: UnsafeBufferPointer<Int32>,
    score: UnsafeBufferPointer<Double>, _ body: (_ i: Int, _ j: Int) -> Void
  ) {
    guard outcome.count >= 2, !alliance.isEmpty else { return }
    var j = alliance.lowerBound
    for i in outcome.lowerBound..<(outcome.upperBound - 1) {
      let t = session[i]
      guard session[i + 1] == t &+ 1, !score[i].isNaN, !score[i + 1].isNaN else { continue }
      while j < alliance.upperBound && session[j] < t { j += 1 }
      if j == alliance.upperBound { return }
      if session[j] == t && !score[j].isNaN { body(i, j) }
    }
  }

  /// The number of rows of one pair and the mean of their alliance scores (NaN with no rows).
  @inline(__always)
  static func allianceMean(
    outcome: Range<Int>, alliance: Range<Int>, session: UnsafeBufferPointer<Int32>,
    score: UnsafeBufferPointer<Double>
  ) -> (count: Int, mean: Double) {
    var count = 0
    var sum = 0.0
    forEachRow(outcome: outcome, alliance: alliance, session: session, score: score) { _, j in
      count += 1
      sum += score[j]
    }
    return (count, count == 0 ? .nan : sum / Double(count))
  }
}
