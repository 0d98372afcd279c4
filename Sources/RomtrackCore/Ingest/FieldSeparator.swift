/// The character between the fields of an input file: `--delimiter`.
///
/// Excel in a German, French or Dutch locale saves "CSV" with `;` between fields (the comma is the
/// decimal mark there); other systems write tabs. With `.auto` (the default) each file's separator is
/// chosen from its header line: the comma, unless the header read with commas is one column holding
/// at least two `;` or tabs, and then whichever of those occurs more often.
public enum FieldSeparator: String, Sendable, Equatable, CaseIterable {
  case comma = ","
  case semicolon = ";"
  case tab = "tab"
  case auto = "auto"

  /// Reads a `--delimiter` value: `,` `;` `tab` (or a tab character, or `\t`), `auto`; also the
  /// words `comma` and `semicolon`.
  public init?(argument: String) {
    switch argument.lowercased() {
    case ",", "comma": self = .comma
    case ";", "semicolon": self = .semicolon
    case "tab", "\t", "\\t": self = .tab
    case "auto": self = .auto
    default: return nil
    }
  }

  /// The separator byte; `nil` for `.auto`.
  public var byte: UInt8? {
    switch self {
    case .comma: UInt8(ascii: ",")
    case .semicolon: UInt8(ascii: ";")
    case .tab: UInt8(ascii: "\t")
    case .auto: nil
    }
  }

  /// How messages name it: `','`, `';'`, `tab`.
  public var shown: String { self == .tab || self == .auto ? rawValue : "'\(rawValue)'" }

  /// The separator a header read with commas as one column seems to use: `;` or tab, whichever
  /// occurs more often and at least twice (a usable header has three or more fields); `nil` otherwise.
  static func detected(inOneColumnHeader name: String) -> FieldSeparator? {
    var semicolons = 0, tabs = 0
    for byte in name.utf8 {
      if byte == UInt8(ascii: ";") { semicolons += 1 } else if byte == UInt8(ascii: "\t") { tabs += 1 }
    }
    guard max(semicolons, tabs) >= 2 else { return nil }
    return semicolons >= tabs ? .semicolon : .tab
  }
}
