/// The fields romtrack reads from an input CSV (FORMATS.md, "Input").
///
/// Header names are matched case-insensitively after trimming spaces; `--map FIELD=COLUMN` names another
/// column for a field; a field with neither is read from a column with one of its `synonyms`.
/// Columns that are not one of these fields are carried along unread.
public enum InputField: String, CaseIterable, Sendable, Comparable {
  case clientID = "client_id"
  case episodeID = "episode_id"
  case clinicianID = "clinician_id"
  case site
  case instrument
  case session
  case date
  case score
  case episodeEnd = "episode_end"
  /// Optional: which of the client's goals a goal-based score (GBO) rates. Each goal is a series of its
  /// own, like another instrument; rows without it belong to the series with the empty goal.
  case goalID = "goal_id"

  public static func < (lhs: InputField, rhs: InputField) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Other names practice systems and research datasets give the field's column (docs/input.md),
  /// compared after `synonymKey`: so `Therapist`, `Total Score` and `session-date` match too. No name
  /// is a synonym of two fields.
  public var synonyms: [String] {
    switch self {
    case .clientID: ["client", "clientid", "patient", "patient_id", "patientid", "participant", "participant_id", "person_id"]
    case .episodeID: ["episode", "episodeid", "referral", "referral_id", "treatment_episode", "course_id"]
    case .clinicianID:
      ["clinician", "clinicianid", "therapist", "therapist_id", "counsellor", "counsellor_id", "counselor",
       "counselor_id", "practitioner", "practitioner_id", "provider", "provider_id"]
    case .site: ["site_id", "clinic", "clinic_id", "location", "service"]
    case .instrument: ["measure", "measure_name", "questionnaire", "questionnaire_name", "scale", "instrument_name"]
    case .session: ["session_number", "session_no", "session_nr", "appointment_number", "visit", "visit_number"]
    case .date: ["session_date", "assessment_date", "date_completed", "completed_date", "completion_date", "administration_date"]
    case .score: ["total", "total_score", "score_total", "sum_score", "raw_score"]
    case .episodeEnd: ["discharge_date", "end_date", "episode_end_date", "date_discharged", "closed_date"]
    case .goalID: ["goal", "goal_name", "goal_number"]
    }
  }

  /// A header name as synonyms are compared: lowercased, spaces around it trimmed, and spaces,
  /// hyphens and dots inside it written as one `_` (`Total Score` and `total-score` are `total_score`).
  static func synonymKey(_ name: String) -> String {
    var key = ""
    var gap = false
    for c in name.trimmingASCIISpaces().lowercased() {
      if c == " " || c == "-" || c == "." || c == "_" || c == "\t" {
        gap = true
      } else {
        if gap && !key.isEmpty { key.append("_") }
        gap = false
        key.append(c)
      }
    }
    return key
  }
}

/// Where each field sits in a file's header, after `--map`.
public struct ColumnLayout: Sendable, Equatable {
  /// The header names as written in the file.
  public var header: [String]
  /// Column index of each field found; fields absent from the file are missing.
  public var columns: [InputField: Int]

  public func column(of field: InputField) -> Int? { columns[field] }

  /// Resolves a header against the fields.
  ///
  /// - Parameters:
  ///   - header: column names in file order.
  ///   - mapping: `--map` entries, field to column name (matched case-insensitively).
  ///   - hasDefaultInstrument: `--instrument NAME` was given, so the file needs no instrument column.
  /// - Throws: `IngestError.missingColumn` for a required field with no column,
  ///   `IngestError.duplicateColumn` when two columns name the same field, `IngestError.unknownMapping`
  ///   when `--map` names a column the header does not have.
  public static func resolve(
    header: [String], mapping: [InputField: String], hasDefaultInstrument: Bool, file: String
  ) throws -> ColumnLayout {
    func key(_ s: String) -> String {
      s.trimmingASCIISpaces().lowercased()
    }
    let keys = header.map(key)
    var columns: [InputField: Int] = [:]
    for field in InputField.allCases {
      let wanted: String
      if let mapped = mapping[field] {
        wanted = key(mapped)
        guard keys.contains(wanted) else {
          throw IngestError.unknownMapping(file: file, field: field.rawValue, column: mapped, header: header)
        }
      } else {
        wanted = field.rawValue
      }
      let matches = keys.indices.filter { keys[$0] == wanted }
      if matches.count > 1 {
        throw IngestError.duplicateColumn(
          file: file, column: header[matches[0]], positions: matches.map { $0 + 1 })
      }
      if let index = matches.first { columns[field] = index }
    }
    // Fields still without a column: a column with one of their synonyms, among those not taken.
    let synonymKeys = header.map(InputField.synonymKey)
    for field in InputField.allCases where columns[field] == nil {
      let names = Set([field.rawValue] + field.synonyms)
      let taken = Set(columns.values)
      let matches = synonymKeys.indices.filter { !taken.contains($0) && names.contains(synonymKeys[$0]) }
      if matches.count > 1 {
        throw IngestError.ambiguousColumns(file: file, field: field.rawValue, columns: matches.map { header[$0] })
      }
      if let index = matches.first { columns[field] = index }
    }
    var missing: [String] = []
    if columns[.clientID] == nil { missing.append(InputField.clientID.rawValue) }
    if columns[.score] == nil { missing.append(InputField.score.rawValue) }
    if columns[.instrument] == nil && !hasDefaultInstrument {
      missing.append(InputField.instrument.rawValue)
    }
    if columns[.session] == nil && columns[.date] == nil { missing.append("session or date") }
    if !missing.isEmpty {
      throw IngestError.missingColumn(file: file, fields: missing, header: header)
    }
    return ColumnLayout(header: header, columns: columns)
  }
}

extension String {
  /// The string without leading and trailing ASCII spaces and tabs.
  func trimmingASCIISpaces() -> String {
    var scalars = Substring(self)
    while let f = scalars.first, f == " " || f == "\t" { scalars.removeFirst() }
    while let l = scalars.last, l == " " || l == "\t" { scalars.removeLast() }
    return String(scalars)
  }
}
