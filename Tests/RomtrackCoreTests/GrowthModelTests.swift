import Foundation
import Testing

@testable import RomtrackCore

// Reference values: lme4 1.1.31 (Matrix 1.5.3) under R 4.2.2, Debian 12's r-base-core and r-cran-lme4,
// printed by this script (its output is quoted in the constants below, digits as printed):
//
//   library(lme4)
//   tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10, maxfun = 1e5))
//   show <- function(label, m) {
//     cat("==", label, "\n")
//     cat(sprintf("theta %.10f %.10f %.10f\n", getME(m, "theta")[1], getME(m, "theta")[2], getME(m, "theta")[3]))
//     cat("beta", sprintf("%.10f", fixef(m)), "\n")
//     cat("se", sprintf("%.10f", sqrt(diag(as.matrix(vcov(m))))), "\n")
//     vc <- as.data.frame(VarCorr(m))
//     cat("sd_intercept", sprintf("%.10f", vc$sdcor[1]), "sd_slope", sprintf("%.10f", vc$sdcor[2]),
//         "corr", sprintf("%.10f", vc$sdcor[3]), "sigma", sprintf("%.10f", sigma(m)), "\n")
//     if (isREML(m)) cat("REMLcrit", sprintf("%.8f", REMLcrit(m)), "\n") else
//       cat("logLik", sprintf("%.8f", logLik(m)), "deviance", sprintf("%.8f", deviance(m)),
//           "AIC", sprintf("%.6f", AIC(m)), "BIC", sprintf("%.6f", BIC(m)), "\n")
//     cat("nobs", nobs(m), "ngroups", ngrps(m), "singular", isSingular(m), "\n")
//     re <- ranef(m, condVar = TRUE)[[1]]
//     pv <- attr(re, "postVar")
//     for (k in c(1, 2, 3, nrow(re))) cat("ranef", rownames(re)[k], sprintf("%.10f", re[k, 1]),
//       sprintf("%.10f", re[k, 2]), "condsd", sprintf("%.10f", sqrt(pv[1, 1, k])), sprintf("%.10f", sqrt(pv[2, 2, k])), "\n")
//   }
//   sleep <- read.csv("shared/data/reference/lme4_sleepstudy.csv"); sleep$Subject <- factor(sleep$Subject)
//   show("sleepstudy REML default", lmer(Reaction ~ Days + (Days | Subject), sleep))
//   show("sleepstudy REML tight", lmer(Reaction ~ Days + (Days | Subject), sleep, control = tight))
//   show("sleepstudy ML tight", lmer(Reaction ~ Days + (Days | Subject), sleep, REML = FALSE, control = tight))
//   # romtrack generate --clients 500 --seed 3 --out /tmp/gen: PHQ9 series (client x episode), non-missing
//   # scores, series with at least 3 of them; intake = the series' first score.
//   d <- read.csv("/tmp/gen/outcomes.csv", na.strings = c("NA", ""))
//   d <- d[d$instrument == "PHQ9" & !is.na(d$score), ]
//   d$g <- factor(paste(d$client_id, d$episode_id, sep = "/"))
//   d <- d[order(d$g, d$session), ]
//   d <- d[d$g %in% names(which(table(d$g) >= 3)), ]; d$g <- droplevels(d$g)
//   d$intake <- ave(d$score, d$g, FUN = function(x) x[1])
//   d$ls <- log(d$session)
//   day <- as.numeric(as.Date(d$date)); d$weeks <- (day - ave(day, d$g, FUN = function(x) x[1])) / 7
//   show("generated REML session", lmer(score ~ session + (session | g), d, control = tight))
//   show("generated ML session", lmer(score ~ session + (session | g), d, REML = FALSE, control = tight))
//   show("generated REML ETR", lmer(score ~ ls * intake + (ls | g), d, control = tight))
//   show("generated ML ETR", lmer(score ~ ls * intake + (ls | g), d, REML = FALSE, control = tight))
//   show("generated REML weeks", lmer(score ~ weeks + (weeks | g), d, control = tight))
//   # The expected-treatment-response model as respecified (METHODS.md section 5): the scores after the
//   # intake (every row of a series but its first) are the response, the intake a covariate.
//   post <- d[ave(d$session, d$g, FUN = seq_along) >= 2, ]
//   show("generated REML ETR post-intake", lmer(score ~ ls * intake + (ls | g), post, control = tight))
//   show("generated ML ETR post-intake", lmer(score ~ ls * intake + (ls | g), post, REML = FALSE, control = tight))
//   # The bundled sample (data/sample/outcomes.csv), PHQ9, made as d above: the figures of issue 19.
//   show("sample PHQ9 REML ETR post-intake", lmer(score ~ ls * intake + (ls | g), sample_post, control = tight))
//   show("sample PHQ9 REML ETR post-intake, default control", lmer(score ~ ls * intake + (ls | g), sample_post))
//
// lme4's default optimiser stops about 1e-5 (relative) short of the optimum on sleepstudy (its printed
// intercept SD 24.74066 against 24.74045 at the optimum, where lme4's own deviance function is lower by
// 1.5e-9); `tight` lets lme4 reach the optimum, and romtrack is held to those values to 1e-6, and to
// lme4's default printout (the figures of METHODS.md) to 1e-5.

/// One lme4 fit as the script above prints it.
struct LME4Fit {
  var theta: [Double]
  var beta: [Double]
  var se: [Double]
  var sdIntercept: Double
  var sdSlope: Double
  var correlation: Double
  var sigma: Double
  /// REML criterion, or ML deviance.
  var criterion: Double
  var aic: Double? = nil
  var bic: Double? = nil
  var observations: Int
  var groups: Int
  var singular: Bool
  /// (group label, ranef intercept, ranef slope, cond. SD intercept, cond. SD slope)
  var ranef: [(String, Double, Double, Double, Double)]
}

enum LME4Reference {
  static let sleepstudyDefault = LME4Fit(
    theta: [0.9667417740, 0.0151690589, 0.2309099532], beta: [251.4051048485, 10.4672859596],
    se: [6.8245966950, 1.5457896439], sdIntercept: 24.7406579950, sdSlope: 5.9221376589, correlation: 0.0655512382,
    sigma: 25.5917957217, criterion: 1743.62827196, observations: 180, groups: 18, singular: false,
    ranef: [
      ("308", 2.2585509499, 9.1989757656, 12.0708569505, 2.3048390209),
      ("309", -40.3987380788, -8.6196806152, 12.0708569505, 2.3048390209),
      ("310", -38.9604089576, -5.4488564698, 12.0708569505, 2.3048390209),
      ("372", 12.3145921077, 1.2840220765, 12.0708569505, 2.3048390209),
    ])
  static let sleepstudyREML = LME4Fit(
    theta: [0.9667327915, 0.0151690599, 0.2309095981], beta: [251.4051048485, 10.4672859596],
    se: [6.8245557763, 1.5457889324], sdIntercept: 24.7404476167, sdSlope: 5.9221332596, correlation: 0.0655513429,
    sigma: 25.5918158926, criterion: 1743.62827196, observations: 180, groups: 18, singular: false,
    ranef: [
      ("308", 2.2585655006, 9.1989719042, 12.0708365074, 2.3048369781),
      ("309", -40.3985769249, -8.6197031830, 12.0708365074, 2.3048369781),
      ("310", -38.9602458007, -5.4488799172, 12.0708365074, 2.3048369781),
      ("372", 12.3145393527, 1.2840297453, 12.0708365074, 2.3048369781),
    ])
  static let sleepstudyML = LME4Fit(
    theta: [0.9292253876, 0.0181656841, 0.2226454241], beta: [251.4051048485, 10.4672859596],
    se: [6.6322764212, 1.5022367926], sdIntercept: 23.7805649858, sdSlope: 5.7168345799, correlation: 0.0813199746,
    sigma: 25.5918158320, criterion: 1751.93934446, aic: 1763.939344, bic: 1783.097086, observations: 180,
    groups: 18, singular: false,
    ranef: [
      ("308", 2.8156822223, 9.0755341203, 11.8729537437, 2.2710744910),
      ("309", -40.0484852840, -8.6440677419, 11.8729537437, 2.2710744910),
      ("310", -38.4331514560, -5.5133791481, 11.8729537437, 2.2710744910),
      ("372", 12.1189425599, 1.3106909456, 11.8729537437, 2.2710744910),
    ])
  static let generatedSessionREML = LME4Fit(
    theta: [1.9961227253, -0.1443847580, 0.2846376245], beta: [15.0179205021, -0.7577351707],
    se: [0.3350741707, 0.0578062994], sdIntercept: 4.8701752434, sdSlope: 0.7787014551, correlation: -0.4523844964,
    sigma: 2.4398175431, criterion: 10478.56419113, observations: 2005, groups: 245, singular: false,
    ranef: [
      ("C000002/E1", -4.3073487947, -0.1366572147, 1.8836805945, 0.4656639730),
      ("C000003/E1", -4.4153863777, -0.0805143483, 1.4578769830, 0.2107766567),
      ("C000006/E1", 5.3759673394, -0.6284303967, 1.9841796552, 0.7039266677),
      ("C000500/E1", 0.4620461063, -0.5144786140, 1.4895356213, 0.2200797946),
    ])
  static let generatedSessionML = LME4Fit(
    theta: [1.9912430790, -0.1438111184, 0.2838571809], beta: [15.0173040874, -0.7575199252],
    se: [0.3343645039, 0.0576681898], sdIntercept: 4.8583820990, sdSlope: 0.7763881956, correlation: -0.4519401534,
    sigma: 2.4398739412, criterion: 10474.03152707, aic: 10486.031527, bic: 10519.651923, observations: 2005,
    groups: 245, singular: false,
    ranef: [
      ("C000002/E1", -4.3062463030, -0.1367176010, 1.8820772905, 0.4651658207),
      ("C000003/E1", -4.4135209525, -0.0808433318, 1.4575024376, 0.2107222047),
      ("C000006/E1", 5.3686845545, -0.6256063115, 1.9814878412, 0.7022135810),
      ("C000500/E1", 0.4613972299, -0.5144622041, 1.4891243409, 0.2200181006),
    ])
  /// lme4 stops at θ₃ = 2.2e-4 and calls the fit not singular; its own deviance function is lower at
  /// θ₃ = 0 (9942.4114666697 against 9942.4114666705), where romtrack ends: a boundary fit with the
  /// random intercept and slope perfectly correlated.
  static let generatedETRREML = LME4Fit(
    theta: [0.0480884858, -0.9746156832, 0.0002218663],
    beta: [-0.2760999404, 0.7292314201, 1.0181318281, -0.2283286279],
    se: [0.4406382547, 0.6249245663, 0.0273825250, 0.0390038723], sdIntercept: 0.1172540467, sdSlope: 2.3764032902,
    correlation: -0.9999999741, sigma: 2.4382977512, criterion: 9942.41146667, observations: 2005, groups: 245,
    singular: false,
    ranef: [
      ("C000002/E1", 0.0119096258, -0.2413739674, 0.0383761415, 0.7777741609),
      ("C000003/E1", 0.0703799995, -1.4264008011, 0.0208895881, 0.4233716961),
      ("C000006/E1", 0.1132687335, -2.2956324886, 0.0750364171, 1.5207729372),
      ("C000500/E1", 0.0991359885, -2.0092022528, 0.0210219183, 0.4260536521),
    ])
  static let generatedETRML = LME4Fit(
    theta: [0.0478524568, -0.9707958015, 0.0000701874],
    beta: [-0.2759063335, 0.7289376593, 1.0181148419, -0.2283045004],
    se: [0.4403596902, 0.6227865347, 0.0273651891, 0.0388701936], sdIntercept: 0.1166122120, sdSlope: 2.3657436547,
    correlation: -0.9999999974, sigma: 2.4369117015, criterion: 9927.87510684, aic: 9943.875107, bic: 9988.702302,
    observations: 2005, groups: 245, singular: true,
    ranef: [
      ("C000002/E1", 0.0118849601, -0.2411134180, 0.0382988737, 0.7769796477),
      ("C000003/E1", 0.0702886811, -1.4259655891, 0.0208538379, 0.4230674444),
      ("C000006/E1", 0.1127936633, -2.2882757264, 0.0747963042, 1.5174129553),
      ("C000500/E1", 0.0990115772, -2.0086747948, 0.0209859045, 0.4257467152),
    ])
  /// The expected-treatment-response model as respecified: the scores after the intake. Not singular.
  static let generatedETRAfterIntakeREML = LME4Fit(
    theta: [1.5888661282, -1.0258251837, 0.9800792274],
    beta: [-0.8163987720, 1.0504663443, 1.0594515214, -0.2542108239],
    se: [1.1303897567, 0.9267737964, 0.0703003135, 0.0577855913], sdIntercept: 3.7451875273, sdSlope: 3.3442166564,
    correlation: -0.7230448093, sigma: 2.3571447970, criterion: 8917.47739220, observations: 1760, groups: 245,
    singular: false,
    ranef: [
      ("C000002/E1", 1.2798283465, -1.0913006783, 2.6375070801, 1.9699378557),
      ("C000003/E1", 2.1773915671, -2.5258389919, 2.0953872002, 1.1678272357),
      ("C000006/E1", -2.6556754051, 0.0031503195, 3.0302562321, 3.0861661605),
      ("C000500/E1", 2.9900697256, -3.5094795817, 2.1171964492, 1.1872379326),
    ])
  static let generatedETRAfterIntakeML = LME4Fit(
    theta: [1.5775387318, -1.0184442648, 0.9756313522],
    beta: [-0.8164970122, 1.0505283795, 1.0594074667, -0.2541787854],
    se: [1.1256378903, 0.9228049765, 0.0700030698, 0.0575369637], sdIntercept: 3.7184426335, sdSlope: 3.3243577491,
    correlation: -0.7221219858, sigma: 2.3571165377, criterion: 8906.73984253, aic: 8922.739843, bic: 8966.524395,
    observations: 1760, groups: 245, singular: false,
    ranef: [
      ("C000002/E1", 1.2708219408, -1.0848095195, 2.6280563464, 1.9636038094),
      ("C000003/E1", 2.1689764518, -2.5212220292, 2.0905442812, 1.1654862992),
      ("C000006/E1", -2.6374404102, -0.0071616205, 3.0144183600, 3.0699000974),
      ("C000500/E1", 2.9782596894, -3.5029475842, 2.1122089328, 1.1848032586),
    ])
  /// The bundled sample's PHQ-9 (tight control; lme4's default control agrees to 6 digits: intercept SD
  /// 3.2136869507, slope SD 3.4010772936, correlation -0.6844896353, REML criterion 6613.78185944).
  static let sampleETRAfterIntakeREML = LME4Fit(
    theta: [1.4173935472, -1.0267650144, 1.0935660010],
    beta: [-3.6118784553, 2.8091032660, 1.2362953058, -0.3465316670],
    se: [1.1758826591, 1.0656259010, 0.0719846680, 0.0650480550], sdIntercept: 3.2136860364, sdSlope: 3.4010818861,
    correlation: -0.6844897804, sigma: 2.2673209165, criterion: 6613.78185944, observations: 1323, groups: 183,
    singular: false,
    ranef: [
      ("C000002/E1", -1.1291981352, -2.4329658336, 2.1712259964, 1.4276553925),
      ("C000003/E1", 1.3601285149, 1.1243128143, 2.3924347516, 1.8210767135),
      ("C000004/E1", -1.5833976777, 1.8782067376, 1.8876876925, 1.0259340241),
      ("C000300/E1", -1.8174545479, -0.6332783539, 2.3924347516, 1.8210767135),
    ])
  static let generatedWeeksREML = LME4Fit(
    theta: [1.8349992837, -0.0669245284, 0.2204872106], beta: [14.1879982566, -0.5330570679],
    se: [0.3071360791, 0.0423874642], sdIntercept: 4.5404879979, sdSlope: 0.5701476271, correlation: -0.2904454859,
    sigma: 2.4743813462, criterion: 10540.27482620, observations: 2005, groups: 245, singular: false,
    ranef: [
      ("C000002/E1", -4.0617536120, -0.1631992153, 1.5717970543, 0.3407454702),
      ("C000003/E1", -4.1950151489, -0.0749113127, 1.3516450061, 0.1562868971),
      ("C000006/E1", 4.3759696662, -0.4031886518, 1.4855541865, 0.5356441956),
      ("C000500/E1", -0.1155548823, -0.4898982746, 1.2941230700, 0.1783793597),
    ])
}

/// `|a - b| <= tolerance * max(|b|, floor)`.
fileprivate func isClose(_ a: Double, _ b: Double, relative tolerance: Double, floor: Double = 1e-300) -> Bool {
  abs(a - b) <= tolerance * max(abs(b), floor)
}

/// Compares a fit with lme4's: estimates, SEs, SDs and σ to `relative`, the criterion to `criterion`
/// absolute, conditional modes and SDs of the listed groups to `modes` absolute.
fileprivate func expectAgreement(
  _ fit: GrowthModelFit, _ reference: LME4Fit, relative: Double, criterion: Double, modes: Double,
  label: (Int) -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(fit.observations == reference.observations, sourceLocation: sourceLocation)
  #expect(fit.groups == reference.groups, sourceLocation: sourceLocation)
  for (j, f) in fit.fixedEffects.enumerated() {
    #expect(
      isClose(f.estimate, reference.beta[j], relative: relative), "β\(j) \(f.estimate) vs \(reference.beta[j])",
      sourceLocation: sourceLocation)
    #expect(
      isClose(f.standardError, reference.se[j], relative: relative), "SE\(j) \(f.standardError) vs \(reference.se[j])",
      sourceLocation: sourceLocation)
  }
  let re = fit.randomEffects
  #expect(
    isClose(re.interceptSD, reference.sdIntercept, relative: relative),
    "SD intercept \(re.interceptSD) vs \(reference.sdIntercept)", sourceLocation: sourceLocation)
  #expect(
    isClose(re.slopeSD, reference.sdSlope, relative: relative), "SD slope \(re.slopeSD) vs \(reference.sdSlope)",
    sourceLocation: sourceLocation)
  #expect(
    abs((re.correlation ?? .nan) - reference.correlation) <= relative,
    "correlation \(String(describing: re.correlation)) vs \(reference.correlation)", sourceLocation: sourceLocation)
  #expect(
    isClose(fit.residualSD, reference.sigma, relative: relative), "σ \(fit.residualSD) vs \(reference.sigma)",
    sourceLocation: sourceLocation)
  #expect(
    abs(fit.criterion - reference.criterion) <= criterion, "criterion \(fit.criterion) vs \(reference.criterion)",
    sourceLocation: sourceLocation)
  if let aic = reference.aic, let bic = reference.bic {
    #expect(abs(fit.aic! - aic) <= criterion && abs(fit.bic! - bic) <= criterion, sourceLocation: sourceLocation)
    #expect(abs(fit.logLikelihood + reference.criterion / 2) <= criterion, sourceLocation: sourceLocation)
  }
  let modesByLabel = Dictionary(uniqueKeysWithValues: (0..<fit.conditionalModes.count).map { (label($0), $0) })
  for (name, intercept, slope, sdIntercept, sdSlope) in reference.ranef {
    guard let g = modesByLabel[name] else {
      Issue.record("group \(name) missing", sourceLocation: sourceLocation)
      continue
    }
    let m = fit.conditionalModes
    #expect(
      abs(m.intercept[g] - intercept) <= modes, "ranef intercept \(name): \(m.intercept[g]) vs \(intercept)",
      sourceLocation: sourceLocation)
    #expect(
      abs(m.slope[g] - slope) <= modes, "ranef slope \(name): \(m.slope[g]) vs \(slope)", sourceLocation: sourceLocation
    )
    #expect(abs(m.interceptSD[g] - sdIntercept) <= modes, "cond. SD intercept \(name)", sourceLocation: sourceLocation)
    #expect(abs(m.slopeSD[g] - sdSlope) <= modes, "cond. SD slope \(name)", sourceLocation: sourceLocation)
  }
}

// MARK: - lme4's sleepstudy

@Suite struct GrowthModelSleepstudyTests {
  /// `../shared/data/reference/lme4_sleepstudy.csv` beside the repository.
  static let path: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "shared/data/reference/lme4_sleepstudy.csv"
    )
    .path
  static let available = FileManager.default.fileExists(atPath: path)

  /// Reaction, Days, Subject as group, time and score columns.
  static func data(_ spec: GrowthModelSpec) throws -> GrowthModelData {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var group: [Int] = []
    var days: [Double] = []
    var reaction: [Double] = []
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
      let fields = line.split(separator: ",").map { $0.replacingOccurrences(of: "\"", with: "") }
      reaction.append(Double(fields[0])!)
      days.append(Double(fields[1])!)
      group.append(Int(fields[2])!)
    }
    return GrowthModelData(group: group, time: days, score: reaction, spec: spec)
  }

  static func fit(_ spec: GrowthModelSpec) throws -> GrowthModelFit {
    try GrowthModel.fit(try data(spec), spec: spec, instrument: "sleepstudy")
  }

  @Test(.enabled(if: available, "needs shared/data/reference/ beside the repository"))
  func remlAgreesWithLme4sPrintedFigures() throws {
    let fit = try Self.fit(GrowthModelSpec())
    let labels = fit.conditionalModes.groupID.map(String.init)
    // METHODS.md's figures, lme4's default fit: 5 significant digits on estimates, 1e-3 on the criterion.
    expectAgreement(
      fit, LME4Reference.sleepstudyDefault, relative: 1e-5, criterion: 1e-3, modes: 1e-3, label: { labels[$0] })
    #expect(abs(fit.criterion - 1743.628) <= 1e-3)
    #expect(fit.diagnostics.isEmpty)
    #expect(fit.optimizer.converged && fit.optimizer.scaledGradient < 1e-4)
  }

  @Test(.enabled(if: available, "needs shared/data/reference/ beside the repository"))
  func remlAgreesWithLme4AtItsOptimum() throws {
    let fit = try Self.fit(GrowthModelSpec())
    let labels = fit.conditionalModes.groupID.map(String.init)
    expectAgreement(
      fit, LME4Reference.sleepstudyREML, relative: 1e-6, criterion: 1e-6, modes: 1e-4, label: { labels[$0] })
    for j in 0..<3 { #expect(abs(fit.theta[j] - LME4Reference.sleepstudyREML.theta[j]) <= 1e-6) }
  }

  @Test(.enabled(if: available, "needs shared/data/reference/ beside the repository"))
  func maximumLikelihoodAgreesWithLme4() throws {
    let fit = try Self.fit(GrowthModelSpec(criterion: .ml))
    let labels = fit.conditionalModes.groupID.map(String.init)
    expectAgreement(
      fit, LME4Reference.sleepstudyML, relative: 1e-6, criterion: 1e-6, modes: 1e-4, label: { labels[$0] })
    #expect(fit.remlCriterion == nil && fit.residualDegreesOfFreedom == 174)
  }

  @Test(.enabled(if: available, "needs shared/data/reference/ beside the repository"))
  func devianceFunctionEqualsLme4s() throws {
    // m <- lmer(Reaction ~ Days + (Days | Subject), sleep); f <- as.function(m); sprintf("%.10f", f(theta))
    // (and the same for REML = FALSE): lme4's profiled deviance at three values of θ.
    let cases: [(GrowthModelSpec.Criterion, [Double], Double)] = [
      (.reml, [0.9667417740, 0.0151690589, 0.2309099532], 1743.6282719600),
      (.reml, [1, 0, 1], 1773.6803306160),
      (.reml, [0.5, 0.2, 0.3], 1755.5006294986),
      (.ml, [1, 0, 1], 1784.6422961924),
      (.ml, [0.5, 0.2, 0.3], 1763.9925003606),
    ]
    for (criterion, theta, expected) in cases {
      let spec = GrowthModelSpec(criterion: criterion)
      let deviance = ProfiledDeviance(data: try Self.data(spec), spec: spec)
      #expect(abs(deviance(theta) - expected) <= 1e-8, "\(criterion) \(theta)")
      // The symmetry the optimiser relies on.
      #expect(abs(deviance([-theta[0], -theta[1], theta[2]]) - deviance(theta)) <= 1e-9)
      #expect(abs(deviance([theta[0], theta[1], -theta[2]]) - deviance(theta)) <= 1e-9)
    }
  }

  @Test(.enabled(if: available, "needs shared/data/reference/ beside the repository"))
  func summaryHasLme4sShape() throws {
    let text = try Self.fit(GrowthModelSpec()).summary
    for piece in [
      "REML criterion at convergence: 1743.6283", "Random effects:", "Variance", "Std.Dev.", "Corr",
      "Residual", "Number of obs: 180, groups:  client, 18", "Fixed effects:", "Estimate Std. Error t value",
      "(Intercept)", "251.4051",
    ] {
      #expect(text.contains(piece), "summary lacks \(piece)")
    }
    let ml = try Self.fit(GrowthModelSpec(criterion: .ml)).summary
    #expect(ml.contains("AIC") && ml.contains("1763.9") && ml.contains("-876.0") && ml.contains("1751.9"))
  }
}

// MARK: - Generated practice data

@Suite struct GrowthModelGeneratedDataTests {
  /// `romtrack generate --clients 500 --seed 3`, loaded as the model command loads it.
  static let loaded: LoadedInput = {
    let folder = URL(fileURLWithPath: TestFiles.newFolder())
    _ = try? SyntheticPractice(settings: GeneratorSettings(clients: 500, seed: 3)).write(
      to: folder.path, combined: false, truth: false)
    return try! InputLoader.load(
      files: [folder.appendingPathComponent("outcomes.csv").path], registry: .builtIn, ingest: IngestOptions(),
      series: SeriesOptions())
  }()

  static func fit(_ spec: GrowthModelSpec) throws -> (GrowthModelFit, (Int) -> String) {
    let phq9 = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    let data = GrowthModelData(table: loaded.table, instrument: phq9, spec: spec)
    let fit = try GrowthModel.fit(data, spec: spec, instrument: "PHQ9")
    let table = loaded.table
    let names = loaded.names
    let label: (Int) -> String = { g in
      let episode = table.episodes[table.series[fit.conditionalModes.groupID[g]].episode]
      return names.clients[Int(episode.client)] + "/" + names.episodes[Int(episode.episode)]
    }
    return (fit, label)
  }

  @Test func sessionModelAgreesWithLme4() throws {
    let (reml, label) = try Self.fit(GrowthModelSpec())
    expectAgreement(
      reml, LME4Reference.generatedSessionREML, relative: 1e-6, criterion: 1e-6, modes: 1e-4, label: label)
    #expect(reml.diagnostics.map(\.code) == [.seriesLeftOut])
    let (ml, label2) = try Self.fit(GrowthModelSpec(criterion: .ml))
    expectAgreement(ml, LME4Reference.generatedSessionML, relative: 1e-6, criterion: 1e-6, modes: 1e-4, label: label2)
  }

  @Test func weeksModelAgreesWithLme4() throws {
    let (fit, label) = try Self.fit(GrowthModelSpec(time: .weeks))
    expectAgreement(fit, LME4Reference.generatedWeeksREML, relative: 1e-6, criterion: 1e-6, modes: 1e-4, label: label)
  }

  @Test func intakeModelAgreesWithLme4AndIsReportedSingular() throws {
    // The former ETR model, every score the response: on these data the random intercept and
    // log-session slope are perfectly correlated at the optimum (a boundary fit). Estimates agree with
    // lme4 to 5 significant digits; the criterion is as low as lme4's or lower.
    let (reml, label) = try Self.fit(GrowthModelSpec(time: .logSession, includesIntake: true))
    expectAgreement(reml, LME4Reference.generatedETRREML, relative: 1e-5, criterion: 1e-6, modes: 1e-4, label: label)
    #expect(reml.criterion <= LME4Reference.generatedETRREML.criterion + 1e-7)
    #expect(reml.isSingular && reml.theta[2] == 0)
    #expect(reml.diagnostics.first { $0.code == .singularFit }?.detail.contains("perfectly correlated") == true)
    let (ml, label2) = try Self.fit(GrowthModelSpec(time: .logSession, includesIntake: true, criterion: .ml))
    expectAgreement(ml, LME4Reference.generatedETRML, relative: 1e-5, criterion: 1e-6, modes: 1e-4, label: label2)
    #expect(ml.isSingular == LME4Reference.generatedETRML.singular)
    #expect(ml.diagnostics.first { $0.code == .singularFit }?.level == .message)
  }

  @Test func expectedResponseModelAfterIntakeAgreesWithLme4() throws {
    // The ETR model as respecified: the scores after the intake, the intake a covariate. To METHODS.md
    // section 4's tolerances (5 significant digits, 1e-3 on the criterion), and not singular.
    let (reml, label) = try Self.fit(.expectedTreatmentResponse)
    expectAgreement(
      reml, LME4Reference.generatedETRAfterIntakeREML, relative: 1e-5, criterion: 1e-3, modes: 1e-4, label: label)
    #expect(!reml.isSingular && reml.diagnostics.map(\.code) == [.seriesLeftOut])
    let (ml, label2) = try Self.fit(
      GrowthModelSpec(time: .logSession, includesIntake: true, response: .afterIntake, criterion: .ml))
    expectAgreement(
      ml, LME4Reference.generatedETRAfterIntakeML, relative: 1e-5, criterion: 1e-3, modes: 1e-4, label: label2)
    #expect(!ml.isSingular)
  }

  @Test func expectedResponseModelOfTheSampleAgreesWithLme4() throws {
    // data/sample's PHQ-9: intercept SD 3.21, slope SD 3.40, correlation -0.68 (issue 19's figures).
    let loaded = try InputLoader.load(
      files: [ParallelAnalysisTests.sampleFolder + "/outcomes.csv"], registry: .builtIn, ingest: IngestOptions(),
      series: SeriesOptions())
    let phq9 = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    let spec = GrowthModelSpec.expectedTreatmentResponse
    let fit = try GrowthModel.fit(GrowthModelData(table: loaded.table, instrument: phq9, spec: spec), spec: spec)
    let label: (Int) -> String = { g in
      let episode = loaded.table.episodes[loaded.table.series[fit.conditionalModes.groupID[g]].episode]
      return loaded.names.clients[Int(episode.client)] + "/" + loaded.names.episodes[Int(episode.episode)]
    }
    expectAgreement(
      fit, LME4Reference.sampleETRAfterIntakeREML, relative: 1e-5, criterion: 1e-3, modes: 1e-4, label: label)
    #expect(!fit.isSingular)
  }

  @Test func savedModelReadsBackAsTheSameFit() throws {
    let (fit, _) = try Self.fit(.expectedTreatmentResponse)
    let json = try fit.json()
    let back = try GrowthModelFit(json: json)
    var withoutModes = fit
    withoutModes.conditionalModes = ConditionalModes()
    #expect(back == withoutModes)
    let text = String(decoding: json, as: UTF8.self)
    for key in [
      "\"format\" : \"romtrack-growth-model\"", "\"reml_criterion\"", "\"residual_sd\"", "\"intercept_sd\"",
      "\"fixed_effects\"",
    ] {
      #expect(text.contains(key), "JSON lacks \(key)")
    }
    let etr = try ExpectedResponseModel(fit: back)
    #expect(etr.beta == fit.beta && etr.instrument == "PHQ9")
    #expect(text.contains("\"response\" : \"after-intake\"") && text.contains("\"format_version\" : 2"))
    // A session-axis model is no ETR model.
    let (session, _) = try Self.fit(GrowthModelSpec())
    #expect(throws: GrowthModelFileError.self) {
      try ExpectedResponseModel(fit: try GrowthModelFit(json: try session.json()))
    }
  }

  @Test func modelsSavedUnderTheFormerSpecificationAreRefused() throws {
    // A file as romtrack wrote it before the respecification: format version 1, no `response` (every
    // score the response). It still reads as a growth model, but not as an ETR model.
    let (fit, _) = try Self.fit(GrowthModelSpec(time: .logSession, includesIntake: true))
    var text = String(decoding: try fit.json(), as: UTF8.self)
    text = text.replacingOccurrences(of: "\"format_version\" : 2", with: "\"format_version\" : 1")
    text = text.replacingOccurrences(of: "\"response\" : \"all\",", with: "")
    #expect(!text.contains("\"response\""))
    let old = try GrowthModelFit(json: Data(text.utf8))
    #expect(old.settings.response == .allScores && old.settings.isFormerExpectedTreatmentResponse)
    #expect(throws: GrowthModelFileError.self) { try ExpectedResponseModel(fit: old) }
    let path = TestFiles.newFolder() + "/old-phq9.json"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    do {
      _ = try ExpectedResponseStage.load(paths: [path])
      Issue.record("a model of the former specification was accepted")
    } catch let error as GrowthModelFileError {
      #expect(error.message.hasPrefix(path + ": "))
      #expect(error.message.contains("earlier romtrack") && error.message.contains("romtrack model --save"))
    }
  }
}

// MARK: - Properties and edge cases

@Suite struct GrowthModelPropertyTests {
  /// Groups `0..<count` with scores at t = 1...5: intercepts `intercept(g)`, every group with slope
  /// `slope(g)`, plus the same residual pattern, orthogonal to (1, t) and scaled by `noise(g)`.
  static func data(
    groups count: Int, spec: GrowthModelSpec = GrowthModelSpec(), intercept: (Int) -> Double,
    slope: (Int) -> Double, noise: (Int) -> Double = { _ in 1 }
  ) -> GrowthModelData {
    let pattern: [Double] = [1, -2, 0, 2, -1]  // Σe = 0, Σte = 0
    var group: [Int] = []
    var time: [Double] = []
    var score: [Double] = []
    for g in 0..<count {
      for (k, e) in pattern.enumerated() {
        let t = Double(k + 1)
        group.append(g)
        time.append(t)
        score.append(intercept(g) + slope(g) * t + noise(g) * e)
      }
    }
    return GrowthModelData(group: group, time: time, score: score, spec: spec)
  }

  // lme4 agrees that both data sets give boundary fits:
  //   e <- c(1, -2, 0, 2, -1)
  //   mk <- function(icpt, slope, noise) { g <- rep(0:29, each = 5); t <- rep(1:5, 30)
  //     data.frame(g = factor(g), t = t, y = icpt(g) + slope(g) * t + noise * e[rep(1:5, 30)]) }
  //   VarCorr(lmer(y ~ t + (t | g), mk(function(g) 10 + ((g * 7) %% 11), function(g) 2, 1)))
  //     -> (Intercept) 3.1581e+00, t 2.4728e-06, Residual 1.5878e+00; isSingular TRUE
  //   VarCorr(lmer(y ~ t + (t | g), mk(function(g) 12, function(g) -1 + 0.1 * (g %% 7), 0.1), REML = FALSE))
  //     -> (Intercept) 0.00000, t 0.20232, Residual 0.15811; isSingular TRUE
  @Test func zeroSlopeVarianceGivesASingularFitDiagnostic() throws {
    // Every group's least-squares slope is exactly 2: the slope variance is estimated as 0.
    let data = Self.data(groups: 30, intercept: { 10 + Double(($0 * 7) % 11) }, slope: { _ in 2 })
    let fit = try GrowthModel.fit(data, spec: GrowthModelSpec())
    let singular = fit.diagnostics.first { $0.code == .singularFit }
    #expect(singular?.level == .message)
    #expect(singular?.detail.contains("random slopes is estimated as 0") == true)
    #expect(fit.randomEffects.slopeSD < 1e-6 && fit.randomEffects.correlation == nil)
    #expect(
      isClose(fit.randomEffects.interceptSD, 3.1581, relative: 2e-5) && isClose(fit.residualSD, 1.5878, relative: 5e-5))
    #expect(abs(fit.fixedEffects[1].estimate - 2) < 1e-9)
    #expect(fit.isSingular && fit.level == .message)
  }

  @Test func zeroInterceptVarianceGivesASingularFitDiagnostic() throws {
    // Every group's least-squares intercept is exactly 12; slopes differ far more than noise explains.
    let data = Self.data(groups: 30, intercept: { _ in 12 }, slope: { -1 + 0.1 * Double($0 % 7) }, noise: { _ in 0.1 })
    let fit = try GrowthModel.fit(data, spec: GrowthModelSpec(criterion: .ml))
    #expect(fit.isSingular)
    #expect(
      fit.diagnostics.first { $0.code == .singularFit }?.detail.contains("random intercepts is estimated as 0") == true)
    #expect(fit.randomEffects.interceptSD == 0 && isClose(fit.randomEffects.slopeSD, 0.20232, relative: 3e-5))
    #expect(isClose(fit.residualSD, 0.15811, relative: 5e-5))
  }

  @Test func permutingClientsDoesNotChangeTheFit() throws {
    let loaded = GrowthModelGeneratedDataTests.loaded
    let phq9 = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    for spec in [GrowthModelSpec(), GrowthModelSpec(time: .weeks, criterion: .ml)] {
      let data = GrowthModelData(table: loaded.table, instrument: phq9, spec: spec)
      var rng = SystemRandomNumberGenerator()
      let order = Array(0..<data.groupCount).shuffled(using: &rng)
      let a = try GrowthModel.fit(data, spec: spec)
      let b = try GrowthModel.fit(data.reordered(order), spec: spec)
      #expect(abs(a.criterion - b.criterion) <= 1e-8)
      for j in a.fixedEffects.indices {
        #expect(isClose(a.fixedEffects[j].estimate, b.fixedEffects[j].estimate, relative: 1e-7))
        #expect(isClose(a.fixedEffects[j].standardError, b.fixedEffects[j].standardError, relative: 1e-7))
      }
      #expect(isClose(a.randomEffects.interceptSD, b.randomEffects.interceptSD, relative: 1e-7))
      #expect(isClose(a.randomEffects.slopeSD, b.randomEffects.slopeSD, relative: 1e-7))
      #expect(isClose(a.residualSD, b.residualSD, relative: 1e-7))
      // Each client keeps its own conditional modes.
      for k in stride(from: 0, to: order.count, by: 17) {
        #expect(abs(b.conditionalModes.intercept[k] - a.conditionalModes.intercept[order[k]]) <= 1e-6)
        #expect(abs(b.conditionalModes.slope[k] - a.conditionalModes.slope[order[k]]) <= 1e-6)
        #expect(b.conditionalModes.groupID[k] == a.conditionalModes.groupID[order[k]])
      }
    }
  }

  @Test func threadsDoNotChangeTheDeviance() {
    // More design classes than one chunk (each group scored at its own times), so that the pass is
    // split; the chunks' partial sums are added in a fixed order, so the result is the same to the
    // last bit.
    let groups = 3 * ProfiledDeviance.chunkSize + 5
    var group: [Int] = []
    var time: [Double] = []
    var score: [Double] = []
    for g in 0..<groups {
      for (k, e) in [1.0, -2, 0, 2, -1].enumerated() {
        let t = Double(k + 1) * (1 + Double(g) / Double(groups))
        group.append(g)
        time.append(t)
        score.append(Double(g % 13) + Double(g % 5) / 4 * t + (1 + Double(g % 3)) * e)
      }
    }
    for includesIntake in [false, true] {
      var one = GrowthModelSpec(includesIntake: includesIntake)
      one.optimizer.threads = 1
      var two = one
      two.optimizer.threads = 2
      let data = GrowthModelData(group: group, time: time, score: score, spec: one)
      #expect(DesignClasses(data).classes.count == groups)
      let theta = [0.8, -0.1, 0.3]
      #expect(ProfiledDeviance(data: data, spec: one)(theta) == ProfiledDeviance(data: data, spec: two)(theta))
    }
  }

  @Test func groupsWithOneDesignArePooledExactly() {
    // Groups 0 and 2 share their times, group 1 has its own: two classes. Pooling must give the
    // deviance of the groups taken one by one (here: each group its own class by a tiny time shift
    // that changes the deviance by far less than the tolerance).
    let times: [[Double]] = [[1, 2, 3, 4], [1, 2, 4], [1, 2, 3, 4], [1, 3, 4, 5]]
    let scores: [[Double]] = [[20, 17, 15, 11], [14, 13, 9], [25, 21, 20, 15], [18, 16, 11, 12]]
    func data(shift: Double) -> GrowthModelData {
      var group: [Int] = []
      var time: [Double] = []
      var score: [Double] = []
      for g in times.indices {
        for (t, y) in zip(times[g], scores[g]) {
          group.append(g)
          time.append(t + Double(g) * shift)
          score.append(y)
        }
      }
      return GrowthModelData(group: group, time: time, score: score, spec: GrowthModelSpec(includesIntake: true))
    }
    let pooled = data(shift: 0)
    let separate = data(shift: 1e-13)
    #expect(DesignClasses(pooled).classes.count == 3)
    #expect(DesignClasses(pooled).classOfGroup == [0, 1, 0, 2])
    #expect(DesignClasses(separate).classes.count == 4)
    for criterion in GrowthModelSpec.Criterion.allCases {
      let spec = GrowthModelSpec(includesIntake: true, criterion: criterion)
      for theta in [[0.8, -0.1, 0.3], [1, 0, 1], [0.2, 0.5, 0]] {
        let a = ProfiledDeviance(data: pooled, spec: spec)(theta)
        let b = ProfiledDeviance(data: separate, spec: spec)(theta)
        #expect(abs(a - b) <= 1e-9 * abs(a), "\(criterion) \(theta): \(a) \(b)")
      }
    }
  }

  @Test func errorsStopTheFit() {
    let one = Self.data(groups: 1, intercept: { _ in 5 }, slope: { _ in 1 })
    #expect(throws: GrowthModelFailure.self) { try GrowthModel.fit(one, spec: GrowthModelSpec()) }
    do {
      _ = try GrowthModel.fit(one, spec: GrowthModelSpec())
    } catch {
      #expect(error.diagnostics.contains { $0.code == .tooFewGroups && $0.level == .error })
    }
    // All scores at one time: the slope is not estimable.
    let flat = GrowthModelData(
      group: [0, 0, 0, 1, 1, 1, 2, 2, 2], time: Array(repeating: 1, count: 9), score: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      spec: GrowthModelSpec())
    do {
      _ = try GrowthModel.fit(flat, spec: GrowthModelSpec())
      Issue.record("a model without spread in time was fitted")
    } catch {
      #expect(error.diagnostics.map(\.code) == [.rankDeficientFixedEffects])
    }
    // One intake score for every group: intake and time x intake are not estimable.
    let sameIntake = Self.data(groups: 10, intercept: { _ in 5 }, slope: { Double($0) }, noise: { _ in 0 })
    #expect(throws: GrowthModelFailure.self) {
      try GrowthModel.fit(sameIntake, spec: GrowthModelSpec(includesIntake: true))
    }
  }
}

// MARK: - The sufficient blocks

@Suite struct GrowthModelDataTests {
  @Test func blocksFromTheSeriesTable() throws {
    let csv =
      TestFiles.header + """
        A,E1,T1,S,PHQ9,1,2026-01-05,20,
        A,E1,T1,S,PHQ9,2,2026-01-12,NA,
        A,E1,T1,S,PHQ9,3,2026-01-19,14,
        A,E1,T1,S,PHQ9,4,2026-01-26,11,
        B,E1,T1,S,PHQ9,0,,18,
        B,E1,T1,S,PHQ9,1,2026-02-02,17,
        B,E1,T1,S,PHQ9,2,2026-02-16,15,
        B,E1,T1,S,PHQ9,3,2026-02-23,12,
        C,E1,T1,S,PHQ9,1,2026-01-05,9,
        C,E1,T1,S,PHQ9,2,2026-01-12,8,
        C,E1,T1,S,GAD7,1,2026-01-05,9,
        C,E1,T1,S,GAD7,2,2026-01-12,8,
        C,E1,T1,S,GAD7,3,2026-01-19,8,

        """
    let loaded = try TestFiles.load(csv)
    let phq9 = InstrumentRegistry.builtIn.index(of: "PHQ9")!
    let session = GrowthModelData(table: loaded.table, instrument: phq9, spec: GrowthModelSpec())
    #expect(session.groupCount == 2 && session.seriesConsidered == 3 && session.seriesTooShort == 1)
    #expect(session.observationCount == 7 && session.scoresWithoutTime == 0)
    let a = session.block(0, includesIntake: true)
    // A: t = 1, 3, 4 (session 2 missing), y = 20, 14, 11.
    #expect(a.count == 3 && a.zTz == [[3, 8], [8, 26]] && a.zTy == [45, 106] && a.yTy == 717 && a.intake == 20)
    #expect(a.zTx == [[3, 8, 60, 160], [8, 26, 160, 520]])
    #expect(a.xTy == [45, 106, 900, 2120])
    #expect(a.xTx[3] == [160, 520, 3200, 10400])
    // B: intake is the first score, at session 0, which has no logarithm (left out on log-session).
    let log = GrowthModelData(
      table: loaded.table, instrument: phq9, spec: GrowthModelSpec(time: .logSession, includesIntake: true))
    #expect(log.scoresWithoutTime == 1 && log.intake == [20, 18])
    #expect(abs(log.sumTime[1] - (0 + Foundation.log(2.0) + Foundation.log(3.0))) < 1e-15)
    // After the intake (the ETR form): A keeps 14 (session 3) and 11 (session 4), B its scores at
    // sessions 1 to 3; the intakes are still 20 and 18, and count towards the 3 scores a series needs.
    let after = GrowthModelData(table: loaded.table, instrument: phq9, spec: .expectedTreatmentResponse)
    #expect(after.groupCount == 2 && after.count == [2, 3] && after.intake == [20, 18] && after.scoresWithoutTime == 0)
    #expect(after.sumScore == [25, 44] && after.sumScoreSquared == [317, 658] && after.observationCount == 5)
    #expect(abs(after.sumTime[0] - (Foundation.log(3.0) + Foundation.log(4.0))) < 1e-15)
    #expect(abs(after.sumTimeScore[1] - (15 * Foundation.log(2.0) + 12 * Foundation.log(3.0))) < 1e-13)
    // C's PHQ9 (9, 8) has one score after its intake: too short, as before.
    #expect(after.seriesConsidered == 3 && after.seriesTooShort == 1)
    // Weeks: B's undated score is left out; A's weeks are 0, 2, 3.
    let weeks = GrowthModelData(table: loaded.table, instrument: phq9, spec: GrowthModelSpec(time: .weeks))
    #expect(weeks.scoresWithoutTime == 1 && weeks.sumTime[0] == 5 && weeks.sumTime[1] == 0 + 2 + 3)
    // A minimum of 4 scores leaves only B on the session axis.
    let four = GrowthModelData(table: loaded.table, instrument: phq9, spec: GrowthModelSpec(minimumScores: 4))
    #expect(four.groupCount == 1 && four.seriesTooShort == 2)
  }

  @Test func blocksFromArrays() {
    let data = GrowthModelData(
      group: [7, 7, 3, 7, 3, 3, 9], time: [0, 1, 0, 2, 1, .nan, 0], score: [.nan, 4, 6, 5, 7, 8, 1],
      spec: GrowthModelSpec(minimumScores: 2))
    // Group 7: intake 4 (the first non-missing score); group 3: the NaN time is left out; group 9 too short.
    #expect(data.groupID == [7, 3] && data.intake == [4, 6] && data.count == [2, 2])
    #expect(data.seriesConsidered == 3 && data.seriesTooShort == 1 && data.scoresWithoutTime == 1)
  }
}

// MARK: - Expected treatment response and signals

@Suite struct ExpectedResponseTests {
  static let model = ExpectedResponseModel(
    beta: [2, -1, 0.9, -0.2], randomCovariance: [[4, -1], [-1, 2]], residualSD: 3, instrument: "PHQ9")

  @Test func expectedScoreAndSpread() {
    let m = Self.model
    // Session 2: ln 2 = l, E = 2 - l + 18 - 4 l = 20 - 5 l, s² = 4 - 2 l + 2 l² + 9.
    let l = Foundation.log(2.0)
    #expect(abs(m.expected(session: 2, intake: 20)! - (20 - 5 * l)) < 1e-12)
    #expect(abs(m.spread(session: 2)! - (13 - 2 * l + 2 * l * l).squareRoot()) < 1e-12)
    // Session 1 is the intake: the model describes the scores after it.
    #expect(m.expected(session: 1, intake: 20) == nil && m.spread(session: 1) == nil)
    // Session e²: ln t = 2, E = 2 - 2 + 18 - 8 = 10, s² = 4 - 4 + 8 + 9 = 17.
    let t = Foundation.exp(2.0)
    #expect(abs(m.expected(session: t, intake: 20)! - 10) < 1e-12)
    #expect(abs(m.spread(session: t)! - 17.0.squareRoot()) < 1e-12)
    // etr_z is positive when worse than expected, on either direction of scale.
    #expect(abs(m.z(latest: 14, session: t, intake: 20, direction: .lowerIsBetter)! - 4 / 17.0.squareRoot()) < 1e-12)
    #expect(abs(m.z(latest: 14, session: t, intake: 20, direction: .higherIsBetter)! + 4 / 17.0.squareRoot()) < 1e-12)
    #expect(m.expected(session: 0, intake: 20) == nil && m.spread(session: 0.5) == nil)
    #expect(m.z(latest: .nan, session: 3, intake: 20, direction: .lowerIsBetter) == nil)
    #expect(m.z(latest: 10, session: 3, intake: .nan, direction: .lowerIsBetter) == nil)
  }

  @Test func signalRuleInOrderOfPrecedence() {
    let rule = SignalRule()
    func signal(_ session: Int, _ z: Double?, improved: Bool = false, deteriorated: Bool = false, clinical: Bool = true)
      -> TreatmentSignal?
    {
      rule.signal(
        session: session, etrZ: z, reliablyImproved: improved, reliablyDeteriorated: deteriorated,
        clinicalAtLatest: clinical)
    }
    #expect(signal(1, 3) == nil)  // no signal at the first session
    #expect(signal(2, 0.99) == .green)
    #expect(signal(2, 1.0) == .yellow)  // inclusive
    #expect(signal(2, 1.644) == .yellow)
    #expect(signal(2, 1.645) == .red)
    #expect(signal(5, -2, deteriorated: true) == .red)
    #expect(signal(5, 2.5, improved: true, clinical: false) == .white)  // white comes first
    #expect(signal(5, 0, improved: true, clinical: true) == .green)  // improved but still clinical
    #expect(signal(5, nil) == nil)  // no model: no claim of green
    #expect(signal(5, nil, deteriorated: true) == .red)
    #expect(signal(5, nil, improved: true, clinical: false) == .white)
    var parameters = AnalysisParameters()
    parameters.signalYellow = 0.5
    parameters.signalRed = 2
    #expect(
      SignalRule(parameters).signal(
        session: 3, etrZ: 1.9, reliablyImproved: false, reliablyDeteriorated: false, clinicalAtLatest: true) == .yellow)
  }
}
