import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// What the report pages do with hostile ids: every value from the data is escaped, file names stay
/// inside clinicians/, CSV cells cannot start a formula, and the same input gives the same bytes.
struct ReportPageTests {
  static let clinician = "../../etc/<b>\"T1\"&'x'"
  static let client = "<script>alert(1)</script>"
  static let site = "=HYPERLINK(\"http://x\")"

  static let text = TestFiles.header + """
    "\(client.replacingOccurrences(of: "\"", with: "\"\""))",E1,"\(clinician.replacingOccurrences(of: "\"", with: "\"\""))","\(site.replacingOccurrences(of: "\"", with: "\"\""))",PHQ9,1,2026-09-01,20,
    "\(client.replacingOccurrences(of: "\"", with: "\"\""))",E1,"\(clinician.replacingOccurrences(of: "\"", with: "\"\""))","\(site.replacingOccurrences(of: "\"", with: "\"\""))",PHQ9,2,2026-09-15,21,
    "\(client.replacingOccurrences(of: "\"", with: "\"\""))",E1,"\(clinician.replacingOccurrences(of: "\"", with: "\"\""))","\(site.replacingOccurrences(of: "\"", with: "\"\""))",PHQ9,3,2026-10-01,27,
    B&amp,E1,T2,North,PHQ9,1,2026-10-02,12,
    Q,E1,T2,North,PHQ9,1,2026-09-02,20,2026-10-05
    Q,E1,T2,North,PHQ9,2,2026-09-20,27,2026-10-05

    """

  static let path = TestFiles.write(text)

  static func content() throws -> ReportContent { try content(path: path) }

  /// The report content of one input file, as of 2026-10-31, for the pages of October 2026.
  static func content(path: String) throws -> ReportContent {
    let loaded = try InputLoader.load(
      files: [path], registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
    #expect(loaded.rejects.isEmpty)
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let aggregates = Aggregator(registry: .builtIn).aggregate(
      table: loaded.table, names: loaded.names, analysis: analysis, month: YearMonth(year: 2026, month: 10))
    return ReportContent(
      table: loaded.table, names: loaded.names, registry: .builtIn, analysis: analysis, aggregates: aggregates,
      models: [], parameters: .defaults, reconciliation: loaded.reconciliation, inputs: loaded.files,
      version: "test", asOf: CivilDate(year: 2026, month: 10, day: 31)!)
  }

  @Test func practicePageEscapesEveryValue() throws {
    let c = try Self.content()
    let page = String(decoding: PracticePage.html(c), as: UTF8.self)
    #expect(!page.contains("<b>\"T1"))
    #expect(page.contains("../../etc/&lt;b&gt;&quot;T1&quot;&amp;&#39;x&#39;"))
    #expect(!page.contains("<script"))
    // The link to the clinician's page uses the safe file name.
    #expect(page.contains("href=\"clinicians/_2e_2e_2f_2e_2e_2fetc_2f_3cb_3e_22T1_22_26_27x_27.html\""))
  }

  @Test func clinicianPageEscapesEveryValue() throws {
    let c = try Self.content()
    let k = c.names.clinicians.firstIndex(of: Self.clinician)!
    let page = String(decoding: ClinicianPage.html(c, clinician: k), as: UTF8.self)
    #expect(!page.contains("<script"))
    #expect(page.contains("Client &lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(page.contains("site =HYPERLINK(&quot;http://x&quot;)"))
    #expect(!page.contains("<b>"))
    // The deteriorating client is on the worklist, with the reason in words.
    #expect(page.contains("Reliably worse than at the start"))
  }

  @Test func pagesAreByteIdenticalForTheSameInput() throws {
    let (a, b) = (try Self.content(), try Self.content())
    let samePractice = PracticePage.html(a) == PracticePage.html(b)
    #expect(samePractice)
    for k in a.names.clinicians.indices {
      let sameClinician = ClinicianPage.html(a, clinician: k) == ClinicianPage.html(b, clinician: k)
      #expect(sameClinician)
    }
    let sameSummary = AggregateFiles.summary(a.aggregates, names: a.names, registry: .builtIn) == AggregateFiles.summary(b.aggregates, names: b.names, registry: .builtIn)
    #expect(sameSummary)
  }

  @Test(arguments: [
    ("T01", "T01"),
    ("", "_"),
    ("..", "_2e_2e"),
    ("../x", "_2e_2e_2fx"),
    ("a/b\\c", "a_2fb_5cc"),
    ("under_score", "under_5fscore"),
    ("Zoë", "Zo_c3_ab"),
    ("nul\u{0}byte", "nul_00byte"),
  ])
  func safeFileNames(id: String, name: String) {
    #expect(SafeFileName.forID(id) == name)
    #expect(OutputFolder.isSafeRelativePath(SafeFileName.clinicianPage(id)))
  }

  @Test func longIdsKeepUniqueShortNames() {
    let a = String(repeating: "x", count: 100_000) + "a"
    let b = String(repeating: "x", count: 100_000) + "b"
    let (na, nb) = (SafeFileName.forID(a), SafeFileName.forID(b))
    #expect(na.utf8.count == 117)
    #expect(na != nb)
    #expect(na.hasPrefix(String(repeating: "x", count: 100) + "~"))
  }

  @Test func summaryNeutralisesFormulaCells() throws {
    let c = try Self.content()
    let csv = String(decoding: AggregateFiles.summary(c.aggregates, names: c.names, registry: .builtIn), as: UTF8.self)
    #expect(csv.contains("site,\"'=HYPERLINK(\"\"http://x\"\")\""))
    #expect(!csv.contains(",=HYPERLINK"))
  }

  /// The practice in October: 2 clients seen, 3 episodes active, Q's finished reliably worse; with --suppress 5
  /// every count below 5 is hidden, and so is every rate built on one; with --suppress 3, the 3 stays.
  @Test func suppressionHidesSmallCountsAndTheirRates() throws {
    let c = try Self.content()
    let five = String(decoding: AggregateFiles.summary(c.aggregates, names: c.names, registry: .builtIn, levels: [.practice], suppression: .init(threshold: 5)), as: UTF8.self)
    let rows = five.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = rows[0]
    #expect(header.last == "suppressed_below")
    let october = rows.first { $0[2] == "2026-10" && $0[5] == "PHQ9" }!
    func cell(_ name: String) -> String { october[header.firstIndex(of: name)!] }
    #expect(cell("clients_seen") == "<5")
    #expect(cell("rc_deteriorated") == "<5")
    #expect(cell("rc_deteriorated_rate") == "<5")
    #expect(cell("rc_deteriorated_ci_lo") == "<5")
    #expect(cell("effect_size_d") == "")  // one finished series: no effect size to hide
    #expect(cell("suppressed_below") == "5")
    #expect(!five.contains(",1,") && !five.contains(",2,"))
    let two = String(decoding: AggregateFiles.summary(c.aggregates, names: c.names, registry: .builtIn, levels: [.practice], suppression: .init(threshold: 3)), as: UTF8.self)
    let octoberTwo = two.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
      .first { $0[2] == "2026-10" && $0[5] == "PHQ9" }!
    #expect(octoberTwo[header.firstIndex(of: "clients_seen")!] == "<3")
    #expect(octoberTwo[header.firstIndex(of: "episodes_active")!] == "3")
    #expect(octoberTwo[header.firstIndex(of: "rc_deteriorated")!] == "<3")
    let unsuppressed = String(decoding: AggregateFiles.summary(c.aggregates, names: c.names, registry: .builtIn, levels: [.practice]), as: UTF8.self)
    #expect(unsuppressed.contains("practice,practice,2026-10,2026-10-01,2026-10-31,PHQ9,2,3,1,1,1,1.0000,0.2065,1.0000,2.00,1,0,0.0000,0.0000,0.7935,0,1,1.0000,0.2065,1.0000,1,0,0.0000,0.0000,0.7935,0,0,1,0,,1,"))
  }

  @Test func researchRowsCarryNoIdsOrDates() throws {
    let loaded = try TestFiles.load(Self.text, series: SeriesOptions(asOf: CivilDate(year: 2026, month: 10, day: 31)))
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let key = Pseudonyms(salt: Array("a secret salt of the practice".utf8))
    let csv = String(decoding: ResearchClientsFile.csv(table: loaded.table, names: loaded.names, registry: .builtIn, analysis: analysis, key: key), as: UTF8.self)
    #expect(!csv.contains("script"))
    #expect(!csv.contains("B&amp"))
    #expect(!csv.contains("T1"))
    #expect(!csv.contains("2026-09-01"))
    #expect(csv.contains(key.hex(.client, "B&amp")))
    #expect(csv.contains(",2026-09,2026-10,"))
    // Made in parts on all cores, the file is the same.
    let cells = ResearchClientsFile.Cells(table: loaded.table, names: loaded.names, registry: .builtIn, key: key)
    for parts in [2, 3, loaded.table.series.count + 1] {
      let joined = (0..<parts).flatMap {
        ResearchClientsFile.csv(table: loaded.table, registry: .builtIn, analysis: analysis, cells: cells, part: $0, of: parts)
      }
      #expect(String(decoding: joined, as: UTF8.self) == csv)
    }
  }
}
