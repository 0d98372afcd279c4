import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An output folder written atomically (FORMATS.md): files go into a hidden temporary folder beside
/// the target, which replaces the target only when every file is written. A run that fails or is
/// killed halfway leaves the previous report as it was.
///
/// Nothing is written outside the target's parent folder, and file names are checked to stay inside it.
public final class OutputFolder {
  public let target: URL
  let staging: URL

  public init(path: String) throws {
    target = URL(fileURLWithPath: path).standardizedFileURL
    let parent = target.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
    try? FileManager.default.removeItem(at: staging)
    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
  }

  /// Writes `bytes` to `name` (a relative path without `..`) inside the folder.
  public func write(_ name: String, _ bytes: [UInt8]) throws {
    precondition(OutputFolder.isSafeRelativePath(name), "unsafe output file name")
    let url = staging.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    // Straight from the buffer with write(2): no second copy of a file that may be hundreds of MB.
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputError(path: url.path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    try bytes.withUnsafeBytes { buffer in
      var done = 0
      while done < buffer.count {
        let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
        if n < 0 {
          if errno == EINTR { continue }
          throw OutputError(path: url.path, reason: String(cString: strerror(errno)))
        }
        done += n
      }
    }
  }

  /// Moves the finished folder into place, replacing an earlier one.
  public func commit() throws {
    let fm = FileManager.default
    if fm.fileExists(atPath: target.path) {
      let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
      try fm.moveItem(at: target, to: old)
      try fm.moveItem(at: staging, to: target)
      try? fm.removeItem(at: old)
    } else {
      try fm.moveItem(at: staging, to: target)
    }
  }

  /// Removes the unfinished folder.
  public func discard() {
    try? FileManager.default.removeItem(at: staging)
  }

  /// True for relative paths made of plain names: no `..`, no leading `/`, no empty parts.
  public static func isSafeRelativePath(_ name: String) -> Bool {
    let parts = name.split(separator: "/", omittingEmptySubsequences: false)
    return !name.isEmpty && !name.hasPrefix("/")
      && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }
  }
}

/// A file of the output folder that could not be written.
public struct OutputError: Error, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "\(path): \(reason)" }
}
