import ArgumentParser
import RomtrackCore

/// `romtrack generate`: realistic synthetic practice data, the same for the same seed.
struct Generate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write synthetic outcome and alliance files for testing, demos and benchmarks.",
    discussion: """
      Clients have courses of several kinds (improvers, non-responders, plateaus that stall, \
      deteriorations, sudden gains and losses), alliance ruptures with and without repair, missing \
      sessions and drop-outs, seen by clinicians at several sites. The same options and seed give \
      byte-identical files on any machine.

      Example: romtrack generate --clients 500 --seed 7 --out demo
      """
  )

  @Option(help: "Number of clients.")
  var clients: Int

  @Option(help: "Seed of the random stream.")
  var seed: UInt64 = 1

  @Option(help: "Months over which first contacts spread, ending with --end.")
  var months: Int = 14

  @Option(help: ArgumentHelp("The last month of data, YYYY-MM.", valueName: "month"))
  var end: String = "2026-10"

  @Option(help: "Number of clinicians (default: one per 25 clients).")
  var clinicians: Int?

  @Option(help: "Number of sites (default: 2, more for large practices).")
  var sites: Int?

  @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
  var out: String = "generated"

  @Flag(help: "Write one scores.csv instead of outcomes.csv and alliance.csv.")
  var combined = false

  @Flag(help: "Also write clients_truth.csv: each episode's planted course and events, for checking detection.")
  var truth = false

  @Flag(help: "No summary on stderr.")
  var quiet = false

  /// The most clients, clinicians or sites a run may ask for: far above any practice, low enough
  /// that no count overflows.
  static let largestCount = 100_000_000

  func validate() throws {
    if clients < 1 || clients > Self.largestCount { throw ValidationError("--clients must be from 1 to \(Self.largestCount)") }
    if months < 1 { throw ValidationError("--months must be at least 1") }
    if YearMonth(end) == nil { throw ValidationError("--end \(end): use YYYY-MM") }
    if let clinicians, clinicians < 1 || clinicians > Self.largestCount { throw ValidationError("--clinicians must be from 1 to \(Self.largestCount)") }
    if let sites, sites < 1 || sites > Self.largestCount { throw ValidationError("--sites must be from 1 to \(Self.largestCount)") }
    // The settings' own checks (the years 1001-9999 for --end and for the first of the --months),
    // before anything computes with them.
    do { try settings.validate() } catch { throw ValidationError("--end \(end) --months \(months): \(error)") }
  }

  /// The settings of the options (checked by `validate`).
  var settings: GeneratorSettings {
    var settings = GeneratorSettings(clients: clients, seed: seed)
    settings.months = min(months, 12 * 10_000)
    settings.endMonth = YearMonth(end) ?? settings.endMonth
    settings.clinicians = clinicians
    settings.sites = sites
    return settings
  }

  func run() throws {
    let started = ContinuousClock.now
    let settings = self.settings
    let summary: GenerationSummary
    do {
      summary = try SyntheticPractice(settings: settings).write(to: out, combined: combined, truth: truth)
    } catch {
      throw RunFailure.input("cannot write to \(out): \(error)")
    }
    Console.status("\(summary.clients) clients, \(summary.episodes) episodes: \(summary.outcomeRows) outcome rows, \(summary.allianceRows) alliance rows (\(summary.missingScores) missing scores)", quiet: quiet)
    Console.status("wrote " + summary.files.joined(separator: ", ") + String(format: " in %.2f s", started.secondsSince), quiet: quiet)
  }
}
