// Reading a config file (YAML or JSON): instruments that extend or override the built-ins, and the
// analysis parameters. docs/instruments.md describes the format for users.
//
// The file is composed into a Yams node tree rather than decoded with Codable, so that every key can be
// checked (an unknown key is an error, not silently ignored: a typo must not change a clinical
// threshold without anyone noticing) and every message can name the line and the key path.

import Foundation
import Yams

/// A config file that cannot be used: one line naming the file, the line when known, the key path and
/// the problem, e.g. `romtrack.yml:12: instruments[1].max: must be greater than min (10), got 5`.
/// Sequence positions in key paths count from 0.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as the user named it.
  public var file: String
  /// 1-based line of the offending key or value, when known.
  public var line: Int?
  /// `instruments[2].max`, `parameters.stall_window`; empty for a problem with the whole file.
  public var keyPath: String
  public var problem: String

  public init(file: String, line: Int? = nil, keyPath: String = "", problem: String) {
    self.file = file
    self.line = line
    self.keyPath = keyPath
    self.problem = problem
  }

  public var description: String {
    var text = file
    if let line { text += ":" + String(line) }
    text += ": "
    if !keyPath.isEmpty { text += keyPath + ": " }
    // One line, whatever the file's values contain.
    return (text + problem).replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
  }
}

/// The registry and the parameters of a run, with the file they came from.
public struct Configuration: Sendable, Equatable {
  public var registry: InstrumentRegistry
  public var parameters: AnalysisParameters
  /// The config file as the user named it; `nil` for the built-in defaults.
  public var source: String?
  /// `client_sheet_wording:` a practice's own wording of the clients' progress sheets, as a path
  /// relative to the config file's folder (or absolute); `nil` for romtrack's own words.
  public var clientSheetWording: String?

  public init(
    registry: InstrumentRegistry = .builtIn, parameters: AnalysisParameters = .defaults,
    source: String? = nil
  ) {
    self.registry = registry
    self.parameters = parameters
    self.source = source
  }

  /// The built-in instruments and METHODS.md's defaults.
  public static let defaults = Configuration()

  /// The files looked for in the working directory, in this order, when `--config` is not given.
  public static let defaultFileNames = ["romtrack.yml", "romtrack.yaml", "romtrack.json"]

  /// The keys an entry of `instruments:` may have.
  public static let instrumentKeys: [String] = [
    "name", "aliases", "kind", "min", "max", "better", "clinical_cutoff", "reliable_change_points",
    "reliability", "reference_sd", "clinical_norm", "functional_norm", "alliance_cutoff", "source",
    "notes", "items",
  ]

  /// The keys a new instrument must have; an override may leave them out.
  public static let requiredInstrumentKeys: [String] = ["kind", "min", "max", "better"]

  /// Reads the config file at `path`: YAML, or JSON (which YAML reads too). Throws a
  /// `ConfigurationError` when the file cannot be read or its contents are invalid.
  public static func load(path: String) throws -> Configuration {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ConfigurationError(file: path, problem: "no such file")
    }
    guard !isDirectory.boolValue else {
      throw ConfigurationError(file: path, problem: "is a folder, not a config file")
    }
    // An empty file gives the defaults without being read: FileManager.contents(atPath:) leaks its
    // 4 KB read buffer on an empty file (FoundationEssentials of Swift 6.3), which LeakSanitizer
    // reports in the fuzz target (docs/fuzzing.md).
    var info = stat()
    if stat(path, &info) == 0, info.st_size == 0, access(path, R_OK) == 0 {
      return try parse(text: "", source: path)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigurationError(file: path, problem: "cannot be read (permissions?)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigurationError(file: path, problem: "is not UTF-8 text")
    }
    return try parse(text: text, source: path)
  }

  /// The configuration of a run: the file `--config` names, else the first of `defaultFileNames` in
  /// `directory` (the working directory when `nil`), else the defaults.
  public static func discover(configPath: String?, in directory: String? = nil) throws -> Configuration {
    if let configPath { return try load(path: configPath) }
    for name in defaultFileNames {
      let candidate = directory.map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name
      if FileManager.default.fileExists(atPath: candidate) { return try load(path: candidate) }
    }
    return .defaults
  }

  /// Reads config text; `source` names it in messages and in `Configuration.source`. The built-in
  /// instruments are extended and overridden by the file's `instruments:`, METHODS.md's defaults by its
  /// `parameters:`. An empty file (or one with comments only) gives the defaults.
  public static func parse(text: String, source: String) throws -> Configuration {
    var reader = ConfigurationReader(file: source)
    return try reader.read(text)
  }
}

/// Walks the node tree of one config file.
private struct ConfigurationReader {
  let file: String
  var registry = InstrumentRegistry.builtIn
  var parameters = AnalysisParameters.defaults
  /// Registry positions already set by an earlier entry of this file -> that entry's position.
  var configured: [Int: Int] = [:]

  init(file: String) { self.file = file }

  func error(_ path: String, _ node: Node?, _ problem: String) -> ConfigurationError {
    ConfigurationError(file: file, line: node?.mark?.line, keyPath: path, problem: problem)
  }

  mutating func read(_ text: String) throws(ConfigurationError) -> Configuration {
    let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    if let line = YAMLExpansion.lineBeyondLimit(body) {
      throw ConfigurationError(
        file: file, line: line,
        problem: "anchors and aliases expand to more than \(YAMLExpansion.limit) values; write the values out instead")
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: body)
    } catch let failure as YamlError {
      throw syntaxError(failure)
    } catch {
      throw ConfigurationError(file: file, problem: "cannot be read as YAML or JSON: \(error)")
    }
    guard let root, !isNull(root) else {
      return Configuration(registry: registry, parameters: parameters, source: file)
    }
    guard case .mapping(let top) = root else {
      throw self.error("", root, "expected a mapping with the keys instruments and parameters")
    }
    var instrumentsNode: Node?
    var parametersNode: Node?
    var wording: String?
    for (keyNode, value) in top {
      let key = try keyText(keyNode, "")
      switch key {
      case "instruments": instrumentsNode = value
      case "parameters": parametersNode = value
      case "client_sheet_wording": wording = try self.text(value, key)
      default:
        throw self.error(key, keyNode, unknownKey(key, ["instruments", "parameters", "client_sheet_wording"]))
      }
    }
    // Instruments first, whatever the order in the file: `pair` is checked against the final registry.
    if let instrumentsNode { try readInstruments(instrumentsNode) }
    try readParameters(parametersNode)
    var configuration = Configuration(registry: registry, parameters: parameters, source: file)
    configuration.clientSheetWording = wording.map { path in
      guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
      return String(file[...slash]) + path
    }
    return configuration
  }

  // MARK: - Instruments

  mutating func readInstruments(_ node: Node) throws(ConfigurationError) {
    if isNull(node) { return }
    guard case .sequence(let entries) = node else {
      throw error("instruments", node, "expected a list of instruments (each starting with `- name:`)")
    }
    for (position, entry) in entries.enumerated() {
      try readInstrument(entry, position: position)
    }
  }

  mutating func readInstrument(_ node: Node, position: Int) throws(ConfigurationError) {
    let path = "instruments[\(position)]"
    guard case .mapping(let mapping) = node else {
      throw error(path, node, "expected a mapping of instrument keys (name, kind, min, max, ...)")
    }
    var given: [String: (key: Node, value: Node)] = [:]
    for (keyNode, value) in mapping {
      let key = try keyText(keyNode, path)
      guard Configuration.instrumentKeys.contains(key) else {
        throw error(path + "." + key, keyNode, unknownKey(key, Configuration.instrumentKeys))
      }
      given[key] = (keyNode, value)
    }
    func at(_ key: String) -> String { path + "." + key }

    guard let nameNode = given["name"]?.value else {
      throw error(at("name"), node, "missing: every entry needs the name of the instrument it defines or overrides")
    }
    let name = try text(nameNode, at("name"))
    guard !InstrumentRegistry.matchKey(name).isEmpty else {
      throw error(at("name"), nameNode, "`\(name)` has no letter or digit")
    }
    let existing = registry.index(of: name)
    if let existing, let earlier = configured[existing] {
      throw error(
        at("name"), nameNode,
        "\(registry.instruments[existing].name) is already configured by instruments[\(earlier)]; merge the two entries"
      )
    }
    if existing == nil {
      for key in Configuration.requiredInstrumentKeys where given[key] == nil {
        throw error(
          at(key), node,
          "missing: `\(name)` is not a known instrument, so this new entry needs \(requiredHint(key))")
      }
    }

    var instrument =
      existing.map { registry.instruments[$0] }
      ?? Instrument(name: name, kind: .outcome, minimum: 0, maximum: 1, direction: .lowerIsBetter)
    for key in Configuration.instrumentKeys where key != "name" {
      guard let value = given[key]?.value else { continue }
      try apply(key, value, at(key), to: &instrument)
    }

    if let problem = Self.rangeProblem(instrument) {
      let blamed = problem.keys.first { given[$0] != nil }
      throw error(
        blamed.map(at) ?? path, blamed.flatMap { given[$0]?.value } ?? node, problem.message)
    }
    try checkCollisions(instrument, existing: existing, given: given, path: path)

    if let existing {
      registry.instruments[existing] = instrument
      configured[existing] = position
    } else {
      registry.instruments.append(instrument)
      configured[registry.instruments.count - 1] = position
    }
  }

  func requiredHint(_ key: String) -> String {
    switch key {
    case "kind": "kind (outcome or alliance)"
    case "min": "min (the lowest possible score)"
    case "max": "max (the highest possible score)"
    default: "better (lower or higher)"
    }
  }

  func apply(_ key: String, _ node: Node, _ path: String, to instrument: inout Instrument) throws(ConfigurationError) {
    switch key {
    case "aliases":
      instrument.aliases = try texts(node, path)
      for (position, alias) in instrument.aliases.enumerated() where InstrumentRegistry.matchKey(alias).isEmpty {
        throw error(path + "[\(position)]", node, "`\(alias)` has no letter or digit")
      }
    case "kind":
      let word = try text(node, path)
      guard let kind = InstrumentKind(rawValue: word.lowercased()) else {
        throw error(path, node, "expected outcome or alliance, got `\(word)`")
      }
      instrument.kind = kind
    case "min": instrument.minimum = try number(node, path)
    case "max": instrument.maximum = try number(node, path)
    case "better":
      let word = try text(node, path)
      guard let direction = Direction(word: word) else {
        throw error(path, node, "expected lower or higher (which scores are better), got `\(word)`")
      }
      instrument.direction = direction
    case "clinical_cutoff": instrument.clinicalCutoff = try cutoff(node, path)
    case "alliance_cutoff": instrument.allianceCutoff = try cutoff(node, path)
    case "reliable_change_points": instrument.reliableChangePoints = try optionalNumber(node, path)
    case "reliability": instrument.reliability = try optionalNumber(node, path)
    case "reference_sd": instrument.referenceSD = try optionalNumber(node, path)
    case "clinical_norm": instrument.clinicalNorm = try norm(node, path)
    case "functional_norm": instrument.functionalNorm = try norm(node, path)
    case "source": instrument.source = try text(node, path)
    case "notes": instrument.notes = try texts(node, path)
    case "items": instrument.items = try itemScoring(node, path, existing: instrument.items)
    default: break
    }
  }

  /// The first thing wrong with a finished entry, and the keys to blame for it (the first one the
  /// entry gives is named in the message's key path).
  static func rangeProblem(_ instrument: Instrument) -> (keys: [String], message: String)? {
    let low = instrument.minimum
    let high = instrument.maximum
    let number = RegistryText.number
    guard low < high else {
      return (["max", "min"], "max (\(number(high))) must be greater than min (\(number(low)))")
    }
    let range = "\(number(low))-\(number(high))"
    let cutoffs: [(key: String, cutoff: Cutoff?)] = [
      ("clinical_cutoff", instrument.clinicalCutoff), ("alliance_cutoff", instrument.allianceCutoff),
    ]
    for (key, cutoff) in cutoffs {
      guard let cutoff else { continue }
      guard cutoff.value >= low, cutoff.value <= high else {
        return ([key, "min", "max"], "\(key) \(cutoff) lies outside the range \(range)")
      }
    }
    if instrument.kind == .alliance, instrument.clinicalCutoff != nil {
      return (
        ["clinical_cutoff", "kind"],
        "clinical_cutoff is for outcome instruments; an alliance instrument has alliance_cutoff"
      )
    }
    if instrument.kind == .outcome, instrument.allianceCutoff != nil {
      return (["alliance_cutoff", "kind"], "alliance_cutoff is for alliance instruments only")
    }
    // A cutoff names the scores of concern, on the worse side of the scale: high scores where lower
    // is better (`">= 10"` on the PHQ-9), low ones where higher is better (`"<= 25"` on the ORS).
    for (key, cutoff) in cutoffs {
      guard let cutoff else { continue }
      let worseIsHigh = instrument.direction == .lowerIsBetter
      let pointsHigh = cutoff.comparator == .atLeast || cutoff.comparator == .above
      guard worseIsHigh != pointsHigh else { continue }
      let v = number(cutoff.value)
      let example = worseIsHigh ? "\">= \(v)\" or \"> \(v)\"" : "\"<= \(v)\" or \"< \(v)\""
      return (
        [key, "better"],
        "\(key) \(cutoff) names the better side of a scale where \(instrument.direction.word) is better;"
          + " a cutoff names the scores of concern, e.g. \(example)"
      )
    }
    if let points = instrument.reliableChangePoints, !(points > 0 && points <= high - low) {
      return (
        ["reliable_change_points", "min", "max"],
        "must be above 0 and at most the width of the range (\(number(high - low))), got \(number(points))"
      )
    }
    if let r = instrument.reliability, !(r > 0 && r < 1) {
      return (["reliability"], "must lie between 0 and 1 (exclusive), got \(number(r))")
    }
    if let sd = instrument.referenceSD, !(sd > 0) {
      return (["reference_sd"], "must be positive, got \(number(sd))")
    }
    let norms: [(key: String, norm: Norm?)] = [
      ("clinical_norm", instrument.clinicalNorm), ("functional_norm", instrument.functionalNorm),
    ]
    for (key, norm) in norms {
      guard let norm else { continue }
      guard norm.sd > 0 else { return ([key], "sd must be positive, got \(number(norm.sd))") }
      guard norm.mean >= low, norm.mean <= high else {
        return ([key, "min", "max"], "\(key) mean \(number(norm.mean)) lies outside the range \(range)")
      }
    }
    return nil
  }

  /// A name or alias whose match key belongs to another instrument would make lookups ambiguous.
  func checkCollisions(
    _ instrument: Instrument, existing: Int?, given: [String: (key: Node, value: Node)], path: String
  ) throws(ConfigurationError) {
    let aliasesNode = given["aliases"]?.value
    let spellings =
      [(path + ".name", given["name"]?.value, instrument.name)]
      + instrument.aliases.enumerated().map { (path + ".aliases[\($0.offset)]", aliasesNode, $0.element) }
    for (keyPath, node, spelling) in spellings {
      guard let owner = registry.index(of: spelling), owner != existing else { continue }
      let other = registry.instruments[owner].name
      throw error(
        keyPath, node,
        "`\(spelling)` collides with \(other) (names and aliases are matched ignoring case and everything"
          + " but letters and digits)")
    }
  }

  // MARK: - Parameters

  mutating func readParameters(_ node: Node?) throws(ConfigurationError) {
    var keyNodes: [String: Node] = [:]
    if let node, !isNull(node) {
      guard case .mapping(let mapping) = node else {
        throw error("parameters", node, "expected a mapping of parameter names to values")
      }
      for (keyNode, value) in mapping {
        let key = try keyText(keyNode, "parameters")
        let path = "parameters." + key
        guard AnalysisParameters.keys.contains(key) else {
          throw error(path, keyNode, unknownKey(key, AnalysisParameters.keys))
        }
        keyNodes[key] = keyNode
        try readParameter(key, value, path)
      }
    }
    do {
      parameters = try parameters.validated(against: registry)
    } catch {
      throw self.error("parameters." + error.key, keyNodes[error.key] ?? node, error.message)
    }
  }

  mutating func readParameter(_ key: String, _ value: Node, _ path: String) throws(ConfigurationError) {
    switch value {
    case .sequence(let items) where key == "pair":
      let names = try texts(value, path)
      guard names.count == 2 else {
        throw error(path, value, "expected two instrument names, e.g. [PHQ9, GAD7]; got \(items.count)")
      }
      parameters.pair = AnalysisParameters.InstrumentPair(names[0], names[1])
    case .sequence where key == "na":
      parameters.missingTokens = try texts(value, path)
    case .scalar(let scalar):
      if isNull(value) {
        switch key {
        case "sg_crit1": parameters.suddenGainPoints = nil
        case "na": parameters.missingTokens = []
        default: throw error(path, value, "needs a value")
        }
      } else {
        do {
          try parameters.set(key, text: scalar.string)
        } catch {
          throw self.error(path, value, error.message)
        }
      }
      return
    default:
      let expected = key == "pair" || key == "na" ? "a list or a single value" : "a single value"
      throw error(path, value, "expected \(expected)")
    }
    if let message = parameters.rangeProblem(key, acrossParameters: false) {
      throw error(path, value, message)
    }
  }

  // MARK: - Reading values

  func syntaxError(_ failure: YamlError) -> ConfigurationError {
    var mark: Mark?
    var problem = "not valid YAML or JSON"
    switch failure {
    case .scanner(let context, let text, let at, _), .parser(let context, let text, let at, _),
      .composer(let context, let text, let at, _):
      mark = at
      problem += ": " + text
      if let context { problem += " (" + context.text + ")" }
      if context?.text.contains("block scalar") == true {
        problem += "; quote a cutoff that starts with > or |, e.g. \">= 10\""
      }
    case .duplicatedKeysInMapping(let duplicates, let context):
      mark = context.mark
      problem = "a key appears twice in one mapping: " + duplicates.sorted().joined(separator: ", ")
    case .reader(let text, _, _, _):
      problem += ": " + text
    default:
      problem += ": " + String(describing: failure).split(separator: "\n").joined(separator: " ")
    }
    return ConfigurationError(file: file, line: mark?.line, problem: problem)
  }

  func unknownKey(_ key: String, _ known: [String]) -> String {
    if let close = RegistryText.closest(to: key, among: known) {
      return "unknown key (did you mean \(close)?)"
    }
    return "unknown key; expected one of " + known.joined(separator: ", ")
  }

  func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
      return false
    }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// `null`, `~`, an empty value or the word `none`: clears an optional value.
  func isNone(_ node: Node) -> Bool {
    if isNull(node) { return true }
    if case .scalar(let scalar) = node { return scalar.string.lowercased() == "none" }
    return false
  }

  func keyText(_ node: Node, _ path: String) throws(ConfigurationError) -> String {
    guard case .scalar(let scalar) = node else {
      throw error(path, node, "a key must be a plain word, not a list or mapping")
    }
    return scalar.string
  }

  func text(_ node: Node, _ path: String) throws(ConfigurationError) -> String {
    guard case .scalar(let scalar) = node, !isNull(node) else {
      throw error(path, node, isNull(node) ? "needs a value" : "expected a single value, not a list or mapping")
    }
    return scalar.string
  }

  /// A list of texts; a single text is a list of one, and null an empty list.
  func texts(_ node: Node, _ path: String) throws(ConfigurationError) -> [String] {
    if isNull(node) { return [] }
    guard case .sequence(let items) = node else { return [try text(node, path)] }
    var result: [String] = []
    for (position, item) in items.enumerated() {
      result.append(try text(item, path + "[\(position)]"))
    }
    return result
  }

  /// A finite number in decimal notation (`12`, `-3.5`, `1e308`); `0x10`, `nan`, `inf` and a cutoff
  /// such as `<= 9` are refused, the last with a hint that the key wants a bare number.
  func number(_ node: Node, _ path: String) throws(ConfigurationError) -> Double {
    let raw = try text(node, path)
    let trimmed = raw.trimmingCharacters(in: .whitespaces)
    guard Self.isDecimal(trimmed), let value = Double(trimmed), value.isFinite else {
      let hint = Cutoff(parsing: trimmed) != nil ? " (this key takes a bare number, not a comparator)" : ""
      throw error(path, node, "expected a number, got `\(raw)`\(hint)")
    }
    return value
  }

  /// Whether `text` is a number in decimal notation: an optional sign, digits with at most one
  /// point, and an optional exponent `e` followed by digits.
  static func isDecimal(_ text: String) -> Bool {
    var bytes = Substring(text).utf8[...]
    if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
    let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    let mantissa = bytes.prefix { isDigit($0) || $0 == UInt8(ascii: ".") }
    guard mantissa.contains(where: isDigit), mantissa.filter({ $0 == UInt8(ascii: ".") }).count <= 1 else { return false }
    var rest = bytes.dropFirst(mantissa.count)
    if rest.isEmpty { return true }
    guard rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") else { return false }
    rest = rest.dropFirst()
    if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
    return !rest.isEmpty && rest.allSatisfy(isDigit)
  }

  func optionalNumber(_ node: Node, _ path: String) throws(ConfigurationError) -> Double? {
    isNone(node) ? nil : try number(node, path)
  }

  func cutoff(_ node: Node, _ path: String) throws(ConfigurationError) -> Cutoff? {
    if isNone(node) { return nil }
    let raw = try text(node, path)
    if let cutoff = Cutoff(parsing: raw) { return cutoff }
    let hint = Double(raw) != nil ? " (a bare number does not say which side is clinical)" : ""
    throw error(
      path, node,
      "expected a comparator and a number, e.g. \">= 10\", \"< 36\" or \"at most 25\"; got `\(raw)`\(hint)")
  }

  func norm(_ node: Node, _ path: String) throws(ConfigurationError) -> Norm? {
    if isNone(node) { return nil }
    guard case .mapping(let mapping) = node else {
      throw error(path, node, "expected {mean: M, sd: SD}")
    }
    var mean: Double?
    var sd: Double?
    for (keyNode, value) in mapping {
      let key = try keyText(keyNode, path)
      switch key {
      case "mean": mean = try number(value, path + ".mean")
      case "sd": sd = try number(value, path + ".sd")
      default: throw error(path + "." + key, keyNode, unknownKey(key, ["mean", "sd"]))
      }
    }
    guard let mean else { throw error(path + ".mean", node, "missing: a norm needs mean and sd") }
    guard let sd else { throw error(path + ".sd", node, "missing: a norm needs mean and sd") }
    return Norm(mean: mean, sd: sd)
  }

  /// The keys of an instrument's `items:` mapping.
  static let itemKeys = [
    "count", "min", "max", "reverse", "max_missing", "multiplier", "risk_items", "risk_at_least", "source",
  ]

  /// `items: {count: 9, min: 0, max: 3, reverse: [2, 3], max_missing: 2, multiplier: 10, risk_items: [9],
  /// risk_at_least: 1}` (`ItemScoring`), or `none`. Keys left out keep the built-in rule's values.
  func itemScoring(_ node: Node, _ path: String, existing: ItemScoring?) throws(ConfigurationError) -> ItemScoring? {
    if isNone(node) { return nil }
    guard case .mapping(let mapping) = node else {
      throw error(path, node, "expected a mapping {count: N, min: A, max: B, ...} or none")
    }
    var given: [String: Node] = [:]
    for (keyNode, value) in mapping {
      let key = try keyText(keyNode, path)
      guard Self.itemKeys.contains(key) else { throw error(path + "." + key, keyNode, unknownKey(key, Self.itemKeys)) }
      given[key] = value
    }
    func whole(_ key: String, atLeast low: Int) throws(ConfigurationError) -> Int? {
      guard let value = given[key] else { return nil }
      let n = try number(value, path + "." + key)
      guard n == n.rounded(), n >= Double(low), n <= 10_000 else {
        throw error(path + "." + key, value, "expected a whole number of at least \(low)")
      }
      return Int(n)
    }
    func itemList(_ key: String, count: Int) throws(ConfigurationError) -> [Int]? {
      guard let value = given[key] else { return nil }
      var list: [Int] = []
      for raw in try texts(value, path + "." + key) {
        guard let k = Int(raw.trimmingCharacters(in: .whitespaces)), (1...count).contains(k) else {
          throw error(path + "." + key, value, "`\(raw)` is not an item number from 1 to \(count)")
        }
        list.append(k)
      }
      return list
    }
    guard let count = try whole("count", atLeast: 1) ?? existing?.count else {
      throw error(path + ".count", node, "missing: how many items the instrument has")
    }
    var rule = existing ?? ItemScoring(count: count, itemMinimum: 0, itemMaximum: 1)
    if existing == nil { rule.multiplier = Double(count) }
    rule.count = count
    if let value = given["min"] { rule.itemMinimum = try number(value, path + ".min") } else if existing == nil {
      throw error(path + ".min", node, "missing: the lowest answer of one item")
    }
    if let value = given["max"] { rule.itemMaximum = try number(value, path + ".max") } else if existing == nil {
      throw error(path + ".max", node, "missing: the highest answer of one item")
    }
    guard rule.itemMinimum < rule.itemMaximum else {
      throw error(path + ".max", given["max"] ?? node, "the highest answer must be above the lowest")
    }
    rule.reversed = try itemList("reverse", count: count) ?? rule.reversed.filter { $0 <= count }
    rule.riskItems = try itemList("risk_items", count: count) ?? rule.riskItems.filter { $0 <= count }
    if let n = try whole("max_missing", atLeast: 0) {
      guard n < count else { throw error(path + ".max_missing", given["max_missing"]!, "must be below the number of items") }
      rule.maxMissing = n
    }
    if let value = given["multiplier"] {
      let m = try number(value, path + ".multiplier")
      guard m > 0 else { throw error(path + ".multiplier", value, "must be positive") }
      rule.multiplier = m
    } else if given["count"] != nil, existing == nil || existing!.multiplier == Double(existing!.count) {
      rule.multiplier = Double(count)
    }
    if let value = given["risk_at_least"] { rule.riskThreshold = try number(value, path + ".risk_at_least") }
    if let value = given["source"] { rule.source = try text(value, path + ".source") }
    return rule
  }
}
