import Foundation
import Testing

/// The example report committed under reports/2026-10/ is what `romtrack report` makes of the bundled
/// sample today, byte for byte (manifest.json aside: it alone holds the run's time and timings, and it
/// is not committed). A change to any method or page shows up here, and the example is regenerated
/// with `make report`.
struct ExampleReportTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let example = root.appendingPathComponent("reports/2026-10")

  static func files(in folder: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    var names: [String] = []
    while let name = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
      if !isDirectory.boolValue && name != "manifest.json" { names.append(name) }
    }
    return names.sorted()
  }

  @Test func aFreshRunReproducesTheCommittedExample() throws {
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("2026-10")
    let run = try RomtrackProcess.run(["report", "--quiet", "--out", out.path], in: Self.root)
    #expect(run.status == 0, "\(run.stderr)")
    let expected = Self.files(in: Self.example)
    #expect(expected.contains("index.html"))
    #expect(expected.contains("summary.csv"))
    #expect(expected.contains { $0.hasPrefix("clinicians/") })
    #expect(Self.files(in: out) == expected)
    for name in expected {
      let a = try Data(contentsOf: Self.example.appendingPathComponent(name))
      let b = try Data(contentsOf: out.appendingPathComponent(name))
      #expect(a == b, "\(name) differs from the committed example: regenerate it with `make report` and review the change")
    }
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
  }

  /// A fresh clone has the example without its manifest.json: `make report` must still replace it.
  @Test func theCommittedExampleCanBeRegeneratedInPlace() throws {
    let copy = RomtrackProcess.temporaryFolder().appendingPathComponent("2026-10")
    try FileManager.default.copyItem(at: Self.example, to: copy)
    try? FileManager.default.removeItem(at: copy.appendingPathComponent("manifest.json"))
    let run = try RomtrackProcess.run(["report", "--quiet", "--out", copy.path], in: Self.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(Self.files(in: copy) == Self.files(in: Self.example))
    #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent("manifest.json").path))
  }

  @Test func pagesRequestNothingFromElsewhere() throws {
    for name in Self.files(in: Self.example) where name.hasSuffix(".html") {
      // References inside the page (`url(#dot-outcome)`, the sparkline markers) fetch nothing.
      let page = try String(contentsOf: Self.example.appendingPathComponent(name), encoding: .utf8)
        .replacingOccurrences(of: "url(#", with: "")
      for pattern in ["<script", "http://", "https://", "src=", "@import", "url("] {
        let found = page.contains(pattern)
        #expect(!found, "\(name) contains \(pattern)")
      }
    }
  }
}

/// `--period` and `--as-of`: only scores dated up to the as-of date count, so last month's report
/// made today equals the report made last month from the data as it then was.
struct AsOfTests {
  @Test func lastMonthsReportIgnoresLaterScores() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let sample = ExampleReportTests.root.appendingPathComponent("data/sample")
    // The data as it stood at the end of September: rows dated after 2026-09-30 left out.
    for name in ["outcomes.csv", "alliance.csv"] {
      let lines = RomtrackProcess.read(sample.appendingPathComponent(name)).split(separator: "\n", omittingEmptySubsequences: false)
      let header = lines[0].split(separator: ",").map(String.init)
      let date = header.firstIndex(of: "date")!
      let kept = lines.enumerated().filter { i, line in
        i == 0 || line.isEmpty || String(line.split(separator: ",", omittingEmptySubsequences: false)[date]) <= "2026-09-30"
      }.map { String($0.1) }
      RomtrackProcess.write(kept.joined(separator: "\n"), to: folder.appendingPathComponent(name))
    }
    func report(_ input: URL, _ out: String) throws -> URL {
      let target = folder.appendingPathComponent(out)
      let run = try RomtrackProcess.run([
        "report", "--quiet", "--period", "2026-09", "--outcomes", input.appendingPathComponent("outcomes.csv").path,
        "--alliance", input.appendingPathComponent("alliance.csv").path, "--out", target.path,
      ])
      #expect(run.status == 0, "\(run.stderr)")
      return target
    }
    let now = try report(sample, "today")
    let then = try report(folder, "then")
    let files = ExampleReportTests.files(in: then).filter { $0 != "index.html" }  // index.html names the input files and their row counts
    #expect(files.contains("summary.csv") && files.contains { $0.hasPrefix("clinicians/") })
    #expect(ExampleReportTests.files(in: now) == ExampleReportTests.files(in: then))
    for name in files {
      let same = try Data(contentsOf: now.appendingPathComponent(name)) == Data(contentsOf: then.appendingPathComponent(name))
      #expect(same, "\(name) differs")
    }
  }
}
