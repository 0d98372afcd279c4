import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A staging folder `.romtrack-partial-<16 hex>` and the lock that says its run is alive: an
/// exclusive `flock` on the folder's marker (`OutputMarker.fileName`), held from the folder's
/// creation to the end of the run.
///
/// The kernel (or, on NFS, the server's lock manager) releases the lock when the process ends, however
/// it ends, and whatever PID namespace, container or machine looks at the folder. So a staging folder
/// whose lock can be taken is a dead run's, and one whose lock cannot be taken is never touched.
/// Process ids and host names, which another PID namespace or a cloned machine sees differently, play
/// no part.
///
/// The name is short and does not include the target's name, so a target name of up to NAME_MAX
/// bytes still has a staging name that fits.
final class StagingLock {
  static let prefix = ".romtrack-partial-"

  let path: String
  private var fd: Int32

  /// Makes a new staging folder (mode 0750 less the umask) in `parent`, locked by this process.
  init(in parent: String) throws {
    for _ in 0..<16 {
      let path = parent + "/" + StagingLock.prefix + StagingLock.randomHex()
      guard mkdir(path, 0o750) == 0 else {
        if errno == EEXIST { continue }
        throw OutputError(path: parent, reason: OutputError.describe(errno))
      }
      let marker = path + "/" + OutputMarker.fileName
      let fd = open(marker, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o640)
      if fd < 0 {
        if errno == ENOENT { continue }  // another run's cleanup took the new, empty folder: try again
        let reason = OutputError.describe(errno)
        _ = rmdir(path)
        throw OutputError(path: parent, reason: reason)
      }
      // A cleanup that opened the marker between open and flock holds the lock and deletes the folder;
      // one that deleted it before the lock leaves this process locking a file no longer there.
      if flock(fd, LOCK_EX | LOCK_NB) == 0, StagingLock.isSameFile(fd, marker) {
        self.path = path
        self.fd = fd
        return
      }
      close(fd)
    }
    throw OutputError(path: parent, reason: "could not make a staging folder: other runs keep taking it; run again")
  }

  deinit { release() }

  /// The marker's content, written through the locked descriptor just before the commit.
  func writeMarker(_ bytes: [UInt8]) throws {
    guard ftruncate(fd, 0) == 0 else { throw OutputError(path: path, reason: OutputError.describe(errno)) }
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(done)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw OutputError(path: path + "/" + OutputMarker.fileName, reason: OutputError.describe(errno))
      }
      done += n
    }
  }

  /// Gives up the lock (closing the marker); the folder is from then on a dead run's.
  func release() {
    if fd >= 0 { close(fd) }
    fd = -1
  }

  /// Deletes the staging folders in `parent` whose lock can be taken: those of runs that were killed
  /// or lost power, on this machine or another, in this PID namespace or another. A folder without a
  /// marker is removed only when empty (a run between making it and locking it then starts again).
  static func removeDead(in parent: String) {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
    for entry in entries where entry.hasPrefix(prefix) {
      let folder = parent + "/" + entry
      let fd = open(folder + "/" + OutputMarker.fileName, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
      guard fd >= 0 else {
        if errno == ENOENT { _ = rmdir(folder) }
        continue
      }
      defer { close(fd) }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live run's
      try? FileManager.default.removeItem(atPath: folder)
    }
  }

  static func randomHex() -> String {
    let value = UInt64.random(in: 0...UInt64.max)
    let hex = String(value, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  static func isSameFile(_ fd: Int32, _ path: String) -> Bool {
    var open = stat(), named = stat()
    return fstat(fd, &open) == 0 && lstat(path, &named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino
  }
}
