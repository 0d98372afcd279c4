import ArgumentParser
import Foundation
import RomtrackCore

/// Options shared by every command that reads score files.
///
/// Every command names its inputs the same way: files after the command (`romtrack report a.csv b.csv`),
/// or with `--outcomes` / `--alliance` (each repeatable); `--input` is kept as another name for a file,
/// as `romtrack model` had it. Outcome and alliance files are read alike: each row's instrument says
/// which it is.
struct InputOptions: ParsableArguments {
  @Argument(help: ArgumentHelp("Score files, outcome and alliance alike (or name them with --outcomes and --alliance).", valueName: "file"))
  var files: [String] = []

  @Option(name: .customLong("outcomes"), help: ArgumentHelp("An outcome score file (repeatable).", valueName: "file"))
  var outcomeFiles: [String] = []

  @Option(name: .customLong("alliance"), help: ArgumentHelp("An alliance score file (repeatable).", valueName: "file"))
  var allianceFiles: [String] = []

  @Option(name: .customLong("input"), help: ArgumentHelp("A score file (repeatable): the same as naming it after the command.", valueName: "file", visibility: .hidden))
  var inputFiles: [String] = []

  @Option(help: ArgumentHelp("The character between fields: ',', ';', tab, or auto: chosen per file from its header line, with a line saying so when it is not the comma (default auto).", valueName: "c"))
  var delimiter: String?

  @Flag(help: "Read scores written with a decimal comma (18,5, as European spreadsheets export them) as 18.5.")
  var decimalComma = false

  @Option(name: .customLong("map"), help: ArgumentHelp("Read a field from a column with another name, e.g. client_id=PatientID (repeatable).", valueName: "field=column"))
  var mappings: [String] = []

  @Option(help: ArgumentHelp("Layout of date and episode_end: YYYY-MM-DD (default), DD/MM/YYYY, MM/DD/YYYY, D.M.YYYY, ...", valueName: "pattern"))
  var dateFormat: String?

  @Option(
    name: .customLong("na"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp("Another cell value meaning 'missing' besides the empty cell and NA, e.g. --na -99 (repeatable).", valueName: "token"))
  var missingTokens: [String] = []

  @Option(help: ArgumentHelp("The instrument of every row, for a single-measure file without an instrument column.", valueName: "name"))
  var instrument: String?

  @Option(help: ArgumentHelp("Instrument and parameter settings, YAML or JSON (default: romtrack.yml in the working folder when present).", valueName: "file"))
  var config: String?

  @Option(help: ArgumentHelp("Count an episode without episode_end as ended when its last score is more than this many days old (default 42).", valueName: "days"))
  var endedAfterDays: Int?

  @Option(help: ArgumentHelp("Fail with exit code 2 when more than this share of rows is rejected (default 0.05): validate writes rejects.csv first; report and export write nothing and leave the previous folder as it was.", valueName: "rate"))
  var maxRejectRate: Double?

  @Option(help: ArgumentHelp("Threads for reading one large file (default: the processors available).", valueName: "n"))
  var threads: Int?

  @OptionGroup var layout: LayoutOptions

  @Flag(help: "No progress or summary on stderr.")
  var quiet = false

  @Flag(help: "Print a machine-readable JSON summary on stdout.")
  var jsonSummary = false

  func validate() throws {
    for mapping in mappings where !LayoutOptions.isItemMapping(mapping) { _ = try InputOptions.parseMapping(mapping) }
    if let dateFormat, DateFormat(pattern: dateFormat) == nil {
      throw ValidationError("--date-format \(dateFormat): use YYYY, MM or M, DD or D and separators, e.g. DD/MM/YYYY")
    }
    if let delimiter, FieldSeparator(argument: delimiter) == nil {
      throw ValidationError("--delimiter \(delimiter): use ',' ';' tab or auto")
    }
    if let threads, threads < 1 || threads > 4_096 { throw ValidationError("--threads must be from 1 to 4096") }
    if let maxRejectRate, !(0...1).contains(maxRejectRate) { throw ValidationError("--max-reject-rate must be between 0 and 1") }
    if let endedAfterDays, endedAfterDays < 1 || endedAfterDays > AnalysisParameters.largestDays {
      throw ValidationError("--ended-after-days must be from 1 to \(AnalysisParameters.largestDays)")
    }
  }

  static func parseMapping(_ text: String) throws -> (InputField, String) {
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[1].isEmpty else {
      throw ValidationError("--map \(text): write FIELD=COLUMN, e.g. --map client_id=PatientID")
    }
    guard let field = InputField(rawValue: parts[0].lowercased()) else {
      let fields = InputField.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("--map \(text): \(parts[0]) is not a field; fields are \(fields)")
    }
    return (field, parts[1])
  }

  /// The configuration: `--config`, else romtrack.yml / romtrack.json in the working folder, else built-ins.
  func loadConfiguration() throws -> Configuration {
    if let configurationPath { return try Configuration.load(path: configurationPath) }
    return Configuration.defaults
  }

  /// The configuration file read: `--config`, else the first of romtrack.yml, romtrack.yaml and
  /// romtrack.json in the working folder; nil for the built-ins.
  var configurationPath: String? {
    config ?? ["romtrack.yml", "romtrack.yaml", "romtrack.json"].first { FileManager.default.fileExists(atPath: $0) }
  }

  /// Ingest settings from the flags, falling back on the configuration.
  func ingestOptions(_ configuration: Configuration) throws -> IngestOptions {
    var options = IngestOptions()
    options.layout = layout.layout
    options.itemMapping = LayoutOptions.itemMappings(mappings)
    for mapping in mappings where !LayoutOptions.isItemMapping(mapping) {
      let (field, column) = try InputOptions.parseMapping(mapping)
      options.mapping[field] = column
    }
    let pattern = dateFormat ?? configuration.parameters.dateFormat
    guard let format = DateFormat(pattern: pattern) else { throw RunFailure.input("date format \(pattern) is not valid") }
    options.dateFormat = format
    // `--na` adds to the configuration's tokens (NA by default), never replaces them.
    options.missingTokens = configuration.parameters.na + missingTokens.filter { !configuration.parameters.na.contains($0) }
    options.separator = delimiter.flatMap(FieldSeparator.init(argument:)) ?? .auto
    options.decimalComma = decimalComma
    options.defaultInstrument = instrument
    if let threads { options.threads = threads }
    return options
  }

  func seriesOptions(_ configuration: Configuration, asOf: CivilDate?) -> SeriesOptions {
    SeriesOptions(asOf: asOf, endedAfterDays: endedAfterDays ?? configuration.parameters.endedAfterDays, today: .today)
  }

  func rejectLimit(_ configuration: Configuration) -> Double {
    maxRejectRate ?? configuration.parameters.maxRejectRate
  }

  /// Every input file: those named after the command, then `--input`, `--outcomes`, `--alliance`.
  var allFiles: [String] { files + inputFiles + outcomeFiles + allianceFiles }
}
