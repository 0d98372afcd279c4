import Foundation
import RomtrackCore

#if canImport(Glibc)
  import Glibc
#endif

/// An output folder written atomically (FORMATS.md): files go into a hidden staging folder beside the
/// target, which takes the target's place only when every file is written. Whatever happens to a run,
/// the target is at every moment either the previous complete report or the new complete one.
///
/// - Staging folders are named `.romtrack-partial-<16 hex>` and locked for the life of the run
///   (`StagingLock`): an `flock` on their marker, which the kernel releases when the process ends.
/// - The commit swaps the staging folder and the target in one `renameat2(RENAME_EXCHANGE)`, so there
///   is no moment without a report, then deletes the previous report (now under the staging name).
///   Where the file system cannot exchange, the previous report is first renamed aside. When another
///   run committed to the same target in the meantime, the later commit replaces it: both runs end
///   with a complete report in place, the last one to finish wins, and no files are mixed.
/// - A run that is killed leaves its staging folder behind, unlocked. The next run into the same
///   parent folder deletes every staging folder whose lock it can take, and no other.
/// - An existing target is replaced only when it is an empty folder or a folder romtrack wrote whose
///   marker (`OutputMarker`) lists everything in it; never a link, a mount point, or a folder holding
///   a file the run reads (`checkTarget`). Files are created 0640 and folders 0750, less the umask.
///
/// Nothing is written outside the target's parent folder, and file names are checked to stay inside it.
public final class OutputFolder: @unchecked Sendable {
  public let target: URL
  let staging: URL
  /// `staging.path`, made once: file names are joined to it as text (`create`), since URL operations
  /// cost tens of thousands of instructions per file, which 40,000 clinician pages felt.
  private let stagingPath: String
  /// The staging folder's lock, held until the commit or discard is done.
  private let lock: StagingLock
  /// The command writing the folder (report, export), for the marker.
  private let command: String
  /// This run's id, in the marker and the manifest.
  public let runID: String
  /// Folders above the target that this run created, deepest first: `discard` removes them again.
  private let createdParents: [URL]
  /// Folders made inside the staging folder so far, behind `folders` (files are created on all cores).
  private var madeFolders: Set<String> = []
  private let folders = NSLock()
  /// Files are created one at a time. The file system holds a folder's lock while it creates a file
  /// in it, and a second thread creating a file in the same folder (the clinicians' pages) spins on
  /// that lock in the kernel, burning the core the other writer threads could use; waiting here, a
  /// thread sleeps instead.
  private let creating = NSLock()
  /// Every file created, behind `creating`: the marker's list.
  private var createdFiles: [String] = []

  /// Checks `path` (`checkTarget`), creates its missing parents and a locked staging folder beside it,
  /// after deleting the staging folders of dead runs there. `reads` are the files the run reads.
  public init(path: String, command: String = "report", reads: [ReadFile] = []) throws {
    target = URL(fileURLWithPath: path).standardizedFileURL
    self.command = command
    let name = target.lastPathComponent
    guard target.path != "/", !name.isEmpty, name != ".", name != ".." else {
      throw OutputError(path: target.path, reason: "cannot be the report folder: name a folder inside it")
    }
    try OutputFolder.checkTarget(target, reads: reads)

    // Create the parent folders, remembering which were new.
    let parent = target.deletingLastPathComponent()
    var missing: [URL] = []
    var folder = parent
    while !OutputFolder.exists(folder) && folder.path != "/" {
      missing.append(folder)
      folder = folder.deletingLastPathComponent()
    }
    if OutputFolder.exists(folder), !OutputFolder.isDirectory(folder) {
      throw OutputError(path: target.path, reason: "cannot create the report folder: \(folder.path) is a file, not a folder")
    }
    var created: [URL] = []
    for url in missing.reversed() {
      if mkdir(url.path, 0o750) == 0 {
        created.append(url)
      } else if errno != EEXIST {
        let reason = OutputError.describe(errno)
        OutputFolder.removeEmpty(created.reversed())
        throw OutputError(path: target.path, reason: "cannot create the folder \(url.path): \(reason)")
      }
    }
    createdParents = created.reversed()

    StagingLock.removeDead(in: parent.path)
    do { lock = try StagingLock(in: parent.path) } catch let error as OutputError {
      OutputFolder.removeEmpty(createdParents)
      throw OutputError(path: target.path, reason: "cannot write in \(parent.path): \(error.reason)")
    }
    stagingPath = lock.path
    staging = URL(fileURLWithPath: stagingPath)
    runID = StagingLock.randomHex() + StagingLock.randomHex()
  }

  /// Writes `bytes` to `name` (a relative path without `..`) inside the folder.
  public func write(_ name: String, _ bytes: [UInt8]) throws {
    let file = try create(name)
    try file.append(bytes)
    try file.close()
  }

  /// Creates `name` (a relative path without `..`) inside the folder, and the folders it needs, for
  /// writing in pieces.
  func create(_ name: String) throws -> OutputFile {
    precondition(OutputFolder.isSafeRelativePath(name), "unsafe output file name")
    if let slash = name.lastIndex(of: "/") { try makeFolder(String(name[..<slash])) }
    let path = stagingPath + "/" + name
    creating.lock()
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
    if fd >= 0 { createdFiles.append(name) }
    creating.unlock()
    guard fd >= 0 else { throw OutputError(path: path, reason: OutputError.describe(errno)) }
    return OutputFile(fd: fd, path: path)
  }

  /// Creates `folder` (relative to the staging folder) and its parents once; later calls find it made.
  private func makeFolder(_ folder: String) throws {
    folders.lock()
    defer { folders.unlock() }
    guard !madeFolders.contains(folder) else { return }
    var made = ""
    for part in folder.split(separator: "/") {
      made += made.isEmpty ? String(part) : "/" + part
      guard !madeFolders.contains(made) else { continue }
      if mkdir(stagingPath + "/" + made, 0o750) != 0 && errno != EEXIST {
        throw OutputError(path: stagingPath + "/" + made, reason: OutputError.describe(errno))
      }
      madeFolders.insert(made)
    }
  }

  /// Puts the finished folder in place of the target, replacing an earlier report.
  public func commit() throws {
    creating.lock()
    let marker = OutputMarker(command: command, romtrackVersion: RomtrackVersion.current, files: createdFiles)
    creating.unlock()
    try lock.writeMarker(try marker.json())
    defer { lock.release() }
    // A few rounds: each failure below means another run changed the target in between.
    for _ in 0..<16 {
      if rename(stagingPath, target.path) == 0 { return }
      let error = errno
      guard error == EEXIST || error == ENOTEMPTY else {
        throw OutputError(path: target.path, reason: "cannot put the report in place: \(OutputError.describe(error))")
      }
      try OutputMarker.checkReplaceable(target)
      switch OutputFolder.exchange(staging, target) {
      case 0:
        // The previous report now sits at the staging name.
        try? FileManager.default.removeItem(at: staging)
        return
      case ENOENT:
        continue  // the target went away in between: rename again
      case EINVAL, ENOSYS, ENOTSUP:
        if try replaceWithoutExchange() { return }
      case let other:
        throw OutputError(path: target.path, reason: "cannot put the report in place: \(OutputError.describe(other))")
      }
    }
    throw OutputError(path: target.path, reason: "other runs keep replacing this folder; run again")
  }

  /// The commit on a file system without `RENAME_EXCHANGE`: the previous report is renamed aside, the
  /// new one renamed in, the previous one deleted. False when another run took the target in between.
  private func replaceWithoutExchange() throws -> Bool {
    let aside = target.deletingLastPathComponent().appendingPathComponent(StagingLock.prefix + StagingLock.randomHex())
    guard rename(target.path, aside.path) == 0 else {
      if errno == ENOENT { return false }
      throw OutputError(path: target.path, reason: "cannot move the previous report aside: \(OutputError.describe(errno))")
    }
    defer { try? FileManager.default.removeItem(at: aside) }
    if rename(stagingPath, target.path) == 0 { return true }
    let error = errno
    if error == EEXIST || error == ENOTEMPTY { return false }  // another run's report is in place
    _ = rename(aside.path, target.path)  // put the previous report back
    throw OutputError(path: target.path, reason: "cannot put the report in place: \(OutputError.describe(error))")
  }

  /// Removes the unfinished folder, and the parent folders this run created when they are empty.
  public func discard() {
    try? FileManager.default.removeItem(at: staging)
    lock.release()
    OutputFolder.removeEmpty(createdParents)
  }

  /// True for relative paths made of plain names: no `..`, no leading `/`, no empty parts.
  public static func isSafeRelativePath(_ name: String) -> Bool {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    return !name.isEmpty && !name.hasPrefix("/")
      && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }
  }

  // MARK: - Helpers

  static func exists(_ url: URL) -> Bool {
    var info = stat()
    return lstat(url.path, &info) == 0
  }

  static func isDirectory(_ url: URL) -> Bool {
    var info = stat()
    return stat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  static func removeEmpty(_ folders: [URL]) {
    for folder in folders { _ = rmdir(folder.path) }
  }

  /// `renameat2(from, to, RENAME_EXCHANGE)`: swaps two paths atomically. Returns 0 or the errno
  /// (ENOSYS when the C library lacks the call). Looked up at run time: Swift's Glibc module does not
  /// declare it.
  static func exchange(_ from: URL, _ to: URL) -> Int32 {
    guard let call = renameat2 else { return ENOSYS }
    let exchangeFlag: UInt32 = 1 << 1  // RENAME_EXCHANGE in <linux/fs.h>
    return call(AT_FDCWD, from.path, AT_FDCWD, to.path, exchangeFlag) == 0 ? 0 : errno
  }

  typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
  static let renameat2: RenameAt2? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
    return unsafeBitCast(symbol, to: RenameAt2.self)
  }()
}

/// A report folder or file that could not be written.
public struct OutputError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "\(path): \(reason)" }

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
