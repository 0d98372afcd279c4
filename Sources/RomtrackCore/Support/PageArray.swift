/// A fixed-length array of plain values in memory straight from `PageMemory`, taking the pages
/// `SparePages` keeps when there are any: the per-series results of the analysis, about 880 MB at 1M
/// clients, written over the input columns' pages instead of fresh ones.
///
/// A value, like `Array`: a copy shares the storage until one of them is written (copy on write).
public struct PageArray<Element>: RandomAccessCollection, MutableCollection {
  final class Storage {
    let base: UnsafeMutablePointer<Element>
    let count: Int
    let bytes: Int

    /// Room for `count` values, not initialized.
    init(count: Int) {
      precondition(_isPOD(Element.self), "PageArray holds plain values only")
      self.count = count
      guard count > 0 else {
        base = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
        bytes = 0
        return
      }
      let (address, size) = SparePages.shared.take(count * MemoryLayout<Element>.stride)
      base = address.bindMemory(to: Element.self, capacity: count)
      bytes = size
    }

    deinit {
      if bytes > 0 { SparePages.shared.release(UnsafeMutableRawPointer(base), touched: bytes, mapped: bytes) }
    }
  }

  private var storage: Storage

  /// `count` values written by `initialize`, which must set every one (the memory holds stale values
  /// before).
  public init(unsafeUninitializedCount count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
    storage = Storage(count: count)
    try initialize(UnsafeMutableBufferPointer(start: storage.base, count: count))
  }

  /// The values of `values`, in order.
  public init(_ values: some Collection<Element>) {
    let count = values.count
    self.init(unsafeUninitializedCount: count) { buffer in
      var i = 0
      for v in values where i < count {
        (buffer.baseAddress! + i).initialize(to: v)
        i += 1
      }
      precondition(i == count, "collection shorter than its count")
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { storage.count }

  public subscript(index: Int) -> Element {
    @inline(__always) get {
      precondition(index >= 0 && index < storage.count, "index out of range")
      return storage.base[index]
    }
    @inline(__always) set {
      precondition(index >= 0 && index < storage.count, "index out of range")
      makeUnique()
      storage.base[index] = newValue
    }
  }

  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
  }

  /// Gives this value storage of its own before a write, when another value shares it.
  private mutating func makeUnique() {
    guard !isKnownUniquelyReferenced(&storage) else { return }
    let old = storage
    storage = Storage(count: old.count)
    storage.base.initialize(from: old.base, count: old.count)
  }
}

extension PageArray: @unchecked Sendable where Element: Sendable {}
