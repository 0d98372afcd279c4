import PropertyBased
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// A picture's coordinates take a shortcut between 0 and 999.9: still the text of `DecimalText.fixed`
/// with one decimal, ties and the edges of the shortcut included.
@Suite struct CoordinateTests {
  static func written(_ value: Double) -> String {
    var w = HTMLWriter(capacity: 0)
    w.coordinate(value)
    return String(decoding: w.finish(), as: UTF8.self)
  }

  @Test func edgesAndTies() {
    let values: [Double] = [
      0, -0.0, 0.04, 0.05, 0.15, 0.25, 9.95, 9.949999, 99.95, 999.9, 999.94, 999.95, 999.96, 1000, 1234.56,
      -0.04, -0.05, -3.25, 210, 58.000000000000014, .nan, .infinity,
    ]
    for value in values {
      #expect(Self.written(value) == DecimalText.fixed(value, decimals: 1), "\(value)")
    }
  }

  @Test func randomValuesAsFixedWritesThem() async {
    await propertyCheck(count: 2000, input: Gen.double(in: -20...1100)) { value in
      #expect(Self.written(value) == DecimalText.fixed(value, decimals: 1))
    }
  }

  @Test func everyTenthAndHalfTenthOfThePicture() {
    for k in 0...20_000 {
      let value = Double(k) / 20
      #expect(Self.written(value) == DecimalText.fixed(value, decimals: 1), "\(value)")
    }
  }
}
