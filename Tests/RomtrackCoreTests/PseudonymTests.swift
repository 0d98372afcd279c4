import Foundation
import Testing

@testable import RomtrackCore

/// The research export's pseudonyms: one keyed function per kind of id over length-prefixed fields,
/// and the salts they may be keyed with.
@Suite struct PseudonymTests {
  static let key = Pseudonyms(salt: Array("0f3a9c51d27e84b6a1c0e9f2d3b47a58".utf8))

  @Test func idsOfDifferentKindsOrFieldsNeverShareACode() {
    let key = Self.key
    // The collisions of the issue: a client named `clinician` with episode `T01` against clinician
    // `T01` (the old encoding was "clinician" + 0x1F + id), and client `X<0x1F>E9` against client
    // `X`'s episode `E9` (the old episode text was client + 0x1F + episode).
    #expect(key.hex(.episode, "clinician", "T01") != key.hex(.clinician, "T01"))
    #expect(key.hex(.client, "X\u{1F}E9") != key.hex(.episode, "X", "E9"))
    #expect(key.hex(.client, "T01") != key.hex(.clinician, "T01"))
    #expect(key.hex(.episode, "ab", "c") != key.hex(.episode, "a", "bc"))
    #expect(key.hex(.episode, "", "abc") != key.hex(.episode, "abc", ""))
    // The same id of the same kind always gets the same code; another salt another code.
    #expect(key.hex(.client, "C0042") == Pseudonyms(salt: Array("0f3a9c51d27e84b6a1c0e9f2d3b47a58".utf8)).hex(.client, "C0042"))
    #expect(key.hex(.client, "C0042") != Pseudonyms(salt: Array("0f3a9c51d27e84b6a1c0e9f2d3b47a59".utf8)).hex(.client, "C0042"))
  }

  @Test func messagesAreTheKindThenLengthPrefixedFields() {
    #expect(Pseudonyms.message(.episode, ["X", "E9"]) == [2, 0, 0, 0, 1, 0x58, 0, 0, 0, 2, 0x45, 0x39])
    #expect(Pseudonyms.message(.clinician, ["T01"]) == [3, 0, 0, 0, 3, 0x54, 0x30, 0x31])
    // Injective on every pair of short ids over a small alphabet, across the three kinds.
    let alphabet = ["", "a", "b", "\u{1F}", "ab", "a\u{1F}", "\u{1F}b"]
    var seen: [[UInt8]: String] = [:]
    for a in alphabet {
      for kind in [Pseudonyms.Kind.client, .clinician] {
        let m = Pseudonyms.message(kind, [a])
        #expect(seen.updateValue("\(kind) \(a)", forKey: m) == nil)
      }
      for b in alphabet {
        let m = Pseudonyms.message(.episode, [a, b])
        #expect(seen.updateValue("episode \(a) \(b)", forKey: m) == nil)
      }
    }
  }

  @Test func theCodeIsHMACWithTheKindsKey() {
    // K_kind = HMAC(salt, "romtrack pseudonym key v2/" + kind); code = HMAC(K_kind, message).
    let salt = Array("0f3a9c51d27e84b6a1c0e9f2d3b47a58".utf8)
    let kindKey = HMACSHA256(key: salt).code(Array("romtrack pseudonym key v2/client".utf8))
    let expected = SHA256.hex(HMACSHA256(key: kindKey).code(Pseudonyms.message(.client, ["C0042"])))
    #expect(Self.key.hex(.client, "C0042") == expected)
    let names = ["C1", "C2", "é", ""]
    let codes = Self.key.hexCodes(.client, count: names.count) { [names[$0]] }
    #expect(String(decoding: codes, as: UTF8.self) == names.map { Self.key.hex(.client, $0) }.joined())
  }

  @Test(arguments: [
    ("short", "the salt has 5 bytes; it needs at least 16 random bytes"),
    (String(repeating: " ", count: 16), "the salt is only whitespace"),
    (" \t \t \t \t \t \t \t \t", "the salt is only whitespace"),
    (String(repeating: "\u{0}", count: 16), "the salt is one byte repeated"),
    ("aaaaaaaaaaaaaaaa", "the salt is one byte repeated"),
    ("abababababababab", "the salt is a pattern of 2 bytes repeated"),
    ("0123456701234567", "the salt is a pattern of 8 bytes repeated"),
    ("password12345678", "the salt has about 96 bits by its alphabet; it needs 128 (e.g. 32 hexadecimal digits or 16 random bytes)"),
    ("0123456789abcdef", "the salt has about 64 bits by its alphabet; it needs 128 (e.g. 32 hexadecimal digits or 16 random bytes)"),
    ("zzzzzzzzzzzzzzzzzzzzzzzy", "the salt's bytes are too uneven (about 5 bits by their frequencies; it needs 48)"),
  ])
  func weakSaltsAreRefused(salt: String, problem: String) {
    #expect(Pseudonyms.saltProblem(Array(salt.utf8)) == problem)
  }

  @Test func goodSaltsAreAccepted() throws {
    // 32 hex digits (128 bits), 16 raw bytes, base64 of 24 bytes, a long passphrase, a new salt.
    #expect(Pseudonyms.saltProblem(Array("9f86d081884c7d659a2feaa0c55ad015".utf8)) == nil)
    #expect(Pseudonyms.saltProblem([0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a, 0xd0, 0x15]) == nil)
    #expect(Pseudonyms.saltProblem(Array("n4bQLYYuPqDPOG3CrkIgP0Gu3r0tA3GY".utf8)) == nil)
    #expect(Pseudonyms.saltProblem(Array("a practice secret of enough bytes".utf8)) == nil)
    for _ in 0..<20 {
      var salt = try Pseudonyms.newSalt()
      #expect(salt.count == 65 && salt.last == 0x0A)
      salt.removeLast()
      #expect(Pseudonyms.saltProblem(salt) == nil)
    }
  }

  @Test func aNewSaltIsPrivateAndNeverOverwritesAFile() throws {
    let path = TestFiles.folder.appendingPathComponent("salt-\(UUID().uuidString)").path
    try Pseudonyms.writeNewSalt(to: path)
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let first = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(throws: Pseudonyms.SaltError.self) { try Pseudonyms.writeNewSalt(to: path) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == first)
  }
}
