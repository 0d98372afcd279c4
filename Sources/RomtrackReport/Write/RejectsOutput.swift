import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `rejects.csv` in the folder of `romtrack validate --out DIR`: checked before the input is read,
/// written through a temporary file renamed over it (an earlier one stays whole until then), and
/// removed when a run rejects nothing, so the folder never holds the rejects of an earlier run.
///
/// An existing `rejects.csv` is replaced or removed only when romtrack wrote it (its header is
/// romtrack's) and the run does not read it; otherwise the run is refused before it starts.
/// The file is created 0640 and a missing folder 0750, less the umask.
public struct RejectsOutput {
  public static let fileName = "rejects.csv"
  public let folder: String
  public var path: String { folder + "/" + RejectsOutput.fileName }

  /// Checks `folder` and any rejects.csv in it; `reads` are the files the run reads.
  public init(folder: String, reads: [String]) throws {
    self.folder = folder
    var info = stat()
    if stat(folder, &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFDIR else {
        throw OutputError(path: folder, reason: "is a file, not a folder; give --out a folder for rejects.csv")
      }
    }
    let existing = OutputFolder.existingAncestor(folder)
    guard access(existing, W_OK | X_OK) == 0 else {
      throw OutputError(path: folder, reason: "cannot write in \(existing): \(OutputError.describe(errno))")
    }
    guard lstat(path, &info) == 0 else { return }
    let real = OutputFolder.realPath(path)
    if reads.contains(where: { OutputFolder.realPath($0) == real }) {
      throw OutputError(path: path, reason: "is a file this run reads; give --out another folder for rejects.csv")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG, RejectsOutput.isRomtracks(path) else {
      throw OutputError(
        path: path, reason: "is not a rejects.csv romtrack wrote, and would be replaced; move it or give --out another folder")
    }
  }

  /// Writes `bytes` as rejects.csv, creating the folder.
  public func write(_ bytes: [UInt8]) throws {
    var made: [String] = []
    var folder = self.folder
    while access(folder, F_OK) != 0, !folder.isEmpty, folder != "/" {
      made.append(folder)
      folder = (folder as NSString).deletingLastPathComponent
    }
    for missing in made.reversed() where mkdir(missing, 0o750) != 0 && errno != EEXIST {
      throw OutputError(path: missing, reason: "cannot create the folder: \(OutputError.describe(errno))")
    }
    let temporary = self.folder + "/.rejects.csv.partial-" + StagingLock.randomHex()
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
    guard fd >= 0 else { throw OutputError(path: temporary, reason: OutputError.describe(errno)) }
    let file = OutputFile(fd: fd, path: temporary)
    do {
      try file.append(bytes)
      try file.close()
      guard rename(temporary, path) == 0 else { throw OutputError(path: path, reason: OutputError.describe(errno)) }
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Removes an earlier rejects.csv; true when there was one.
  public func removeEarlier() throws -> Bool {
    if unlink(path) == 0 { return true }
    if errno == ENOENT { return false }
    throw OutputError(path: path, reason: "cannot remove the earlier rejects.csv: \(OutputError.describe(errno))")
  }

  /// Whether the file at `path` starts with the header romtrack writes (`file,line,field,reason,`).
  static func isRomtracks(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let start = (try? handle.read(upToCount: 64)) ?? Data()
    return start.starts(with: Data("file,line,field,reason,".utf8))
  }
}
