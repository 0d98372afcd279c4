import RomtrackCore

/// Builds an HTML page in a byte buffer. Every value from the data goes through `text(_:)` or
/// `attribute(_:_:)`, which escape `&`, `<`, `>`, `"` and `'`, so an id such as `<script>` shows as
/// text and can never close a tag or an attribute. `raw(_:)` is for the page's own markup only.
struct HTMLWriter {
  private(set) var bytes: [UInt8] = []

  /// - Parameter capacity: the expected size in bytes, reserved up front (in a buffer from
  ///   `BufferPool`, where `ParallelWrites` returns it once the page is written).
  init(capacity: Int = 16_384) { bytes = BufferPool.take(capacity: capacity) }

  /// The page's own markup, written as is.
  mutating func raw(_ markup: String) {
    var markup = markup
    markup.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// Text from the data or from numbers, escaped for element content and attribute values alike.
  mutating func text(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      // Runs without a character to escape are copied whole.
      var rest = utf8[...]
      while let special = rest.firstIndex(where: HTMLWriter.needsEscape) {
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: rest[..<special]))
        escape(rest[special])
        rest = rest[(special + 1)...]
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: rest))
    }
  }

  @inline(__always)
  static func needsEscape(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"")
      || b == UInt8(ascii: "'")
  }

  private mutating func escape(_ b: UInt8) {
    switch b {
    case UInt8(ascii: "&"): raw("&amp;")
    case UInt8(ascii: "<"): raw("&lt;")
    case UInt8(ascii: ">"): raw("&gt;")
    case UInt8(ascii: "\""): raw("&quot;")
    case UInt8(ascii: "'"): raw("&#39;")
    default: bytes.append(b)
    }
  }

  /// A coordinate of a picture, with one decimal, written straight into the page.
  mutating func coordinate(_ value: Double) {
    DecimalText.appendFixed(value, decimals: 1, to: &bytes)
  }

  /// `x,y` points separated by spaces, for `points="..."` of a polyline or polygon.
  mutating func points(_ list: some Sequence<(Double, Double)>) {
    var first = true
    for (x, y) in list {
      if !first { bytes.append(UInt8(ascii: " ")) }
      first = false
      coordinate(x)
      bytes.append(UInt8(ascii: ","))
      coordinate(y)
    }
  }

  /// ` name="value"`, the value escaped.
  mutating func attribute(_ name: String, _ value: String) {
    raw(" \(name)=\"")
    text(value)
    raw("\"")
  }
}
