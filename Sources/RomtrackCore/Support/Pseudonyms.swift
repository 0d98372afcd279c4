import Foundation

/// The keyed pseudonyms of a research export (FORMATS.md): one HMAC-SHA256 per kind of id, each
/// over an unambiguous encoding of the id's fields.
///
/// - **One key per kind.** The practice's salt `S` is never used directly: the key of kind `k`
///   (`client`, `episode`, `clinician`) is `K_k = HMAC(S, "romtrack pseudonym key v2/" + k)`, so the
///   codes of different kinds come from different keyed functions.
/// - **Unambiguous messages.** The message of an id is its kind's tag byte (1 client, 2 episode,
///   3 clinician), then each field as its UTF-8 length in 4 bytes (big-endian) followed by its bytes.
///   No two different (kind, fields) give the same message: an episode is the fields (client,
///   episode), so client `X\u{1F}E9` alone and client `X` with episode `E9` differ, and so do a
///   client named `clinician` with episode `T01` and clinician `T01`.
///
/// The pseudonym is the 32-byte code as 64 lowercase hex digits. Codes are stable for one salt and
/// meaningless without it (RFC 2104; HMAC is a pseudo-random function when SHA-256's compression
/// function is one, Bellare 2006).
public struct Pseudonyms: Sendable {
  public enum Kind: UInt8, Sendable, CaseIterable {
    case client = 1
    case episode = 2
    case clinician = 3

    var name: String {
      switch self {
      case .client: "client"
      case .episode: "episode"
      case .clinician: "clinician"
      }
    }
  }

  private let keys: [HMACSHA256]

  /// The three keyed functions of `salt` (checked with `saltProblem` by whoever read it).
  public init(salt: [UInt8]) {
    let master = HMACSHA256(key: salt)
    keys = Kind.allCases.map { HMACSHA256(key: master.code(Array("romtrack pseudonym key v2/\($0.name)".utf8))) }
  }

  /// The message of an id of `kind` with `fields` (one for a client or clinician; client and episode
  /// for an episode).
  public static func message(_ kind: Kind, _ fields: [String]) -> [UInt8] {
    var message: [UInt8] = [kind.rawValue]
    for field in fields { append(field, to: &message) }
    return message
  }

  /// Appends one field: its UTF-8 length in 4 bytes, big-endian, then its bytes.
  public static func append(_ field: String, to message: inout [UInt8]) {
    let length = UInt32(truncatingIfNeeded: field.utf8.count)
    message.append(contentsOf: [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)])
    message.append(contentsOf: field.utf8)
  }

  /// The pseudonym (64 hex digits) of an id of `kind` with `fields`.
  public func hex(_ kind: Kind, _ fields: String...) -> String {
    SHA256.hex(keys[Int(kind.rawValue) - 1].code(Self.message(kind, fields)))
  }

  /// The pseudonyms of `count` ids of `kind`, end to end (64 bytes each), on all cores: `fields(i)`
  /// gives the fields of id `i`.
  public func hexCodes(_ kind: Kind, count: Int, fields: @Sendable @escaping (Int) -> [String]) -> [UInt8] {
    keys[Int(kind.rawValue) - 1].hexCodes(count: count) { Self.message(kind, fields($0)) }
  }

  // MARK: - The salt

  /// The least number of bytes a salt has.
  public static let minimumSaltBytes = 16

  /// Why `salt` is not good enough to key pseudonyms, or `nil` when it is. A salt must have:
  /// 1. at least 16 bytes;
  /// 2. more than whitespace, more than one byte value, and no shorter pattern repeated (no period of
  ///    at most half its length: `abab...`, `0123456701234567`);
  /// 3. at least 128 bits by the size of its alphabet: length x log2(alphabet), the alphabet being 10
  ///    when it is all decimal digits, 16 all hexadecimal digits, 64 all letters, digits and `+/=-_`
  ///    (base64), 95 all printable ASCII, 256 otherwise (32 hex digits, 22 base64 letters or 16 raw
  ///    bytes are enough);
  /// 4. at least 48 bits by its byte frequencies: length x the Shannon entropy of its bytes
  ///    (`zzzzzzzzzzzzzzzzzzzzzzzy` has 5).
  /// No test can prove a salt random; these refuse the ones that plainly are not. `romtrack export
  /// --new-salt FILE` writes 32 random bytes from the system's generator as 64 hex digits.
  public static func saltProblem(_ salt: [UInt8]) -> String? {
    let n = salt.count
    guard n >= minimumSaltBytes else { return "the salt has \(n) bytes; it needs at least \(minimumSaltBytes) random bytes" }
    let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
    if salt.allSatisfy(whitespace.contains) { return "the salt is only whitespace" }
    if Set(salt).count == 1 { return "the salt is one byte repeated" }
    if let period = (1...(n / 2)).first(where: { p in (p..<n).allSatisfy { salt[$0] == salt[$0 - p] } }) {
      return "the salt is a pattern of \(period) bytes repeated"
    }
    let alphabetBits = Double(n) * log2(Double(alphabetSize(salt)))
    if alphabetBits < 128 {
      return "the salt has about \(Int(alphabetBits)) bits by its alphabet; it needs 128 (e.g. 32 hexadecimal digits or 16 random bytes)"
    }
    var counts = [Int](repeating: 0, count: 256)
    for b in salt { counts[Int(b)] += 1 }
    let frequencyBits = -counts.filter { $0 > 0 }.reduce(0.0) { $0 + Double($1) * log2(Double($1) / Double(n)) }
    if frequencyBits < 48 { return "the salt's bytes are too uneven (about \(Int(frequencyBits)) bits by their frequencies; it needs 48)" }
    return nil
  }

  /// 10, 16, 64, 95 or 256: the smallest of the alphabets of `saltProblem` that holds every byte.
  static func alphabetSize(_ salt: [UInt8]) -> Int {
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46) }
    func isBase64(_ b: UInt8) -> Bool {
      isDigit(b) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || Array("+/=-_".utf8).contains(b)
    }
    if salt.allSatisfy(isDigit) { return 10 }
    if salt.allSatisfy(isHex) { return 16 }
    if salt.allSatisfy(isBase64) { return 64 }
    if salt.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return 95 }
    return 256
  }

  /// A new salt: 32 bytes from the system's cryptographic generator (`/dev/urandom`) as 64
  /// lowercase hex digits and a line break.
  public static func newSalt() throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 32)
    let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw SaltError(message: "cannot open /dev/urandom: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var filled = 0
    while filled < bytes.count {
      let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw SaltError(message: "cannot read /dev/urandom: \(String(cString: strerror(errno)))") }
      filled += n
    }
    return Array((SHA256.hex(bytes) + "\n").utf8)
  }

  /// Writes a new salt to `path` with mode 0600 (owner read and write only), never over an existing
  /// file.
  public static func writeNewSalt(to path: String) throws {
    let salt = try newSalt()
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      let reason = errno == EEXIST ? "the file exists; a salt is never overwritten (exports made with it could no longer be linked)" : String(cString: strerror(errno))
      throw SaltError(message: "\(path): \(reason)")
    }
    defer { close(fd) }
    // The mode again, whatever the umask took away (it can only have made it stricter).
    _ = fchmod(fd, 0o600)
    let written = salt.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == salt.count, fsync(fd) == 0 else {
      unlink(path)
      throw SaltError(message: "\(path): could not write the salt")
    }
  }

  public struct SaltError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
  }
}
