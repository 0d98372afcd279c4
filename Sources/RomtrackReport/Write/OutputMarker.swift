import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `.romtrack-output`: the file that marks a folder as one romtrack wrote, and names every file it
/// wrote there. romtrack replaces a folder only when this marker is romtrack's and the folder holds
/// nothing it does not list (`OutputMarker.checkReplaceable`): a folder with anything else in it,
/// a web app's `manifest.json` or a thesis, is never deleted.
///
/// The marker is also the run's lock while the folder is being written: the run holds an exclusive
/// `flock` on it in the staging folder (`StagingLock`).
///
/// JSON, keys sorted: `format` ("romtrack-output"), `format_version` (1), `command` (report or
/// export), `romtrack_version`, `files` (relative paths, sorted). No run id (manifest.json has it):
/// identical input gives a byte-identical folder, manifest.json aside, so the committed example report
/// stays unchanged when it is made again. A marker with a `run_id` (written by earlier builds) reads.
public struct OutputMarker: Codable, Equatable {
  public static let fileName = ".romtrack-output"
  public static let formatName = "romtrack-output"

  public var format = OutputMarker.formatName
  public var formatVersion = 1
  public var command: String
  public var romtrackVersion: String
  /// Read from markers of earlier builds; never written.
  public var runID: String?
  public var files: [String]

  enum CodingKeys: String, CodingKey {
    case format, command, files
    case formatVersion = "format_version"
    case romtrackVersion = "romtrack_version"
    case runID = "run_id"
  }

  public init(command: String, romtrackVersion: String, files: [String]) {
    self.command = command
    self.romtrackVersion = romtrackVersion
    self.runID = nil
    self.files = Set(files).sorted()
  }

  public func json() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(self)) + [0x0A]
  }

  /// The marker in `bytes`, or nil unless they are a romtrack marker of a format this version reads.
  public static func read(_ bytes: Data) -> OutputMarker? {
    guard let marker = try? JSONDecoder().decode(OutputMarker.self, from: bytes),
      marker.format == formatName, marker.formatVersion == 1
    else { return nil }
    return marker
  }

  // MARK: - Whether a folder may be replaced

  /// Throws unless `url` is absent, an empty folder, or a folder holding only the files its marker
  /// lists (and the marker), all in folders this process may delete from. Never follows a link.
  static func checkReplaceable(_ url: URL) throws {
    var info = stat()
    guard lstat(url.path, &info) == 0 else { return }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw OutputError(path: url.path, reason: "is a file, not a folder; give --out a folder for the report")
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    if entries.isEmpty { return }
    let again = "the report replaces the whole folder, so give --out a new or empty folder"
    guard entries.contains(fileName),
      let data = FileManager.default.contents(atPath: url.path + "/" + fileName),
      let marker = read(data)
    else {
      throw OutputError(
        path: url.path,
        reason: "is a folder that holds other files, not a romtrack report or export (no \(fileName) marker); " + again)
    }
    var listed = Set(marker.files)
    listed.insert(fileName)
    var folders: Set<String> = []
    for file in marker.files {
      // The folders above the file, deepest first, until one already known.
      var end = file.lastIndex(of: "/")
      while let slash = end, folders.insert(String(file[..<slash])).inserted {
        end = file[..<slash].lastIndex(of: "/")
      }
    }
    var foreign: [String] = []
    var unwritable: String?
    // readdir's entry types, not a stat per entry: an old report may hold 40,000 clinicians' pages.
    func walk(_ relative: String) {
      let path = relative.isEmpty ? url.path : url.path + "/" + relative
      if access(path, W_OK | X_OK) != 0 && unwritable == nil { unwritable = path }
      guard let folder = opendir(path) else {
        foreign.append(relative)
        return
      }
      defer { closedir(folder) }
      while let entry = readdir(folder) {
        let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if entryName == "." || entryName == ".." { continue }
        let name = relative.isEmpty ? entryName : relative + "/" + entryName
        var type = entry.pointee.d_type
        if type == UInt8(DT_UNKNOWN) {
          var entryInfo = stat()
          guard lstat(url.path + "/" + name, &entryInfo) == 0 else { continue }
          type = (entryInfo.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : (entryInfo.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0
        }
        if type == UInt8(DT_REG) && listed.contains(name) { continue }
        if type == UInt8(DT_DIR) && folders.contains(name) {
          walk(name)
          continue
        }
        foreign.append(name)
      }
    }
    walk("")
    foreign.sort()
    if !foreign.isEmpty {
      let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? " and \(foreign.count - 3) more" : "")
      throw OutputError(path: url.path, reason: "holds files romtrack did not write (\(shown)); " + again)
    }
    if let unwritable {
      throw OutputError(
        path: url.path,
        reason: "is a report this run could not delete after replacing it: \(unwritable) is not writable; give --out another folder")
    }
  }
}
