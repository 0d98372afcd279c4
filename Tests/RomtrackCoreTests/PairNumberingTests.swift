import PropertyBased
import Testing

@testable import RomtrackCore

/// `PairNumbering`, the series stage's numbering of (client, episode) and (episode, instrument) pairs.
@Suite struct PairNumberingTests {
  /// Against a dictionary: each distinct pair gets the next number when first seen, and the same
  /// number every time after, whatever the order and however parents exceed the room made at the start.
  @Test func numbersPairsInOrderOfFirstAppearance() async {
    await propertyCheck(input: Gen.int(in: 0...40).array(of: 0...300), Gen.int(in: 0...20)) { codes, room in
      var numbering = PairNumbering(parents: room)
      var reference: [Int: Int] = [:]
      for code in codes {
        let (parent, label) = (code % 9, UInt32(code / 9))
        let expected = reference[code] ?? reference.count
        reference[code] = expected
        #expect(numbering.id(parent: parent, label: label) == expected)
      }
      #expect(numbering.count == reference.count)
    }
  }
}
