import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The checks of `--out` made before anything is read or computed, each refusing with one line
/// (exit code 1): a run finds out at its start, not after an hour of work, that its folder cannot be
/// used.
extension OutputFolder {
  /// A file the run reads, which must not lie inside the folder the run replaces.
  public struct ReadFile: Sendable {
    /// What the file is to the run, for the message: "input file", "--salt-file", "--config".
    public var role: String
    public var path: String

    public init(_ role: String, _ path: String) {
      self.role = role
      self.path = path
    }
  }

  /// Throws unless `target` may be replaced: not a link, not a mount point, a name the file system
  /// takes, holding none of `reads`, and absent, empty, or a folder romtrack wrote (`OutputMarker`).
  static func checkTarget(_ target: URL, reads: [ReadFile]) throws {
    let name = target.lastPathComponent
    var info = stat()
    if lstat(target.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
      throw OutputError(
        path: target.path,
        reason: "is a symbolic link; the report replaces the folder by renaming, which would replace the link, not its folder: give --out the folder itself (\(realPath(target.path)))")
    }
    let parent = target.deletingLastPathComponent().path
    let nameMax = pathconf(existingAncestor(parent), Int32(_PC_NAME_MAX))
    let limit = nameMax > 0 ? nameMax : 255
    if name.utf8.count > limit {
      throw OutputError(path: target.path, reason: "the folder name is \(name.utf8.count) bytes, more than the \(limit) this file system allows")
    }
    let real = realPath(target.path)
    if isMountPoint(target.path, real: real) {
      throw OutputError(
        path: target.path,
        reason: "is a mount point; the report replaces the folder by renaming, which a mount point cannot be: give --out a folder inside it")
    }
    for file in reads {
      let path = realPath(file.path)
      if path == real || path.hasPrefix(real == "/" ? "/" : real + "/") {
        throw OutputError(
          path: target.path,
          reason: "holds \(file.path), the \(file.role) of this run; the report replaces the whole folder: give --out another folder")
      }
    }
    try OutputMarker.checkReplaceable(target)
  }

  /// `path` with every link resolved, as far as it exists; the rest appended as given.
  static func realPath(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    var head = absolute
    var tail: [String] = []
    while head != "/" {
      if let resolved = realpath(head, nil) {
        defer { free(resolved) }
        let base = String(cString: resolved)
        return tail.isEmpty ? base : (base == "/" ? "" : base) + "/" + tail.reversed().joined(separator: "/")
      }
      tail.append((head as NSString).lastPathComponent)
      head = (head as NSString).deletingLastPathComponent
    }
    return "/" + tail.reversed().joined(separator: "/")
  }

  /// The deepest folder of `path` that exists.
  static func existingAncestor(_ path: String) -> String {
    var folder = URL(fileURLWithPath: path).standardizedFileURL.path
    while !folder.isEmpty, folder != "/", access(folder, F_OK) != 0 {
      folder = (folder as NSString).deletingLastPathComponent
    }
    return folder.isEmpty ? "/" : folder
  }

  /// Whether `path` (resolved: `real`) is where a file system is mounted: another device than its
  /// parent, or listed in /proc/self/mountinfo (a bind mount of the same device).
  static func isMountPoint(_ path: String, real: String) -> Bool {
    var own = stat(), above = stat()
    guard lstat(path, &own) == 0, (own.st_mode & S_IFMT) == S_IFDIR else { return false }
    if stat((real as NSString).deletingLastPathComponent, &above) == 0, above.st_dev != own.st_dev { return true }
    guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return false }
    for line in table.split(separator: "\n") {
      let fields = line.split(separator: " ")
      if fields.count > 4, unescapeMountPath(fields[4]) == real { return true }
    }
    return false
  }

  /// A mountinfo path with its octal escapes (`\040` for a space) decoded.
  static func unescapeMountPath(_ field: Substring) -> String {
    var bytes: [UInt8] = []
    var utf8 = Array(field.utf8)[...]
    while let byte = utf8.popFirst() {
      if byte == UInt8(ascii: "\\"), utf8.count >= 3,
        let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8)
      {
        bytes.append(value)
        utf8 = utf8.dropFirst(3)
      } else {
        bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
