import Foundation
import RomtrackCore

/// model.json: the expected-treatment-response model used for each outcome instrument
/// (docs/data-dictionary.md), keyed by instrument, with where it came from (fitted on this input, or a
/// saved model's file); for an instrument without one, `"source": "none"` and the diagnostics that say
/// why (e.g. `too_few_series_for_practice_model`) instead of `"fit"`. What depends on the machine rather
/// than the data is left out: the optimiser's run time (the manifest has the time of the whole stage)
/// and its effort (`evaluations`, `nelder_mead_evaluations`, `nelder_mead_runs`, `newton_steps`, and the
/// `scaled_gradient` left at the optimum, which `romtrack model --json` prints).
///
/// Every non-integer number is written to `significantDigits` (6) significant digits. OpenBLAS picks its
/// kernels for the CPU at run time, and kernels of different vector widths add in different orders, so
/// one fit's numbers differ between hosts: the fixed effects by parts in 10^9 (0.5053073294692038
/// against 0.5053073312813502), the random-effects covariance of a singular fit by up to 5e-7 relative.
/// At 6 digits such a difference moves a number by at most one unit in the last place, which is what
/// ExampleReportTests allows. 6 digits are as fine as lme4's own default fit is accurate (it stops about
/// 1e-5 relative short of the optimum on sleepstudy; GrowthModelTests) and finer than its printout.
public enum ModelFile {
  /// Significant digits of every non-integer number in the file.
  public static let significantDigits = 6

  /// Members that describe the run on this machine, not the model: left out at any depth.
  static let machineDependent: Set<String> = [
    "seconds", "evaluations", "nelder_mead_evaluations", "nelder_mead_runs", "newton_steps",
    // The gradient left at the optimum (about 1e-8): rounding noise whose every digit moves with the
    // CPU's BLAS kernels (4.7e-8 here, 3.2e-8 with OpenBLAS's Nehalem kernels); `romtrack model --json`
    // prints it.
    "scaled_gradient",
  ]

  public static func json(_ models: [ExpectedResponseUse]) throws -> [UInt8] {
    var object: [String: Any] = [:]
    for model in models {
      if let fit = model.fit {
        object[model.instrument] = [
          "source": model.source,
          "fit": rounded(withoutMachineDependentMembers(try JSONSerialization.jsonObject(with: try fit.json()))),
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

  /// The object with every `machineDependent` member removed, at any depth.
  static func withoutMachineDependentMembers(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
      return object.filter { !machineDependent.contains($0.key) }.mapValues(withoutMachineDependentMembers)
    }
    if let array = value as? [Any] { return array.map(withoutMachineDependentMembers) }
    return value
  }

  /// The object with every non-integer number rounded to `significantDigits` significant digits (as
  /// `%.7e` prints it), at any depth; integers, texts and booleans unchanged.
  static func rounded(_ value: Any) -> Any {
    if let object = value as? [String: Any] { return object.mapValues(rounded) }
    if let array = value as? [Any] { return array.map(rounded) }
    if let number = value as? NSNumber, !(value is Bool), String(cString: number.objCType) == "d" {
      return roundedToSignificantDigits(number.doubleValue)
    }
    return value
  }

  /// `x` rounded to `significantDigits` significant digits; non-finite values and 0 unchanged.
  public static func roundedToSignificantDigits(_ x: Double) -> Double {
    guard x.isFinite, x != 0 else { return x }
    return Double(String(format: "%.\(significantDigits - 1)e", x)) ?? x
  }
}
