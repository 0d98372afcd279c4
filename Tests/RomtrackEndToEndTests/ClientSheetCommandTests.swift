import Foundation
import Testing

/// The progress sheets from the command line: none unless asked for, `romtrack sheet` for one client,
/// a practice's own wording through the config file, and clear failures.
struct ClientSheetCommandTests {
  static func sheets(in folder: URL) -> [String] {
    ExampleReportTests.files(in: folder).filter { $0.contains("/clients/") }
  }

  @Test func reportWritesNoSheetUnlessAsked() throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("plain")
    let run = try RomtrackProcess.run(["report", "--quiet", "--out", out.path], in: ExampleReportTests.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(Self.sheets(in: out).isEmpty)
    #expect(!RomtrackProcess.read(out.appendingPathComponent("clinicians/T01.html")).contains("progress sheet"))
  }

  @Test func reportWritesOneSheetPerActiveEpisodeLinkedFromTheClinician() throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("sheets")
    let run = try RomtrackProcess.run(["report", "--out", out.path, "--client-sheets"], in: ExampleReportTests.root)
    #expect(run.status == 0, "\(run.stderr)")
    let sheets = Self.sheets(in: out)
    let active = RomtrackProcess.csvRecords(RomtrackProcess.read(out.appendingPathComponent("clients.csv")))
    let header = active[0]
    let (client, episode, status) = (header.firstIndex(of: "client_id")!, header.firstIndex(of: "episode_id")!, header.firstIndex(of: "status")!)
    let episodes = Set(active.dropFirst().filter { $0.count == header.count && $0[status] == "active" }.map { "\($0[client]).\($0[episode]).html" })
    #expect(sheets.count == episodes.count)
    #expect(Set(sheets.map { String($0.split(separator: "/").last!) }) == episodes)
    #expect(run.stderr.contains("progress sheets: \(episodes.count)"))
    let t01 = RomtrackProcess.read(out.appendingPathComponent("clinicians/T01.html"))
    #expect(t01.contains("href=\"T01/clients/C000129.E1.html\">progress sheet</a>"))
    // The manifest times the stage.
    #expect(RomtrackProcess.read(out.appendingPathComponent("manifest.json")).contains("write client sheets"))
  }

  @Test func sheetCommandWritesOneClient() throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("one")
    let run = try RomtrackProcess.run(["sheet", "--quiet", "--client", "C000129", "--out", out.path], in: ExampleReportTests.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(ExampleReportTests.files(in: out) == ["C000129.E1.html"])
    let page = RomtrackProcess.read(out.appendingPathComponent("C000129.E1.html"))
    #expect(page.contains("<h1>Your progress</h1>") && page.contains("Your goals"))
    // The same bytes as the report's sheet of that episode.
    let report = ExampleReportTests.example.appendingPathComponent("clinicians/T01/clients/C000129.E1.html")
    #expect(page == RomtrackProcess.read(report))
  }

  @Test func sheetCommandNamesAnUnknownClient() throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("none")
    let run = try RomtrackProcess.run(["sheet", "--client", "NOBODY", "--out", out.path], in: ExampleReportTests.root)
    #expect(run.status == 2)
    #expect(run.stderr.contains("client NOBODY has no scores in the input"))
    #expect(!FileManager.default.fileExists(atPath: out.path))
    let episode = try RomtrackProcess.run(["sheet", "--client", "C000129", "--episode", "E9", "--out", out.path], in: ExampleReportTests.root)
    #expect(episode.status == 2)
    #expect(episode.stderr.contains("client C000129 has no episode E9; their episodes: E1"))
    let missing = try RomtrackProcess.run(["sheet"], in: ExampleReportTests.root)
    #expect(missing.status == 1)
  }

  @Test func practiceWordingFromTheConfigFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let printed = try RomtrackProcess.run(["sheet", "--print-wording"])
    #expect(printed.status == 0)
    let ours = printed.stdout.replacingOccurrences(of: "title: Your progress", with: "title: Hoe gaat het <met> jou?")
    RomtrackProcess.write(ours, to: folder.appendingPathComponent("wording.txt"))
    RomtrackProcess.write("client_sheet_wording: wording.txt\n", to: folder.appendingPathComponent("romtrack.yml"))
    let sample = ExampleReportTests.root.appendingPathComponent("data/sample")
    let arguments = [
      "sheet", "--quiet", "--client", "C000129", "--config", folder.appendingPathComponent("romtrack.yml").path,
      "--outcomes", sample.appendingPathComponent("outcomes.csv").path, "--outcomes", sample.appendingPathComponent("goals.csv").path,
      "--alliance", sample.appendingPathComponent("alliance.csv").path,
    ]
    let out = folder.appendingPathComponent("out")
    let run = try RomtrackProcess.run(arguments + ["--out", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(RomtrackProcess.read(out.appendingPathComponent("C000129.E1.html")).contains("<h1>Hoe gaat het &lt;met&gt; jou?</h1>"))
    RomtrackProcess.write("# ours\ntitel: x\n", to: folder.appendingPathComponent("wording.txt"))
    let bad = try RomtrackProcess.run(arguments + ["--out", folder.appendingPathComponent("bad").path])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("wording.txt:2: unknown key titel"))
  }
}
