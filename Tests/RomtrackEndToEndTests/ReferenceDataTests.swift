import Foundation
import Testing

/// The tool run as a user would on published data, against the published results.
@Suite struct ReferenceDataTests {
  /// The public reference datasets kept in the repository, one folder each with its source and licence
  /// (Tests/Reference/README.md). The tests always run: a missing file fails them.
  static let referenceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Reference")

  /// Column values of a CSV without quoted commas, by header name.
  static func rows(_ text: String) -> [[String: String]] {
    let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    guard let header = lines.first else { return [] }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
  }

  /// Jacobson & Truax (1991), JCCP 59:12-19: the couples data (GDS, lower is better), reliability 0.80,
  /// the sample SD of the pre scores, functional norms M 30, SD 10, cutoff c. Published (and reproduced
  /// by the R package clinicalsignificance): 26 complete cases, S_diff 3.8593, c 54.316; 14 reliably
  /// improved, 12 unchanged, 0 deteriorated; 6 recovered, 8 improved, 12 unchanged, 0 deteriorated,
  /// 0 harmed.
  @Test
  func jacobsonTruaxCouplesGiveThePublishedCategories() throws {
    let reference = Self.referenceFolder
    let folder = RomtrackProcess.temporaryFolder()
    let config = folder.appendingPathComponent("gds.yml")
    RomtrackProcess.write("""
      instruments:
        - name: GDS
          kind: outcome
          min: 0
          max: 200
          better: lower
          reliability: 0.80
          functional_norm: {mean: 30, sd: 10}

      """, to: config)
    let out = folder.appendingPathComponent("report")
    let run = try RomtrackProcess.run([
      "report", "--outcomes", reference.appendingPathComponent("jacobson-truax/cs_jacobson_1989.csv").path,
      "--map", "session=time_index", "--map", "score=gds", "--instrument", "GDS", "--config", config.path,
      "--rci-sd", "sample", "--cutoff", "c", "--period", "1989-12", "--out", out.path, "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let clients = Self.rows(RomtrackProcess.read(out.appendingPathComponent("clients.csv")))
    let classified = clients.filter { $0["category"] != "" }
    #expect(clients.count == 30)
    #expect(classified.count == 26)
    func count(_ column: String, _ value: String) -> Int { classified.filter { $0[column] == value }.count }
    #expect(count("reliable_change", "improved") == 14)
    #expect(count("reliable_change", "unchanged") == 12)
    #expect(count("reliable_change", "deteriorated") == 0)
    #expect(count("category", "recovered") == 6)
    #expect(count("category", "improved") == 8)
    #expect(count("category", "unchanged") == 12)
    #expect(count("category", "deteriorated") == 0)
    #expect(count("category", "harmed") == 0)
  }

  /// suddengains' example data (BDI, sessions 1-12, criterion 1 = 7 points): the package vignette
  /// reports 24 sudden gains in 15 clients, 4 of them reversed, and 3 sudden losses
  /// (Tests/Reference/scripts/suddengains_reference.R).
  @Test
  func suddenGainsExampleGivesThePublishedCounts() throws {
    let reference = Self.referenceFolder
    let folder = RomtrackProcess.temporaryFolder()
    // Sessions 1-12 only, as the vignette analyses them (s0 is the baseline, fu1 and fu2 follow-ups).
    let source = RomtrackProcess.read(reference.appendingPathComponent("sgdata/sg_sgdata_long.csv"))
    let kept = source.split(separator: "\n").enumerated().filter { index, line in
      guard index > 0 else { return true }
      let label = line.split(separator: ",")[1]
      return label.hasPrefix("\"s") && label != "\"s0\""
    }.map { String($0.element) }
    let input = folder.appendingPathComponent("sgdata.csv")
    RomtrackProcess.write(kept.joined(separator: "\n") + "\n", to: input)
    let out = folder.appendingPathComponent("report")
    let run = try RomtrackProcess.run([
      "report", "--outcomes", input.path, "--map", "session=session_index", "--map", "score=bdi",
      "--instrument", "BDI2", "--sg-crit1", "7", "--period", "2000-01", "--out", out.path, "--quiet",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let events = Self.rows(RomtrackProcess.read(out.appendingPathComponent("events.csv")))
    let gains = events.filter { $0["type"] == "sudden_gain" }
    #expect(gains.count == 24)
    #expect(Set(gains.map { $0["client_id"] ?? "" }).count == 15)
    #expect(gains.filter { $0["reversal"] == "true" }.count == 4)
    // Sudden losses by suddengains' `identify_sl` rule (the vignette's `bysl`: criterion 1 = -7):
    // clients 4, 34 and 35, after sessions 9, 7 and 7, two of them reversed.
    let losses = events.filter { $0["type"] == "sudden_loss" }
    #expect(losses.map { $0["client_id"] ?? "" }.sorted() == ["34", "35", "4"])
    #expect(losses.map { $0["session"] ?? "" }.sorted() == ["10", "8", "8"])
    #expect(losses.filter { $0["reversal"] == "true" }.count == 2)
  }
}
