import RomtrackCore

/// The SHA-256 of each input file for manifest.json, computed on a background thread from the end of
/// the ingest on (the files are then in the page cache, and the series stage leaves a core free), and
/// collected at the end.
public final class InputHashes: Sendable {
  private let hashes: Background<[String?]>

  public init(paths: [String]) {
    hashes = Background(qos: .utility) { paths.map { SHA256.fileHex(path: $0) } }
  }

  /// Waits for the hashing to finish; `nil` for a file that could not be read.
  public func wait() -> [String?] { hashes.value }
}
