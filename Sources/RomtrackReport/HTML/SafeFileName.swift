import RomtrackCore

/// The file name of a clinician's page, made from the clinician id so that no id can leave the
/// `clinicians/` folder or clash with another.
///
/// Letters, digits and `-` are kept; every other byte of the UTF-8 id, `_` included, becomes `_` and
/// two hex digits (so `../x` is `_2e_2e_2fx` and the mapping is one-to-one). An empty id is `_`.
/// Names longer than 120 bytes keep their first 100 and add `~` and 16 hex digits of the id's
/// SHA-256, which keeps them unique well inside the 255-byte limit of file systems.
public enum SafeFileName {
  public static func forID(_ id: String) -> String {
    guard !id.isEmpty else { return "_" }
    var out: [UInt8] = []
    out.reserveCapacity(id.utf8.count)
    let hex = Array("0123456789abcdef".utf8)
    for b in id.utf8 {
      let plain = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
      if plain {
        out.append(b)
      } else {
        out.append(UInt8(ascii: "_"))
        out.append(hex[Int(b >> 4)])
        out.append(hex[Int(b & 15)])
      }
    }
    if out.count > 120 {
      let digest = SHA256.hex(Array(SHA256.hash(Array(id.utf8)).prefix(8)))
      out = Array(out.prefix(100)) + [UInt8(ascii: "~")] + Array(digest.utf8)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `clinicians/<safe id>.html`.
  public static func clinicianPage(_ id: String) -> String { "clinicians/\(forID(id)).html" }
}
