import Dispatch

/// Writes several output files at once, one per core: each job makes its file's bytes and writes them,
/// so at most one file per core is in memory. Jobs run largest first (the order given); the first
/// error is rethrown after all have finished.
public enum ParallelWrites {
  public struct Job: Sendable {
    public var name: String
    public var bytes: @Sendable () throws -> [UInt8]

    public init(_ name: String, _ bytes: @escaping @Sendable () throws -> [UInt8]) {
      self.name = name
      self.bytes = bytes
    }
  }

  public static func run(_ jobs: [Job], into folder: OutputFolder) throws {
    let box = FolderBox(folder: folder, count: jobs.count)
    DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
      do {
        try box.folder.write(jobs[i].name, try jobs[i].bytes())
      } catch {
        box.fail(i, error)
      }
    }
    if let error = box.firstError { throw error }
  }
}

/// The folder shared by the writing threads (each writes its own file) and their errors, one slot each.
private final class FolderBox: @unchecked Sendable {
  let folder: OutputFolder
  private var errors: [Error?]

  init(folder: OutputFolder, count: Int) {
    self.folder = folder
    errors = Array(repeating: nil, count: count)
  }

  func fail(_ i: Int, _ error: Error) {
    errors.withUnsafeMutableBufferPointer { $0[i] = error }
  }

  var firstError: Error? { errors.compactMap { $0 }.first }
}
