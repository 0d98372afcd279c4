import Foundation
import Testing

/// The example report committed under reports/2026-10/ is what `romtrack report` makes of the bundled
/// sample today, byte for byte (manifest.json aside: it alone holds the run's time and timings, and it
/// is not committed; nor .romtrack-output, whose run id differs), or differing by at most one unit in the
/// last printed place of a few decimals (see `PrintedNumbers`), on this host and with the BLAS kernels of
/// other x86-64 CPUs. A change to any method or page shows up here, and the example is regenerated with
/// `make report`.
struct ExampleReportTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let example = root.appendingPathComponent("reports/2026-10")
  /// The clients whose progress sheets the example carries (as `make report` writes it): goals and a
  /// dip in the alliance, a worsening course, goals moving forward.
  static let sheetFlags = ["--sheet-client", "C000129", "--sheet-client", "C000194", "--sheet-client", "C000229"]

  static func files(in folder: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    var names: [String] = []
    while let name = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
      if !isDirectory.boolValue && name != "manifest.json" && name != ".romtrack-output" { names.append(name) }
    }
    return names.sorted()
  }

  /// `make report` leaves the tree clean: the report of the bundled sample, made as `make report` makes
  /// it (`romtrack report` in the repository's root), equals the committed example, on this host's
  /// OpenBLAS kernels and on those of older x86-64 CPUs that this one can run (`OPENBLAS_CORETYPE`: the
  /// kernels another host would pick), to one unit in the last printed place.
  @Test(arguments: ["", "Prescott", "Nehalem", "Sandybridge", "Haswell"])
  func aFreshRunReproducesTheCommittedExample(kernels: String) throws {
    guard kernels.isEmpty || Self.cpuRuns(kernels) else { return }
    let out = RomtrackProcess.temporaryFolder().appendingPathComponent("2026-10")
    let run = try RomtrackProcess.run(
      ["report", "--quiet", "--out", out.path] + Self.sheetFlags, in: Self.root,
      environment: kernels.isEmpty ? [:] : ["OPENBLAS_CORETYPE": kernels])
    #expect(run.status == 0, "\(run.stderr)")
    let expected = Self.files(in: Self.example)
    #expect(expected.contains("index.html"))
    #expect(expected.contains("summary.csv"))
    #expect(expected.contains { $0.hasPrefix("clinicians/") })
    #expect(Self.files(in: out) == expected)
    for name in expected {
      let a = try Data(contentsOf: Self.example.appendingPathComponent(name))
      let b = try Data(contentsOf: out.appendingPathComponent(name))
      let same = a == b || PrintedNumbers.agree(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self))
      #expect(same, "\(name) differs from the committed example (kernels \(kernels.isEmpty ? "of this host" : kernels)): regenerate it with `make report` and review the change")
    }
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("manifest.json").path))
  }

  /// Whether this CPU has the instructions of OpenBLAS's `kernels` (SSE3, SSE4.2, AVX, AVX2), from
  /// /proc/cpuinfo's flags.
  static func cpuRuns(_ kernels: String) -> Bool {
    let needs = ["Prescott": "pni", "Nehalem": "sse4_2", "Sandybridge": "avx", "Haswell": "avx2"][kernels] ?? "-"
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    guard let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return false }
    return flags.split(separator: " ").contains { $0 == needs }
  }

  @Test func printedNumbersAllowOnlyTheLastDigit() {
    #expect(PrintedNumbers.agree("C1,-3.6518,improved\n", "C1,-3.6517,improved\n"))
    #expect(PrintedNumbers.agree("{\"b\": 0.505307}", "{\"b\": 0.505308}"))
    #expect(PrintedNumbers.agree("1.25e-07", "1.26e-07"))
    #expect(!PrintedNumbers.agree("C1,-3.6518,improved\n", "C1,-3.6528,improved\n"))
    #expect(!PrintedNumbers.agree("C1,-3.6518,improved\n", "C1,-3.6516,improved\n"))
    #expect(!PrintedNumbers.agree("C1,-3.6518,improved\n", "C1,-3.6517,unchanged\n"))
    #expect(!PrintedNumbers.agree("n=12", "n=13"))
    #expect(!PrintedNumbers.agree("1.25e-07", "1.35e-07"))
    // Trailing zeros are not printed: 0.1 against 0.100001 is one unit of the longer one's last place.
    #expect(PrintedNumbers.agree("\"sd\" : 0.1,", "\"sd\" : 0.100001,"))
    #expect(PrintedNumbers.agree("\"correlation\" : -1,", "\"correlation\" : -0.999999,"))
    #expect(!PrintedNumbers.agree("\"correlation\" : -1,", "\"correlation\" : -0.9998,"))
    // 16-digit numbers are not allowed 1e-8 of slack any more: model.json prints 6 digits.
    #expect(!PrintedNumbers.agree("{\"b\": 0.5053073276522801}", "{\"b\": 0.5053073308075626}"))
    #expect(!PrintedNumbers.agree("\"evaluations\" : 228,", "\"evaluations\" : 232,"))
    #expect(!PrintedNumbers.agree("\"observations\" : 5,", "\"observations\" : 4,"))
    #expect(!PrintedNumbers.agree("2026-07-31", "2026-07-30"))
  }

  /// A fresh clone has the example without its manifest.json: `make report` must still replace it.
  @Test func theCommittedExampleCanBeRegeneratedInPlace() throws {
    let copy = RomtrackProcess.temporaryFolder().appendingPathComponent("2026-10")
    try FileManager.default.copyItem(at: Self.example, to: copy)
    try? FileManager.default.removeItem(at: copy.appendingPathComponent("manifest.json"))
    let run = try RomtrackProcess.run(["report", "--quiet", "--out", copy.path] + Self.sheetFlags, in: Self.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(Self.files(in: copy) == Self.files(in: Self.example))
    #expect(FileManager.default.fileExists(atPath: copy.appendingPathComponent("manifest.json").path))
  }

  /// events.csv's `clinician_id`, `site` and `date` (appended after the older columns) are those of the
  /// input row of the event's session, read here from the bundled sample itself (the sample's episodes
  /// keep one clinician and site).
  @Test func eventsCarryTheClinicianSiteAndDateOfTheirSession() throws {
    var rows: [String: (clinician: String, site: String, date: String)] = [:]
    for name in ["outcomes.csv", "alliance.csv"] {
      let records = RomtrackProcess.csvRecords(RomtrackProcess.read(Self.root.appendingPathComponent("data/sample/\(name)")))
      let header = records[0]
      func column(_ field: String) throws -> Int { try #require(header.firstIndex(of: field)) }
      let (c, e, t, i, s, d, site) = (
        try column("client_id"), try column("episode_id"), try column("clinician_id"), try column("instrument"),
        try column("session"), try column("date"), try column("site")
      )
      for r in records.dropFirst() where r.count == header.count {
        rows[[r[c], r[e], r[i], r[s]].joined(separator: "|")] = (r[t], r[site], r[d])
      }
    }
    let events = RomtrackProcess.csvRecords(RomtrackProcess.read(Self.example.appendingPathComponent("events.csv")))
    #expect(Array(events[0].suffix(4)) == ["clinician_id", "site", "date", "items"])
    #expect(Array(events[0].prefix(11)) == [
      "client_id", "episode_id", "instrument", "type", "session", "magnitude", "proportion", "pre_mean",
      "post_mean", "reversal", "repaired",
    ])
    #expect(events.count > 10)
    for event in events.dropFirst() where event.count == 14 {
      let input = try #require(rows[[event[0], event[1], event[2], event[4]].joined(separator: "|")], "\(event)")
      #expect(event[11] == input.clinician && event[12] == input.site && event[13] == input.date, "\(event)")
    }
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

/// Two renderings of one report that differ only where OpenBLAS's choice of kernel shows.
///
/// OpenBLAS picks its kernels for the CPU at run time, and kernels of different vector widths add in
/// different orders, so the growth-model fits (and what follows from them: eb_slope, the expected
/// response) agree between machines to parts in 10^7 at worst, not bit for bit. model.json prints 6
/// significant digits and the CSV files 2 or 4 decimals, so a printed value can at most land one unit
/// of its last place on the other side (a correlation on the boundary printed as `-1` on one machine and
/// `-0.999999` on another). The texts agree when all else is identical and each pair of numbers, one
/// of them a decimal, differs by at most one unit of the last printed place of the longer one. Integers,
/// words, dates and structure must match exactly.
enum PrintedNumbers {
  static func agree(_ a: String, _ b: String) -> Bool {
    let x = tokens(a), y = tokens(b)
    guard x.count == y.count else { return false }
    for (p, q) in zip(x, y) where p != q {
      guard let u = number(p), let v = number(q) else { return false }
      guard u.places + v.places > 0 else { return false }
      let unit = pow(10, Double(max(u.exponent, v.exponent) - max(u.places, v.places)))
      guard abs(u.value - v.value) <= unit * 1.000001 else { return false }
    }
    return true
  }

  /// The text cut into numbers (`12`, `-12.345`, `1.5e-7`) and the runs of other bytes between them.
  static func tokens(_ text: String) -> [Substring] {
    var out: [Substring] = []
    var rest = Substring(text)
    while let range = rest.firstRange(of: /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/) {
      if range.lowerBound > rest.startIndex { out.append(rest[rest.startIndex..<range.lowerBound]) }
      out.append(rest[range])
      rest = rest[range.upperBound...]
    }
    if !rest.isEmpty { out.append(rest) }
    return out
  }

  /// The value, its count of printed decimal places and its exponent (`1.25e-7`: 2 places, -7).
  static func number(_ token: Substring) -> (value: Double, places: Int, exponent: Int)? {
    guard let first = token.first, first == "-" || first.isNumber, let value = Double(token) else { return nil }
    let fraction = token.firstIndex(of: ".").map { token[token.index(after: $0)...].prefix { $0.isNumber } } ?? ""
    let exponent = token.firstIndex { $0 == "e" || $0 == "E" }.flatMap { Int(token[token.index(after: $0)...]) } ?? 0
    return (value, fraction.count, exponent)
  }
}
