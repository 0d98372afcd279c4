import Foundation
import Testing

/// Files as practices and researchers have them (Tests/InputFormats): item-level answers scored to
/// totals with a risk item, wide files, an Excel workbook. Expected totals are worked out by hand from
/// the fixture rows and the published rules (docs/instruments.md), never taken from romtrack's output.
@Suite struct InputFormatTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("InputFormats")

  static func fixture(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// `romtrack validate` with a JSON summary, rejects written to `out`.
  func validate(_ arguments: [String], out: URL) throws -> (run: RomtrackProcess.Outcome, summary: [String: Any]) {
    let run = try RomtrackProcess.run(["validate"] + arguments + ["--out", out.path, "--json-summary", "--max-reject-rate", "1"])
    #expect(run.status == 0, "\(run.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    #expect(summary["balances"] as? Bool == true)
    return (run, summary)
  }

  /// The rows of a CSV file without quotes in cells, split on commas, header first.
  func rows(_ url: URL) -> [[String]] {
    RomtrackProcess.read(url).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  /// A report of `arguments` into a fresh folder; its clients.csv rows by "client,instrument".
  func report(_ arguments: [String], out: URL) throws -> (run: RomtrackProcess.Outcome, clients: [String: [String: String]]) {
    let run = try RomtrackProcess.run(["report"] + arguments + ["--as-of", "2026-09-30", "--out", out.path, "--max-reject-rate", "1"])
    #expect(run.status == 0, "\(run.stderr)")
    let table = rows(out.appendingPathComponent("clients.csv"))
    var clients: [String: [String: String]] = [:]
    for row in table.dropFirst() {
      let cells = Dictionary(uniqueKeysWithValues: zip(table[0], row))
      clients["\(cells["client_id"]!),\(cells["instrument"]!)"] = cells
    }
    return (run, clients)
  }

  // MARK: - Item-level input

  @Test func phq9ItemsAreScoredProratedAndRejectedByTheRule() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("items-phq9.csv")
    let (_, summary) = try validate([input], out: out)
    // 8 administrations: A3 (3 items missing) and C1 (item 9 = 5) rejected; C2 (all missing) kept as missing.
    #expect(summary["rows_read"] as? Int == 8)
    #expect(summary["rows_used"] as? Int == 6)
    #expect(summary["rows_rejected"] as? Int == 2)
    #expect(summary["missing_scores"] as? Int == 1)
    let rejects = rows(out.appendingPathComponent("rejects.csv"))
    #expect(rejects.count == 3)
    #expect(rejects[1][0...3] == [input, "4", "phq9_items", "missing_items"])
    #expect(rejects[1].joined(separator: ",").contains("3 of 9 PHQ9 items are missing (phq9_item5, phq9_item6, phq9_item7); PHQ9 allows up to 2 (prorated)"))
    #expect(rejects[2][0...3] == [input, "7", "phq9_item9", "out_of_range"])

    let (_, clients) = try report(["--outcomes", input], out: out.appendingPathComponent("report"))
    // A: session 1 sums to 16; session 2 has item 4 missing: 9 x 14 / 8 = 15.75.
    #expect(clients["A,PHQ9"]?["intake"] == "16.00")
    #expect(clients["A,PHQ9"]?["latest"] == "15.75")
    #expect(clients["A,PHQ9"]?["n_scores"] == "2")
    // B answered item 9 with 2 at session 1: risk_item, whatever the scores (10 -> 8) say.
    #expect(clients["B,PHQ9"]?["intake"] == "10.00")
    #expect(clients["B,PHQ9"]?["reasons"]?.contains("risk_item") == true)
    #expect(clients["B,PHQ9"]?["risk_items"] == "1")
    #expect(clients["A,PHQ9"]?["risk_items"] == "0")
    // C: item 9 = 5 is out of range (no risk answer from an invalid item); session 3 answers item 9 with 2.
    #expect(clients["C,PHQ9"]?["risk_items"] == "1")
    #expect(clients["C,PHQ9"]?["latest"] == "18.00")

    let worklist = rows(out.appendingPathComponent("report/worklist.csv"))
    // B and C answered a risk item; A, whose last score is weeks old, is on the list for lost contact.
    let reasons = worklist[0].firstIndex(of: "reasons")!
    let risky = worklist.dropFirst().filter { $0[reasons].contains("risk_item") }
    #expect(risky.count == 2)
    let urgency = worklist[0].firstIndex(of: "urgency")!
    for row in risky {
      #expect(row[urgency] == "10")
      #expect(row[worklist[0].firstIndex(of: "tier")!] == "act")
    }
    let events = RomtrackProcess.read(out.appendingPathComponent("report/events.csv"))
    let eventLines = events.split(separator: "\n")
    #expect(eventLines.contains { $0.hasPrefix("B,,PHQ9,risk_item,1,2.00,,,,,,") && $0.hasSuffix(",PHQ9 item 9 = 2") })
    #expect(eventLines.contains { $0.hasPrefix("C,,PHQ9,risk_item,3,2.00,,,,,,") && $0.hasSuffix(",PHQ9 item 9 = 2") })
    let page = RomtrackProcess.read(out.appendingPathComponent("report/clinicians/dr1.html"))
    #expect(page.contains("Answered a risk item"))
    #expect(page.contains("Session 1: PHQ9 item 9 = 2."))
  }

  @Test func core10ItemsAreReverseKeyedAndProratedWithOneMissing() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("items-core10.csv")
    let (_, summary) = try validate([input], out: out)
    #expect(summary["rows_read"] as? Int == 3)
    #expect(summary["rows_rejected"] as? Int == 1)
    let rejects = rows(out.appendingPathComponent("rejects.csv"))
    #expect(rejects[1][1...3] == ["4", "core10_items", "missing_items"])
    let (_, clients) = try report(["--outcomes", input], out: out.appendingPathComponent("report"))
    // Session 1: items 2 and 3 (answered 1) count 4 - 1 = 3: 3+3+3+2+2+0+3+3+3+2 = 24.
    #expect(clients["K,CORE10"]?["intake"] == "24.00")
    // Session 2: item 2 missing, item 3 (2) counts 2; 9 answered sum to 16: 10 x 16 / 9 = 17.78.
    #expect(clients["K,CORE10"]?["latest"] == "17.78")
    // Item 6 (the risk item) answered 1 at session 2.
    #expect(clients["K,CORE10"]?["reasons"]?.contains("risk_item") == true)
  }

  @Test func itemValuesWhereTotalsAreExpectedGetAWarning() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let (run, summary) = try validate([Self.fixture("item-values-as-totals.csv")], out: out)
    #expect(summary["rows_used"] as? Int == 12)
    #expect(run.stderr.contains("all 12 PHQ9 scores lie within 0-3, the range of one item"))
    #expect(run.stderr.contains("phq9_item1 ... phq9_item9"))
  }

  // MARK: - Wide input

  @Test func wideBySessionReadsCellsAndNamesTheColumnOfARejectedCell() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("wide-sessions.csv")
    let (run, summary) = try validate([input, "--wide", "PHQ9_{session}"], out: out)
    // Cells with a value: W1 20, 16; W2 11, x, 7. Empty cells make no row.
    #expect(summary["rows_read"] as? Int == 5)
    #expect(summary["rows_used"] as? Int == 4)
    #expect(summary["rows_rejected"] as? Int == 1)
    #expect(run.stderr.contains("5 scores, 4 empty cells skipped"))
    let rejects = rows(out.appendingPathComponent("rejects.csv"))
    #expect(rejects[1][0...3] == [input, "3", "PHQ9_2", "bad_number"])
    #expect(RomtrackProcess.read(out.appendingPathComponent("rejects.csv")).hasSuffix(",\"W2,dr1,11,x,7,\"\n"))

    let (_, clients) = try report(["--outcomes", input, "--wide", "{instrument}_{session}"], out: out.appendingPathComponent("report"))
    #expect(clients["W1,PHQ9"]?["intake"] == "20.00")
    #expect(clients["W1,PHQ9"]?["latest"] == "16.00")
    #expect(clients["W1,GAD7"]?["intake"] == "12.00")
    #expect(clients["W2,PHQ9"]?["first_session"] == "1")
    #expect(clients["W2,PHQ9"]?["last_session"] == "3")
    #expect(clients["W2,PHQ9"]?["clinician_id"] == "dr1")
  }

  @Test func wideByDateReadsDateColumns() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("wide-dates.csv")
    let (_, summary) = try validate([input, "--wide-dates"], out: out)
    #expect(summary["rows_read"] as? Int == 4)
    #expect(summary["rows_rejected"] as? Int == 0)
    let (_, clients) = try report(["--outcomes", input, "--wide-dates"], out: out.appendingPathComponent("report"))
    #expect(clients["D1,PHQ9"]?["first_date"] == "2026-09-01")
    #expect(clients["D1,PHQ9"]?["last_date"] == "2026-09-08")
    #expect(clients["D2,GAD7"]?["latest"] == "8.00")
  }

  @Test func aWideFileWithoutTheOptionIsNamedWide() throws {
    let run = try RomtrackProcess.run(["validate", Self.fixture("wide-sessions.csv")])
    #expect(run.status == 2)
    #expect(run.stderr.contains("looks wide"))
    #expect(run.stderr.contains("--wide 'PHQ9_{session}'"))
    let dates = try RomtrackProcess.run(["validate", Self.fixture("wide-dates.csv")])
    #expect(dates.status == 2)
    #expect(dates.stderr.contains("--wide-dates"))
  }

  // MARK: - Excel workbooks

  @Test func aWorkbookSheetIsReadWithExcelDates() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("scores.xlsx")
    let (run, summary) = try validate([input], out: out)
    #expect(run.stderr.contains("read as workbook sheet \"Scores\""))
    #expect(summary["rows_read"] as? Int == 5)
    #expect(summary["rows_rejected"] as? Int == 1)
    let rejects = RomtrackProcess.read(out.appendingPathComponent("rejects.csv"))
    #expect(rejects.contains("\(input),5,score,out_of_range,score 30 is outside the GAD7 range 0-21 (cell E5),\"X2,dr2,GAD7,2026-09-02,30\"\n"))

    let (_, clients) = try report(["--outcomes", input], out: out.appendingPathComponent("report"))
    // Dates are date-formatted serial numbers in the workbook; 15.5 a number, "12" text.
    #expect(clients["X1,PHQ9"]?["first_date"] == "2026-09-01")
    #expect(clients["X1,PHQ9"]?["last_date"] == "2026-09-15")
    #expect(clients["X1,PHQ9"]?["n_scores"] == "3")
    #expect(clients["X1,PHQ9"]?["latest"] == "12.00")
    #expect(clients["X2,GAD7"]?["intake"] == "9.00")
  }

  @Test func aNamedWideSheetIsReadWithItsCells() throws {
    let out = RomtrackProcess.temporaryFolder()
    defer { try? FileManager.default.removeItem(at: out) }
    let input = Self.fixture("scores.xlsx")
    let (_, summary) = try validate([input, "--sheet", "Wide", "--wide", "PHQ9_{session}"], out: out)
    #expect(summary["rows_read"] as? Int == 5)
    #expect(summary["rows_rejected"] as? Int == 1)
    let rejects = RomtrackProcess.read(out.appendingPathComponent("rejects.csv"))
    #expect(rejects.contains("\(input),3,PHQ9_2,bad_number,\"score \"\"x\"\" is not a number (use . for decimals) (cell C3)\",\"W2,11,x,7\"\n"))
    let missing = try RomtrackProcess.run(["validate", input, "--sheet", "Nope"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("has no sheet \"Nope\" (sheets: \"Scores\", \"Wide\")"))
  }
}
