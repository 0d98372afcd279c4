import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// One file of the bad-input corpus (Tests/BadInput/cases.json) and what `romtrack validate` must make
/// of it.
struct BadInputCase: Decodable, CustomTestStringConvertible, Sendable {
  struct Rows: Decodable, Equatable, Sendable {
    var read: Int
    var used: Int
    var rejected: Int
    var duplicates: Int
    var afterAsOf: Int

    enum CodingKeys: String, CodingKey {
      case read, used, rejected, duplicates
      case afterAsOf = "after_as_of"
    }
  }

  /// A row of rejects.csv: line, field, reason (its file column is always the case's file).
  struct RejectRow: Decodable, Equatable, Sendable, CustomStringConvertible {
    var line: Int
    var field: String
    var reason: String

    init(line: Int, field: String, reason: String) {
      self.line = line
      self.field = field
      self.reason = reason
    }

    init(from decoder: Decoder) throws {
      var values = try decoder.unkeyedContainer()
      line = try values.decode(Int.self)
      field = try values.decode(String.self)
      reason = try values.decode(String.self)
    }

    var description: String { "\(line) \(field) \(reason)" }
  }

  var file: String
  var about: String
  var args: [String]?
  var exit: Int32
  /// Every line on stderr, in order, except the `time:` line.
  var stderr: [String]
  /// The reconciliation; absent when the file cannot be read at all.
  var rows: Rows?
  var rejects: [RejectRow]?

  var testDescription: String { "\(file): \(about)" }

  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("BadInput")

  static let all: [BadInputCase] = {
    do {
      let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
      return try JSONDecoder().decode([BadInputCase].self, from: data)
    } catch {
      fatalError("Tests/BadInput/cases.json: \(error)")
    }
  }()
}

/// What one `romtrack validate` run gave, read back for the assertions.
struct ValidateRun {
  var outcome: RomtrackProcess.Outcome
  var stderrLines: [String]
  var summary: [String: Any]?
  /// rejects.csv as records, header first; nil when it was not written.
  var rejects: [[String]]?

  /// Runs `romtrack validate NAME --out out --json-summary ARGS` in `folder`.
  static func run(_ name: String, in folder: URL, arguments: [String] = []) throws -> ValidateRun {
    let outcome = try RomtrackProcess.run(["validate", name, "--out", "out", "--json-summary"] + arguments, in: folder)
    let lines = outcome.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
      .map(String.init).filter { !$0.hasPrefix("time: ") }
    let summary = outcome.stdout.isEmpty ? nil : try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
    let rejectsFile = folder.appendingPathComponent("out/rejects.csv")
    let rejects = FileManager.default.fileExists(atPath: rejectsFile.path)
      ? RomtrackProcess.csvRecords(try String(contentsOf: rejectsFile, encoding: .utf8)) : nil
    return ValidateRun(outcome: outcome, stderrLines: lines, summary: summary, rejects: rejects)
  }

  /// Checks the reconciliation and rejects.csv against the expectations.
  func check(file: String, rows expected: BadInputCase.Rows, rejects expectedRejects: [BadInputCase.RejectRow]) {
    guard let summary else {
      Issue.record("no --json-summary on stdout")
      return
    }
    func count(_ key: String) -> Int { summary[key] as? Int ?? -1 }
    let rows = BadInputCase.Rows(
      read: count("rows_read"), used: count("rows_used"), rejected: count("rows_rejected"),
      duplicates: count("duplicates_dropped"), afterAsOf: count("rows_after_as_of"))
    #expect(rows == expected)
    // The identity: every row read is used, rejected, dropped as an exact duplicate or set aside.
    #expect(rows.read == rows.used + rows.rejected + rows.duplicates + rows.afterAsOf)
    #expect(summary["balances"] as? Bool == true)
    if expectedRejects.isEmpty {
      #expect(rejects == nil, "rejects.csv is written only when rows are rejected")
      return
    }
    guard let rejects else {
      Issue.record("rejects.csv was not written")
      return
    }
    #expect(rejects.first == ["file", "line", "field", "reason", "detail", "raw"])
    let body = rejects.dropFirst()
    #expect(body.allSatisfy { $0.count == 6 && $0[0] == file })
    let found = body.map { BadInputCase.RejectRow(line: Int($0[1]) ?? -1, field: $0[2], reason: $0[3]) }
    #expect(found == expectedRejects)
    #expect(found.count == rows.rejected)
  }
}

/// The bad-input corpus: every file of Tests/BadInput/ read by `romtrack validate`, with the exact
/// messages, exit code, rejects and reconciliation, plus the cases made at test time (a directory, an
/// unreadable file, very long fields and rows, a 2 GB file).
@Suite struct BadInputCorpusTests {
  @Test(arguments: BadInputCase.all)
  func corpusFile(_ expected: BadInputCase) throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(
      at: BadInputCase.folder.appendingPathComponent(expected.file), to: folder.appendingPathComponent(expected.file))
    let run = try ValidateRun.run(expected.file, in: folder, arguments: expected.args ?? [])

    #expect(run.outcome.status == expected.exit)
    #expect(run.stderrLines == expected.stderr)
    if let rows = expected.rows {
      run.check(file: expected.file, rows: rows, rejects: expected.rejects ?? [])
    } else {
      // The file cannot be read at all: one line, nothing on stdout, nothing written.
      #expect(expected.stderr.count == 1)
      #expect(run.outcome.stdout.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }
  }

  @Test func everyCorpusFileHasACase() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: BadInputCase.folder.path)
      .filter { $0.hasSuffix(".csv") }.sorted()
    #expect(files == BadInputCase.all.map(\.file).sorted())
    #expect(files.count >= 40)
  }

  // MARK: - Made at test time

  @Test func directoryGivenAsFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("scores.csv"), withIntermediateDirectories: false)
    let run = try ValidateRun.run("scores.csv", in: folder)
    #expect(run.outcome.status == 2)
    #expect(run.stderrLines == ["romtrack: scores.csv: is a directory, not a CSV file"])
    #expect(run.summary == nil)
  }

  @Test func missingFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let run = try ValidateRun.run("scores.csv", in: folder)
    #expect(run.outcome.status == 2)
    #expect(run.stderrLines == ["romtrack: scores.csv: cannot open: No such file or directory"])
  }

  /// `chmod 000`: refused with exit code 2. Where the tests run as root (or with CAP_DAC_OVERRIDE),
  /// permissions do not stop reading, so the file must then be read like any other.
  @Test func unreadableFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("scores.csv")
    RomtrackProcess.write("client_id,instrument,session,score\nC1,PHQ9,1,12\n", to: file)
    chmod(file.path, 0)
    let run = try ValidateRun.run("scores.csv", in: folder)
    if RomtrackProcess.readsPastPermissions {
      #expect(run.outcome.status == 0)
      run.check(file: "scores.csv", rows: .init(read: 1, used: 1, rejected: 0, duplicates: 0, afterAsOf: 0), rejects: [])
    } else {
      #expect(run.outcome.status == 2)
      #expect(run.stderrLines == ["romtrack: scores.csv: cannot open: Permission denied"])
    }
  }

  /// A 100,000-character client id, and a 100,000-character quoted site full of commas, quotes and
  /// line breaks: read whole, and the rows after them keep their line numbers.
  @Test func hundredThousandCharacterFields() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let longID = String(repeating: "x", count: 100_000)
    let longSite = String(repeating: "a,b \"\"c\"\"\n", count: 10_000)  // 100,000 characters, 10,000 lines
    var text = "client_id,site,instrument,session,date,score\n"
    text += "\(longID),North,PHQ9,1,2026-01-05,18\n"
    text += "C2,\"\(longSite)\",PHQ9,1,2026-01-05,15\n"
    text += "C3,North,PHQ9,1,2026-01-05,30\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("long.csv"))
    let run = try ValidateRun.run("long.csv", in: folder, arguments: ["--max-reject-rate", "0.5"])
    #expect(run.outcome.status == 0)
    run.check(
      file: "long.csv", rows: .init(read: 3, used: 2, rejected: 1, duplicates: 0, afterAsOf: 0),
      rejects: [.init(line: 10_004, field: "score", reason: "out_of_range")])

    // The report carries the long values whole, quoted where needed (one row in three is rejected).
    let report = try RomtrackProcess.run(
      ["report", "--outcomes", "long.csv", "--as-of", "2026-01-31", "--out", "report", "--quiet", "--max-reject-rate", "0.5"], in: folder)
    #expect(report.status == 0, "\(report.stderr)")
    let clients = RomtrackProcess.csvRecords(RomtrackProcess.read(folder.appendingPathComponent("report/clients.csv")))
    let ids = clients.dropFirst().map { $0[0] }
    #expect(ids == [longID, "C2"])
    #expect(clients.dropFirst().map { $0[3] } == ["North", longSite.replacingOccurrences(of: "\"\"", with: "\"")])
  }

  /// A header and rows of 100,000 columns: the fields are found among the columns, the extra ones
  /// skipped; a row with one column more is one field_count reject.
  @Test func hundredThousandColumns() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let extra = (0..<99_996).map { "x\($0)" }.joined(separator: ",")
    let filler = String(repeating: ",0", count: 99_996)
    var text = "client_id,instrument,session,score,\(extra)\n"
    for c in 1...20 { text += "C\(c),PHQ9,1,\(c)\(filler)\n" }
    text += "C99,PHQ9,1,5\(filler),0\n"
    RomtrackProcess.write(text, to: folder.appendingPathComponent("wide.csv"))
    let run = try ValidateRun.run("wide.csv", in: folder)
    #expect(run.outcome.status == 0)
    #expect(run.stderrLines.contains("first field_count: wide.csv line 22, row: expected 100000 fields as in the header, found 100001; a comma inside an unquoted value (a decimal comma as in 12,5, or a name like Smith, J) splits it: quote the value or write 12.5"))
    run.check(
      file: "wide.csv", rows: .init(read: 21, used: 20, rejected: 1, duplicates: 0, afterAsOf: 0),
      rejects: [.init(line: 22, field: "row", reason: "field_count")])
    // The raw row in rejects.csv is cut after 4,096 bytes, with a note of how much is left out.
    #expect(run.rejects?.last?[5].hasSuffix(" …[195910 more bytes]") == true)
  }

  /// A file over 2 GB (past 2^31 bytes, where 32-bit offsets would wrap), streamed into a temporary
  /// folder and deleted afterwards. A bad row planted near the end must be reported with its exact
  /// line. It takes about a minute and 2 GB of disk, so it runs only with ROMTRACK_TEST_2GB=1
  /// (docs/adversarial.md has a measured run).
  @Test(.enabled(if: ProcessInfo.processInfo.environment["ROMTRACK_TEST_2GB"] == "1"))
  func twoGigabyteFile() throws {
    let folder = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("big.csv")
    guard let stream = fopen(file.path, "w") else {
      Issue.record("cannot create \(file.path)")
      return
    }
    let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score\n"
    fputs(header, stream)
    // Blocks of 10,000 clients with 5 PHQ-9 scores each (about 2.2 MB a block), each block with its
    // own client ids, until the file passes 2^31 bytes; then one bad row and one good row.
    var bytes = header.utf8.count
    var rows = 0
    var block = 0
    while bytes <= 1 << 31 {
      var text = ""
      text.reserveCapacity(2_400_000)
      for c in 0..<10_000 {
        for s in 1...5 {
          text += "B\(block)C\(c),E1,T\(c % 40),S\(c % 3),PHQ9,\(s),2026-0\(s)-1\(c % 10),\((c + s) % 28)\n"
        }
      }
      fputs(text, stream)
      bytes += text.utf8.count
      rows += 50_000
      block += 1
    }
    fputs("LAST,E1,T1,S1,PHQ9,1,2026-01-05,99\nLAST,E1,T1,S1,PHQ9,2,2026-01-12,9\n", stream)
    fclose(stream)
    let run = try ValidateRun.run("big.csv", in: folder)
    #expect(run.outcome.status == 0, "\(run.outcome.stderr)")
    run.check(
      file: "big.csv", rows: .init(read: rows + 2, used: rows + 1, rejected: 1, duplicates: 0, afterAsOf: 0),
      rejects: [.init(line: rows + 2, field: "score", reason: "out_of_range")])
  }
}
