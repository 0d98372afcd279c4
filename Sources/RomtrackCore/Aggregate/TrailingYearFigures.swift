extension AggregateTable {
  /// The figures counted over the trailing year alone, in one pass over the episodes ended in it:
  /// each group's case-mix sums per instrument (finished series, as the effect size counts them),
  /// the practice's severity lines, and drop-out by alliance exposure.
  mutating func addTrailingYear(_ facts: AggregateFacts, directions: [Double]) {
    let window = windows[Self.trailingYear]
    let (from, to) = (window.from.days, window.to.days)
    let slots = slotCount
    var sums = [CaseMixSums](repeating: CaseMixSums(), count: (groupBase[2] + groupCounts[.site, default: 1]) * slots)
    var exposures = DropOutExposure.Kind.allCases.map(DropOutExposure.init(kind:))
    for episode in facts.episodes where episode.dated && episode.ended && episode.endDay >= from && episode.endDay <= to {
      // The practice, the episode's clinician and its site (no array per episode: this loop sees them all).
      let (clinician, site) = (groupBase[1] + Int(episode.clinician), groupBase[2] + Int(episode.site))
      for s in Int(episode.firstSeries)..<Int(episode.endSeries) where facts.series[s].slot > 0 && facts.series[s].classified {
        let o = facts.series[s]
        let (slot, direction) = (Int(o.slot), directions[Int(o.slot)])
        sums[slot].add(intake: o.intake, latest: o.latest, direction: direction)
        sums[clinician * slots + slot].add(intake: o.intake, latest: o.latest, direction: direction)
        sums[site * slots + slot].add(intake: o.intake, latest: o.latest, direction: direction)
      }
      guard episode.flags.contains(.allianceMeasured) else { continue }
      let dropped = DropOutRule.droppedOut(discharged: episode.discharged, sessions: Int(episode.longest))
      for k in exposures.indices {
        let exposed: Bool
        switch exposures[k].kind {
        case .lowAlliance: exposed = episode.flags.contains(.lowAlliance)
        case .rupture: exposed = episode.flags.contains(.rupture)
        case .unrepairedRupture: exposed = episode.flags.contains(.unrepaired)
        }
        if exposed {
          exposures[k].exposedEnded += 1
          if dropped { exposures[k].exposedDroppedOut += 1 }
        } else {
          exposures[k].unexposedEnded += 1
          if dropped { exposures[k].unexposedDroppedOut += 1 }
        }
      }
    }
    caseMix = sums
    severityLines = (0..<slots).map { $0 == 0 ? nil : SeverityAdjustment(practice: sums[$0]) }
    dropOutByAlliance = exposures
  }
}
