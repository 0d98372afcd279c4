/// One column of `ScoreRows`: a fixed run of plain values that owns its memory.
///
/// A random-access collection like an array, without copy-on-write: the ingest fills it once and the
/// series stage reads it. Freed when the last reference goes (kept for the next stage while
/// `SparePages` is keeping).
public final class Column<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>
  public let count: Int
  let bytes: Int

  init(base: UnsafeMutablePointer<Element>, count: Int, bytes: Int) {
    self.base = base
    self.count = count
    self.bytes = bytes
  }

  /// An empty column.
  public convenience init() {
    self.init(base: ColumnBuffer<Element>.noMemory, count: 0, bytes: 0)
  }

  deinit {
    guard bytes > 0 else { return }
    SparePages.shared.release(UnsafeMutableRawPointer(base), touched: count * MemoryLayout<Element>.stride, mapped: bytes)
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { count }

  @inline(__always)
  public subscript(index: Int) -> Element {
    precondition(index >= 0 && index < count, "row index out of range")
    return base[index]
  }

  public var values: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
}
