/// How input files are read: the command-line options of FORMATS.md that shape ingest.
public struct IngestOptions: Sendable {
  /// `--map FIELD=COLUMN`: read FIELD from a column with another name.
  public var mapping: [InputField: String] = [:]
  /// `--date-format`: layout of `date` and `episode_end` (default ISO `YYYY-MM-DD`).
  public var dateFormat: DateFormat = .iso
  /// `--delimiter`: the character between fields; `.auto` chooses it per file from the header line.
  public var separator: FieldSeparator = .auto
  /// `--decimal-comma`: a score written with a decimal comma (`18,5`, quoted in a comma file) is
  /// read as 18.5. Numbers with a point are read as always.
  public var decimalComma = false
  /// `--na`: cell values that mean "missing" besides the empty cell.
  public var missingTokens: [String] = ["NA"]
  /// `--instrument NAME`: the instrument of every row of a single-measure file without an instrument column.
  public var defaultInstrument: String? = nil
  /// Read only the rows of this instrument (`romtrack model` fits one): rows of another known
  /// instrument are counted (`FileSummary.otherInstrumentRows`) and skipped before their other fields
  /// are parsed. Rows naming no known instrument are still rejected.
  public var onlyInstrument: String? = nil
  /// Worker threads for one file; files smaller than `parallelThreshold` bytes are read by one.
  public var threads: Int = IngestOptions.defaultThreads
  /// Size from which a file is split between threads.
  public var parallelThreshold: Int = 4 << 20
  /// Bytes read from the file at a time by each thread.
  public var blockSize: Int = 1 << 22
  /// Counts the bytes parsed, block by block, for a progress line; nil counts nothing.
  public var progress: ProgressCounter? = nil
  /// Longest raw row kept in rejects.csv, in bytes; longer rows are cut with a note.
  public var rawRowLimit: Int = 4096

  /// `--wide`, `--wide-dates`, `--sheet`: inputs that are not one long-format row per score.
  public var layout = InputLayout()
  /// `--map phq9_item1=Q1`: item columns with other names, by item name (lower case) to column.
  public var itemMapping: [String: String] = [:]

  public init() {}

  public static var defaultThreads: Int {
    max(1, min(8, sysconfActiveProcessors()))
  }
}
