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
  /// The size of a transparent huge page on x86-64 and arm64 with 4 KiB pages: pages moved between
  /// regions at offsets that are multiples of it keep their huge pages (see `move`).
  static let hugePage = 2 << 20

  /// A well-aligned address for values of `Element` that is never read or written: the base of a
  /// buffer or array that owns no memory.
  static func noMemory<Element>(for _: Element.Type) -> UnsafeMutablePointer<Element> {
    UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
  }

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
  /// (`mremap`), so the values already written are neither copied nor touched again: a parsing
  /// thread's column that outgrows its room grows this way. Where that fails, a new region and a copy.
  static func grow(_ address: UnsafeMutableRawPointer, from size: Int, to bytes: Int) -> (UnsafeMutableRawPointer, Int) {
    let newSize = rounded(bytes)
    if let remap, let moved = remap(address, size, newSize, mayMove, nil), moved != MAP_FAILED {
      return (moved, newSize)
    }
    let (larger, largerSize) = allocate(bytes)
    larger.copyMemory(from: address, byteCount: size)
    free(address, size)
    return (larger, largerSize)
  }

  /// A new region of `bytes` (rounded up to whole pages) that starts at a multiple of `alignment`, a
  /// power of two and a multiple of the page size. Pages moved into it at offsets that are multiples
  /// of `hugePage` keep their huge pages (see `move`).
  static func allocate(_ bytes: Int, alignedTo alignment: Int) -> (UnsafeMutableRawPointer, Int) {
    let size = rounded(bytes)
    let (raw, rawSize) = allocate(size + alignment, atLeast: size + alignment)
    let start = (Int(bitPattern: raw) + alignment - 1) & ~(alignment - 1)
    let aligned = UnsafeMutableRawPointer(bitPattern: start)!
    let head = aligned - raw
    if head > 0 { free(raw, head) }
    let tail = rawSize - head - size
    if tail > 0 { free(aligned + size, tail) }
    return (aligned, size)
  }

  /// Moves the first `bytes` (rounded up to whole pages) of a region to `destination`, a page-aligned
  /// address inside another region of this process, replacing the pages mapped there: the kernel
  /// moves the page tables (`mremap` with `MREMAP_FIXED`), so the values are neither copied nor
  /// touched, and their memory is not cleared again. The moved range of the source is unmapped.
  /// False when the kernel refuses (then nothing moved).
  static func move(_ source: UnsafeMutableRawPointer, _ bytes: Int, to destination: UnsafeMutableRawPointer) -> Bool {
    guard let remap else { return false }
    let size = rounded(bytes)
    return remap(source, size, size, mayMove | fixed, destination) == destination
  }

  /// Gives the pages of `bytes` at `address` (page-aligned, rounded down to whole pages) back to the
  /// kernel; the addresses stay reserved and read as zeros if touched again.
  static func discard(_ address: UnsafeMutableRawPointer, _ bytes: Int) {
    let size = bytes / pageSize * pageSize
    if size > 0 { _ = madvise(address, size, MADV_DONTNEED) }
  }

  /// `mremap(2)`, looked up at run time: Swift does not import C functions with variable arguments.
  /// The fifth argument, the new address, is read only with `MREMAP_FIXED` (nil otherwise).
  typealias Remap =
    @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32, UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
  static let remap: Remap? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mremap").map { unsafeBitCast($0, to: Remap.self) }
  static let mayMove: Int32 = 1  // MREMAP_MAYMOVE in <sys/mman.h>
  static let fixed: Int32 = 2  // MREMAP_FIXED

  static func free(_ address: UnsafeMutableRawPointer, _ size: Int) {
    munmap(address, size)
  }
}
