import Dispatch
import Foundation

/// Writes several output files at once on all cores (`threads`).
///
/// A job makes a file in one or more parts: a large file is cut into parts of a few MB so that both
/// cores share it and memory holds only the parts in progress. Parts are made in the order given
/// (jobs largest first, each file's parts in file order) and each is appended to its file as soon as
/// the parts before it are in: whichever thread completes the next part in line writes it and any
/// waiting after it. A written part's buffer goes back to `BufferPool` for the next part. The first
/// error is rethrown after all jobs have finished.
public enum ParallelWrites {
  public struct Job: Sendable {
    public var name: String
    public var parts: Int
    public var bytes: @Sendable (Int) throws -> [UInt8]

    /// A file made in one piece.
    public init(_ name: String, _ bytes: @escaping @Sendable () throws -> [UInt8]) {
      self.name = name
      self.parts = 1
      self.bytes = { _ in try bytes() }
    }

    /// A file made in `parts` pieces: `bytes(k)` is piece `k`, in file order.
    public init(_ name: String, parts: Int, _ bytes: @escaping @Sendable (Int) throws -> [UInt8]) {
      self.name = name
      self.parts = max(parts, 1)
      self.bytes = bytes
    }
  }

  /// Threads that make and write parts: one per core, and one more to compute while another waits
  /// for the device (a large file's direct writes return only once the blocks are written).
  static var threads: Int { ProcessInfo.processInfo.activeProcessorCount + 1 }

  public static func run(_ jobs: [Job], into folder: OutputFolder) throws {
    let units = jobs.indices.flatMap { j in (0..<jobs[j].parts).map { (job: j, part: $0) } }
    let files = jobs.map { OrderedFile(name: $0.name, parts: $0.parts) }
    let errors = FirstError()
    let queue = UnitQueue()
    let work: @Sendable () -> Void = {
      while let u = queue.take(below: units.count) {
        let (j, k) = units[u]
        do {
          try files[j].add(part: k, try jobs[j].bytes(k), in: folder)
        } catch {
          errors.keep(error)
        }
      }
    }
    let finished = DispatchGroup()
    // The calling thread is one of them; no more threads than parts (none for an empty list).
    for _ in 1..<max(1, min(threads, units.count)) {
      finished.enter()
      Thread.detachNewThread {
        work()
        finished.leave()
      }
    }
    work()
    finished.wait()
    if let error = errors.first { throw error }
  }
}

/// One file's parts as they arrive from the threads, appended in file order. The lock guards only the
/// bookkeeping; the thread that holds the next part in line writes outside it, and only one thread
/// writes at a time (`writing`).
private final class OrderedFile: @unchecked Sendable {
  let name: String
  let parts: Int
  private var file: OutputFile?
  private var waiting: [Int: [UInt8]] = [:]
  private var next = 0
  private var writing = false
  private var failed = false
  private let lock = NSLock()

  init(name: String, parts: Int) {
    self.name = name
    self.parts = parts
  }

  func add(part k: Int, _ bytes: consuming [UInt8], in folder: OutputFolder) throws {
    lock.lock()
    waiting[k] = consume bytes  // the only reference, so the buffer can be reused once written
    guard !writing, !failed, k == next else {
      lock.unlock()
      return
    }
    writing = true
    while let part = waiting.removeValue(forKey: next) {
      next += 1
      lock.unlock()
      do {
        if file == nil { file = try folder.create(name) }
        try file!.append(part)
        if next == parts { try file!.close() }
      } catch {
        lock.lock()
        failed = true
        writing = false
        waiting = [:]
        lock.unlock()
        throw error
      }
      BufferPool.giveBack(consume part)
      lock.lock()
    }
    writing = false
    lock.unlock()
  }
}

/// Hands out the numbers 0, 1, 2, ... to the threads, each once, in order.
private final class UnitQueue: @unchecked Sendable {
  private var next = 0
  private let lock = NSLock()

  func take(below count: Int) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < count else { return nil }
    next += 1
    return next - 1
  }
}

/// The first error any thread met.
private final class FirstError: @unchecked Sendable {
  private var error: Error?
  private let lock = NSLock()

  func keep(_ error: Error) {
    lock.lock()
    if self.error == nil { self.error = error }
    lock.unlock()
  }

  var first: Error? {
    lock.lock()
    defer { lock.unlock() }
    return error
  }
}
