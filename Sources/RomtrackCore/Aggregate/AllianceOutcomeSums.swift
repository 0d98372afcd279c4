// The cross-products of the alliance-outcome regression's design x = (1, o, w, m) and response y,
// summed over rows: everything the normal equations need.

/// `Σ x x'` and `Σ x y` over a set of rows, with x = (1, outcome_t, alliance_t - m_e, m_e) and
/// y = outcome_{t+1}. Named by the factors of each product: `ow` is `Σ outcome_t · within`.
struct AllianceOutcomeSums: Sendable, Equatable {
  var n = 0.0, o = 0.0, oo = 0.0, w = 0.0, ow = 0.0, ww = 0.0
  var m = 0.0, om = 0.0, wm = 0.0, mm = 0.0
  var y = 0.0, oy = 0.0, wy = 0.0, my = 0.0

  /// One episode's rows: the sums over its rows of 1, o, o², w, o·w, w², y, o·y, w·y, and its mean
  /// `mean`. Every product with m is m times a sum over the rows, since m is constant in the episode.
  mutating func addEpisode(
    count: Int, mean: Double, o so: Double, oo soo: Double, w sw: Double, ow sow: Double, ww sww: Double,
    y sy: Double, oy soy: Double, wy swy: Double
  ) {
    let count = Double(count)
    n += count
    o += so
    oo += soo
    w += sw
    ow += sow
    ww += sww
    m += count * mean
    om += so * mean
    wm += sw * mean
    mm += count * mean * mean
    y += sy
    oy += soy
    wy += swy
    my += sy * mean
  }

  /// X'X, 4 x 4, column-major, both triangles, in the order (1, o, w, m).
  var xtx: [Double] {
    [
      n, o, w, m,
      o, oo, ow, om,
      w, ow, ww, wm,
      m, om, wm, mm,
    ]
  }

  /// X'y in the order (1, o, w, m).
  var xty: [Double] { [y, oy, wy, my] }
}
