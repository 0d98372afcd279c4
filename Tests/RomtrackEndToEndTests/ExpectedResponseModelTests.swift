import Foundation
import Testing

/// The expected-treatment-response model from the command line (METHODS.md section 5): on the bundled
/// sample PHQ9 and GAD7 have 183 series with at least 3 scores, CORE10 39 and ORS 71, so with the
/// default `--etr-min-series 100` the report fits no model of its own for CORE10 and ORS; a model
/// saved by `romtrack model --save` is used whatever the number of series; a model saved under the
/// former specification (every score the response) is refused.
struct ExpectedResponseModelTests {
  static let root = ExampleReportTests.root

  static func modelFile(_ folder: URL) throws -> [String: [String: Any]] {
    let data = try Data(contentsOf: folder.appendingPathComponent("model.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
  }

  /// The signals of an instrument's series in clients.csv.
  static func signals(_ folder: URL, instrument: String) -> [String] {
    let records = RomtrackProcess.csvRecords(RomtrackProcess.read(folder.appendingPathComponent("clients.csv")))
    let header = records[0]
    let (name, signal) = (header.firstIndex(of: "instrument")!, header.firstIndex(of: "signal")!)
    return records.dropFirst().filter { $0.count == header.count && $0[name] == instrument }.map { $0[signal] }
  }

  @Test func tooFewSeriesMeansNoSignalAndASavedModelStillWorks() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let saved = folder.appendingPathComponent("core10.json")
    let model = try RomtrackProcess.run(
      ["model", "--quiet", "--input", "data/sample/outcomes.csv", "--instrument", "CORE10", "--save", saved.path],
      in: Self.root)
    #expect(model.status == 0, "\(model.stderr)")
    #expect(model.stdout.contains("Response: the scores after each series' intake"))
    let text = RomtrackProcess.read(saved)
    #expect(text.contains("\"response\" : \"after-intake\"") && text.contains("\"format_version\" : 2"))

    let out = folder.appendingPathComponent("report")
    let report = try RomtrackProcess.run(
      ["report", "--quiet", "--out", out.path, "--etr-model", saved.path], in: Self.root)
    #expect(report.status == 0, "\(report.stderr)")
    let models = try Self.modelFile(out)
    #expect(models["PHQ9"]?["source"] as? String == "fitted")
    #expect(models["CORE10"]?["source"] as? String == saved.path && models["CORE10"]?["fit"] != nil)
    #expect(models["ORS"]?["source"] as? String == "none" && models["ORS"]?["fit"] == nil)
    let diagnostics = models["ORS"]?["diagnostics"] as? [[String: String]]
    #expect(diagnostics?.first?["code"] == "too_few_series_for_practice_model")
    #expect(diagnostics?.first?["detail"]?.hasPrefix("71 series with at least 3 scores") == true)
    let (ors, core10) = (Self.signals(out, instrument: "ORS"), Self.signals(out, instrument: "CORE10"))
    #expect(!ors.isEmpty && ors.allSatisfy { $0.isEmpty })
    #expect(core10.contains { !$0.isEmpty })
    let page = RomtrackProcess.read(out.appendingPathComponent("index.html"))
    #expect(page.contains("No expected-response signals for ORS: fewer than 100 series with at least 3 scores"))
    #expect(page.contains("--etr-model"))
    let manifest = RomtrackProcess.read(out.appendingPathComponent("manifest.json"))
    #expect(manifest.contains("no expected-response model for ORS: too_few_series_for_practice_model"))

    // With a lower minimum the practice fits its own ORS model.
    let lower = folder.appendingPathComponent("lower")
    let again = try RomtrackProcess.run(["report", "--quiet", "--out", lower.path, "--etr-min-series", "50"], in: Self.root)
    #expect(again.status == 0, "\(again.stderr)")
    let refitted = try Self.modelFile(lower)
    #expect(refitted["ORS"]?["source"] as? String == "fitted")
    #expect(refitted["CORE10"]?["source"] as? String == "none")
    #expect(!RomtrackProcess.read(lower.appendingPathComponent("index.html")).contains("signals for ORS"))
  }

  @Test func aModelSavedUnderTheFormerSpecificationIsRefused() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let saved = folder.appendingPathComponent("phq9.json")
    let model = try RomtrackProcess.run(
      ["model", "--quiet", "--input", "data/sample/outcomes.csv", "--instrument", "PHQ9", "--time", "log-session",
       "--intake", "--json", saved.path],
      in: Self.root)
    #expect(model.status == 0, "\(model.stderr)")
    // As an earlier romtrack wrote it: version 1, no `response`.
    let old = RomtrackProcess.read(saved).replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 1")
      .replacingOccurrences(of: "\"response\" : \"all\",", with: "")
    RomtrackProcess.write(old, to: saved)
    let report = try RomtrackProcess.run(
      ["report", "--quiet", "--out", folder.appendingPathComponent("report").path, "--etr-model", saved.path],
      in: Self.root)
    #expect(report.status != 0)
    #expect(report.stderr.contains(saved.path + ": the PHQ9 model was saved by an earlier romtrack"))
    #expect(report.stderr.contains("romtrack model --save"))
  }
}
