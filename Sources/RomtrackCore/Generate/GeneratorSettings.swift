/// What `romtrack generate` is asked for: the size of the synthetic practice, its seed and its time span.
///
/// Settings are plain values; the generated practice (`SyntheticPractice`) is a pure function of them,
/// so equal settings give byte-identical files on every machine. Nothing depends on today's date:
/// the data end at `endMonth`, which defaults to a fixed month.
public struct GeneratorSettings: Sendable, Equatable {
  /// Number of clients (each with one, sometimes two, treatment episodes).
  public var clients: Int
  /// Seed of the pseudo-random streams; each client and each clinician has its own stream of it.
  public var seed: UInt64 = 1
  /// Number of calendar months, ending with `endMonth`, over which first contacts are spread.
  public var months: Int = 14
  /// The last month of data: no session, score or discharge falls after its last day.
  public var endMonth: YearMonth = YearMonth(year: 2026, month: 10)
  /// Number of clinicians; `nil` means `max(1, clients / 25)`.
  public var clinicians: Int? = nil
  /// Number of sites; `nil` means 2 up to 1000 clients, else `max(2, clinicians / 10)`.
  public var sites: Int? = nil

  public init(clients: Int, seed: UInt64 = 1) {
    self.clients = clients
    self.seed = seed
  }

  /// The number of clinicians used: `clinicians`, or one per 25 clients (at least one).
  public var resolvedClinicians: Int {
    max(1, clinicians ?? clients / 25)
  }

  /// The number of sites used: `sites`, or 2 for small practices and one per 10 clinicians for large ones.
  public var resolvedSites: Int {
    max(1, sites ?? (clients <= 1000 ? 2 : max(2, resolvedClinicians / 10)))
  }

  /// First contacts fall on working days in this range: the first day of the month `months - 1`
  /// before `endMonth` up to the last day of `endMonth`.
  public var firstContactWindow: ClosedRange<CivilDate> {
    endMonth.adding(months: -(max(1, months) - 1)).firstDay...endMonth.lastDay
  }

  /// Throws when a count is out of range (negative clients, fewer than one month, clinician or site,
  /// or an end month outside the years 1000-9999 that the date parsers accept).
  public func validate() throws(GeneratorSettingsError) {
    guard clients >= 0 else { throw .invalid("clients must be 0 or more, not \(clients)") }
    guard months >= 1 else { throw .invalid("months must be 1 or more, not \(months)") }
    if let clinicians, clinicians < 1 {
      throw .invalid("clinicians must be 1 or more, not \(clinicians)")
    }
    if let sites, sites < 1 { throw .invalid("sites must be 1 or more, not \(sites)") }
    guard (1...12).contains(endMonth.month), endMonth.year >= 1001, endMonth.year <= 9999 else {
      throw .invalid("end month \(endMonth) is out of range")
    }
    guard endMonth.adding(months: -(months - 1)).year >= 1001 else {
      throw .invalid("\(months) months before \(endMonth) reach before the year 1001")
    }
  }
}

/// A `GeneratorSettings` value that cannot be generated.
public enum GeneratorSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
  case invalid(String)

  public var description: String {
    switch self {
    case .invalid(let message): return message
    }
  }
}
