import ArgumentParser
import RomtrackCore
import RomtrackReport

#if canImport(Glibc)
  import Glibc
#endif

/// The `romtrack` command: routine outcome monitoring reports from questionnaire scores.
@main
struct Romtrack: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "romtrack",
    abstract: "Routine outcome monitoring for psychotherapy: trajectories, reliable change, stalled cases and alliance ruptures.",
    discussion: """
      Reads long-format CSV files of outcome and alliance scores (one row per questionnaire) and writes
      CSV and HTML reports. Exit codes: 0 success, 1 usage error, 2 input error, 3 internal error.
      """,
    version: RomtrackVersion.current,
    subcommands: [Report.self, Export.self, Validate.self, Model.self, BacktestCommand.self, Generate.self, Instruments.self]
  )

  /// Runs the command and maps every failure to the exit codes of FORMATS.md.
  static func main() {
    BLASThreads.callerOnly()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let failure as RunFailure {
      Console.error(failure.message)
      Glibc.exit(failure.code)
    } catch let error as IngestError {
      Console.error(error.description)
      Glibc.exit(ExitStatus.inputError)
    } catch let error as ConfigurationError {
      Console.error(error.description)
      Glibc.exit(ExitStatus.inputError)
    } catch let error as OutputError {
      // The output folder (--out) cannot be used: nothing was written there.
      Console.error(error.description)
      Glibc.exit(ExitStatus.usageError)
    } catch {
      // --help and --version end with exit code 0; ArgumentParser prints them.
      if exitCode(for: error) == .success { Romtrack.exit(withError: error) }
      Console.error(fullMessage(for: error))
      Glibc.exit(ExitStatus.usageError)
    }
  }
}

/// The exit codes of FORMATS.md.
enum ExitStatus {
  static let usageError: Int32 = 1
  static let inputError: Int32 = 2
  static let internalError: Int32 = 3
}

/// A failure with its exit code and a one-line message.
struct RunFailure: Error {
  var code: Int32
  var message: String

  static func input(_ message: String) -> RunFailure { RunFailure(code: ExitStatus.inputError, message: message) }
  static func `internal`(_ message: String) -> RunFailure { RunFailure(code: ExitStatus.internalError, message: message) }
}
