import RomtrackCore

/// Everything the HTML pages show, computed once: the analysis, the aggregates, the expected-response
/// models, the reconciliation of the input, and per clinician the active episodes in worklist order.
public struct ReportContent: Sendable {
  public let table: SeriesTable
  public let names: NameTables
  public let registry: InstrumentRegistry
  public let analysis: Analysis
  public let aggregates: AggregateTable
  public let parameters: AnalysisParameters
  public let reconciliation: Reconciliation
  public let inputs: [FileSummary]
  public let version: String
  public let asOf: CivilDate
  /// Expected-response models by registry index, for the expected bands.
  let models: [Int: ExpectedResponseModel]
  /// Outcome instruments with no expected-response model, with the reason (`MissingModelNote`).
  let withoutModel: [ExpectedResponseUse]
  /// Per clinician: their active episodes, most urgent first (then client id).
  let caseloads: [[Int]]
  /// Per clinician: the active episodes moved from them to another clinician (docs/input.md,
  /// "Transfers"), by client id. They count in the new clinician's caseload and figures.
  let transferred: [[Int]]
  /// Per episode: its urgency (the highest of its series that need review; 0 when none).
  let episodeUrgency: [Int]
  /// `events[eventStart[s]..<eventStart[s + 1]]` are series `s`'s events (the analysis lists them in
  /// series order).
  let eventStart: [Int]
  /// The episodes whose progress sheets are written (`--client-sheets`, `--sheet-client`): the
  /// clinician's page links to them.
  public var clientSheets: Set<Int> = []

  public init(
    table: SeriesTable, names: NameTables, registry: InstrumentRegistry, analysis: Analysis,
    aggregates: AggregateTable, models: [ExpectedResponseUse], parameters: AnalysisParameters,
    reconciliation: Reconciliation, inputs: [FileSummary], version: String, asOf: CivilDate
  ) {
    self.table = table
    self.names = names
    self.registry = registry
    self.analysis = analysis
    self.aggregates = aggregates
    self.parameters = parameters
    self.reconciliation = reconciliation
    self.inputs = inputs
    self.version = version
    self.asOf = asOf
    var byInstrument: [Int: ExpectedResponseModel] = [:]
    for use in models {
      if let i = registry.index(of: use.instrument), let fit = use.fit, let model = try? ExpectedResponseModel(fit: fit) { byInstrument[i] = model }
    }
    self.models = byInstrument
    withoutModel = models.filter { $0.fit == nil }
    var urgency = [Int](repeating: 0, count: table.episodes.count)
    for (s, r) in analysis.series.enumerated() where r.needsReview {
      let e = table.series[s].episode
      urgency[e] = max(urgency[e], r.urgency)
    }
    episodeUrgency = urgency
    var caseloads = [[Int]](repeating: [], count: max(names.clinicians.count, 1))
    for (e, episode) in table.episodes.enumerated() where episode.status == .active {
      caseloads[Int(episode.clinician)].append(e)
    }
    let clients = names.clients
    let episodes = table.episodes
    for k in caseloads.indices {
      caseloads[k].sort { a, b in
        if urgency[a] != urgency[b] { return urgency[a] > urgency[b] }
        let (ca, cb) = (clients[Int(episodes[a].client)], clients[Int(episodes[b].client)])
        return ca != cb ? ca < cb : a < b
      }
    }
    self.caseloads = caseloads
    var transferred = [[Int]](repeating: [], count: caseloads.count)
    for (e, episode) in episodes.enumerated() where episode.status == .active && episode.wasTransferred {
      transferred[Int(episode.previousClinician)].append(e)
    }
    for k in transferred.indices where transferred[k].count > 1 {
      transferred[k].sort { a, b in
        let (ca, cb) = (clients[Int(episodes[a].client)], clients[Int(episodes[b].client)])
        return ca != cb ? ca < cb : a < b
      }
    }
    self.transferred = transferred
    var start = [Int](repeating: 0, count: table.series.count + 1)
    for event in analysis.events { start[event.series + 1] += 1 }
    for s in 0..<table.series.count { start[s + 1] += start[s] }
    eventStart = start
  }

  /// The sudden gains, losses and ruptures of series `s`.
  func events(ofSeries s: Int) -> ArraySlice<SeriesEvent> { analysis.events[eventStart[s]..<eventStart[s + 1]] }

  /// The month reported.
  var month: YearMonth { aggregates.month }

  func instrument(ofSeries s: Int) -> Instrument { registry.instruments[Int(table.series[s].instrument)] }
  func clientID(_ e: Int) -> String { names.clients[Int(table.episodes[e].client)] }
  func episodeID(_ e: Int) -> String { names.episodes[Int(table.episodes[e].episode)] }
  func clinicianID(_ k: Int) -> String { names.clinicians.isEmpty ? "" : names.clinicians[k] }
  func siteID(_ e: Int) -> String { names.sites.isEmpty ? "" : names.sites[Int(table.episodes[e].site)] }

  /// Clinician indices in id order.
  var cliniciansInOrder: [Int] {
    let ids = names.clinicians.isEmpty ? [""] : names.clinicians
    return ids.indices.sorted { ids[$0] < ids[$1] }
  }

  /// Number of active episodes of clinician `k` that need review.
  func worklistCount(clinician k: Int) -> Int { caseloads[k].reduce(0) { $0 + (episodeUrgency[$1] > 0 ? 1 : 0) } }

  /// Number of active episodes of clinician `k` in the act tier: the "need a conversation" figure.
  func actCount(clinician k: Int) -> Int {
    caseloads[k].reduce(0) { $0 + (episodeUrgency[$1] >= WorklistPriority.actFrom ? 1 : 0) }
  }
}
