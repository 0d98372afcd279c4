import ArgumentParser
import RomtrackCore

/// The METHODS.md parameters as flags. Each overrides the config file's `parameters:` entry of the
/// same name (flag `--stall-window` is key `stall_window`), which overrides the built-in default.
struct AnalysisOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Reference SD for reliable change: reference (the registry's) or sample (SD of the sample's intake scores).", valueName: "reference|sample"))
  var rciSd: String?

  @Option(help: ArgumentHelp("Reliable-change method: JT (default), GLN, HLL, EN, NK or HA.", valueName: "method"))
  var rciMethod: String?

  @Option(help: ArgumentHelp("Clinical cutoff: registry (default), or a, b, c from clinical and functional norms.", valueName: "registry|a|b|c"))
  var cutoff: String?

  @Option(help: ArgumentHelp("SD in cutoff b: functional (default) or clinical (as the R package clinicalsignificance).", valueName: "functional|clinical"))
  var cutoffBSd: String?

  @Option(help: ArgumentHelp("The two measures paired for NHS Talking Therapies flags (default PHQ9,GAD7).", valueName: "A,B"))
  var pair: String?

  @Option(help: ArgumentHelp("Trajectory time axis: session (default) or weeks since the first score.", valueName: "session|weeks"))
  var time: String?

  @Option(help: ArgumentHelp("ETR signal yellow threshold (default 1.0).", valueName: "z"))
  var signalYellow: String?

  @Option(help: ArgumentHelp("ETR signal red threshold (default 1.645).", valueName: "z"))
  var signalRed: String?

  @Option(help: ArgumentHelp("Series with at least 3 scores an instrument needs for the report to fit its own ETR model (default 100); below it no signal, unless --etr-model gives a saved one.", valueName: "n"))
  var etrMinSeries: String?

  @Option(help: ArgumentHelp("Scores before a series can be stalled (default 6).", valueName: "n"))
  var stallMinSessions: String?

  @Option(help: ArgumentHelp("Latest scores in the plateau window (default 4).", valueName: "n"))
  var stallWindow: String?

  @Option(help: ArgumentHelp("Session from which no reliable improvement means review (default 3).", valueName: "n"))
  var reviewSession: String?

  @Option(help: ArgumentHelp("Session from which a stalled series means refer (default 10).", valueName: "n"))
  var referSessions: String?

  @Option(name: .customLong("sg-crit1"), help: ArgumentHelp("Sudden gain criterion 1 in points (default: the instrument's reliable-change threshold).", valueName: "points"))
  var sgCrit1: String?

  @Option(name: .customLong("sg-crit2"), help: ArgumentHelp("Sudden gain criterion 2: share of the pre-gain severity (default 0.25).", valueName: "share"))
  var sgCrit2: String?

  @Option(help: ArgumentHelp("A rupture is a drop of at least this many within-client SDs (default 1.0).", valueName: "sd"))
  var ruptureSd: String?

  @Option(help: ArgumentHelp("Sessions after a rupture within which it may be repaired (default 3).", valueName: "n"))
  var repairWindow: String?

  @Option(help: ArgumentHelp("A rupture also needs a drop of at least this many points; reliable (default) means 1.96 x sqrt(2) within-client SDs of each alliance measure.", valueName: "points|reliable"))
  var rupturePoints: String?

  @Option(help: ArgumentHelp("An active episode with no score for more than this many days is on the act tier as lost contact (default 21).", valueName: "days"))
  var lostContactDays: String?

  /// Flag values by config key.
  var values: [(key: String, text: String?)] {
    [
      ("rci_sd", rciSd), ("rci_method", rciMethod), ("cutoff", cutoff), ("cutoff_b_sd", cutoffBSd),
      ("pair", pair), ("time", time), ("signal_yellow", signalYellow), ("signal_red", signalRed),
      ("etr_min_series", etrMinSeries),
      ("stall_min_sessions", stallMinSessions), ("stall_window", stallWindow),
      ("review_session", reviewSession), ("refer_sessions", referSessions), ("sg_crit1", sgCrit1),
      ("sg_crit2", sgCrit2), ("rupture_sd", ruptureSd), ("repair_window", repairWindow),
      ("rupture_points", rupturePoints), ("lost_contact_days", lostContactDays),
    ]
  }

  func validate() throws {
    var scratch = AnalysisParameters()
    for (key, text) in values {
      guard let text else { continue }
      do { try scratch.set(key, text: text) } catch { throw ValidationError("\(error.flag) \(text): \(error.message)") }
    }
  }

  /// The configuration's parameters with the flags given on top, checked as a whole.
  func parameters(_ configuration: Configuration) throws -> AnalysisParameters {
    var parameters = configuration.parameters
    for (key, text) in values {
      guard let text else { continue }
      do { try parameters.set(key, text: text) } catch { throw RunFailure(code: ExitStatus.usageError, message: "\(error.flag) \(text): \(error.message)") }
    }
    do {
      return try parameters.validated(against: configuration.registry)
    } catch {
      throw RunFailure(code: ExitStatus.usageError, message: "\(error.flag): \(error.message)")
    }
  }
}
