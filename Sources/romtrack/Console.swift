#if canImport(Glibc)
  import Glibc
#endif

/// Messages for people on stderr; results on stdout. Everything written to either passes through
/// `printable`, so an id in the data (`ESC]0;...BEL`) cannot retitle the terminal, move the cursor or
/// hide a line.
enum Console {
  /// Whether stderr is a terminal (progress is shown only then).
  static let isTerminal = isatty(2) != 0

  static func error(_ message: String) {
    writeError("romtrack: " + message + "\n")
  }

  /// A progress or status line on stderr, unless quiet.
  static func status(_ message: String, quiet: Bool) {
    guard !quiet else { return }
    writeError(message + "\n")
  }

  /// A phase that is starting, shown only on a terminal.
  static func progress(_ message: String, quiet: Bool) {
    guard !quiet, isTerminal else { return }
    writeError("… " + message + "\n")
  }

  /// Text for stdout (listings, summaries), escaped as `printable`.
  static func output(_ text: String) {
    var text = printable(text)
    text.withUTF8 { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
  }

  private static func writeError(_ text: String) {
    var text = printable(text)
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }

  /// `text` with every terminal control character written out: C0 controls other than line feed
  /// and tab (ESC, BEL, CR, backspace, ...) and DEL as `\x1b`, the C1 controls U+0080-U+009F (CSI
  /// among them) as `\u{9b}`. Everything else, letters of any script included, is left as it is.
  static func printable(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if !isControl(scalar) {
        out.unicodeScalars.append(scalar)
      } else if scalar.value < 0x80 {
        out += "\\x" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
      } else {
        out += "\\u{" + String(scalar.value, radix: 16) + "}"
      }
    }
    return out
  }

  private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v)
  }
}
