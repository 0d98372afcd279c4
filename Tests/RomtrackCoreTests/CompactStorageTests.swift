import Testing

@testable import RomtrackCore

/// The compact stored forms of optional statistics and counts read back what was stored.
@Suite struct CompactStorageTests {
  struct Holder: Equatable {
    @NaNAsNil var value: Double? = nil
    @CompactCount var count = 0
  }

  @Test(arguments: [nil, 0.0, -0.0, 1.5, -2.25, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude])
  func optionalDoublesReadBackAsStored(value: Double?) {
    var holder = Holder()
    #expect(holder.value == nil)
    holder.value = value
    #expect(holder.value == value)
    #expect(holder.value?.sign == value?.sign)
  }

  @Test func notANumberReadsBackAsNoValue() {
    var holder = Holder()
    holder.value = .nan
    #expect(holder.value == nil)
    #expect(holder == Holder())
  }

  @Test func holdersWithoutValuesAreEqual() {
    var a = Holder(), b = Holder()
    #expect(a == b)
    a.value = 3
    #expect(a != b)
    b.value = 3
    #expect(a == b)
  }

  @Test(arguments: [0, 1, 17, -5, Int(Int32.max)])
  func countsReadBackAsStored(count: Int) {
    var holder = Holder()
    holder.count = count
    #expect(holder.count == count)
    holder.count += 1
    #expect(holder.count == min(count + 1, Int(Int32.max)))
  }

  /// A result per series, millions of them in a large report: the optional statistics take 8 bytes
  /// and the counts 4 (408 bytes per result before).
  @Test func aSeriesResultStaysCompact() {
    #expect(MemoryLayout<SeriesResult>.stride <= 328)
    #expect(MemoryLayout<LineFit>.size == 40)
  }

  @Test func aLineFitKeepsItsInterval() {
    var fit = LineFit(intercept: 1, slope: 2, standardError: 0.5, confidenceInterval: 1.0...3.0)
    #expect(fit.confidenceInterval == 1.0...3.0)
    #expect(fit.standardError == 0.5)
    fit.confidenceInterval = nil
    fit.standardError = nil
    #expect(fit.confidenceInterval == nil)
    #expect(fit.standardError == nil)
    #expect(fit == LineFit(intercept: 1, slope: 2, standardError: nil, confidenceInterval: nil))
  }
}
