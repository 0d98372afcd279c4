import Foundation

@testable import RomtrackCore

/// Temporary input files for tests, removed when the test process ends.
enum TestFiles {
  static let folder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("romtrack-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(at: TestFiles.folder) }
    return url
  }()

  /// A new empty folder inside `folder`.
  static func newFolder() -> String {
    let path = folder.appendingPathComponent(UUID().uuidString).path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// Writes `bytes` to a new file and returns its path.
  static func write(_ bytes: [UInt8], name: String = "input.csv") -> String {
    let url = folder.appendingPathComponent(UUID().uuidString + "-" + name)
    _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
    return url.path
  }

  static func write(_ text: String, name: String = "input.csv") -> String {
    write(Array(text.utf8), name: name)
  }

  /// Reads `text` as one input file.
  static func ingest(_ text: String, options: IngestOptions = IngestOptions()) throws -> IngestResult {
    try CSVIngest(registry: .builtIn, options: options).read(files: [write(text)])
  }

  /// Reads `text` through ingest and series.
  static func load(_ text: String, options: IngestOptions = IngestOptions(), series: SeriesOptions = SeriesOptions()) throws -> LoadedInput {
    try InputLoader.load(files: [write(text)], registry: .builtIn, ingest: options, series: series)
  }

  static let header = "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end\n"
}

extension IngestResult {
  /// The scores as (client, instrument, session, score) for easy comparison.
  var tuples: [(String, String, Int32, Double)] {
    (0..<rows.count).map { i in
      (names.clients[Int(rows.client[i])], InstrumentRegistry.builtIn.instruments[Int(rows.instrument[i])].name, rows.session[i], rows.score[i])
    }
  }
}
