import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The report folder is health data and the last good copy of it matters: an --out that cannot be
/// used fails cleanly, a run killed while writing leaves the previous report whole, concurrent runs
/// never mix files, and no cell of a CSV output can run as a spreadsheet formula.
@Suite(.serialized) struct OutputSafetyTests {
  static let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score\n"

  /// A small valid input in `folder`.
  static func smallInput(in folder: URL, name: String = "scores.csv") -> URL {
    let file = folder.appendingPathComponent(name)
    var text = header
    for c in 1...5 {
      for s in 1...4 { text += "C\(c),E1,T\(c % 2),North,PHQ9,\(s),2026-09-\(String(format: "%02d", 7 * s)),\(20 - c - 2 * s)\n" }
    }
    RomtrackProcess.write(text, to: file)
    return file
  }

  /// Every file of a folder (recursively) with its bytes; JSON files without what differs from run
  /// to run (manifest.json's creation time and phase timings, the seconds an ETR fit took in
  /// model.json); with `raw`, every file's exact bytes.
  static func snapshot(_ folder: URL, raw: Bool = false) throws -> [String: Data] {
    var files: [String: Data] = [:]
    let root = folder.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
    while let name = walker.nextObject() as? String {
      var isFolder: ObjCBool = false
      let path = root + "/" + name
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
      var data = try Data(contentsOf: URL(fileURLWithPath: path))
      if !raw && name.hasSuffix(".json") {
        func strip(_ value: Any) -> Any {
          if let object = value as? [String: Any] {
            return object.filter { !["created_at", "timings", "seconds"].contains($0.key) }.mapValues(strip)
          }
          if let array = value as? [Any] { return array.map(strip) }
          return value
        }
        data = try JSONSerialization.data(withJSONObject: strip(try JSONSerialization.jsonObject(with: data)), options: [.sortedKeys])
      }
      files[name] = data
    }
    return files
  }

  /// The files that differ between two runs with the same input: the manifest (times) and the marker
  /// (run id).
  static let ownRun: Set<String> = ["manifest.json", ".romtrack-output"]

  /// Entries of `folder` whose names mark a staging folder (of any report or export there).
  static func leftovers(of name: String, in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { $0.hasPrefix(".romtrack-partial-") }.sorted()
  }

  // MARK: - An --out that cannot be used

  @Test func outUnderARegularFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = OutputSafetyTests.smallInput(in: folder)
    RomtrackProcess.write("notes\n", to: folder.appendingPathComponent("notes.txt"))
    let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    for out in ["notes.txt/report", "notes.txt/a/b/report"] {
      let run = try RomtrackProcess.run(["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", out], in: folder)
      #expect(run.status == 1)
      let target = folder.appendingPathComponent(out).standardizedFileURL.path
      let file = folder.appendingPathComponent("notes.txt").standardizedFileURL.path
      #expect(run.stderr.hasSuffix("romtrack: \(target): cannot create the report folder: \(file) is a file, not a folder\n"))
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
    }
    #expect(RomtrackProcess.read(folder.appendingPathComponent("notes.txt")) == "notes\n")
  }

  /// `--out` naming a file, or a folder that is not a report (here the folder with the input itself),
  /// is refused: the report replaces the whole folder, and must never take anything else with it.
  @Test func outThatIsNotAReportIsNeverReplaced() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = OutputSafetyTests.smallInput(in: folder)
    RomtrackProcess.write("notes\n", to: folder.appendingPathComponent("notes.txt"))
    let before = try OutputSafetyTests.snapshot(folder)
    let path = folder.standardizedFileURL.path

    let onFile = try RomtrackProcess.run(["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "scores.csv"], in: folder)
    #expect(onFile.status == 1)
    #expect(onFile.stderr.hasSuffix("romtrack: \(input.standardizedFileURL.path): holds scores.csv, the input file of this run; the report replaces the whole folder: give --out another folder\n"))
    let onOtherFile = try RomtrackProcess.run(["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "notes.txt"], in: folder)
    #expect(onOtherFile.status == 1)
    #expect(onOtherFile.stderr.hasSuffix("romtrack: \(path)/notes.txt: is a file, not a folder; give --out a folder for the report\n"))

    let onFolder = try RomtrackProcess.run(["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "."], in: folder)
    #expect(onFolder.status == 1)
    #expect(onFolder.stderr.hasSuffix(
      "romtrack: \(path): holds scores.csv, the input file of this run; the report replaces the whole folder: give --out another folder\n"))
    let other = folder.appendingPathComponent("other")
    try FileManager.default.createDirectory(at: other, withIntermediateDirectories: false)
    RomtrackProcess.write("notes\n", to: other.appendingPathComponent("notes.txt"))
    let onOther = try RomtrackProcess.run(["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", "other"], in: folder)
    #expect(onOther.status == 1)
    #expect(onOther.stderr.hasSuffix(
      "romtrack: \(other.standardizedFileURL.path): is a folder that holds other files, not a romtrack report or export (no .romtrack-output marker); the report replaces the whole folder, so give --out a new or empty folder\n"))
    #expect(RomtrackProcess.read(other.appendingPathComponent("notes.txt")) == "notes\n")
    try FileManager.default.removeItem(at: other)
    #expect(try OutputSafetyTests.snapshot(folder) == before)
    #expect(OutputSafetyTests.leftovers(of: folder.lastPathComponent, in: folder.deletingLastPathComponent()).isEmpty)

    // An empty folder, or an earlier report, is replaced.
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: false)
    for _ in 0..<2 {
      let run = try RomtrackProcess.run(["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "empty", "--quiet"], in: folder)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("empty/manifest.json").path))
    }
  }

  /// A parent folder without write permission: refused with one line, nothing created. As root,
  /// permissions do not apply, so romtrack is run as the unprivileged user `nobody` through setpriv.
  @Test func readOnlyParent() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer {
      chmod(folder.path, 0o755)
      try? FileManager.default.removeItem(at: folder)
    }
    chmod(folder.path, 0o755)
    let input = OutputSafetyTests.smallInput(in: folder)
    let locked = folder.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
    chmod(locked.path, 0o555)
    let arguments = ["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", locked.appendingPathComponent("report").path]
    let run: RomtrackProcess.Outcome
    if getuid() != 0 {
      run = try RomtrackProcess.run(arguments)
    } else {
      // setpriv drops to uid and gid 65534 with no capabilities; the build folder must be readable.
      guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
        Issue.record("running as root without /usr/bin/setpriv: the read-only case cannot be checked")
        return
      }
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
      process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", RomtrackProcess.executable.path] + arguments
      process.currentDirectoryURL = folder
      let err = Pipe()
      process.standardError = err
      process.standardOutput = Pipe()
      try process.run()
      let stderr = err.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      run = .init(status: process.terminationStatus, stdout: "", stderr: String(decoding: stderr, as: UTF8.self))
    }
    #expect(run.status == 1)
    #expect(run.stderr.hasSuffix("romtrack: \(locked.path)/report: cannot write in \(locked.path): Permission denied\n"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: locked.path).isEmpty)
  }

  @Test func newNestedFoldersAreCreated() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = OutputSafetyTests.smallInput(in: folder)
    let run = try RomtrackProcess.run(["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", "a/b/c/report", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("a/b/c/report/manifest.json").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("a/b/c").path) == ["report"])
  }

  // MARK: - Killed halfway, concurrent runs, leftovers

  /// Practice data large enough that writing the report takes a while.
  static func largeInput(in folder: URL) throws -> (outcomes: String, alliance: String) {
    let run = try RomtrackProcess.run(["generate", "--clients", "5000", "--seed", "11", "--out", "data", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    return (folder.appendingPathComponent("data/outcomes.csv").path, folder.appendingPathComponent("data/alliance.csv").path)
  }

  /// SIGKILL while the report is being written: the previous report is still in place, whole and
  /// unchanged; the next run deletes the killed run's staging folder.
  @Test func killedWhileWritingLeavesThePreviousReport() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = try OutputSafetyTests.largeInput(in: folder)
    let report = folder.appendingPathComponent("report")
    let arguments = ["report", "--outcomes", data.outcomes, "--alliance", data.alliance, "--out", report.path, "--quiet"]
    let first = try RomtrackProcess.run(arguments + ["--period", "2026-06"])
    #expect(first.status == 0, "\(first.stderr)")
    let previous = try OutputSafetyTests.snapshot(report)
    #expect(previous.keys.contains("manifest.json") && previous.keys.contains("clients.csv"))

    var stoppedWhileWriting = false
    for _ in 0..<5 where !stoppedWhileWriting {
      let running = try RomtrackProcess.start(arguments + ["--period", "2026-09"])
      // Wait for the staging folder, freeze the run, and check it is still writing before the kill.
      let deadline = Date().addingTimeInterval(60)
      while Date() < deadline, running.process.isRunning, OutputSafetyTests.leftovers(of: "report", in: folder).isEmpty {
        usleep(500)
      }
      kill(running.pid, SIGSTOP)
      stoppedWhileWriting = running.process.isRunning && !OutputSafetyTests.leftovers(of: "report", in: folder).isEmpty
      if stoppedWhileWriting {
        // Mid-write: the target is the previous report, whole.
        #expect(try OutputSafetyTests.snapshot(report) == previous)
      }
      kill(running.pid, SIGKILL)
      let outcome = running.wait()
      if stoppedWhileWriting {
        #expect(outcome.signalled)
        #expect(try OutputSafetyTests.snapshot(report) == previous)
        #expect(OutputSafetyTests.leftovers(of: "report", in: folder).count == 1)
      } else {
        // The run finished before it could be stopped: put the previous report back and try again.
        try? FileManager.default.removeItem(at: report)
        #expect(try RomtrackProcess.run(arguments + ["--period", "2026-06"]).status == 0)
      }
    }
    #expect(stoppedWhileWriting, "no run could be stopped while writing")

    // The next run replaces the report and removes the killed run's staging folder.
    let next = try RomtrackProcess.run(arguments + ["--period", "2026-09"])
    #expect(next.status == 0, "\(next.stderr)")
    #expect(OutputSafetyTests.leftovers(of: "report", in: folder).isEmpty)
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: report.appendingPathComponent("manifest.json"))) as? [String: Any]
    #expect(manifest?["as_of"] as? String == "2026-09-30")
  }

  /// Two runs into the same folder at the same time, three rounds: both succeed, the folder then
  /// holds exactly one run's complete report (no file of the other), and nothing is left beside it.
  @Test func concurrentRunsEndWithOneCompleteReport() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let data = try OutputSafetyTests.largeInput(in: folder)
    func arguments(_ period: String, _ out: String) -> [String] {
      ["report", "--outcomes", data.outcomes, "--alliance", data.alliance, "--period", period, "--out", out, "--quiet"]
    }
    // The reports each run would write alone, to compare with (the command line differs in --out).
    var expected: [String: [String: Data]] = [:]
    for period in ["2026-08", "2026-09"] {
      let alone = folder.appendingPathComponent("alone-\(period)").path
      #expect(try RomtrackProcess.run(arguments(period, alone)).status == 0)
      expected[period] = try OutputSafetyTests.snapshot(URL(fileURLWithPath: alone)).filter { !OutputSafetyTests.ownRun.contains($0.key) }
    }
    let shared = folder.appendingPathComponent("shared")
    for round in 0..<3 {
      if round == 1 { try? FileManager.default.removeItem(at: shared) }  // also the first commit racing
      let a = try RomtrackProcess.start(arguments("2026-08", shared.path))
      let b = try RomtrackProcess.start(arguments("2026-09", shared.path))
      let (ra, rb) = (a.wait(), b.wait())
      #expect(ra.status == 0, "\(ra.stderr)")
      #expect(rb.status == 0, "\(rb.stderr)")
      let result = try OutputSafetyTests.snapshot(shared)
      let manifest = try JSONSerialization.jsonObject(with: result["manifest.json"] ?? Data()) as? [String: Any]
      let winner = (manifest?["as_of"] as? String).map { String($0.prefix(7)) } ?? "none"
      #expect(["2026-08", "2026-09"].contains(winner))
      #expect(result.filter { !OutputSafetyTests.ownRun.contains($0.key) } == expected[winner] ?? [:])
      #expect(OutputSafetyTests.leftovers(of: "shared", in: folder).isEmpty)
    }
  }

  /// Staging folders whose lock can be taken (runs that were killed) are deleted by the next run;
  /// one whose lock is held (here by this test process, as a live run holds it) is never touched,
  /// nor are folders of other names. An empty staging folder without its marker (a run killed between
  /// making the folder and locking it) is removed; one with files but no marker is left alone.
  @Test func onlyStagingFoldersWhoseLockCanBeTakenAreRemoved() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = OutputSafetyTests.smallInput(in: folder)
    func staging(_ name: String, marker: Bool = true) -> URL {
      let leftover = folder.appendingPathComponent(name)
      try? FileManager.default.createDirectory(at: leftover, withIntermediateDirectories: false)
      RomtrackProcess.write("health data\n", to: leftover.appendingPathComponent("clients.csv"))
      if marker { RomtrackProcess.write("", to: leftover.appendingPathComponent(".romtrack-output")) }
      return leftover
    }
    let live = staging(".romtrack-partial-00000000000000aa")
    _ = staging(".romtrack-partial-00000000000000bb")
    let emptyDead = folder.appendingPathComponent(".romtrack-partial-00000000000000cc")
    try FileManager.default.createDirectory(at: emptyDead, withIntermediateDirectories: false)
    _ = staging(".romtrack-partial-00000000000000dd", marker: false)
    _ = staging(".report.partial-host-1-1f2e")  // an earlier version's name: not romtrack's to judge now
    let lock = open(live.appendingPathComponent(".romtrack-output").path, O_RDWR)
    #expect(lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0)
    defer { close(lock) }

    let run = try RomtrackProcess.run(["report", "--outcomes", input.path, "--as-of", "2026-09-30", "--out", "report", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.sorted()
    #expect(left == [".report.partial-host-1-1f2e", ".romtrack-partial-00000000000000aa", ".romtrack-partial-00000000000000dd"])
    #expect(RomtrackProcess.read(live.appendingPathComponent("clients.csv")) == "health data\n")
  }

  // MARK: - Spreadsheet formulas

  /// Ids, clinicians and sites that start with = + - @ tab or CR come out with a leading ' in
  /// clients.csv, worklist.csv and rejects.csv, quoted where they hold a CR, comma or quote.
  @Test func formulaCellsAreNeutralised() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    // Worsening scores put every client on the worklist.
    var text = OutputSafetyTests.header
    let clients = [
      ("=1+2", "-T1", "@SUM(A1)"), ("+44", "+T2", "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
      ("\"\tC3\"", "@T3", "\"\rSouth\""), ("-5", "=T4", "-North"),
    ]
    for (client, clinician, site) in clients {
      for s in 1...4 { text += "\(client),E1,\(clinician),\(site),PHQ9,\(s),2026-09-\(String(format: "%02d", 7 * s)),\(8 + 4 * s)\n" }
    }
    text += "=cmd|' /C calc'!A0,E1,T1,North,PHQ9,1,2026-09-07\n"
    text += "@SUM(1),E1,T1,North,PHQ9,1,2026-09-07,99\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("scores.csv"))
    let run = try RomtrackProcess.run(
      ["report", "--outcomes", "scores.csv", "--as-of", "2026-09-30", "--out", "report", "--max-reject-rate", "0.2", "--quiet"], in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let report = folder.appendingPathComponent("report")

    let clientsCSV = RomtrackProcess.read(report.appendingPathComponent("clients.csv"))
    for line in [
      "'=1+2,E1,'-T1,'@SUM(A1),PHQ9,", "'+44,E1,'+T2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",PHQ9,",
      "'\tC3,E1,'@T3,\"'\rSouth\",PHQ9,", "'-5,E1,'=T4,'-North,PHQ9,",
    ] {
      #expect(clientsCSV.contains("\n" + line), "clients.csv lacks \(line.debugDescription)")
    }
    let worklist = RomtrackProcess.csvRecords(RomtrackProcess.read(report.appendingPathComponent("worklist.csv")))
    let header = worklist.first ?? []
    let rows = worklist.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    #expect(Set(rows.compactMap { $0["client_id"] }) == ["'=1+2", "'+44", "'\tC3", "'-5"])
    #expect(Set(rows.compactMap { $0["clinician_id"] }) == ["'-T1", "'+T2", "'@T3", "'=T4"])

    let rejects = RomtrackProcess.read(report.appendingPathComponent("rejects.csv"))
    #expect(rejects.contains(",\"'=cmd|' /C calc'!A0,E1,T1,North,PHQ9,1,2026-09-07\"\n"))
    #expect(rejects.contains(",\"'@SUM(1),E1,T1,North,PHQ9,1,2026-09-07,99\"\n"))
    // No cell of any CSV output starts with a formula character.
    for name in ["clients.csv", "worklist.csv", "events.csv", "rejects.csv"] {
      let records = RomtrackProcess.csvRecords(RomtrackProcess.read(report.appendingPathComponent(name)))
      for record in records {
        for cell in record {
          guard let first = cell.unicodeScalars.first else { continue }
          let isNumber = Double(cell) != nil
          #expect(isNumber || !["=", "+", "-", "@", "\t", "\r"].contains(first), "\(name): \(cell.debugDescription)")
        }
      }
    }
  }
}
