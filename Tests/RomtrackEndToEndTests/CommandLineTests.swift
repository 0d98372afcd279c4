import Foundation
import Testing

/// The command line as users meet it: exit codes, messages, files written.
@Suite struct CommandLineTests {
  let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\n"

  /// Writes `text` to scores.csv in `folder` and runs `romtrack validate` on it with `--json-summary`.
  func validate(_ text: String, in folder: URL) throws -> (run: RomtrackProcess.Outcome, input: URL, summary: [String: Any]?) {
    let input = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(text, to: input)
    let run = try RomtrackProcess.run(["validate", input.path, "--out", folder.path, "--json-summary"])
    #expect(run.status == 0, "\(run.stderr)")
    return (run, input, try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
  }

  @Test func validateReportsReconciliationAndWritesRejects() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = header
    for s in 1...30 { text += "C1,E1,T1,North,PHQ9,\(s),2026-01-\(String(format: "%02d", s)),\(20 - s / 2),\n" }
    text += "C2,E1,T1,North,PHQ9,1,2026-01-05,31,\n"
    let (run, input, summary) = try validate(text, in: folder)
    #expect(summary?["rows_read"] as? Int == 31)
    #expect(summary?["rows_used"] as? Int == 30)
    #expect(summary?["rows_rejected"] as? Int == 1)
    #expect(summary?["balances"] as? Bool == true)
    #expect(run.stderr.contains("rows read 31 = used 30 + rejected 1 + exact duplicates dropped 0"))
    let rejects = RomtrackProcess.read(folder.appendingPathComponent("rejects.csv"))
    #expect(rejects == "file,line,field,reason,detail,raw\n\(input.path),32,score,out_of_range,score 31 is outside the PHQ9 range 0-27,\"C2,E1,T1,North,PHQ9,1,2026-01-05,31,\"\n")
  }

  /// The summary counts each client once, whatever its episodes, instruments and place in the file.
  @Test func theSummaryCountsClientsOnce() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = header
    for (client, episode, instrument) in [("C2", "E1", "PHQ9"), ("C1", "E1", "GAD7"), ("C2", "E2", "PHQ9"), ("C1", "E1", "PHQ9"), ("C3", "E1", "SRS"), ("C2", "E1", "GAD7")] {
      for s in 1...3 { text += "\(client),\(episode),T1,North,\(instrument),\(s),2026-01-0\(s),9,\n" }
    }
    let summary = try validate(text, in: folder).summary
    #expect(summary?["clients"] as? Int == 3)
    #expect(summary?["episodes"] as? Int == 4)
  }

  @Test func tooManyRejectsFailWithExitCode2AfterWritingRejects() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let input = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(header + "C1,E1,T1,North,PHQ9,1,2026-01-05,12,\nC1,E1,T1,North,XYZ,2,2026-01-12,9,\n", to: input)
    let run = try RomtrackProcess.run(["validate", input.path, "--out", folder.path, "--quiet"])
    #expect(run.status == 2)
    #expect(run.stderr == "romtrack: 50.0% of rows were rejected, more than --max-reject-rate 5.0%; see rejects.csv\n")
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects.csv").path))
    let tolerant = try RomtrackProcess.run(["validate", input.path, "--out", folder.path, "--quiet", "--max-reject-rate", "0.5"])
    #expect(tolerant.status == 0)
  }

  @Test func unreadableInputIsExitCode2WithOneLine() throws {
    let missing = try RomtrackProcess.run(["validate", "/nonexistent/scores.csv"])
    #expect(missing.status == 2)
    #expect(missing.stderr == "romtrack: /nonexistent/scores.csv: cannot open: No such file or directory\n")
    let folder = RomtrackProcess.temporaryFolder()
    let noHeader = folder.appendingPathComponent("x.csv")
    RomtrackProcess.write("a,b\n1,2\n", to: noHeader)
    let run = try RomtrackProcess.run(["validate", noHeader.path])
    #expect(run.status == 2)
    #expect(run.stderr.hasPrefix("romtrack: \(noHeader.path): no column for required field client_id, score, instrument, session or date"))
  }

  @Test func usageErrorsAreExitCode1() throws {
    #expect(try RomtrackProcess.run(["validate", "--no-such-flag", "x.csv"]).status == 1)
    #expect(try RomtrackProcess.run(["report", "--period", "October"]).status == 1)
    #expect(try RomtrackProcess.run(["validate", "x.csv", "--map", "patient=PatientID"]).status == 1)
    #expect(try RomtrackProcess.run(["frobnicate"]).status == 1)
    #expect(try RomtrackProcess.run(["--help"]).status == 0)
    #expect(try RomtrackProcess.run(["--version"]).stdout == "0.1.0\n")
  }

  @Test func reportWritesItsFolderAtomically() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let outcomes = folder.appendingPathComponent("outcomes.csv")
    RomtrackProcess.write(header + "C1,E1,T1,North,PHQ9,1,2026-09-05,18,\nC1,E1,T1,North,PHQ9,2,2026-10-05,12,\nC1,E1,T1,North,PHQ9,3,2026-11-05,9,\n", to: outcomes)
    let out = folder.appendingPathComponent("report")
    let run = try RomtrackProcess.run(["report", "--outcomes", outcomes.path, "--period", "2026-10", "--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("period 2026-10, scores up to 2026-10-31"))
    #expect(run.stderr.contains("+ after the as-of date 1"))
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    #expect(files == [
      ".romtrack-output", "clients.csv", "clinicians", "events.csv", "index.html", "manifest.json", "model.json", "rejects.csv",
      "summary.csv", "trends.csv", "worklist.csv",
    ])
    let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
    #expect(manifest?["as_of"] as? String == "2026-10-31")
    let reconciliation = manifest?["reconciliation"] as? [String: Any]
    #expect(reconciliation?["rows_read"] as? Int == 3)
    #expect(reconciliation?["rows_after_as_of"] as? Int == 1)
    // No temporary folders are left beside the report.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["outcomes.csv", "report"])
  }

  @Test func instrumentsListsTheRegistry() throws {
    let run = try RomtrackProcess.run(["instruments"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("PHQ9    PHQ-9"))
    let one = try RomtrackProcess.run(["instruments", "gad-7"])
    #expect(one.stdout.hasPrefix("GAD7\n"))
    #expect(try RomtrackProcess.run(["instruments", "NOPE"]).status == 2)
  }
}
