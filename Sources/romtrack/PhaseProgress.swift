import Dispatch
import RomtrackCore

#if canImport(Glibc)
  import Glibc
#endif

/// Progress of a run's phases on stderr (reading, series, analysis, writing).
///
/// On a terminal: one line per phase, redrawn twice a second with what is done of how much and the
/// time left where the phase counts its work (`ProgressCounter`: the bytes of the input read), else
/// the time so far; the line stays when the phase ends, with its time. When stderr is not a
/// terminal (a cron job's log): one line per phase as it finishes, with its time, for long work
/// only (inputs of at least `longInput` bytes), so a small run's log holds what it always held.
final class PhaseProgress: @unchecked Sendable {
  /// Inputs from this size on are long work.
  static let longInput = 32 << 20

  private let enabled: Bool
  private let terminal = Console.isTerminal
  private let lock = NSLockLite()
  private var name = ""
  private var started = ContinuousClock.now
  private var counter: ProgressCounter?
  private var total = 0
  private var unit = ""
  private var divisor = 1.0
  private var timer: DispatchSourceTimer?

  /// The total size of `files`, for `init` (a file that cannot be read counts 0: the ingest says why).
  static func bytes(of files: [String]) -> Int {
    files.reduce(0) { total, path in
      var info = stat()
      return total + (stat(path, &info) == 0 ? Int(info.st_size) : 0)
    }
  }

  init(quiet: Bool, inputBytes: Int) {
    enabled = !quiet && (Console.isTerminal || inputBytes >= PhaseProgress.longInput)
  }

  /// The progress of a run reading `files`, started on its first phase, reading, which counts the
  /// megabytes parsed through `ingest.progress`.
  static func reading(_ files: [String], quiet: Bool, ingest: inout IngestOptions) -> PhaseProgress {
    let inputBytes = bytes(of: files)
    let progress = PhaseProgress(quiet: quiet, inputBytes: inputBytes)
    ingest.progress = ProgressCounter()
    progress.start(
      "reading \(files.count) file\(files.count == 1 ? "" : "s")", counter: ingest.progress,
      total: max(1, (inputBytes + (1 << 20) - 1) >> 20), unit: "MB", divisor: Double(1 << 20))
    return progress
  }

  /// Starts a phase; with `counter`, `total` is its whole in `unit`s (`divisor` counted units each).
  func start(_ name: String, counter: ProgressCounter? = nil, total: Int = 0, unit: String = "", divisor: Double = 1) {
    guard enabled else { return }
    finish()
    lock.run {
      (self.name, self.counter, self.total, self.unit, self.divisor) = (name, counter, total, unit, divisor)
      started = .now
    }
    guard terminal else { return }
    draw()
    let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
    timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
    timer.setEventHandler { [weak self] in self?.draw() }
    timer.resume()
    lock.run { self.timer = timer }
  }

  /// Ends the current phase, if any: its line with its time.
  func finish() {
    guard enabled else { return }
    let (name, seconds, timer) = lock.run { () -> (String, Double, DispatchSourceTimer?) in
      defer { self.name = ""; self.timer = nil }
      return (self.name, started.secondsSince, self.timer)
    }
    timer?.cancel()
    guard !name.isEmpty else { return }
    let line = String(format: "%@: done in %.1f s", name, seconds)
    write(terminal ? "\r\u{1B}[K" + line + "\n" : line + "\n")
  }

  /// The current phase's line, drawn over the last one.
  private func draw() {
    let line = lock.run { () -> String in
      let elapsed = started.secondsSince
      guard let counter, total > 0 else { return String(format: "… %@ (%.0f s)", name, elapsed) }
      let done = min(Double(counter.value) / divisor, Double(total))
      let share = done / Double(total)
      let left = share > 0.02 ? String(format: ", about %.0f s left", elapsed * (1 - share) / share) : ""
      return String(format: "… %@: %.0f of %d %@ (%.0f%%)%@", name, done, total, unit, share * 100, left)
    }
    write("\r\u{1B}[K" + line)
  }

  private func write(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
  }
}

/// A mutex for the few fields the timer and the run share.
final class NSLockLite: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }
  func run<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return body()
  }
}
