import Foundation
import RomtrackCore

/// What a run read and made of it, for people (stderr) and for scripts (`--json-summary`, stdout).
struct RunSummary {
  var loaded: LoadedInput
  var registry: InstrumentRegistry
  var seconds: Double

  var seriesCount: Int { loaded.table.series.count }
  var outcomeSeries: Int {
    loaded.table.series.reduce(0) { $0 + (registry.instruments[Int($1.instrument)].kind == .outcome ? 1 : 0) }
  }
  /// Clients with a series. Episodes come grouped by client (`SeriesTable`), so each new client
  /// starts a run: counted in one pass, without a set of a million ids at the end of a large run.
  var clients: Int {
    var count = 0
    var last: UInt32? = nil
    for episode in loaded.table.episodes where episode.client != last {
      count += 1
      last = episode.client
    }
    return count
  }
  var activeEpisodes: Int { loaded.table.episodes.reduce(0) { $0 + ($1.status == .active ? 1 : 0) } }

  func humanLines() -> [String] {
    var lines: [String] = []
    for f in loaded.files {
      let mb = Double(f.bytes) / 1_048_576
      lines.append("\(f.path): \(f.rowsRead) rows read, \(f.rowsRejected) rejected (\(String(format: "%.1f", mb)) MB, \(f.threads) thread\(f.threads == 1 ? "" : "s"))")
      lines += RunSummary.layoutLines(f)
    }
    lines += loaded.notes
    lines += loaded.warnings
    lines += loaded.reconciliation.lines
    // The first row of each reject reason, so the cause of a run's rejects shows without opening
    // rejects.csv (a Latin-1 export, a decimal comma, a quote never closed).
    for reason in loaded.reconciliation.rejectedByReason.keys.sorted() {
      guard let first = loaded.rejects.first(where: { $0.reason.rawValue == reason }) else { continue }
      lines.append("first \(reason): \(first.file) line \(first.line), \(first.field): \(first.detail)")
    }
    let transfers = loaded.table.episodes.reduce(0) { $0 + ($1.wasTransferred ? 1 : 0) }
    if transfers > 0 {
      lines.append("transfers: \(transfers) episode\(transfers == 1 ? "" : "s") changed clinician; each counts for its latest clinician and is listed as transferred on the earlier one's page")
    }
    let episodes = loaded.table.episodes.count
    lines.append("series: \(seriesCount) (\(outcomeSeries) outcome, \(seriesCount - outcomeSeries) alliance) in \(episodes) episodes of \(clients) clients; \(activeEpisodes) active, \(episodes - activeEpisodes) ended"
      + (loaded.table.asOf.map { " at \($0)" } ?? ""))
    lines.append(String(format: "time: %.2f s", seconds))
    return lines
  }

  /// What a file's layout needed saying: the separator when detected, which column fills each field
  /// when not every field's column is named as the field (or some column is unused), and the
  /// `--date-format` that would read the dates that could not be read.
  static func layoutLines(_ f: FileSummary) -> [String] {
    var lines: [String] = []
    if f.separatorDetected {
      lines.append("\(f.path): fields separated by \(f.separator.shown), detected from the header (--delimiter to choose)")
    }
    if f.columnsWorthShowing {
      let filled = f.fieldColumns.map { "\($0.field.rawValue) <- \"\($0.column)\"" }.joined(separator: ", ")
      let unused = f.unusedColumns.map { "\"\($0)\"" }.joined(separator: ", ")
      lines.append("\(f.path): columns read: \(filled)" + (unused.isEmpty ? "" : "; not used: \(unused)"))
    }
    if let hint = f.dateFormatHint {
      lines.append("\(f.path): dates that could not be read (e.g. \"\(f.unreadDates[0])\") read with --date-format \(hint)")
    }
    return lines
  }

  func json() -> String {
    let r = loaded.reconciliation
    var object: [String: Any] = [
      "rows_read": r.rowsRead, "rows_used": r.rowsUsed, "rows_rejected": r.rowsRejected,
      "duplicates_dropped": r.duplicatesDropped, "rows_after_as_of": r.rowsAfterAsOf,
      "missing_scores": r.missingScores, "blank_lines": r.blankLines, "balances": r.balances,
      "rejected_by_reason": r.rejectedByReason, "series": seriesCount, "outcome_series": outcomeSeries,
      "episodes": loaded.table.episodes.count, "clients": clients, "active_episodes": activeEpisodes,
      "seconds": seconds,
      "timings": Dictionary(uniqueKeysWithValues: loaded.timings.map { ($0.stage, $0.seconds) }),
      "files": loaded.files.map {
        [
          "path": $0.path, "bytes": $0.bytes, "rows_read": $0.rowsRead, "rows_rejected": $0.rowsRejected, "threads": $0.threads,
          "delimiter": $0.separator.rawValue, "columns": Dictionary(uniqueKeysWithValues: $0.fieldColumns.map { ($0.field.rawValue, $0.column) }),
          "unused_columns": $0.unusedColumns,
        ] as [String: Any]
      },
      "warnings": loaded.warnings,
    ]
    if let asOf = loaded.table.asOf { object["as_of"] = asOf.description }
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }
}
