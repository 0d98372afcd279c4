/// A growable column of plain values for one parsing thread: appending is a store and an increment,
/// without the uniqueness and capacity bookkeeping of `Array.append` on every row.
///
/// The memory comes from `PageMemory` (huge pages, growth by remapping). The owner frees it with
/// `deallocate()`, or hands it on with `release()` (see `ColumnJoin`).
struct ColumnBuffer<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var count = 0
  private var capacity: Int
  private var bytes: Int

  /// A buffer with room for `capacity` values; a large speculative capacity may be cut short when
  /// the kernel will not reserve it (then the buffer grows as needed).
  /// `expected` is the number of values likely to be stored, which decides whether huge pages pay.
  init(capacity: Int, expected: Int? = nil) {
    let wanted = max(capacity, 16) * MemoryLayout<Element>.stride
    let (address, size) = PageMemory.allocate(
      wanted, atLeast: min(wanted, 1 << 20), expectedUse: expected.map { $0 * MemoryLayout<Element>.stride })
    base = address.bindMemory(to: Element.self, capacity: size / MemoryLayout<Element>.stride)
    bytes = size
    self.capacity = size / MemoryLayout<Element>.stride
  }

  /// An empty buffer that owns no memory (the state after `release()` or `deallocate()`).
  init() {
    base = ColumnBuffer.noMemory
    bytes = 0
    capacity = 0
  }

  /// The base of a buffer without memory.
  static var noMemory: UnsafeMutablePointer<Element> { PageMemory.noMemory(for: Element.self) }

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == capacity { reserve(max(16, capacity * 2)) }
    (base + count).initialize(to: value)
    count += 1
  }

  /// Appends every value of `other`.
  mutating func append(contentsOf other: UnsafeBufferPointer<Element>) {
    if count + other.count > capacity { reserve(count + other.count) }
    if let source = other.baseAddress { (base + count).update(from: source, count: other.count) }
    count += other.count
  }

  /// Makes room for `total` values in all.
  mutating func reserve(_ total: Int) {
    guard total > capacity else { return }
    let wanted = total * MemoryLayout<Element>.stride
    let (address, size) =
      bytes == 0 ? PageMemory.allocate(wanted) : PageMemory.grow(UnsafeMutableRawPointer(base), from: bytes, to: wanted)
    base = address.bindMemory(to: Element.self, capacity: size / MemoryLayout<Element>.stride)
    bytes = size
    capacity = size / MemoryLayout<Element>.stride
  }

  var values: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

  subscript(index: Int) -> Element {
    get { base[index] }
    nonmutating set { base[index] = newValue }
  }

  /// Hands the memory over: its address, the values in it and the size of its mapping (0 when the
  /// buffer owns none). The caller frees it; this buffer is left empty.
  mutating func release() -> (base: UnsafeMutablePointer<Element>, count: Int, bytes: Int) {
    let memory = (base, count, bytes)
    self = ColumnBuffer()
    return memory
  }

  mutating func deallocate() {
    if bytes > 0 { PageMemory.free(UnsafeMutableRawPointer(base), bytes) }
    self = ColumnBuffer()
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
  /// Only for files with a `goal_id` column; it grows as rows come and stays empty otherwise.
  var goal: ColumnBuffer<UInt32>

  /// Columns that own no memory yet.
  init() {
    client = .init()
    episode = .init()
    instrument = .init()
    clinician = .init()
    site = .init()
    session = .init()
    date = .init()
    score = .init()
    episodeEnd = .init()
    line = .init()
    goal = .init()
  }

  init(capacity: Int, expected: Int? = nil) {
    client = .init(capacity: capacity, expected: expected)
    episode = .init(capacity: capacity, expected: expected)
    instrument = .init(capacity: capacity, expected: expected)
    clinician = .init(capacity: capacity, expected: expected)
    site = .init(capacity: capacity, expected: expected)
    session = .init(capacity: capacity, expected: expected)
    date = .init(capacity: capacity, expected: expected)
    score = .init(capacity: capacity, expected: expected)
    episodeEnd = .init(capacity: capacity, expected: expected)
    line = .init(capacity: capacity, expected: expected)
    goal = .init()
  }

  var count: Int { client.count }

  /// Frees whatever the columns still own.
  mutating func deallocate() {
    client.deallocate()
    episode.deallocate()
    instrument.deallocate()
    clinician.deallocate()
    site.deallocate()
    session.deallocate()
    date.deallocate()
    score.deallocate()
    episodeEnd.deallocate()
    line.deallocate()
    goal.deallocate()
  }
}
