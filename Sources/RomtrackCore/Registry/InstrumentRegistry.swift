// Looking instruments up by the many ways people write their names.

/// The instruments of a run: the built-ins, extended or overridden by a config file.
///
/// Lookup is by match key (`matchKey`): `PHQ-9`, `phq9` and `Phq 9` all find PHQ9. Each key belongs to
/// at most one instrument; `Configuration` refuses a file that would break that. Should two entries
/// share a key anyway (a registry built by hand), the first one wins.
public struct InstrumentRegistry: Sendable, Equatable {
  /// The entries, in listing order.
  public var instruments: [Instrument] {
    didSet { keyIndex = InstrumentRegistry.buildIndex(instruments) }
  }

  /// Match key of every name and alias -> position in `instruments`.
  private var keyIndex: [String: Int]

  public init(instruments: [Instrument]) {
    self.instruments = instruments
    self.keyIndex = InstrumentRegistry.buildIndex(instruments)
  }

  /// The instruments of INSTRUMENTS.md (`Instrument.builtIns`).
  public static let builtIn = InstrumentRegistry(instruments: Instrument.builtIns)

  /// The position of the instrument whose name or an alias has the same match key as `nameOrAlias`;
  /// `nil` when there is none (or the text has no letter or digit at all).
  public func index(of nameOrAlias: String) -> Int? {
    keyIndex[InstrumentRegistry.matchKey(nameOrAlias)]
  }

  /// The instrument `named` (a name or an alias, written any way `matchKey` accepts); `nil` if unknown.
  public func instrument(named: String) -> Instrument? {
    index(of: named).map { instruments[$0] }
  }

  /// The canonical names, in listing order.
  public var names: [String] { instruments.map(\.name) }

  /// The text without anything but letters and digits, lowercased: `PHQ-9` -> `phq9`,
  /// `OQ-45.2` -> `oq452`, `WAI SR` -> `waisr`. Letters and digits of any script count.
  public static func matchKey(_ text: String) -> String {
    String(text.filter { $0.isLetter || $0.isNumber }).lowercased()
  }

  private static func buildIndex(_ instruments: [Instrument]) -> [String: Int] {
    var index: [String: Int] = [:]
    for (position, instrument) in instruments.enumerated() {
      for spelling in [instrument.name] + instrument.aliases {
        let key = matchKey(spelling)
        if !key.isEmpty, index[key] == nil { index[key] = position }
      }
    }
    return index
  }

  public static func == (lhs: InstrumentRegistry, rhs: InstrumentRegistry) -> Bool {
    lhs.instruments == rhs.instruments
  }
}
