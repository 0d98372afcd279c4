import Synchronization

/// How much of a long phase is done, counted by the threads doing it and read by whoever shows
/// progress (`romtrack`'s progress line). Threads add whole blocks (4 MiB of a file), so the
/// counting costs nothing measurable.
public final class ProgressCounter: Sendable {
  private let done = Atomic<Int>(0)

  public init() {}

  public func add(_ amount: Int) { done.add(amount, ordering: .relaxed) }

  public var value: Int { done.load(ordering: .relaxed) }
}
