/// Splits CSV bytes into records and fields (RFC 4180), without copying.
///
/// - Fields are separated by `,` (or the `separator` given: `;` or tab, `--delimiter`); records end at
///   LF, CRLF or a lone CR.
/// - A field that starts with `"` is quoted: it may hold commas, line breaks and doubled quotes `""`
///   (one literal quote), and ends at the next single `"`. Characters between a closing quote and the
///   next separator, or a quote never closed before the end of the file, make the record `malformed`.
/// - A `"` inside an unquoted field is kept as a literal character.
/// Line breaks inside quoted fields are counted, so every record knows the physical line it starts on.
struct RecordScanner {
  /// Start and end (exclusive) of each field's content, quotes removed, relative to the scan base;
  /// `escaped[k]` is nonzero when field k was quoted and held a doubled quote that must be undone.
  private(set) var starts: UnsafeMutablePointer<Int>
  private(set) var ends: UnsafeMutablePointer<Int>
  private(set) var escaped: UnsafeMutablePointer<Bool>
  private var capacity: Int
  private let storage: SpanStorage
  var fieldCount = 0
  /// A quote was left open at the end of the file, or text followed a closing quote.
  var malformed = false
  /// The byte between fields: `,` (the fast path), `;` or tab.
  let separator: UInt8

  enum Outcome {
    /// A whole record `[start, end)` without its line break; the next record starts at `next`.
    case record(end: Int, next: Int, lineBreaks: Int)
    /// The bytes end inside the record and more of the file follows.
    case needMore
  }

  init(separator: UInt8 = UInt8(ascii: ",")) {
    self.separator = separator
    storage = SpanStorage(capacity: 32)
    starts = storage.starts
    ends = storage.ends
    escaped = storage.escaped
    capacity = 32
  }

  @inline(__always)
  private mutating func addField(_ start: Int, _ end: Int, _ hasEscape: Bool) {
    if fieldCount == capacity {
      storage.grow()
      starts = storage.starts
      ends = storage.ends
      escaped = storage.escaped
      capacity = storage.capacity
    }
    starts[fieldCount] = start
    ends[fieldCount] = end
    escaped[fieldCount] = hasEscape
    fieldCount += 1
  }

  /// Scans one record of `p[from..<limit]`. `atEnd` says that `limit` is the end of the file.
  mutating func scan(_ p: UnsafePointer<UInt8>, from: Int, limit: Int, atEnd: Bool) -> Outcome {
    // The word-wise fast path knows only the comma; other separators take the general scanner.
    if separator == 0x2C, let outcome = scanPlain(p, from: from, limit: limit) { return outcome }
    return scanGeneral(p, from: from, limit: limit, atEnd: atEnd)
  }

  /// The fast path for a record without quotes that ends with LF or CRLF inside the bytes given:
  /// one pass, eight bytes at a time, every separator taken from one mask (see `candidates`).
  /// Returns nil, having recorded nothing that counts, for anything else (a quote, a lone CR, a
  /// record running past `limit`), which the general scanner then reads.
  @inline(__always)
  private mutating func scanPlain(_ p: UnsafePointer<UInt8>, from: Int, limit: Int) -> Outcome? {
    let raw = UnsafeRawPointer(p)
    fieldCount = 0
    malformed = false
    var fieldStart = from
    var i = from
    while i + 8 <= limit {
      var mask = RecordScanner.candidates(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      while mask != 0 {
        let k = i + mask.trailingZeroBitCount >> 3
        mask &= mask &- 1
        switch p[k] {
        case 0x2C:  // ,
          addField(fieldStart, k, false)
          fieldStart = k + 1
        case 0x0A:  // LF
          addField(fieldStart, k, false)
          return .record(end: k, next: k + 1, lineBreaks: 1)
        case 0x0D:  // CR: only CRLF here
          guard k + 1 < limit, p[k + 1] == 0x0A else { return nil }
          addField(fieldStart, k, false)
          return .record(end: k, next: k + 2, lineBreaks: 1)
        case 0x22:  // a quote
          return nil
        default:
          continue
        }
      }
      i += 8
    }
    return nil
  }

  /// Any record: quoted fields, lone CR, the last record of the file without a line break.
  private mutating func scanGeneral(_ p: UnsafePointer<UInt8>, from: Int, limit: Int, atEnd: Bool) -> Outcome {
    let separator = self.separator, lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    let quote = UInt8(ascii: "\"")
    fieldCount = 0
    malformed = false
    var i = from
    var lineBreaks = 0
    while true {
      if i < limit, p[i] == quote {
        // Quoted field.
        i += 1
        let contentStart = i
        var hasEscape = false
        while true {
          while i < limit, p[i] != quote {
            if p[i] == lf { lineBreaks += 1 }
            i += 1
          }
          if i >= limit {
            if !atEnd { return .needMore }
            addField(contentStart, limit, hasEscape)
            malformed = true
            return .record(end: limit, next: limit, lineBreaks: lineBreaks)
          }
          // p[i] is a quote: doubled, or closing.
          if i + 1 < limit, p[i + 1] == quote {
            hasEscape = true
            i += 2
            continue
          }
          if i + 1 >= limit, !atEnd { return .needMore }
          break
        }
        addField(contentStart, i, hasEscape)
        i += 1
        // Anything before the next separator is stray text after the closing quote.
        if i < limit, p[i] != separator, p[i] != lf, p[i] != cr {
          malformed = true
          while i < limit, p[i] != separator, p[i] != lf, p[i] != cr { i += 1 }
        }
      } else {
        let fieldStart = i
        i = separator == 0x2C
          ? RecordScanner.nextSeparator(p, from: i, limit: limit)
          : RecordScanner.nextSeparator(p, from: i, limit: limit, separator: separator)
        addField(fieldStart, i, false)
      }
      if i >= limit {
        if !atEnd { return .needMore }
        return .record(end: limit, next: limit, lineBreaks: lineBreaks)
      }
      let b = p[i]
      if b == separator {
        i += 1
        continue
      }
      if b == lf { return .record(end: i, next: i + 1, lineBreaks: lineBreaks + 1) }
      // CR: CRLF or a lone CR.
      if i + 1 < limit {
        if p[i + 1] == lf { return .record(end: i, next: i + 2, lineBreaks: lineBreaks + 1) }
        return .record(end: i, next: i + 1, lineBreaks: lineBreaks + 1)
      }
      if !atEnd { return .needMore }
      return .record(end: i, next: i + 1, lineBreaks: lineBreaks + 1)
    }
  }
}

extension RecordScanner {
  /// Marks, in the high bit of each byte, the bytes of `word` below `-` (0x2D): every separator
  /// (`,` LF CR) and quote, and no digit, letter, `-` or `.`, so most fields have one candidate.
  ///
  /// SWAR: per byte, `((w | H) - N)` keeps its high bit exactly when the byte's low seven bits are at
  /// least 0x2D, with no borrow between bytes; clearing bytes at or above 0x80 gives the exact mask.
  @inline(__always)
  static func candidates(_ word: UInt64) -> UInt64 {
    let high: UInt64 = 0x8080_8080_8080_8080
    let below: UInt64 = 0x2D2D_2D2D_2D2D_2D2D
    return ~((word | high) &- below) & ~word & high
  }

  /// Position of the first `,`, LF or CR at or after `from`, or `limit`: eight bytes at a time, the
  /// marked candidates then checked one by one.
  @inline(__always)
  static func nextSeparator(_ p: UnsafePointer<UInt8>, from: Int, limit: Int) -> Int {
    var i = from
    let raw = UnsafeRawPointer(p)
    while i + 8 <= limit {
      var mask = candidates(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      while mask != 0 {
        let k = i + mask.trailingZeroBitCount >> 3
        let b = p[k]
        if b == 0x2C || b == 0x0A || b == 0x0D { return k }
        mask &= mask &- 1
      }
      i += 8
    }
    while i < limit {
      let b = p[i]
      if b == 0x2C || b == 0x0A || b == 0x0D { return i }
      i += 1
    }
    return limit
  }
}

extension RecordScanner {
  /// Position of the first `separator`, LF or CR at or after `from`, or `limit`, byte by byte: for
  /// the separators other than the comma (`;`, tab), which are not on the fast path.
  static func nextSeparator(_ p: UnsafePointer<UInt8>, from: Int, limit: Int, separator: UInt8) -> Int {
    var i = from
    while i < limit {
      let b = p[i]
      if b == separator || b == 0x0A || b == 0x0D { return i }
      i += 1
    }
    return limit
  }
}

/// The memory behind a scanner's field spans (a class, so that it is freed once).
final class SpanStorage {
  private(set) var starts: UnsafeMutablePointer<Int>
  private(set) var ends: UnsafeMutablePointer<Int>
  private(set) var escaped: UnsafeMutablePointer<Bool>
  private(set) var capacity: Int

  init(capacity: Int) {
    self.capacity = capacity
    starts = .allocate(capacity: capacity)
    ends = .allocate(capacity: capacity)
    escaped = .allocate(capacity: capacity)
  }

  func grow() {
    let larger = capacity * 2
    let s = UnsafeMutablePointer<Int>.allocate(capacity: larger)
    let e = UnsafeMutablePointer<Int>.allocate(capacity: larger)
    let q = UnsafeMutablePointer<Bool>.allocate(capacity: larger)
    s.update(from: starts, count: capacity)
    e.update(from: ends, count: capacity)
    q.update(from: escaped, count: capacity)
    starts.deallocate()
    ends.deallocate()
    escaped.deallocate()
    starts = s
    ends = e
    escaped = q
    capacity = larger
  }

  deinit {
    starts.deallocate()
    ends.deallocate()
    escaped.deallocate()
  }
}
