/// One column of `ScoreRows`: a fixed run of plain values that owns its memory.
///
/// A random-access collection like an array, without copy-on-write: the ingest fills it once and the
/// series stage reads it. Freed when the last reference goes.
public final class Column<Element: BitwiseCopyable>: RandomAccessCollection, @unchecked Sendable {
  let base: UnsafeMutablePointer<Element>
  public let count: Int
  private(set) var bytes: Int

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
    if bytes > 0 { PageMemory.free(UnsafeMutableRawPointer(base), bytes) }
  }

  /// Moves `column`'s memory into a buffer that can grow it in place, leaving `column` empty: how the
  /// merge appends a later file's rows without copying the earlier files'. Nil when another reference
  /// to the column exists (a reader must never see it change).
  static func reclaim(_ column: inout Column) -> ColumnBuffer<Element>? {
    guard isKnownUniquelyReferenced(&column), column.bytes > 0 else { return nil }
    let buffer = ColumnBuffer(adopting: column.base, count: column.count, bytes: column.bytes)
    column.bytes = 0
    column = Column()
    return buffer
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
