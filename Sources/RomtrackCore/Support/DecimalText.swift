/// Numbers as decimal text, written byte by byte without `String(format:)` or allocation per digit:
/// fixed decimals for CSV cells and short numbers for messages.
public enum DecimalText {
  /// Appends `value` rounded half away from zero to `decimals` places (0...9), without exponent
  /// notation; `-0.00` is written `0.00`. Magnitudes beyond 9e15 units fall back to `String(value)`.
  public static func appendFixed(_ value: Double, decimals: Int, to bytes: inout [UInt8]) {
    var scale: UInt64 = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * Double(scale)).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else {
      bytes.append(contentsOf: String(value).utf8)
      return
    }
    let units = UInt64(scaled)
    if value < 0 && units > 0 { bytes.append(UInt8(ascii: "-")) }
    appendDigits(units / scale, width: 1, to: &bytes)
    if decimals > 0 {
      bytes.append(UInt8(ascii: "."))
      appendDigits(units % scale, width: decimals, to: &bytes)
    }
  }

  /// `value` with fixed decimals, as `appendFixed` writes it.
  public static func fixed(_ value: Double, decimals: Int) -> String {
    var out: [UInt8] = []
    appendFixed(value, decimals: decimals, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// `value` as people write it: at most four decimals, no trailing zeros or point (`28`, `12.5`).
  public static func short(_ value: Double) -> String {
    var text = fixed(value, decimals: 4)
    guard text.contains(".") else { return text }
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
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
