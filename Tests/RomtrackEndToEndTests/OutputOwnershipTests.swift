import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What romtrack may replace, and when: only a folder holding its own marker and nothing it did not
/// write, never one holding a file the run reads; an unusable --out found before any work; a failed
/// run leaving the previous report byte for byte; a live run's staging folder left alone by a run in
/// another PID namespace; outputs readable by their owner and group only. On the built executable.
@Suite(.serialized) struct OutputOwnershipTests {
  typealias Safety = OutputSafetyTests

  /// Every file under `folder` (hidden ones too) with its exact bytes.
  static func rawSnapshot(_ folder: URL) -> [String: Data] {
    (try? Safety.snapshot(folder, raw: true)) ?? [:]
  }

  static func json(_ url: URL) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any] ?? [:]
  }

  /// Runs `executable arguments...` in `folder` (for unshare, sh and setpriv around romtrack).
  static func runTool(_ executable: String, _ arguments: [String], in folder: URL) throws -> RomtrackProcess.Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    _ = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return .init(status: process.terminationStatus, stdout: "", stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// Whether `unshare arguments... true` works here (root, or user namespaces allowed).
  static func unshareWorks(_ arguments: [String]) -> Bool {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
    return (try? runTool("/usr/bin/unshare", arguments + ["true"], in: URL(fileURLWithPath: "/")))?.status == 0
  }

  static let pidNamespaces = unshareWorks(["--pid", "--fork", "--mount-proc"])
  static let mountNamespaces = getuid() == 0 && unshareWorks(["--mount"])

  // MARK: - Ownership

  /// The folder of issue 22: a web app with a manifest.json of its own. Refused, nothing touched.
  @Test func aFolderWithSomeoneElsesManifestIsNeverReplaced() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = Safety.smallInput(in: folder)
    let app = folder.appendingPathComponent("app")
    try FileManager.default.createDirectory(at: app.appendingPathComponent("src"), withIntermediateDirectories: true)
    RomtrackProcess.write("{\"name\": \"app\", \"start_url\": \"/\"}\n", to: app.appendingPathComponent("manifest.json"))
    RomtrackProcess.write("console.log(1)\n", to: app.appendingPathComponent("src/app.js"))
    RomtrackProcess.write("chapter 1\n", to: app.appendingPathComponent("thesis.docx"))
    let before = Self.rawSnapshot(app)
    for command in [["report"], ["export"]] {
      let run = try RomtrackProcess.run(command + ["--outcomes", input.path, "--as-of", "2026-09-30", "--out", "app"], in: folder)
      #expect(run.status == 1)
      #expect(run.stderr.hasSuffix(
        "romtrack: \(app.path): is a folder that holds other files, not a romtrack report or export (no .romtrack-output marker); the report replaces the whole folder, so give --out a new or empty folder\n"))
    }
    #expect(Self.rawSnapshot(app) == before)
    #expect(Safety.leftovers(of: "app", in: folder).isEmpty)
  }

  /// A report carries its marker (its files, the manifest's run id). A file added to it anywhere, or a
  /// marker that is not romtrack's, makes it a folder romtrack no longer replaces.
  @Test func aReportWithAFileAddedIsNotReplaced() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = Safety.smallInput(in: folder)
    let report = folder.appendingPathComponent("report")
    let arguments = ["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", report.path, "--quiet"]
    #expect(try RomtrackProcess.run(arguments).status == 0)
    let marker = Self.json(report.appendingPathComponent(".romtrack-output"))
    #expect(marker["format"] as? String == "romtrack-output")
    #expect(marker["command"] as? String == "report")
    // The run id is the manifest's alone: the marker is the same for the same input.
    #expect(marker["run_id"] == nil)
    #expect((Self.json(report.appendingPathComponent("manifest.json"))["run_id"] as? String)?.count == 32)
    let files = Set(Self.rawSnapshot(report).keys).subtracting([".romtrack-output"])
    #expect(Set(marker["files"] as? [String] ?? []) == files)

    for added in ["notes.txt", "clinicians/notes.html"] {
      RomtrackProcess.write("mine\n", to: report.appendingPathComponent(added))
      let before = Self.rawSnapshot(report)
      let run = try RomtrackProcess.run(arguments)
      #expect(run.status == 1)
      #expect(run.stderr.hasSuffix(
        "romtrack: \(report.path): holds files romtrack did not write (\(added)); the report replaces the whole folder, so give --out a new or empty folder\n"))
      #expect(Self.rawSnapshot(report) == before)
      try FileManager.default.removeItem(at: report.appendingPathComponent(added))
    }
    let real = try Data(contentsOf: report.appendingPathComponent(".romtrack-output"))
    RomtrackProcess.write("{\"format\": \"something-else\", \"files\": []}\n", to: report.appendingPathComponent(".romtrack-output"))
    #expect(try RomtrackProcess.run(arguments).status == 1)
    try real.write(to: report.appendingPathComponent(".romtrack-output"))
    // A report missing some of its files (the committed example has no manifest.json) is still one.
    try FileManager.default.removeItem(at: report.appendingPathComponent("manifest.json"))
    let again = try RomtrackProcess.run(arguments)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(Safety.leftovers(of: "report", in: folder).isEmpty)
  }

  /// An --out holding an input, the salt or the configuration is refused before anything is read:
  /// the run would otherwise delete what it reads.
  @Test func aFolderHoldingAFileTheRunReadsIsRefused() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let report = folder.appendingPathComponent("report")
    #expect(try RomtrackProcess.run(["report", "--outcomes", Safety.smallInput(in: folder).path, "--as-of", "2026-09-30", "--out", "report", "--quiet"], in: folder).status == 0)
    let input = Safety.smallInput(in: report, name: "scores.csv")
    // Written into the report after it was made, so not in its marker: its folder is not romtrack's
    // alone any more either. Listed in the marker, it is still refused for being read.
    var marker = Self.json(report.appendingPathComponent(".romtrack-output"))
    marker["files"] = (marker["files"] as? [String] ?? []) + ["scores.csv"]
    try JSONSerialization.data(withJSONObject: marker).write(to: report.appendingPathComponent(".romtrack-output"))
    let before = Self.rawSnapshot(report)
    let run = try RomtrackProcess.run(["report", "--outcomes", "report/scores.csv", "--as-of", "2026-09-30", "--out", "report"], in: folder)
    #expect(run.status == 1)
    #expect(run.stderr == "romtrack: \(report.path): holds report/scores.csv, the input file of this run; the report replaces the whole folder: give --out another folder\n")
    #expect(Self.rawSnapshot(report) == before)

    // The salt of the research export, in the folder given as --out.
    let exports = folder.appendingPathComponent("expdir")
    try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: false)
    RomtrackProcess.write("k3J9x-2fQ8vLw7Zp0aRt5mYc\n", to: exports.appendingPathComponent("practice.salt"))
    let export = try RomtrackProcess.run(
      ["export", "--outcomes", input.path, "--as-of", "2026-09-30", "--by", "clinician", "--salt-file", "expdir/practice.salt", "--out", "expdir"], in: folder)
    #expect(export.status == 1)
    #expect(export.stderr == "romtrack: \(exports.path): holds expdir/practice.salt, the --salt-file of this run; the report replaces the whole folder: give --out another folder\n")
    #expect(RomtrackProcess.read(exports.appendingPathComponent("practice.salt")) == "k3J9x-2fQ8vLw7Zp0aRt5mYc\n")

    // The configuration, and a parent of --out holding the input is fine.
    let settings = folder.appendingPathComponent("settings")
    try FileManager.default.createDirectory(at: settings, withIntermediateDirectories: false)
    RomtrackProcess.write("parameters:\n  ended_after_days: 42\n", to: settings.appendingPathComponent("romtrack.yml"))
    let config = try RomtrackProcess.run(
      ["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--config", "settings/romtrack.yml", "--out", "settings"], in: folder)
    #expect(config.status == 1)
    #expect(config.stderr.contains("holds settings/romtrack.yml, the --config file of this run"))
    let beside = try RomtrackProcess.run(["report", "--outcomes", "report/scores.csv", "--as-of", "2026-09-30", "--out", "report/sub", "--quiet"], in: folder)
    #expect(beside.status == 0, "\(beside.stderr)")
  }

  /// A link, a name too long for the file system: refused with exit code 1 before the input is read
  /// (here an input that does not exist, which would be exit code 2). A 240-byte name works: the
  /// staging name does not grow with it.
  @Test func anUnusableOutIsRefusedBeforeTheInputIsRead() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = Safety.smallInput(in: folder)
    let real = folder.appendingPathComponent("real")
    try FileManager.default.createDirectory(at: real, withIntermediateDirectories: false)
    try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: real.path)
    let link = try RomtrackProcess.run(["report", "--outcomes", "missing.csv", "--period", "2026-09", "--out", "link"], in: folder)
    #expect(link.status == 1)
    #expect(link.stderr == "romtrack: \(folder.path)/link: is a symbolic link; the report replaces the folder by renaming, which would replace the link, not its folder: give --out the folder itself (\(real.path))\n")

    let long = String(repeating: "r", count: 256)
    let tooLong = try RomtrackProcess.run(["report", "--outcomes", "missing.csv", "--period", "2026-09", "--out", long], in: folder)
    #expect(tooLong.status == 1)
    #expect(tooLong.stderr.hasSuffix(": the folder name is 256 bytes, more than the 255 this file system allows\n"))

    let name = String(repeating: "é", count: 120)  // 240 bytes
    for _ in 0..<2 {
      let run = try RomtrackProcess.run(["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", name, "--quiet"], in: folder)
      #expect(run.status == 0, "\(run.stderr)")
    }
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + "/index.html").path))
    #expect(Safety.leftovers(of: name, in: folder).isEmpty)
  }

  /// A mount point cannot be renamed: refused before any work. Mounted in a mount namespace of its
  /// own, so nothing outside the test sees the mount.
  @Test(.enabled(if: mountNamespaces, "needs root and `unshare --mount` to mount a tmpfs in a namespace of its own"))
  func aMountPointIsRefused() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mounted = folder.appendingPathComponent("mounted")
    try FileManager.default.createDirectory(at: mounted, withIntermediateDirectories: false)
    let script = "mount -t tmpfs romtrack-test \"$1\" && shift && exec \"$@\""
    let run = try Self.runTool(
      "/usr/bin/unshare",
      ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", mounted.path, RomtrackProcess.executable.path,
       "report", "--outcomes", "missing.csv", "--period", "2026-09", "--out", mounted.path],
      in: folder)
    #expect(run.status == 1)
    #expect(run.stderr == "romtrack: \(mounted.path): is a mount point; the report replaces the folder by renaming, which a mount point cannot be: give --out a folder inside it\n")
  }

  // MARK: - A failed run changes nothing

  /// Over --max-reject-rate, or with every row rejected (a forgotten --date-format): exit code 2, and
  /// the previous report (and export) byte for byte as it was, manifest included.
  @Test func aFailedRunLeavesThePreviousReportByteForByte() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = Safety.smallInput(in: folder)
    var bad = RomtrackProcess.read(input)
    bad += "C9,E1,T1,North,PHQ9,1,2026-09-07,99\nC9,E1,T1,North,PHQ9,2,2026-09-14,98\n"
    RomtrackProcess.write(bad, to: folder.appendingPathComponent("bad.csv"))
    for (command, out) in [("report", "report"), ("export", "export")] {
      let good = try RomtrackProcess.run([command, "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", out, "--quiet"], in: folder)
      #expect(good.status == 0, "\(good.stderr)")
      let previous = Self.rawSnapshot(folder.appendingPathComponent(out))
      #expect(previous[".romtrack-output"] != nil && previous["manifest.json"] != nil)

      let over = try RomtrackProcess.run([command, "--outcomes", "bad.csv", "--as-of", "2026-09-30", "--out", out, "--json-summary"], in: folder)
      #expect(over.status == 2)
      #expect(over.stdout.contains("\"rows_rejected\":2,"), "\(over.stdout)")
      #expect(over.stderr.contains("first out_of_range: bad.csv line 22, score: score 99 is outside the PHQ9 range 0-27\n"))
      #expect(over.stderr.hasSuffix(
        "romtrack: 9.1% of rows were rejected, more than --max-reject-rate 5.0%; nothing was written, the output folder is as it was; run `romtrack validate` on the same files for rejects.csv\n"))
      #expect(Self.rawSnapshot(folder.appendingPathComponent(out)) == previous)

      let none = try RomtrackProcess.run(
        [command, "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--date-format", "DD/MM/YYYY", "--max-reject-rate", "1", "--out", out, "--quiet"], in: folder)
      #expect(none.status == 2)
      #expect(none.stderr.hasPrefix("romtrack: none of the 20 rows read is usable (20 rejected); nothing was written"))
      #expect(Self.rawSnapshot(folder.appendingPathComponent(out)) == previous)
      #expect(Safety.leftovers(of: out, in: folder).isEmpty)
    }
  }

  /// A report written with rejected rows (within --max-reject-rate) says so in its manifest.
  @Test func theManifestRecordsEveryWarning() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = RomtrackProcess.read(Safety.smallInput(in: folder))
    text += "C9,E1,T1,North,PHQ9,1,2026-09-07,99\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("scores.csv"))
    let run = try RomtrackProcess.run(
      ["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "report", "--max-reject-rate", "0.1", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let warnings = Self.json(folder.appendingPathComponent("report/manifest.json"))["warnings"] as? [String]
    #expect(warnings.map { Array($0.prefix(2)) } == [
      "1 of 21 rows rejected (4.8%, within --max-reject-rate 10.0%): see rejects.csv",
      "rejected out_of_range: 1, first scores.csv line 22, score: score 99 is outside the PHQ9 range 0-27",
    ])
  }

  // MARK: - Permissions

  /// Report, export and validate's rejects.csv: files 0640 and folders 0750 under a usual umask, and
  /// a stricter umask (077) is respected: 0600 and 0700.
  @Test(arguments: ["022", "077"])
  func outputsAreReadableByOwnerAndGroupOnly(umask: String) throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = RomtrackProcess.read(Safety.smallInput(in: folder))
    text += "C9,E1,T1,North,PHQ9,1,2026-09-07,99\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("scores.csv"))
    let (file, directory): (mode_t, mode_t) = umask == "022" ? (0o640, 0o750) : (0o600, 0o700)
    let script = "umask \(umask) && exec \"$@\""
    for arguments in [
      ["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "new/report", "--max-reject-rate", "0.1"],
      ["export", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "export", "--max-reject-rate", "0.1"],
      ["validate", "scores.csv", "--out", "checks/today", "--max-reject-rate", "0.1"],
    ] {
      let run = try Self.runTool("/bin/sh", ["-c", script, "sh", RomtrackProcess.executable.path] + arguments, in: folder)
      #expect(run.status == 0, "\(run.stderr)")
    }
    var checked = 0
    for top in ["new", "export", "checks"] {
      let root = folder.appendingPathComponent(top)
      var paths = [root.path]
      let walker = FileManager.default.enumerator(atPath: root.path)
      while let name = walker?.nextObject() as? String { paths.append(root.path + "/" + name) }
      for path in paths {
        var info = stat()
        #expect(lstat(path, &info) == 0)
        let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
        #expect(info.st_mode & 0o777 == (isFolder ? directory : file), "\(path): \(String(info.st_mode & 0o777, radix: 8))")
        checked += 1
      }
    }
    #expect(checked > 15)
  }

  // MARK: - validate's rejects.csv

  /// A run without rejects removes the rejects.csv of an earlier run; a rejects.csv romtrack did not
  /// write, or one the run reads, is refused (exit 1) before anything is read or written.
  @Test func validateLeavesNoStaleRejectsFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = Safety.smallInput(in: folder)
    var text = RomtrackProcess.read(input)
    text += "C9,E1,T1,North,PHQ9,1,2026-09-07,99\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("bad.csv"))
    let rejects = folder.appendingPathComponent("out/rejects.csv")
    let first = try RomtrackProcess.run(["validate", "bad.csv", "--out", "out", "--max-reject-rate", "0.5", "--quiet"], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(RomtrackProcess.read(rejects).hasPrefix("file,line,field,reason,detail,raw\nbad.csv,22,score,out_of_range,"))
    let clean = try RomtrackProcess.run(["validate", "scores.csv", "--out", "out"], in: folder)
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(clean.stderr.contains("rejects: none; the earlier out/rejects.csv removed\n"))
    #expect(!FileManager.default.fileExists(atPath: rejects.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path).isEmpty)

    RomtrackProcess.write("my own list\n", to: rejects)
    let foreign = try RomtrackProcess.run(["validate", "scores.csv", "--out", "out"], in: folder)
    #expect(foreign.status == 1)
    #expect(foreign.stderr == "romtrack: out/rejects.csv: is not a rejects.csv romtrack wrote, and would be replaced; move it or give --out another folder\n")
    #expect(RomtrackProcess.read(rejects) == "my own list\n")

    try FileManager.default.copyItem(at: folder.appendingPathComponent("bad.csv"), to: folder.appendingPathComponent("rejects.csv"))
    let reads = try RomtrackProcess.run(["validate", "rejects.csv", "--max-reject-rate", "0.5"], in: folder)
    #expect(reads.status == 1)
    #expect(reads.stderr == "romtrack: ./rejects.csv: is a file this run reads; give --out another folder for rejects.csv\n")
    #expect(RomtrackProcess.read(folder.appendingPathComponent("rejects.csv")) == text)
  }

  // MARK: - Liveness across PID namespaces

  /// Issue 22's race: a run in another PID namespace (as in a container sharing the host name) cannot
  /// see the first run's process, and once deleted its staging files while it wrote. Now the first
  /// run's lock stops it: the second run leaves the staging folder alone, and the first completes
  /// with its whole report.
  @Test(.enabled(if: pidNamespaces, "`unshare --pid --fork --mount-proc` is not allowed here (needs root or user namespaces)"))
  func aRunInAnotherPIDNamespaceLeavesALiveRunAlone() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = try Safety.largeInput(in: folder)
    let small = Safety.smallInput(in: folder)
    let arguments = ["report", "--outcomes", data.outcomes, "--alliance", data.alliance, "--period", "2026-09", "--quiet"]
    let alone = folder.appendingPathComponent("alone")
    #expect(try RomtrackProcess.run(arguments + ["--out", alone.path]).status == 0)
    let expected = try Safety.snapshot(alone).filter { $0.key != "manifest.json" && $0.key != ".romtrack-output" }
    let shared = folder.appendingPathComponent("shared")

    var raced = false
    for _ in 0..<3 where !raced {
      let first = try RomtrackProcess.start(arguments + ["--out", shared.path])
      // Wait until the first run is writing its files into its staging folder, then freeze it there.
      let deadline = Date().addingTimeInterval(120)
      var staging: URL?
      while Date() < deadline, first.process.isRunning {
        if let name = Safety.leftovers(of: "shared", in: folder).first,
          FileManager.default.fileExists(atPath: folder.appendingPathComponent(name + "/clients.csv").path)
        {
          staging = folder.appendingPathComponent(name)
          break
        }
        usleep(500)
      }
      kill(first.pid, SIGSTOP)
      guard let staging, first.process.isRunning, FileManager.default.fileExists(atPath: staging.path) else {
        kill(first.pid, SIGCONT)
        _ = first.wait()
        continue
      }
      raced = true
      let frozen = Set(Self.rawSnapshot(staging).keys)
      let second = try Self.runTool(
        "/usr/bin/unshare",
        ["--pid", "--fork", "--mount-proc", RomtrackProcess.executable.path, "report", "--outcomes", small.path, "--as-of", "2026-09-30",
         "--out", shared.path, "--quiet"],
        in: folder)
      #expect(second.status == 0, "\(second.stderr)")
      #expect(FileManager.default.fileExists(atPath: staging.path), "the live run's staging folder was deleted")
      #expect(Set(Self.rawSnapshot(staging).keys) == frozen)
      kill(first.pid, SIGCONT)
      let outcome = first.wait()
      #expect(outcome.status == 0, "\(outcome.stderr)")
      let result = try Safety.snapshot(shared).filter { $0.key != "manifest.json" && $0.key != ".romtrack-output" }
      #expect(result == expected, "the first run's report is not whole")
      #expect(Safety.leftovers(of: "shared", in: folder).isEmpty)
    }
    #expect(raced, "the first run could not be stopped while writing")
  }
}
