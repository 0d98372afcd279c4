#!/usr/bin/env python3
"""Writes the adversarial inputs of docs/adversarial.md into a folder (default Benchmarks/work/adversarial).

Each file is deterministic (a fixed-seed generator), so the measurements can be repeated exactly.
Usage: make_inputs.py [FOLDER] [CASE ...]
"""
import os
import random
import sys

HEADER = "client_id,episode_id,clinician_id,site,instrument,session,date,score\n"
DAYS_BEFORE_2020 = 18262  # 2020-01-01 as days since 1970-01-01


def iso(days):
    """ISO date of a day number (days since 1970-01-01), proleptic Gregorian."""
    # Howard Hinnant's civil_from_days.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return "%04d-%02d-%02d" % (y + (m <= 2), m, d)


def one_client(path, n=1_000_000):
    """One client, one episode: n PHQ-9 scores and n SRS scores, sessions 1..n, 1000 sessions a day.

    The scores wander (improvement, plateaus, sudden drops and rises, alliance dips and recoveries), so
    every per-series rule (sudden gains, stall windows, ruptures and repairs, the trajectory fit) has
    work to do on each window.
    """
    rng = random.Random(1)
    with open(path, "w") as f:
        f.write(HEADER)
        phq, srs = 20.0, 34.0
        lines = []
        for s in range(1, n + 1):
            date = iso(DAYS_BEFORE_2020 + (s - 1) // 1000)
            r = rng.random()
            if r < 0.01:
                phq -= 7
            elif r < 0.02:
                phq += 7
            else:
                phq += rng.gauss(0, 1.5) + (20 - phq) * 0.02
            phq = min(27.0, max(0.0, phq))
            q = rng.random()
            if q < 0.01:
                srs -= 8
            else:
                srs += rng.gauss(0, 1) + (34 - srs) * 0.1
            srs = min(40.0, max(0.0, srs))
            lines.append("C1,E1,T1,North,PHQ9,%d,%s,%d\n" % (s, date, round(phq)))
            lines.append("C1,E1,T1,North,SRS,%d,%s,%.1f\n" % (s, date, srs))
            if len(lines) >= 100_000:
                f.writelines(lines)
                lines = []
        f.writelines(lines)


def many_clients(path, n=1_000_000):
    """n clients with one PHQ-9 score each, spread over 2026."""
    rng = random.Random(2)
    with open(path, "w") as f:
        f.write(HEADER)
        lines = []
        for c in range(n):
            date = iso(DAYS_BEFORE_2020 + 6 * 365 + c % 300)
            lines.append("C%07d,E1,T%d,S%d,PHQ9,1,%s,%d\n" % (c, c % 500, c % 20, date, rng.randrange(28)))
            if len(lines) >= 100_000:
                f.writelines(lines)
                lines = []
        f.writelines(lines)


def wide_rows(path, columns=100_000, rows=100):
    """A header of `columns` columns (the eight fields, then unused ones) and `rows` rows as wide;
    the last row has one field too many."""
    with open(path, "w") as f:
        extra = columns - 8
        f.write(HEADER.rstrip("\n") + "".join(",x%d" % k for k in range(extra)) + "\n")
        filler = ",0" * extra
        for r in range(rows):
            f.write("C%d,E1,T1,North,PHQ9,1,2026-03-02,%d%s\n" % (r, r % 28, filler))
        f.write("C%d,E1,T1,North,PHQ9,1,2026-03-02,5%s,0\n" % (rows, filler))


def long_line(path, size=100 * 1024 * 1024):
    """A single 100 MB line: a client id of `size` bytes on an otherwise valid row, between two
    ordinary rows."""
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("A1,E1,T1,North,PHQ9,1,2026-03-02,12\n")
        chunk = "x" * (1 << 20)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(",E1,T1,North,PHQ9,1,2026-03-02,12\n")
        f.write("A2,E1,T1,North,PHQ9,1,2026-03-02,12\n")


def long_quoted_field(path, size=100 * 1024 * 1024):
    """A single 100 MB quoted field holding commas, doubled quotes and line breaks (a site name),
    between two ordinary rows."""
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("A1,E1,T1,North,PHQ9,1,2026-03-02,12\n")
        f.write('B1,E1,T1,"')
        piece = 'a,b ""c""\n' * 1000
        for _ in range(size // len(piece)):
            f.write(piece)
        f.write('",PHQ9,1,2026-03-02,12\n')
        f.write("A2,E1,T1,North,PHQ9,1,2026-03-02,12\n")


def unclosed_quote(path, rows=1_000_000):
    """A quote opened on the second data row and never closed, before a million ordinary rows."""
    with open(path, "w") as f:
        f.write(HEADER)
        f.write("A1,E1,T1,North,PHQ9,1,2026-03-02,12\n")
        f.write('A2,E1,T1,"North,PHQ9,1,2026-03-02,12\n')
        f.writelines("C%d,E1,T1,North,PHQ9,1,2026-03-02,12\n" % c for c in range(rows))


def same_session(path, n=1_000_000):
    """One client's session 1, n times, with scores that disagree: n conflicting duplicates."""
    with open(path, "w") as f:
        f.write(HEADER)
        f.writelines("C1,E1,T1,North,PHQ9,1,2026-03-02,%d\n" % (k % 28) for k in range(n))


def two_gigabytes(path, size=(1 << 31) + (1 << 20)):
    """Just over 2 GiB of ordinary rows: blocks of 10,000 clients with five PHQ-9 scores each, every
    block with its own client ids, then one row out of range and one good row."""
    with open(path, "w") as f:
        f.write(HEADER)
        written = len(HEADER)
        block = 0
        while written <= size:
            text = "".join(
                "B%dC%d,E1,T%d,S%d,PHQ9,%d,2026-0%d-1%d,%d\n" % (block, c, c % 40, c % 3, s, s, c % 10, (c + s) % 28)
                for c in range(10_000) for s in range(1, 6))
            f.write(text)
            written += len(text)
            block += 1
        f.write("LAST,E1,T1,S1,PHQ9,1,2026-01-05,99\nLAST,E1,T1,S1,PHQ9,2,2026-01-12,9\n")


CASES = {
    "one-client.csv": one_client,
    "million-clients.csv": many_clients,
    "wide-rows.csv": wide_rows,
    "long-line.csv": long_line,
    "long-quoted-field.csv": long_quoted_field,
    "unclosed-quote.csv": unclosed_quote,
    "same-session.csv": same_session,
}
# Made only when named: 2 GB of disk.
OPTIONAL = {"two-gigabytes.csv": two_gigabytes}

if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "Benchmarks/work/adversarial"
    wanted = sys.argv[2:] or list(CASES)
    os.makedirs(folder, exist_ok=True)
    for name in wanted:
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            {**CASES, **OPTIONAL}[name](path)
        print(path)
