import ArgumentParser
import Foundation
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

      Example: romtrack report outcomes.csv alliance.csv --period 2026-10
      """,
    version: RomtrackVersion.current,
    subcommands: [Report.self, Sheet.self, Export.self, Validate.self, Model.self, BacktestCommand.self, Generate.self, Instruments.self]
  )

  /// Runs the command and maps every failure to the exit codes of FORMATS.md.
  static func main() {
    BLASThreads.callerOnly()
    if let message = misplacedFile(Array(CommandLine.arguments.dropFirst())) {
      Console.error(message)
      Glibc.exit(ExitStatus.usageError)
    }
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

extension Romtrack {
  /// A file named where the command belongs (`romtrack scores.csv`): what to write instead. `nil`
  /// when the first argument is a command, an option, or not a file name.
  static func misplacedFile(_ arguments: [String]) -> String? {
    guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
    let commands = configuration.subcommands.map { $0._commandName } + ["help"]
    guard !commands.contains(first) else { return nil }
    let lower = first.lowercased()
    let looksLikeFile = [".csv", ".tsv", ".txt", ".xlsx", ".xls"].contains { lower.hasSuffix($0) }
      || FileManager.default.fileExists(atPath: first)
    guard looksLikeFile else { return nil }
    return "\(first) is a file, not a command: name the command first, e.g. romtrack report \(first)"
      + " (or validate, export, model)"
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
