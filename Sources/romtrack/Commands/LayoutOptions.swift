import ArgumentParser
import RomtrackCore

/// Options for inputs that are not one long-format row per score: wide files and workbooks
/// (docs/input.md, "Wide files" and "Excel workbooks"). Item-level files need no option.
struct LayoutOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Read a wide file (one row per client): columns named by the pattern hold one score each, e.g. 'PHQ9_{session}', '{instrument}_{session}' or 'PHQ9 {date}'.", valueName: "pattern"))
  var wide: String?

  @Flag(help: "Read a wide file whose score columns are named by dates (in --date-format); the same as --wide '{date}'.")
  var wideDates = false

  @Option(help: ArgumentHelp("The sheet of an .xlsx workbook to read (default: the first).", valueName: "name"))
  var sheet: String?

  func validate() throws {
    if wide != nil && wideDates { throw ValidationError("give --wide or --wide-dates, not both") }
    if let wide, WidePattern(text: wide, registry: .builtIn) == nil {
      throw ValidationError("--wide \(wide): the pattern needs {session} or {date} (and may have {instrument}), e.g. 'PHQ9_{session}'")
    }
  }

  var layout: InputLayout { InputLayout(wide: wideDates ? "{date}" : wide, sheet: sheet) }

  /// Whether a `--map` entry names an item column (`phq9_item1=Q1`) rather than a field.
  static func isItemMapping(_ text: String) -> Bool {
    guard let name = text.split(separator: "=", maxSplits: 1).first else { return false }
    return ItemColumns.isItemName(String(name), registry: .builtIn) || String(name).lowercased().contains("_item")
  }

  /// The `--map` entries that name item columns, by item name in lower case.
  static func itemMappings(_ mappings: [String]) -> [String: String] {
    var result: [String: String] = [:]
    for text in mappings where isItemMapping(text) {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      if parts.count == 2 { result[parts[0].lowercased()] = parts[1] }
    }
    return result
  }
}
