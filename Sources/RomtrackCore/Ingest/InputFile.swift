#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An input file opened for reading in blocks with `pread`.
///
/// Files are read with positioned reads into buffers the process owns, not mapped: a mapped file that
/// another program truncates while it is read raises SIGBUS on the next page touched, which would kill
/// the run. With `pread` a shrinking file gives a short read, and a file that grows or is rewritten is
/// caught by comparing its size and modification time before and after; either way the run stops with
/// `IngestError.changedWhileReading` instead of crashing or reading a mixture of two versions.
/// The page cache makes the copy cheap (several GB/s), far below the parser's cost.
public final class InputFile: @unchecked Sendable {
  public let path: String
  public let size: Int
  let descriptor: Int32
  let modified: timespec
  /// The bytes of an input converted in memory (a workbook's sheet, a wide or item-level file read
  /// into long rows, see `PreparedInput`); nil for a file on disk.
  let memory: [UInt8]?

  public init(path: String) throws {
    self.path = path
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw IngestError.cannotOpen(file: path, reason: errnoDescription(errno))
    }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw IngestError.isDirectory(file: path) }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw IngestError.cannotOpen(file: path, reason: errnoDescription(errno)) }
    guard fstat(fd, &info) == 0 else {
      let reason = errnoDescription(errno)
      close(fd)
      throw IngestError.cannotOpen(file: path, reason: reason)
    }
    descriptor = fd
    size = Int(info.st_size)
    modified = info.st_mtim
    memory = nil
  }

  /// Long-format CSV made in memory from the input at `path`, read as a file would be.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    size = bytes.count
    descriptor = -1
    modified = timespec()
    memory = bytes
  }

  deinit { if descriptor >= 0 { close(descriptor) } }

  /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at the end of the file.
  /// - Throws: `changedWhileReading` when the file ends before the size it had when opened.
  func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws -> Int {
    let wanted = min(count, size - offset)
    if let memory {
      if wanted > 0 { memory.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + offset, count: wanted) } }
      return wanted
    }
    var done = 0
    while done < wanted {
      let n = pread(descriptor, buffer + done, wanted - done, off_t(offset + done))
      if n < 0 {
        if errno == EINTR { continue }
        throw IngestError.readFailed(file: path, reason: errnoDescription(errno))
      }
      if n == 0 { throw IngestError.changedWhileReading(file: path) }
      done += n
    }
    return done
  }

  /// Throws `changedWhileReading` when the file's size or modification time is no longer what it was
  /// when it was opened.
  func checkUnchanged() throws {
    if memory != nil { return }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw IngestError.readFailed(file: path, reason: errnoDescription(errno))
    }
    if Int(info.st_size) != size || info.st_mtim.tv_sec != modified.tv_sec
      || info.st_mtim.tv_nsec != modified.tv_nsec
    {
      throw IngestError.changedWhileReading(file: path)
    }
  }
}

/// A window onto a byte range of an `InputFile`, refilled block by block.
///
/// `bytes[consumed..<filled]` holds file bytes not yet parsed, starting at file offset
/// `offset + consumed`. `refill()` moves them to the front and appends the next block; a record longer
/// than the buffer doubles it, so a 100 000-character field is read whole.
struct BlockWindow {
  let file: InputFile
  private(set) var bytes: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// File offset of `bytes[0]`.
  private(set) var offset: Int
  var consumed = 0
  private(set) var filled = 0

  init(file: InputFile, start: Int, blockSize: Int) {
    self.file = file
    self.capacity = max(blockSize, 64)
    self.bytes = .allocate(capacity: capacity + 16)
    self.offset = start
  }

  func deallocate() { bytes.deallocate() }

  /// True when every byte of the file has been read into the window.
  var atEndOfFile: Bool { offset + filled >= file.size }

  /// File offset of the next unparsed byte.
  var position: Int { offset + consumed }

  /// Appends the next block after the unparsed bytes. Returns false at the end of the file.
  mutating func refill() throws -> Bool {
    if atEndOfFile { return false }
    let remaining = filled - consumed
    if consumed > 0 {
      if remaining > 0 { (bytes).update(from: bytes + consumed, count: remaining) }
      offset += consumed
      consumed = 0
      filled = remaining
    }
    if filled == capacity {
      let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 16)
      larger.update(from: bytes, count: filled)
      bytes.deallocate()
      bytes = larger
      capacity *= 2
    }
    filled += try file.read(into: bytes + filled, count: capacity - filled, at: offset + filled)
    return true
  }
}
