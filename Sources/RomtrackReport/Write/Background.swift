import Dispatch

/// A value computed on another thread while the caller goes on with other work; `value` waits for it.
///
/// The report uses it for work its next step does not need at once: the inputs' SHA-256 for the
/// manifest (`InputHashes`) and the pages' content while the CSV files are written.
public final class Background<Value: Sendable>: @unchecked Sendable {
  private var result: Value?
  private let done = DispatchGroup()

  public init(qos: DispatchQoS.QoSClass = .userInitiated, _ work: @escaping @Sendable () -> Value) {
    done.enter()
    DispatchQueue.global(qos: qos).async {
      self.result = work()
      self.done.leave()
    }
  }

  /// The value, once computed (waits until then).
  public var value: Value {
    done.wait()
    return result!
  }
}
