#!/usr/bin/env python3
"""Wilson score intervals (95%) from statsmodels, the reference values of
Tests/RomtrackCoreTests/AggregateTests.swift (`wilsonIntervalMatchesStatsmodels`).

    python3 Tests/Reference/scripts/wilson_statsmodels.py

Produced with statsmodels 0.15.0.
"""

from statsmodels.stats.proportion import proportion_confint

CASES = [(0, 1), (0, 10), (1, 10), (5, 10), (10, 10), (75, 147), (51, 132), (3, 7), (1000, 1001)]

for k, n in CASES:
    lower, upper = proportion_confint(k, n, alpha=0.05, method="wilson")
    print(f"({k}, {n}, {float(lower)!r}, {float(upper)!r}),")
