import RomtrackCore

/// Builds an HTML page in a byte buffer. Every value from the data goes through `text(_:)` or
/// `attribute(_:_:)`, which escape `&`, `<`, `>`, `"` and `'`, so an id such as `<script>` shows as
/// text and can never close a tag or an attribute. `raw(_:)` is for the page's own markup only.
struct HTMLWriter {
  private(set) var bytes: [UInt8] = []

  init(capacity: Int = 16_384) { bytes.reserveCapacity(capacity) }

  /// The page's own markup, written as is.
  mutating func raw(_ markup: String) {
    var markup = markup
    markup.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// Text from the data or from numbers, escaped for element content and attribute values alike.
  mutating func text(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      for b in utf8 {
        switch b {
        case UInt8(ascii: "&"): raw("&amp;")
        case UInt8(ascii: "<"): raw("&lt;")
        case UInt8(ascii: ">"): raw("&gt;")
        case UInt8(ascii: "\""): raw("&quot;")
        case UInt8(ascii: "'"): raw("&#39;")
        default: bytes.append(b)
        }
      }
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
