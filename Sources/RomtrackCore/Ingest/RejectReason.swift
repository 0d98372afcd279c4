/// Why an input row could not be used: the `reason` column of rejects.csv.
public enum RejectReason: String, CaseIterable, Sendable, Comparable {
  /// The row has more or fewer fields than the header.
  case fieldCount = "field_count"
  /// A quoted field is not closed, or characters follow its closing quote.
  case badQuote = "bad_quote"
  /// A required value (client_id, score's instrument, session or date) is empty.
  case missingValue = "missing_value"
  /// `score` or `session` is not a number of the expected form.
  case badNumber = "bad_number"
  /// `date` or `episode_end` is not a valid date in the expected format.
  case badDate = "bad_date"
  /// The score lies outside the instrument's range.
  case outOfRange = "out_of_range"
  /// The instrument is neither a registry name nor an alias.
  case unknownInstrument = "unknown_instrument"
  /// Two or more rows give different values for the same client, episode, instrument and session.
  case conflictingDuplicate = "conflicting_duplicate"
  /// A text field is not valid UTF-8, or holds a NUL byte.
  case badEncoding = "bad_encoding"
  /// Item-level input: more items are missing than the instrument's rule allows, so no total is given.
  case missingItems = "missing_items"
  /// The date lies after today (`SeriesOptions.today`): a typo such as 2062 for 2026, which would
  /// otherwise move the report period into the future.
  case futureDate = "future_date"

  public static func < (lhs: RejectReason, rhs: RejectReason) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// One rejected input row, as written to rejects.csv.
public struct Reject: Sendable, Equatable {
  /// The input file as given on the command line.
  public var file: String
  /// Physical line (1-based) on which the row starts.
  public var line: Int
  /// The offending field (`client_id`, `score`, ...) or `row` for the row as a whole.
  public var field: String
  public var reason: RejectReason
  /// A sentence for people: what was found and what was expected.
  public var detail: String
  /// The raw row as it stands in the file (cut after `IngestOptions.rawRowLimit` bytes; invalid
  /// UTF-8 replaced by U+FFFD).
  public var raw: String

  public init(file: String, line: Int, field: String, reason: RejectReason, detail: String, raw: String) {
    self.file = file
    self.line = line
    self.field = field
    self.reason = reason
    self.detail = detail
    self.raw = raw
  }
}
