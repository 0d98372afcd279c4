import Testing

@testable import RomtrackCore

/// The interner numbers distinct keys in order of first appearance, whatever the order they come in:
/// increasing (no table needed), repeated in the same order (a second file), or shuffled.
@Suite struct ByteInternerTests {
  /// What the interner must give: ids from a dictionary, in order of first appearance.
  static func expectedIDs(_ keys: [[UInt8]]) -> [UInt32] {
    var ids: [[UInt8]: UInt32] = [:]
    return keys.map { key in
      if let id = ids[key] { return id }
      ids[key] = UInt32(ids.count)
      return UInt32(ids.count - 1)
    }
  }

  /// Interns every key, each from a buffer with the 16 bytes of slack `internPadded` reads.
  static func interned(_ keys: [[UInt8]], padded: Bool) -> (ids: [UInt32], interner: ByteInterner) {
    var interner = ByteInterner(capacity: 4)
    let ids = keys.map { key -> UInt32 in
      let buffer = key + [UInt8](repeating: 0x2C, count: 16)
      return buffer.withUnsafeBufferPointer {
        padded ? interner.internPadded($0.baseAddress!, key.count) : interner.intern($0.baseAddress!, key.count)
      }
    }
    return (ids, interner)
  }

  static func check(_ keys: [[UInt8]]) {
    let expected = expectedIDs(keys)
    for padded in [false, true] {
      let (ids, interner) = interned(keys, padded: padded)
      #expect(ids == expected)
      #expect(interner.count == Set(keys).count)
      for (key, id) in zip(keys, ids) { #expect(Array(interner.bytes(id)) == key) }
    }
  }

  static func id(_ n: Int) -> [UInt8] { Array("C\(String(1_000_000 + n).dropFirst())".utf8) }

  @Test func increasingKeysNeedNoTable() {
    let keys = (0..<5_000).map(ByteInternerTests.id)
    ByteInternerTests.check(keys)
    #expect(!ByteInternerTests.interned(keys, padded: true).interner.isHashed)
  }

  @Test func aSecondFileInTheSameOrderFindsEveryKey() {
    let first = (0..<3_000).map(ByteInternerTests.id)
    let second = (0..<3_000).filter { $0 % 7 != 3 }.map(ByteInternerTests.id) + [ByteInternerTests.id(5_000)]
    ByteInternerTests.check(first + second)
  }

  /// Ids in no order, listed again in the same order and then shuffled: the check of the key after
  /// the last one found is dropped and taken up again as the order comes and goes.
  @Test func aShuffledFileListedTwiceFindsEveryKey() {
    var random = SplitMix64(seed: 3, stream: 2)
    let first = (0..<2_000).map { _ in ByteInternerTests.id(Int(random.next() % 1_500)) }
    let again = first.filter { _ in random.next() % 5 != 0 }
    let shuffled = (0..<500).map { _ in ByteInternerTests.id(Int(random.next() % 1_700)) }
    ByteInternerTests.check(first + again + shuffled + again)
  }

  @Test func groupedRowsRepeatKeys() {
    let keys = (0..<2_000).flatMap { n in [[UInt8]](repeating: ByteInternerTests.id(n), count: n % 4 + 1) }
    ByteInternerTests.check(keys)
  }

  @Test func shuffledKeysWithPrefixesAndEmptyKeys() {
    var random = SplitMix64(seed: 11, stream: 0)
    let pieces: [[UInt8]] = [[], [0x41], [0x41, 0x41], [0x41, 0x00], [0x42], Array("client-with-a-long-identifier-0001".utf8)]
    for _ in 0..<20 {
      let keys = (0..<400).map { _ -> [UInt8] in
        let n = Int(random.next() % 300)
        return n < 12 ? pieces[n % pieces.count] : ByteInternerTests.id(n) + (n % 5 == 0 ? Array("-long-suffix-x".utf8) : [])
      }
      ByteInternerTests.check(keys)
    }
  }

  @Test func aKeyBeforeTheLastBuildsTheTable() {
    let keys = [ByteInternerTests.id(5), ByteInternerTests.id(9), ByteInternerTests.id(7), ByteInternerTests.id(5), ByteInternerTests.id(9)]
    ByteInternerTests.check(keys)
    #expect(ByteInternerTests.interned(keys, padded: false).interner.isHashed)
  }

  /// A short key's hash from its two words is its hash from its bytes (a table built from the arena
  /// and a lookup from the words must agree).
  @Test func theHashOfTheWordsIsTheHashOfTheBytes() {
    var random = SplitMix64(seed: 5, stream: 1)
    for count in 0...16 {
      for _ in 0..<50 {
        let key = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let padded = key + [UInt8](repeating: 0xFF, count: 16)
        padded.withUnsafeBufferPointer { b in
          let (low, high) = ByteInterner.words(b.baseAddress!, count)
          #expect(low == UnsafeRawPointer(b.baseAddress!).loadUnaligned(as: UInt64.self) & ByteInterner.lowMask(count))
          #expect(high == UnsafeRawPointer(b.baseAddress!).loadUnaligned(fromByteOffset: 8, as: UInt64.self) & ByteInterner.highMask(count))
          #expect(ByteInterner.hash(low, high, count) == ByteInterner.hash(b.baseAddress!, count))
        }
      }
    }
  }
}
