/// Elementary functions computed the same way on every machine.
///
/// The C library's `log` may differ in the last bit between platforms and library versions; a
/// generator that must write byte-identical files for a seed cannot lean on it. These functions use
/// only correctly rounded IEEE 754 operations, evaluated in a fixed order, so their results are the
/// same bits everywhere.
enum PortableMath {
  static let ln2 = 0.693_147_180_559_945_3

  /// Natural logarithm of a positive, finite, normal `x`.
  ///
  /// Write `x = m * 2^e` with `m` in [sqrt(1/2), sqrt(2)]; then `ln x = e ln 2 + 2 atanh(z)` with
  /// `z = (m - 1) / (m + 1)`, `|z| <= 0.1716`, and `atanh z = sum z^(2k+1) / (2k+1)`. Twelve
  /// terms leave a relative truncation error below `z^24 / 25 < 2e-20`, so the result is within a
  /// few ulps of the exact logarithm (checked against the C library in the tests).
  /// Returns `-infinity` for 0 and `nan` for negative or non-finite input.
  static func log(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    // Exponent and significand from the bits (subnormals scaled up by 2^54 first).
    var bits = x.bitPattern
    var exponent = -1023
    if bits >> 52 == 0 {
      bits = (x * 0x1.0p54).bitPattern
      exponent -= 54
    }
    exponent += Int(bits >> 52)
    var mantissa = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000)  // [1, 2)
    if mantissa > 1.414_213_562_373_095_1 {
      mantissa *= 0.5
      exponent += 1
    }
    let z = (mantissa - 1) / (mantissa + 1)
    let z2 = z * z
    // Horner's scheme for sum_{k=0}^{11} z2^k / (2k + 1); the divisions are correctly rounded
    // constants, folded at compile time.
    var sum = 1.0 / 23
    sum = sum * z2 + 1.0 / 21
    sum = sum * z2 + 1.0 / 19
    sum = sum * z2 + 1.0 / 17
    sum = sum * z2 + 1.0 / 15
    sum = sum * z2 + 1.0 / 13
    sum = sum * z2 + 1.0 / 11
    sum = sum * z2 + 1.0 / 9
    sum = sum * z2 + 1.0 / 7
    sum = sum * z2 + 1.0 / 5
    sum = sum * z2 + 1.0 / 3
    sum = sum * z2 + 1
    return Double(exponent) * ln2 + 2 * z * sum
  }
}
