/// Settings of the series stage.
public struct SeriesOptions: Sendable, Equatable {
  /// Only scores dated on or before this day count (`--as-of`, or the end of `--period`); `nil` means
  /// the latest date in the input. Scores without a date cannot be placed in time and always count.
  public var asOf: CivilDate?
  /// An episode without `episode_end` counts as ended when its last score is more than this many days
  /// before the as-of date (`--ended-after-days`, FORMATS.md; default 42).
  public var endedAfterDays: Int

  public init(asOf: CivilDate? = nil, endedAfterDays: Int = 42) {
    self.asOf = asOf
    self.endedAfterDays = endedAfterDays
  }
}

/// A row found unusable by the series stage, before its raw text is fetched from the file.
public struct PendingReject: Sendable, Equatable {
  public var file: Int
  public var line: Int
  public var field: String
  public var reason: RejectReason
  public var detail: String
}

/// What the series stage made of the rows.
public struct SeriesBuild: Sendable {
  public var table: SeriesTable
  /// Rows identical to another row of the same series and time, dropped (counted, not rejected).
  public var duplicatesDropped: Int
  /// Rows dated after the as-of date, set aside for this run.
  public var afterAsOf: Int
  /// Rows the series stage rejects: conflicting duplicates, and rows without a session number in a
  /// series that can only be ordered by session.
  public var rejects: [PendingReject]
}

/// Groups rows into client x episode x instrument series ordered in time (METHODS.md, "series").
///
/// 1. Rows dated after the as-of date are set aside.
/// 2. Rows are grouped by (client, episode) and then by instrument, using packed integer keys.
/// 3. A counting sort puts each series' rows together; each series is then sorted by session number,
///    or by date where some row has no session number (sessions are then counted 1, 2, ... by date).
///    A series where some rows have neither a session number usable for ordering nor a date to fall
///    back on keeps its session-numbered rows; the others are rejected as `missing_value`.
/// 4. Rows sharing a series and a time: identical ones are counted as exact duplicates and one is kept;
///    where they differ (another score, date, clinician or episode end), every one of them is rejected
///    as `conflicting_duplicate`: the tool cannot tell which is right, and says so.
public struct SeriesBuilder: Sendable {
  public let options: SeriesOptions

  public init(options: SeriesOptions = SeriesOptions()) {
    self.options = options
  }

  public func build(_ rows: ScoreRows) -> SeriesBuild {
    let n = rows.count
    var latestDate = Int32.min
    for d in rows.date where d != ScoreRows.noDate && d > latestDate { latestDate = d }
    let asOf: Int32? = options.asOf?.days ?? (latestDate == Int32.min ? nil : latestDate)

    // 1-2. Episode and series ids in order of first appearance; -1 for rows after the as-of date.
    var episodeKeys = KeyTable(expected: max(16, n / 8))
    var seriesKeys = KeyTable(expected: max(16, n / 4))
    var episodeOfSeries: [Int32] = []
    var instrumentOfSeries: [UInt16] = []
    var clientOfEpisode: [UInt32] = []
    var nameOfEpisode: [UInt32] = []
    var seriesOfRow = [Int32](repeating: -1, count: n)
    var afterAsOf = 0
    for i in 0..<n {
      if let asOf, rows.date[i] != ScoreRows.noDate, rows.date[i] > asOf {
        afterAsOf += 1
        continue
      }
      let episode = episodeKeys.id(of: UInt64(rows.client[i]) << 32 | UInt64(rows.episode[i]))
      if episode == clientOfEpisode.count {
        clientOfEpisode.append(rows.client[i])
        nameOfEpisode.append(rows.episode[i])
      }
      let series = seriesKeys.id(of: UInt64(episode) << 16 | UInt64(rows.instrument[i]))
      if series == episodeOfSeries.count {
        episodeOfSeries.append(Int32(episode))
        instrumentOfSeries.append(rows.instrument[i])
      }
      seriesOfRow[i] = Int32(series)
    }
    let episodeCount = clientOfEpisode.count
    let seriesCount = episodeOfSeries.count

    // Episodes by client then first appearance; series by episode then instrument.
    let episodeOrder = (0..<episodeCount).sorted {
      (clientOfEpisode[$0], $0) < (clientOfEpisode[$1], $1)
    }
    var episodeRank = [Int32](repeating: 0, count: episodeCount)
    for (rank, e) in episodeOrder.enumerated() { episodeRank[e] = Int32(rank) }
    let seriesOrder = (0..<seriesCount).sorted {
      (episodeRank[Int(episodeOfSeries[$0])], instrumentOfSeries[$0]) < (episodeRank[Int(episodeOfSeries[$1])], instrumentOfSeries[$1])
    }
    var seriesRank = [Int32](repeating: 0, count: seriesCount)
    for (rank, s) in seriesOrder.enumerated() { seriesRank[s] = Int32(rank) }

    // 3. Counting sort of rows by series rank (stable: file order within a series).
    var starts = [Int](repeating: 0, count: seriesCount + 1)
    for i in 0..<n where seriesOfRow[i] >= 0 { starts[Int(seriesRank[Int(seriesOfRow[i])]) + 1] += 1 }
    for s in 0..<seriesCount { starts[s + 1] += starts[s] }
    var fill = starts
    var order = [UInt32](repeating: 0, count: starts[seriesCount])
    for i in 0..<n where seriesOfRow[i] >= 0 {
      let s = Int(seriesRank[Int(seriesOfRow[i])])
      order[fill[s]] = UInt32(i)
      fill[s] += 1
    }
    seriesOfRow = []
    fill = []

    // 3-4. Per series: time order, duplicates, gather.
    var table = SeriesTable()
    table.asOf = asOf.map { CivilDate(days: $0) }
    table.session.reserveCapacity(order.count)
    table.date.reserveCapacity(order.count)
    table.score.reserveCapacity(order.count)
    table.series.reserveCapacity(seriesCount)
    table.episodes.reserveCapacity(episodeCount)
    var duplicates = 0
    var rejects: [PendingReject] = []
    var currentEpisode = -1
    var latestOfEpisode: (date: Int32, row: Int) = (Int32.min, -1)
    for rank in 0..<seriesCount {
      let original = seriesOrder[rank]
      let range = starts[rank]..<starts[rank + 1]
      var allSessions = true
      var allDates = true
      for k in range {
        let r = Int(order[k])
        if rows.session[r] == ScoreRows.noSession { allSessions = false }
        if rows.date[r] == ScoreRows.noDate { allDates = false }
      }
      let axis: TimeAxis = allSessions || !allDates ? .session : .date
      var members = Array(order[range])
      if axis == .session && !allSessions {
        members.removeAll { r in
          guard rows.session[Int(r)] == ScoreRows.noSession else { return false }
          rejects.append(PendingReject(
            file: rows.fileIndex(ofRow: Int(r)), line: Int(rows.line[Int(r)]), field: "session",
            reason: .missingValue,
            detail: "no session number, and other scores of this series have no date to order by"))
          return true
        }
      }
      let key: (UInt32) -> Int64 = axis == .session
        ? { Int64(rows.session[Int($0)]) } : { Int64(rows.date[Int($0)]) }
      SeriesBuilder.sortStable(&members, by: key)

      let first = table.score.count
      var i = 0
      while i < members.count {
        var j = i + 1
        while j < members.count, key(members[j]) == key(members[i]) { j += 1 }
        let group = members[i..<j]
        if group.count > 1 {
          let head = Int(group.first!)
          let identical = group.dropFirst().allSatisfy { SeriesBuilder.sameValues(rows, head, Int($0)) }
          if identical {
            duplicates += group.count - 1
          } else {
            let lines = group.map { String(rows.line[Int($0)]) }.joined(separator: ", ")
            for r in group {
              rejects.append(PendingReject(
                file: rows.fileIndex(ofRow: Int(r)), line: Int(rows.line[Int(r)]),
                field: SeriesBuilder.firstDifference(rows, head, group.map(Int.init)),
                reason: .conflictingDuplicate,
                detail: "rows on lines \(lines) give different values for the same client, episode, instrument and \(axis == .session ? "session" : "date")"))
            }
            i = j
            continue
          }
        }
        let r = Int(group.first!)
        table.session.append(axis == .session ? rows.session[r] : Int32(table.score.count - first + 1))
        table.date.append(rows.date[r])
        table.score.append(rows.score[r])
        i = j
      }
      if table.score.count == first { continue }  // every row of the series was rejected
      let episode = Int(episodeOfSeries[original])
      if episode != currentEpisode {
        currentEpisode = episode
        latestOfEpisode = (Int32.min, -1)
        table.episodes.append(Episode(
          client: clientOfEpisode[episode], episode: nameOfEpisode[episode], clinician: 0, site: 0,
          series: table.series.count..<table.series.count, firstDate: ScoreRows.noDate,
          lastDate: ScoreRows.noDate, endDate: ScoreRows.noDate, status: .active, ending: .none))
      }
      table.series.append(Series(
        episode: table.episodes.count - 1, instrument: instrumentOfSeries[original],
        scores: first..<table.score.count, timeAxis: axis))
      table.episodes[table.episodes.count - 1].series = table.episodes[table.episodes.count - 1].series.lowerBound..<table.series.count

      // Episode attributes from every row of this series (dropped duplicates carry the same values).
      var e = table.episodes[table.episodes.count - 1]
      for r in range.map({ Int(order[$0]) }) {
        let d = rows.date[r]
        if d != ScoreRows.noDate {
          if e.firstDate == ScoreRows.noDate || d < e.firstDate { e.firstDate = d }
          if e.lastDate == ScoreRows.noDate || d > e.lastDate { e.lastDate = d }
        }
        if rows.episodeEnd[r] != ScoreRows.noDate, rows.episodeEnd[r] > e.endDate { e.endDate = rows.episodeEnd[r] }
        // The clinician and site of the latest score; on the same date, of the later row in the input.
        if (d, r) > latestOfEpisode { latestOfEpisode = (d, r) }
      }
      e.clinician = rows.clinician[latestOfEpisode.row]
      e.site = rows.site[latestOfEpisode.row]
      table.episodes[table.episodes.count - 1] = e
    }
    // Status at the as-of date.
    if let asOf {
      for k in table.episodes.indices {
        var e = table.episodes[k]
        if e.endDate != ScoreRows.noDate && e.endDate <= asOf {
          e.status = .ended
          e.ending = .discharged
        } else if e.endDate == ScoreRows.noDate, e.lastDate != ScoreRows.noDate,
          Int(asOf) - Int(e.lastDate) > options.endedAfterDays
        {
          e.status = .ended
          e.ending = .inactive
        }
        table.episodes[k] = e
      }
    }
    return SeriesBuild(table: table, duplicatesDropped: duplicates, afterAsOf: afterAsOf, rejects: rejects)
  }

  /// Whether two rows agree on every value (the key fields agree already).
  static func sameValues(_ rows: ScoreRows, _ a: Int, _ b: Int) -> Bool {
    let scoresAgree = rows.score[a] == rows.score[b] || (rows.score[a].isNaN && rows.score[b].isNaN)
    return scoresAgree && rows.session[a] == rows.session[b] && rows.date[a] == rows.date[b]
      && rows.clinician[a] == rows.clinician[b] && rows.site[a] == rows.site[b]
      && rows.episodeEnd[a] == rows.episodeEnd[b]
  }

  /// The first field in which some row of the group differs from the first.
  static func firstDifference(_ rows: ScoreRows, _ head: Int, _ group: [Int]) -> String {
    func differs<T: Equatable>(_ column: [T]) -> Bool { group.contains { column[$0] != column[head] } }
    if group.contains(where: { !(rows.score[$0] == rows.score[head] || (rows.score[$0].isNaN && rows.score[head].isNaN)) }) {
      return "score"
    }
    if differs(rows.session) { return "session" }
    if differs(rows.date) { return "date" }
    if differs(rows.clinician) { return "clinician_id" }
    if differs(rows.site) { return "site" }
    return "episode_end"
  }

  /// Stable sort of a few row indices by key: insertion sort for short series (the usual case, and
  /// already sorted input costs one comparison per row), the standard library's sort otherwise.
  static func sortStable(_ members: inout [UInt32], by key: (UInt32) -> Int64) {
    if members.count <= 32 {
      for i in members.indices.dropFirst() {
        let m = members[i]
        let k = key(m)
        var j = i - 1
        while j >= 0, key(members[j]) > k {
          members[j + 1] = members[j]
          j -= 1
        }
        members[j + 1] = m
      }
    } else {
      let keyed = members.enumerated().map { (key($0.element), $0.offset, $0.element) }
      members = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }
  }
}
