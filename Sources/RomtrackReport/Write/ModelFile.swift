import Foundation
import RomtrackCore

/// model.json: the expected-treatment-response model used for each outcome instrument (FORMATS.md),
/// keyed by instrument, with where it came from (fitted on this input, or a saved model's file).
public enum ModelFile {
  public static func json(_ models: [ExpectedResponseUse]) throws -> [UInt8] {
    var object: [String: Any] = [:]
    for model in models {
      object[model.instrument] = [
        "source": model.source,
        "fit": try JSONSerialization.jsonObject(with: try model.fit.json()),
      ]
    }
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    return Array(data) + [0x0A]
  }
}
