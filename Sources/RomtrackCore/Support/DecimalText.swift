/// Numbers as decimal text, written byte by byte without `String(format:)` or allocation per digit:
/// fixed decimals for CSV cells and short numbers for messages.
public enum DecimalText {
  /// Appends `value` rounded half away from zero to `decimals` places (0...9), without exponent
  /// notation; `-0.00` is written `0.00`. Magnitudes beyond 9e15 units fall back to `String(value)`.
  public static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
    var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // fixedRoom bytes
    withUnsafeMutableBytes(of: &scratch) { room in
      let written = writeFixed(value, decimals: decimals, at: room.baseAddress!)
      // One append of the whole number: cheaper than one per sign, digit run and point.
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: room[..<written]))
    }
  }

  /// Bytes `writeFixed` may need.
  public static let fixedRoom = 32

  /// Writes `value` as `appendFixed` describes at `start`, which has room for `fixedRoom` bytes, and
  /// returns how many bytes it took. The digits are counted first and then written from the last one
  /// back, each in its place: no scratch copy.
  @inline(__always)
  public static func writeFixed(_ value: Double, decimals: Int, at start: UnsafeMutableRawPointer) -> Int {
    var scale: UInt64 = 1
    for _ in 0..<decimals { scale *= 10 }
    // Half away from zero, without a call to libm's round: the fraction x - trunc(x) is exact.
    let x = abs(value) * Double(scale)
    let whole = x.rounded(.towardZero)
    let scaled = x - whole >= 0.5 ? whole + 1 : whole
    guard scaled < 9e15 else {
      // Swift's shortest text, at most 24 bytes ("-1.7976931348623157e+308").
      var text = String(value)
      return text.withUTF8 { utf8 in
        UnsafeMutableRawBufferPointer(start: start, count: fixedRoom).copyMemory(from: UnsafeRawBufferPointer(utf8))
        return utf8.count
      }
    }
    let units = UInt64(scaled)
    var sign = 0
    if value < 0 && units > 0 {
      start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
      sign = 1
    }
    // At least one digit before the point.
    let digits = max(digitCount(units), decimals + 1)
    let length = decimals > 0 ? digits + 1 : digits
    let text = start + sign
    var v = units
    var i = length
    for _ in 0..<decimals {
      i -= 1
      text.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) + 48, toByteOffset: i, as: UInt8.self)
      v /= 10
    }
    if decimals > 0 {
      i -= 1
      text.storeBytes(of: UInt8(ascii: "."), toByteOffset: i, as: UInt8.self)
    }
    while i > 0 {
      i -= 1
      text.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) + 48, toByteOffset: i, as: UInt8.self)
      v /= 10
    }
    return sign + length
  }

  /// Decimal digits of `value` (1 for 0), by comparison with powers of ten.
  @inline(__always)
  static func digitCount(_ value: UInt64) -> Int {
    var count = 1
    var power: UInt64 = 10
    while count < 20 && value >= power {
      count += 1
      power = power &* 10
    }
    return count
  }

  /// Writes the decimal digits of `value`, zero-padded to at least `width` (at most 20), at `start`,
  /// which has room for 20 bytes, and returns how many bytes it took.
  @inline(__always)
  public static func writeDigits(_ value: UInt64, width: Int, at start: UnsafeMutableRawPointer) -> Int {
    let length = max(digitCount(value), width)
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
}
