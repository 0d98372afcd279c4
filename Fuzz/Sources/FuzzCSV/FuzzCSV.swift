// libFuzzer entry point: one input is the bytes of one score file.
//
// Each input is read three times, through ingest and the series stage (`InputLoader.load`, the path of
// `romtrack validate`):
//
// 1. with the default options, by one thread;
// 2. split between three threads with 64-byte blocks, which must give exactly what one thread gave
//    (CSVIngest promises that the cuts never change the result);
// 3. with other options taken from the input's hash: a non-ISO `--date-format`, `--na` tokens that
//    read as numbers, `--instrument PHQ9`, a fixed `--as-of`, a short raw-row limit, two threads.
//
// Every read must either stop with an `IngestError` or balance its row reconciliation
// (rows read = used + rejected + exact duplicates dropped + set aside after the as-of date), with
// every reject's sentence short and every series well-formed. The records must agree with
// `ReferenceRecords`, a plain byte-by-byte reading of the rules of docs/input.md: the same rows read
// and blank lines, and exactly the rows with a bad quote or a wrong field count rejected for it, on
// the lines where they start. A crash, a sanitizer report, a leak, a hang (libFuzzer's -timeout) or a
// failed check below is a finding.

import Foundation
import RomtrackCore

/// Where each input is written before it is read (a RAM disk when there is one); removed at exit.
let inputPath: String = {
  atexit { unlink(scratchPath()) }
  return scratchPath()
}()

/// A file name of this process's own.
func scratchPath() -> String {
  let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
  return folder + "/romtrack-fuzz-csv-\(getpid()).csv"
}

/// The date formats the third read chooses from.
let dateFormats = ["DD/MM/YYYY", "MM/DD/YYYY", "D.M.YYYY", "YYYYMMDD", "YYYY-MM-DD"].map { DateFormat(pattern: $0)! }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = UnsafeBufferPointer(start: data, count: size)
  guard FileManager.default.createFile(atPath: inputPath, contents: Data(buffer: bytes)) else {
    fatalError("cannot write \(inputPath)")
  }
  let physicalLines = 1 + bytes.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
  let reference = ReferenceRecords(bytes)

  var plain = IngestOptions()
  plain.threads = 1
  let single = load(plain, SeriesOptions(), lines: physicalLines, reference: reference)

  var split = plain
  split.threads = 3
  split.parallelThreshold = 1
  split.blockSize = 64
  let parallel = load(split, SeriesOptions(), lines: physicalLines, reference: reference)
  compare(single, parallel)

  let hash = bytes.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
  var other = IngestOptions()
  other.threads = 2
  other.parallelThreshold = 1
  other.blockSize = 64 << Int(hash % 3)
  other.dateFormat = dateFormats[Int((hash >> 8) % UInt64(dateFormats.count))]
  other.missingTokens = ["NA", "-99", "."]
  other.defaultInstrument = "PHQ9"
  other.rawRowLimit = 16
  _ = load(other, SeriesOptions(asOf: CivilDate(year: 2026, month: 3, day: 31), endedAfterDays: 7), lines: physicalLines, reference: reference)
  return 0
}

/// What one read gave: the error it stopped with, or what it loaded.
enum Outcome {
  case refused(IngestError)
  case loaded(LoadedInput)
}

/// Reads the input file once and checks what must hold of any read.
func load(_ ingest: IngestOptions, _ series: SeriesOptions, lines: Int, reference: ReferenceRecords) -> Outcome {
  let loaded: LoadedInput
  do {
    loaded = try InputLoader.load(files: [inputPath], registry: .builtIn, ingest: ingest, series: series)
  } catch let error as IngestError {
    return .refused(error)
  } catch {
    fatalError("load threw something other than an IngestError: \(error)")
  }
  let counts = loaded.reconciliation
  check(counts.balances, "the reconciliation does not balance: \(counts.lines[0])")
  check(counts.rowsRead == loaded.files[0].rowsRead, "rows read differ from the file summary")
  check(counts.rowsRejected == loaded.rejects.count, "rejected rows differ from the rejects")
  check(counts.rejectedByReason.values.reduce(0, +) == counts.rowsRejected, "rejects by reason do not add up")
  check(counts.rowsRead + counts.blankLines <= lines, "more rows and blank lines than physical lines")
  for reject in loaded.rejects {
    check(reject.line >= 1 && reject.line <= lines, "reject on line \(reject.line) of a \(lines)-line file")
    check(reject.raw.utf8.count <= ingest.rawRowLimit * 3 + 64, "raw row of \(reject.raw.utf8.count) bytes")
    // A sentence for people, whatever the input: one that grows with the file makes rejects quadratic.
    check(reject.detail.utf8.count <= 400, "detail of \(reject.detail.utf8.count) bytes: \(reject.detail.prefix(120))")
  }
  checkTable(loaded)
  checkRecords(loaded, reference)
  return .loaded(loaded)
}

/// The series table: every score belongs to exactly one series, each series to an episode, in order.
func checkTable(_ loaded: LoadedInput) {
  let table = loaded.table
  check(table.score.count == table.session.count && table.score.count == table.date.count, "score arrays of unequal length")
  var next = 0
  for series in table.series {
    check(series.scores.lowerBound == next && series.scores.upperBound > next, "series scores not adjacent")
    check(series.episode >= 0 && series.episode < table.episodes.count, "series of no episode")
    check(Int(series.instrument) < InstrumentRegistry.builtIn.instruments.count, "series of no instrument")
    let times = table.session[series.scores]
    check(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "sessions not strictly increasing")
    next = series.scores.upperBound
  }
  check(next == table.score.count, "scores outside every series")
  for episode in table.episodes {
    check(Int(episode.client) < loaded.names.clients.count, "episode of an unknown client")
    check(Int(episode.clinician) < loaded.names.clinicians.count, "episode of an unknown clinician")
    check(Int(episode.site) < loaded.names.sites.count, "episode of an unknown site")
  }
}

/// The records the reader saw must be the ones the reference reading finds.
func checkRecords(_ loaded: LoadedInput, _ reference: ReferenceRecords) {
  check(loaded.files[0].header.count == reference.headerFields, "header of \(loaded.files[0].header.count) fields, reference \(reference.headerFields)")
  check(loaded.reconciliation.rowsRead == reference.rows.count, "rows read \(loaded.reconciliation.rowsRead), reference \(reference.rows.count)")
  check(loaded.reconciliation.blankLines == reference.blankLines, "blank lines \(loaded.reconciliation.blankLines), reference \(reference.blankLines)")
  let rowLines = Set(reference.rows.map(\.line))
  for reject in loaded.rejects {
    check(rowLines.contains(reject.line), "reject on line \(reject.line), where no row starts")
  }
  let expected = reference.rows.compactMap { row -> String? in
    if row.malformed { return "\(row.line) bad_quote" }
    return row.fields == reference.headerFields ? nil : "\(row.line) field_count"
  }
  let found = loaded.rejects.filter { $0.reason == .badQuote || $0.reason == .fieldCount }.map { "\($0.line) \($0.reason.rawValue)" }
  check(found == expected, "quote and field-count rejects \(found.prefix(5)), reference \(expected.prefix(5))")
}

/// The records of a file as docs/input.md describes them, read one byte at a time with none of the
/// reader's shortcuts (word-wise scanning, blocks, threads): an independent account to compare with.
struct ReferenceRecords {
  struct Row {
    /// Physical line on which the record starts.
    var line: Int
    var fields: Int
    /// A quote left open at the end of the file, or text after a closing quote.
    var malformed: Bool
  }

  /// Fields of the header (the first record that is not blank); 0 when there is none.
  var headerFields = 0
  /// The records after the header that are not blank.
  var rows: [Row] = []
  /// Empty records, before the header and after it.
  var blankLines = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    let n = bytes.count
    func isSeparator(_ i: Int) -> Bool { bytes[i] == comma || bytes[i] == lf || bytes[i] == cr }
    var i = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    var line = 1
    var seenHeader = false
    while i < n {
      let start = i
      var fields = 0
      var malformed = false
      var breaks = 0
      var contentEnd = n
      record: while true {
        fields += 1
        if i < n, bytes[i] == quote {
          i += 1
          while true {
            if i >= n {
              malformed = true
              break record
            }
            if bytes[i] == quote {
              if i + 1 < n, bytes[i + 1] == quote {
                i += 2
                continue
              }
              i += 1
              break
            }
            if bytes[i] == lf { breaks += 1 }
            i += 1
          }
          if i < n, !isSeparator(i) {
            malformed = true
            while i < n, !isSeparator(i) { i += 1 }
          }
        } else {
          while i < n, !isSeparator(i) { i += 1 }
        }
        if i >= n { break }
        if bytes[i] == comma {
          i += 1
          continue
        }
        contentEnd = i
        breaks += 1
        i += bytes[i] == cr && i + 1 < n && bytes[i + 1] == lf ? 2 : 1
        break
      }
      if contentEnd == start {
        blankLines += 1
      } else if !seenHeader {
        seenHeader = true
        headerFields = fields
      } else {
        rows.append(Row(line: line, fields: fields, malformed: malformed))
      }
      line += breaks
    }
  }
}

/// One thread and three must agree on everything.
func compare(_ a: Outcome, _ b: Outcome) {
  switch (a, b) {
  case (.refused(let x), .refused(let y)):
    check(x == y, "one thread: \(x); three threads: \(y)")
  case (.loaded(let x), .loaded(let y)):
    check(x.reconciliation == y.reconciliation, "reconciliation: \(x.reconciliation.lines) vs \(y.reconciliation.lines)")
    check(x.rejects == y.rejects, "rejects differ between one thread and three")
    check(x.names.clients == y.names.clients, "client names differ between one thread and three")
    check(x.table.series == y.table.series && x.table.episodes == y.table.episodes, "series differ between one thread and three")
    check(x.table.session == y.table.session && x.table.date == y.table.date, "times differ between one thread and three")
    check(
      zip(x.table.score, y.table.score).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
      "scores differ between one thread and three")
  default:
    fatalError("invariant: one thread and three disagree on whether the file can be read: \(a) vs \(b)")
  }
}

/// Stops the fuzzer with a message when an invariant fails.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError("invariant: " + message()) }
}
