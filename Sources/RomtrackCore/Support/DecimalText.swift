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
  /// back, two at a time, each pair in its place: no scratch copy.
  @inlinable @inline(__always)
  public static func writeFixed(_ value: Double, decimals: Int, at start: UnsafeMutableRawPointer) -> Int {
    // Half away from zero, without a call to libm: below 9e15 < 2^53 the conversion truncates exactly
    // and the fraction x - trunc(x) is exact.
    let x = abs(value) * Double(powerOfTen(decimals))
    guard x < 9e15 else {
      // Swift's shortest text, at most 24 bytes ("-1.7976931348623157e+308"); also NaN and infinity.
      var text = String(value)
      return text.withUTF8 { utf8 in
        UnsafeMutableRawBufferPointer(start: start, count: fixedRoom).copyMemory(from: UnsafeRawBufferPointer(utf8))
        return utf8.count
      }
    }
    let truncated = UInt64(x)
    let units = x - Double(truncated) >= 0.5 ? truncated + 1 : truncated
    var sign = 0
    if value < 0 && units > 0 {
      start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
      sign = 1
    }
    // At least one digit before the point.
    let wholeDigits = max(digitCount(units) - decimals, 1)
    let text = start + sign
    guard decimals > 0 else {
      writeDigits(units, count: wholeDigits, before: text + wholeDigits)
      return sign + wholeDigits
    }
    let length = wholeDigits + 1 + decimals
    let whole = writeDigits(units, count: decimals, before: text + length)
    text.storeBytes(of: UInt8(ascii: "."), toByteOffset: wholeDigits, as: UInt8.self)
    writeDigits(whole, count: wholeDigits, before: text + wholeDigits)
    return sign + length
  }

  /// Writes the last `count` decimal digits of `value`, zero-padded, to the `count` bytes before `end`,
  /// two at a time from `digitPairs`, and returns what is left of `value` (`value / 10^count`).
  @inlinable @inline(__always)
  @discardableResult
  static func writeDigits(_ value: UInt64, count: Int, before end: UnsafeMutableRawPointer) -> UInt64 {
    var v = value
    var p = end
    var left = count
    let pairs = UnsafeRawPointer(digitPairs.utf8Start)
    while left >= 2 {
      let pair = pairs.loadUnaligned(fromByteOffset: 2 * Int(v % 100), as: UInt16.self)
      v /= 100
      p -= 2
      p.storeBytes(of: pair, as: UInt16.self)
      left -= 2
    }
    if left == 1 {
      p -= 1
      p.storeBytes(of: UInt8(truncatingIfNeeded: v % 10) &+ 48, as: UInt8.self)
      v /= 10
    }
    return v
  }

  /// The two-digit numbers 00 to 99, end to end.
  @inlinable @inline(__always)
  static var digitPairs: StaticString {
    """
    0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
    5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
    """
  }

  /// 10^n for n in 0...19.
  @inlinable @inline(__always)
  static func powerOfTen(_ n: Int) -> UInt64 {
    switch n {
    case 0: 1
    case 1: 10
    case 2: 100
    case 3: 1_000
    case 4: 10_000
    case 5: 100_000
    case 6: 1_000_000
    case 7: 10_000_000
    case 8: 100_000_000
    case 9: 1_000_000_000
    case 10: 10_000_000_000
    case 11: 100_000_000_000
    case 12: 1_000_000_000_000
    case 13: 10_000_000_000_000
    case 14: 100_000_000_000_000
    case 15: 1_000_000_000_000_000
    case 16: 10_000_000_000_000_000
    case 17: 100_000_000_000_000_000
    case 18: 1_000_000_000_000_000_000
    default: 10_000_000_000_000_000_000
    }
  }

  /// Decimal digits of `value` (1 for 0): the power of two below it gives the count or one less.
  /// `floor(log10 2^k) = (k * 1233) >> 12` for k < 64.
  @inlinable @inline(__always)
  static func digitCount(_ value: UInt64) -> Int {
    let log2 = 63 - (value | 1).leadingZeroBitCount
    let below = (log2 * 1233) >> 12  // value >= 10^below
    return below + 1 + (value >= powerOfTen(below + 1) ? 1 : 0)
  }

  /// Writes the decimal digits of `value`, zero-padded to at least `width` (at most 20), at `start`,
  /// which has room for 20 bytes, and returns how many bytes it took.
  @inlinable @inline(__always)
  public static func writeDigits(_ value: UInt64, width: Int, at start: UnsafeMutableRawPointer) -> Int {
    let length = max(digitCount(value), width)
    writeDigits(value, count: length, before: start + length)
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
    var scratch: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // fixedRoom bytes
    return withUnsafeMutableBytes(of: &scratch) { room in
      let written = writeShort(value, at: room.baseAddress!)
      return String(decoding: UnsafeRawBufferPointer(rebasing: room[..<written]), as: UTF8.self)
    }
  }

  /// Writes `value` as `short` describes at `start`, which has room for `fixedRoom` bytes, and returns
  /// how many bytes it took: four fixed decimals, then trailing zeros and a bare point dropped. A
  /// magnitude too large for fixed decimals is Swift's own text, kept whole.
  @inlinable @inline(__always)
  public static func writeShort(_ value: Double, at start: UnsafeMutableRawPointer) -> Int {
    // A whole number (most scores) has no decimals to trim: its digits straight away.
    let magnitude = abs(value)
    if magnitude < 1e9, Double(UInt64(magnitude)) == magnitude {
      let units = UInt64(magnitude)
      let sign = value < 0 && units > 0 ? 1 : 0
      if sign == 1 { start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self) }
      let digits = digitCount(units)
      writeDigits(units, count: digits, before: start + sign + digits)
      return sign + digits
    }
    var length = writeFixed(value, decimals: 4, at: start)
    guard abs(value) * 1e4 < 9e15 else { return length }
    let text = start.assumingMemoryBound(to: UInt8.self)
    while text[length - 1] == UInt8(ascii: "0") { length -= 1 }
    if text[length - 1] == UInt8(ascii: ".") { length -= 1 }
    return length
  }
}
