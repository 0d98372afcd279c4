import RomtrackCore

/// Builds an HTML page in a byte buffer. Every value from the data goes through `text(_:)` or
/// `attribute(_:_:)`, which escape `&`, `<`, `>`, `"` and `'`, so an id such as `<script>` shows as
/// text and can never close a tag or an attribute. `raw(_:)` is for the page's own markup only.
struct HTMLWriter: ~Copyable {
  private var sink: ByteSink

  /// - Parameter capacity: the expected size in bytes, reserved up front (in a buffer from
  ///   `BufferPool`, where `ParallelWrites` returns it once the page is written).
  init(capacity: Int = 16_384) { sink = ByteSink(capacity: capacity) }

  /// The page written, leaving the writer empty.
  mutating func finish() -> [UInt8] { sink.take() }

  /// The page's own markup, written as is: a literal, appended without touching a String.
  mutating func raw(_ markup: StaticString) {
    sink.append(markup)
  }

  /// The page's own markup made at run time (a colour, a style sheet, a class name), written as is.
  mutating func raw(markup: String) {
    var markup = markup
    markup.withUTF8 { sink.append($0) }
  }

  /// Text from the data or from numbers, escaped for element content and attribute values alike.
  mutating func text(_ value: String) {
    var value = value
    value.withUTF8 { utf8 in
      // Runs without a character to escape are copied whole.
      var rest = utf8[...]
      while let special = rest.firstIndex(where: HTMLWriter.needsEscape) {
        sink.append(UnsafeBufferPointer(rebasing: rest[..<special]))
        escape(rest[special])
        rest = rest[(special + 1)...]
      }
      sink.append(UnsafeBufferPointer(rebasing: rest))
    }
  }

  @inline(__always)
  static func needsEscape(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "\"")
      || b == UInt8(ascii: "'")
  }

  private mutating func escape(_ b: UInt8) {
    switch b {
    case UInt8(ascii: "&"): sink.append("&amp;")
    case UInt8(ascii: "<"): sink.append("&lt;")
    case UInt8(ascii: ">"): sink.append("&gt;")
    case UInt8(ascii: "\""): sink.append("&quot;")
    case UInt8(ascii: "'"): sink.append("&#39;")
    default: sink.append(b)
    }
  }

  /// A coordinate of a picture, with one decimal, written straight into the page as
  /// `DecimalText.writeFixed` writes it. Nearly all lie inside the picture, 0 to 999.9: those are
  /// rounded the same way (half away from zero, on the value times ten) and their few digits written
  /// directly, without counting digits for a number of any size (a clinician page has about 300).
  mutating func coordinate(_ value: Double) {
    let x = value * 10
    guard x >= 0, x < 9999.5 else { return sink.fixed(value, decimals: 1) }
    let truncated = UInt32(x)
    let units = x - Double(truncated) >= 0.5 ? truncated + 1 : truncated
    let (whole, tenths) = (units / 10, units % 10)
    sink.write(atMost: 5) { start in
      let p = start.assumingMemoryBound(to: UInt8.self)
      var n = 0
      if whole >= 100 {
        p[n] = UInt8(truncatingIfNeeded: whole / 100) &+ 48
        n += 1
      }
      if whole >= 10 {
        p[n] = UInt8(truncatingIfNeeded: whole / 10 % 10) &+ 48
        n += 1
      }
      p[n] = UInt8(truncatingIfNeeded: whole % 10) &+ 48
      p[n + 1] = UInt8(ascii: ".")
      p[n + 2] = UInt8(truncatingIfNeeded: tenths) &+ 48
      return n + 3
    }
  }

  /// A whole number of the page's own (a size, a count), written straight into the page.
  mutating func integer(_ value: Int) {
    if value < 0 { sink.append(UInt8(ascii: "-")) }
    sink.digits(UInt64(value.magnitude), width: 1)
  }

  /// A score as `Show.score` gives it (`12.5`, or `–` when missing), written straight into the page.
  mutating func score(_ value: Double?) {
    guard let value, value.isFinite else { return sink.append("–") }
    sink.short(value)
  }

  /// A number with fixed decimals as `Show.number` gives it (`–` when missing), straight into the page.
  mutating func number(_ value: Double?, _ decimals: Int = 1) {
    guard let value, value.isFinite else { return sink.append("–") }
    sink.fixed(value, decimals: decimals)
  }

  /// A date as `Show.date` gives it (`2026-10-05`, or `–` when undated), straight into the page.
  mutating func date(_ days: Int32) {
    guard days != ScoreRows.noDate else { return sink.append("–") }
    let c = CivilDate(days: days).components
    guard (0...9999).contains(c.year) else { return raw(markup: Show.date(days)) }
    sink.isoDate(year: c.year, month: c.month, day: c.day)
  }

  /// `x,y` points separated by spaces, for `points="..."` of a polyline or polygon.
  mutating func points(_ list: some Sequence<(Double, Double)>) {
    var first = true
    for (x, y) in list {
      if !first { sink.append(UInt8(ascii: " ")) }
      first = false
      coordinate(x)
      sink.append(UInt8(ascii: ","))
      coordinate(y)
    }
  }

  /// ` name="value"`, the value escaped.
  mutating func attribute(_ name: String, _ value: String) {
    raw(markup: " \(name)=\"")
    text(value)
    raw("\"")
  }
}
