/// Numbers each distinct 64-bit key in order of first appearance (0, 1, 2, ...).
///
/// Open addressing with linear probing, kept at most half full. Used to group rows by packed keys such
/// as (client, episode) without hashing strings.
struct KeyTable {
  private var keys: [UInt64]
  private var ids: [Int32]
  private var mask: Int
  private(set) var count = 0
  private var lastKey: UInt64 = .max
  private var lastID: Int32 = -1

  init(expected: Int = 1024) {
    var size = 16
    while size < expected * 2 { size <<= 1 }
    keys = Array(repeating: 0, count: size)
    ids = Array(repeating: -1, count: size)
    mask = size - 1
  }

  /// The number of `key`, adding it when new.
  @inline(__always)
  mutating func id(of key: UInt64) -> Int {
    if key == lastKey { return Int(lastID) }
    var slot = Int(truncatingIfNeeded: KeyTable.scramble(key)) & mask
    while true {
      let found = ids[slot]
      if found < 0 { break }
      if keys[slot] == key {
        lastKey = key
        lastID = found
        return Int(found)
      }
      slot = (slot + 1) & mask
    }
    let new = Int32(count)
    keys[slot] = key
    ids[slot] = new
    count += 1
    lastKey = key
    lastID = new
    if count * 2 > ids.count { grow() }
    return Int(new)
  }

  private mutating func grow() {
    let oldKeys = keys, oldIDs = ids
    let size = ids.count * 2
    keys = Array(repeating: 0, count: size)
    ids = Array(repeating: -1, count: size)
    mask = size - 1
    for slot in oldIDs.indices where oldIDs[slot] >= 0 {
      var s = Int(truncatingIfNeeded: KeyTable.scramble(oldKeys[slot])) & mask
      while ids[s] >= 0 { s = (s + 1) & mask }
      keys[s] = oldKeys[slot]
      ids[s] = oldIDs[slot]
    }
  }

  /// A bijective mix of the key's bits (the finaliser of SplitMix64), so that nearby keys spread out.
  @inline(__always)
  static func scramble(_ key: UInt64) -> UInt64 {
    var z = key &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
