#if canImport(Glibc)
  import Glibc
#endif

/// Large anonymous memory straight from the kernel, for column buffers of millions of rows.
///
/// - Regions expected to fill 32 MiB or more ask for transparent huge pages (`MADV_HUGEPAGE`), so
///   filling them costs one page fault per 2 MiB instead of one per 4 KiB. Smaller ones do not: a
///   half-used last huge page would waste up to 2 MiB per column.
/// - Reserved but untouched pages cost address space, not memory (`MAP_NORESERVE`).
enum PageMemory {
  static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
  static let hugeThreshold = 32 << 20

  static func rounded(_ bytes: Int) -> Int {
    (max(bytes, 1) + pageSize - 1) / pageSize * pageSize
  }

  /// A new zeroed region of `bytes`, or less but at least `minimum` when the kernel will not reserve
  /// that much address space; its size is returned with it.
  static func allocate(_ bytes: Int, atLeast minimum: Int? = nil, expectedUse: Int? = nil) -> (UnsafeMutableRawPointer, Int) {
    let size = rounded(bytes)
    let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
    guard let address, address != MAP_FAILED else {
      // The kernel refused the reservation: fall back to the size actually needed soon.
      let floor = rounded(minimum ?? bytes)
      guard size / 2 >= floor else { fatalError("out of memory: cannot map \(size) bytes") }
      return allocate(size / 2, atLeast: floor, expectedUse: expectedUse)
    }
    if (expectedUse ?? size) >= hugeThreshold { _ = madvise(address, size, MADV_HUGEPAGE) }
    return (address, size)
  }

  /// The region grown to at least `bytes`, maybe at a new address. The kernel moves the pages
  /// (`mremap`), so the values already written are neither copied nor touched again: the merge grows
  /// a column of hundreds of MB this way. Where that fails, a new region and a copy.
  static func grow(_ address: UnsafeMutableRawPointer, from size: Int, to bytes: Int) -> (UnsafeMutableRawPointer, Int) {
    let newSize = rounded(bytes)
    if let remap, let moved = remap(address, size, newSize, mayMove), moved != MAP_FAILED {
      return (moved, newSize)
    }
    let (larger, largerSize) = allocate(bytes)
    larger.copyMemory(from: address, byteCount: size)
    free(address, size)
    return (larger, largerSize)
  }

  /// `mremap(2)` without its optional fifth argument (unused without `MREMAP_FIXED`), looked up at run
  /// time: Swift does not import C functions with variable arguments.
  typealias Remap = @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32) -> UnsafeMutableRawPointer?
  static let remap: Remap? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mremap") else { return nil }
    return unsafeBitCast(symbol, to: Remap.self)
  }()
  static let mayMove: Int32 = 1  // MREMAP_MAYMOVE in <sys/mman.h>

  static func free(_ address: UnsafeMutableRawPointer, _ size: Int) {
    munmap(address, size)
  }
}
