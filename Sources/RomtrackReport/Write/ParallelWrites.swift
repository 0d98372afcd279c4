import Dispatch
import Foundation

/// Writes several output files at once on all cores. A job makes a file in one or more parts (a large
/// file is split so both cores share it); the thread that finishes a file's last part writes the
/// parts in order and lets them go, so memory holds only files in progress. Jobs run in the order
/// given (largest first); the first error is rethrown after all have finished.
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

  public static func run(_ jobs: [Job], into folder: OutputFolder) throws {
    let units = jobs.indices.flatMap { j in (0..<jobs[j].parts).map { (job: j, part: $0) } }
    let state = WriteState(folder: folder, jobs: jobs)
    DispatchQueue.concurrentPerform(iterations: units.count) { u in
      let (j, k) = units[u]
      do {
        state.finish(job: j, part: k, try jobs[j].bytes(k))
      } catch {
        state.fail(error)
      }
    }
    if let error = state.firstError { throw error }
  }
}

/// The parts made so far and the first error, behind one lock; each file is written by the thread
/// that completes it, outside the lock.
private final class WriteState: @unchecked Sendable {
  let folder: OutputFolder
  let jobs: [ParallelWrites.Job]
  private var parts: [[[UInt8]?]]
  private var error: Error?
  private let lock = NSLock()

  init(folder: OutputFolder, jobs: [ParallelWrites.Job]) {
    self.folder = folder
    self.jobs = jobs
    parts = jobs.map { Array(repeating: nil, count: $0.parts) }
  }

  func finish(job j: Int, part k: Int, _ bytes: [UInt8]) {
    lock.lock()
    parts[j][k] = bytes
    let complete = parts[j].allSatisfy { $0 != nil }
    let ready = complete ? parts[j].map { $0! } : []
    if complete { parts[j] = [] }
    lock.unlock()
    guard complete else { return }
    do { try folder.write(jobs[j].name, parts: ready) } catch { fail(error) }
  }

  func fail(_ error: Error) {
    lock.lock()
    if self.error == nil { self.error = error }
    lock.unlock()
  }

  var firstError: Error? {
    lock.lock()
    defer { lock.unlock() }
    return error
  }
}
