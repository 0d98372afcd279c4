#!/usr/bin/env python3
"""Per-series trajectories of one messy series from scipy and numpy, the reference values of
Tests/RomtrackCoreTests/TrajectoryTests.swift (`agreesWithScipyOnAMessySeries`).

    python3 Tests/Reference/scripts/trajectory_scipy.py

The series: sessions 1, 2, 3, 5, 6, 8, 9, 12 on days 0, 7, 14, 30, 35, 50, 56, 80 after 2026-01-05, scores
22, 20, (missing), 17, 15, 16, 12, 9. For each time axis (session, ln(session), weeks since the first
score, ln(1 + weeks)) over the 7 observed scores: OLS slope, intercept, the slope's standard error and its
95% interval slope -/+ t(0.975, n - 2) * SE, printed as the Swift literals [slope, intercept, se, lower,
upper]. Produced with scipy 1.17.1 and numpy 2.4.6.
"""

import math

import numpy as np
from scipy import stats

sessions = [1, 2, 3, 5, 6, 8, 9, 12]
days = [0, 7, 14, 30, 35, 50, 56, 80]
scores = [22, 20, None, 17, 15, 16, 12, 9]
kept = [i for i, y in enumerate(scores) if y is not None]
y = [scores[i] for i in kept]
axes = {
    "linear, session": [sessions[i] for i in kept],
    "log-linear, session": [math.log(sessions[i]) for i in kept],
    "linear, weeks": [days[i] / 7 for i in kept],
    "log-linear, weeks": [math.log1p(days[i] / 7) for i in kept],
}
for name, x in axes.items():
    r = stats.linregress(x, y)
    h = stats.t.ppf(0.975, len(y) - 2) * r.stderr
    values = [r.slope, r.intercept, r.stderr, r.slope - h, r.slope + h]
    print(f"{name}: [" + ", ".join(repr(float(v)) for v in values) + "]")
coefficients = np.linalg.lstsq(np.column_stack([np.ones(len(y)), axes["linear, session"]]), y, rcond=None)[0]
print("numpy lstsq [intercept, slope]:", coefficients)
