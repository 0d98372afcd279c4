// The text of `romtrack instruments` (the registry as a table) and `romtrack instruments NAME` (one entry
// in full). Plain ASCII, aligned with spaces, so it reads the same in any terminal and in a log.

/// `romtrack instruments NAME` with a name the registry does not know.
public struct UnknownInstrumentError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The name as the user wrote it.
  public var name: String
  /// The registry's canonical names, in listing order.
  public var knownNames: [String]

  public init(name: String, knownNames: [String]) {
    self.name = name
    self.knownNames = knownNames
  }

  public var description: String {
    "unknown instrument `\(name)`; known instruments: " + knownNames.joined(separator: ", ")
  }
}

/// Text listings of an `InstrumentRegistry`.
public enum RegistryListing {
  /// Shown where an entry has no value.
  static let none = "-"

  /// One row per instrument, columns aligned: name, aliases, kind, range, better, clinical cutoff,
  /// reliable change, alliance cutoff. Ends with a newline.
  public static func table(_ registry: InstrumentRegistry) -> String {
    let header = [
      "name", "aliases", "kind", "range", "better", "clinical cutoff", "reliable change", "alliance cutoff",
    ]
    let rows = registry.instruments.map { instrument in
      [
        instrument.name,
        instrument.aliases.isEmpty ? none : instrument.aliases.joined(separator: ", "),
        instrument.kind.rawValue,
        range(instrument),
        instrument.direction.word,
        instrument.clinicalCutoff?.description ?? none,
        reliableChange(instrument),
        instrument.allianceCutoff?.description ?? none,
      ]
    }
    return align([header] + rows)
  }

  /// Every field of the instrument `name` (a name or an alias), with its source, notes and the values
  /// derived from it (the Jacobson-Truax threshold and the cutoffs a, b and c from the norms). Throws
  /// `UnknownInstrumentError` listing the known names when the registry has no such instrument.
  public static func detail(of name: String, in registry: InstrumentRegistry) throws(UnknownInstrumentError) -> String {
    guard let instrument = registry.instrument(named: name) else {
      throw UnknownInstrumentError(name: name, knownNames: registry.names)
    }
    return detail(of: instrument)
  }

  /// Every field of `instrument`, one per line. Ends with a newline.
  public static func detail(of instrument: Instrument) -> String {
    let number = RegistryText.number
    var fields: [[String]] = [
      ["aliases", instrument.aliases.isEmpty ? none : instrument.aliases.joined(separator: ", ")],
      ["kind", instrument.kind.rawValue],
      ["range", range(instrument)],
      ["better", "\(instrument.direction.word) (dir = \(instrument.direction.rawValue > 0 ? "+1" : "-1"))"],
      [
        "clinical cutoff",
        instrument.clinicalCutoff.map {
          "\($0) (in the clinical range when \($0.comparator.words) \(number($0.value)))"
        } ?? none,
      ],
      ["reliable change", instrument.reliableChangePoints.map { "\(number($0)) points" } ?? none],
      ["reliability (r_xx)", instrument.reliability.map(number) ?? none],
      ["reference SD", instrument.referenceSD.map(number) ?? none],
    ]
    if let sDiff = instrument.standardErrorOfDifference {
      fields.append([
        "Jacobson-Truax RC", "\(rounded(1.96 * sDiff)) points (1.96 x S_diff, S_diff = \(rounded(sDiff)))",
      ])
    }
    fields += [
      ["clinical norm", instrument.clinicalNorm?.description ?? none],
      ["functional norm", instrument.functionalNorm?.description ?? none],
    ]
    if let cutoffs = instrument.normCutoffs {
      let b = "b = \(rounded(cutoffs.b)) (with SD_clin: \(rounded(cutoffs.bWithClinicalSD)))"
      fields.append(["norm cutoffs", "a = \(rounded(cutoffs.a)), \(b), c = \(rounded(cutoffs.c))"])
    }
    fields += [
      [
        "alliance cutoff",
        instrument.allianceCutoff.map { "\($0) (a concern when \($0.comparator.words) \(number($0.value)))" } ?? none,
      ],
      ["source", instrument.source.isEmpty ? none : instrument.source],
    ]
    if let items = instrument.items {
      fields.append(["items", items.summary + (items.source.isEmpty ? "" : " (\(items.source))")])
    }
    for (position, note) in instrument.notes.enumerated() {
      fields.append([position == 0 ? "notes" : "", note])
    }
    return instrument.name + "\n" + align(fields.map { [$0[0].isEmpty ? "" : $0[0] + ":", $0[1]] }, indent: "  ")
  }

  static func range(_ instrument: Instrument) -> String {
    let low = RegistryText.number(instrument.minimum)
    let high = RegistryText.number(instrument.maximum)
    return instrument.minimum < 0 ? "\(low) to \(high)" : "\(low)-\(high)"
  }

  static func reliableChange(_ instrument: Instrument) -> String {
    if let points = instrument.reliableChangePoints { return RegistryText.number(points) + " points" }
    if let r = instrument.reliability, let sd = instrument.referenceSD {
      return "r = \(RegistryText.number(r)), SD = \(RegistryText.number(sd))"
    }
    return none
  }

  /// Two decimals, trailing zeros dropped: 10.4643 -> 10.46, 4.5 -> 4.5.
  static func rounded(_ value: Double) -> String {
    RegistryText.number((value * 100).rounded() / 100)
  }

  /// Columns padded to their widest cell, two spaces apart, no trailing spaces.
  static func align(_ rows: [[String]], indent: String = "") -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    var text = ""
    for row in rows {
      var line = indent
      for (column, cell) in row.enumerated() {
        line += column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      text += line + "\n"
    }
    return text
  }
}
