#!/usr/bin/env python3
"""Which suppressed counts of a research export the identities between its cells pin down, by linear algebra.

    python3 Tests/Reference/suppression_nullspace_check.py EXPORT_FOLDER

Reads EXPORT_FOLDER/aggregates.csv and trends.csv as published (no true values needed) and writes every
identity of docs/report.md ("Suppression") as a row of a matrix over the suppressed counts, the published
ones moved to the right-hand side:
  classified = rc_improved + rc_unchanged + rc_deteriorated
             = recovered + improved + unchanged + deteriorated + harmed = effect_size_n   (each row, window)
  practice = sum of clinicians = sum of sites                          (each window, instrument, count)
  trailing year = sum of the 12 months   (started, ended, finished and the outcome counts, each row)
A suppressed count x_i is determined by the published cells exactly when the i-th coordinate of every
vector of the matrix's null space is 0. The matrix is split into connected components first and the null
space of each is computed by SVD (scipy.linalg.null_space); a coordinate below 1e-9 counts as 0.

This is stronger than the Swift test's solver (SecondarySuppressionTests), which uses one identity at a
time; it is too slow for the test suite (minutes for a practice of 300 clients). `--reveal P` treats a
random share P of the suppressed counts as published, to see the check find what that gives away.
Produced with Python 3.11, numpy 2.4.6 and scipy 1.17.1.
"""
import csv
import random
import sys
from collections import defaultdict

import numpy as np
import scipy.linalg

COUNTS = ["clients_seen", "episodes_active", "episodes_started", "episodes_ended", "episodes_finished",
          "classified", "rc_improved", "rc_unchanged", "rc_deteriorated", "clinical_at_intake", "recovered",
          "improved", "unchanged", "deteriorated", "harmed", "effect_size_n",
          "stalled", "off_track", "deteriorating", "low_alliance", "unrepaired_ruptures"]
OVER_MONTHS = ["episodes_started", "episodes_ended", "episodes_finished"] + COUNTS[5:16]
NOT_MEASURES = {"level", "group", "window", "from", "to", "instrument", "month", "suppressed_below"}


def read_cells(folder):
    """(row, window, column) -> published text; row = (level, group, instrument), window 0-11 months, 12 year."""
    cells = {}
    for name, trends in [("aggregates.csv", False), ("trends.csv", True)]:
        with open(f"{folder}/{name}", newline="") as f:
            lines = list(csv.reader(f))
        header = lines[0]
        months = sorted({line[3] for line in lines[1:]}) if trends else None
        for line in lines[1:]:
            if trends:
                row, window = (line[0], line[1], line[2]), months.index(line[3])
            else:
                row, window = (line[0], line[1], line[5]), 12 if ".." in line[2] else 11
            for column, value in zip(header, line):
                if column not in NOT_MEASURES and value != "":
                    cells[(row, window, column)] = value
    return cells


def identities(cells):
    rows = {key[0] for key in cells}
    result = []
    for row in rows:
        for w in range(13):
            if (row, w, "classified") in cells:
                c = lambda column: (row, w, column)
                result.append([(c("classified"), 1)] + [(c(x), -1) for x in ["rc_improved", "rc_unchanged", "rc_deteriorated"]])
                result.append([(c("classified"), 1)] + [(c(x), -1) for x in ["recovered", "improved", "unchanged", "deteriorated", "harmed"]])
                result.append([(c("classified"), 1), (c("effect_size_n"), -1)])
        for column in OVER_MONTHS:
            if (row, 12, column) in cells:
                result.append([((row, 12, column), 1)] + [((row, w, column), -1) for w in range(12)])
    for instrument in {row[2] for row in rows}:
        practice = ("practice", "practice", instrument)
        for w in range(13):
            for column in COUNTS:
                sides = [[(r, w, column) for r in rows if r[0] == level and r[2] == instrument and (r, w, column) in cells]
                         for level in ["clinician", "site"]]
                if (practice, w, column) in cells:
                    result += [[((practice, w, column), 1)] + [(m, -1) for m in side] for side in sides if side]
                elif sides[0] and sides[1]:
                    result.append([(m, 1) for m in sides[0]] + [(m, -1) for m in sides[1]])
    return result


def determined(cells, reveal=0.0):
    random.seed(1)
    unknown = [k for k, v in cells.items() if v.startswith("<") and k[2] in COUNTS and random.random() >= reveal]
    index = {k: i for i, k in enumerate(unknown)}
    parent = list(range(len(unknown)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    equations = []
    for e in identities(cells):
        u = [index[c] for c, _ in e if c in index]
        if u:
            equations.append((e, u[0]))
            for x in u[1:]:
                parent[find(x)] = find(u[0])
    components = defaultdict(list)
    for i in range(len(unknown)):
        components[find(i)].append(i)
    by_component = defaultdict(list)
    for e, first in equations:
        by_component[find(first)].append(e)
    found = []
    for root, members in components.items():
        position = {v: j for j, v in enumerate(members)}
        rows = by_component.get(root, [])
        if not rows:
            continue
        a = np.zeros((len(rows), len(members)))
        for r, e in enumerate(rows):
            for c, sign in e:
                if c in index:
                    a[r, position[index[c]]] += sign
        null = scipy.linalg.null_space(a)
        for v, j in position.items():
            if null.shape[1] == 0 or np.max(np.abs(null[j, :])) < 1e-9:
                found.append(unknown[v])
    return unknown, components, found


if __name__ == "__main__":
    reveal = float(sys.argv[sys.argv.index("--reveal") + 1]) if "--reveal" in sys.argv else 0.0
    unknown, components, found = determined(read_cells(sys.argv[1]), reveal)
    print(f"{len(unknown)} suppressed counts in {len(components)} components; {len(found)} determined")
    for cell in found[:20]:
        print(cell)
    sys.exit(1 if found else 0)
