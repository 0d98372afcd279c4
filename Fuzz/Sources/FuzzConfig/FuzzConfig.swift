// libFuzzer entry point: one input is the bytes of a config file.
//
// The bytes go through `Configuration.load(path:)`, as `--config` does, so the UTF-8 check and the
// byte-order mark are covered too. Either the file is refused with a one-line `ConfigurationError`,
// or the configuration it gives must be usable: every instrument findable by its own name and
// aliases, every range and threshold consistent, the parameters valid against the registry.

import Foundation
import RomtrackCore

/// Where each input is written before it is read (a RAM disk when there is one); removed at exit.
let inputPath: String = {
  atexit { unlink(scratchPath()) }
  return scratchPath()
}()

/// A file name of this process's own.
func scratchPath() -> String {
  let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
  return folder + "/romtrack-fuzz-config-\(getpid()).yml"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  guard FileManager.default.createFile(atPath: inputPath, contents: bytes) else {
    fatalError("cannot write \(inputPath)")
  }
  let configuration: Configuration
  do {
    configuration = try Configuration.load(path: inputPath)
  } catch let error as ConfigurationError {
    let line = String(describing: error)
    check(!line.contains("\n") && !line.contains("\r"), "the message is not one line: \(line)")
    check(error.line.map { $0 >= 0 } ?? true, "negative line in \(line)")
    return 0
  } catch {
    fatalError("load threw something other than a ConfigurationError: \(error)")
  }
  checkUsable(configuration)
  return 0
}

/// The invariants of a configuration that loaded.
func checkUsable(_ configuration: Configuration) {
  let registry = configuration.registry
  for (position, instrument) in registry.instruments.enumerated() {
    check(registry.index(of: instrument.name) == position, "\(instrument.name) does not find itself")
    for alias in instrument.aliases {
      check(registry.index(of: alias) == position, "alias \(alias) of \(instrument.name) finds another instrument")
    }
    check(instrument.minimum.isFinite && instrument.maximum.isFinite, "\(instrument.name): range not finite")
    check(instrument.minimum < instrument.maximum, "\(instrument.name): min is not below max")
    for cutoff in [instrument.clinicalCutoff, instrument.allianceCutoff].compactMap({ $0 }) {
      check(cutoff.value >= instrument.minimum && cutoff.value <= instrument.maximum, "\(instrument.name): cutoff outside the range")
    }
    if let r = instrument.reliability { check(r > 0 && r < 1, "\(instrument.name): reliability \(r)") }
    if let sd = instrument.referenceSD { check(sd > 0, "\(instrument.name): reference_sd \(sd)") }
  }
  check(configuration.parameters.problems(against: registry).isEmpty, "parameters that do not validate")
  // The listings and the summary print the registry: they must not trap on any accepted entry.
  _ = RegistryListing.table(registry)
}

/// Stops the fuzzer with a message when an invariant fails.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
  if !condition { fatalError("invariant: " + message()) }
}
