import Foundation

/// Byte buffers reused from one output part to the next.
///
/// A report is about 2 GB of text at 1M clients, made in parts of a few MB. Each part's buffer freshly
/// allocated would be fresh memory the kernel must fault in and zero, page by page, and free again:
/// that was a quarter of the report's CPU time. The file makers take their buffer here (through
/// `ByteSink`, which `CSVWriter` and `HTMLWriter` write into), and `ParallelWrites` gives it back,
/// emptied, once the part is on disk, so the same few buffers carry the whole report and stay warm
/// in cache.
enum BufferPool {
  /// An empty buffer with room for at least `capacity` bytes: a returned one when there is one.
  static func take(capacity: Int) -> [UInt8] {
    var buffer = shelf.take() ?? []
    buffer.reserveCapacity(capacity)
    return buffer
  }

  /// Keeps `buffer`'s memory for the next `take`, up to a few buffers of at most 64 MiB each.
  static func giveBack(_ buffer: consuming [UInt8]) {
    var buffer = buffer
    guard buffer.capacity <= 64 << 20 else { return }
    buffer.removeAll(keepingCapacity: true)
    shelf.put(buffer)
  }

  private static let shelf = Shelf(limit: 2 * ProcessInfo.processInfo.activeProcessorCount + 2)

  private final class Shelf: @unchecked Sendable {
    private var buffers: [[UInt8]] = []
    private let limit: Int
    private let lock = NSLock()

    init(limit: Int) { self.limit = limit }

    func take() -> [UInt8]? {
      lock.lock()
      defer { lock.unlock() }
      return buffers.popLast()
    }

    func put(_ buffer: [UInt8]) {
      lock.lock()
      defer { lock.unlock() }
      if buffers.count < limit { buffers.append(buffer) }
    }
  }
}
