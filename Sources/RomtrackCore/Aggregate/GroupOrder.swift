/// The episodes of each group of one level, group by group, each group's in input order: a stable
/// counting sort of the episode numbers by group.
struct GroupOrder: Sendable {
  /// `episodes[start[g]..<start[g + 1]]` are group g's episodes.
  let start: [Int]
  let episodes: [Int32]

  /// One group holding every episode, in order.
  init(practiceOf count: Int) {
    start = [0, count]
    episodes = (0..<Int32(count)).map { $0 }
  }

  init<Groups: Collection>(groups: Int, of groupOfEpisode: Groups) where Groups.Element == UInt32 {
    var start = [Int](repeating: 0, count: groups + 1)
    for g in groupOfEpisode { start[Int(g) + 1] += 1 }
    for g in 0..<groups { start[g + 1] += start[g] }
    var next = start
    var episodes = [Int32](repeating: 0, count: groupOfEpisode.count)
    for (e, g) in groupOfEpisode.enumerated() {
      episodes[next[Int(g)]] = Int32(e)
      next[Int(g)] += 1
    }
    (self.start, self.episodes) = (start, episodes)
  }

  func episodes(of group: Int) -> ArraySlice<Int32> { episodes[start[group]..<start[group + 1]] }
}
