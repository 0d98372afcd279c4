/// A fixed-length array of plain values in memory straight from `PageMemory`, taking the pages
/// `SparePages` keeps when there are any: the per-series results of the analysis, about 920 MB at 1M
/// clients, written over the input columns' pages instead of fresh ones.
///
/// A value, like `Array`: a copy shares the storage until one of them is written (copy on write).
///
/// Its reads are `@inlinable`, so that the report's writers, in another module, read a field of an
/// element in place as they would from an `Array`, instead of copying every element through a
/// generic call.
@frozen
public struct PageArray<Element>: RandomAccessCollection, MutableCollection {
  @usableFromInline
  final class Storage {
    @usableFromInline let base: UnsafeMutablePointer<Element>
    @usableFromInline let count: Int
    let bytes: Int

    /// Room for `count` values, not initialized.
    init(count: Int) {
      precondition(_isPOD(Element.self), "PageArray holds plain values only")
      self.count = count
      guard count > 0 else {
        base = PageMemory.noMemory(for: Element.self)
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

  @usableFromInline var storage: Storage

  /// `count` values written by `initialize`, which must set every one (the memory holds stale values
  /// before).
  public init(
    unsafeUninitializedCount count: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Element>) throws -> Void
  ) rethrows {
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

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { storage.count }

  /// Read and written in place (addressors), as `Array`'s elements are.
  @inlinable
  public subscript(index: Int) -> Element {
    unsafeAddress {
      precondition(index >= 0 && index < storage.count, "index out of range")
      return UnsafePointer(storage.base + index)
    }
    unsafeMutableAddress {
      precondition(index >= 0 && index < storage.count, "index out of range")
      makeUnique()
      return storage.base + index
    }
  }

  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
  }

  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) throws -> R) rethrows -> R {
    makeUnique()
    return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
  }

  /// Gives this value storage of its own before a write, when another value shares it.
  @usableFromInline
  mutating func makeUnique() {
    guard !isKnownUniquelyReferenced(&storage) else { return }
    let old = storage
    storage = Storage(count: old.count)
    storage.base.initialize(from: old.base, count: old.count)
  }
}

extension PageArray: @unchecked Sendable where Element: Sendable {}
