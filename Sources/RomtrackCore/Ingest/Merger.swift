import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Gathers the parts of every file into one `ScoreRows`, giving text values ids shared by all files.
///
/// `append` takes one file's parts as they come: their names get shared ids at once (in file order,
/// so ids follow first appearance in the input), their rows wait. `finish` then joins each column of
/// every part into one region (`ColumnJoin`), moving the parts' pages instead of copying their values:
/// the rows were written once, by the parsing threads, and are not written to fresh memory again.
struct Merger {
  var rejects: [Reject] = []
  var clients = ByteInterner(capacity: 1 << 16)
  var episodes = ByteInterner()
  var clinicians = ByteInterner(capacity: 256)
  var sites = ByteInterner(capacity: 16)
  /// `goal_id` texts, the empty one first (id 0: no goal), so rows of files without the column are 0.
  var goals: ByteInterner = {
    var goals = ByteInterner(capacity: 16)
    _ = goals.intern(UnsafePointer(bitPattern: 1)!, 0)
    return goals
  }()
  /// The rows of every part of every file so far, in input order.
  private var parts: [ParsedColumns] = []
  /// Per part and id column, the shared id of each part-local id; nil where they are the same.
  private var clientMaps: [[UInt32]?] = []
  private var episodeMaps: [[UInt32]?] = []
  private var clinicianMaps: [[UInt32]?] = []
  private var siteMaps: [[UInt32]?] = []
  private var goalMaps: [[UInt32]?] = []
  private var fileRows: [Range<Int>] = []
  private var count = 0

  mutating func append(_ parsers: inout [RowParser]) {
    // Ids are shared in Unicode normalization form C: a "Zoë" typed with a combining diaeresis (NFD,
    // as macOS file names and some exports have it) is the same id as the precomposed one.
    func remap(_ local: ByteInterner, into global: inout ByteInterner) -> [UInt32]? {
      let map = (0..<local.count).map { id in
        Merger.composed(local.bytes(UInt32(id))).withUnsafeBufferPointer { b in
          global.intern(b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count)
        }
      }
      return map.enumerated().allSatisfy { $0.offset == Int($0.element) } ? nil : map
    }
    // Room for the parts' clients, as if a later file's clients were mostly the earlier files' ones
    // (outcome and alliance files of one practice): at worst the table grows as it would.
    clients.reserve(keys: max(clients.count, parsers.reduce(0) { $0 + $1.clients.count }))
    let added = parsers.reduce(0) { $0 + $1.rows.count }
    for k in parsers.indices {
      clientMaps.append(remap(parsers[k].clients, into: &clients))
      episodeMaps.append(remap(parsers[k].episodes, into: &episodes))
      clinicianMaps.append(remap(parsers[k].clinicians, into: &clinicians))
      siteMaps.append(remap(parsers[k].sites, into: &sites))
      goalMaps.append(remap(parsers[k].goals, into: &goals))
      parts.append(parsers[k].rows)
      parsers[k].rows = ParsedColumns()
      rejects.append(contentsOf: parsers[k].rejects)
    }
    fileRows.append(count..<(count + added))
    count += added
  }

  /// The bytes of an id in normalization form C (`precomposedStringWithCanonicalMapping`); ASCII and
  /// bytes that are not valid UTF-8 (rejected as `bad_encoding`) as they are.
  static func composed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    guard bytes.contains(where: { $0 >= 0x80 }), let text = String(validating: bytes, as: UTF8.self) else { return bytes }
    return ArraySlice(text.precomposedStringWithCanonicalMapping.utf8)
  }

  /// The rows of every file appended, one column per job on all cores; the parts are consumed.
  mutating func finish() -> ScoreRows {
    func job<T: BitwiseCopyable>(_ column: WritableKeyPath<ParsedColumns, ColumnBuffer<T>>, maps: [[UInt32]?]? = nil) -> ColumnJoin<T> {
      let buffers = parts.indices.map { k in
        let buffer = parts[k][keyPath: column]
        parts[k][keyPath: column] = ColumnBuffer()
        return buffer
      }
      return ColumnJoin(parts: buffers, maps: maps)
    }
    let goal = goalJob()  // first: it reads the parts' row counts
    let client = job(\.client, maps: clientMaps)
    let episode = job(\.episode, maps: episodeMaps)
    let clinician = job(\.clinician, maps: clinicianMaps)
    let site = job(\.site, maps: siteMaps)
    let instrument = job(\.instrument)
    let session = job(\.session)
    let date = job(\.date)
    let score = job(\.score)
    let episodeEnd = job(\.episodeEnd)
    let line = job(\.line)
    parts = []
    let jobs: [any ColumnJoining] = [client, episode, clinician, site, score, instrument, session, date, episodeEnd, line] + (goal.map { [$0] } ?? [])
    DispatchQueue.concurrentPerform(iterations: jobs.count) { jobs[$0].run() }
    var rows = ScoreRows()
    rows.client = client.result
    rows.episode = episode.result
    rows.clinician = clinician.result
    rows.site = site.result
    rows.instrument = instrument.result
    rows.session = session.result
    rows.date = date.result
    rows.score = score.result
    rows.episodeEnd = episodeEnd.result
    rows.line = line.result
    if let goal { rows.goal = goal.result }
    rows.fileRows = fileRows
    return rows
  }

  /// The join of the `goal_id` column, or `nil` when no file has one. Parts of files without the
  /// column get goal 0 (the empty goal) on every row.
  private mutating func goalJob() -> ColumnJoin<UInt32>? {
    guard parts.contains(where: { $0.goal.count > 0 }) else { return nil }
    let buffers = parts.indices.map { k in
      var buffer = parts[k].goal
      parts[k].goal = ColumnBuffer()
      if buffer.count < parts[k].count {
        buffer.deallocate()
        buffer = ColumnBuffer(capacity: parts[k].count)
        for _ in 0..<parts[k].count { buffer.append(0) }
      }
      return buffer
    }
    return ColumnJoin(parts: buffers, maps: goalMaps)
  }

  func names() -> NameTables {
    var names = NameTables()
    names.clients = (0..<clients.count).map { clients.string(UInt32($0)) }
    names.episodes = (0..<episodes.count).map { episodes.string(UInt32($0)) }
    names.clinicians = (0..<clinicians.count).map { clinicians.string(UInt32($0)) }
    names.sites = (0..<sites.count).map { sites.string(UInt32($0)) }
    names.goals = (0..<goals.count).map { goals.string(UInt32($0)) }
    return names
  }
}

/// A column join of the merge, run on any thread: it owns its buffers.
protocol ColumnJoining: AnyObject, Sendable {
  func run()
}

/// Joins one column of every part, in order, into one region, without copying the values into
/// fresh memory.
///
/// Each part's pages are moved into the region (`PageMemory.move`) at the first 2 MiB boundary at or
/// after the end of the rows before it, then slid down over the gap. The slide copies the part's
/// values within pages already in memory and touches fresh memory only in the gap (under 2 MiB).
/// Copying every part after the first into a grown column instead made the kernel find and clear
/// about 620 MB more memory at 1M clients. Part-local ids are translated to the shared ones in place
/// (`maps`, for the `UInt32` id columns only). Where the kernel will not move pages, a part is copied.
final class ColumnJoin<T: BitwiseCopyable>: ColumnJoining, @unchecked Sendable {
  private var parts: [ColumnBuffer<T>]
  private let maps: [[UInt32]?]?
  private(set) var result = Column<T>()

  init(parts: [ColumnBuffer<T>], maps: [[UInt32]?]?) {
    precondition(maps == nil || T.self == UInt32.self, "only id columns are translated")
    self.parts = parts
    self.maps = maps
  }

  func run() {
    let stride = MemoryLayout<T>.stride
    let step = PageMemory.hugePage / stride  // values per huge page: moves land on multiples of it
    let total = parts.reduce(0) { $0 + $1.count }
    // Room for every value and, before each part, a gap of less than one huge page.
    let capacity = total + parts.count * step
    let (region, bytes) = PageMemory.allocate(capacity * stride, alignedTo: PageMemory.hugePage)
    let base = region.bindMemory(to: T.self, capacity: capacity)
    var n = 0
    for k in parts.indices {
      let (source, count, mapped) = parts[k].release()
      if count > 0 {
        let at = (n + step - 1) / step * step
        let used = PageMemory.rounded(count * stride)
        if PageMemory.move(UnsafeMutableRawPointer(source), used, to: UnsafeMutableRawPointer(base + at)) {
          if mapped > used { PageMemory.free(UnsafeMutableRawPointer(source) + used, mapped - used) }
          if at > n { memmove(base + n, base + at, count * stride) }
        } else {
          (base + n).update(from: source, count: count)
          PageMemory.free(UnsafeMutableRawPointer(source), mapped)
        }
        translate(base + n, count: count, part: k)
      } else if mapped > 0 {
        PageMemory.free(UnsafeMutableRawPointer(source), mapped)
      }
      n += count
    }
    // The last slide left stale values behind the end; their pages go back to the kernel.
    let end = PageMemory.rounded(n * stride)
    if bytes > end { PageMemory.discard(region + end, bytes - end) }
    result = Column(base: base, count: n, bytes: bytes)
  }

  /// Replaces each part-local id by the shared one. Read as `UInt32` directly: through the generic
  /// element, each value was a call and a copy.
  private func translate(_ values: UnsafeMutablePointer<T>, count: Int, part: Int) {
    guard let maps, let map = maps[part] else { return }
    let ids = UnsafeMutableRawPointer(values).assumingMemoryBound(to: UInt32.self)
    map.withUnsafeBufferPointer { shared in
      for i in 0..<count { ids[i] = shared[Int(ids[i])] }
    }
  }
}
