import Dispatch
import Foundation

/// Memory written by several threads at once, each to its own elements only (the pattern of every
/// parallel pass here: thread k fills the slots of range k, and nobody reads them until all are done).
struct Shared<Element>: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Element>
  init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

extension Array where Element: BitwiseCopyable & Sendable {
  /// `count` copies of `value`, written by all cores in slices. A large array is fresh memory, and
  /// the kernel zeroes each page on its first touch, one page fault at a time; filling the slices on
  /// every core shares that work instead of leaving it to the thread that needs the array.
  static func filledInParallel(_ value: Element, count: Int) -> [Element] {
    let slices = count >= 1 << 20 ? ProcessInfo.processInfo.activeProcessorCount * 4 : 1
    return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      let shared = Shared(buffer)
      DispatchQueue.concurrentPerform(iterations: slices) { k in
        let range = Range(share: k, of: slices, in: count)
        UnsafeMutableBufferPointer(rebasing: shared.buffer[range]).initialize(repeating: value)
      }
      initialized = count
    }
  }
}

extension Range where Bound == Int {
  /// Share `k` of `0..<count` cut into `parts` consecutive ranges whose sizes differ by at most one:
  /// `count * k / parts ..< count * (k + 1) / parts`. The shares of `k` in `0..<parts` cover every
  /// index once, in order.
  public init(share k: Int, of parts: Int, in count: Int) {
    self = (count * k / parts)..<(count * (k + 1) / parts)
  }
}
