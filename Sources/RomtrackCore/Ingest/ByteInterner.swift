/// Gives each distinct byte string (a client id, a clinician id, a site) a small integer, in order of
/// first appearance, without making a `String` per row.
///
/// Open addressing with linear probing over a power-of-two table; keys live end to end in one byte
/// arena. Exports are usually grouped by client, so the last key looked up is checked first: most rows
/// cost one short comparison. Each new key is checked once for valid UTF-8 (and for NUL bytes).
///
/// A slot holds its key's first 16 bytes, its length and its id, so a probe compares inside the slot
/// and reads the arena only for a longer key: one cache miss per lookup where the key's hash, start,
/// length and bytes in four arrays were five (the clinicians' and sites' tables were a tenth of the
/// parse at 1M clients).
///
/// Exports are often sorted by client id as well, and a table of a million ids is a cache miss per
/// new id. So the table is built only when it is needed: while keys arrive in increasing byte order,
/// a key after the last one is new without looking; and a key equal to the one after the last found
/// (a second file, or the next part of the same file, listing the same ids in the same order) is
/// found without hashing. The first key that is neither builds the table from every key so far, and
/// from then on the table is kept.
///
/// The key after the last one found is worth checking only while keys come in that order: for ids in
/// no order (the clinician and the site of each new client) the check reads three arrays at a random
/// place, cache misses before the table's own. So it is tried only after a lookup that found the key
/// after the one before it, and dropped at its first miss (a quarter of the lookups' time at 1M
/// clients, where every new client's clinician missed it).
struct ByteInterner {
  private(set) var arena: [UInt8] = []
  private(set) var keyStart: [Int] = []
  private(set) var keyLength: [Int32] = []
  /// Whether each key is valid UTF-8 without NUL bytes.
  private(set) var valid: [Bool] = []
  /// Whether every key so far is valid UTF-8 (the usual case, checked with one load).
  private(set) var allValid = true
  /// The hash table: empty until `buildTable()`.
  private var slots: [Slot] = []
  private var mask = 0
  /// Keys expected in all (`init(capacity:)`, `reserve(keys:)`): the table's first size.
  private var expectedKeys: Int
  private var lastID: Int32 = -1
  /// Whether the last lookup found the key after the one found before it (see the type's note).
  private var inSequence = true

  /// A key's first 16 bytes as two little-endian words (zero past its end), its length and its id
  /// (-1: an empty slot).
  struct Slot {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var length: Int32 = 0
    var id: Int32 = -1
  }

  init(capacity: Int = 1024) {
    expectedKeys = capacity
  }

  /// Whether lookups go through the table (see the type's note).
  var isHashed: Bool { !slots.isEmpty }

  var count: Int { keyStart.count }

  /// The key with this id, decoded (invalid UTF-8 replaced by U+FFFD).
  func string(_ id: UInt32) -> String {
    let start = keyStart[Int(id)], length = Int(keyLength[Int(id)])
    return String(decoding: arena[start..<(start + length)], as: UTF8.self)
  }

  func bytes(_ id: UInt32) -> ArraySlice<UInt8> {
    let start = keyStart[Int(id)]
    return arena[start..<(start + Int(keyLength[Int(id)]))]
  }

  /// The id of `count` bytes at `p`, adding them when new.
  mutating func intern(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
    if lastID >= 0, equals(lastID, p, count) { return UInt32(lastID) }
    let (low, high) = ByteInterner.words(p, count)
    return lookup(p, count, low, high)
  }

  /// The id of `count` bytes at `p`, for the parser's hot path: the caller guarantees 16 readable
  /// bytes at `p` whatever `count` is (the read buffers have that much slack).
  ///
  /// The four most recent keys of up to 16 bytes are kept as two words each, so a repeated value (the
  /// same client on consecutive rows; PHQ-9, GAD-7 and an alliance measure in turn) costs a few
  /// masked comparisons instead of a hash-table probe.
  @inline(__always)
  mutating func internPadded(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
    guard count <= 16 else { return intern(p, count) }
    let raw = UnsafeRawPointer(p)
    let key = RecentKey(
      low: raw.loadUnaligned(as: UInt64.self) & ByteInterner.lowMask(count),
      high: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & ByteInterner.highMask(count),
      length: count, id: 0)
    if key.matches(recent.0) { return recent.0.id }
    if key.matches(recent.1) { return recent.1.id }
    if key.matches(recent.2) { return recent.2.id }
    if key.matches(recent.3) { return recent.3.id }
    var found = key
    found.id = lookup(p, count, key.low, key.high)
    // The newest key goes first; the oldest falls out.
    recent = (found, recent.0, recent.1, recent.2)
    return found.id
  }

  struct RecentKey {
    var low: UInt64 = 0
    var high: UInt64 = 0
    var length = -1
    var id: UInt32 = 0

    @inline(__always)
    func matches(_ other: RecentKey) -> Bool {
      length == other.length && low == other.low && high == other.high
    }
  }
  private var recent = (RecentKey(), RecentKey(), RecentKey(), RecentKey())

  /// Keeps the first `count` bytes of the low word (bytes 0-7).
  @inline(__always)
  static func lowMask(_ count: Int) -> UInt64 {
    count >= 8 ? .max : (UInt64(1) << UInt64(count * 8)) &- 1
  }

  /// Keeps bytes 8..<count of the high word.
  @inline(__always)
  static func highMask(_ count: Int) -> UInt64 {
    count >= 16 ? .max : count <= 8 ? 0 : (UInt64(1) << UInt64((count - 8) * 8)) &- 1
  }

  /// The first 16 bytes of a key as the two words a slot keeps, read without going past its end.
  @inline(__always)
  static func words(_ p: UnsafePointer<UInt8>, _ count: Int) -> (low: UInt64, high: UInt64) {
    var words: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: p, byteCount: min(count, 16)) }
    return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1))
  }

  /// The id of the key (`low`, `high`: its first 16 bytes as `words` gives them), adding it when new:
  /// the key after the last one found, a key after every key so far (while there is no table), or a
  /// table lookup.
  private mutating func lookup(_ p: UnsafePointer<UInt8>, _ count: Int, _ low: UInt64, _ high: UInt64) -> UInt32 {
    let next = lastID + 1
    if inSequence, Int(next) < keyStart.count {
      if equals(next, p, count) {
        lastID = next
        return UInt32(next)
      }
      inSequence = false
    }
    if slots.isEmpty {
      if keyStart.isEmpty || followsLastKey(p, count) { return add(p, count, low, high, slot: nil) }
      buildTable()
    }
    var slot = Int(truncatingIfNeeded: ByteInterner.hash(p, count, low, high)) & mask
    while true {
      let s = slots[slot]
      if s.id < 0 { break }
      if s.low == low, s.high == high, Int(s.length) == count, count <= 16 || equals(s.id, p, count) {
        inSequence = s.id == next
        lastID = s.id
        return UInt32(s.id)
      }
      slot = (slot + 1) & mask
    }
    return add(p, count, low, high, slot: slot)
  }

  /// Appends a new key; with a table, into its free slot.
  private mutating func add(_ p: UnsafePointer<UInt8>, _ count: Int, _ low: UInt64, _ high: UInt64, slot: Int?) -> UInt32 {
    let id = Int32(keyStart.count)
    keyStart.append(arena.count)
    keyLength.append(Int32(count))
    arena.append(contentsOf: UnsafeBufferPointer(start: p, count: count))
    let isValid = ByteInterner.isValidUTF8(p, count)
    valid.append(isValid)
    if !isValid { allValid = false }
    lastID = id
    if let slot {
      slots[slot] = Slot(low: low, high: high, length: Int32(count), id: id)
      if keyStart.count * 2 > slots.count { grow() }
    }
    return UInt32(id)
  }

  /// Whether the key comes after the last key added in byte order (a shorter key before a longer
  /// one it begins). Without a table the keys so far are in increasing order, so such a key is new.
  private func followsLastKey(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let last = keyStart.count - 1
    let start = keyStart[last], length = Int(keyLength[last])
    return arena.withUnsafeBufferPointer { a in
      for i in 0..<min(count, length) where p[i] != a[start + i] { return p[i] > a[start + i] }
      return count > length
    }
  }

  /// Builds the table from every key so far; from now on every new key goes into it.
  private mutating func buildTable() {
    var size = 16
    while size < max(expectedKeys, keyStart.count + 1) * 2 { size <<= 1 }
    rehash(size: size)
  }

  @inline(__always)
  private func equals(_ id: Int32, _ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    guard Int(keyLength[Int(id)]) == count else { return false }
    let start = keyStart[Int(id)]
    return arena.withUnsafeBufferPointer { a in
      for i in 0..<count where a[start + i] != p[i] { return false }
      return true
    }
  }

  /// Makes room for `keys` keys in all, so that the table, once there is one, does not grow (and
  /// rehash) on the way.
  mutating func reserve(keys: Int) {
    keyStart.reserveCapacity(keys)
    keyLength.reserveCapacity(keys)
    valid.reserveCapacity(keys)
    expectedKeys = max(expectedKeys, keys)
    guard !slots.isEmpty else { return }
    var size = slots.count
    while size < keys * 2 { size <<= 1 }
    if size > slots.count { rehash(size: size) }
  }

  private mutating func grow() { rehash(size: slots.count * 2) }

  /// A table of `size` slots holding every key.
  private mutating func rehash(size: Int) {
    var table = [Slot](repeating: Slot(), count: size)
    let mask = size - 1
    arena.withUnsafeBufferPointer { a in
      // An empty arena holds only empty keys, whose bytes are never read.
      let base = a.baseAddress ?? UnsafePointer(bitPattern: 1)!
      for id in 0..<keyStart.count {
        let p = base + keyStart[id], count = Int(keyLength[id])
        let (low, high) = ByteInterner.words(p, count)
        var slot = Int(truncatingIfNeeded: ByteInterner.hash(p, count, low, high)) & mask
        while table[slot].id >= 0 { slot = (slot + 1) & mask }
        table[slot] = Slot(low: low, high: high, length: Int32(count), id: Int32(id))
      }
    }
    (slots, self.mask) = (table, mask)
  }

  /// `hash(p, count)` of a key whose first 16 bytes are `low` and `high` (`words`): from the words
  /// alone for a key of at most 16 bytes.
  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ count: Int, _ low: UInt64, _ high: UInt64) -> UInt64 {
    count <= 16 ? hash(low, high, count) : hash(p, count)
  }

  /// `hash(p, count)` of a key of at most 16 bytes, from its two words.
  @inline(__always)
  static func hash(_ low: UInt64, _ high: UInt64, _ count: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
    if count > 0 { h = mix(h ^ low) }
    if count > 8 { h = mix(h ^ high) }
    return h ^ (h >> 29)
  }

  /// A 64-bit hash of the bytes: eight-byte words mixed by multiplication (wyhash-style folding).
  @inline(__always)
  static func hash(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= count {
      h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i += 8
    }
    if i < count {
      var tail: UInt64 = 0
      var shift: UInt64 = 0
      while i < count {
        tail |= UInt64(p[i]) << shift
        shift += 8
        i += 1
      }
      h = mix(h ^ tail)
    }
    return h ^ (h >> 29)
  }

  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    let product = x.multipliedFullWidth(by: 0xA076_1D64_78BD_642F)
    return product.high ^ product.low
  }

  /// Whether the bytes are text: valid UTF-8 without NUL bytes (a NUL would end the value for many
  /// programs that read the report, and never belongs in an id).
  static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var ascii = true
    for i in 0..<count where p[i] >= 0x80 || p[i] == 0 {
      if p[i] == 0 { return false }
      ascii = false
    }
    if ascii { return true }
    let buffer = UnsafeBufferPointer(start: p, count: count)
    return String(validating: buffer, as: UTF8.self) != nil
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension ByteInterner {
  /// Whether the key with this id is valid UTF-8.
  @inline(__always)
  func isValid(_ id: UInt32) -> Bool { allValid || valid[Int(id)] }
}
