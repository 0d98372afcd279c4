import Foundation
import Testing

@testable import RomtrackCore
@testable import RomtrackReport

/// The client's progress sheet: what it says for hand-made courses, that every value and every text
/// is escaped, that its words read at a Flesch reading ease of 60 or more, and that its file names
/// stay inside the clinician's folder.
struct ClientSheetTests {
  static let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end,goal_id\n"

  /// Six episodes, all active at 2026-10-31: improving, worsening, a rupture, goals, a missing
  /// score, one score only (the rupture in a second file, without a goal column, read with it).
  static let text = header + """
    UP,E1,T1,North,PHQ9,1,2026-09-01,20,,
    UP,E1,T1,North,PHQ9,2,2026-09-08,18,,
    UP,E1,T1,North,PHQ9,3,2026-09-15,15,,
    UP,E1,T1,North,PHQ9,4,2026-09-22,12,,
    UP,E1,T1,North,PHQ9,5,2026-09-29,10,,
    UP,E1,T1,North,PHQ9,6,2026-10-06,8,,
    DOWN,E1,T1,North,PHQ9,1,2026-09-01,8,,
    DOWN,E1,T1,North,PHQ9,2,2026-09-08,10,,
    DOWN,E1,T1,North,PHQ9,3,2026-09-15,13,,
    DOWN,E1,T1,North,PHQ9,4,2026-09-22,16,,
    GOALS,E1,T1,North,PHQ9,1,2026-10-01,15,,
    GOALS,E1,T1,North,PHQ9,2,2026-10-08,14,,
    GOALS,E1,T1,North,PHQ9,3,2026-10-15,13,,
    GOALS,E1,T1,North,GBO,1,2026-10-01,2,,sleep better
    GOALS,E1,T1,North,GBO,2,2026-10-08,3,,sleep better
    GOALS,E1,T1,North,GBO,3,2026-10-15,7,,sleep better
    GOALS,E1,T1,North,GBO,1,2026-10-01,4,,see friends
    GOALS,E1,T1,North,GBO,2,2026-10-08,5,,see friends
    GOALS,E1,T1,North,GBO,3,2026-10-15,10,,see friends
    MISS,E1,T1,North,PHQ9,1,2026-09-01,18,,
    MISS,E1,T1,North,PHQ9,2,2026-09-08,17,,
    MISS,E1,T1,North,PHQ9,3,2026-09-15,NA,,
    MISS,E1,T1,North,PHQ9,4,2026-09-22,16,,
    ONE,E1,T1,North,PHQ9,1,2026-10-20,14,,

    """

  static let alliance = TestFiles.header + (1...8).map { "RUPT,E1,T1,North,SRS,\($0),2026-10-\(String(format: "%02d", $0 + 1)),\($0 == 6 ? 22 : 38 + $0 % 2)," }.joined(separator: "\n") + "\n"
    + (1...8).map { "RUPT,E1,T1,North,PHQ9,\($0),2026-10-\(String(format: "%02d", $0 + 1)),\(16 - $0)," }.joined(separator: "\n") + "\n"
    + (1...8).map { "UP,E1,T1,North,SRS,\($0),2026-09-\(String(format: "%02d", $0 + 1)),\(37 + $0 % 3)," }.joined(separator: "\n") + "\n"

  static func content(_ texts: [String] = [text, alliance]) throws -> ReportContent {
    let folder = TestFiles.newFolder()
    let paths = texts.enumerated().map { k, text in
      let path = folder + "/input\(k).csv"
      FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
      return path
    }
    let asOf = CivilDate(year: 2026, month: 10, day: 31)!
    let loaded = try InputLoader.load(files: paths, registry: .builtIn, ingest: IngestOptions(), series: SeriesOptions(asOf: asOf))
    #expect(loaded.rejects.isEmpty, "\(loaded.rejects)")
    let analysis = Analyzer(registry: .builtIn, parameters: .defaults).analyze(loaded.table)
    let aggregates = Aggregator(registry: .builtIn).aggregate(
      table: loaded.table, names: loaded.names, analysis: analysis, month: YearMonth(year: 2026, month: 10))
    return ReportContent(
      table: loaded.table, names: loaded.names, registry: .builtIn, analysis: analysis, aggregates: aggregates,
      models: [], parameters: .defaults, reconciliation: loaded.reconciliation, inputs: loaded.files,
      version: "test", asOf: asOf)
  }

  static func sheet(_ c: ReportContent, client: String, wording: ClientSheetWording = .builtIn) throws -> String {
    let e = try #require(c.table.episodes.indices.first { c.clientID($0) == client })
    return String(decoding: ClientSheet.html(c, episode: e, wording: wording), as: UTF8.self)
  }

  /// The sheet's words, as a reader sees them.
  static func words(_ page: String) -> String { ReadingEase.visibleText(ofPage: page) }

  @Test func improvingCourseSaysDownAndRealChange() throws {
    let page = Self.words(try Self.sheet(try Self.content(), client: "UP"))
    #expect(page.contains("On the PHQ-9, a lower score means you feel better."))
    #expect(page.contains("Most people who are not looking for help score below 10."))
    #expect(page.contains("Down 12 points since your first score: more than the measure's day-to-day wobble. That is a real change for the better."))
    #expect(page.contains("Your scores, session by session: 1: 20, 2: 18, 3: 15, 4: 12, 5: 10, 6: 8."))
    // The alliance measure and the invitation, with the clinician in charge of mending it.
    #expect(page.contains("How our sessions feel to you"))
    #expect(page.contains("If something about our sessions isn't working for you, tell me: it changes what we do."))
    #expect(!page.contains("dipped"))
  }

  @Test func worseningCourseSaysUpAndInvitesTalk() throws {
    let page = Self.words(try Self.sheet(try Self.content(), client: "DOWN"))
    #expect(page.contains("Up 8 points since your first score: more than the measure's day-to-day wobble. Things seem harder now."))
    // No signal colours, model terms or practice figures.
    for term in ["red", "yellow", "signal", "deteriorat", "rupture", "expected", "recovery", "practice", "clinical"] {
      #expect(!page.lowercased().contains(term), "the sheet says \(term)")
    }
  }

  @Test func ruptureIsADipInPlainWords() throws {
    let c = try Self.content()
    let e = try #require(c.table.episodes.indices.first { c.clientID($0) == "RUPT" })
    let srs = try #require(c.table.episodes[e].series.first { c.instrument(ofSeries: $0).name == "SRS" })
    let rupture = try #require(c.events(ofSeries: srs).first { $0.kind == .rupture })
    let page = try Self.sheet(c, client: "RUPT")
    #expect(Self.words(page).contains("Your rating dipped at session \(rupture.session). Thank you for telling me."))
    #expect(page.contains("class=\"dip\""))
    #expect(Self.words(page).contains("On the SRS, you tell me how our sessions feel."))
  }

  @Test func goalsEachTheirOwnSeries() throws {
    let c = try Self.content()
    let e = try #require(c.table.episodes.indices.first { c.clientID($0) == "GOALS" })
    let goals = c.table.episodes[e].series.filter { c.isGoalSeries($0) }.map { c.goalName(ofSeries: $0) }
    #expect(goals == ["sleep better", "see friends"])
    let page = Self.words(try Self.sheet(c, client: "GOALS"))
    #expect(page.contains("Your goals"))
    #expect(page.contains("Goal: sleep better"))
    // 2 -> 7: 5 points, beyond GBO's 2.45.
    #expect(page.contains("Up 5 points since your first score: more than the measure's day-to-day wobble. That is a real change for the better."))
    #expect(page.contains("Goal: see friends"))
    #expect(page.contains("You gave this goal 10: you have reached it."))
    // The goals are not listed among the measures.
    #expect(!page.contains("On the GBO"))
  }

  @Test func missingAndSingleScores() throws {
    let c = try Self.content()
    let missing = Self.words(try Self.sheet(c, client: "MISS"))
    #expect(missing.contains("1: 18, 2: 17, 3: none, 4: 16."))
    #expect(missing.contains("Sessions without a score: 1. That is fine."))
    #expect(missing.contains("Down 2 points since your first score. That is within the measure's day-to-day wobble"))
    let one = Self.words(try Self.sheet(c, client: "ONE"))
    #expect(one.contains("You have one score so far: 14. Next time we can see how it moves."))
    #expect(!one.contains("since your first score"))
  }

  @Test func sheetReadsAtFleschSixtyOrMore() throws {
    let c = try Self.content()
    for client in ["UP", "DOWN", "RUPT", "GOALS", "MISS", "ONE"] {
      let text = Self.words(try Self.sheet(c, client: client))
      let ease = try #require(ReadingEase.score(text))
      #expect(ease >= 60, "\(client): Flesch reading ease \(ease)")
    }
  }

  @Test func everyValueAndTextIsEscaped() throws {
    let hostile = "<script>x</script>"
    let input = Self.header + """
      "\(hostile)","e""&'1","../<b>T</b>",North,PHQ9,1,2026-10-01,20,,
      "\(hostile)","e""&'1","../<b>T</b>",North,PHQ9,2,2026-10-08,12,,
      "\(hostile)","e""&'1","../<b>T</b>",North,GBO,1,2026-10-01,2,,"<img src=x onerror=alert(1)>"

      """
    let c = try Self.content([input])
    let practice = try ClientSheetWording.parse("title: <i>Hi</i> & \"you\"\ngoal_name: Goal <u>{goal}</u>\n", source: "w.txt")
    let page = try Self.sheet(c, client: hostile, wording: practice)
    #expect(!page.contains("<script"))
    #expect(!page.contains("<img"))
    #expect(!page.contains("<i>") && !page.contains("<u>") && !page.contains("<b>"))
    #expect(page.contains("&lt;script&gt;x&lt;/script&gt;"))
    #expect(page.contains("e&quot;&amp;&#39;1"))
    #expect(page.contains("Goal &lt;u&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/u&gt;"))
    #expect(page.contains("&lt;i&gt;Hi&lt;/i&gt; &amp; &quot;you&quot;"))
    // Nothing is fetched from anywhere.
    for pattern in ["http://", "https://", "src=\"", "url("] { #expect(!page.contains(pattern)) }
  }

  @Test func fileNamesStayInsideTheClinicianFolder() {
    let name = ClientSheets.fileName(clinician: "../x", client: "../../etc/passwd", episode: "a.b")
    #expect(name == "clinicians/_2e_2e_2fx/clients/_2e_2e_2f_2e_2e_2fetc_2fpasswd.a_2eb.html")
    #expect(OutputFolder.isSafeRelativePath(name))
    // One-to-one: the dot between client and episode is never part of an id's safe name.
    #expect(ClientSheets.fileName(clinician: "T", client: "a", episode: "b.c") != ClientSheets.fileName(clinician: "T", client: "a.b", episode: "c"))
    #expect(ClientSheets.fileName(clinician: "T", client: "a", episode: "") == "clinicians/T/clients/a.html")
    #expect(ClientSheets.fileName(clinician: "", client: "", episode: "") == "clinicians/_/clients/_.html")
    // Long ids keep every part of the path within 255 bytes.
    let long = String(repeating: "é/", count: 300)
    for part in ClientSheets.fileName(clinician: long, client: long, episode: long).split(separator: "/") {
      #expect(part.utf8.count <= 255)
    }
  }

  @Test func clinicianPageLinksOnlyWhenSheetsAreWritten() throws {
    var c = try Self.content()
    let k = try #require(c.names.clinicians.firstIndex(of: "T1"))
    #expect(!String(decoding: ClinicianPage.html(c, clinician: k), as: UTF8.self).contains("clients/"))
    c.clientSheets = Set(ClientSheets.activeEpisodes(c, clients: ["UP", "GOALS"]))
    let page = String(decoding: ClinicianPage.html(c, clinician: k), as: UTF8.self)
    #expect(page.contains("href=\"T1/clients/UP.E1.html\""))
    #expect(!page.contains("href=\"T1/clients/DOWN.E1.html\""))
    // Goal series are named on the clinician's page.
    #expect(page.contains("(goal: sleep better)"))
  }

  @Test func practiceWordingReplacesKeysAndRejectsUnknownOnes() throws {
    let wording = try ClientSheetWording.parse("# ours\n\ntitle: Hoe gaat het?\n", source: "ours.txt")
    #expect(wording.text("title") == "Hoe gaat het?")
    #expect(wording.text("notes_heading") == ClientSheetWording.builtIn.text("notes_heading"))
    #expect(throws: ClientSheetWordingError(file: "ours.txt", line: 2, problem: "unknown key titel (the keys: romtrack sheet --print-wording)")) {
      try ClientSheetWording.parse("# ours\ntitel: x\n", source: "ours.txt")
    }
    #expect(throws: ClientSheetWordingError.self) { try ClientSheetWording.parse("title x\n", source: "ours.txt") }
    #expect(throws: ClientSheetWordingError.self) { try ClientSheetWording.parse("title: a\ntitle: b\n", source: "ours.txt") }
    // The built-in template reads back as itself.
    #expect(try ClientSheetWording.parse(ClientSheetWording.builtInTemplate, source: "t") == .builtIn)
    #expect(ClientSheetWording.builtIn.text("amount_many", ["points": "3"]) == "3 points")
  }

  @Test func goalSeriesInClientsFile() throws {
    let c = try Self.content()
    let csv = String(decoding: ClientsFile.csv(table: c.table, names: c.names, registry: c.registry, analysis: c.analysis), as: UTF8.self)
    let lines = csv.split(separator: "\n")
    #expect(lines[0].hasSuffix(",diagnostics,tier,goal_id,risk_items"))
    // goal_id is the second-last column (risk_items, a count, is last).
    func goal(_ line: Substring) -> Substring { line.split(separator: ",", omittingEmptySubsequences: false).dropLast().last ?? "" }
    let goals = lines.filter { $0.hasPrefix("GOALS,") && $0.contains(",GBO,") }
    #expect(goals.count == 2)
    #expect(goals.allSatisfy { goal($0) == "sleep better" || goal($0) == "see friends" })
    // Series without a goal have an empty cell, in the file without a goal column too.
    #expect(lines.filter { $0.hasPrefix("RUPT,") }.allSatisfy { goal($0) == "" })
  }

  @Test func goalFiguresCountMovedAndMet() throws {
    let c = try Self.content()
    let f = GoalFigures(table: c.table, analysis: c.analysis, registry: c.registry, asOf: c.asOf)
    // sleep better 2 -> 7 (+5), see friends 4 -> 10 (+6, met).
    #expect(f.goals == 2 && f.ratedTwice == 2 && f.movedForward == 2 && f.movedBack == 0 && f.met == 1 && f.clients == 1)
  }
}

/// The Flesch reading ease against values worked out by hand from the formula of Flesch (1948),
/// with syllables as a dictionary divides the words.
struct ReadingEaseTests {
  @Test func syllablesOfCommonWords() {
    let dictionary: [String: Int] = [
      "the": 1, "cat": 1, "score": 1, "scores": 1, "takes": 1, "rate": 1, "feel": 1,
      "measure": 2, "little": 2, "people": 2, "sessions": 2, "rated": 2, "changes": 2, "wobble": 2,
      "better": 2, "progress": 2, "together": 3, "anything": 3, "day-to-day": 3, "18": 2,
    ]
    for (word, count) in dictionary { #expect(ReadingEase.syllables(word) == count, "\(word)") }
  }

  @Test func fleschOfHandCountedTexts() throws {
    // 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 x 6 - 84.6 x 1 = 116.145.
    #expect(abs(try #require(ReadingEase.score("The cat sat on the mat.")) - 116.145) < 1e-9)
    // 12 words, 2 sentences, 16 syllables ("measure" 2, "people" 2, "little" 2, "better" 2):
    // 206.835 - 1.015 x 6 - 84.6 x 16/12 = 87.945.
    let text = "Most people feel a little better. The measure shows it to you."
    #expect(ReadingEase.counts(text) == ReadingEase.Counts(words: 12, sentences: 2, syllables: 16))
    #expect(abs(try #require(ReadingEase.score(text)) - 87.945) < 1e-9)
    #expect(ReadingEase.score("  ... ") == nil)
  }

  @Test func visibleTextLeavesOutPicturesAndEndsBlocks() {
    let page = "<html><head><title>T</title><style>p{x:1}</style></head><body><h1>Your progress</h1><svg><text>20</text></svg><p>It&#39;s yours</p></body></html>"
    #expect(ReadingEase.visibleText(ofPage: page).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } == ["Your progress", "It's yours"])
  }
}
