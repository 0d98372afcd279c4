import Dispatch
import Foundation
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
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
      bytes.withUnsafeBufferPointer { writeHex($0, to: out.baseAddress!) }
      return bytes.count * 2
    }
  }

  /// Writes the lowercase hexadecimal text of `bytes` (two bytes each) at `out`.
  static func writeHex(_ bytes: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>) {
    let digits: StaticString = "0123456789abcdef"
    let d = digits.utf8Start
    for (k, b) in bytes.enumerated() {
      out[2 * k] = d[Int(b >> 4)]
      out[2 * k + 1] = d[Int(b & 15)]
    }
  }
}

/// HMAC-SHA256 (RFC 2104, FIPS 198-1): the keyed pseudonym of an id in research exports. Without the
/// secret key nobody can recompute or reverse it; with the same key the same id always gets the same
/// pseudonym, so exports of different months can be linked by whoever holds the key.
///
/// HMAC(K, m) = H((K' xor opad) | H((K' xor ipad) | m)), where K' is the key in one 64-byte block of
/// SHA-256 (hashed first when longer, then padded with zeros), ipad the byte 0x36 and opad 0x5c
/// repeated (RFC 2104, section 2). The two padded keys are made once; each code is then two digests
/// on a context the thread keeps (`SHA256.Context`). OpenSSL's one-call `HMAC()` looked the digest
/// up again and set up a new context for every code: about 1.5 µs each, 3 s for the 2.1 million
/// pseudonyms of an export of 1M clients.
public struct HMACSHA256: Sendable {
  private let innerPad: [UInt8]
  private let outerPad: [UInt8]

  public init(key: [UInt8]) {
    var block = key.count > 64 ? SHA256.hash(key) : key
    block += [UInt8](repeating: 0, count: 64 - block.count)
    innerPad = block.map { $0 ^ 0x36 }
    outerPad = block.map { $0 ^ 0x5c }
  }

  /// The 32-byte authentication code of `message`.
  public func code(_ message: [UInt8]) -> [UInt8] {
    let context = SHA256.Context()
    var out = [UInt8](repeating: 0, count: 32)
    message.withUnsafeBytes { m in out.withUnsafeMutableBufferPointer { code(m, context: context, into: $0.baseAddress!) } }
    return out
  }

  /// The code of `message` into the 32 bytes at `out`, on `context` (of the calling thread).
  func code(_ message: UnsafeRawBufferPointer, context: SHA256.Context, into out: UnsafeMutablePointer<UInt8>) {
    innerPad.withUnsafeBytes { context.digest($0, message, into: out) }
    outerPad.withUnsafeBytes { context.digest($0, UnsafeRawBufferPointer(start: out, count: 32), into: out) }
  }

  /// The code of the UTF-8 text as lowercase hex.
  public func hex(_ text: String) -> String { SHA256.hex(code(Array(text.utf8))) }

  /// `hex(text(i))` for every `i` in `0..<count`, end to end (64 bytes each), computed on all cores.
  public func hexCodes(count: Int, of text: @Sendable (Int) -> String) -> [UInt8] {
    hexCodes(count: count) { i in
      var message = text(i)
      return message.withUTF8 { Array($0) }
    }
  }

  /// The code of `message(i)` as lowercase hex for every `i` in `0..<count`, end to end (64 bytes
  /// each), computed on all cores.
  public func hexCodes(count: Int, _ message: @Sendable (Int) -> [UInt8]) -> [UInt8] {
    let chunks = max(1, min(count / 4_096, ProcessInfo.processInfo.activeProcessorCount * 8))
    return [UInt8](unsafeUninitializedCapacity: count * 64) { buffer, initialized in
      let shared = Shared(buffer)
      DispatchQueue.concurrentPerform(iterations: chunks) { k in
        let context = SHA256.Context()
        var code = [UInt8](repeating: 0, count: 32)
        for i in Range(share: k, of: chunks, in: count) {
          let bytes = message(i)
          code.withUnsafeMutableBufferPointer { code in
            bytes.withUnsafeBytes { self.code($0, context: context, into: code.baseAddress!) }
            SHA256.writeHex(UnsafeBufferPointer(code), to: shared.buffer.baseAddress! + 64 * i)
          }
        }
      }
      initialized = count * 64
    }
  }
}

extension SHA256 {
  /// A SHA-256 context for one thread, reused from digest to digest.
  final class Context {
    /// The implementation, looked up once: giving `EVP_DigestInit_ex` the legacy `EVP_sha256()`
    /// looks it up again on every digest. An `EVP_MD` is immutable and may be shared by threads.
    nonisolated(unsafe) static let sha256: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()
    private let context: OpaquePointer

    init() { context = EVP_MD_CTX_new() }
    deinit { EVP_MD_CTX_free(context) }

    /// The digest of `first` followed by `second` into the 32 bytes at `out` (which may be `second`).
    func digest(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
      var length: UInt32 = 0
      guard EVP_DigestInit_ex2(context, Context.sha256, nil) == 1,
        EVP_DigestUpdate(context, first.baseAddress, first.count) == 1,
        EVP_DigestUpdate(context, second.baseAddress, second.count) == 1,
        EVP_DigestFinal_ex(context, out, &length) == 1
      else { fatalError("SHA-256 from libcrypto failed") }
    }
  }
}
