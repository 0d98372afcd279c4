/// Fetches the raw text of rows by line number, for rejects found after parsing (conflicting
/// duplicates), so the parser need not keep every row's text.
enum RawRows {
  /// The raw record text starting on each of `lines` of the file (at most `limit` bytes each).
  static func fetch(path: String, lines: Set<Int>, limit: Int, separator: UInt8 = UInt8(ascii: ",")) throws -> [Int: String] {
    guard !lines.isEmpty else { return [:] }
    let file = try InputFile(path: path)
    var window = BlockWindow(file: file, start: 0, blockSize: 1 << 20)
    defer { window.deallocate() }
    var scanner = RecordScanner(separator: separator)
    var line = 1
    var found: [Int: String] = [:]
    _ = try window.refill()
    while !(window.consumed >= window.filled && window.atEndOfFile), found.count < lines.count {
      switch scanner.scan(window.bytes, from: window.consumed, limit: window.filled, atEnd: window.atEndOfFile) {
      case .needMore:
        _ = try window.refill()
      case .record(let end, let next, let breaks):
        if lines.contains(line) {
          let length = end - window.consumed
          var text = String(decoding: UnsafeBufferPointer(start: window.bytes + window.consumed, count: min(length, limit)), as: UTF8.self)
          if length > limit { text += " …[\(length - limit) more bytes]" }
          found[line] = text
        }
        line += breaks
        window.consumed = next
      }
    }
    return found
  }
}
