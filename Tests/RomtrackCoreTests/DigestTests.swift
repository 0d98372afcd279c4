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

  /// Keys of a whole block and longer (hashed first): RFC 4231 test case 6, and Python's hmac module
  /// for a key of exactly 64 bytes and one of 65 with an empty message.
  @Test func hmacKeysOfABlockAndLonger() {
    let six = HMACSHA256(key: [UInt8](repeating: 0xaa, count: 131)).code(Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
    #expect(SHA256.hex(six) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    #expect(HMACSHA256(key: (0..<64).map(UInt8.init)).hex("C0000001") == "b133f2d522a979a0422ece0116a89e0dc890a06a4da642c2103cc67c6d8c56fa")
    #expect(HMACSHA256(key: [UInt8](repeating: 0x6b, count: 65)).hex("") == "41f1c4cc3107cd5b8d92460f61032902bfdb06484eef17e861b83a5012d3b7f3")
  }

  /// The pseudonyms of many ids at once, on all cores, are each id's own (values from Python's hmac
  /// module for two of them).
  @Test func hexCodesAreTheHexOfEachText() {
    let salt = HMACSHA256(key: Array("practice-salt".utf8))
    let texts = ["C0042", "Zoë", "clinician\u{1F}T07", ""] + (0..<20_000).map { "C\($0)" }
    let codes = salt.hexCodes(count: texts.count) { texts[$0] }
    #expect(codes.count == 64 * texts.count)
    for (i, text) in texts.enumerated() {
      #expect(String(decoding: codes[(64 * i)..<(64 * i + 64)], as: UTF8.self) == salt.hex(text))
    }
    #expect(salt.hex("Zoë") == "6d6827c05197a977404ac935bf77a2836e4f074c40d62c97cc8c31f8634fe86c")
    #expect(salt.hex("clinician\u{1F}T07") == "2259489fe031682da1e0dc97e28718b9d76e985bd283f4019678283a094fe3aa")
  }

  /// Same salt, same pseudonym; another salt, another one (value from Python's hmac module).
  @Test func pseudonymsAreStablePerSalt() {
    let salt = HMACSHA256(key: Array("practice-salt".utf8))
    #expect(salt.hex("C0042") == "4a4668aa858aa436355355e3e0c12145e6b4c73e8d645829dfb173cbc5d16733")
    #expect(salt.hex("C0042") == HMACSHA256(key: Array("practice-salt".utf8)).hex("C0042"))
    #expect(HMACSHA256(key: Array("other-salt".utf8)).hex("C0042") != salt.hex("C0042"))
  }
}
