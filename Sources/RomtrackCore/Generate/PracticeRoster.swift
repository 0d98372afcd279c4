/// The synthetic practice's clinicians and sites, and the identifiers written for them.
///
/// - Clinicians `T01`, `T02`, ... (zero-padded to at least 2 digits, more when there are 100 or
///   more, so that identifiers sort in number order). Each works at one site: the clinicians are split
///   into `sites` consecutive blocks of nearly equal size (`site = j * sites / clinicians`).
/// - Sites `North`, `South`, `East`, `West`, `Central`, then `Site6`, `Site7`, ...
/// - Clients `C000001`, ... (zero-padded to at least 6 digits).
///
/// Each clinician has, from their own random stream, a caseload weight `U(0.4, 1.6)` (part-time and
/// full-time staff: a client picks a clinician with probability proportional to it), an effect
/// `z ~ N(0, 1)` (clients of a clinician with effect z improve `1 + 0.12 z` times as much, within
/// 0.7-1.3, and rate the alliance a little higher or lower: the between-therapist differences of
/// Baldwin & Imel 2013 are of this order), and a house measure set (60% PHQ-9 + GAD-7, 20% CORE-10,
/// 20% ORS/SRS).
struct PracticeRoster: Sendable {
  let clinicianCount: Int
  let siteCount: Int
  /// Running sum of the caseload weights.
  let cumulativeWeight: [Double]
  let effect: [Double]
  let houseSet: [MeasureSet]
  let clientDigits: Int
  let clinicianDigits: Int

  /// Tag mixed into the seed of the clinicians' streams, so they never coincide with clients' streams.
  static let clinicianStreamTag: UInt64 = 0x636C_696E_6963_6E73

  init(settings: GeneratorSettings) {
    clinicianCount = settings.resolvedClinicians
    siteCount = settings.resolvedSites
    var cumulative: [Double] = []
    var effects: [Double] = []
    var sets: [MeasureSet] = []
    cumulative.reserveCapacity(clinicianCount)
    effects.reserveCapacity(clinicianCount)
    sets.reserveCapacity(clinicianCount)
    var total = 0.0
    for j in 0..<clinicianCount {
      var rng = SplitMix64(seed: settings.seed ^ PracticeRoster.clinicianStreamTag, stream: UInt64(j))
      total += rng.uniform(0.4, 1.6)
      cumulative.append(total)
      effects.append(rng.normal())
      sets.append(MeasureSet.draw(&rng))
    }
    cumulativeWeight = cumulative
    effect = effects
    houseSet = sets
    clientDigits = max(6, PracticeRoster.digitCount(max(0, settings.clients)))
    clinicianDigits = max(2, PracticeRoster.digitCount(clinicianCount))
  }

  /// Site index (0-based) of clinician `clinician` (0-based).
  @inline(__always)
  func site(ofClinician clinician: Int) -> Int {
    clinician * siteCount / clinicianCount
  }

  /// A clinician drawn with probability proportional to the caseload weights (binary search).
  func pickClinician(_ rng: inout SplitMix64) -> Int {
    let target = rng.unit() * cumulativeWeight[clinicianCount - 1]
    var low = 0
    var high = clinicianCount - 1
    while low < high {
      let middle = (low + high) / 2
      if cumulativeWeight[middle] > target { high = middle } else { low = middle + 1 }
    }
    return low
  }

  static let siteNames = ["North", "South", "East", "West", "Central"]

  static func siteName(_ site: Int) -> String {
    site < siteNames.count ? siteNames[site] : "Site\(site + 1)"
  }

  func clientID(_ client: Int) -> String {
    "C" + PracticeRoster.padded(client + 1, clientDigits)
  }

  func clinicianID(_ clinician: Int) -> String {
    "T" + PracticeRoster.padded(clinician + 1, clinicianDigits)
  }

  static func digitCount(_ value: Int) -> Int {
    var digits = 1
    var rest = value
    while rest >= 10 {
      rest /= 10
      digits += 1
    }
    return digits
  }

  static func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
