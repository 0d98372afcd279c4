import _LibCrypto

#if canImport(Glibc)
  import Glibc
#endif

/// SHA-256 (FIPS 180-4) from OpenSSL's libcrypto, which uses the CPU's SHA instructions where there
/// are any: input fingerprints in manifest.json, and long file names made short.
public enum SHA256 {
  /// The 32-byte digest of `bytes`.
  public static func hash(_ bytes: [UInt8]) -> [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    bytes.withUnsafeBytes { input in
      _ = EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sha256(), nil)
    }
    return digest
  }

  /// The digest of a file's bytes as lowercase hex, read in 4 MiB blocks; `nil` when it cannot be read.
  public static func fileHex(path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard let context = EVP_MD_CTX_new() else { return nil }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { return nil }
    let block = UnsafeMutableRawPointer.allocate(byteCount: 1 << 22, alignment: 64)
    defer { block.deallocate() }
    while true {
      let n = read(fd, block, 1 << 22)
      if n < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if n == 0 { break }
      guard EVP_DigestUpdate(context, block, n) == 1 else { return nil }
    }
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else { return nil }
    return hex(digest)
  }

  /// Lowercase hexadecimal text of `bytes`.
  public static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// HMAC-SHA256 (RFC 2104, FIPS 198-1): the keyed pseudonym of an id in research exports. Without the
/// secret key nobody can recompute or reverse it; with the same key the same id always gets the same
/// pseudonym, so exports of different months can be linked by whoever holds the key.
public struct HMACSHA256: Sendable {
  private let key: [UInt8]

  public init(key: [UInt8]) { self.key = key }

  /// The 32-byte authentication code of `message`.
  public func code(_ message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    key.withUnsafeBytes { k in
      message.withUnsafeBytes { m in
        _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, &out, &length)
      }
    }
    return out
  }

  /// The code of the UTF-8 text as lowercase hex.
  public func hex(_ text: String) -> String { SHA256.hex(code(Array(text.utf8))) }
}
