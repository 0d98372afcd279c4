import Foundation

/// Runs the built `romtrack` executable, as a user would from a shell.
struct RomtrackProcess {
  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Whether the process ended by a signal rather than exiting.
    var signalled = false
  }

  /// The executable beside the test bundle in the build folder.
  static let executable: URL = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("romtrack").path), folder.path != "/" {
      folder = folder.deletingLastPathComponent()
    }
    return folder.appendingPathComponent("romtrack")
  }()

  /// A started `romtrack`, read on other threads so that neither pipe can fill up and stall it.
  final class Running: @unchecked Sendable {
    let process = Process()
    private let out = Pipe(), err = Pipe()
    private let group = DispatchGroup()
    private var stdoutData = Data(), stderrData = Data()

    init(_ arguments: [String], in directory: URL?, environment: [String: String] = [:]) throws {
      process.executableURL = RomtrackProcess.executable
      process.arguments = arguments
      if let directory { process.currentDirectoryURL = directory }
      if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
      }
      process.standardOutput = out
      process.standardError = err
      try process.run()
      for (pipe, isOut) in [(out, true), (err, false)] {
        group.enter()
        DispatchQueue.global().async {
          let data = pipe.fileHandleForReading.readDataToEndOfFile()
          if isOut { self.stdoutData = data } else { self.stderrData = data }
          self.group.leave()
        }
      }
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the end and returns what the process wrote.
    func wait() -> Outcome {
      process.waitUntilExit()
      group.wait()
      return Outcome(
        status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrData, as: UTF8.self), signalled: process.terminationReason == .uncaughtSignal)
    }
  }

  /// Starts `romtrack arguments...` in `directory` without waiting.
  static func start(_ arguments: [String], in directory: URL? = nil) throws -> Running {
    try Running(arguments, in: directory)
  }

  /// Runs `romtrack arguments...` in `directory` and waits for it; `environment` is added to this
  /// process's.
  static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Outcome {
    try Running(arguments, in: directory, environment: environment).wait()
  }

  /// The folder of this test process's temporary folders, removed when the process ends, so a test
  /// that fails half-way (or does not clean up) leaves nothing behind in the temporary directory.
  static let scratch: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("romtrack-e2e-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: RomtrackProcess.scratch) }
    return url
  }()

  /// A new empty folder for one test.
  static func temporaryFolder() -> URL {
    let url = scratch.appendingPathComponent(UUID().uuidString)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func write(_ text: String, to url: URL) {
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8))
  }

  static func read(_ url: URL) -> String {
    (try? String(contentsOf: url, encoding: .utf8)) ?? ""
  }

  /// The records of RFC 4180 CSV text, fields unquoted (enough for the files romtrack writes).
  static func csvRecords(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            field.unicodeScalars.append(c)
            chars = chars.dropFirst()
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        record.append(field)
        field = ""
      } else if c == "\n" {
        record.append(field)
        records.append(record)
        record = []
        field = ""
      } else {
        field.unicodeScalars.append(c)
      }
    }
    if !field.isEmpty || !record.isEmpty {
      record.append(field)
      records.append(record)
    }
    return records
  }

  /// Whether this process may read a file whatever its permissions (root, or CAP_DAC_OVERRIDE):
  /// then `chmod 000` does not stop reading.
  static var readsPastPermissions: Bool {
    let probe = temporaryFolder().appendingPathComponent("probe")
    write("x", to: probe)
    defer { try? FileManager.default.removeItem(at: probe.deletingLastPathComponent()) }
    chmod(probe.path, 0)
    return FileManager.default.isReadableFile(atPath: probe.path) && (try? Data(contentsOf: probe)) != nil
  }
}
