import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A growable byte buffer that rows are formatted into before a block is written to a file.
///
/// `@unchecked Sendable` because `BlockPipeline` hands a buffer from the formatting thread to the
/// writing thread and back: it has one owner at a time and is never used by two threads at once.
final class OutputByteBuffer: @unchecked Sendable {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 1024)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// A pointer with room for at least `bytes` more bytes; write there, then `commit`.
  @inline(__always)
  func reserve(_ bytes: Int) -> UnsafeMutablePointer<UInt8> {
    if count + bytes > capacity { grow(to: count + bytes) }
    return base + count
  }

  /// Marks the bytes up to `end` (a pointer from `reserve`, advanced) as written.
  @inline(__always)
  func commit(_ end: UnsafeMutablePointer<UInt8>) {
    count = end - base
  }

  func append(_ text: String) {
    var p = reserve(text.utf8.count)
    GeneratedCSVWriter.write(text, &p)
    commit(p)
  }

  func removeAll() { count = 0 }

  private func grow(to needed: Int) {
    var newCapacity = capacity * 2
    while newCapacity < needed { newCapacity *= 2 }
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.update(from: base, count: count)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }
}

/// A file written in large blocks with `write(2)`.
///
/// `@unchecked Sendable`: after opening, only `BlockPipeline`'s serial queue writes to it, and the
/// owner closes it after `BlockPipeline.finish()`.
final class BlockFileWriter: @unchecked Sendable {
  let path: String
  private var descriptor: Int32

  init(path: String) throws(GeneratorWriteError) {
    self.path = path
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw GeneratorWriteError(path: path, errorNumber: errno) }
  }

  deinit {
    if descriptor >= 0 { _ = closeDescriptor(descriptor) }
  }

  /// Writes the buffer's bytes and empties it.
  func write(_ buffer: OutputByteBuffer) throws(GeneratorWriteError) {
    var offset = 0
    while offset < buffer.count {
      let written = writeDescriptor(descriptor, buffer.base + offset, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw GeneratorWriteError(path: path, errorNumber: errno)
      }
      offset += written
    }
    buffer.removeAll()
  }

  func close() throws(GeneratorWriteError) {
    let result = closeDescriptor(descriptor)
    descriptor = -1
    if result != 0 { throw GeneratorWriteError(path: path, errorNumber: errno) }
  }
}

/// Writes filled buffers on a background serial queue while the caller formats the next ones, so
/// that formatting (one core) and the `write(2)` calls with their copying into the page cache
/// (the other core) overlap. Buffers come from a fixed pool, which bounds memory and makes the
/// caller wait when the disk falls behind; blocks of a file are written in the order submitted.
final class BlockPipeline: @unchecked Sendable {
  private let queue = DispatchQueue(label: "romtrack.generate.write")
  private let free: DispatchSemaphore
  private let lock = NSLock()
  private var pool: [OutputByteBuffer]
  private var firstError: GeneratorWriteError?

  /// A pool of `buffers` buffers of `capacity` bytes each.
  init(buffers: Int, capacity: Int) {
    pool = (0..<buffers).map { _ in OutputByteBuffer(capacity: capacity) }
    free = DispatchSemaphore(value: buffers)
  }

  /// An empty buffer from the pool, waiting for one if all are in use.
  func take() -> OutputByteBuffer {
    free.wait()
    lock.lock()
    defer { lock.unlock() }
    return pool.removeLast()
  }

  /// Queues `buffer` for writing to `file`; the caller must not touch it afterwards.
  func submit(_ buffer: OutputByteBuffer, to file: BlockFileWriter) {
    queue.async {
      self.lock.lock()
      let failed = self.firstError != nil
      self.lock.unlock()
      if !failed {
        do throws(GeneratorWriteError) {
          try file.write(buffer)
        } catch {
          self.lock.lock()
          self.firstError = self.firstError ?? error
          self.lock.unlock()
        }
      }
      buffer.removeAll()
      self.lock.lock()
      self.pool.append(buffer)
      self.lock.unlock()
      self.free.signal()
    }
  }

  /// Waits until every submitted block is written; throws the first write error.
  func finish() throws(GeneratorWriteError) {
    queue.sync {}
    lock.lock()
    defer { lock.unlock() }
    if let firstError { throw firstError }
  }
}

// The system calls, outside `BlockFileWriter` whose methods share their names.
private func writeDescriptor(_ fd: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
  write(fd, bytes, count)
}

private func closeDescriptor(_ fd: Int32) -> Int32 { close(fd) }

/// A file or directory that `SyntheticPractice.write` could not create or write.
public struct GeneratorWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  init(path: String, errorNumber: Int32) {
    self.init(path: path, message: String(cString: strerror(errorNumber)))
  }

  public var description: String { "\(path): \(message)" }
}
