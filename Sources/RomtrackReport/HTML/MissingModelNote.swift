import RomtrackCore

/// The sentence on the practice and clinician pages that says which outcome instruments have no
/// expected-treatment-response signal, and why (METHODS.md section 5): too few series for the
/// practice's own model (`too_few_series_for_practice_model`), or a fit that failed. Nothing when every
/// outcome instrument has a model.
enum MissingModelNote {
  /// The sentence; `nil` when there is nothing to say.
  static func text(_ c: ReportContent) -> String? {
    guard !c.withoutModel.isEmpty else { return nil }
    let tooFew = c.withoutModel.filter { $0.diagnostics.contains { $0.code == .tooFewSeriesForPracticeModel } }
    let failed = c.withoutModel.filter { !$0.diagnostics.contains { $0.code == .tooFewSeriesForPracticeModel } }
    var sentences: [String] = []
    if !tooFew.isEmpty {
      sentences.append(
        "No expected-response signals for \(names(tooFew)): fewer than \(c.parameters.etrMinimumSeries) series with at least 3 scores, too few for this practice's own expected course to tell who is off track.")
    }
    if !failed.isEmpty {
      sentences.append("No expected-response signals for \(names(failed)): the model could not be fitted on these data (model.json says why).")
    }
    sentences.append("A model saved with `romtrack model --save` from a larger practice's data can be given with --etr-model.")
    return sentences.joined(separator: " ")
  }

  static func write(_ w: inout HTMLWriter, _ c: ReportContent) {
    guard let text = text(c) else { return }
    w.raw("<p class=\"note\">")
    w.text(text)
    w.raw("</p>")
  }

  private static func names(_ uses: [ExpectedResponseUse]) -> String {
    let names = uses.map(\.instrument)
    return names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
  }
}
