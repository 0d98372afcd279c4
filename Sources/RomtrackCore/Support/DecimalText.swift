/// Numbers as decimal text, written byte by byte without `String(format:)` or allocation per digit:
/// fixed decimals for CSV cells and short numbers for messages.
public enum DecimalText {
  /// Appends `value` rounded half away from zero to `decimals` places (0...9), without exponent
  /// notation; `-0.00` is written `0.00`. Magnitudes beyond 9e15 units fall back to `String(value)`.
  public static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
    var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes: sign, 16 digits, point
    let written = withUnsafeMutableBytes(of: &scratch) { fixed(value, decimals: decimals, into: $0) }
    guard let written else {
      bytes.append(contentsOf: String(value).utf8)
      return
    }
    // One append of the whole number: cheaper than one per sign, digit run and point.
    withUnsafeBytes(of: &scratch) { all in bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: all[(all.count - written)...])) }
  }

  /// Writes `value` with fixed decimals at the end of `buffer` (at least 32 bytes) and returns how many
  /// bytes it took; nil beyond 9e15 units.
  @inline(__always)
  static func fixed(_ value: Double, decimals: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
    var scale: UInt64 = 1
    for _ in 0..<decimals { scale *= 10 }
    // Half away from zero, without a call to libm's round: the fraction x - trunc(x) is exact.
    let x = abs(value) * Double(scale)
    let whole = x.rounded(.towardZero)
    let scaled = x - whole >= 0.5 ? whole + 1 : whole
    guard scaled < 9e15 else { return nil }
    let units = UInt64(scaled)
    var i = buffer.count
    var v = units
    if decimals > 0 {
      for _ in 0..<decimals {
        i -= 1
        buffer[i] = UInt8(truncatingIfNeeded: v % 10) + 48
        v /= 10
      }
      i -= 1
      buffer[i] = UInt8(ascii: ".")
    }
    repeat {
      i -= 1
      buffer[i] = UInt8(truncatingIfNeeded: v % 10) + 48
      v /= 10
    } while v > 0
    if value < 0 && units > 0 {
      i -= 1
      buffer[i] = UInt8(ascii: "-")
    }
    return buffer.count - i
  }

  /// Bytes `writeFixed` may need.
  public static let fixedRoom = 32

  /// Writes `value` as `appendFixed` does at `start`, which has room for `fixedRoom` bytes, and
  /// returns how many bytes it took.
  @inline(__always)
  public static func writeFixed(_ value: Double, decimals: Int, at start: UnsafeMutableRawPointer) -> Int {
    let room = UnsafeMutableRawBufferPointer(start: start, count: fixedRoom)
    guard let written = fixed(value, decimals: decimals, into: room) else {
      // Beyond 9e15 units: Swift's shortest text, at most 24 bytes ("-1.7976931348623157e+308").
      var text = String(value)
      return text.withUTF8 { utf8 in
        room.copyMemory(from: UnsafeRawBufferPointer(utf8))
        return utf8.count
      }
    }
    // `fixed` fills the end of the room; the number moves to its start.
    start.copyMemory(from: start + (fixedRoom - written), byteCount: written)
    return written
  }

  /// Writes the decimal digits of `value`, zero-padded to at least `width` (at most 20), at `start`,
  /// which has room for 20 bytes, and returns how many bytes it took.
  @inline(__always)
  public static func writeDigits(_ value: UInt64, width: Int, at start: UnsafeMutableRawPointer) -> Int {
    var length = 1
    var rest = value / 10
    while rest > 0 {
      length += 1
      rest /= 10
    }
    length = max(length, width)
    var v = value
    for i in stride(from: length - 1, through: 0, by: -1) {
      start.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) + 48, toByteOffset: i, as: UInt8.self)
      v /= 10
    }
    return length
  }

  /// `value` with fixed decimals, as `appendFixed` writes it.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    var out: [UInt8] = []
    appendFixed(value, decimals: decimals, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `value` as people write it: at most four decimals, no trailing zeros or point (`28`, `12.5`).
  public static func short(_ value: Double) -> String {
    var text: [UInt8] = []
    appendFixed(value, decimals: 4, to: &text)
    if text.contains(UInt8(ascii: ".")) {
      while text.last == UInt8(ascii: "0") { text.removeLast() }
      if text.last == UInt8(ascii: ".") { text.removeLast() }
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Appends the decimal digits of `value`, zero-padded to at least `width`.
  @inline(__always)
  public static func appendDigits(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, filled from the end
    withUnsafeMutableBytes(of: &digits) { buffer in
      var v = value
      var i = buffer.count
      repeat {
        i -= 1
        buffer[i] = UInt8(truncatingIfNeeded: v % 10) + 48
        v /= 10
      } while v > 0 || buffer.count - i < width
      // A contiguous buffer, so the append is one copy rather than a byte-by-byte slice iteration.
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[i...]))
    }
  }
}
