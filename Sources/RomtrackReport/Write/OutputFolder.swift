import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An output folder written atomically (FORMATS.md): files go into a hidden staging folder beside the
/// target, which takes the target's place only when every file is written. Whatever happens to a run,
/// the target is at every moment either the previous complete report or the new complete one.
///
/// - Staging folders are named `.<name>.partial-<host>-<pid>-<random>`: unique per run, even for runs
///   with the same process id on different machines writing to a shared folder.
/// - The commit swaps the staging folder and the target in one `renameat2(RENAME_EXCHANGE)`, so there
///   is no moment without a report, then deletes the previous report (now under the staging name).
///   Where the file system cannot exchange, the previous report is first renamed aside. When another
///   run committed to the same target in the meantime, the later commit replaces it: both runs end
///   with a complete report in place, the last one to finish wins, and no files are mixed.
/// - A run that is killed leaves its staging folder behind. The next run into the same parent folder
///   deletes the staging folders of processes of this machine that no longer run.
/// - An existing target is replaced only when it is an empty folder or a report (it has a
///   manifest.json): `--out .` or `--out` naming a file never deletes anything else.
///
/// Nothing is written outside the target's parent folder, and file names are checked to stay inside it.
public final class OutputFolder: @unchecked Sendable {
  public let target: URL
  let staging: URL
  /// `staging.path`, made once: file names are joined to it as text (`create`), since URL operations
  /// cost tens of thousands of instructions per file, which 40,000 clinician pages felt.
  private let stagingPath: String
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

  static let stagingMarker = ".partial-"

  public init(path: String) throws {
    target = URL(fileURLWithPath: path).standardizedFileURL
    let name = target.lastPathComponent
    guard target.path != "/", !name.isEmpty, name != ".", name != ".." else {
      throw OutputError(path: target.path, reason: "cannot be the report folder: name a folder inside it")
    }
    try OutputFolder.checkReplaceable(target)

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
      if mkdir(url.path, 0o777) == 0 {
        created.append(url)
      } else if errno != EEXIST {
        let reason = OutputError.describe(errno)
        OutputFolder.removeEmpty(created.reversed())
        throw OutputError(path: target.path, reason: "cannot create the folder \(url.path): \(reason)")
      }
    }
    createdParents = created.reversed()

    OutputFolder.removeLeftovers(of: name, in: parent)
    staging = parent.appendingPathComponent(".\(name)\(OutputFolder.stagingMarker)\(OutputFolder.runTag())")
    stagingPath = staging.path
    if mkdir(stagingPath, 0o777) != 0 {
      let reason = OutputError.describe(errno)
      OutputFolder.removeEmpty(createdParents)
      throw OutputError(path: target.path, reason: "cannot write in \(parent.path): \(reason)")
    }
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
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    creating.unlock()
    guard fd >= 0 else { throw OutputError(path: path, reason: OutputError.describe(errno)) }
    return OutputFile(fd: fd, path: path)
  }

  /// Creates `folder` (relative to the staging folder) and its parents once; later calls find it made.
  private func makeFolder(_ folder: String) throws {
    folders.lock()
    defer { folders.unlock() }
    guard !madeFolders.contains(folder) else { return }
    try FileManager.default.createDirectory(atPath: stagingPath + "/" + folder, withIntermediateDirectories: true)
    madeFolders.insert(folder)
  }

  /// Puts the finished folder in place of the target, replacing an earlier report.
  public func commit() throws {
    // A few rounds: each failure below means another run changed the target in between.
    for _ in 0..<16 {
      if rename(stagingPath, target.path) == 0 { return }
      let error = errno
      guard error == EEXIST || error == ENOTEMPTY else {
        throw OutputError(path: target.path, reason: "cannot put the report in place: \(OutputError.describe(error))")
      }
      try OutputFolder.checkReplaceable(target)
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
    let aside = target.deletingLastPathComponent()
      .appendingPathComponent(".\(target.lastPathComponent)\(OutputFolder.stagingMarker)\(OutputFolder.runTag())")
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
    OutputFolder.removeEmpty(createdParents)
  }

  /// True for relative paths made of plain names: no `..`, no leading `/`, no empty parts.
  public static func isSafeRelativePath(_ name: String) -> Bool {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    return !name.isEmpty && !name.hasPrefix("/")
      && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }
  }

  // MARK: - Helpers

  /// The names romtrack writes into a report or export folder. A folder holding only these is one of
  /// its own, even without its manifest.json (the example report is committed without it).
  static let ownNames: Set<String> = [
    "manifest.json", "index.html", "clinicians", "clients.csv", "worklist.csv", "events.csv", "summary.csv",
    "trends.csv", "model.json", "rejects.csv", "aggregates.csv", "alliance_outcome.csv", "README.txt",
  ]

  /// Throws unless `url` is absent, an empty folder, or a folder romtrack wrote: one with a
  /// manifest.json, or holding nothing but the files romtrack writes.
  static func checkReplaceable(_ url: URL) throws {
    guard exists(url) else { return }
    guard isDirectory(url) else {
      throw OutputError(path: url.path, reason: "is a file, not a folder; give --out a folder for the report")
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    if entries.isEmpty || entries.contains("manifest.json") || entries.allSatisfy(ownNames.contains) { return }
    throw OutputError(
      path: url.path,
      reason: "is a folder that holds other files, not a report (no manifest.json); the report replaces the"
        + " whole folder, so give --out a new or empty folder")
  }

  /// `<host>-<pid>-<random>`: what makes a staging name unique to one run.
  static func runTag() -> String {
    "\(hostName())-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
  }

  static func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let safe = name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" ? $0 : "_" }
    return safe.isEmpty ? "host" : String(safe)
  }

  /// Deletes the staging folders of `name` left in `parent` by runs of this machine that no longer
  /// run (killed, or stopped by a power cut), and those of earlier versions named `.partial-<pid>`
  /// or `.old-<pid>`. A staging folder of a live process, or of another machine, is left alone.
  static func removeLeftovers(of name: String, in parent: URL) {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
    let host = hostName()
    for entry in entries {
      let pid: Int32?
      if entry.hasPrefix(".\(name)\(stagingMarker)") {
        let tag = entry.dropFirst(name.count + 1 + stagingMarker.count)
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1 {
          pid = Int32(parts[0])  // an earlier version's `.partial-<pid>`
        } else if parts.count >= 3, parts.dropLast(2).joined(separator: "-") == host {
          pid = Int32(parts[parts.count - 2])
        } else {
          pid = nil
        }
      } else if entry.hasPrefix(".\(name).old-") {
        pid = Int32(entry.dropFirst(name.count + 6))
      } else {
        pid = nil
      }
      guard let pid, pid > 0, !isRunning(pid) else { continue }
      try? FileManager.default.removeItem(at: parent.appendingPathComponent(entry))
    }
  }

  static func isRunning(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }

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
