"""romtrack side by side with DuckDB, polars, pandas, lme4 and statsmodels on generated practices.

Runs every measurement as its own process under /usr/bin/time and a time limit, checks that the peers'
per-series figures equal romtrack's clients.csv and that their growth-model estimates agree with
romtrack's, and writes one table to Benchmarks/results/compare-<date>.md and .json.
Called by Benchmarks/compare, which builds romtrack and installs the peers first; see
Benchmarks/README.md ("Side by side").
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODEL_DIR = os.path.join(ROOT, "Benchmarks", "model")
PERIOD = "2026-10"  # the last month `romtrack generate` writes by default
KEYS = ["client_id", "episode_id", "instrument"]

SERIES_PEERS = ["duckdb", "polars", "pandas"]
MODEL_PEERS = ["lme4", "statsmodels"]
ALL_TOOLS = ["floor", "romtrack", *SERIES_PEERS, "romtrack-model", "romtrack-model-csv", *MODEL_PEERS]
LABEL = {
    "wc": "floor: wc -l", "cat": "floor: cat > /dev/null", "romtrack": "romtrack report",
    "duckdb": "DuckDB SQL", "polars": "polars (lazy)", "pandas": "pandas",
    "romtrack-model": "romtrack model", "romtrack-model-csv": "romtrack model, peers' CSV",
    "lme4": "lme4 lmer (R)", "statsmodels": "statsmodels MixedLM",
}
TASK = {
    "wc": "read files", "cat": "read files", "romtrack": "whole report", "duckdb": "per-series",
    "polars": "per-series", "pandas": "per-series", "romtrack-model": "growth model",
    "romtrack-model-csv": "growth model", "lme4": "growth model", "statsmodels": "growth model",
}
# The reference of each row's ratio: the report for the floor and the per-series peers, the model fit
# from outcomes.csv for the model rows.
REFERENCE = {"wc": "romtrack", "cat": "romtrack", "romtrack": "romtrack", "duckdb": "romtrack",
             "polars": "romtrack", "pandas": "romtrack", "romtrack-model": "romtrack-model",
             "romtrack-model-csv": "romtrack-model", "lme4": "romtrack-model", "statsmodels": "romtrack-model"}
ORDER = ["wc", "cat", "romtrack", *SERIES_PEERS, "romtrack-model", "romtrack-model-csv", *MODEL_PEERS]

# Tolerances of the growth-model check (stated in the report).
FIXED = ["intercept", "slope"]
VARIANCE = ["sd_intercept", "sd_slope", "correlation", "residual_sd"]
VARIANCE_TOLERANCE = 1e-3     # relative
CRITERION_TOLERANCE = 1e-3    # a peer's REML criterion may be at most this much below romtrack's
SLOPE_TOLERANCE = 0.5e-4 + 1e-9  # clients.csv gives slopes to 4 decimals
SCORE_TOLERANCE = 0.5e-2 + 1e-9  # and scores to 2


def say(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


# --- The machine --------------------------------------------------------------------------------------------

def load_average():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def busy_seconds():
    """CPU time the whole machine spent busy (user, nice, system, irq, softirq, steal), in seconds."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    ticks = sum(int(fields[i]) for i in (1, 2, 3, 6, 7, 8))
    return ticks / os.sysconf("SC_CLK_TCK")


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def python_version_of(module):
    code = f"import {module}; print({module}.__version__)"
    return command_output([sys.executable, "-c", code]) or "not installed"


def describe_machine(romtrack):
    with open("/proc/cpuinfo") as f:
        found = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
    cpu = found.group(1).strip() if found else "unknown CPU"
    with open("/proc/meminfo") as f:
        memory_kib = int(re.search(r"^MemTotal:\s*(\d+)", f.read(), re.M).group(1))
    os_name = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            found = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            os_name = found.group(1) if found else os_name
    commit = command_output(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]) or "unknown"
    if subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", "Sources", "Package.swift"]).returncode:
        commit += "+changes"
    swift = re.search(r"Swift version [0-9.]+", command_output(["swift", "--version"]) or "")
    r_versions = command_output(["Rscript", "-e", 'suppressMessages(library(lme4)); cat(R.version$major, ".", '
                                 'R.version$minor, " | lme4 ", format(packageVersion("lme4")), " | Matrix ", '
                                 'format(packageVersion("Matrix")), sep = "")'])
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
        "os": f"{os_name}, Linux {platform.release()}",
        "versions": {
            "romtrack": f"{command_output([romtrack, '--version'])} at {commit}"
                        + (f" ({swift.group(0)})" if swift else ""),
            "coreutils (wc, cat)": (command_output(["wc", "--version"]).splitlines() or [""])[0].split()[-1],
            "Python": platform.python_version(),
            "duckdb": python_version_of("duckdb"), "polars": python_version_of("polars"),
            "pandas": python_version_of("pandas"), "pyarrow": python_version_of("pyarrow"),
            "numpy": python_version_of("numpy"), "statsmodels": python_version_of("statsmodels"),
            "R": ("R " + r_versions) if r_versions else "not installed",
        },
    }


# --- Data ---------------------------------------------------------------------------------------------------

def registry(romtrack, path):
    """The instrument registry as romtrack prints it: name, kind, direction and fixed reliable-change points."""
    listing = command_output([romtrack, "instruments"]).splitlines()[1:]
    entries = []
    for name in (line.split()[0] for line in listing if line.strip()):
        fields = {}
        for line in command_output([romtrack, "instruments", name]).splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        direction = re.search(r"dir = ([+-]?1)", fields["better"])
        points = re.match(r"([0-9.]+) points", fields.get("reliable change", ""))
        entries.append({"name": name, "kind": fields["kind"], "direction": int(direction.group(1)),
                        "points": float(points.group(1)) if points else None})
    with open(path, "w") as f:
        json.dump(entries, f, indent=1)
    return entries


def data_rows(path):
    """Lines of a CSV file less its header."""
    lines = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
    return lines - 1


def practice(romtrack, work, clients, seed):
    """The generated practice of this size (made when missing or made with another seed)."""
    folder = os.path.join(work, f"clients{clients}")
    stamp = os.path.join(folder, "generated.json")
    if os.path.exists(stamp):
        with open(stamp) as f:
            made = json.load(f)
        if made["seed"] == seed:
            return folder, made
    say(f"generating {clients:,} clients (seed {seed})")
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([romtrack, "generate", "--clients", str(clients), "--seed", str(seed), "--out", folder, "--quiet"],
                   check=True)
    made = {"seed": seed, "clients": clients}
    for kind in ("outcomes", "alliance"):
        path = os.path.join(folder, f"{kind}.csv")
        made[f"{kind}_rows"] = data_rows(path)
        made[f"{kind}_bytes"] = os.path.getsize(path)
    made["model_rows"], made["model_groups"] = prepare_model_rows(folder)
    with open(stamp, "w") as f:
        json.dump(made, f)
    return folder, made


def prepare_model_rows(folder):
    """phq9-series.csv, what lme4_fit.R and statsmodels_fit.py read: the PHQ9 rows with a score in series
    (client x episode) with at least 3 of them, as group,time,score in file order."""
    import polars as pl

    rows = (
        pl.scan_csv(os.path.join(folder, "outcomes.csv"), null_values=["NA"], infer_schema=False)
        .filter((pl.col("instrument") == "PHQ9") & pl.col("score").is_not_null())
        .with_columns(group=pl.concat_str("client_id", pl.lit("/"), "episode_id"))
        .filter(pl.len().over("group") >= 3)
        .select("group", time=pl.col("session"), score=pl.col("score"))
        .collect()
    )
    rows.write_csv(os.path.join(folder, "phq9-series.csv"))
    return rows.height, rows["group"].n_unique()


# --- Timing -------------------------------------------------------------------------------------------------

def settle(inputs):
    """The same start for every timed run of the per-series work: write-back done, the kernel's clean
    caches dropped (root only), then the inputs read once, so every tool starts with warm inputs and
    nothing else cached.

    Dropping the caches matters for romtrack's 40,000 clinician pages at 1M clients. On this machine's
    ext4, which has no journal, creating files soon after deleting many others (the last run's report)
    makes each new inode skip over the recently deleted ones: 40,000 files took 11 s instead of 1 s,
    and waiting two minutes did not help. Dropping the caches ends it."""
    os.sync()
    if os.geteuid() == 0:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    for path in inputs:
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def measure(command, limit, out_path=None, err_path=None):
    """One process under `timeout`, timed by /usr/bin/time (peak RSS, CPU) and by the wall clock."""
    timing = os.path.join(os.path.dirname(err_path or out_path or "/tmp/x"), ".time")
    # Every run starts with the page cache's write-back done: 2 GB of another run's report still dirty
    # would make the kernel throttle this one's writes.
    os.sync()
    load = load_average()
    busy = busy_seconds()
    stdout = open(out_path, "w") if out_path else subprocess.DEVNULL
    stderr = open(err_path, "w") if err_path else subprocess.DEVNULL
    started = time.perf_counter()
    status = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", "-o", timing, "timeout", "--kill-after=10", str(limit), *command],
        stdout=stdout, stderr=stderr).returncode
    wall = time.perf_counter() - started
    busy = busy_seconds() - busy
    for stream in (stdout, stderr):
        if stream is not subprocess.DEVNULL:
            stream.close()
    with open(timing) as f:
        last = [line for line in f.read().splitlines() if line.strip()][-1].split()
    rss_kib, user, system = int(last[0]), float(last[1]), float(last[2])
    # Other processes' share of the machine while this one ran, less two clock ticks of rounding.
    others = max(0.0, busy - user - system - 2 / os.sysconf("SC_CLK_TCK")) / (wall * os.cpu_count())
    return {"status": status, "wall": wall, "rss_kib": rss_kib, "user": user, "sys": system,
            "load_before": load, "load_after": load_average(), "others_share": others}


def phase_timings(manifest_path):
    with open(manifest_path) as f:
        manifest = json.load(f)
    return ({t["stage"]: t["seconds"] for t in manifest["timings"]},
            manifest["reconciliation"]["rows_read"], manifest["reconciliation"].get("rows_after_as_of", 0))


def romtrack_fit(out_path, err_path):
    """romtrack model's JSON summary on the names the peers' fit scripts use."""
    with open(out_path) as f:
        fit = json.load(f)
    with open(err_path) as f:
        found = re.search(r"fitted in ([0-9.]+) s", f.read())
    effects = {e["name"]: e["estimate"] for e in fit["fixed_effects"]}
    random = fit["random_effects"]
    return {
        "groups": fit["groups"], "observations": fit["observations"],
        # "fitted in" (building the model's data and optimising) is printed to 0.01 s; the optimiser's own
        # time, in the JSON, is a lower bound that keeps small fits from showing 0.
        "fit_seconds": max(float(found.group(1)) if found else 0.0, fit["optimizer"].get("seconds") or 0.0),
        "intercept": effects["(Intercept)"], "slope": effects["session"],
        "sd_intercept": random["intercept_sd"], "sd_slope": random["slope_sd"],
        "correlation": random["correlation"], "residual_sd": fit["residual_sd"],
        "reml_criterion": fit["reml_criterion"], "converged": fit["optimizer"]["converged"],
    }


class Bench:
    def __init__(self, args, romtrack, work):
        self.args, self.romtrack, self.work = args, romtrack, work
        self.runs = []          # every timed process
        self.stopped = {}       # tool -> why it does not run at the bigger sizes
        # Reports of earlier runs go first; this run's stay until its end (see `finish`).
        self.outputs = os.path.join(work, "out")
        shutil.rmtree(self.outputs, ignore_errors=True)
        os.makedirs(self.outputs, exist_ok=True)

    def finish(self):
        """Removes the reports written, after the last timed run."""
        shutil.rmtree(self.outputs, ignore_errors=True)

    def record(self, tool, clients, repeat, result, **extra):
        run = {"tool": tool, "clients": clients, "run": repeat, **result, **extra}
        self.runs.append(run)
        if result["status"] == 0:
            say(f"{LABEL[tool]}, {clients:,} clients, run {repeat}: {result['wall']:.2f} s, "
                f"{result['rss_kib'] / 1024:,.0f} MiB, load {result['load_before'][0]:.2f}")
        else:
            why = (f"over the {self.args.limit} s limit" if result["status"] == 124
                   else f"failed with exit status {result['status']}")
            self.stopped[tool] = f"{why} at {clients:,} clients"
            say(f"{LABEL[tool]}, {clients:,} clients: {why}; bigger sizes are skipped")
        return run

    def skip(self, tool, clients):
        self.runs.append({"tool": tool, "clients": clients, "run": 1, "skipped": self.stopped[tool]})
        say(f"{LABEL[tool]}, {clients:,} clients: skipped ({self.stopped[tool]})")

    def wanted(self, tool):
        return tool in self.args.tools

    def size(self, clients):
        folder, made = practice(self.romtrack, self.work, clients, self.args.seed)
        outcomes, alliance = os.path.join(folder, "outcomes.csv"), os.path.join(folder, "alliance.csv")
        prepared = os.path.join(folder, "phq9-series.csv")
        for path in (outcomes, alliance, prepared):   # into the page cache, for every tool alike
            with open(path, "rb") as f:
                while f.read(1 << 24):
                    pass
        out = os.path.join(self.outputs, str(clients))
        os.makedirs(out, exist_ok=True)
        limit = self.args.limit

        if self.wanted("floor"):
            for repeat in range(1, self.args.repeat + 1):
                self.record("wc", clients, repeat, measure(["wc", "-l", outcomes, alliance], limit))
                self.record("cat", clients, repeat, measure(["cat", outcomes, alliance], limit))

        series_tools = [t for t in ["romtrack", *SERIES_PEERS] if self.wanted(t)]
        for repeat in range(1, self.args.repeat + 1):   # round by round: drift on the machine hits all alike
            for tool in series_tools:
                if tool in self.stopped:
                    continue
                base = os.path.join(out, tool)
                if tool == "romtrack":
                    # A new folder per run, and none removed before a run: replacing the last run's 40,000
                    # pages would add seconds of unlinking, and files created right after 40,000 others
                    # were removed cost the kernel a search past each freed inode (Benchmarks/README.md).
                    report = os.path.join(out, f"report-{repeat}")
                    settle([outcomes, alliance])
                    result = measure([self.romtrack, "report", "--outcomes", outcomes, "--alliance", alliance,
                                      "--period", PERIOD, "--out", report, "--quiet"],
                                     limit, base + ".out", base + ".err")
                    extra = {}
                    if result["status"] == 0:
                        phases, rows_read, after = phase_timings(os.path.join(report, "manifest.json"))
                        extra = {"phases": phases, "rows_read": rows_read, "rows_after_as_of": after}
                    self.record(tool, clients, repeat, result, **extra)
                else:
                    settle([outcomes, alliance])
                    result = measure([sys.executable, os.path.join(HERE, "series.py"), tool, "--outcomes", outcomes,
                                      "--alliance", alliance, "--registry", os.path.join(self.work, "registry.json"),
                                      "--out", base + ".csv"], limit, base + ".json", base + ".err")
                    extra = {}
                    if result["status"] == 0:
                        with open(base + ".json") as f:
                            extra = {"own": json.load(f)}
                    self.record(tool, clients, repeat, result, **extra)
        for tool in series_tools:
            if tool in self.stopped and not any(r["tool"] == tool and r["clients"] == clients for r in self.runs):
                self.skip(tool, clients)
        checks = {}
        if "romtrack" in series_tools and "romtrack" not in self.stopped:
            for tool in SERIES_PEERS:
                if tool in series_tools and tool not in self.stopped:
                    checks[tool] = check_series(os.path.join(out, "report-1", "clients.csv"),
                                                os.path.join(out, tool + ".csv"))
                    say(f"{LABEL[tool]}, {clients:,} clients: {checks[tool]['summary']}")

        model_tools = [t for t in ["romtrack-model", "romtrack-model-csv", *MODEL_PEERS] if self.wanted(t)]
        fits = {}
        for tool in model_tools:
            if tool in self.stopped:
                self.skip(tool, clients)
                continue
            base = os.path.join(out, tool)
            if tool.startswith("romtrack"):
                source = (["--input", outcomes] if tool == "romtrack-model"
                          else ["--input", prepared, "--map", "client_id=group", "--map", "session=time"])
                command = [self.romtrack, "model", *source, "--instrument", "PHQ9", "--time", "session",
                           "--json-summary"]
                repeats = self.args.repeat
            elif tool == "lme4":
                command, repeats = ["Rscript", os.path.join(MODEL_DIR, "lme4_fit.R"), prepared], 1
            else:
                command, repeats = [sys.executable, os.path.join(MODEL_DIR, "statsmodels_fit.py"), prepared], 1
            for repeat in range(1, repeats + 1):
                result = measure(command, limit, f"{base}-{repeat}.json", f"{base}-{repeat}.err")
                extra = {}
                if result["status"] == 0:
                    if tool.startswith("romtrack"):
                        fit = romtrack_fit(f"{base}-{repeat}.json", f"{base}-{repeat}.err")
                    else:
                        with open(f"{base}-{repeat}.json") as f:
                            fit = json.load(f)
                    extra = {"fit": fit}
                    fits[tool] = fit
                self.record(tool, clients, repeat, result, **extra)
                if result["status"] != 0:
                    break
        if "romtrack-model" in fits:
            for tool in [t for t in fits if t != "romtrack-model"]:
                checks[tool] = check_model(fits[tool], fits["romtrack-model"], made)
                say(f"{LABEL[tool]}, {clients:,} clients: {checks[tool]['summary']}")
        return made, checks


# --- Checks -------------------------------------------------------------------------------------------------

def check_series(clients_csv, peer_csv):
    """The peer's per-series figures against romtrack's clients.csv, joined on client, episode and instrument."""
    import polars as pl

    def read(path):
        frame = pl.read_csv(path, infer_schema=False, columns=KEYS + ["n_scores", "intake", "latest", "slope",
                                                                      "reliable_change"])
        return frame.with_columns(
            pl.col(KEYS).fill_null(""),
            pl.col("n_scores").cast(pl.Int64),
            pl.col("intake", "latest", "slope").cast(pl.Float64),
            pl.col("reliable_change").fill_null(""),
        )

    ours, theirs = read(clients_csv), read(peer_csv)
    joined = ours.join(theirs, on=KEYS, how="full", suffix="_peer", coalesce=True, nulls_equal=True)

    def differs(column, tolerance=None):
        a, b = pl.col(column), pl.col(column + "_peer")
        if tolerance is None:
            unequal = a.ne_missing(b)
        else:
            unequal = (a.is_null() != b.is_null()) | ((a - b).abs() > tolerance).fill_null(False)
        return unequal

    only_ours = joined.filter(pl.col("n_scores_peer").is_null() & pl.col("n_scores").is_not_null()).height
    only_theirs = joined.filter(pl.col("n_scores").is_null() & pl.col("n_scores_peer").is_not_null()).height
    both = joined.filter(pl.col("n_scores").is_not_null() & pl.col("n_scores_peer").is_not_null())
    conditions = {"n_scores": differs("n_scores"), "intake": differs("intake", SCORE_TOLERANCE),
                  "latest": differs("latest", SCORE_TOLERANCE), "slope": differs("slope", SLOPE_TOLERANCE),
                  "reliable_change": differs("reliable_change")}
    mismatches = {name: both.filter(condition).height for name, condition in conditions.items()}
    any_mismatch = both.filter(pl.any_horizontal(list(conditions.values())))
    examples = [row for row in any_mismatch.head(3).iter_rows(named=True)]
    ok = only_ours == 0 and only_theirs == 0 and not any(mismatches.values())
    summary = (f"{ours.height:,} series equal" if ok else
               f"MISMATCH: {only_ours:,} series only in romtrack's, {only_theirs:,} only in the peer's, "
               + ", ".join(f"{k} differs in {v:,}" for k, v in mismatches.items() if v))
    return {"ok": ok, "series": ours.height, "peer_series": theirs.height, "only_romtrack": only_ours,
            "only_peer": only_theirs, "mismatches": mismatches, "examples": examples, "summary": summary}


def agrees_to_5_digits(value, reference):
    """At most half a unit apart in the fifth significant digit of the reference."""
    if reference == 0:
        return value == 0
    return abs(value - reference) <= 0.5 * 10 ** (math.floor(math.log10(abs(reference))) - 4)


def check_model(fit, reference, made):
    problems = []
    if (fit["groups"], fit["observations"]) != (made["model_groups"], made["model_rows"]):
        problems.append(f"fitted {fit['groups']:,} groups, {fit['observations']:,} observations; "
                        f"the data has {made['model_groups']:,} and {made['model_rows']:,}")
    relative = {k: abs(fit[k] - reference[k]) / abs(reference[k]) for k in FIXED + VARIANCE + ["reml_criterion"]}
    problems += [f"{k} not to 5 significant digits" for k in FIXED if not agrees_to_5_digits(fit[k], reference[k])]
    problems += [f"{k} {relative[k]:.1e} apart" for k in VARIANCE if relative[k] > VARIANCE_TOLERANCE]
    delta = fit["reml_criterion"] - reference["reml_criterion"]
    if delta < -CRITERION_TOLERANCE:
        problems.append(f"REML criterion {delta:+.2g} below romtrack's")
    worst = max(relative[k] for k in FIXED + VARIANCE)
    summary = (f"estimates agree (largest relative difference {worst:.1e}, REML criterion {delta:+.2g})"
               if not problems else "MISMATCH: " + "; ".join(problems))
    return {"ok": not problems, "relative": relative, "criterion_delta": delta, "problems": problems,
            "messages": fit.get("messages", []), "converged": fit.get("converged"), "summary": summary}


# --- The report ---------------------------------------------------------------------------------------------

def median_run(runs):
    ordered = sorted(runs, key=lambda r: r["wall"])
    return ordered[(len(ordered) - 1) // 2]


def summarise(results):
    """One entry per (clients, tool): the median run by wall time, the largest peak RSS, medians of phases."""
    groups = {}
    for run in results["runs"]:
        groups.setdefault((run["clients"], run["tool"]), []).append(run)
    summary = {}
    for key, runs in groups.items():
        if "skipped" in runs[0]:
            summary[key] = {"skipped": runs[0]["skipped"]}
            continue
        failed = [r for r in runs if r["status"] != 0]
        if failed:
            r = failed[0]
            why = "> %g s" % results["limit"] if r["status"] == 124 else f"failed ({r['status']})"
            summary[key] = {"skipped": why, "wall": r["wall"], "load": r["load_before"][0]}
            continue
        middle = median_run(runs)
        entry = {"runs": len(runs), "wall": middle["wall"], "rss_mib": max(r["rss_kib"] for r in runs) / 1024,
                 "cpu": middle["user"] + middle["sys"], "load": middle["load_before"][0],
                 "others": max(r["others_share"] for r in runs if r["wall"] >= 1) if any(r["wall"] >= 1 for r in runs) else None}
        # Every figure of an entry comes from its median run, so that they add up.
        if "phases" in middle:
            entry["phases"] = middle["phases"]
            entry["own"] = sum(v for k, v in entry["phases"].items() if "." not in k)
            entry["rows_after_as_of"] = middle.get("rows_after_as_of", 0)
        if "own" in middle:
            entry["query"] = middle["own"]["query_seconds"]
            entry["write"] = middle["own"]["write_seconds"]
            entry["own"] = entry["query"]
            entry["threads"] = middle["own"].get("threads")
        if "fit" in middle:
            entry["fit"] = middle["fit"]
            entry["own"] = middle["fit"].get("fit_seconds")
        summary[key] = entry
    return summary


def rows_of(made, tool):
    if TASK[tool] == "growth model":
        return made["model_rows"]
    return made["outcomes_rows"] + made["alliance_rows"]


def seconds(x):
    return "—" if x is None else (f"{x:.3f}" if x < 10 else f"{x:,.1f}")


def render(results):
    summary = summarise(results)
    machine = results["machine"]
    sizes = sorted({c for c, _ in summary})
    lines = [
        f"# romtrack side by side with DuckDB, polars, pandas, lme4 and statsmodels, {results['date']}",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']:g} GiB; {machine['os']}.",
        "Versions: " + "; ".join(f"{k} {v}" if not v.startswith(k) else v for k, v in machine["versions"].items()) + ".",
        f"Load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in results['load_start'])} at the start, "
        f"{' '.join(f'{x:.2f}' for x in results['load_end'])} at the end; column *load* is the 1-minute load "
        "average just before the run shown, *others* the largest share of the machine's CPU that other processes "
        "used during the runs of 1 s or more.",
        f"Data: `romtrack generate --clients N --seed {results['seed']}` (outcomes.csv and alliance.csv, about 13 "
        "outcome and 8 alliance scores per client). Every tool reads the files from the page cache (each is read "
        f"once before the timings). Each process runs under a {results['limit']:g} s limit; the table shows the "
        f"median of {results['repeat']} runs by wall time (lme4 and statsmodels: one run) and the largest peak RSS.",
        "",
        "| tool | task | clients | rows | wall s | own s | CPU s | peak RSS MiB | rows/s | ÷ romtrack | load | others | check |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for clients in sizes:
        made = results["data"][str(clients)]
        for tool in [t for t in ORDER if (clients, t) in summary]:
            entry = summary[(clients, tool)]
            rows = rows_of(made, tool)
            if "runs" not in entry:
                wall = entry["skipped"] if entry["skipped"].startswith(">") else "—"
                note = "" if entry["skipped"].startswith(">") else entry["skipped"]
                load = f"{entry['load']:.2f}" if "load" in entry else ""
                lines.append(f"| {LABEL[tool]} | {TASK[tool]} | {clients:,} | {rows:,} | {wall} | | | | | | {load} | | {note} |")
                continue
            reference = summary.get((clients, REFERENCE[tool]), {})
            ratio = f"{entry['wall'] / reference['wall']:.2f}×" if reference.get("wall") and "runs" in reference else "—"
            if tool == REFERENCE[tool]:
                ratio = "1.00×"
            check = results["checks"].get(str(clients), {}).get(tool)
            mark = "" if check is None else ("equal" if TASK[tool] == "per-series" else "agree") if check["ok"] else "**MISMATCH**"
            if tool == "romtrack":
                mark = "reference"
            if tool == "romtrack-model":
                mark = "reference"
            others = "—" if entry["others"] is None else f"{100 * entry['others']:.0f} %"
            lines.append(
                f"| {LABEL[tool]} | {TASK[tool]} | {clients:,} | {rows:,} | {seconds(entry['wall'])} "
                f"| {seconds(entry.get('own'))} | {seconds(entry['cpu'])} | {entry['rss_mib']:,.0f} | {rows / entry['wall']:,.0f} | {ratio} "
                f"| {entry['load']:.2f} | {others} | {mark} |")
    lines += ["", *goal_lines(results, summary), "", *column_notes(), "", *phase_table(results, summary),
              "", *series_detail(results, summary), "", *model_detail(results, summary)]
    return "\n".join(lines) + "\n", summary


def column_notes():
    return [
        "Columns: *rows* is the data rows read (both files; for the growth model the PHQ9 scores fitted); *wall s* "
        "the whole process from start to exit; *own s* the tool's own time: romtrack report the sum of its phases "
        "(manifest.json), DuckDB, polars and pandas the read and the per-series computation with the result in memory "
        "(no interpreter start-up, no import, no writing), the model rows their fit alone; *CPU s* user + system time (on a "
        "busy machine a steadier measure of the work than wall time); *rows/s* rows ÷ wall; "
        "*÷ romtrack* wall ÷ romtrack's wall at the same size (the floor and the per-series peers against "
        "`romtrack report`, the model rows against `romtrack model` on outcomes.csv): above 1 is slower than romtrack.",
        "",
        "The per-series peers compute n_scores, intake, latest, slope and reliable_change for every series "
        "(client_id, episode_id, instrument) and write them to CSV; *check* compares them with romtrack's clients.csv "
        "(scores to 0.005, slopes to 0.00005, the rest exactly). `romtrack report` does all of that and much more "
        "(validation, the rejects, clinical significance, Talking Therapies flags, log-linear trajectories, "
        f"stagnation, sudden gains, ruptures, a growth model per outcome instrument, four files). The model "
        "check: fixed effects to 5 significant digits, SDs, correlation and residual SD within "
        f"{VARIANCE_TOLERANCE:g} relative, the peer's REML criterion not below romtrack's by more than "
        f"{CRITERION_TOLERANCE:g}.",
    ]


def goal_lines(results, summary):
    lines = ["Goals:"]
    sizes = sorted({c for c, _ in summary})
    big = max((c for c in sizes if "runs" in summary.get((c, "romtrack"), {})), default=None)
    if big is not None:
        entry = summary[(big, "romtrack")]
        lines.append(f"- `romtrack report` at {big:,} clients: {entry['wall']:.2f} s wall (goal < 10 s: "
                     f"{'met' if entry['wall'] < 10 else 'not met'}), peak RSS {entry['rss_mib'] / 1024:.2f} GiB "
                     f"(goal < 4 GiB: {'met' if entry['rss_mib'] < 4096 else 'not met'})"
                     + ("" if big == 1000000 else "; the goal is set at 1,000,000 clients") + ".")
    for clients in sizes:
        ours, duck = summary.get((clients, "romtrack"), {}), summary.get((clients, "duckdb"), {})
        if "runs" in ours and "runs" in duck:
            x = duck["query"] / ours["wall"]
            lines.append(f"- {clients:,} clients: DuckDB's per-series query alone takes {duck['query']:.2f} s, "
                         f"{x:.2f}× romtrack's whole report ({ours['wall']:.2f} s wall) (goal ≥ 2×: "
                         f"{'met' if x >= 2 else 'not met'}); DuckDB's whole process {duck['wall']:.2f} s.")
    finished = [c for c in sizes if "runs" in summary.get((c, "lme4"), {}) and "runs" in summary.get((c, "romtrack-model"), {})]
    if finished:
        clients = max(finished)
        lme4, ours = summary[(clients, "lme4")], summary[(clients, "romtrack-model")]
        same = summary.get((clients, "romtrack-model-csv"), {})
        bases = [("wall time", lme4["wall"] / ours["wall"])]
        if "runs" in same:
            bases.append(("wall time reading the same CSV", lme4["wall"] / same["wall"]))
        if lme4.get("own") and ours.get("own"):
            bases.append(("fit time", lme4["own"] / ours["own"]))
        lines.append(f"- {clients:,} clients (the largest size lme4 finished): lme4 takes "
                     + ", ".join(f"{x:,.0f}× romtrack model's {basis}" for basis, x in bases)
                     + f" (goal ≥ 50×: {'met' if bases[0][1] >= 50 else 'not met'} on wall time"
                     + "".join(f", {'met' if x >= 50 else 'not met'} on {basis}" for basis, x in bases[1:]) + ").")
    failed = [f"{LABEL[t]} at {int(c):,}" for c, tools in results["checks"].items() for t, v in tools.items() if not v["ok"]]
    lines.append("- Checks: " + ("**failed**: " + ", ".join(failed) if failed else "every peer's results equal or agree with romtrack's") + ".")
    busy = [f"{LABEL[t]} at {c:,}" for (c, t), s in sorted(summary.items()) if (s.get("others") or 0) > 0.05]
    if busy:
        lines.append("- Other processes used more than 5 % of the machine's CPU during: " + ", ".join(busy)
                     + ". Rerun on a quiet machine before drawing fine conclusions.")
    return lines


def phase_table(results, summary):
    stages = ["ingest", "ingest.parse", "ingest.merge", "series", "analyse", "expected response", "aggregate",
              "write files", "write clinician pages"]
    rows = []
    for clients in sorted({c for c, _ in summary}):
        entry = summary.get((clients, "romtrack"), {})
        if "phases" not in entry:
            continue
        phases = entry["phases"]
        extra = [s for s in phases if s not in stages]
        stages += [s for s in extra if s not in stages]
        rows.append((clients, entry))
    if not rows:
        return []
    lines = ["## Where `romtrack report` spends its time",
             "",
             "The phases of the median run, from the report's manifest.json (`timings`), with their share of the "
             "wall time; *ingest.parse* and "
             "*ingest.merge* are parts of *ingest*. *sum* adds the top-level phases; the rest of *wall* is "
             "start-up, the registry and the configuration, and the output folder's rename.",
             "",
             "| clients | rows | " + " | ".join(stages) + " | sum | wall | peak RSS MiB |",
             "|--:|--:|" + "--:|" * len(stages) + "--:|--:|--:|"]
    for clients, entry in rows:
        made = results["data"][str(clients)]
        cells = []
        for s in stages:
            value = entry["phases"].get(s)
            share = "" if value is None or "." in s else f" ({100 * value / entry['wall']:.0f} %)"
            cells.append("—" if value is None else f"{value:.3f}{share}")
        lines.append(f"| {clients:,} | {rows_of(made, 'romtrack'):,} | " + " | ".join(cells)
                     + f" | {entry['own']:.3f} | {entry['wall']:.3f} | {entry['rss_mib']:,.0f} |")
    after = [e.get("rows_after_as_of", 0) for _, e in rows]
    if any(after):
        lines.append("")
        lines.append("Note: some rows are dated after the period; the peers do not filter them (romtrack does).")
    return lines


def series_detail(results, summary):
    lines = ["## Per-series peers in detail", "",
             "| tool | clients | series | read + compute s | write s | wall s | start-up and import s | threads | check |",
             "|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for clients in sorted({c for c, _ in summary}):
        for tool in SERIES_PEERS:
            entry = summary.get((clients, tool), {})
            if "runs" not in entry:
                continue
            check = results["checks"].get(str(clients), {}).get(tool, {})
            lines.append(f"| {LABEL[tool]} | {clients:,} | {check.get('peer_series', 0):,} | {entry['query']:.3f} "
                         f"| {entry['write']:.3f} | {entry['wall']:.3f} "
                         f"| {entry['wall'] - entry['query'] - entry['write']:.3f} | {entry.get('threads') or '—'} "
                         f"| {check.get('summary', '—')} |")
    lines += ["", "pandas reads with the pyarrow engine (multi-threaded) and computes on one thread. None of the "
              "peers filters by the as-of date: every generated row falls within the period (`rows_after_as_of` "
              "is 0 in romtrack's manifest)."]
    return lines


def model_detail(results, summary):
    names = FIXED + VARIANCE + ["reml_criterion"]
    lines = ["## Growth model estimates", "",
             "`score ~ session + (session | series)` by REML on the PHQ9 series with at least 3 scores. In brackets "
             "the relative difference to `romtrack model`.", "",
             "| tool | clients | groups | observations | " + " | ".join(names) + " | criterion − romtrack | check |",
             "|---|--:|--:|--:|" + "--:|" * len(names) + "--:|---|"]
    for clients in sorted({c for c, _ in summary}):
        reference = summary.get((clients, "romtrack-model"), {}).get("fit")
        for tool in ["romtrack-model", *MODEL_PEERS]:
            entry = summary.get((clients, tool), {})
            if "fit" not in entry:
                continue
            fit = entry["fit"]
            cells = []
            for k in names:
                cell = f"{fit[k]:.10g}" if k == "reml_criterion" else f"{fit[k]:.7g}"
                if tool != "romtrack-model" and reference:
                    cell += f" ({abs(fit[k] - reference[k]) / abs(reference[k]):.0e})"
                cells.append(cell)
            check = results["checks"].get(str(clients), {}).get(tool)
            delta = f"{check['criterion_delta']:+.2e}" if check else ""
            notes = check["summary"] if check else "reference"
            if check and check.get("messages"):
                notes += "; warnings: " + "; ".join(" ".join(str(m).split()) for m in check["messages"])
            lines.append(f"| {LABEL[tool]} | {clients:,} | {fit['groups']:,} | {fit['observations']:,} | "
                         + " | ".join(cells) + f" | {delta} | {notes.replace('|', '/')} |")
    return lines


# --- Main ---------------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(prog="Benchmarks/compare", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="clients per practice (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool and size, except lme4 and "
                        "statsmodels (one); the table shows the median (default %(default)s)")
    parser.add_argument("--limit", type=float, default=600, help="time limit of one process in seconds; a tool "
                        "over it is skipped at the bigger sizes (default %(default)g)")
    parser.add_argument("--seed", type=int, default=7, help="seed of romtrack generate (default %(default)s)")
    parser.add_argument("--tools", default=",".join(ALL_TOOLS), help="which rows to run (default: all: %(default)s)")
    parser.add_argument("--results-dir", default=os.path.join(ROOT, "Benchmarks", "results"))
    parser.add_argument("--name", help="file name of the results, without .md or .json (default compare-<date>)")
    parser.add_argument("--report-only", metavar="JSON", nargs="?", const="",
                        help="write the table again from a results JSON (default: the last run's)")
    parser.add_argument("--romtrack", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = os.path.join(ROOT, "Benchmarks", "work", "compare")
    os.makedirs(work, exist_ok=True)
    last = os.path.join(work, "last-run.json")

    if args.report_only is not None:
        with open(args.report_only or last) as f:
            results = json.load(f)
    else:
        args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
        unknown = [t for t in args.tools if t not in ALL_TOOLS]
        if unknown or not args.romtrack:
            parser.error(f"unknown tools {unknown}" if unknown else "run through Benchmarks/compare")
        results = {"date": datetime.date.today().isoformat(), "seed": args.seed, "limit": args.limit,
                   "repeat": args.repeat, "tools": args.tools, "load_start": load_average(),
                   "machine": describe_machine(args.romtrack),
                   "registry": registry(args.romtrack, os.path.join(work, "registry.json")),
                   "data": {}, "checks": {}, "runs": []}
        bench = Bench(args, args.romtrack, work)
        for clients in [int(s) for s in args.sizes.split(",")]:
            made, checks = bench.size(clients)
            results["data"][str(clients)] = made
            results["checks"][str(clients)] = checks
            results["runs"] = bench.runs
            with open(last, "w") as f:   # after every size, so that an interrupted run keeps what it measured
                json.dump({**results, "load_end": load_average()}, f, indent=1)
        bench.finish()
        results["load_end"] = load_average()
        with open(last, "w") as f:
            json.dump(results, f, indent=1)

    text, _ = render(results)
    os.makedirs(args.results_dir, exist_ok=True)
    base = os.path.join(args.results_dir, args.name or f"compare-{results['date']}")
    with open(base + ".md", "w") as f:
        f.write(text)
    with open(base + ".json", "w") as f:
        json.dump(results, f, indent=1)
    print(text)
    say(f"wrote {base}.md and .json")
    failed = any(not v["ok"] for tools in results["checks"].values() for v in tools.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
