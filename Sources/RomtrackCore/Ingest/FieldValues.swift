/// Readers for single field values, working on raw bytes (`p[start..<end]`).
enum FieldValues {
  /// 10^exponent for 0...22, exact in a Double (every power of ten up to 10^22 is).
  @inline(__always)
  static func powerOfTen(_ exponent: Int) -> Double {
    switch exponent {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1000
    default:
      var value = 1000.0
      for _ in 3..<exponent { value *= 10 }
      return value
    }
  }

  /// Narrows `start..<end` past leading and trailing spaces and tabs.
  @inline(__always)
  static func trim(_ p: UnsafePointer<UInt8>, _ start: inout Int, _ end: inout Int) {
    while start < end, p[start] == 0x20 || p[start] == 0x09 { start += 1 }
    while end > start, p[end - 1] == 0x20 || p[end - 1] == 0x09 { end -= 1 }
  }

  /// A plain decimal number: optional sign, digits, optional `.` and digits (`12`, `-3`, `12.5`, `.5`).
  ///
  /// The digits are read as an integer and divided by a power of ten: both exact in a Double for up to
  /// 15 significant digits and 22 decimals, so the quotient is the correctly rounded value, the same
  /// as `strtod` gives. Longer numbers fall back to the standard library parser. Exponents, thousands
  /// separators, decimal commas, `inf` and `nan` are not numbers here.
  @inline(__always)
  static func decimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    var i = start
    var negative = false
    if i < end, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
      negative = p[i] == UInt8(ascii: "-")
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var decimals = 0
    var seenPoint = false
    while i < end {
      let b = p[i]
      if b == UInt8(ascii: ".") {
        if seenPoint { return nil }
        seenPoint = true
      } else {
        let d = b &- 48
        guard d <= 9 else { return nil }
        mantissa = mantissa &* 10 &+ UInt64(d)
        digits += 1
        if seenPoint { decimals += 1 }
      }
      i += 1
    }
    guard digits > 0 else { return nil }
    if digits > 15 || decimals > 22 {
      let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
      return Double(text)
    }
    let magnitude = Double(mantissa) / powerOfTen(decimals)
    return negative ? -magnitude : magnitude
  }

  /// A number with a decimal comma (`--decimal-comma`): `12,5` is 12.5. The bytes are read by
  /// `decimal` with their one comma as a point; a point among them (`1.234,5`) is not a number here.
  /// Called only when `decimal` failed, so the comma costs nothing on the usual path.
  static func decimalWithComma(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    let n = end - start
    guard n > 0, n <= 64 else { return nil }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { buffer -> Double? in
      var commas = 0
      for k in 0..<n {
        let b = p[start + k]
        if b == UInt8(ascii: ".") { return nil }
        if b == UInt8(ascii: ",") { commas += 1 }
        buffer[k] = b == UInt8(ascii: ",") ? UInt8(ascii: ".") : b
      }
      guard commas == 1, let base = buffer.baseAddress else { return nil }
      return decimal(UnsafePointer(base), 0, n)
    }
  }

  /// A non-negative whole number of at most nine digits (session numbers).
  @inline(__always)
  static func count(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
    guard end > start, end - start <= 9 else { return nil }
    var value: Int32 = 0
    for i in start..<end {
      let d = p[i] &- 48
      guard d <= 9 else { return nil }
      value = value * 10 + Int32(d)
    }
    return value
  }

  /// What keeps the bytes from being text, for the reject message: the first NUL byte, or the first
  /// byte that is not part of valid UTF-8 (a lone byte from 0x80 up is what a Latin-1 or
  /// Windows-1252 export leaves for é, ü, ...). `nil` for valid UTF-8 without NUL.
  static func textProblem(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String? {
    var iterator = UnsafeBufferPointer(start: p + start, count: end - start).makeIterator()
    var decoder = UTF8()
    var position = 0  // bytes decoded before the current character
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar.value == 0 { return "holds a NUL byte (0x00) at byte \(position + 1), which is not text" }
        position += UTF8.width(scalar)
      case .emptyInput:
        return nil
      case .error:
        let byte = String(p[start + position], radix: 16, uppercase: true)
        return "is not valid UTF-8: byte 0x\(byte) at byte \(position + 1); the file looks saved as Latin-1"
          + " or Windows-1252: export it as CSV UTF-8"
      }
    }
  }

  /// Whether the bytes equal one of the missing-value tokens.
  @inline(__always)
  static func isMissingToken(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ tokens: [[UInt8]]) -> Bool {
    let n = end - start
    for token in tokens where token.count == n {
      var same = true
      for k in 0..<n where p[start + k] != token[k] {
        same = false
        break
      }
      if same { return true }
    }
    return false
  }
}
