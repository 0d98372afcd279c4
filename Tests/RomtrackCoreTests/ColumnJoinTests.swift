import Testing

@testable import RomtrackCore

/// The merge moves the parts' pages into one region and slides them together: the column must read
/// as the parts one after another, whatever their sizes, with part-local ids translated.
@Suite struct ColumnJoinTests {
  static func buffer<T: BitwiseCopyable>(_ values: [T]) -> ColumnBuffer<T> {
    var buffer = ColumnBuffer<T>(capacity: max(values.count / 3, 1))  // grows (and moves) while filled
    for v in values { buffer.append(v) }
    return buffer
  }

  /// Part sizes around the page and the 2 MiB boundaries, empty parts among them.
  static let sizes = [0, 1, 1_023, 0, 262_143, 262_145, 7, 600_001, 0, 2]

  @Test func doublesReadAsThePartsInOrder() {
    var expected: [Double] = []
    var parts: [ColumnBuffer<Double>] = []
    for (k, size) in Self.sizes.enumerated() {
      let values = (0..<size).map { Double(k) * 1e7 + Double($0) }
      expected += values
      parts.append(Self.buffer(values))
    }
    let join = ColumnJoin(parts: parts, maps: nil)
    join.run()
    #expect(join.result.count == expected.count)
    #expect(Array(join.result) == expected)
  }

  @Test func shortValuesAndTranslatedIds() {
    var expectedShort: [UInt16] = []
    var expectedIds: [UInt32] = []
    var shorts: [ColumnBuffer<UInt16>] = []
    var ids: [ColumnBuffer<UInt32>] = []
    var maps: [[UInt32]?] = []
    for (k, size) in Self.sizes.enumerated() {
      let short = (0..<size).map { UInt16(truncatingIfNeeded: $0 &* 31 &+ k) }
      expectedShort += short
      shorts.append(Self.buffer(short))
      // Part-local ids 0..<50; odd parts map id i to 1000 * k + i, even parts keep theirs (nil map).
      let local = (0..<size).map { UInt32(($0 * 7) % 50) }
      let map: [UInt32]? = k % 2 == 1 ? (0..<50).map { UInt32(1000 * k + $0) } : nil
      expectedIds += local.map { map?[Int($0)] ?? $0 }
      ids.append(Self.buffer(local))
      maps.append(map)
    }
    let shortJoin = ColumnJoin(parts: shorts, maps: nil)
    let idJoin = ColumnJoin(parts: ids, maps: maps)
    shortJoin.run()
    idJoin.run()
    #expect(Array(shortJoin.result) == expectedShort)
    #expect(Array(idJoin.result) == expectedIds)
  }

  @Test func noPartsGiveAnEmptyColumn() {
    let join = ColumnJoin<Int32>(parts: [ColumnBuffer(), ColumnBuffer()], maps: nil)
    join.run()
    #expect(join.result.isEmpty)
  }
}
