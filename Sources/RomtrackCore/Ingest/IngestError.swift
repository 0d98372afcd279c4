/// A file that cannot be read at all: the run stops with exit code 2 and this one-line message.
public enum IngestError: Error, Equatable, CustomStringConvertible, Sendable {
  case cannotOpen(file: String, reason: String)
  case isDirectory(file: String)
  case empty(file: String)
  case missingColumn(file: String, fields: [String], header: [String])
  case duplicateColumn(file: String, column: String, positions: [Int])
  case unknownMapping(file: String, field: String, column: String, header: [String])
  case unknownDefaultInstrument(name: String)
  case changedWhileReading(file: String)
  case readFailed(file: String, reason: String)

  public var description: String {
    switch self {
    case .cannotOpen(let file, let reason):
      return "\(file): cannot open: \(reason)"
    case .isDirectory(let file):
      return "\(file): is a directory, not a CSV file"
    case .empty(let file):
      return "\(file): file is empty (no header row)"
    case .missingColumn(let file, let fields, let header):
      let list = fields.joined(separator: ", ")
      return "\(file): no column for required field \(list) (header: \(IngestError.show(header)));"
        + " name the column with --map FIELD=COLUMN"
    case .duplicateColumn(let file, let column, let positions):
      let list = positions.map(String.init).joined(separator: " and ")
      return "\(file): column \"\(column)\" appears more than once in the header (columns \(list))"
    case .unknownMapping(let file, let field, let column, let header):
      return "\(file): --map \(field)=\(column): the header has no column \"\(column)\""
        + " (header: \(IngestError.show(header)))"
    case .unknownDefaultInstrument(let name):
      return "--instrument \(name): not a known instrument (see `romtrack instruments`)"
    case .changedWhileReading(let file):
      return "\(file): the file changed while it was being read; run again once it is complete"
    case .readFailed(let file, let reason):
      return "\(file): read failed: \(reason)"
    }
  }

  static func show(_ header: [String]) -> String {
    let shown = header.prefix(12).map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }
    return shown.joined(separator: ", ") + (header.count > 12 ? ", … (\(header.count) columns)" : "")
  }
}
