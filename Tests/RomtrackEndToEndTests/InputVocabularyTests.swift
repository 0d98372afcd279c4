import Foundation
import Testing

/// One way to name inputs in every command, with help for the usual slips (issue 21, item 8), and
/// the report's side of transfers and unreadable dates.
@Suite struct InputVocabularyTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BadInput")

  /// A small practice: C1 moves from Dr Adams to Dr Brown in October 2026.
  let scores = """
    client_id,episode_id,clinician_id,site,instrument,session,date,score
    C1,E1,Dr Adams,North,PHQ9,1,2026-10-01,20
    C1,E1,Dr Adams,North,PHQ9,2,2026-10-08,18
    C1,E1,Dr Brown,North,PHQ9,3,2026-10-15,15
    C2,E1,Dr Brown,North,PHQ9,1,2026-10-02,-99
    C2,E1,Dr Brown,North,PHQ9,2,2026-10-09,NA
    C2,E1,Dr Brown,North,PHQ9,3,2026-10-16,12

    """

  @Test func everyCommandTakesFilesTheSameWays() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(scores, to: input)
    for arguments in [
      ["validate", input.path], ["validate", "--outcomes", input.path], ["validate", "--input", input.path],
      ["report", input.path, "--period", "2026-10", "--out", folder.appendingPathComponent("r1").path],
      ["report", "--input", input.path, "--period", "2026-10", "--out", folder.appendingPathComponent("r2").path],
      ["export", input.path, "--period", "2026-10", "--out", folder.appendingPathComponent("e1").path],
    ] {
      let run = try RomtrackProcess.run(arguments + ["--na", "-99", "--quiet", "--max-reject-rate", "1"])
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
    }
  }

  @Test func naAddsATokenAndKeepsNA() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(scores, to: input)
    let run = try RomtrackProcess.run(["validate", input.path, "--na", "-99", "--json-summary", "--out", folder.path])
    let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    #expect(run.status == 0, "\(run.stderr)")
    // -99 and NA are both missing scores: no rejects.
    #expect(summary?["missing_scores"] as? Int == 2 && summary?["rows_rejected"] as? Int == 0)
  }

  @Test func aFileWhereTheCommandBelongsIsNamed() throws {
    let run = try RomtrackProcess.run(["scores.csv"])
    #expect(run.status == 1)
    #expect(run.stderr.contains("scores.csv is a file, not a command: name the command first, e.g. romtrack report scores.csv"))
  }

  @Test func everyHelpHasAnExampleAndEachDefaultOnce() throws {
    for command in [[], ["report"], ["export"], ["validate"], ["model"], ["generate"], ["instruments"]] {
      let help = try RomtrackProcess.run(command + ["--help"]).stdout
      #expect(help.contains("Example: romtrack"), "\(command)")
      // An option's help (its lines up to the next option) names its default at most once.
      for block in help.components(separatedBy: "\n  -") {
        let text = block.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.components(separatedBy: "(default").count <= 2, "\(command): \(text)")
      }
    }
  }

  @Test func theEarlierClinicianSeesATransferredEpisode() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write(scores, to: input)
    let out = folder.appendingPathComponent("report")
    let run = try RomtrackProcess.run(["report", input.path, "--period", "2026-10", "--out", out.path, "--na", "-99"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("transfers: 1 episode changed clinician"))
    let clinicians = out.appendingPathComponent("clinicians")
    let pages = try FileManager.default.contentsOfDirectory(atPath: clinicians.path).map { RomtrackProcess.read(clinicians.appendingPathComponent($0)) }
    let adamsPage = try #require(pages.first { $0.contains("<h1>Dr Adams: caseload") })
    let brownPage = try #require(pages.first { $0.contains("<h1>Dr Brown: caseload") })
    #expect(adamsPage.contains("Transferred to another clinician: 1 active episodes"))
    #expect(adamsPage.contains("<td>Dr Brown</td>"))
    #expect(brownPage.contains("Caseload: 2 active episodes") && !brownPage.contains("Transferred to another"))
  }

  @Test func unreadableDatesAreNotNoDates() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try RomtrackProcess.run([
      "report", Self.corpus.appendingPathComponent("date-times-day-month.csv").path, "--out", folder.appendingPathComponent("r").path,
    ])
    #expect(run.status == 2)
    #expect(!run.stderr.contains("has no dates"))
    // Every row is rejected, so the run stops before the period is chosen (nothing written), and says
    // which --date-format reads the dates.
    #expect(run.stderr.contains("none of the 6 rows read is usable"))
    #expect(run.stderr.contains("dates that could not be read (e.g. \"05/01/2026 09:30\") read with --date-format DD/MM/YYYY"))
  }
}
