#!/usr/bin/env python3
"""Student t quantiles and tail probabilities from scipy, the reference values of
Tests/RomtrackCoreTests/TrajectoryTests.swift (`agreesWithScipyTo1e9`, `tailProbabilitiesAgreeWithScipy`).

    python3 Tests/Reference/scripts/student_t_scipy.py

Produced with scipy 1.17.1.
"""

from scipy import stats

for df in [1, 2, 3, 4, 5, 10, 30, 120, 1000, 100000]:
    for q, alpha in [(0.975, 0.05), (0.995, 0.01), (0.95, 0.10)]:
        print(f"({df}, {alpha}, {float(stats.t.ppf(q, df))!r}),")
print("fractional df:", repr(float(stats.t.ppf(0.975, 2.5))))
print("two-sided P(|T| >= 2), 7 df:", repr(float(stats.t.sf(2.0, 7) * 2)))
print("P(T <= -1.3), 3.5 df:", repr(float(stats.t.cdf(-1.3, 3.5))))
