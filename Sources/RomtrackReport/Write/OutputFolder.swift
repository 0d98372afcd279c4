import Foundation

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
    try Data(bytes).write(to: url)
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
