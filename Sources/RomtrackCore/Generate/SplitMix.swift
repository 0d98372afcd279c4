/// SplitMix64, the pseudo-random generator behind `romtrack generate`.
///
/// The algorithm is Steele, Lea & Flood (2014), "Fast splittable pseudorandom number generators"
/// (OOPSLA '14), in the 64-bit form Vigna uses to seed the xoshiro family: the state advances by the
/// odd constant `0x9E3779B97F4A7C15` and each output is that state passed through a 64-bit finaliser
/// (two xor-shift-multiply rounds). Period 2^64; it passes BigCrush.
///
/// Why our own generator: the synthetic data must be byte-identical for a seed on every machine and
/// every Swift release. The system generator is not seedable, and the standard library's
/// `random(in:using:)` does not promise a fixed algorithm, so this type deliberately does not conform
/// to `RandomNumberGenerator`; every variate below is defined here, from plain IEEE 754 arithmetic
/// (`+ - * /` and `squareRoot()`, all correctly rounded) and `PortableMath.log`.
///
/// Each client draws from its own stream, `SplitMix64(seed:stream:)` with the client's index, so
/// clients can be generated in any order or in parallel and still give the same numbers.
public struct SplitMix64: Sendable, Equatable {
  /// The generator's whole state (the next output is a function of it alone, plus `spareNormal`).
  public private(set) var state: UInt64
  /// The second value of the last polar-method pair, handed out by the next `normal()`.
  var spareNormal: Double?

  /// A generator starting from a raw state.
  public init(state: UInt64) {
    self.state = state
  }

  /// The independent stream number `stream` of `seed`: the state is
  /// `mix(seed + gamma) xor mix(not(stream) * 0xD1B54A32D192ED03)`, so neighbouring seeds and
  /// neighbouring streams start far apart.
  public init(seed: UInt64, stream: UInt64) {
    self.state =
      SplitMix64.mix(seed &+ SplitMix64.gamma) ^ SplitMix64.mix(~stream &* 0xD1B5_4A32_D192_ED03)
  }

  static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// The SplitMix64 output function (a bijection of `UInt64`).
  @inline(__always)
  static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next 64 random bits.
  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= SplitMix64.gamma
    return SplitMix64.mix(state)
  }

  /// Uniform on [0, 1): the top 53 bits scaled by 2^-53, so every value is a multiple of 2^-53.
  @inline(__always)
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Uniform on [lower, upper).
  @inline(__always)
  public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
    lower + (upper - lower) * unit()
  }

  /// An integer in `range`, by Lemire's multiply-high map of 64 random bits onto the range's size
  /// (without his rejection step: the bias is below 2^-40 for the ranges used here).
  @inline(__always)
  public mutating func integer(_ range: ClosedRange<Int>) -> Int {
    let size = UInt64(range.upperBound - range.lowerBound) &+ 1
    return range.lowerBound + Int(next().multipliedFullWidth(by: size).high)
  }

  /// `true` with probability `probability`.
  @inline(__always)
  public mutating func chance(_ probability: Double) -> Bool {
    unit() < probability
  }

  /// A standard normal variate by Marsaglia's polar method (Marsaglia & Bray 1964): draw (u, v)
  /// uniform in the square [-1, 1)^2 until `0 < s = u^2 + v^2 < 1`, then `u * f` and `v * f` with
  /// `f = sqrt(-2 ln s / s)` are two independent N(0, 1) values; the second is kept for the next call.
  public mutating func normal() -> Double {
    if let spare = spareNormal {
      spareNormal = nil
      return spare
    }
    while true {
      let u = 2 * unit() - 1
      let v = 2 * unit() - 1
      let s = u * u + v * v
      if s > 0, s < 1 {
        let factor = (-2 * PortableMath.log(s) / s).squareRoot()
        spareNormal = v * factor
        return u * factor
      }
    }
  }
}
