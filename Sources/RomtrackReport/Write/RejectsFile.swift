import RomtrackCore

/// rejects.csv: one row per rejected input row (FORMATS.md).
public enum RejectsFile {
  public static let header = ["file", "line", "field", "reason", "detail", "raw"]

  public static func csv(_ rejects: [Reject]) -> [UInt8] {
    var writer = CSVWriter(header: header)
    for r in rejects {
      writer.text(r.file)
      writer.integer(r.line)
      writer.text(r.field)
      writer.text(r.reason.rawValue)
      writer.text(r.detail)
      writer.text(r.raw)
      writer.endRow()
    }
    return writer.finish()
  }
}
