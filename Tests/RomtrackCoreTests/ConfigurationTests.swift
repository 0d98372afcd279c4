import Foundation
import RomtrackCore
import Testing

/// The one-line message `Configuration.parse` throws for `text`, or nil when it parses.
private func failure(_ text: String, source: String = "romtrack.yml") -> String? {
  do {
    _ = try Configuration.parse(text: text, source: source)
    return nil
  } catch {
    return String(describing: error)
  }
}

@Suite("Configuration files")
struct ConfigurationTests {
  // MARK: - Defaults

  @Test("Without a file: the built-ins and the defaults of METHODS.md")
  func defaults() {
    let configuration = Configuration.defaults
    #expect(configuration.registry == InstrumentRegistry.builtIn)
    #expect(configuration.parameters == AnalysisParameters())
    #expect(configuration.source == nil)
  }

  @Test("Every parameter's default is the one METHODS.md and FORMATS.md give")
  func parameterDefaults() {
    let p = AnalysisParameters.defaults
    #expect(p.reliableChangeSD == .reference)
    #expect(p.reliableChangeMethod == .jacobsonTruax)
    #expect(p.reliableChangeMethod.criticalValue == 1.96)
    #expect(AnalysisParameters.ReliableChangeMethod.hagemanArrindell.criticalValue == 1.645)
    #expect(p.cutoffRule == .registry)
    #expect(p.cutoffBSD == .functional)
    #expect(p.trajectoryTime == .session)
    #expect(p.signalYellow == 1.0)
    #expect(p.signalRed == 1.645)
    #expect(p.stallMinSessions == 6)
    #expect(p.stallWindow == 4)
    #expect(p.reviewSession == 3)
    #expect(p.referSessions == 10)
    #expect(p.suddenGainPoints == nil)
    #expect(p.suddenGainProportion == 0.25)
    #expect(p.suddenLossSeverity == .severity)
    #expect(p.hagemanArrindellCategories == .cutoff)
    #expect(p.ruptureSD == 1.0)
    #expect(p.repairWindow == 3)
    #expect(p.endedAfterDays == 42)
    #expect(p.maxRejectRate == 0.05)
    #expect(p.suppress == 5)
    #expect(p.pair == AnalysisParameters.InstrumentPair("PHQ9", "GAD7"))
    #expect(p.missingTokens == ["NA"])
    #expect(p.dateFormat == "YYYY-MM-DD" && p.parsedDateFormat == DateFormat.iso)
    #expect(p.problems(against: .builtIn).isEmpty)
  }

  @Test("Every parameter's text reads back to the same value")
  func parameterTextRoundTrip() throws {
    var changed = AnalysisParameters()
    let values: [String: String] = [
      "rci_sd": "sample", "rci_method": "HA", "cutoff": "c", "cutoff_b_sd": "clinical", "pair": "CORE10,GAD7",
      "time": "weeks", "signal_yellow": "0.5", "signal_red": "2", "etr_min_series": "50", "stall_min_sessions": "8", "stall_window": "5",
      "review_session": "4", "refer_sessions": "12", "sg_crit1": "7", "sg_crit2": "0.3", "sl_crit2": "room", "ha_categories": "clinicalsignificance", "rupture_sd": "2",
      "repair_window": "2", "rupture_points": "4", "lost_contact_days": "28", "ended_after_days": "60", "max_reject_rate": "0", "na": "NA,-99,.",
      "date_format": "DD/MM/YYYY", "suppress": "10",
    ]
    #expect(Set(values.keys) == Set(AnalysisParameters.keys))
    for key in AnalysisParameters.keys { try changed.set(key, text: values[key]!) }
    for key in AnalysisParameters.keys { #expect(changed.text(of: key) == values[key], "\(key)") }
    #expect(changed.missingTokens == ["NA", "-99", "."])
    var again = AnalysisParameters()
    for (key, value) in changed.settings { try again.set(key, text: value) }
    #expect(again == changed)
    #expect(AnalysisParameters().settings.first! == ("rci_sd", "reference"))
    #expect(AnalysisParameters().manifestEntries["stall_window"] == "4")
    #expect(AnalysisParameters().manifestEntries.count == AnalysisParameters.keys.count)
  }

  @Test("Setting a parameter by key refuses bad text and unknown keys")
  func parameterSetErrors() {
    var p = AnalysisParameters()
    #expect(throws: ParameterProblem(key: "stall_window", message: "must be at least 2, got 1")) {
      try p.set("stall_window", text: "1")
    }
    #expect(throws: ParameterProblem(key: "time", message: "expected session or weeks, got `weekly`")) {
      try p.set("time", text: "weekly")
    }
    #expect(throws: ParameterProblem(key: "stall_windows", message: "unknown parameter (did you mean stall_window?)")) {
      try p.set("stall_windows", text: "3")
    }
    #expect(p == AnalysisParameters())
    #expect(ParameterProblem(key: "stall_window", message: "x").flag == "--stall-window")
  }

  @Test("An empty file or one with comments only gives the defaults, with the file as source")
  func emptyFile() throws {
    for text in ["", "# nothing yet\n", "---\n", "{}"] {
      let configuration = try Configuration.parse(text: text, source: "empty.yml")
      #expect(configuration.registry == InstrumentRegistry.builtIn)
      #expect(configuration.parameters == AnalysisParameters())
      #expect(configuration.source == "empty.yml")
    }
  }

  // MARK: - Overriding and extending the registry

  static let example = """
    # romtrack.yml of a practice
    instruments:
      - name: BDI2            # existing: only the keys given change
        clinical_cutoff: ">= 14"
        reliability: 0.801
        reference_sd: 8.3
      - name: ors
        clinical_cutoff: at most 32
      - name: K10             # new: kind, min, max and better are required
        aliases: [K-10]
        kind: outcome
        min: 10
        max: 50
        better: lower
        reliable_change_points: 6
        clinical_norm: {mean: 25.6, sd: 7.2}
        functional_norm: {mean: 14.5, sd: 4.9}
        source: practice audit 2025
      - name: HAQ
        kind: alliance
        min: 0
        max: 40
        better: higher
        alliance_cutoff: "< 30"
    parameters:
      stall_min_sessions: 8
      ended_after_days: 60
      pair: [PHQ-9, k 10]
      na: [NA, "-99"]
      sg_crit1: 5
      rci_method: hll
      date_format: DD.MM.YYYY

    """

  @Test("Overrides change only the keys given; new instruments are appended")
  func overrideAndExtend() throws {
    let configuration = try Configuration.parse(text: Self.example, source: "romtrack.yml")
    let registry = configuration.registry
    #expect(configuration.source == "romtrack.yml")
    #expect(
      registry.names == ["PHQ9", "GAD7", "OQ45", "ORS", "CORE10", "COREOM", "BDI2", "SRS", "WAISR", "GBO", "K10", "HAQ"])

    var bdi2 = Instrument.bdi2
    bdi2.clinicalCutoff = Cutoff(.atLeast, 14)
    bdi2.reliability = 0.801
    bdi2.referenceSD = 8.3
    #expect(registry.instrument(named: "BDI-II") == bdi2)

    var ors = Instrument.ors
    ors.clinicalCutoff = Cutoff(.atMost, 32)
    #expect(registry.instrument(named: "ORS") == ors)

    let k10 = try #require(registry.instrument(named: "k-10"))
    #expect(
      k10
        == Instrument(
          name: "K10", aliases: ["K-10"], kind: .outcome, minimum: 10, maximum: 50, direction: .lowerIsBetter,
          reliableChangePoints: 6, clinicalNorm: Norm(mean: 25.6, sd: 7.2), functionalNorm: Norm(mean: 14.5, sd: 4.9),
          source: "practice audit 2025"))
    let haq = try #require(registry.instrument(named: "HAQ"))
    #expect(haq.kind == .alliance && haq.allianceCutoff == Cutoff(.below, 30) && haq.direction == .higherIsBetter)

    for instrument in InstrumentRegistry.builtIn.instruments where !["BDI2", "ORS"].contains(instrument.name) {
      #expect(registry.instrument(named: instrument.name) == instrument)
    }

    let p = configuration.parameters
    #expect(p.stallMinSessions == 8)
    #expect(p.endedAfterDays == 60)
    #expect(p.pair == AnalysisParameters.InstrumentPair("PHQ9", "K10"), "pair names become canonical")
    #expect(p.missingTokens == ["NA", "-99"])
    #expect(p.suddenGainPoints == 5)
    #expect(p.reliableChangeMethod == .hsuLinnLord)
    #expect(p.parsedDateFormat == DateFormat(pattern: "DD.MM.YYYY"))
    var expected = AnalysisParameters()
    expected.stallMinSessions = 8
    expected.endedAfterDays = 60
    expected.pair = .init("PHQ9", "K10")
    expected.missingTokens = ["NA", "-99"]
    expected.suddenGainPoints = 5
    expected.reliableChangeMethod = .hsuLinnLord
    expected.dateFormat = "DD.MM.YYYY"
    #expect(p == expected)
  }

  @Test("The same settings as JSON give the same configuration")
  func json() throws {
    let json = """
      {
      \t"instruments": [
      \t\t{"name": "BDI2", "clinical_cutoff": ">= 14", "reliability": 0.801, "reference_sd": 8.3},
      \t\t{"name": "ors", "clinical_cutoff": "at most 32"},
      \t\t{"name": "K10", "aliases": ["K-10"], "kind": "outcome", "min": 10, "max": 50, "better": "lower",
      \t\t "reliable_change_points": 6, "clinical_norm": {"mean": 25.6, "sd": 7.2},
      \t\t "functional_norm": {"mean": 14.5, "sd": 4.9}, "source": "practice audit 2025"},
      \t\t{"name":"HAQ","kind":"alliance","min":0,"max":40,"better":"higher","alliance_cutoff":"< 30"}
      \t],
      \t"parameters": {"stall_min_sessions": 8, "ended_after_days": 60, "pair": ["PHQ-9", "k 10"],
      \t\t"na": ["NA", "-99"], "sg_crit1": 5, "rci_method": "hll", "date_format": "DD.MM.YYYY"}
      }
      """
    let fromJSON = try Configuration.parse(text: json, source: "romtrack.json")
    let fromYAML = try Configuration.parse(text: Self.example, source: "romtrack.yml")
    #expect(fromJSON.registry == fromYAML.registry)
    #expect(fromJSON.parameters == fromYAML.parameters)
  }

  @Test("none and null clear an optional value; sg_crit1 none restores the instrument rule")
  func clearing() throws {
    let text = """
      instruments:
        - name: SRS
          alliance_cutoff: none
        - name: CORE10
          clinical_norm: null
          reliable_change_points: ~
      parameters:
        sg_crit1: none
        na: []
      """
    let configuration = try Configuration.parse(text: text, source: "c.yml")
    #expect(configuration.registry.instrument(named: "SRS")?.allianceCutoff == nil)
    #expect(configuration.registry.instrument(named: "CORE10")?.clinicalNorm == nil)
    #expect(configuration.registry.instrument(named: "CORE10")?.reliableChangePoints == nil)
    #expect(configuration.registry.instrument(named: "CORE10")?.functionalNorm == Norm(mean: 4.7, sd: 4.8))
    #expect(configuration.parameters.suddenGainPoints == nil)
    #expect(configuration.parameters.missingTokens == [])
  }

  @Test("An override may replace the aliases, range and direction of a built-in")
  func overrideEverything() throws {
    let text = """
      instruments:
        - name: OQ-45.2
          aliases: [OQ-45, OQ45.2, Outcome Questionnaire]
          clinical_cutoff: ">= 56"
          reliable_change_points: 18
          source: Timman et al. (2017), Dutch norms
      """
    let registry = try Configuration.parse(text: text, source: "nl.yml").registry
    let oq45 = try #require(registry.instrument(named: "outcome questionnaire"))
    #expect(oq45.name == "OQ45")
    #expect(oq45.clinicalCutoff == Cutoff(.atLeast, 56) && oq45.reliableChangePoints == 18)
    #expect(oq45.source == "Timman et al. (2017), Dutch norms")
    #expect(registry.instrument(named: "OQ-45.2")?.name == "OQ45", "OQ45.2 has the same match key")
  }

  // MARK: - Every error path, with its message

  @Test("Unknown keys are errors, with a suggestion when one is close")
  func unknownKeys() {
    #expect(
      failure("instrument:\n  - name: PHQ9\n") == "romtrack.yml:1: instrument: unknown key (did you mean instruments?)")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    clinical_cuttoff: '>= 9'\n")
        == "romtrack.yml:3: instruments[0].clinical_cuttoff: unknown key (did you mean clinical_cutoff?)")
    #expect(
      failure("parameters:\n  stall_windw: 3\n")
        == "romtrack.yml:2: parameters.stall_windw: unknown key (did you mean stall_window?)")
    #expect(
      failure("instruments:\n  - name: CORE10\n    clinical_norm: {mean: 19.7, s: 7.7}\n")
        == "romtrack.yml:3: instruments[0].clinical_norm.s: unknown key (did you mean sd?)")
    #expect(
      failure("colour: blue\n")
        == "romtrack.yml:1: colour: unknown key; expected one of instruments, parameters, client_sheet_wording")
  }

  @Test("Values that cannot be read are errors naming the key and the value")
  func badValues() {
    #expect(
      failure("instruments:\n  - name: PHQ9\n    min: abc\n")
        == "romtrack.yml:3: instruments[0].min: expected a number, got `abc`")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    kind: outcomes\n")
        == "romtrack.yml:3: instruments[0].kind: expected outcome or alliance, got `outcomes`")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    better: down\n")
        == "romtrack.yml:3: instruments[0].better: expected lower or higher (which scores are better), got `down`")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    clinical_cutoff: 10\n")
        == "romtrack.yml:3: instruments[0].clinical_cutoff: expected a comparator and a number, e.g. \">= 10\", \"< 36\" or \"at most 25\"; got `10` (a bare number does not say which side is clinical)"
    )
    #expect(
      failure("instruments:\n  - name: PHQ9\n    reliability: 1.2\n")
        == "romtrack.yml:3: instruments[0].reliability: must lie between 0 and 1 (exclusive), got 1.2")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    reference_sd: 0\n")
        == "romtrack.yml:3: instruments[0].reference_sd: must be positive, got 0")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    reliable_change_points: 30\n")
        == "romtrack.yml:3: instruments[0].reliable_change_points: must be above 0 and at most the width of the range (27), got 30"
    )
    #expect(
      failure("instruments:\n  - name: CORE10\n    functional_norm: {mean: 4.7}\n")
        == "romtrack.yml:3: instruments[0].functional_norm.sd: missing: a norm needs mean and sd")
    #expect(
      failure("instruments:\n  - name: CORE10\n    functional_norm: {mean: 4.7, sd: -1}\n")
        == "romtrack.yml:3: instruments[0].functional_norm: sd must be positive, got -1")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    aliases: [PHQ-9, '--']\n")
        == "romtrack.yml:3: instruments[0].aliases[1]: `--` has no letter or digit")
    #expect(
      failure("instruments: PHQ9\n")
        == "romtrack.yml:1: instruments: expected a list of instruments (each starting with `- name:`)")
    #expect(failure("- PHQ9\n") == "romtrack.yml:1: expected a mapping with the keys instruments and parameters")
  }

  @Test("Cutoffs must lie inside the range and suit the kind of instrument")
  func cutoffChecks() {
    #expect(
      failure("instruments:\n  - name: PHQ9\n    clinical_cutoff: '>= 30'\n")
        == "romtrack.yml:3: instruments[0].clinical_cutoff: clinical_cutoff >= 30 lies outside the range 0-27")
    #expect(
      failure("instruments:\n  - name: GAD7\n    max: 7\n")
        == "romtrack.yml:3: instruments[0].max: clinical_cutoff >= 8 lies outside the range 0-7")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    alliance_cutoff: '< 5'\n")
        == "romtrack.yml:3: instruments[0].alliance_cutoff: alliance_cutoff is for alliance instruments only")
    #expect(
      failure("instruments:\n  - name: WAISR\n    clinical_cutoff: '< 40'\n")
        == "romtrack.yml:3: instruments[0].clinical_cutoff: clinical_cutoff is for outcome instruments; an alliance instrument has alliance_cutoff"
    )
    // A cutoff on the better side of the scale: the clinical range of a scale where lower is
    // better lies above the cutoff, an alliance concern below it.
    #expect(
      failure("instruments:\n  - name: PHQ9\n    clinical_cutoff: '<= 9'\n")
        == "romtrack.yml:3: instruments[0].clinical_cutoff: clinical_cutoff <= 9 names the better side of a scale where lower is better; a cutoff names the scores of concern, e.g. \">= 9\" or \"> 9\"")
    #expect(
      failure("instruments:\n  - name: ORS\n    clinical_cutoff: at least 25\n")
        == "romtrack.yml:3: instruments[0].clinical_cutoff: clinical_cutoff >= 25 names the better side of a scale where higher is better; a cutoff names the scores of concern, e.g. \"<= 25\" or \"< 25\"")
    #expect(
      failure("instruments:\n  - name: SRS\n    alliance_cutoff: '> 36'\n")
        == "romtrack.yml:3: instruments[0].alliance_cutoff: alliance_cutoff > 36 names the better side of a scale where higher is better; a cutoff names the scores of concern, e.g. \"<= 36\" or \"< 36\"")
  }

  @Test("A number in decimal notation where one is expected; a whole number in digits")
  func numberNotation() {
    #expect(
      failure("instruments:\n  - name: PHQ9\n    reliable_change_points: '<= 9'\n")
        == "romtrack.yml:3: instruments[0].reliable_change_points: expected a number, got `<= 9` (this key takes a bare number, not a comparator)")
    for text in ["0x10", "nan", "inf", "1e", "1.2.3", "--4", "+"] {
      #expect(failure("instruments:\n  - name: PHQ9\n    min: '\(text)'\n") == "romtrack.yml:3: instruments[0].min: expected a number, got `\(text)`")
    }
    #expect(failure("instruments:\n  - name: PHQ9\n    max: 2.7e1\n") == nil)
    for text in ["0x10", "1e1", "10.5", "1_000", "١٢"] {
      #expect(failure("parameters:\n  stall_window: '\(text)'\n") == "romtrack.yml:2: parameters.stall_window: expected a whole number, got `\(text)`")
    }
    #expect(AnalysisParameters.wholeNumber("12") == 12)
    #expect(AnalysisParameters.wholeNumber("+4") == 4)
    #expect(AnalysisParameters.wholeNumber("10.0") == 10)
    #expect(AnalysisParameters.wholeNumber("99999999999999999999") == nil)
    #expect(failure("parameters:\n  repair_window: 9223372036854775800\n") == "romtrack.yml:2: parameters.repair_window: must be at most 100000, got 9223372036854775800")
    #expect(failure("parameters:\n  signal_red: 1e300\n") == "romtrack.yml:2: parameters.signal_red: must be at most 100, got 1e+300")
  }

  @Test("min must be below max")
  func minimumBelowMaximum() {
    let same = """
      instruments:
        - name: K10
          kind: outcome
          min: 10
          max: 10
          better: lower
      """
    #expect(failure(same) == "romtrack.yml:5: instruments[0].max: max (10) must be greater than min (10)")
    #expect(
      failure("instruments:\n  - name: PHQ9\n    min: 30\n")
        == "romtrack.yml:3: instruments[0].min: max (27) must be greater than min (30)")
  }

  @Test("A new instrument needs kind, min, max and better; every entry needs a name")
  func missingKeys() {
    let noMax = """
      instruments:
        - name: PHQ9
          reliability: 0.84
        - name: K10
          kind: outcome
          min: 10
          better: lower
      """
    #expect(
      failure(noMax)
        == "romtrack.yml:4: instruments[1].max: missing: `K10` is not a known instrument, so this new entry needs max (the highest possible score)"
    )
    #expect(
      failure("instruments:\n  - name: K10\n    min: 10\n    max: 50\n")
        == "romtrack.yml:2: instruments[0].kind: missing: `K10` is not a known instrument, so this new entry needs kind (outcome or alliance)"
    )
    #expect(
      failure("instruments:\n  - kind: outcome\n")
        == "romtrack.yml:2: instruments[0].name: missing: every entry needs the name of the instrument it defines or overrides"
    )
    #expect(failure("instruments:\n  - name:\n") == "romtrack.yml:2: instruments[0].name: needs a value")
  }

  @Test("Names and aliases may not collide with another instrument's, nor be configured twice")
  func collisions() {
    let alias = """
      instruments:
        - name: K10
          aliases: [K-10, Core 10]
          kind: outcome
          min: 10
          max: 50
          better: lower
      """
    #expect(
      failure(alias)
        == "romtrack.yml:3: instruments[0].aliases[1]: `Core 10` collides with CORE10 (names and aliases are matched ignoring case and everything but letters and digits)"
    )
    #expect(
      failure("instruments:\n  - name: GAD7\n    aliases: [PHQ-9]\n")
        == "romtrack.yml:3: instruments[0].aliases[0]: `PHQ-9` collides with PHQ9 (names and aliases are matched ignoring case and everything but letters and digits)"
    )
    #expect(
      failure("instruments:\n  - name: PHQ9\n    reliability: 0.8\n  - name: phq-9\n    reference_sd: 5\n")
        == "romtrack.yml:4: instruments[1].name: PHQ9 is already configured by instruments[0]; merge the two entries")
    let twoNew = """
      instruments:
        - {name: K10, kind: outcome, min: 10, max: 50, better: lower}
        - {name: K-10, kind: outcome, min: 0, max: 40, better: lower}
      """
    #expect(
      failure(twoNew)
        == "romtrack.yml:3: instruments[1].name: K10 is already configured by instruments[0]; merge the two entries")
  }

  @Test("Parameters out of range are errors with the reason")
  func badParameters() {
    #expect(
      failure("parameters:\n  stall_window: 1\n")
        == "romtrack.yml:2: parameters.stall_window: must be at least 2, got 1")
    #expect(
      failure("parameters:\n  time: weekly\n")
        == "romtrack.yml:2: parameters.time: expected session or weeks, got `weekly`")
    #expect(
      failure("parameters:\n  rci_method: XYZ\n")
        == "romtrack.yml:2: parameters.rci_method: expected JT, GLN, HLL, EN, NK or HA, got `XYZ`")
    #expect(
      failure("parameters:\n  max_reject_rate: 1.5\n")
        == "romtrack.yml:2: parameters.max_reject_rate: must be a proportion from 0 to 1, got 1.5")
    #expect(
      failure("parameters:\n  sg_crit2: 0\n")
        == "romtrack.yml:2: parameters.sg_crit2: must be a proportion above 0 and at most 1, got 0")
    #expect(
      failure("parameters:\n  suppress: 2.5\n")
        == "romtrack.yml:2: parameters.suppress: expected a whole number, got `2.5`")
    #expect(
      failure("parameters:\n  rupture_sd: -1\n")
        == "romtrack.yml:2: parameters.rupture_sd: must be a positive number, got -1")
    #expect(
      failure("parameters:\n  ended_after_days:\n") == "romtrack.yml:2: parameters.ended_after_days: needs a value")
    #expect(
      failure("parameters:\n  date_format: DD/MM\n")
        == "romtrack.yml:2: parameters.date_format: `DD/MM` is not a date format: it needs YYYY, one of MM or M and one of DD or D, with separators as in the data, e.g. DD/MM/YYYY"
    )
    #expect(
      failure("parameters:\n  na: [NA, '']\n")
        == "romtrack.yml:2: parameters.na: contains an empty token; empty cells are always missing, so leave it out")
    #expect(
      failure("parameters:\n  stall_window: {size: 4}\n")
        == "romtrack.yml:2: parameters.stall_window: expected a single value")
  }

  @Test("Parameters that contradict each other are errors, whatever their order in the file")
  func crossChecks() throws {
    #expect(
      failure("parameters:\n  signal_yellow: 2\n")
        == "romtrack.yml:2: parameters.signal_yellow: must be below signal_red (1.645), got 2")
    #expect(
      failure("parameters:\n  stall_window: 8\n")
        == "romtrack.yml:2: parameters.stall_min_sessions: must be at least stall_window (8), got 6")
    let parameters = try Configuration.parse(
      text: "parameters:\n  signal_yellow: 2\n  signal_red: 3\n", source: "s.yml"
    ).parameters
    #expect(parameters.signalYellow == 2 && parameters.signalRed == 3)
  }

  @Test("The pair must name two different outcome instruments of the registry")
  func pairChecks() {
    #expect(
      failure("parameters:\n  pair: [PHQ9, GAD8]\n")
        == "romtrack.yml:2: parameters.pair: unknown instrument `GAD8`; known: PHQ9, GAD7, OQ45, ORS, CORE10, COREOM, BDI2, SRS, WAISR, GBO"
    )
    #expect(
      failure("parameters:\n  pair: [PHQ9, SRS]\n")
        == "romtrack.yml:2: parameters.pair: SRS is an alliance instrument; the pair needs two outcome instruments")
    #expect(
      failure("parameters:\n  pair: [PHQ9, phq-9]\n")
        == "romtrack.yml:2: parameters.pair: names the same instrument twice")
    #expect(
      failure("parameters:\n  pair: [PHQ9]\n")
        == "romtrack.yml:2: parameters.pair: expected two instrument names, e.g. [PHQ9, GAD7]; got 1")
  }

  @Test("YAML syntax errors and duplicate keys are one-line errors with the line")
  func syntaxErrors() {
    #expect(
      failure("instruments:\n  - name: PHQ9\n    clinical_cutoff: >= 9\n")
        == "romtrack.yml:3: not valid YAML or JSON: did not find expected comment or line break (while scanning a block scalar); quote a cutoff that starts with > or |, e.g. \">= 10\""
    )
    #expect(
      failure("{\"parameters\": {\"suppress\": 10,}\n", source: "romtrack.json")?.hasPrefix(
        "romtrack.json:2: not valid YAML or JSON: ") == true)
    #expect(
      failure("parameters:\n  suppress: 10\n  suppress: 11\n")
        == "romtrack.yml:2: a key appears twice in one mapping: suppress")
  }

  @Test("A value spanning lines still gives a one-line message")
  func oneLine() {
    #expect(
      failure("instruments:\n  - name: PHQ9\n    kind: |\n      out\n      come\n")
        == "romtrack.yml:3: instruments[0].kind: expected outcome or alliance, got `out\\ncome\\n`")
  }

  // MARK: - Files

  @Test("The YAML and JSON examples of docs/instruments.md load and agree")
  func documentedExamples() throws {
    let docs = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("docs/instruments.md")
    let text = try String(contentsOf: docs, encoding: .utf8)
    func block(_ language: String) throws -> String {
      let start = try #require(text.range(of: "```" + language + "\n"))
      let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
      return String(text[start.upperBound..<end.lowerBound])
    }
    let yaml = try Configuration.parse(text: try block("yaml"), source: "instruments.md (yaml)")
    let json = try Configuration.parse(text: try block("json"), source: "instruments.md (json)")
    #expect(yaml == Configuration(registry: json.registry, parameters: json.parameters, source: yaml.source))
    #expect(yaml.registry.instrument(named: "OQ-45")?.clinicalCutoff == Cutoff(.atLeast, 56))
    #expect(yaml.registry.instrument(named: "K-10")?.kind == .outcome)
    #expect(yaml.parameters.pair == .init("PHQ9", "K10"))
  }

  @Test("load reads a file and names it; a missing file is a one-line error")
  func loadFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("romtrack-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("romtrack.yml").path
    try "\u{FEFF}parameters:\n  suppress: 10\n".write(toFile: path, atomically: true, encoding: .utf8)

    let loaded = try Configuration.load(path: path)
    #expect(loaded.source == path)
    #expect(loaded.parameters.suppress == 10)

    let discovered = try Configuration.discover(configPath: nil, in: folder.path)
    #expect(discovered.parameters.suppress == 10)
    let explicit = try Configuration.discover(configPath: path, in: "/nonexistent")
    #expect(explicit.source == path)
    let none = try Configuration.discover(configPath: nil, in: folder.appendingPathComponent("empty").path)
    #expect(none.source == nil)

    let missing = folder.appendingPathComponent("nope.yml").path
    #expect(throws: ConfigurationError(file: missing, problem: "no such file")) {
      try Configuration.load(path: missing)
    }
    #expect(ConfigurationError(file: missing, problem: "no such file").description == missing + ": no such file")
    #expect(throws: ConfigurationError(file: folder.path, problem: "is a folder, not a config file")) {
      try Configuration.load(path: folder.path)
    }
  }
}
