import Foundation
import Testing

/// `romtrack export` on the bundled sample: suppressed aggregates, pseudonyms stable per salt, and the
/// alliance-outcome association (checked against statsmodels 0.15: OLS with cluster-robust
/// covariance by client on the same rows gives 0.02214522 (SE 0.0279889) for the within term of
/// PHQ-9 x WAI-SR, n = 1143, 171 clients; Tests/Reference/scripts/sample_association_statsmodels.py).
struct ExportTests {
  static let root = ExampleReportTests.root

  func export(_ arguments: [String], salt: String? = nil) throws -> (RomtrackProcess.Outcome, URL) {
    let folder = RomtrackProcess.temporaryFolder()
    var arguments = ["export", "--quiet", "--out", folder.appendingPathComponent("export").path] + arguments
    if let salt {
      let file = folder.appendingPathComponent("salt")
      RomtrackProcess.write(salt, to: file)
      arguments += ["--salt-file", file.path]
    }
    let run = try RomtrackProcess.run(arguments, in: Self.root)
    return (run, folder.appendingPathComponent("export"))
  }

  static func rows(_ url: URL) -> [[String]] {
    RomtrackProcess.read(url).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func writesSuppressedAggregatesAndTheAssociation() throws {
    let (run, out) = try export(["--by", "practice", "--by", "site"])
    #expect(run.status == 0, "\(run.stderr)")
    let names = Set((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [])
    #expect(names == [".romtrack-output", "README.txt", "aggregates.csv", "trends.csv", "alliance_outcome.csv", "dropout_alliance.csv", "manifest.json"])
    let aggregates = Self.rows(out.appendingPathComponent("aggregates.csv"))
    let header = aggregates[0]
    #expect(header.last == "suppressed_below")
    let levels = Set(aggregates.dropFirst().map { $0[0] })
    #expect(levels == ["practice", "site"])
    // No count from 1 to 4 survives anywhere.
    for row in aggregates.dropFirst() {
      for (column, cell) in zip(header, row) where !column.contains("rate") && !column.contains("ci_") && column != "mean_sessions" && column != "effect_size_d" {
        if let n = Int(cell), column != "suppressed_below" { #expect(n >= 5, "\(column) = \(n)") }
      }
    }
    let association = Self.rows(out.appendingPathComponent("alliance_outcome.csv"))
    let within = try #require(association.first { $0[0] == "PHQ9" && $0[1] == "WAISR" && $0[2] == "alliance_within" })
    #expect(abs(Double(within[3])! - 0.02214522) < 1e-6)
    #expect(abs(Double(within[4])! - 0.0279889) < 1e-6)
    #expect(within[13] == "1143" && within[14] == "171")
    // Drop-out by alliance exposure: one row per exposure; the NHS pair columns on the practice's all row.
    let dropout = Self.rows(out.appendingPathComponent("dropout_alliance.csv"))
    #expect(dropout.dropFirst().filter { !$0.isEmpty && $0 != [""] }.map { $0[1] } == ["low_alliance", "rupture", "unrepaired_rupture"])
    let all = try #require(aggregates.first { $0[0] == "practice" && $0[5] == "all" })
    let finished = try #require(header.firstIndex(of: "pair_finished"))
    #expect(Int(all[finished]).map { $0 > 0 } == true, "pair_finished = \(all[finished])")
  }

  @Test func pseudonymsAreStablePerSaltAndIdsNeverLeave() throws {
    let salt = "a practice secret of enough bytes"
    let (first, a) = try export(["--client-level", "--by", "clinician"], salt: salt)
    let (second, b) = try export(["--client-level", "--by", "clinician"], salt: salt)
    let (third, c) = try export(["--client-level", "--by", "clinician"], salt: salt + "!")
    #expect(first.status == 0 && second.status == 0 && third.status == 0)
    let clientsA = RomtrackProcess.read(a.appendingPathComponent("client-level/clients.csv"))
    #expect(clientsA == RomtrackProcess.read(b.appendingPathComponent("client-level/clients.csv")))
    #expect(clientsA != RomtrackProcess.read(c.appendingPathComponent("client-level/clients.csv")))
    for file in ["client-level/clients.csv", "aggregates.csv", "trends.csv"] {
      let text = RomtrackProcess.read(a.appendingPathComponent(file))
      #expect(!text.contains("C000001") && !text.contains("T01,") && !text.contains(",E1,"), "\(file) holds an id")
    }
    let first64 = Self.rows(a.appendingPathComponent("client-level/clients.csv"))[1][0]
    #expect(first64.count == 64 && first64.allSatisfy(\.isHexDigit))
  }

  @Test(arguments: [
    (["--client-level"], "--client-level needs --salt-file"),
    (["--by", "clinician"], "--by clinician needs --salt-file"),
    (["--suppress", "0"], "--suppress 0: give a count of 1 or more"),
  ])
  func refusesToLetIdsOrSmallCountsOut(arguments: [String], message: String) throws {
    let (run, out) = try export(arguments)
    #expect(run.status == 1)
    #expect(run.stderr.contains(message), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func aShortSaltIsRefused() throws {
    let (run, _) = try export(["--client-level"], salt: "short")
    #expect(run.status == 2)
    #expect(run.stderr.contains("the salt has 5 bytes; it needs at least 16 random bytes"), "\(run.stderr)")
  }

  @Test(arguments: [
    (String(repeating: " ", count: 16), "the salt is only whitespace"),
    (String(repeating: "\u{0}", count: 16), "the salt is one byte repeated"),
    ("aaaaaaaaaaaaaaaa", "the salt is one byte repeated"),
  ])
  func aSaltThatIsNotRandomIsRefused(salt: String, problem: String) throws {
    let (run, out) = try export(["--client-level"], salt: salt)
    #expect(run.status == 2)
    #expect(run.stderr.contains(problem) && run.stderr.contains("--new-salt"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func clientLevelRowsGoToTheirOwnFolderWithTheirOwnReadme() throws {
    let (run, out) = try export(["--client-level", "--by", "practice", "--by", "clinician", "--by", "site"], salt: "9f86d081884c7d659a2feaa0c55ad015")
    #expect(run.status == 0, "\(run.stderr)")
    let top = Set((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? [])
    #expect(top == [".romtrack-output", "README.txt", "aggregates.csv", "trends.csv", "alliance_outcome.csv", "dropout_alliance.csv", "manifest.json", "client-level"])
    let inner = Set((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("client-level").path)) ?? [])
    #expect(inner == ["README.txt", "clients.csv"])
    let readme = RomtrackProcess.read(out.appendingPathComponent("client-level/README.txt"))
    #expect(readme.contains("THESE ROWS CARRY NO SUPPRESSION") && readme.contains("data-sharing agreement"))
    let main = RomtrackProcess.read(out.appendingPathComponent("README.txt"))
    #expect(main.contains("Secondary") && main.contains("practice = the sum of the clinicians = the sum of the sites"))
  }

  @Test func newSaltWritesAPrivateGoodSaltOnce() throws {
    let folder = RomtrackProcess.temporaryFolder()
    let path = folder.appendingPathComponent("practice.salt").path
    let first = try RomtrackProcess.run(["export", "--new-salt", path])
    #expect(first.status == 0, "\(first.stderr)")
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let salt = RomtrackProcess.read(URL(fileURLWithPath: path))
    #expect(salt.count == 65 && salt.dropLast().allSatisfy(\.isHexDigit))
    let second = try RomtrackProcess.run(["export", "--new-salt", path])
    #expect(second.status == 1)
    #expect(second.stderr.contains("never overwritten"), "\(second.stderr)")
    #expect(RomtrackProcess.read(URL(fileURLWithPath: path)) == salt)
    // The salt it wrote is accepted.
    let (run, _) = try export(["--client-level", "--salt-file", path])
    #expect(run.status == 0, "\(run.stderr)")
  }
}
