import Testing

@testable import RomtrackCore

/// Freed regions kept by a pool must reach the next region taken with their values (their pages were
/// moved, not cleared), in the documented places; nothing may stay kept once taken or stopped.
/// Each test uses a pool of its own: `SparePages.shared` is the process's.
@Suite struct SparePagesTests {
  static let mib = 1 << 20

  /// A region whose first `touched` bytes hold `byte`.
  static func written(_ mapped: Int, touched: Int, byte: UInt8) -> UnsafeMutableRawPointer {
    let (address, size) = PageMemory.allocate(mapped)
    #expect(size == PageMemory.rounded(mapped))
    address.initializeMemory(as: UInt8.self, repeating: byte, count: touched)
    return address
  }

  static func bytes(_ address: UnsafeMutableRawPointer, _ range: Range<Int>) -> Set<UInt8> {
    Set(UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count))
  }

  @Test func keptPagesArriveLargestFirstOnBoundaries() {
    let pool = SparePages()
    pool.startKeeping()
    let page = PageMemory.pageSize
    // 3 MiB, 5 MiB and a bit (of 8 MiB mapped), 2 MiB: kept as 3, 5 + one page, 2 MiB.
    let a = Self.written(3 * Self.mib, touched: 3 * Self.mib, byte: 1)
    let b = Self.written(8 * Self.mib, touched: 5 * Self.mib + 123, byte: 2)
    let c = Self.written(2 * Self.mib, touched: 2 * Self.mib, byte: 3)
    pool.release(a, touched: 3 * Self.mib, mapped: 3 * Self.mib)
    pool.release(b, touched: 5 * Self.mib + 123, mapped: 8 * Self.mib)
    pool.release(c, touched: 2 * Self.mib, mapped: 2 * Self.mib)
    #expect(pool.keptBytes == 10 * Self.mib + page)

    let wanted = 16 * Self.mib
    let (region, size) = pool.take(wanted)
    #expect(size == wanted)
    #expect(Int(bitPattern: region) % PageMemory.hugePage == 0)
    #expect(pool.keptBytes == 0)
    // b at 0 (5 MiB + 1 page), a at 6 MiB, c at 10 MiB; what no region filled is fresh (zero).
    #expect(Self.bytes(region, 0..<(5 * Self.mib + 123)) == [2])
    #expect(Self.bytes(region, (5 * Self.mib + page)..<(6 * Self.mib)) == [0])
    #expect(Self.bytes(region, (6 * Self.mib)..<(9 * Self.mib)) == [1])
    #expect(Self.bytes(region, (9 * Self.mib)..<(10 * Self.mib)) == [0])
    #expect(Self.bytes(region, (10 * Self.mib)..<(12 * Self.mib)) == [3])
    #expect(Self.bytes(region, (12 * Self.mib)..<size) == [0])
    PageMemory.free(region, size)
    pool.stopKeeping()
  }

  @Test func aSmallerTakeUsesThePartThatFitsAndGivesTheRestBack() {
    let pool = SparePages()
    pool.startKeeping()
    pool.release(Self.written(8 * Self.mib, touched: 8 * Self.mib, byte: 7), touched: 8 * Self.mib, mapped: 8 * Self.mib)
    pool.release(Self.written(4 * Self.mib, touched: 4 * Self.mib, byte: 8), touched: 4 * Self.mib, mapped: 4 * Self.mib)
    let (region, size) = pool.take(3 * Self.mib + 5)
    #expect(size == PageMemory.rounded(3 * Self.mib + 5))
    #expect(Self.bytes(region, 0..<size) == [7])
    #expect(pool.keptBytes == 0)
    PageMemory.free(region, size)
    pool.stopKeeping()
  }

  @Test func smallRegionsAndRegionsFreedWhileNotKeepingGoBack() {
    let pool = SparePages()
    pool.release(Self.written(4 * Self.mib, touched: 4 * Self.mib, byte: 1), touched: 4 * Self.mib, mapped: 4 * Self.mib)
    #expect(pool.keptBytes == 0)
    pool.startKeeping()
    pool.release(Self.written(Self.mib, touched: Self.mib, byte: 1), touched: Self.mib, mapped: Self.mib)
    pool.release(Self.written(8 * Self.mib, touched: Self.mib, byte: 1), touched: Self.mib, mapped: 8 * Self.mib)
    #expect(pool.keptBytes == 0)
    pool.release(Self.written(4 * Self.mib, touched: 4 * Self.mib, byte: 1), touched: 4 * Self.mib, mapped: 4 * Self.mib)
    #expect(pool.keptBytes == 4 * Self.mib)
    // A take under the smallest size leaves the kept pages for a larger one.
    let (small, smallSize) = pool.take(100)
    #expect(Self.bytes(small, 0..<smallSize) == [0])
    #expect(pool.keptBytes == 4 * Self.mib)
    PageMemory.free(small, smallSize)
    pool.stopKeeping()
    #expect(pool.keptBytes == 0)
    pool.release(Self.written(4 * Self.mib, touched: 4 * Self.mib, byte: 1), touched: 4 * Self.mib, mapped: 4 * Self.mib)
    #expect(pool.keptBytes == 0)
  }

  @Test func aTakeWithNothingKeptIsFresh() {
    let pool = SparePages()
    pool.startKeeping()
    let (region, size) = pool.take(3 * Self.mib)
    #expect(Self.bytes(region, 0..<size) == [0])
    PageMemory.free(region, size)
    pool.stopKeeping()
  }
}

/// `PageArray` reads and writes like an array, and a copy is a value of its own.
@Suite struct PageArrayTests {
  @Test func readsAndWritesLikeAnArray() {
    for count in [0, 1, 511, 512, 300_001] {
      let expected = (0..<count).map { Double($0) * 0.5 }
      var values = PageArray(expected)
      #expect(values.count == count)
      #expect(Array(values) == expected)
      guard count > 0 else { continue }
      values[count - 1] = -1
      #expect(values[count - 1] == -1)
      values.withUnsafeMutableBufferPointer { $0[0] = 42 }
      #expect(values.withUnsafeBufferPointer { $0[0] } == 42)
    }
  }

  @Test func aCopyIsWrittenApart() {
    let original = PageArray((0..<1_000).map { Int32($0) })
    var copy = original
    copy[3] = -3
    copy.withUnsafeMutableBufferPointer { $0[4] = -4 }
    #expect(original[3] == 3 && original[4] == 4)
    #expect(copy[3] == -3 && copy[4] == -4)
    #expect(Array(copy[5...]) == Array(original[5...]))
  }
}

/// The shares that parallel passes cut their work into.
@Suite struct ShareTests {
  /// For every count and number of parts up to 40, the shares cover `0..<count` once, in order, and
  /// their sizes differ by at most one.
  @Test func sharesCoverEveryIndexOnceInOrder() {
    for count in 0...40 {
      for parts in 1...40 {
        let shares = (0..<parts).map { Range(share: $0, of: parts, in: count) }
        #expect(shares.flatMap { Array($0) } == Array(0..<count))
        let sizes = shares.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
      }
    }
  }
}
