import Foundation
import Testing

/// Numbers at the edges and hostile text, from the command line: every parameter is range-checked
/// before any work (exit 1), scores near the largest double never stop the process, and nothing
/// from the data reaches the terminal as a control sequence.
struct BoundsTests {
  static let root = ExampleReportTests.root
  static let sample = ["--outcomes", "data/sample/outcomes.csv", "--alliance", "data/sample/alliance.csv"]

  @Test(arguments: [
    (["report", "--repair-window", "9223372036854775800"], "--repair-window 9223372036854775800: must be at most 100000"),
    (["report", "--period", "0000-05"], "--period 0000-05: the year must be from 1001 to 9999"),
    (["export", "--period", "0000-05"], "--period 0000-05: the year must be from 1001 to 9999"),
    (["report", "--as-of", "1000-12-31"], "--as-of 1000-12-31: the year must be from 1001 to 9999"),
    (["report", "--stall-window", "0x10"], "--stall-window 0x10: expected a whole number"),
    (["report", "--stall-window", "1e1"], "--stall-window 1e1: expected a whole number"),
    (["report", "--signal-red", "1e300"], "--signal-red 1e300: must be at most 100"),
    (["report", "--ended-after-days", "99999999"], "--ended-after-days must be from 1 to 36525"),
    (["report", "--threads", "100000"], "--threads must be from 1 to 4096"),
    (["export", "--suppress", "99999999999"], "--suppress 99999999999: give a count of at most 1000000"),
  ])
  func parametersOutOfRangeAreUsageErrors(arguments: [String], message: String) throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("out")
    let run = try RomtrackProcess.run(arguments + Self.sample + ["--out", out.path, "--quiet"], in: Self.root)
    #expect(run.status == 1 && !run.signalled)
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test(arguments: [
    (["--end", "0001-01"], "end month 0001-01 is out of range"),
    (["--months", "24400"], "24400 months before 2026-10 reach before the year 1001"),
    (["--clients", "1000000000000"], "--clients must be from 1 to 100000000"),
  ])
  func generatorSettingsAreCheckedBeforeUse(arguments: [String], message: String) throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("generated")
    let run = try RomtrackProcess.run(["generate", "--clients", "10", "--out", out.path] + arguments)
    #expect(run.status == 1 && !run.signalled)
    #expect(run.stderr.contains(message), "\(run.stderr)")
  }

  @Test func scoresNearTheLargestDoubleGiveMissingStatisticsNotACrash() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let config = folder.appendingPathComponent("big.yml")
    RomtrackProcess.write(
      "instruments:\n  - name: BIG\n    kind: outcome\n    min: 0\n    max: 1e308\n    better: lower\n    reliable_change_points: 1e300\n",
      to: config)
    let nines = "9" + String(repeating: "0", count: 307)
    let huge = "1" + String(repeating: "0", count: 200)
    var lines = ["client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end"]
    for c in 0..<6 {
      for s in 1...4 { lines.append("C\(c),E1,T1,North,BIG,\(s),2026-0\(s + 5)-0\(c + 1),\(s % 2 == 0 ? nines : "0"),") }
    }
    for (s, score) in ["0", huge, "0"].enumerated() { lines.append("Z1,E1,T1,North,BIG,\(s + 1),2026-0\(s + 6)-10,\(score),") }
    let data = folder.appendingPathComponent("big.csv")
    RomtrackProcess.write(lines.joined(separator: "\n") + "\n", to: data)
    for command in ["report", "export"] {
      let out = folder.appendingPathComponent(command)
      let run = try RomtrackProcess.run(
        [command, "--config", config.path, "--outcomes", data.path, "--period", "2026-10", "--out", out.path, "--quiet"])
      #expect(run.status == 0 && !run.signalled, "\(command): \(run.stderr)")
    }
    let clients = RomtrackProcess.csvRecords(RomtrackProcess.read(folder.appendingPathComponent("report/clients.csv")))
    let header = clients[0]
    let z = try #require(clients.first { $0.first == "Z1" })
    func cell(_ name: String) -> String { z[header.firstIndex(of: name)!] }
    // The slope of 0, 1e200, 0 is 0; its standard error and interval overflow and are missing.
    #expect(cell("n_scores") == "3")
    #expect(cell("slope") == "0.0000")
    #expect(cell("slope_se") == "" && cell("slope_lo") == "" && cell("slope_hi") == "")
    #expect(cell("diagnostics").contains("non_finite_fit"))
  }

  @Test func controlCharactersFromTheDataAreEscapedOnTheTerminal() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let hostile = "\u{1B}]0;pwned\u{07}\u{9B}2J"
    let data = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(
      "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\nC1,E1,T1,North,PHQ9,1,2026-09-01,12,\nC1,E1,T1,North,\(hostile),2,2026-09-08,10,\n",
      to: data)
    let validate = try RomtrackProcess.run(["validate", "--outcomes", data.path, "--out", folder.appendingPathComponent("v").path])
    #expect(!validate.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(validate.stderr.debugDescription)")
    #expect(validate.stderr.contains("\\x1b]0;pwned\\x07\\u{9b}2J"), "\(validate.stderr.debugDescription)")

    let config = folder.appendingPathComponent("romtrack.yml")
    RomtrackProcess.write("instruments:\n  - name: PHQ9\n    source: \"\\e]0;pwned\\a\"\n", to: config)
    for arguments in [["instruments", "--config", config.path], ["instruments", "PHQ9", "--config", config.path]] {
      let run = try RomtrackProcess.run(arguments)
      #expect(run.status == 0, "\(run.stderr)")
      #expect(!run.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(run.stdout.debugDescription)")
    }
    let detail = try RomtrackProcess.run(["instruments", "PHQ9", "--config", config.path])
    #expect(detail.stdout.contains("\\x1b]0;pwned\\x07"), "\(detail.stdout)")
    // An error message naming a hostile file is escaped too.
    let missing = try RomtrackProcess.run(["validate", "--outcomes", folder.appendingPathComponent("\u{1B}[31mred.csv").path])
    #expect(missing.status != 0)
    #expect(!missing.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(missing.stderr.debugDescription)")
  }
}
