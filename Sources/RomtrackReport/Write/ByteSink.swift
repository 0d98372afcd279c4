import RomtrackCore

/// The bytes of one output part (a CSV part, an HTML page), written with plain stores into a small
/// buffer of the sink's own and moved into the part's array (from `BufferPool`) 16 KiB at a time.
///
/// Appending a few bytes to a Swift array costs a call, a uniqueness check and a capacity check, and
/// a report at 1M clients appends a cell or a piece of markup about two hundred million times. Here a
/// piece is a bounds check and a copy; the array grows by one append per 16 KiB. The sink cannot be
/// copied (`~Copyable`): it alone owns its buffer, which it frees when it goes.
struct ByteSink: ~Copyable {
  private var out: [UInt8]
  private let scratch: UnsafeMutableRawPointer
  private var used = 0

  static let scratchSize = 16 << 10

  /// Bytes appended so far.
  var count: Int { out.count + used }

  /// - Parameter capacity: the expected size in bytes, reserved in a buffer from `BufferPool`.
  init(capacity: Int) {
    out = BufferPool.take(capacity: capacity)
    scratch = .allocate(byteCount: ByteSink.scratchSize, alignment: 16)
  }

  deinit { scratch.deallocate() }

  @inline(__always)
  mutating func append(_ byte: UInt8) {
    if used == ByteSink.scratchSize { flush() }
    scratch.storeBytes(of: byte, toByteOffset: used, as: UInt8.self)
    used += 1
  }

  @inline(__always)
  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    if bytes.count > ByteSink.scratchSize - used {
      flush()
      if bytes.count > ByteSink.scratchSize {
        out.append(contentsOf: bytes)
        return
      }
    }
    if let start = bytes.baseAddress { ByteSink.copy(start, bytes.count, to: scratch + used) }
    used += bytes.count
  }

  /// Copies `count` bytes. Most pieces (a word, an id, a bit of markup) are short, and a call to
  /// memcpy for each cost more than the copy: at 100k clients tiny memcpy calls were 4% of the
  /// report's instructions. Up to 16 bytes move as two loads and two stores of one width, the second
  /// ending at the last byte (they may overlap); nothing outside the `count` bytes is read or written.
  @inline(__always)
  static func copy(_ source: UnsafeRawPointer, _ count: Int, to target: UnsafeMutableRawPointer) {
    switch count {
    case 8...16:
      let head = source.loadUnaligned(as: UInt64.self)
      let tail = source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
      target.storeBytes(of: head, as: UInt64.self)
      target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
    case 4..<8:
      let head = source.loadUnaligned(as: UInt32.self)
      let tail = source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
      target.storeBytes(of: head, as: UInt32.self)
      target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
    case 2..<4:
      let head = source.loadUnaligned(as: UInt16.self)
      let tail = source.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)
      target.storeBytes(of: head, as: UInt16.self)
      target.storeBytes(of: tail, toByteOffset: count - 2, as: UInt16.self)
    case 1:
      target.storeBytes(of: source.load(as: UInt8.self), as: UInt8.self)
    case 0:
      break
    default:
      target.copyMemory(from: source, byteCount: count)
    }
  }

  @inline(__always)
  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    append(UnsafeRawBufferPointer(bytes))
  }

  /// The markup or word `text`, as it is.
  @inline(__always)
  mutating func append(_ text: StaticString) {
    append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Lets `body` write at most `maximum` bytes (at most `scratchSize`) in place; it returns how many it wrote.
  @inline(__always)
  mutating func write(atMost maximum: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
    if maximum > ByteSink.scratchSize - used { flush() }
    used += body(scratch + used)
  }

  /// A number with fixed decimals (see `DecimalText.writeFixed`).
  @inline(__always)
  mutating func fixed(_ value: Double, decimals: Int) {
    write(atMost: DecimalText.fixedRoom) { DecimalText.writeFixed(value, decimals: decimals, at: $0) }
  }

  /// A number as people write it (see `DecimalText.writeShort`).
  @inline(__always)
  mutating func short(_ value: Double) {
    write(atMost: DecimalText.fixedRoom) { DecimalText.writeShort(value, at: $0) }
  }

  /// A date as `YYYY-MM-DD` from its components (the year zero-padded to 4 digits), for the CSV
  /// files and the pages alike.
  @inline(__always)
  mutating func isoDate(year: Int, month: Int, day: Int) {
    digits(UInt64(year), width: 4)
    append(UInt8(ascii: "-"))
    digits(UInt64(month), width: 2)
    append(UInt8(ascii: "-"))
    digits(UInt64(day), width: 2)
  }

  /// The decimal digits of `value`, zero-padded to `width` (at most 20).
  @inline(__always)
  mutating func digits(_ value: UInt64, width: Int) {
    // A single digit (most counts in summary.csv and trends.csv): one byte, no digit counting.
    if value < 10 && width <= 1 { return append(UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0")) }
    write(atMost: 20) { DecimalText.writeDigits(value, width: width, at: $0) }
  }

  private mutating func flush() {
    out.append(contentsOf: UnsafeRawBufferPointer(start: scratch, count: used))
    used = 0
  }

  /// Everything appended, leaving the sink empty.
  mutating func take() -> [UInt8] {
    flush()
    let bytes = out
    out = []
    return bytes
  }
}
