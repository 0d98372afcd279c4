#!/usr/bin/env python3
"""The alliance-outcome association of the bundled sample (data/sample/), from statsmodels.

    python3 Tests/Reference/scripts/sample_association_statsmodels.py

The reference values of Tests/RomtrackEndToEndTests/ExportTests.swift: the within-client term of
PHQ-9 x WAI-SR (n = 1143 rows, 171 clients) in `romtrack export`'s alliance_outcome.csv. The rows and the
fit are those of ../alliance_outcome_reference.py (pandas merges, statsmodels OLS with cluster-robust
covariance by client), applied to the sample's outcomes.csv and alliance.csv read together.
Produced with Python 3.11, numpy 2, pandas and statsmodels 0.15.0.
"""

import os
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from alliance_outcome_reference import rows  # noqa: E402

SAMPLE = os.path.join(HERE, "..", "..", "..", "data", "sample")


def main():
    columns = ["client_id", "episode_id", "instrument", "session", "score"]
    data = pd.concat(
        pd.read_csv(os.path.join(SAMPLE, name), na_values=["NA"], keep_default_na=False)[columns]
        for name in ["outcomes.csv", "alliance.csv"]
    )
    r = rows(data, "PHQ9", "WAISR")
    X = sm.add_constant(np.column_stack([r.o, r.w, r.m]))
    groups = pd.factorize(r.client_id)[0]
    fit = sm.OLS(r.y.to_numpy(), X).fit(cov_type="cluster", cov_kwds={"groups": groups})
    print(f"PHQ9 x WAISR: n = {len(r)}, clients = {r.client_id.nunique()}")
    print(f"within: estimate {fit.params[2]:.8g}, SE {fit.bse[2]:.8g}")


if __name__ == "__main__":
    main()
