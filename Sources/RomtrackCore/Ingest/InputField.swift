/// The fields romtrack reads from an input CSV (FORMATS.md, "Input").
///
/// Header names are matched case-insensitively after trimming spaces; `--map FIELD=COLUMN` names another
/// column for a field. Columns that are not one of these fields are carried along unread.
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
