import ArgumentParser
import RomtrackCore

/// `romtrack instruments [NAME]`: the instrument registry.
struct Instruments: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the instruments romtrack knows, or show one in full.",
    discussion: """
      Built-in instruments are extended or overridden by --config (or romtrack.yml in the working folder).

      Example: romtrack instruments PHQ-9
      """
  )

  @Argument(help: "An instrument name or alias, e.g. PHQ-9.")
  var name: String?

  @Option(help: ArgumentHelp("Instrument settings, YAML or JSON.", valueName: "file"))
  var config: String?

  func run() throws {
    let input = try InputOptions.parse(config.map { ["--config", $0] } ?? [])
    let configuration = try input.loadConfiguration()
    if let name {
      do {
        Console.output(try RegistryListing.detail(of: name, in: configuration.registry))
      } catch {
        throw RunFailure.input("\(error)")
      }
    } else {
      Console.output(RegistryListing.table(configuration.registry))
    }
  }
}
