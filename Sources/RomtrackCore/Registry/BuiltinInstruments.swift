// The instruments romtrack knows without a config file, with the published values of
// shared/spec/INSTRUMENTS.md and nothing more: where a value is not given there (reliability, reference
// SD, most norms) it stays nil, and a practice supplies it in its config file. docs/instruments.md
// explains each entry and its sources.

extension Instrument {
  /// Patient Health Questionnaire, 9 items (depression). Caseness >= 10, reliable change 6 points:
  /// NHS Talking Therapies' thresholds (NHS Digital 2016), as tabulated in PMC8411661, table 1.
  public static let phq9 = Instrument(
    name: "PHQ9", aliases: ["PHQ-9"], kind: .outcome, minimum: 0, maximum: 27,
    direction: .lowerIsBetter, clinicalCutoff: Cutoff(.atLeast, 10), reliableChangePoints: 6,
    source: "NHS Digital (2016), NHS Talking Therapies thresholds; PMC8411661 table 1",
    items: .phq9
  )

  /// Generalised Anxiety Disorder scale, 7 items. Caseness >= 8, reliable change 4 points; same source
  /// as PHQ-9.
  public static let gad7 = Instrument(
    name: "GAD7", aliases: ["GAD-7"], kind: .outcome, minimum: 0, maximum: 21,
    direction: .lowerIsBetter, clinicalCutoff: Cutoff(.atLeast, 8), reliableChangePoints: 4,
    source: "NHS Digital (2016), NHS Talking Therapies thresholds; PMC8411661 table 1",
    items: .gad7
  )

  /// Outcome Questionnaire 45.2. Caseness >= 64, reliable change 14 points: the manual's values
  /// (Lambert et al.) as quoted by secondary sources.
  public static let oq45 = Instrument(
    name: "OQ45", aliases: ["OQ-45", "OQ-45.2"], kind: .outcome, minimum: 0, maximum: 180,
    direction: .lowerIsBetter, clinicalCutoff: Cutoff(.atLeast, 64), reliableChangePoints: 14,
    source: "OQ-45.2 manual (Lambert et al.), values as quoted by secondary sources",
    notes: ["Dutch norms differ: cutoff 56, reliable change 18 (Timman et al. 2017); set them in a config file"],
    items: .oq45
  )

  /// Outcome Rating Scale (PCOMS), four 10 cm visual analogue lines. Adults at caseness <= 25,
  /// reliable change 5 points.
  public static let ors = Instrument(
    name: "ORS", kind: .outcome, minimum: 0, maximum: 40,
    direction: .higherIsBetter, clinicalCutoff: Cutoff(.atMost, 25), reliableChangePoints: 5,
    source: "PCOMS / OpenFIT knowledge base",
    notes: ["adult cutoff; the children's cutoff is 32 (set clinical_cutoff: \"<= 32\" in a config file)"],
    items: .fourLines
  )

  /// Clinical Outcomes in Routine Evaluation, 10 items. Caseness >= 11, reliable change 6 points;
  /// general population M 4.7 SD 4.8 and clinical M 19.7 SD 7.7 (Barkham et al. 2013), which give
  /// Jacobson-Truax cutoff c = 10.46.
  public static let core10 = Instrument(
    name: "CORE10", aliases: ["CORE-10"], kind: .outcome, minimum: 0, maximum: 40,
    direction: .lowerIsBetter, clinicalCutoff: Cutoff(.atLeast, 11), reliableChangePoints: 6,
    clinicalNorm: Norm(mean: 19.7, sd: 7.7), functionalNorm: Norm(mean: 4.7, sd: 4.8),
    source: "Barkham et al. (2013)",
    notes: ["functional norm = general population; with item scores the total is prorated as 10 x sum / items answered"],
    items: .core10
  )

  /// CORE Outcome Measure, 34 items, scored as the clinical score 10 x mean item (0-40). Caseness
  /// >= 10 (Connell et al. 2007); the reliable-change value of 5 points is not verified.
  public static let coreOM = Instrument(
    name: "COREOM", aliases: ["CORE-OM"], kind: .outcome, minimum: 0, maximum: 40,
    direction: .lowerIsBetter, clinicalCutoff: Cutoff(.atLeast, 10), reliableChangePoints: 5,
    source: "Connell et al. (2007), Br J Psychiatry 190:69",
    notes: ["clinical score: 10 x mean item score", "reliable change of 5 points not verified"],
    items: .coreOM
  )

  /// Beck Depression Inventory-II: the range only; its thresholds come from a config file.
  public static let bdi2 = Instrument(
    name: "BDI2", aliases: ["BDI-II"], kind: .outcome, minimum: 0, maximum: 63,
    direction: .lowerIsBetter,
    source: "Beck Depression Inventory-II, score range",
    notes: ["built in: the range only; a cutoff and reliable-change values come from a config file"],
    items: .bdi2
  )

  /// Session Rating Scale (PCOMS). A score below 36 is an alliance concern.
  public static let srs = Instrument(
    name: "SRS", kind: .alliance, minimum: 0, maximum: 40,
    direction: .higherIsBetter, allianceCutoff: Cutoff(.below, 36),
    source: "PCOMS Session Rating Scale",
    items: .fourLines
  )

  /// Working Alliance Inventory, short revised form: 12 items scored 1-5. No validated cutoff.
  public static let waiSR = Instrument(
    name: "WAISR", aliases: ["WAI-SR"], kind: .alliance, minimum: 12, maximum: 60,
    direction: .higherIsBetter,
    source: "Hatcher & Gillaspy (2006)",
    notes: [
      "no validated alliance cutoff",
      "subscales: Task items 1, 2, 10, 12; Bond items 3, 5, 7, 9; Goal items 4, 6, 8, 11",
    ]
  )

  /// Goal Based Outcomes (CORC; Law 2011): the client rates progress towards each of their own goals
  /// (usually up to three) from 0, not at all met, to 10, fully met. Each goal is a series of its own
  /// (the input's `goal_id` column). Reliable change 2.45 points: Edbrooke-Childs et al. (2015), from
  /// the GBO's test-retest reliability in CORC's data, as CORC uses it. There is no clinical cutoff: a
  /// goal is the client's own, with no population to compare with.
  public static let gbo = Instrument(
    name: "GBO", aliases: ["Goal Based Outcomes"], kind: .outcome, minimum: 0, maximum: 10,
    direction: .higherIsBetter, reliableChangePoints: 2.45,
    source: "Edbrooke-Childs, Jacob, Law, Deighton & Wolpert (2015), Child Adolesc Ment Health 20(3):142-148; CORC Goal Based Outcomes (Law 2011)",
    notes: [
      "one series per goal: the input's goal_id column names the goal",
      "no clinical cutoff: each goal is the client's own",
      "a goal counts as met at 10 (\"goal reached\")",
    ]
  )

  /// Every built-in instrument, in the order of INSTRUMENTS.md (GBO, added later, last).
  public static let builtIns: [Instrument] = [
    phq9, gad7, oq45, ors, core10, coreOM, bdi2, srs, waiSR, gbo,
  ]
}
