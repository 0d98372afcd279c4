import Foundation

/// Memory one stage of a run has finished with, kept for the next stage instead of going back to
/// the kernel.
///
/// Memory fresh from the kernel is cleared page by page on first touch, and on a virtual machine the
/// host may first have to find it again. The report frees the input columns (800 MB at 1M clients:
/// ten columns of 21M rows) during and at the end of the series stage, and asks for the analysis
/// results (920 MB: 2.8M results of 328 bytes) a moment later. While keeping is on, a freed `Column`
/// leaves its pages here, and `take` moves them into the new region (`PageMemory.move`: the kernel
/// moves page tables; nothing is copied or cleared), so the results are written over memory already
/// in place. Pages nobody took go back to the kernel at `stopKeeping()`.
///
/// Keeping is off unless a caller turns it on around a stage boundary it knows (`PeriodRun` turns
/// it on for `shared`, the pool `Column` and `PageArray` use).
public final class SparePages: @unchecked Sendable {
  /// A region kept: its first `touched` bytes hold pages, the rest of `mapped` is reserved only.
  struct Region {
    let address: UnsafeMutableRawPointer
    let touched: Int
    let mapped: Int
  }

  /// Regions with fewer touched bytes than this are freed at once: not worth a move.
  static let smallest = 2 << 20

  /// The pool of the whole process.
  public static let shared = SparePages()

  private let lock = NSLock()
  private var keeping = false
  private var regions: [Region] = []

  init() {}

  /// From now on, freed regions are kept until `take` or `stopKeeping()`.
  public func startKeeping() {
    lock.withLock { keeping = true }
  }

  /// Stops keeping and gives what is still kept back to the kernel.
  public func stopKeeping() {
    let rest = lock.withLock {
      keeping = false
      defer { regions = [] }
      return regions
    }
    for r in rest { PageMemory.free(r.address, r.mapped) }
  }

  /// The bytes kept now (touched ones), for tests.
  var keptBytes: Int { lock.withLock { regions.reduce(0) { $0 + $1.touched } } }

  /// Frees a region of `mapped` bytes whose first `touched` bytes were written: keeps it when
  /// keeping is on and it is large enough, else gives it back to the kernel.
  func release(_ address: UnsafeMutableRawPointer, touched: Int, mapped: Int) {
    let kept = touched >= Self.smallest && lock.withLock {
      guard keeping else { return false }
      regions.append(Region(address: address, touched: min(PageMemory.rounded(touched), mapped), mapped: mapped))
      return true
    }
    if !kept { PageMemory.free(address, mapped) }
  }

  /// A region of at least `bytes` whose contents are undefined: kept pages moved in from its start
  /// (largest region first, each at a multiple of `PageMemory.hugePage`, so huge pages stay whole), fresh pages after them. Its size is
  /// returned with it. Every region kept is used up: moved in, or given back where it does not fit.
  /// Under `smallest` bytes, a fresh region and the kept ones left alone.
  func take(_ bytes: Int) -> (UnsafeMutableRawPointer, Int) {
    let size = PageMemory.rounded(bytes)
    guard size >= Self.smallest else { return PageMemory.allocate(size) }
    let kept = lock.withLock {
      defer { regions = [] }
      return regions.sorted { $0.touched > $1.touched }
    }
    guard !kept.isEmpty else { return PageMemory.allocate(size) }
    let (region, _) = PageMemory.allocate(size, alignedTo: PageMemory.hugePage)
    var at = 0
    for r in kept {
      let piece = min(r.touched, size - at)
      if piece > 0, PageMemory.move(r.address, piece, to: region + at) {
        if r.mapped > piece { PageMemory.free(r.address + piece, r.mapped - piece) }
        at = min(size, (at + piece + PageMemory.hugePage - 1) / PageMemory.hugePage * PageMemory.hugePage)
      } else {
        PageMemory.free(r.address, r.mapped)
      }
    }
    return (region, size)
  }
}
