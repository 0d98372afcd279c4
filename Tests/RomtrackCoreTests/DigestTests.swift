import Testing

@testable import RomtrackCore

/// SHA-256 and HMAC-SHA256 against published test vectors (FIPS 180-2 appendix B.1, RFC 4231
/// test cases 1 and 2) and Python's hashlib/hmac.
struct DigestTests {
  @Test func sha256OfAbc() {
    #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func sha256OfAFileEqualsTheBytes() {
    let path = TestFiles.write("client_id,score\nA,1\n")
    #expect(SHA256.fileHex(path: path) == SHA256.hex(SHA256.hash(Array("client_id,score\nA,1\n".utf8))))
    #expect(SHA256.fileHex(path: "/nonexistent/file.csv") == nil)
  }

  @Test func hmacRFC4231() {
    let one = HMACSHA256(key: [UInt8](repeating: 0x0b, count: 20)).code(Array("Hi There".utf8))
    #expect(SHA256.hex(one) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    #expect(HMACSHA256(key: Array("Jefe".utf8)).hex("what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  /// Same salt, same pseudonym; another salt, another one (value from Python's hmac module).
  @Test func pseudonymsAreStablePerSalt() {
    let salt = HMACSHA256(key: Array("practice-salt".utf8))
    #expect(salt.hex("C0042") == "4a4668aa858aa436355355e3e0c12145e6b4c73e8d645829dfb173cbc5d16733")
    #expect(salt.hex("C0042") == HMACSHA256(key: Array("practice-salt".utf8)).hex("C0042"))
    #expect(HMACSHA256(key: Array("other-salt".utf8)).hex("C0042") != salt.hex("C0042"))
  }
}
