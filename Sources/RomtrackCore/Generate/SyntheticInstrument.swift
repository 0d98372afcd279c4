/// The six instruments the generator writes, with the constants of its score model.
///
/// Outcome scores are modelled in *severity* units: the score itself where lower is better (PHQ-9,
/// GAD-7, CORE-10) and `40 - score` for the ORS, where higher is better. Every course then reads the
/// same way, "severity falls when the client improves", and is turned back into a score at the end.
///
/// | instrument | range | clinical (severity) | reliable change | clinical intake M (SD) | sub-clinical intake | healthy level | session noise SD |
/// |---|---|---|---|---|---|---|---|
/// | PHQ9   | 0-27 | >= 10           | 6 | 16 (4.5)              | 4-9           | 3             | 1.8 |
/// | GAD7   | 0-21 | >= 8            | 4 | 13 (3.8)              | 3-7           | 2.5           | 1.5 |
/// | CORE10 | 0-40 | >= 11           | 6 | 20 (6.5)              | 4-10          | 4.5           | 2.2 |
/// | ORS    | 0-40 | >= 15 (ORS <= 25) | 5 | 20.5 (5.5), ORS 19.5 | 8-14 (ORS 26-32) | 7 (ORS 33) | 2.2 |
///
/// Cutoffs and reliable-change points are those of the built-in registry (INSTRUMENTS.md: NHS Talking
/// Therapies for PHQ-9 and GAD-7, Barkham et al. 2013 for CORE-10, PCOMS for the ORS). Clinical intake
/// means follow the clinical norms where published (CORE-10 clinical M 19.7, SD 7.7; ORS clinical
/// intake about 19-20) and are folded back above the cutoff; the noise SDs are the session-to-session
/// wobble of a client whose true level does not move (about a third of a reliable change), chosen so
/// that a flat series rarely shows reliable change by chance.
///
/// Alliance measures (SRS 0-40 and WAI-SR 12-60, higher is better) have their own model in
/// `AllianceCourse`.
enum SyntheticInstrument: Int, CaseIterable, Sendable {
  case phq9, gad7, core10, ors, srs, waisr

  /// Canonical registry name, as written in the `instrument` column.
  var name: String {
    switch self {
    case .phq9: return "PHQ9"
    case .gad7: return "GAD7"
    case .core10: return "CORE10"
    case .ors: return "ORS"
    case .srs: return "SRS"
    case .waisr: return "WAISR"
    }
  }

  var isAlliance: Bool { self == .srs || self == .waisr }

  var minimum: Double { self == .waisr ? 12 : 0 }

  var maximum: Double {
    switch self {
    case .phq9: return 27
    case .gad7: return 21
    case .core10, .ors, .srs: return 40
    case .waisr: return 60
    }
  }

  /// Visual-analogue scales (ORS, SRS) are scored to one decimal; the others are integer sums.
  var hasDecimal: Bool { self == .ors || self == .srs }

  var lowerIsBetter: Bool { self == .phq9 || self == .gad7 || self == .core10 }

  // MARK: Outcome model (severity units)

  /// Reliable-change threshold in points (the registry's fixed values).
  var reliableChange: Double {
    switch self {
    case .phq9, .core10: return 6
    case .gad7: return 4
    case .ors: return 5
    case .srs, .waisr: return 0
    }
  }

  /// Lowest severity in the clinical range (ORS: 40 - 25).
  var clinicalSeverity: Double {
    switch self {
    case .phq9: return 10
    case .gad7: return 8
    case .core10: return 11
    case .ors: return 15
    case .srs, .waisr: return 0
    }
  }

  /// Mean and SD of a clinical intake, before folding above `clinicalSeverity`.
  var clinicalIntake: (mean: Double, sd: Double) {
    switch self {
    case .phq9: return (16, 4.5)
    case .gad7: return (13, 3.8)
    case .core10: return (20, 6.5)
    case .ors: return (20.5, 5.5)
    case .srs, .waisr: return (0, 0)
    }
  }

  /// Range of a sub-clinical intake (drawn uniformly).
  var subclinicalIntake: (lower: Double, upper: Double) {
    switch self {
    case .phq9: return (4, 9)
    case .gad7: return (3, 7)
    case .core10: return (4, 10)
    case .ors: return (8, 14)
    case .srs, .waisr: return (0, 0)
    }
  }

  /// The severity a recovered client settles at; improvement stops there (floor effect).
  var healthySeverity: Double {
    switch self {
    case .phq9: return 3
    case .gad7: return 2.5
    case .core10: return 4.5
    case .ors: return 7
    case .srs, .waisr: return 0
    }
  }

  /// SD of the session-to-session noise around the client's true level.
  var noise: Double {
    switch self {
    case .phq9: return 1.8
    case .gad7: return 1.5
    case .core10, .ors: return 2.2
    case .srs, .waisr: return 0
    }
  }

  /// Highest severity (the outcome scales all start at 0).
  var severityMaximum: Double { maximum }

  /// The score a severity stands for.
  @inline(__always)
  func score(severity: Double) -> Double {
    lowerIsBetter ? severity : maximum - severity
  }

  /// A score clamped to the range and rounded to the scale's precision (half away from zero),
  /// in tenths of a point: 14 -> 140, 31.44 -> 314.
  @inline(__always)
  func tenths(_ score: Double) -> Int32 {
    let clamped = min(max(score, minimum), maximum)
    return hasDecimal ? Int32((clamped * 10).rounded()) : Int32(clamped.rounded()) * 10
  }
}
