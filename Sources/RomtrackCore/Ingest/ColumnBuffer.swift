/// A growable column of plain values for one parsing thread: appending is a store and an increment,
/// without the uniqueness and capacity bookkeeping of `Array.append` on every row.
///
/// The owner frees the memory with `deallocate()` once the values are copied out (see `Merger`).
struct ColumnBuffer<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    base = .allocate(capacity: self.capacity)
  }

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == capacity { grow() }
    (base + count).initialize(to: value)
    count += 1
  }

  private mutating func grow() {
    let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: base, count: count)
    base.deallocate()
    base = larger
    capacity *= 2
  }

  var values: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  mutating func deallocate() {
    base.deallocate()
    base = .allocate(capacity: 1)
    count = 0
    capacity = 1
  }
}

/// The rows one parsing thread accepted, column by column (see `ScoreRows` for the meaning of each).
struct ParsedColumns {
  var client: ColumnBuffer<UInt32>
  var episode: ColumnBuffer<UInt32>
  var instrument: ColumnBuffer<UInt16>
  var clinician: ColumnBuffer<UInt32>
  var site: ColumnBuffer<UInt32>
  var session: ColumnBuffer<Int32>
  var date: ColumnBuffer<Int32>
  var score: ColumnBuffer<Double>
  var episodeEnd: ColumnBuffer<Int32>
  var line: ColumnBuffer<UInt32>

  init(capacity: Int) {
    client = .init(capacity: capacity)
    episode = .init(capacity: capacity)
    instrument = .init(capacity: capacity)
    clinician = .init(capacity: capacity)
    site = .init(capacity: capacity)
    session = .init(capacity: capacity)
    date = .init(capacity: capacity)
    score = .init(capacity: capacity)
    episodeEnd = .init(capacity: capacity)
    line = .init(capacity: capacity)
  }

  var count: Int { client.count }
}
