extension SeriesBuilder {
  /// Steps 3-4 of the series stage for a range of series ranks: each series' rows put in time order,
  /// duplicates settled, its scores, the series and its episode written out.
  ///
  /// Ranges of whole episodes run on all cores. A range writes its scores from the place of its first
  /// row in `order`, its series from its first rank and its episodes from the rank of its first
  /// episode: places no other range writes, and the ones it would have in a single pass when no row or
  /// series before it was dropped. `closeUp` then moves each range down over what the ones before it
  /// left unused and shifts the indices it wrote, so the table is the single pass's to the bit.
  struct Gather: @unchecked Sendable {
    let rows: ScoreRows
    /// Row indices grouped by series rank (`starts[rank]..<starts[rank + 1]`); each range sorts its
    /// own groups in place.
    let order: UnsafeMutableBufferPointer<UInt32>
    let starts: [Int]
    let seriesOrder: [Int]
    let episodeOfSeries: [Int32]
    let instrumentOfSeries: [UInt16]
    let clientOfEpisode: [UInt32]
    let nameOfEpisode: [UInt32]
    let sessionOut: UnsafeMutableBufferPointer<Int32>
    let dateOut: UnsafeMutableBufferPointer<Int32>
    let scoreOut: UnsafeMutableBufferPointer<Double>
    let series: UnsafeMutableBufferPointer<Series>
    let episodes: UnsafeMutableBufferPointer<Episode>

    /// What one range wrote: from its first places up to these ends.
    struct Outcome {
      var scores: Range<Int>
      var series: Range<Int>
      var episodes: Range<Int>
      var duplicates = 0
      var rejects: [PendingReject] = []
    }

    func run(ranks: Range<Int>, firstEpisode: Int) -> Outcome {
      let firstScore = ranks.isEmpty ? 0 : starts[ranks.lowerBound]
      var kept = firstScore
      var nextSeries = ranks.lowerBound
      var nextEpisode = firstEpisode
      var duplicates = 0
      var rejects: [PendingReject] = []
      var currentEpisode = -1
      var latestOfEpisode: (date: Int32, row: Int) = (Int32.min, -1)
      // The latest row whose clinician is not the latest row's: a transfer's earlier clinician.
      var latestOfOther: (date: Int32, row: Int) = (Int32.min, -1)
      for rank in ranks {
        let original = seriesOrder[rank]
        var members = UnsafeMutableBufferPointer(rebasing: order[starts[rank]..<starts[rank + 1]])
        var allSessions = true
        var allDates = true
        for r in members {
          if rows.session[Int(r)] == ScoreRows.noSession { allSessions = false }
          if rows.date[Int(r)] == ScoreRows.noDate { allDates = false }
        }
        let axis: TimeAxis = allSessions || !allDates ? .session : .date
        let timeKey = axis == .session ? rows.session : rows.date
        if axis == .session && !allSessions {
          // Rows without a session number cannot be placed: reject them, keep the others in front.
          var kept = 0
          for r in members {
            if rows.session[Int(r)] == ScoreRows.noSession {
              rejects.append(PendingReject(
                file: rows.fileIndex(ofRow: Int(r)), line: Int(rows.line[Int(r)]), field: "session",
                reason: .missingValue,
                detail: "no session number, and other scores of this series have no date to order by"))
            } else {
              members[kept] = r
              kept += 1
            }
          }
          members = UnsafeMutableBufferPointer(rebasing: members[0..<kept])
        }
        SeriesBuilder.sortStable(members, by: timeKey)

        let first = kept
        var i = 0
        while i < members.count {
          let key = timeKey[Int(members[i])]
          var j = i + 1
          while j < members.count, timeKey[Int(members[j])] == key { j += 1 }
          let head = Int(members[i])
          if j - i > 1 {
            let group = members[i..<j].map(Int.init)
            if group.dropFirst().allSatisfy({ SeriesBuilder.sameValues(rows, head, $0) }) {
              duplicates += group.count - 1
            } else {
              let field = SeriesBuilder.firstDifference(rows, head, group)
              let detail =
                "rows on lines \(SeriesBuilder.lineList(rows, group)) give different values for the same client, episode, instrument and \(axis == .session ? "session" : "date")"
              for r in group {
                rejects.append(PendingReject(
                  file: rows.fileIndex(ofRow: r), line: Int(rows.line[r]), field: field,
                  reason: .conflictingDuplicate, detail: detail))
              }
              i = j
              continue
            }
          }
          sessionOut[kept] = axis == .session ? rows.session[head] : Int32(kept - first + 1)
          dateOut[kept] = rows.date[head]
          scoreOut[kept] = rows.score[head]
          kept += 1
          i = j
        }
        if kept == first { continue }  // every row of the series was rejected

        let episode = Int(episodeOfSeries[original])
        if episode != currentEpisode {
          currentEpisode = episode
          latestOfEpisode = (Int32.min, -1)
          latestOfOther = (Int32.min, -1)
          (episodes.baseAddress! + nextEpisode).initialize(to: Episode(
            client: clientOfEpisode[episode], episode: nameOfEpisode[episode], clinician: 0, site: 0,
            series: nextSeries..<nextSeries, firstDate: ScoreRows.noDate,
            lastDate: ScoreRows.noDate, endDate: ScoreRows.noDate, status: .active, ending: .none))
          nextEpisode += 1
        }
        (series.baseAddress! + nextSeries).initialize(to: Series(
          episode: nextEpisode - 1, instrument: instrumentOfSeries[original], scores: first..<kept, timeAxis: axis,
          goal: rows.goal.count > 0 ? rows.goal[Int(order[starts[rank]])] : 0))
        nextSeries += 1

        // Episode attributes from every row of this series (dropped duplicates carry the same values).
        var e = episodes[nextEpisode - 1]
        e.series = e.series.lowerBound..<nextSeries
        for m in members {
          let r = Int(m)
          let d = rows.date[r]
          if d != ScoreRows.noDate {
            if e.firstDate == ScoreRows.noDate || d < e.firstDate { e.firstDate = d }
            if e.lastDate == ScoreRows.noDate || d > e.lastDate { e.lastDate = d }
          }
          if rows.episodeEnd[r] != ScoreRows.noDate, rows.episodeEnd[r] > e.endDate { e.endDate = rows.episodeEnd[r] }
          // The clinician and site of the latest score; on the same date, of the later row in the input.
          // The latest of another clinician stays the latest row whose clinician differs.
          if (d, r) > latestOfEpisode {
            if latestOfEpisode.row >= 0, rows.clinician[r] != rows.clinician[latestOfEpisode.row] {
              latestOfOther = latestOfEpisode
            }
            latestOfEpisode = (d, r)
          } else if (d, r) > latestOfOther, rows.clinician[r] != rows.clinician[latestOfEpisode.row] {
            latestOfOther = (d, r)
          }
        }
        e.clinician = rows.clinician[latestOfEpisode.row]
        e.site = rows.site[latestOfEpisode.row]
        e.previousClinician = latestOfOther.row >= 0 ? rows.clinician[latestOfOther.row] : Episode.noClinician
        episodes[nextEpisode - 1] = e
      }
      return Outcome(
        scores: firstScore..<kept, series: ranks.lowerBound..<nextSeries, episodes: firstEpisode..<nextEpisode,
        duplicates: duplicates, rejects: rejects)
    }

    /// Moves each range's scores, series and episodes down to follow the range before it, shifting
    /// the indices they hold by as much, and returns how many of each there are in all.
    func closeUp(_ outcomes: [Outcome]) -> (scores: Int, series: Int, episodes: Int) {
      var scoreEnd = 0, seriesEnd = 0, episodeEnd = 0
      for outcome in outcomes {
        let scoreShift = outcome.scores.lowerBound - scoreEnd
        let seriesShift = outcome.series.lowerBound - seriesEnd
        let episodeShift = outcome.episodes.lowerBound - episodeEnd
        if scoreShift != 0 {
          for k in outcome.scores {
            sessionOut[k - scoreShift] = sessionOut[k]
            dateOut[k - scoreShift] = dateOut[k]
            scoreOut[k - scoreShift] = scoreOut[k]
          }
        }
        if scoreShift != 0 || seriesShift != 0 || episodeShift != 0 {
          for k in outcome.series {
            var s = series[k]
            s.episode -= episodeShift
            s.scores = (s.scores.lowerBound - scoreShift)..<(s.scores.upperBound - scoreShift)
            series[k - seriesShift] = s
          }
          for k in outcome.episodes {
            var e = episodes[k]
            e.series = (e.series.lowerBound - seriesShift)..<(e.series.upperBound - seriesShift)
            episodes[k - episodeShift] = e
          }
        }
        scoreEnd += outcome.scores.count
        seriesEnd += outcome.series.count
        episodeEnd += outcome.episodes.count
      }
      return (scoreEnd, seriesEnd, episodeEnd)
    }
  }
}
