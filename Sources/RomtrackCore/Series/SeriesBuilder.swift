import Dispatch
import Foundation

/// Settings of the series stage.
public struct SeriesOptions: Sendable, Equatable {
  /// Only scores dated on or before this day count (`--as-of`, or the end of `--period`); `nil` means
  /// the latest date in the input. Scores without a date cannot be placed in time and always count.
  public var asOf: CivilDate?
  /// An episode without `episode_end` counts as ended when its last score is more than this many days
  /// before the as-of date (`--ended-after-days`, FORMATS.md; default 42).
  public var endedAfterDays: Int
  /// Today's date: rows dated after it are rejected as `future_date` (a typo such as 2062 for 2026),
  /// and the as-of date chosen from the data is never later. `nil` checks nothing (library use, tests).
  public var today: CivilDate?

  public init(asOf: CivilDate? = nil, endedAfterDays: Int = 42, today: CivilDate? = nil) {
    self.asOf = asOf
    self.endedAfterDays = endedAfterDays
    self.today = today
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
  /// Rows dated after the as-of date (and not after today), set aside for this run.
  public var afterAsOf: Int
  /// Rows the series stage rejects: conflicting duplicates, rows without a session number in a
  /// series that can only be ordered by session, and rows dated after today (`future_date`).
  public var rejects: [PendingReject]
}

/// Groups rows into client x episode x instrument series ordered in time (METHODS.md, "series").
///
/// 1. Rows dated after today are rejected as `future_date`; rows dated after the as-of date are set aside.
/// 2. Rows are grouped by (client, episode) and then by instrument (and goal, where the input has a
///    `goal_id` column), numbered in order of first appearance.
/// 3. A counting sort puts each series' rows together; each series is then sorted by session number,
///    or by date where some row has no session number (sessions are then counted 1, 2, ... by date).
///    A series where some rows have neither a session number usable for ordering nor a date to fall
///    back on keeps its session-numbered rows; the others are rejected as `missing_value`.
/// 4. Rows sharing a series and a time: identical ones are counted as exact duplicates and one is kept;
///    where they differ (another score, date, clinician or episode end), every one of them is rejected
///    as `conflicting_duplicate`: the tool cannot tell which is right, and says so.
public struct SeriesBuilder: Sendable {
  public let options: SeriesOptions
  /// The fewest rows a core gathers at a time (the result does not depend on it).
  public let rowsPerPart: Int

  public init(options: SeriesOptions = SeriesOptions(), rowsPerPart: Int = 1 << 18) {
    self.options = options
    self.rowsPerPart = max(1, rowsPerPart)
  }

  /// Builds the series, consuming `rows`: columns are freed as soon as they are no longer needed, so
  /// the peak is the row table plus the sorted scores, not two copies of everything.
  public func build(_ rows: inout ScoreRows) -> SeriesBuild {
    let n = rows.count
    let today = options.today?.days
    let asOf: Int32? = options.asOf?.days ?? rows.latestDate(notAfter: options.today)?.days
    // Rows after this day are set aside (after the as-of date) or rejected (after today); a missing
    // date (`noDate`, the smallest Int32) never is.
    let cutoff = min(asOf ?? .max, today ?? .max)
    var futureRejects: [PendingReject] = []

    // 1-2. Episode and series ids in order of first appearance; -1 for rows after the as-of date.
    // Client ids are dense (the ingest numbers them), so a client's episodes and an episode's series
    // are found through arrays indexed by id (`PairNumbering`).
    var episodeKeys = PairNumbering(parents: Int(rows.client.values.max() ?? 0) + 1)
    var seriesKeys = PairNumbering(parents: 1 << 12)
    var recent: (client: UInt32, name: UInt32, episode: Int) = (.max, .max, -1)
    var episodeOfSeries: [Int32] = []
    var instrumentOfSeries: [UInt16] = []
    var clientOfEpisode: [UInt32] = []
    var nameOfEpisode: [UInt32] = []
    var seriesOfRow = [Int32].filledInParallel(-1, count: n)
    // Goal ids only where some file has a `goal_id` column.
    let hasGoals = n > 0 && rows.goal.count == n
    var goalKeys = PairNumbering(parents: hasGoals ? 1 << 12 : 0)
    var goalOfSeries: [UInt32] = []
    var afterAsOf = 0
    // The series last seen for each instrument, and its episode: rows of one episode usually come
    // together, so most rows find their series here without hashing.
    let instrumentCount = Int(rows.instrument.max() ?? 0) + 1
    var recentEpisode = [Int](repeating: -1, count: instrumentCount)
    var recentSeries = [Int](repeating: -1, count: instrumentCount)
    for i in 0..<n {
      if rows.date[i] > cutoff {
        if let today, rows.date[i] > today {
          futureRejects.append(SeriesBuilder.futureReject(rows, row: i, today: today))
        } else {
          afterAsOf += 1
        }
        continue
      }
      let (client, name) = (rows.client[i], rows.episode[i])
      if client != recent.client || name != recent.name {
        recent = (client, name, episodeKeys.id(parent: Int(client), label: name))
        if recent.episode == clientOfEpisode.count {
          clientOfEpisode.append(client)
          nameOfEpisode.append(name)
        }
      }
      let episode = recent.episode
      let instrument = Int(rows.instrument[i])
      var series = recentSeries[instrument]
      if recentEpisode[instrument] != episode {
        series = seriesKeys.id(parent: episode, label: UInt32(instrument))
        if !hasGoals, series == episodeOfSeries.count {
          episodeOfSeries.append(Int32(episode))
          instrumentOfSeries.append(UInt16(instrument))
        }
        recentEpisode[instrument] = episode
        recentSeries[instrument] = series
      }
      if hasGoals {
        // The goal is one more key: (episode, instrument) first, then its goals.
        let goal = rows.goal[i]
        series = goalKeys.id(parent: series, label: goal)
        if series == episodeOfSeries.count {
          episodeOfSeries.append(Int32(episode))
          instrumentOfSeries.append(UInt16(instrument))
          goalOfSeries.append(goal)
        }
      }
      seriesOfRow[i] = Int32(series)
    }
    episodeKeys = PairNumbering(parents: 0)
    seriesKeys = PairNumbering(parents: 0)
    goalKeys = PairNumbering(parents: 0)
    rows.client = Column()
    rows.episode = Column()
    rows.instrument = Column()
    let episodeCount = clientOfEpisode.count
    let seriesCount = episodeOfSeries.count

    // Episodes by client then first appearance; series by episode then instrument.
    let episodeOrder = (0..<episodeCount).sorted {
      (clientOfEpisode[$0], $0) < (clientOfEpisode[$1], $1)
    }
    var episodeRank = [Int32](repeating: 0, count: episodeCount)
    for (rank, e) in episodeOrder.enumerated() { episodeRank[e] = Int32(rank) }
    let seriesOrder = hasGoals
      ? (0..<seriesCount).sorted {
        (episodeRank[Int(episodeOfSeries[$0])], instrumentOfSeries[$0], goalOfSeries[$0])
          < (episodeRank[Int(episodeOfSeries[$1])], instrumentOfSeries[$1], goalOfSeries[$1])
      }
      : (0..<seriesCount).sorted {
        (episodeRank[Int(episodeOfSeries[$0])], instrumentOfSeries[$0]) < (episodeRank[Int(episodeOfSeries[$1])], instrumentOfSeries[$1])
      }
    var seriesRank = [Int32](repeating: 0, count: seriesCount)
    for (rank, s) in seriesOrder.enumerated() { seriesRank[s] = Int32(rank) }

    // 3. Counting sort of rows by series rank (stable: file order within a series).
    var starts = [Int](repeating: 0, count: seriesCount + 1)
    for i in 0..<n where seriesOfRow[i] >= 0 { starts[Int(seriesRank[Int(seriesOfRow[i])]) + 1] += 1 }
    for s in 0..<seriesCount { starts[s + 1] += starts[s] }
    var order = [UInt32].filledInParallel(0, count: starts[seriesCount])
    do {
      var fill = starts
      for i in 0..<n where seriesOfRow[i] >= 0 {
        let s = Int(seriesRank[Int(seriesOfRow[i])])
        order[fill[s]] = UInt32(i)
        fill[s] += 1
      }
    }
    seriesOfRow = []
    seriesRank = []

    // 3-4. Per series: time order, duplicates, gather. Ranges of whole episodes run on all cores
    // (`Gather`); each writes its scores from its first row's place in `order`, its series and
    // episodes from their ranks, and the ranges are then closed up where rows were dropped.
    var table = SeriesTable()
    table.asOf = asOf.map { CivilDate(days: $0) }
    var sessionOut = [Int32].filledInParallel(0, count: order.count)
    var dateOut = [Int32].filledInParallel(0, count: order.count)
    var scoreOut = [Double].filledInParallel(0, count: order.count)
    let parts = SeriesBuilder.parts(
      seriesCount: seriesCount, starts: starts, rowsPerPart: rowsPerPart,
      episodeOfRank: { Int(episodeOfSeries[seriesOrder[$0]]) })
    var outcomes: [Gather.Outcome] = []
    var kept = 0
    var episodes: [Episode] = []
    let series = [Series](unsafeUninitializedCapacity: seriesCount) { seriesBuffer, seriesWritten in
    episodes = [Episode](unsafeUninitializedCapacity: episodeCount) { episodeBuffer, episodesWritten in
    sessionOut.withUnsafeMutableBufferPointer { sessionOut in
    dateOut.withUnsafeMutableBufferPointer { dateOut in
    scoreOut.withUnsafeMutableBufferPointer { scoreOut in
    order.withUnsafeMutableBufferPointer { order in
      let gather = Gather(
        rows: rows, order: order, starts: starts, seriesOrder: seriesOrder, episodeOfSeries: episodeOfSeries,
        instrumentOfSeries: instrumentOfSeries, clientOfEpisode: clientOfEpisode, nameOfEpisode: nameOfEpisode,
        sessionOut: sessionOut, dateOut: dateOut, scoreOut: scoreOut, series: seriesBuffer, episodes: episodeBuffer)
      // A range's episodes begin at the rank of its first series' episode.
      let firstEpisodes = parts.map { $0.isEmpty ? 0 : Int(episodeRank[Int(episodeOfSeries[seriesOrder[$0.lowerBound]])]) }
      let results = ResultSlots<Gather.Outcome>(count: parts.count)
      DispatchQueue.concurrentPerform(iterations: parts.count) { k in
        results[k] = gather.run(ranks: parts[k], firstEpisode: firstEpisodes[k])
      }
      outcomes = results.values
      let totals = gather.closeUp(outcomes)
      (seriesWritten, episodesWritten, kept) = (totals.series, totals.episodes, totals.scores)
    }
    }
    }
    }
    }
    }
    table.series = series
    table.episodes = episodes
    let duplicates = outcomes.reduce(0) { $0 + $1.duplicates }
    let rejects = futureRejects + outcomes.flatMap(\.rejects)
    rows = ScoreRows()
    sessionOut.removeLast(sessionOut.count - kept)
    dateOut.removeLast(dateOut.count - kept)
    scoreOut.removeLast(scoreOut.count - kept)
    table.session = sessionOut
    table.date = dateOut
    table.score = scoreOut
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

  /// The series ranks cut into ranges of about `rowsPerPart` rows, up to four per core, each ending
  /// where an episode does (an episode's attributes come from all its series).
  static func parts(seriesCount: Int, starts: [Int], rowsPerPart: Int, episodeOfRank: (Int) -> Int) -> [Range<Int>] {
    let rows = starts[seriesCount]
    let count = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, rows / rowsPerPart))
    var cuts = [0]
    for k in 1..<count {
      // The first rank whose rows start at or after the k-th share of the rows, moved on past the
      // rest of its episode.
      var low = cuts.last!, high = seriesCount
      while low < high {
        let middle = (low + high) / 2
        if starts[middle] < rows * k / count { low = middle + 1 } else { high = middle }
      }
      while low > 0, low < seriesCount, episodeOfRank(low) == episodeOfRank(low - 1) { low += 1 }
      if low > cuts.last!, low < seriesCount { cuts.append(low) }
    }
    cuts.append(seriesCount)
    return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
  }

  /// The reject of a row dated after today.
  static func futureReject(_ rows: ScoreRows, row: Int, today: Int32) -> PendingReject {
    PendingReject(
      file: rows.fileIndex(ofRow: row), line: Int(rows.line[row]), field: "date", reason: .futureDate,
      detail: "date \(CivilDate(days: rows.date[row])) is after today (\(CivilDate(days: today))); a typo in the year?")
  }

  /// Whether two rows agree on every value (the key fields agree already).
  static func sameValues(_ rows: ScoreRows, _ a: Int, _ b: Int) -> Bool {
    let scoresAgree = rows.score[a] == rows.score[b] || (rows.score[a].isNaN && rows.score[b].isNaN)
    return scoresAgree && rows.session[a] == rows.session[b] && rows.date[a] == rows.date[b]
      && rows.clinician[a] == rows.clinician[b] && rows.site[a] == rows.site[b]
      && rows.episodeEnd[a] == rows.episodeEnd[b]
  }

  /// The lines of a group of conflicting rows for a reject's detail: the first ten, then how many
  /// more. Every row of the group carries the detail, so listing them all made a group of n rows cost
  /// n^2 line numbers (20 000 conflicting rows needed gigabytes).
  static func lineList(_ rows: ScoreRows, _ group: [Int]) -> String {
    let shown = group.prefix(10).map { String(rows.line[$0]) }.joined(separator: ", ")
    return group.count > 10 ? shown + " and \(group.count - 10) more" : shown
  }

  /// The first field in which some row of the group differs from the first.
  static func firstDifference(_ rows: ScoreRows, _ head: Int, _ group: [Int]) -> String {
    func differs<T: Equatable>(_ column: Column<T>) -> Bool { group.contains { column[$0] != column[head] } }
    if group.contains(where: { !(rows.score[$0] == rows.score[head] || (rows.score[$0].isNaN && rows.score[head].isNaN)) }) {
      return "score"
    }
    if differs(rows.session) { return "session" }
    if differs(rows.date) { return "date" }
    if differs(rows.clinician) { return "clinician_id" }
    if differs(rows.site) { return "site" }
    return "episode_end"
  }

  /// Stable sort of row indices by their time key. Input is usually in order already, which costs one
  /// comparison per row; short series use insertion sort, long ones the standard library's sort.
  static func sortStable(_ members: UnsafeMutableBufferPointer<UInt32>, by key: Column<Int32>) {
    var sorted = true
    for i in members.indices.dropFirst() where key[Int(members[i - 1])] > key[Int(members[i])] {
      sorted = false
      break
    }
    if sorted { return }
    if members.count <= 32 {
      for i in members.indices.dropFirst() {
        let m = members[i]
        let k = key[Int(m)]
        var j = i - 1
        while j >= 0, key[Int(members[j])] > k {
          members[j + 1] = members[j]
          j -= 1
        }
        members[j + 1] = m
      }
    } else {
      let keyed = members.enumerated().map { (key[Int($0.element)], $0.offset, $0.element) }
      for (i, entry) in keyed.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }).enumerated() { members[i] = entry.2 }
    }
  }
}
