#if canImport(Glibc)
  import Glibc
#endif

/// Messages for people on stderr; results on stdout.
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

  private static func writeError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
  }
}
