#!/usr/bin/env python3
"""Reference values of the alliance-outcome association (METHODS.md section 8) from statsmodels.

    python3 Tests/Reference/alliance_outcome_reference.py              # print the reference values
    python3 Tests/Reference/alliance_outcome_reference.py --make-data  # rewrite the data file first

Reads alliance_outcome_reference.csv beside this script (long format, as romtrack reads it), builds the
regression rows independently of romtrack with pandas, fits for every (outcome, alliance) pair

    outcome_{t+1} ~ 1 + outcome_t + (alliance_t - m_e) + m_e

with statsmodels OLS and cov_type='cluster' (groups = client), once with the default use_t=False
(normal reference) and once with use_t=True (Student t with G - 1 df), and prints the numbers as the
Swift literals of Tests/RomtrackCoreTests/AllianceOutcomeTests.swift.

Rows: session t of an episode with an observed outcome at t, an observed outcome at session t + 1
exactly, and an observed alliance at t. m_e is the mean of the alliance scores of the episode's rows.
The data file is the source of truth; --make-data regenerates it from a fixed seed.
Produced with Python 3.11, numpy 2.4.6, pandas 3.1.1 and statsmodels 0.15.0.
"""

import os
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "alliance_outcome_reference.csv")
OUTCOMES = ["PHQ9", "GAD7"]  # registry order
ALLIANCES = ["SRS", "WAISR"]


def make_data(path):
    """36 clients, six of them with two episodes; PHQ9 and SRS everywhere, GAD7 for the first 20
    clients, WAISR for four clients only (too few for a fit). Gaps in the sessions and missing scores."""
    rng = np.random.default_rng(20260419)
    lines = ["client_id,episode_id,instrument,session,score"]

    def cell(value, decimals):
        return "NA" if value is None else f"{value:.{decimals}f}"

    for c in range(1, 37):
        episodes = ["E1", "E2"] if c <= 6 else ["E1"]
        for e in episodes:
            sessions = [s for s in range(1, int(rng.integers(4, 13)) + 1) if s == 1 or rng.random() > 0.1]
            level = float(np.clip(rng.normal(33, 3.5), 18, 39))
            srs = {s: float(np.clip(level + rng.normal(0, 2.2), 0, 40)) for s in sessions}
            waisr = {s: float(np.clip(40 + 2.5 * (level - 33) + rng.normal(0, 3), 12, 60)) for s in sessions}
            phq, gad = {}, {}
            p = float(rng.uniform(8, 24))
            g = float(rng.uniform(6, 18))
            for s in sessions:
                phq[s], gad[s] = p, g
                w = srs[s] - level
                p = 2.5 + 0.72 * p - 0.35 * w - 0.12 * (level - 33) + rng.normal(0, 1.8)
                g = 1.5 + 0.75 * g - 0.25 * w - 0.08 * (level - 33) + rng.normal(0, 1.4)
                p, g = float(np.clip(p, 0, 27)), float(np.clip(g, 0, 21))
            series = [("PHQ9", phq, 0, True), ("SRS", srs, 1, True), ("GAD7", gad, 0, c <= 20),
                      ("WAISR", waisr, 0, 30 <= c <= 33)]
            for name, values, decimals, present in series:
                if not present:
                    continue
                for s in sessions:
                    value = None if rng.random() < 0.06 else round(values[s], decimals)
                    lines.append(f"C{c:02d},{e},{name},{s},{cell(value, decimals)}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def rows(data, outcome, alliance):
    """The regression rows of one pair, built with pandas merges (not romtrack's walk)."""
    key = ["client_id", "episode_id", "session"]
    o = data[(data.instrument == outcome) & data.score.notna()][key + ["score"]].rename(columns={"score": "o"})
    a = data[(data.instrument == alliance) & data.score.notna()][key + ["score"]].rename(columns={"score": "a"})
    nxt = o.assign(session=o.session - 1).rename(columns={"o": "y"})
    r = o.merge(nxt, on=key).merge(a, on=key).sort_values(key).reset_index(drop=True)
    r["m"] = r.groupby(["client_id", "episode_id"]).a.transform("mean")
    r["w"] = r.a - r.m
    return r


def literal(x):
    return repr(float(x))


def main():
    if "--make-data" in sys.argv:
        make_data(DATA)
    data = pd.read_csv(DATA, na_values=["NA"], keep_default_na=False)
    for outcome in OUTCOMES:
        for alliance in ALLIANCES:
            together = data[data.instrument.isin([outcome, alliance])].groupby(["client_id", "episode_id"]).instrument.nunique()
            if not (together == 2).any():
                continue
            r = rows(data, outcome, alliance)
            clients = r.client_id.nunique()
            episodes = r.groupby(["client_id", "episode_id"]).ngroups
            print(f"// {outcome} x {alliance}: n = {len(r)}, clients = {clients}, episodes = {episodes}")
            if clients < 5:
                print("//   fewer than 5 clients: not fitted")
                continue
            X = sm.add_constant(np.column_stack([r.o, r.w, r.m]))
            groups = pd.factorize(r.client_id)[0]
            normal = sm.OLS(r.y.to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": groups})
            student = sm.OLS(r.y.to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
            assert not normal.use_t and student.use_t
            print("estimate:", ", ".join(map(literal, normal.params)))
            print("se:", ", ".join(map(literal, normal.bse)))
            print("statistic:", ", ".join(map(literal, normal.tvalues)))
            print("p normal:", ", ".join(map(literal, normal.pvalues)))
            ci = normal.conf_int()
            print("ci normal lower:", ", ".join(map(literal, ci[:, 0])))
            print("ci normal upper:", ", ".join(map(literal, ci[:, 1])))
            print("p t:", ", ".join(map(literal, student.pvalues)), "df", student.df_resid_inference)
            ci = student.conf_int()
            print("ci t lower:", ", ".join(map(literal, ci[:, 0])))
            print("ci t upper:", ", ".join(map(literal, ci[:, 1])))
            print("covariance:", ", ".join(map(literal, normal.cov_params().ravel())))


if __name__ == "__main__":
    main()
