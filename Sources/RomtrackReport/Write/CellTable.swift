import RomtrackCore

/// The CSV cells of a table of names (client, episode, clinician and site ids, instrument names),
/// escaped once into one byte arena: an id repeats on every row of its client, and escaping it each
/// time (quoting, formula neutralising, NUL replacement) was a third of the cost of clients.csv.
struct CellTable: Sendable {
  private let arena: [UInt8]
  /// `arena[ends[i - 1]..<ends[i]]` is name `i`'s cell (from 0 for the first).
  private let ends: [Int]

  init(_ names: [String]) {
    (arena, ends) = CSVWriter.escapedCells(names)
  }

  /// Cells of `width` bytes each, end to end in `cells`, that need no escaping.
  init(width: Int, cells: [UInt8]) {
    arena = cells
    ends = (0..<(cells.count / width)).map { ($0 + 1) * width }
  }

  /// Appends name `i`'s cell to the row being written.
  func append(_ i: Int, to w: inout CSVWriter) {
    let start = i == 0 ? 0 : ends[i - 1]
    arena.withUnsafeBytes { w.escapedCell(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
  }
}

/// The cell tables of the names a series row starts with, and of its worklist reasons, made once and
/// shared by the parts of a file.
public struct SeriesNameCells: Sendable {
  let clients: CellTable
  let episodes: CellTable
  let clinicians: CellTable
  let sites: CellTable
  let instruments: CellTable
  /// The `reasons` cell of every set of worklist reasons, by the set's raw value: joining the codes
  /// on each of a million rows was a String built and freed per row.
  let reasons: CellTable
  /// The `goal_id` cell of each goal (the empty one first).
  let goals: CellTable

  public init(names: NameTables, registry: InstrumentRegistry) {
    clients = CellTable(names.clients)
    episodes = CellTable(names.episodes)
    clinicians = CellTable(names.clinicians)
    sites = CellTable(names.sites)
    instruments = CellTable(registry.instruments.map(\.name))
    reasons = CellTable((0..<(1 << WorklistReason.allCases.count)).map { WorklistReasons(rawValue: UInt16($0)).codes })
    goals = CellTable(names.goals.isEmpty ? [""] : names.goals)
  }
}
