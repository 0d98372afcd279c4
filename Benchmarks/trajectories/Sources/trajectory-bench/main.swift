// trajectory-bench: times the two routes to per-series OLS trajectories (METHODS.md section 3) on
// series that share one design, and prints one Markdown table row per route.
//
//   trajectory-bench --series 1000000 --route sufficient|blas|check [--repeat 5] [--scores 10] [--seed 7]
//
// - `sufficient`: `TrajectoryRule.fit(session:date:score:series:)`, the code the tool runs
//   (`fit(_ table:)` calls it): one pass per series filling the sufficient statistics of the linear and
//   the log-linear fit.
// - `blas`: one `cblas_dgemm` of the N x k score matrix against a k x 7 matrix holding both designs'
//   pseudo-inverses and the orthonormal basis of their column spaces (coefficients and the fitted sums
//   of squares), one pass for `y'y`, then the same `LineFit` construction. Before that, a pass checks
//   that every series has the shared design (sessions 1...k, no missing score), as the tool would have to.
// - `check`: runs both once and prints the largest differences between their results.
//
// Each timed run produces the full `[TrajectoryFit]` (linear and log-linear line, SE, 95% CI,
// diagnostics) for all series. OpenBLAS runs on one thread. The process's peak RSS (`ru_maxrss`) is
// reported with the RSS of the input data alone, so that a route's own memory can be told apart.

import Foundation
import RomtrackCore
import _OpenBLAS

// MARK: - Arguments

struct Options {
  var series = 100_000
  var scores = 10
  var route = "sufficient"
  var repeats = 5
  var seed: UInt64 = 7
}

var options = Options()
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
  guard let value = arguments.popFirst() else { fatalError("\(flag) needs a value") }
  switch flag {
  case "--series": options.series = Int(value)!
  case "--scores": options.scores = Int(value)!
  case "--route": options.route = value
  case "--repeat": options.repeats = Int(value)!
  case "--seed": options.seed = UInt64(value)!
  default: fatalError("unknown option \(flag)")
  }
}

// MARK: - Measuring

/// Peak resident set size of this process so far, in MiB (Linux reports `ru_maxrss` in KiB).
func peakRSS() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

/// Current resident set size in MiB, from /proc/self/statm (pages).
func currentRSS() -> Double {
  guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
  let fields = text.split(separator: " ")
  return Double(fields[1])! * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

func seconds(_ body: () -> Void) -> Double {
  var start = timespec()
  var end = timespec()
  clock_gettime(CLOCK_MONOTONIC, &start)
  body()
  clock_gettime(CLOCK_MONOTONIC, &end)
  return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
}

// MARK: - The shared design

/// The k x 7 right-hand matrix (row-major): for the linear design `[1, t]` and the log design `[1, ln t]`,
/// the two rows of the pseudo-inverse `(D'D)⁻¹D'` (intercept, slope), and the centred regressor scaled to
/// unit length, `(x - x̄) / sqrt(Sxx)`; plus the shared unit vector `1 / sqrt(k)`. For a score row `y`,
/// `y'y - (y'q₀)² - (y'q₁)²` is the residual sum of squares of the fit.
struct SharedDesign {
  var matrix: [Double]
  var linearSxx: Double
  var logSxx: Double

  init(k: Int) {
    let kd = Double(k)
    let t = (1...k).map(Double.init)
    let logT = t.map { log($0) }
    func columns(_ x: [Double]) -> (intercept: [Double], slope: [Double], unit: [Double], sxx: Double) {
      let mean = x.reduce(0, +) / kd
      let sxx = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
      let slope = x.map { ($0 - mean) / sxx }
      let intercept = slope.map { 1 / kd - mean * $0 }
      let unit = x.map { ($0 - mean) / sxx.squareRoot() }
      return (intercept, slope, unit, sxx)
    }
    let linear = columns(t)
    let logarithmic = columns(logT)
    let mean = [Double](repeating: 1 / kd.squareRoot(), count: k)
    let all = [
      linear.intercept, linear.slope, linear.unit, logarithmic.intercept, logarithmic.slope, logarithmic.unit, mean,
    ]
    matrix = [Double](repeating: 0, count: k * all.count)
    for row in 0..<k {
      for (column, values) in all.enumerated() { matrix[row * all.count + column] = values[row] }
    }
    linearSxx = linear.sxx
    logSxx = logarithmic.sxx
  }
}

// MARK: - Data: PHQ-9-like series, sessions 1...k, whole-point scores

/// The series, flat as in `SeriesTable`: series `i` is `i * k ..< (i + 1) * k`.
struct Workload {
  let n: Int
  let k: Int
  var session: [Int32]
  var date: [Int32]
  var score: [Double]
  let rule = TrajectoryRule()
  let design: SharedDesign

  /// Intake uniform on 10-27, a log-linear gain of -1 to 5 points per unit of ln t, triangular noise of
  /// ±4 points, rounded and clamped to 0-27.
  init(series n: Int, scores k: Int, seed: UInt64) {
    self.n = n
    self.k = k
    session = [Int32](repeating: 0, count: n * k)
    date = [Int32](repeating: ScoreRows.noDate, count: n * k)
    score = [Double](repeating: 0, count: n * k)
    design = SharedDesign(k: k)
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func uniform() -> Double {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Double(state >> 11) / Double(1 << 53)
    }
    for i in 0..<n {
      let intake = 10 + 17 * uniform()
      let gain = 6 * uniform() - 1
      for j in 0..<k {
        let t = Double(j + 1)
        let noise = 4 * (uniform() + uniform() - 1)
        session[i * k + j] = Int32(j + 1)
        score[i * k + j] = min(27, max(0, (intake - gain * log(t) + noise).rounded()))
      }
    }
  }

  // MARK: Route 1: sufficient statistics (the tool's code)

  func sufficientRoute() -> [TrajectoryFit] {
    rule.fit(session: session, date: date, score: score, series: (0..<n).lazy.map { ($0 * k)..<($0 * k + k) })
  }

  // MARK: Route 2: one dgemm against the shared pseudo-inverse

  func blasRoute() -> [TrajectoryFit] {
    // 1. Which series have the shared design (sessions 1...k, every score present)?
    var shared = [Bool](repeating: true, count: n)
    session.withUnsafeBufferPointer { s in
      for i in 0..<n {
        for j in 0..<k where s[i * k + j] != Int32(j + 1) {
          shared[i] = false
          break
        }
      }
    }
    // 2. C (n x 7) = Y (n x k) · M (k x 7).
    let width = 7
    var products = [Double](repeating: 0, count: n * width)
    score.withUnsafeBufferPointer { y in
      design.matrix.withUnsafeBufferPointer { m in
        products.withUnsafeMutableBufferPointer { c in
          cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(width), Int32(k), 1, y.baseAddress, Int32(k),
            m.baseAddress, Int32(width), 0, c.baseAddress, Int32(width))
        }
      }
    }
    // 3. y'y per series, then the fits; series off the shared design go the sufficient-statistics way.
    var fits: [TrajectoryFit] = []
    fits.reserveCapacity(n)
    let values = rule.criticalValues
    score.withUnsafeBufferPointer { y in
      products.withUnsafeBufferPointer { c in
        for i in 0..<n {
          var yy = 0.0
          for j in 0..<k { yy += y[i * k + j] * y[i * k + j] }
          guard shared[i], !yy.isNaN else {
            let r = (i * k)..<(i * k + k)
            fits.append(rule.fit(session: session[r], date: date[r], score: score[r]))
            continue
          }
          let row = i * width
          let meanPart = c[row + 6] * c[row + 6]
          let linear = LineFit(
            count: k, intercept: c[row], slope: c[row + 1],
            residualSumOfSquares: yy - meanPart - c[row + 2] * c[row + 2], timeSumOfSquares: design.linearSxx,
            criticalValues: values)
          let logarithmic = LineFit(
            count: k, intercept: c[row + 3], slope: c[row + 4],
            residualSumOfSquares: yy - meanPart - c[row + 5] * c[row + 5], timeSumOfSquares: design.logSxx,
            criticalValues: values)
          fits.append(
            TrajectoryFit(time: .session, scoreCount: k, linear: linear, logLinear: logarithmic, diagnostics: []))
        }
      }
    }
    return fits
  }
}

// MARK: - Running

openblas_set_num_threads(1)

/// Something of every result, so that no run can be optimised away.
func checksum(_ fits: [TrajectoryFit]) -> Double {
  fits.reduce(0) { $0 + ($1.linear?.slope ?? 0) + ($1.logLinear?.standardError ?? 0) }
}

let workload = Workload(series: options.series, scores: options.scores, seed: options.seed)
let dataRSS = currentRSS()
let n = workload.n
let k = workload.k

switch options.route {
case "sufficient", "blas":
  let route = options.route == "blas" ? workload.blasRoute : workload.sufficientRoute
  var sink = checksum(route())  // warm-up
  var times: [Double] = []
  for _ in 0..<options.repeats {
    var fits: [TrajectoryFit] = []
    times.append(seconds { fits = route() })
    sink += checksum(fits)
  }
  times.sort()
  let median = times[times.count / 2]
  let name = options.route == "blas" ? "BLAS dgemm" : "sufficient statistics"
  let row = [
    name, String(n), String(k), String(format: "%.4f", median), String(format: "%.4f", times.first!),
    String(format: "%.2f", Double(n) / median / 1e6), String(format: "%.0f", dataRSS),
    String(format: "%.0f", peakRSS()),
  ]
  print("| " + row.joined(separator: " | ") + " |")
  FileHandle.standardError.write("checksum \(sink)\n".data(using: .utf8)!)
case "check":
  let a = workload.sufficientRoute()
  let b = workload.blasRoute()
  var worst = [Double](repeating: 0, count: 6)
  for (x, y) in zip(a, b) {
    let pairs: [(Double?, Double?)] = [
      (x.linear?.slope, y.linear?.slope), (x.linear?.intercept, y.linear?.intercept),
      (x.linear?.standardError, y.linear?.standardError), (x.logLinear?.slope, y.logLinear?.slope),
      (x.logLinear?.intercept, y.logLinear?.intercept), (x.logLinear?.standardError, y.logLinear?.standardError),
    ]
    for (index, (p, q)) in pairs.enumerated() {
      worst[index] = max(worst[index], abs((p ?? .nan) - (q ?? .nan)))
    }
  }
  let names = ["slope", "intercept", "SE", "log slope", "log intercept", "log SE"]
  print("largest absolute difference between the routes over \(n) series:")
  for (name, value) in zip(names, worst) { print("  \(name): \(value)") }
default:
  fatalError("unknown route \(options.route)")
}
