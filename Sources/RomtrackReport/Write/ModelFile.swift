import Foundation
import RomtrackCore

/// model.json: the expected-treatment-response model used for each outcome instrument (FORMATS.md),
/// keyed by instrument, with where it came from (fitted on this input, or a saved model's file); for an
/// instrument without one, `"source": "none"` and the diagnostics that say why (e.g.
/// `too_few_series_for_practice_model`) instead of `"fit"`.
/// The optimiser's run time is left out, so identical input gives a byte-identical file; the
/// manifest has the time of the whole stage.
public enum ModelFile {
  public static func json(_ models: [ExpectedResponseUse]) throws -> [UInt8] {
    var object: [String: Any] = [:]
    for model in models {
      if let fit = model.fit {
        object[model.instrument] = [
          "source": model.source,
          "fit": withoutRunTime(try JSONSerialization.jsonObject(with: try fit.json())),
        ]
      } else {
        object[model.instrument] = [
          "source": model.source,
          "diagnostics": model.diagnostics.map { ["code": $0.code.rawValue, "level": $0.level.rawValue, "detail": $0.detail] },
        ]
      }
    }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return Array(data) + [0x0A]
  }

  /// The object with every `seconds` member removed, at any depth.
  static func withoutRunTime(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      return object.filter { $0.key != "seconds" }.mapValues(withoutRunTime)
    }
    if let array = value as? [Any] { return array.map(withoutRunTime) }
    return value
  }
}
