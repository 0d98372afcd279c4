import PropertyBased
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// `ByteSink` must give back exactly what was appended, in order, whatever the pieces' sizes against
/// its 16 KiB buffer; its number writers must write what `DecimalText`'s array appenders write.
@Suite struct ByteSinkTests {
  @Test func piecesComeBackInOrderAcrossTheBufferEdge() async {
    let sizes = Gen.int(in: 0...(ByteSink.scratchSize + 100)).array(of: 0...12)
    await propertyCheck(count: 60, input: sizes, Gen.int(in: 0...3)) { sizes, singles in
      var sink = ByteSink(capacity: 0)
      var expected: [UInt8] = []
      for (k, size) in sizes.enumerated() {
        let piece = OutputFileTests.piece(size, seed: k)
        piece.withUnsafeBytes { sink.append($0) }
        expected += piece
        for b in 0..<singles {
          sink.append(UInt8(b + 65))
          expected.append(UInt8(b + 65))
        }
        sink.append("<br>")
        expected += Array("<br>".utf8)
      }
      #expect(OutputFileTests.firstDifference(sink.take(), expected) == nil)
      #expect(sink.take().isEmpty)
    }
  }

  /// Short pieces are copied without memcpy, in widths that depend on their length: every length
  /// up to 40, one after another, must come back as appended.
  @Test func shortPiecesOfEveryLength() {
    var sink = ByteSink(capacity: 0)
    var expected: [UInt8] = []
    for size in 0...40 {
      let piece = OutputFileTests.piece(size, seed: size)
      piece.withUnsafeBytes { sink.append($0) }
      expected += piece
    }
    #expect(sink.take() == expected)
  }

  /// Numbers through the sink: fixed decimals as `DecimalText.fixed` gives them (checked against libm
  /// in `DecimalTextTests`), whole numbers as Swift prints them, zero-padded.
  static func padded(_ value: UInt64, _ width: Int) -> [UInt8] {
    let digits = String(value)
    return Array((String(repeating: "0", count: max(0, width - digits.count)) + digits).utf8)
  }

  @Test func numbersAsDecimalTextAndSwiftWriteThem() async {
    await propertyCheck(input: Gen.double(in: -1e6...1e6), Gen.int(in: 0...6), Gen.int(in: 0...12)) { value, decimals, width in
      var sink = ByteSink(capacity: 0)
      sink.fixed(value, decimals: decimals)
      let whole = UInt64(abs(value))
      sink.digits(whole, width: width)
      #expect(sink.take() == Array(DecimalText.fixed(value, decimals: decimals).utf8) + Self.padded(whole, width))
    }
  }

  /// Single digits take a shortcut: small numbers at every width are still Swift's digits, padded.
  @Test func smallNumbersAtEveryWidth() {
    for value in UInt64(0)...120 {
      for width in 0...3 {
        var sink = ByteSink(capacity: 0)
        sink.digits(value, width: width)
        #expect(sink.take() == Self.padded(value, width), "\(value) width \(width)")
      }
    }
  }

  @Test(arguments: [1e17, -1.7976931348623157e308, 0, -0.0, 9e15, 123.456, -0.004])
  func largeAndEdgeNumbers(value: Double) {
    var sink = ByteSink(capacity: 0)
    sink.fixed(value, decimals: 2)
    sink.digits(UInt64.max, width: 1)
    sink.digits(0, width: 20)
    #expect(sink.take() == Array(DecimalText.fixed(value, decimals: 2).utf8) + Self.padded(UInt64.max, 1) + Self.padded(0, 20))
  }
}
