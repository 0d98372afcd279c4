import Foundation
import PropertyBased
import Testing

@testable import RomtrackCore

/// `DecimalText`: fixed decimals rounded half away from zero (FORMATS.md, "CSV output"), as C's
/// `round()` rounds the value scaled by 10^decimals, and the short numbers of the pages.
struct DecimalTextTests {
  @Test(arguments: [
    (2.5, 0, "3"), (-2.5, 0, "-3"), (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (-0.001, 2, "0.00"),
    (1.005, 2, "1.00"),  // 1.005 is 1.00499999999999989... in binary: below the tie
    (123456.789, 1, "123456.8"), (0, 4, "0.0000"), (9.99995, 4, "10.0000"), (-3.65175, 4, "-3.6518"),
    (42, 0, "42"), (7.0, 9, "7.000000000"),
  ])
  func knownValues(value: Double, decimals: Int, text: String) {
    #expect(DecimalText.fixed(value, decimals: decimals) == text)
  }

  @Test func beyondNineQuadrillionUnitsFallsBackToSwiftsText() {
    #expect(DecimalText.fixed(1e17, decimals: 0) == String(1e17))
  }

  @Test func shortDropsTrailingZeros() {
    #expect(DecimalText.short(28) == "28")
    #expect(DecimalText.short(12.5) == "12.5")
    #expect(DecimalText.short(-0.00004) == "0")
    #expect(DecimalText.short(3.14159) == "3.1416")
  }

  /// The digits are those of C's `round(|value| * 10^d)` (the libm rounding the writer avoids calling),
  /// with the sign of the value unless they are all zero.
  @Test func fixedEqualsLibmRoundingOfTheScaledValue() async {
    await propertyCheck(input: Gen.double(in: -1e6...1e6), Gen.int(in: 0...6)) { value, decimals in
      let scale = pow(10, Double(decimals))
      let units = UInt64(Foundation.round(abs(value) * scale))
      var digits = String(units)
      if decimals > 0 {
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals + 1 - digits.count) + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
      }
      let expected = (value < 0 && units > 0 ? "-" : "") + digits
      #expect(DecimalText.fixed(value, decimals: decimals) == expected)
    }
  }

  /// Every power of ten and of two, and one either side: the digit count is that of Swift's own
  /// text, and the digits written (zero-padded to 20) are Swift's.
  @Test func digitsAtEveryBoundaryAreSwifts() {
    var values: [UInt64] = [0, 1, 9, UInt64.max, UInt64.max - 1]
    var power: UInt64 = 10
    for _ in 1...19 {
      values += [power - 1, power, power + 1]
      power = power &* 10
    }
    for k in 1..<64 { values += [(1 << UInt64(k)) - 1, 1 << UInt64(k), (1 << UInt64(k)) + 1] }
    for value in values {
      let text = String(value)
      #expect(DecimalText.digitCount(value) == text.count, "digits of \(value)")
      for width in [1, text.count, 20] {
        var room = [UInt8](repeating: 0, count: 20)
        let written = room.withUnsafeMutableBytes { DecimalText.writeDigits(value, width: width, at: $0.baseAddress!) }
        let expected = String(repeating: "0", count: max(0, width - text.count)) + text
        #expect(String(decoding: room[..<written], as: UTF8.self) == expected)
      }
    }
  }

  /// Whole numbers take a shorter path: still the trimmed four-decimal text, on both sides of its
  /// limit (1e9) and for zero of either sign.
  @Test func shortOfWholeNumbersIsFourDecimalsTrimmed() async {
    func trimmed(_ value: Double) -> String {
      var text = DecimalText.fixed(value, decimals: 4)
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
      return text
    }
    for value in [0, -0.0, 1, -1, 9, 10, 99, 100, 1e9 - 1, 1e9, 1e9 + 1, -(1e9 - 1), -1e9, 4e9, 1e9 - 0.5] {
      #expect(DecimalText.short(value) == trimmed(value), "\(value)")
    }
    await propertyCheck(input: Gen.int(in: -3_000_000_000...3_000_000_000)) { whole in
      #expect(DecimalText.short(Double(whole)) == String(whole))
    }
  }

  /// `short` is the four-decimal text with trailing zeros and a bare point taken off.
  @Test func shortIsFourDecimalsTrimmed() async {
    await propertyCheck(input: Gen.double(in: -1e6...1e6)) { value in
      var text = DecimalText.fixed(value, decimals: 4)
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
      #expect(DecimalText.short(value) == text)
    }
  }
}
