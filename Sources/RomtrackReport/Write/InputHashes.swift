import Dispatch
import RomtrackCore

/// The SHA-256 of each input file for manifest.json, computed on a background thread from the end of
/// the ingest on (the files are then in the page cache, and the series stage leaves a core free), and
/// collected at the end.
public final class InputHashes: @unchecked Sendable {
  private var hashes: [String?]
  private let done = DispatchGroup()

  public init(paths: [String]) {
    hashes = Array(repeating: nil, count: paths.count)
    done.enter()
    DispatchQueue.global(qos: .utility).async {
      let values = paths.map { SHA256.fileHex(path: $0) }
      self.hashes = values
      self.done.leave()
    }
  }

  /// Waits for the hashing to finish; `nil` for a file that could not be read.
  public func wait() -> [String?] {
    done.wait()
    return hashes
  }
}
