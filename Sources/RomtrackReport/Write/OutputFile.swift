import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file being written in the staging folder, piece after piece, each with write(2): no second copy
/// of a file that may be hundreds of MB is held in memory.
///
/// Large files bypass the page cache. From the first piece of at least `directThreshold` bytes on,
/// the file is written with `O_DIRECT` through an aligned buffer, in whole blocks; the last partial
/// block is written through the page cache when the file is closed. A buffered write copies every
/// byte into page-cache pages the kernel must find and clear first, and at 1M clients that was the
/// largest single cost of the report (1.2 GB of CSV); a direct write hands the blocks to the device.
/// Where the file system refuses `O_DIRECT` (tmpfs on older kernels, some network file systems), the
/// file is written through the page cache as before. Small files, such as the clinicians' pages,
/// always are: for them a direct write costs more than it saves.
final class OutputFile {
  private var fd: Int32
  let path: String
  /// The aligned buffer of a file written directly, and how many bytes wait in it.
  private var block: UnsafeMutableRawPointer?
  private var pending = 0
  /// False once the file is written through the page cache for good.
  private var mayGoDirect = true
  /// Bytes in the file so far.
  private var written = 0

  /// Pieces from this size on switch the file to direct writes.
  static let directThreshold = 1 << 20
  /// Direct writes are whole multiples of this size, from addresses aligned to it.
  static let alignment = 4096
  /// The aligned buffer's size: what one direct write carries at most.
  static let blockBufferSize = 2 << 20

  /// `O_DIRECT` from Linux's <asm/fcntl.h>: Glibc declares it only for `_GNU_SOURCE`, which Swift's
  /// Glibc module is not built with. Its value differs between architectures.
  #if arch(arm64) || arch(arm)
    static let directFlag: Int32 = 0o200000
  #else
    static let directFlag: Int32 = 0o40000
  #endif

  init(fd: Int32, path: String) {
    self.fd = fd
    self.path = path
  }

  deinit {
    if fd >= 0 { Glibc.close(fd) }
    if let block { AlignedBuffers.giveBack(block) }
  }

  func append(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { buffer in
      var done = 0
      if block == nil, mayGoDirect, buffer.count >= OutputFile.directThreshold {
        // Direct writes start at a block boundary of the file: the bytes up to it go buffered.
        done = min((OutputFile.alignment - written % OutputFile.alignment) % OutputFile.alignment, buffer.count)
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<done]))
        startDirect()
      }
      while done < buffer.count {
        guard let block else {
          try writeAll(UnsafeRawBufferPointer(rebasing: buffer[done...]))
          return
        }
        let n = min(buffer.count - done, OutputFile.blockBufferSize - pending)
        (block + pending).copyMemory(from: buffer.baseAddress! + done, byteCount: n)
        pending += n
        done += n
        if pending == OutputFile.blockBufferSize { try flushBlocks() }
      }
    }
  }

  func close() throws {
    if block != nil {
      try flushBlocks()
      try endDirect()
    }
    let result = Glibc.close(fd)
    fd = -1
    if result != 0 { throw OutputError(path: path, reason: OutputError.describe(errno)) }
  }

  /// Turns on `O_DIRECT`; when the file system refuses it, the file stays buffered.
  private func startDirect() {
    mayGoDirect = false
    let flags = fcntl(fd, F_GETFL)
    guard flags >= 0, fcntl(fd, F_SETFL, flags | OutputFile.directFlag) == 0 else { return }
    block = AlignedBuffers.take()
  }

  /// Writes the whole blocks waiting in the buffer and keeps the partial one at its start. A file
  /// system that accepts `O_DIRECT` but refuses the write (EINVAL) gets the rest of the file buffered.
  private func flushBlocks() throws {
    guard let block else { return }
    let whole = pending / OutputFile.alignment * OutputFile.alignment
    let done = try writeAll(UnsafeRawBufferPointer(start: block, count: whole))
    pending -= done
    if pending > 0 { block.copyMemory(from: block + done, byteCount: pending) }
    if done < whole { try endDirect() }
  }

  /// Turns `O_DIRECT` off and writes what waits in the buffer through the page cache.
  private func endDirect() throws {
    guard let buffer = block else { return }
    block = nil
    defer { AlignedBuffers.giveBack(buffer) }
    let flags = fcntl(fd, F_GETFL)
    if flags < 0 || fcntl(fd, F_SETFL, flags & ~OutputFile.directFlag) != 0 {
      throw OutputError(path: path, reason: OutputError.describe(errno))
    }
    try writeAll(UnsafeRawBufferPointer(start: buffer, count: pending))
    pending = 0
  }

  /// Writes `buffer` and returns how many bytes went out: all of them, except that a direct write the
  /// file system refuses (EINVAL while `O_DIRECT` is on) stops early so the caller can fall back.
  @discardableResult
  private func writeAll(_ buffer: UnsafeRawBufferPointer) throws -> Int {
    var done = 0
    while done < buffer.count {
      let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EINVAL && block != nil { break }
        throw OutputError(path: path, reason: OutputError.describe(errno))
      }
      done += n
      written += n
    }
    return done
  }
}

/// The aligned buffers of files written directly, reused from file to file (a report writes a few
/// large files at a time).
private enum AlignedBuffers {
  static func take() -> UnsafeMutableRawPointer {
    if let buffer = shelf.take() { return buffer }
    var memory: UnsafeMutableRawPointer?
    guard posix_memalign(&memory, OutputFile.alignment, OutputFile.blockBufferSize) == 0, let memory else {
      fatalError("out of memory for a \(OutputFile.blockBufferSize)-byte write buffer")
    }
    return memory
  }

  static func giveBack(_ buffer: UnsafeMutableRawPointer) {
    if !shelf.put(buffer) { free(buffer) }
  }

  private static let shelf = Shelf()

  private final class Shelf: @unchecked Sendable {
    private var buffers: [UnsafeMutableRawPointer] = []
    private let lock = NSLock()

    func take() -> UnsafeMutableRawPointer? {
      lock.lock()
      defer { lock.unlock() }
      return buffers.popLast()
    }

    /// False when the shelf is full and the caller should free `buffer`.
    func put(_ buffer: UnsafeMutableRawPointer) -> Bool {
      lock.lock()
      defer { lock.unlock() }
      guard buffers.count < 8 else { return false }
      buffers.append(buffer)
      return true
    }
  }
}
