import Foundation
import RomtrackCore

/// manifest.json: what a run read, with which settings, what it made of the rows, and how long each
/// phase took (FORMATS.md). The only output file with a timestamp. `run_id` is the one in the folder's
/// `.romtrack-output` marker; `warnings` lists every warning of the run (rejected rows, model
/// diagnostics), since a report that was written passed every check that could have failed it.
public struct Manifest: Encodable {
  public struct Input: Encodable {
    public var path: String
    public var bytes: Int
    public var sha256: String?
    public var rowsRead: Int
    public var rowsRejected: Int
    public var blankLines: Int
    public var threads: Int
  }

  public var tool = "romtrack"
  public var version: String
  public var commandLine: [String]
  public var createdAt: String
  public var asOf: String?
  public var parameters: [String: String]
  public var inputs: [Input]
  public var reconciliation: Reconciliation
  public var timings: [StageTiming]
  public var notes: [String]
  public var runId: String?
  public var warnings: [String]

  public init(
    version: String, commandLine: [String], asOf: CivilDate?, parameters: [String: String],
    loaded: LoadedInput, sha256: [String?] = [], notes: [String] = [],
    runID: String? = nil, warnings: [String] = []
  ) {
    self.version = version
    self.commandLine = commandLine
    self.createdAt = ISO8601DateFormatter().string(from: Date())
    self.asOf = asOf?.description
    self.parameters = parameters
    self.inputs = loaded.files.enumerated().map { i, file in
      Input(path: file.path, bytes: file.bytes, sha256: i < sha256.count ? sha256[i] : nil, rowsRead: file.rowsRead, rowsRejected: file.rowsRejected, blankLines: file.blankLines, threads: file.threads)
    }
    self.reconciliation = loaded.reconciliation
    self.timings = loaded.timings
    self.notes = loaded.notes + notes  // how the input was read (workbooks, wide and item-level files) first
    self.runId = runID
    self.warnings = warnings
  }

  public func json() throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return Array(try encoder.encode(self)) + [0x0A]
  }
}
