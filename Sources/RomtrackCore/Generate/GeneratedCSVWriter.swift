/// Formats generated clients as CSV bytes, without a `String` per row or per number.
///
/// Rows follow FORMATS.md's long format (RFC 4180, UTF-8, LF, header row; no field ever needs
/// quoting): `client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end`, e.g.
/// `C000123,E1,T07,North,PHQ9,3,2026-02-17,14,2026-05-12`. Scores are integers, or one decimal for
/// ORS and SRS; a missing score is `NA`; `episode_end` is empty unless the episode was discharged.
///
/// The hot path copies bytes from tables built once: the `client,episode,clinician,site,` prefix per
/// episode, the instrument names, and the ten bytes of every date from the first contact window to the
/// end of the data. Small numbers are written digit by digit.
final class GeneratedCSVWriter {
  static let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\n"
  static let truthHeader =
    "client_id,episode_id,clinician_id,site,course,outcome_instruments,alliance_instrument,"
    + "clinical_intake,planned_sessions,sessions,status,first_date,last_date,episode_end,"
    + "sudden_gain_session,sudden_gain_reversed,sudden_loss_session,low_alliance,"
    + "rupture_sessions,ruptures_repaired\n"

  private let roster: PracticeRoster
  /// `YYYY-MM-DD` of day `dateBase + i` at bytes `10 i ..< 10 i + 10`.
  private let dates: UnsafeMutablePointer<UInt8>
  private let dateBase: Int32
  private let dateCount: Int32
  /// Instrument names followed by a comma, 8 bytes per instrument, and their lengths.
  private let instrumentNames: UnsafeMutablePointer<UInt8>
  private var instrumentLengths: [Int]
  private let siteNames: [[UInt8]]
  /// The current episode's `client,episode,clinician,site,` and `,end\n`.
  private let prefix: UnsafeMutablePointer<UInt8>
  private var prefixLength = 0
  private let suffix: UnsafeMutablePointer<UInt8>
  private var suffixLength = 0

  /// Rows and missing scores written so far.
  private(set) var outcomeRows = 0
  private(set) var allianceRows = 0
  private(set) var missingScores = 0
  private(set) var episodes = 0

  init(practice: SyntheticPractice) {
    roster = practice.roster
    dateBase = practice.window.lowerBound.days - 7
    dateCount = practice.lastDay - dateBase + 8
    dates = .allocate(capacity: Int(dateCount) * 10)
    for i in 0..<Int(dateCount) {
      let (year, month, day) = CivilDate(days: dateBase + Int32(i)).components
      var p = dates + 10 * i
      GeneratedCSVWriter.writeDate(year: year, month: month, day: day, &p)
    }
    instrumentNames = .allocate(capacity: 8 * SyntheticInstrument.allCases.count)
    instrumentLengths = []
    for instrument in SyntheticInstrument.allCases {
      let bytes = Array(instrument.name.utf8) + [UInt8(ascii: ",")]
      let slot = instrumentNames + 8 * instrument.rawValue
      for (i, byte) in bytes.enumerated() { slot[i] = byte }
      instrumentLengths.append(bytes.count)
    }
    siteNames = (0..<roster.siteCount).map { Array(PracticeRoster.siteName($0).utf8) }
    prefix = .allocate(capacity: 256)
    suffix = .allocate(capacity: 16)
  }

  deinit {
    dates.deallocate()
    instrumentNames.deallocate()
    prefix.deallocate()
    suffix.deallocate()
  }

  // MARK: - Rows

  /// Appends the rows of client `client` (rendered in `scratch`): outcome rows to `outcomes`,
  /// alliance rows to `alliance` (pass the same buffer twice for one combined file), and one truth
  /// row per episode to `truth` when given.
  func append(
    client: Int, _ scratch: ClientScratch, outcomes: OutputByteBuffer, alliance: OutputByteBuffer,
    truth: OutputByteBuffer?
  ) {
    for episode in scratch.episodes {
      episodes += 1
      buildAffixes(client: client, episode)
      scratch.rows.withUnsafeBufferPointer { rows in
        for index in episode.rowStart..<episode.rowEnd {
          let row = rows[index]
          let isAlliance = row.instrument.isAlliance
          if isAlliance { allianceRows += 1 } else { outcomeRows += 1 }
          if row.tenths < 0 { missingScores += 1 }
          appendRow(row, to: isAlliance ? alliance : outcomes)
        }
      }
      if let truth { appendTruth(episode, to: truth) }
    }
  }

  /// Writes the episode's constant leading fields and its `episode_end` field.
  private func buildAffixes(client: Int, _ episode: EpisodeRecord) {
    var p = prefix
    p.pointee = UInt8(ascii: "C")
    p += 1
    GeneratedCSVWriter.writePadded(client + 1, width: roster.clientDigits, &p)
    GeneratedCSVWriter.write(",E", &p)
    GeneratedCSVWriter.writeNumber(episode.number, &p)
    GeneratedCSVWriter.write(",T", &p)
    GeneratedCSVWriter.writePadded(episode.clinician + 1, width: roster.clinicianDigits, &p)
    p.pointee = UInt8(ascii: ",")
    p += 1
    let site = siteNames[roster.site(ofClinician: episode.clinician)]
    let siteLength = min(site.count, 200)
    site.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: siteLength) }
    p += siteLength
    p.pointee = UInt8(ascii: ",")
    p += 1
    prefixLength = p - prefix

    var q = suffix
    q.pointee = UInt8(ascii: ",")
    q += 1
    if let end = episode.episodeEnd { writeDate(end, &q) }
    q.pointee = UInt8(ascii: "\n")
    q += 1
    suffixLength = q - suffix
  }

  @inline(__always)
  private func appendRow(_ row: ScoreRecord, to buffer: OutputByteBuffer) {
    var p = buffer.reserve(prefixLength + 64)
    p.update(from: prefix, count: prefixLength)
    p += prefixLength
    let nameLength = instrumentLengths[row.instrument.rawValue]
    p.update(from: instrumentNames + 8 * row.instrument.rawValue, count: nameLength)
    p += nameLength
    GeneratedCSVWriter.writeNumber(Int(row.session), &p)
    p.pointee = UInt8(ascii: ",")
    p += 1
    writeDate(row.date, &p)
    p.pointee = UInt8(ascii: ",")
    p += 1
    if row.tenths < 0 {
      p[0] = UInt8(ascii: "N")
      p[1] = UInt8(ascii: "A")
      p += 2
    } else if row.instrument.hasDecimal {
      GeneratedCSVWriter.writeNumber(Int(row.tenths / 10), &p)
      p[0] = UInt8(ascii: ".")
      p[1] = UInt8(ascii: "0") &+ UInt8(row.tenths % 10)
      p += 2
    } else {
      GeneratedCSVWriter.writeNumber(Int(row.tenths / 10), &p)
    }
    p.update(from: suffix, count: suffixLength)
    p += suffixLength
    buffer.commit(p)
  }

  // MARK: - Ground truth

  /// One `clients_truth.csv` row (see `truthHeader`; booleans `true`/`false`, lists `;`-separated).
  private func appendTruth(_ episode: EpisodeRecord, to buffer: OutputByteBuffer) {
    var p = buffer.reserve(prefixLength + 512)
    p.update(from: prefix, count: prefixLength)
    p += prefixLength
    GeneratedCSVWriter.write(episode.course.type.rawValue, &p)
    GeneratedCSVWriter.write(",", &p)
    for k in 0..<episode.measureSet.outcomeCount {
      if k > 0 { GeneratedCSVWriter.write(";", &p) }
      GeneratedCSVWriter.write(episode.measureSet.outcome(k).name, &p)
    }
    GeneratedCSVWriter.write(",", &p)
    GeneratedCSVWriter.write(episode.measureSet.alliance.name, &p)
    GeneratedCSVWriter.write(episode.clinicalIntake ? ",true," : ",false,", &p)
    GeneratedCSVWriter.writeNumber(episode.course.plannedSessions, &p)
    GeneratedCSVWriter.write(",", &p)
    GeneratedCSVWriter.writeNumber(episode.sessions, &p)
    GeneratedCSVWriter.write(",", &p)
    GeneratedCSVWriter.write(episode.status.rawValue, &p)
    GeneratedCSVWriter.write(",", &p)
    writeDate(episode.firstDate, &p)
    GeneratedCSVWriter.write(",", &p)
    writeDate(episode.lastDate, &p)
    GeneratedCSVWriter.write(",", &p)
    if let end = episode.episodeEnd { writeDate(end, &p) }
    GeneratedCSVWriter.write(",", &p)
    if let session = episode.suddenGainSession {
      GeneratedCSVWriter.writeNumber(session, &p)
      GeneratedCSVWriter.write(episode.reversalObserved ? ",true," : ",false,", &p)
    } else {
      GeneratedCSVWriter.write(",,", &p)
    }
    if let session = episode.suddenLossSession { GeneratedCSVWriter.writeNumber(session, &p) }
    GeneratedCSVWriter.write(episode.alliance.isLow ? ",true," : ",false,", &p)
    var repaired: [Bool] = []
    for rupture in [episode.alliance.first, episode.alliance.second] {
      guard let rupture, let seen = episode.observed(rupture) else { continue }
      if !repaired.isEmpty { GeneratedCSVWriter.write(";", &p) }
      GeneratedCSVWriter.writeNumber(rupture.session, &p)
      repaired.append(seen)
    }
    GeneratedCSVWriter.write(",", &p)
    for (i, seen) in repaired.enumerated() {
      GeneratedCSVWriter.write(i > 0 ? ";" : "", &p)
      GeneratedCSVWriter.write(seen ? "true" : "false", &p)
    }
    GeneratedCSVWriter.write("\n", &p)
    buffer.commit(p)
  }

  // MARK: - Bytes

  @inline(__always)
  private func writeDate(_ day: Int32, _ p: inout UnsafeMutablePointer<UInt8>) {
    let index = day - dateBase
    if index >= 0, index < dateCount {
      p.update(from: dates + 10 * Int(index), count: 10)
      p += 10
    } else {
      let (year, month, dayOfMonth) = CivilDate(days: day).components
      GeneratedCSVWriter.writeDate(year: year, month: month, day: dayOfMonth, &p)
    }
  }

  static func writeDate(year: Int, month: Int, day: Int, _ p: inout UnsafeMutablePointer<UInt8>) {
    writePadded(year, width: 4, &p)
    p.pointee = UInt8(ascii: "-")
    p += 1
    writePadded(month, width: 2, &p)
    p.pointee = UInt8(ascii: "-")
    p += 1
    writePadded(day, width: 2, &p)
  }

  /// A non-negative integer in decimal.
  @inline(__always)
  static func writeNumber(_ value: Int, _ p: inout UnsafeMutablePointer<UInt8>) {
    if value < 10 {
      p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)
      p += 1
    } else if value < 100 {
      p[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
      p[1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
      p += 2
    } else {
      writePadded(value, width: 1, &p)
    }
  }

  /// A non-negative integer in decimal with leading zeros up to `width` digits.
  static func writePadded(_ value: Int, width: Int, _ p: inout UnsafeMutablePointer<UInt8>) {
    var digits = 1
    var rest = value / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    let length = max(digits, width)
    var remaining = value
    for i in stride(from: length - 1, through: 0, by: -1) {
      p[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
      remaining /= 10
    }
    p += length
  }

  /// ASCII text (short: identifiers and keywords).
  static func write(_ text: StaticString, _ p: inout UnsafeMutablePointer<UInt8>) {
    p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    p += text.utf8CodeUnitCount
  }

  static func write(_ text: String, _ p: inout UnsafeMutablePointer<UInt8>) {
    for byte in text.utf8 {
      p.pointee = byte
      p += 1
    }
  }
}
