// The alliance-outcome association of the research export (METHODS.md section 8, last bullet).

import Foundation

/// Does a better alliance in one session go with a better outcome at the next, within a client, and
/// do clients with a better alliance overall do better? One regression per (outcome instrument,
/// alliance instrument) pair found together in some episode:
///
///     outcome_{t+1} = β0 + β1 outcome_t + βw (alliance_t - m_e) + βb m_e + error
///
/// **Rows.** Session t of episode e is a row when the episode has an observed outcome score at t, an
/// observed outcome score at session t + 1 (the next session *number*, exactly: after a skipped
/// session the following score is two sessions on, and the row is not made), and an observed
/// alliance score at t. Missing scores never make a row. Both series must be ordered by session
/// number; an episode whose outcome or alliance series is ordered by date (some score without a
/// session number) is left out and counted (`AllianceOutcomeFit.episodesSkipped`), because ranks by
/// date cannot be matched across two series.
///
/// **The decomposition** (Curran & Bauer 2011; Mundlak 1978). `m_e` is the mean of the alliance
/// scores *of the episode's rows*: the alliance at the sessions t that made a row, not every alliance
/// score of the episode. So the within part `alliance_t - m_e` sums to zero over each episode's rows,
/// and is orthogonal, in the data the regression sees, to everything constant within an episode (the
/// intercept and `m_e`): no between-episode variance is left in it. Averaging every alliance score
/// (say the last session's too, which never has a next outcome) would leave each episode's
/// within column with a non-zero mean and mix between-client differences into βw. The mean is taken
/// per episode, not across a client's episodes: an episode is one treatment with one clinician, and
/// the alliance is a relationship with that clinician. βw is the within-client (session-to-session)
/// association, βb the between-client one; Falkenström et al. (2017) explain why only the within one
/// speaks to whether a client's better alliance precedes their improvement.
///
/// `outcome_t` enters as it is, not decomposed (the formula of METHODS.md). Hence βw equals the
/// fixed-effects (within-episode) estimate only when the within-episode variation of `outcome_t` is
/// uncorrelated with that of the alliance; otherwise adding a constant to one client's alliance
/// scores changes `m_e` and moves βw slightly. With a lagged outcome, a fixed-effects
/// estimate in short series is biased in any case (Nickell 1981; Falkenström et al. 2017).
///
/// **Standard errors.** OLS with a cluster-robust (CR1) covariance, clusters = clients
/// (`Episode.client`; a client with several episodes is one cluster):
/// `V = c (X'X)⁻¹ [Σ_g X_g'e_g e_g'X_g] (X'X)⁻¹`, `c = G/(G-1) · (N-1)/(N-K)`, K = 4 (Cameron & Miller
/// 2015). The numbers agree with statsmodels'
/// `OLS(y, X).fit(cov_type='cluster', cov_kwds={'groups': client})`. Each coefficient has its
/// statistic `estimate / SE` with a p-value and 95% interval against the normal (statsmodels'
/// default, `use_t=False`) and against Student's t with G - 1 degrees of freedom (statsmodels with
/// `use_t=True`, Stata's `vce(cluster)`), which is the safer reading with few clients.
///
/// **Not fitted** (`coefficients` empty, a diagnostic says why): no rows; fewer than K + 1 = 5
/// clients; no within variation (every episode's alliance constant over its rows, for instance one
/// row per episode); no between variation (one mean for every episode); no variation of
/// `outcome_t`; another linear dependence among the regressors.
///
/// **Cost.** Two passes over the table, visiting each client's episodes together: the first sums
/// X'X and X'y (14 numbers per pair) for a 4 x 4 Cholesky solve on LAPACK; the second forms each
/// client's score vector X_g'e_g from the residuals and adds the outer products to the meat by dsyrk,
/// a block of clients at a time. Within an episode the rows are walked twice per pass (the alliance
/// mean, then the sums). Per pair the state is a few numbers and one block of score vectors; beyond
/// that, one flag per client id to check the episodes' order (and an episode order only for a table
/// whose episodes are not grouped by client). Nothing is allocated per row or per client.
///
/// References:
/// - Curran, P. J. & Bauer, D. J. (2011). The disaggregation of within-person and between-person
///   effects in longitudinal models of change. Annual Review of Psychology 62, 583-619.
/// - Mundlak, Y. (1978). On the pooling of time series and cross section data. Econometrica 46(1),
///   69-85.
/// - Falkenström, F., Finkel, S., Sandell, R., Rubel, J. A. & Holmqvist, R. (2017). Dynamic models of
///   individual change in psychotherapy process research. J. Consult. Clin. Psychol. 85(6), 537-549.
/// - Nickell, S. (1981). Biases in dynamic models with fixed effects. Econometrica 49(6), 1417-1426.
/// - Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
///   Journal of Human Resources 50(2), 317-372.
/// - Liang, K.-Y. & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear models.
///   Biometrika 73(1), 13-22.
public enum AllianceOutcomeAssociation {
  /// K: intercept, outcome_t, within, between.
  static let regressorCount = 4
  /// Fewest clients for a fit: K + 1.
  public static let minimumClients = regressorCount + 1
  /// A column whose centred sum of squares is at most this fraction of its raw sum of squares
  /// (an SD below a millionth of the level) counts as constant.
  static let constantColumnTolerance = 1e-12
  /// `Φ⁻¹(0.975)`.
  static let normalCritical = 1.959963984540054

  /// The association for every (outcome, alliance) instrument pair that occurs together in at least
  /// one episode, ordered by the outcome instrument's then the alliance instrument's registry position.
  public static func estimate(table: SeriesTable, registry: InstrumentRegistry) -> [AllianceOutcomeFit] {
    var estimator = Estimator(table: table, registry: registry)
    estimator.sumRows()
    estimator.solveAll()
    if estimator.tallies.contains(where: \.solved) { estimator.sumClusterScores() }
    return estimator.fits.sorted { ($0.outcomeInstrument, $0.allianceInstrument) < ($1.outcomeInstrument, $1.allianceInstrument) }
  }

  /// The rows of every pair, as `estimate` uses them, in the same pair order; within a pair in table
  /// order (episodes, then sessions). For export and checking; `estimate` never builds them.
  public static func observations(table: SeriesTable, registry: InstrumentRegistry) -> [AllianceOutcomeObservations] {
    let kinds = registry.instruments.map(\.kind)
    let instrumentCount = registry.instruments.count
    var list: [AllianceOutcomeObservations] = []
    var slots = [Int](repeating: -1, count: instrumentCount * instrumentCount)
    table.session.withUnsafeBufferPointer { session in
      table.score.withUnsafeBufferPointer { score in
        AllianceOutcomeRows.forEachPair(table, kinds: kinds) { pair in
          let key = Int(pair.outcome.instrument) * instrumentCount + Int(pair.alliance.instrument)
          if slots[key] < 0 {
            slots[key] = list.count
            list.append(
              AllianceOutcomeObservations(
                outcomeInstrument: Int(pair.outcome.instrument), allianceInstrument: Int(pair.alliance.instrument)))
          }
          let slot = slots[key]
          guard pair.outcome.timeAxis == .session, pair.alliance.timeAxis == .session else { return }
          let (o, a) = (pair.outcome.scores, pair.alliance.scores)
          let (count, mean) = AllianceOutcomeRows.allianceMean(outcome: o, alliance: a, session: session, score: score)
          guard count > 0 else { return }
          AllianceOutcomeRows.forEachRow(outcome: o, alliance: a, session: session, score: score) { i, j in
            list[slot].episode.append(pair.episode)
            list[slot].client.append(pair.client)
            list[slot].session.append(session[i])
            list[slot].nextOutcome.append(score[i + 1])
            list[slot].outcome.append(score[i])
            list[slot].allianceWithin.append(score[j] - mean)
            list[slot].allianceMean.append(mean)
          }
        }
      }
    }
    return list.sorted { ($0.outcomeInstrument, $0.allianceInstrument) < ($1.outcomeInstrument, $1.allianceInstrument) }
  }

  // MARK: - Estimation

  /// One pair's running figures: plain values, kept in a flat array that the passes update in place.
  struct PairTally {
    var sums = AllianceOutcomeSums()
    var observations = 0
    var episodes = 0
    var episodesSkipped = 0
    var clients = 0
    /// The client of the pair's latest episode with rows, for counting clients (first pass) and for
    /// closing a client's score vector (second pass); -1 before any.
    var lastClient: Int64 = -1
    /// Second pass: β̂ (when solved) and the current client's score vector X_g'e_g.
    var beta = SIMD4<Double>()
    var score = SIMD4<Double>()
    var solved = false
  }

  /// Two passes over the table: sums for the normal equations, then the clients' score vectors.
  /// Both visit episodes client by client (`AllianceOutcomeRows.clientContiguousOrder`).
  struct Estimator {
    let table: SeriesTable
    let registry: InstrumentRegistry
    let kinds: [InstrumentKind]
    let order: [Int]?
    let instrumentCount: Int
    /// Per pair, in order of first meeting: the instruments, the running figures, and (after the
    /// first pass) the fit as far as it goes, the solved normal equations and the meat.
    var instruments: [(outcome: Int, alliance: Int)] = []
    var tallies: [PairTally] = []
    var fits: [AllianceOutcomeFit] = []
    var solutions: [LeastSquares?] = []
    var meats: [ClusterScores] = []
    /// Position of (outcome instrument, alliance instrument) in the per-pair arrays, -1 if not met yet.
    var slots: [Int]

    init(table: SeriesTable, registry: InstrumentRegistry) {
      self.table = table
      self.registry = registry
      kinds = registry.instruments.map(\.kind)
      instrumentCount = registry.instruments.count
      order = AllianceOutcomeRows.clientContiguousOrder(table)
      slots = [Int](repeating: -1, count: instrumentCount * instrumentCount)
    }

    func slot(_ pair: AllianceOutcomeRows.SeriesPair) -> Int {
      slots[Int(pair.outcome.instrument) * instrumentCount + Int(pair.alliance.instrument)]
    }

    /// Calls `visit` for every (outcome, alliance) series pair, client by client, with the table's
    /// session numbers and scores.
    mutating func walk(
      _ visit: (inout Estimator, AllianceOutcomeRows.SeriesPair, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Double>) -> Void
    ) {
      let (table, order, kinds) = (self.table, self.order, self.kinds)
      table.session.withUnsafeBufferPointer { session in
        table.score.withUnsafeBufferPointer { score in
          AllianceOutcomeRows.forEachPair(table, order: order, kinds: kinds) { pair in
            visit(&self, pair, session, score)
          }
        }
      }
    }

    /// First pass: X'X and X'y, and the counts.
    mutating func sumRows() {
      walk { estimator, pair, session, score in estimator.sumRows(pair, session: session, score: score) }
    }

    mutating func sumRows(
      _ pair: AllianceOutcomeRows.SeriesPair, session: UnsafeBufferPointer<Int32>, score: UnsafeBufferPointer<Double>
    ) {
      var slot = self.slot(pair)
      if slot < 0 {
        slot = tallies.count
        slots[Int(pair.outcome.instrument) * instrumentCount + Int(pair.alliance.instrument)] = slot
        instruments.append((Int(pair.outcome.instrument), Int(pair.alliance.instrument)))
        tallies.append(PairTally())
      }
      guard pair.outcome.timeAxis == .session, pair.alliance.timeAxis == .session else {
        tallies[slot].episodesSkipped += 1
        return
      }
      let (o, a) = (pair.outcome.scores, pair.alliance.scores)
      let (count, mean) = AllianceOutcomeRows.allianceMean(outcome: o, alliance: a, session: session, score: score)
      guard count > 0 else { return }
      var so = 0.0, soo = 0.0, sw = 0.0, sow = 0.0, sww = 0.0, sy = 0.0, soy = 0.0, swy = 0.0
      AllianceOutcomeRows.forEachRow(outcome: o, alliance: a, session: session, score: score) { i, j in
        let y = score[i + 1]
        let x = score[i]
        let w = score[j] - mean
        so += x
        soo += x * x
        sw += w
        sow += x * w
        sww += w * w
        sy += y
        soy += x * y
        swy += w * y
      }
      tallies.withUnsafeMutableBufferPointer { tallies in
        tallies[slot].sums.addEpisode(
          count: count, mean: mean, o: so, oo: soo, w: sw, ow: sow, ww: sww, y: sy, oy: soy, wy: swy)
        tallies[slot].observations += count
        tallies[slot].episodes += 1
        if tallies[slot].lastClient != Int64(pair.client) {
          tallies[slot].lastClient = Int64(pair.client)
          tallies[slot].clients += 1
        }
      }
    }

    /// After the first pass: the fits as far as the counts go, and the normal equations solved where
    /// the design allows.
    mutating func solveAll() {
      for slot in tallies.indices {
        let (outcome, alliance) = instruments[slot]
        let tally = tallies[slot]
        var fit = AllianceOutcomeFit(
          outcomeInstrument: outcome, allianceInstrument: alliance, outcomeName: registry.instruments[outcome].name,
          allianceName: registry.instruments[alliance].name, observationCount: tally.observations,
          clientCount: tally.clients, episodeCount: tally.episodes, episodesSkipped: tally.episodesSkipped,
          coefficients: [], covariance: [], degreesOfFreedom: max(0, tally.clients - 1), diagnostics: [])
        let solution = solve(tally, &fit)
        fits.append(fit)
        solutions.append(solution)
        meats.append(ClusterScores(regressorCount: regressorCount))
        if let solution {
          let b = solution.coefficients
          tallies[slot].beta = SIMD4(b[0], b[1], b[2], b[3])
          tallies[slot].solved = true
        }
        tallies[slot].lastClient = -1
      }
    }

    /// Checks a pair's design and solves its normal equations; diagnostics on `fit` where it cannot.
    func solve(_ tally: PairTally, _ fit: inout AllianceOutcomeFit) -> LeastSquares? {
      let (outcomeName, allianceName) = (fit.outcomeName, fit.allianceName)
      let clients = tally.clients
      func say(_ code: AllianceOutcomeDiagnostic.Code, _ message: String) {
        fit.diagnostics.append(AllianceOutcomeDiagnostic(code: code, message: message))
      }
      if tally.episodesSkipped > 0 {
        say(
          .dateOrderedEpisodesSkipped,
          "\(tally.episodesSkipped) episode(s) with \(outcomeName) and \(allianceName) left out: a series is ordered by date, not session number"
        )
      }
      guard tally.observations > 0 else {
        say(.noObservations, "no session has \(outcomeName) at t and t + 1 and \(allianceName) at t")
        return nil
      }
      let sums = tally.sums
      var blocked = false
      if clients < minimumClients {
        say(.tooFewClients, "\(clients) client(s); a cluster-robust fit needs at least \(minimumClients)")
        blocked = true
      }
      /// Whether a column with these sums is constant: its centred sum of squares is at most
      /// `constantColumnTolerance` of its raw one.
      func constant(sum: Double, squares: Double) -> Bool {
        max(0, squares - sum * sum / sums.n) <= constantColumnTolerance * squares
      }
      if constant(sum: sums.o, squares: sums.oo) {
        say(.noOutcomeVariation, "every \(outcomeName) score at t is the same")
        blocked = true
      }
      // Σw² against Σa² = Σw² + Σm² (the cross term vanishes: w sums to zero over each episode's rows).
      if sums.ww <= constantColumnTolerance * (sums.ww + sums.mm) {
        say(
          .noWithinVariation,
          "no \(allianceName) score differs from its episode's mean: the within coefficient is not identified")
        blocked = true
      }
      if constant(sum: sums.m, squares: sums.mm) {
        say(
          .noBetweenVariation,
          "every episode has the same mean \(allianceName): the between coefficient is not identified")
        blocked = true
      }
      guard !blocked else { return nil }
      switch ClusterRobustRegression.solve(xtx: sums.xtx, xty: sums.xty) {
      case .failure:
        say(.collinearDesign, "the regressors are linearly dependent (or nearly so)")
        return nil
      case .success(let solution):
        return solution
      }
    }

    /// Second pass, for the solved pairs: each client's X_g'e_g into the meat; then the covariance
    /// and the inference.
    mutating func sumClusterScores() {
      walk { estimator, pair, session, score in estimator.sumClusterScores(pair, session: session, score: score) }
      for slot in tallies.indices where tallies[slot].solved {
        closeCluster(slot)
        finish(slot)
      }
    }

    mutating func sumClusterScores(
      _ pair: AllianceOutcomeRows.SeriesPair, session: UnsafeBufferPointer<Int32>, score: UnsafeBufferPointer<Double>
    ) {
      let slot = self.slot(pair)
      guard tallies[slot].solved, pair.outcome.timeAxis == .session, pair.alliance.timeAxis == .session else { return }
      let (o, a) = (pair.outcome.scores, pair.alliance.scores)
      let (count, mean) = AllianceOutcomeRows.allianceMean(outcome: o, alliance: a, session: session, score: score)
      guard count > 0 else { return }
      if tallies[slot].lastClient != Int64(pair.client) {
        closeCluster(slot)
        tallies[slot].lastClient = Int64(pair.client)
      }
      let beta = tallies[slot].beta
      // The part of the fitted value constant in the episode, then e = y - fitted per row.
      let base = beta[0] + beta[3] * mean
      let (b1, bw) = (beta[1], beta[2])
      var se = 0.0, soe = 0.0, swe = 0.0
      AllianceOutcomeRows.forEachRow(outcome: o, alliance: a, session: session, score: score) { i, j in
        let x = score[i]
        let w = score[j] - mean
        let e = score[i + 1] - (base + b1 * x + bw * w)
        se += e
        soe += x * e
        swe += w * e
      }
      tallies[slot].score += SIMD4(se, soe, swe, mean * se)
    }

    /// Adds the current client's score vector of pair `slot` to the meat and starts a new one.
    mutating func closeCluster(_ slot: Int) {
      guard tallies[slot].lastClient >= 0 else { return }
      let u = tallies[slot].score
      withUnsafeTemporaryAllocation(of: Double.self, capacity: 4) { scratch in
        for i in 0..<4 { scratch[i] = u[i] }
        meats[slot].add(UnsafeBufferPointer(scratch))
      }
      tallies[slot].score = SIMD4()
      tallies[slot].lastClient = -1
    }

    /// The covariance and the coefficients' inference for solved pair `slot`.
    mutating func finish(_ slot: Int) {
      guard let solution = solutions[slot] else { return }
      let k = regressorCount
      let meat = meats[slot].finish()
      let n = fits[slot].observationCount
      let g = fits[slot].clientCount
      precondition(meats[slot].count == g, "one score vector per client")
      let covariance = ClusterRobustRegression.covariance(bread: solution.bread, meat: meat, observations: n, clusters: g)
      let degrees = Double(g - 1)
      let tCritical = StudentT.criticalValue(degreesOfFreedom: degrees)
      fits[slot].coefficients = AllianceOutcomeTerm.allCases.enumerated().map { j, term in
        let estimate = solution.coefficients[j]
        let se = covariance[j + j * k].squareRoot()
        let statistic = estimate / se
        return AllianceOutcomeCoefficient(
          term: term, estimate: estimate, standardError: se, statistic: statistic,
          normal: AllianceOutcomeInference(
            pValue: erfc(abs(statistic) / 2.0.squareRoot()), lower: estimate - normalCritical * se,
            upper: estimate + normalCritical * se),
          studentT: AllianceOutcomeInference(
            pValue: StudentT.twoSidedTailProbability(statistic, degreesOfFreedom: degrees),
            lower: estimate - tCritical * se, upper: estimate + tCritical * se))
      }
      fits[slot].covariance = (0..<k).map { i in (0..<k).map { j in covariance[i + j * k] } }
    }
  }
}
