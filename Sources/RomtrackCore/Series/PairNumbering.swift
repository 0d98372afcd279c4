/// Numbers (parent, label) pairs in order of first appearance, where parents are dense ids and each
/// parent has few labels: a client's episodes, an episode's instruments.
///
/// A parent's pairs form a chain: `first[parent]` is its newest pair and `next[pair]` the one before.
/// Finding a pair reads one slot for the parent and walks a chain of usually one or two pairs, with no
/// hashing; rows that arrive parent by parent read `first` in order, so the cache holds what they need.
struct PairNumbering {
  private var first: [Int32]
  private var next: [Int32] = []
  private var labels: [UInt32] = []

  /// Pairs numbered so far.
  var count: Int { next.count }

  /// - Parameter parents: the parent ids expected (`0..<parents`); later ones make room as they come.
  init(parents: Int) {
    first = [Int32](repeating: -1, count: parents)
  }

  /// The number of (`parent`, `label`), adding the pair when new.
  @inline(__always)
  mutating func id(parent: Int, label: UInt32) -> Int {
    if parent >= first.count { first.append(contentsOf: repeatElement(-1, count: parent + 1 - first.count)) }
    var pair = first[parent]
    while pair >= 0 {
      if labels[Int(pair)] == label { return Int(pair) }
      pair = next[Int(pair)]
    }
    let new = next.count
    labels.append(label)
    next.append(first[parent])
    first[parent] = Int32(new)
    return new
  }
}
