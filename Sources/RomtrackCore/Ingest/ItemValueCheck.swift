/// Finds files of item values where totals were expected: every score of an instrument in a file lies
/// within the range of one of its items (PHQ-9 scores all 0-3), as when `--map score=phq9_item1` reads
/// one item as the total. A warning, not a reject: a group of well clients can score that low.
enum ItemValueCheck {
  /// Observed scores of one instrument in one file needed before the check speaks.
  static let minimumScores = 10

  static func warnings(_ rows: ScoreRows, files: [String], registry: InstrumentRegistry, skip: Set<String>) -> [String] {
    let instruments = registry.instruments
    guard instruments.contains(where: { $0.items != nil }) else { return [] }
    var warnings: [String] = []
    for (k, path) in files.enumerated() where !skip.contains(path) && k < rows.fileRows.count {
      var count = [Int](repeating: 0, count: instruments.count)
      var highest = [Double](repeating: -.infinity, count: instruments.count)
      for i in rows.fileRows[k] {
        let score = rows.score[i]
        guard !score.isNaN else { continue }
        let instrument = Int(rows.instrument[i])
        count[instrument] += 1
        if score > highest[instrument] { highest[instrument] = score }
      }
      for (i, instrument) in instruments.enumerated() {
        guard let items = instrument.items, count[i] >= minimumScores, highest[i] <= items.itemMaximum,
          instrument.maximum > items.itemMaximum
        else { continue }
        warnings.append(
          "warning: \(path): all \(count[i]) \(instrument.name) scores lie within \(DecimalText.short(items.itemMinimum))-\(DecimalText.short(items.itemMaximum)), the range of one item, not of the total (\(DecimalText.short(instrument.minimum))-\(DecimalText.short(instrument.maximum))): are these item values? Name item columns \(instrument.name.lowercased())_item1 ... \(instrument.name.lowercased())_item\(items.count) to have them scored (docs/input.md, \"Item-level files\")")
      }
    }
    return warnings
  }
}
