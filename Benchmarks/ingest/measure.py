#!/usr/bin/env python3
"""Ingest benchmark harness: romtrack against polars and pyarrow on the same CSV files.

Two subcommands, both called by Benchmarks/ingest/run:

  data   make (or reuse) a scores.csv of about N rows in the work folder and
         print its path. By default `romtrack generate` writes it; the hidden
         --fake-data option writes a file of the same layout in Python instead,
         so the harness can be exercised before romtrack exists.
  bench  time every contender on the given files, each run in its own process
         (wall time with time.perf_counter, peak RSS from os.wait4's ru_maxrss),
         print a Markdown table and write it as Markdown and JSON.

The page cache is not dropped (that needs root); each file is read once before
the first timed run, so every contender reads from a warm cache.
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import random
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = "client_id,episode_id,clinician_id,site,instrument,session,date,score,episode_end"
ROWS_PER_CLIENT = 20  # what `romtrack generate` writes per client, roughly
ROW_TOLERANCE = 0.05  # regenerate once when the row count is further off than this
CHUNK = 16 << 20
PR_SET_CHILD_SUBREAPER = 36
BUSY_SHARE = 0.05  # share of the CPU used by others above which the results carry a warning
PEERS = Path(__file__).resolve().with_name("peers.py")


# --------------------------------------------------------------------------- data


def log(message):
    print(message, file=sys.stderr, flush=True)


def count_rows(path):
    """Data rows in a CSV file: newline count, minus the header line."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def write_fake_data(path, rows, seed):
    """Write exactly `rows` plausible rows in romtrack's combined scores layout.

    A stand-in for `romtrack generate`: 1-3 episodes per client, 6-14 roughly
    weekly sessions per episode (about 20 rows per client), scores drifting
    down within the instrument's range, and about one open episode in ten
    (empty episode_end).
    """
    rng = random.Random(seed)
    sites = ("North", "South", "East", "West", "Central")
    instruments = (("PHQ9", 27), ("GAD7", 21), ("CORE10", 40))
    first_day = datetime.date(2023, 1, 2).toordinal()
    iso = {}

    def day(ordinal):
        text = iso.get(ordinal)
        if text is None:
            text = iso[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
        return text

    written = 0
    client = 0
    with open(path, "w", encoding="ascii", newline="\n", buffering=CHUNK) as out:
        out.write(HEADER + "\n")
        while written < rows:
            client_id = f"C{client:06d}"
            clinician = f"T{rng.randint(1, 40):02d}"
            site = rng.choice(sites)
            start = first_day + rng.randint(0, 900)
            for episode in range(1, rng.randint(1, 3) + 1):
                instrument, top = rng.choice(instruments)
                score = rng.randint(top * 2 // 5, top * 4 // 5)
                sessions = rng.randint(6, 14)
                dates = [start]
                for _ in range(sessions - 1):
                    dates.append(dates[-1] + rng.choice((6, 7, 7, 7, 8, 14)))
                end_ordinal = dates[-1] + rng.randint(0, 28)
                end = "" if rng.random() < 0.1 else day(end_ordinal)
                lines = []
                for session, ordinal in enumerate(dates, start=1):
                    lines.append(
                        f"{client_id},E{episode},{clinician},{site},{instrument},"
                        f"{session},{day(ordinal)},{score},{end}\n"
                    )
                    score = min(top, max(0, score + rng.randint(-3, 2)))
                lines = lines[: rows - written]
                out.write("".join(lines))
                written += len(lines)
                if written >= rows:
                    break
                start = end_ordinal + rng.randint(30, 240)
            client += 1
    return client


def generate_with_romtrack(romtrack, rows, seed, folder):
    """Run `romtrack generate`; rescale the client count and regenerate once if far off."""
    clients = max(1, round(rows / ROWS_PER_CLIENT))
    for attempt in (1, 2):
        out_dir = folder / f"generate-{attempt}"  # fresh, not yet existing
        command = [romtrack, "generate", "--clients", str(clients), "--seed", str(seed),
                   "--combined", "--out", str(out_dir)]
        log(f"data: {shlex.join(command)}")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        produced = out_dir / "scores.csv"
        actual = count_rows(produced)
        if abs(actual - rows) <= ROW_TOLERANCE * rows or attempt == 2:
            return produced, clients, actual
        log(f"data: {actual:,} rows for {rows:,} wanted; regenerating once")
        clients = max(1, round(clients * rows / max(actual, 1)))
    raise AssertionError("unreachable")


def prepare_data(work_dir, rows, seed, romtrack=None):
    """Return the path of a scores.csv of about `rows` rows, reusing a matching one."""
    source = "romtrack" if romtrack else "fake"
    final = Path(work_dir) / f"{source}-rows{rows}-seed{seed}"
    data, meta_path = final / "scores.csv", final / "meta.json"
    if meta_path.is_file() and data.is_file():
        meta = json.loads(meta_path.read_text())
        if (meta.get("target_rows"), meta.get("seed"), meta.get("source")) == (rows, seed, source) \
                and meta.get("bytes") == data.stat().st_size:
            log(f"data: reusing {data} ({meta['rows']:,} rows)")
            return data
    shutil.rmtree(final, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=final.parent))
    try:
        start = time.perf_counter()
        if romtrack:
            produced, clients, actual = generate_with_romtrack(romtrack, rows, seed, partial)
            produced.rename(partial / "scores.csv")
            shutil.rmtree(produced.parent)
        else:
            log(f"data: writing {rows:,} fake rows (Python stand-in for romtrack generate)")
            clients = write_fake_data(partial / "scores.csv", rows, seed)
            actual = rows
        meta = {
            "source": source,
            "generator": "romtrack generate --combined" if romtrack else "measure.py write_fake_data",
            "target_rows": rows, "rows": actual, "clients": clients, "seed": seed,
            "bytes": (partial / "scores.csv").stat().st_size,
            "seconds": round(time.perf_counter() - start, 2),
        }
        (partial / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        partial.rename(final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    log(f"data: {data} ({meta['rows']:,} rows, {meta['bytes'] / 1e6:,.1f} MB)")
    return data


def read_meta(data):
    """The meta.json next to a data file, or what can be learned from the file itself."""
    meta_path = Path(data).with_name("meta.json")
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == Path(data).stat().st_size:
            return meta
    return {"source": "unknown", "generator": "unknown", "rows": count_rows(data),
            "bytes": Path(data).stat().st_size, "seed": None}


# --------------------------------------------------------------------------- running


def warm_cache(path):
    """Read the whole file once so every timed run starts from a warm page cache."""
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as handle:
        while handle.read(CHUNK):
            pass
    return time.perf_counter() - start


def cpu_seconds():
    """(machine-wide busy CPU seconds, wall clock, this harness's and its children's CPU seconds)."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    mine = sum(getattr(resource.getrusage(who), field)
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))
    return busy, time.monotonic(), mine


def other_cpu_share(before, after):
    """Share of all cores' time that processes other than the benchmark used in between."""
    busy, wall, mine = (end - start for start, end in zip(before, after))
    capacity = wall * len(os.sched_getaffinity(0))
    return max(0.0, busy - mine) / capacity if capacity > 0 else 0.0


def become_subreaper():
    """Adopt orphaned descendants (Linux prctl PR_SET_CHILD_SUBREAPER); True on success.

    Why: a child's ru_maxrss starts from its parent's peak RSS, because the
    child is cloned from the parent's memory before it execs. Spawned straight
    from this Python process, even `true` would show about 14 MiB. So each
    contender is started by a throw-away `sh` (about 1 MiB) that backgrounds it
    and exits; the contender is re-parented to us, and os.wait4 on it reports
    its own peak RSS.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def run_once(command, via_sh):
    """Run one process; return wall time, peak RSS (KiB), exit code, stdout and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        argv = ["sh", "-c", '"$@" &', "sh", *command] if via_sh else command
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        if via_sh:  # the launcher has exited; now the contender itself
            _, status, usage = os.wait4(-1, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": wall,
            "maxrss_kib": usage.ru_maxrss,
            "exit": os.waitstatus_to_exitcode(status),
            "stdout": out.read(1 << 20).decode(errors="replace"),
            "stderr": err.read(1 << 16).decode(errors="replace"),
        }


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def contenders(path, romtrack=None, romtrack_cmd=None):
    """(name, kind, command) for every contender on one file."""
    path = str(path)
    found = [("floor: wc -l", "floor", ["wc", "-l", path])]
    if romtrack_cmd:
        line = romtrack_cmd.replace("{file}", shlex.quote(path)) if "{file}" in romtrack_cmd \
            else f"{romtrack_cmd} {shlex.quote(path)}"
        found.append((f"romtrack (stand-in: {romtrack_cmd})", "stand-in", ["sh", "-c", f"exec {line}"]))
    elif romtrack:
        found.append(("romtrack validate", "romtrack",
                      [romtrack, "validate", path, "--quiet", "--json-summary"]))
    for peer in ("polars", "pyarrow"):
        found.append((peer, "peer", [sys.executable, str(PEERS), peer, path]))
    return found


def interpret(kind, run, file_rows):
    """Rows read and in-process read time from one run's output.

    For romtrack the in-process time is its ingest phase (parse and merge into columns, from
    --json-summary), the counterpart of the peers' read call; its wall time also covers grouping the
    rows into series and checking duplicates, which the peers do not do."""
    if kind == "romtrack":
        summary = last_json_line(run["stdout"]) or {}
        ingest = (summary.get("timings") or {}).get("ingest")
        return summary.get("rows_read"), ingest, summary
    if kind == "peer":
        report = last_json_line(run["stdout"]) or {}
        return report.get("rows"), report.get("read_s"), report
    return file_rows, None, {}


def bench_file(path, repeat, warmup, romtrack, romtrack_cmd, via_sh):
    """Time all contenders on one file: `warmup` untimed rounds, then `repeat` timed ones.

    Contenders are interleaved round by round so drift hits them all alike.
    """
    meta = read_meta(path)
    file_bytes = Path(path).stat().st_size
    warm_s = warm_cache(path)
    log(f"bench: {path}: {meta['rows']:,} rows, {file_bytes / 1e6:,.1f} MB, "
        f"warm-up read {warm_s:.2f} s")
    entries = [{"tool": name, "kind": kind, "command": shlex.join(command), "runs": [],
                "_command": command}
               for name, kind, command in contenders(path, romtrack, romtrack_cmd)]
    for round_number in range(1 - warmup, repeat + 1):
        for entry in entries:
            run = run_once(entry["_command"], via_sh)
            rows, read_s, extra = interpret(entry["kind"], run, meta["rows"])
            shown = f", read {read_s:.3f} s" if read_s is not None else ""
            label = f"{round_number}/{repeat}" if round_number > 0 else "warm-up"
            log(f"  [{label}] {entry['tool']}: wall {run['wall_s']:.3f} s{shown}, "
                f"RSS {run['maxrss_kib'] / 1024:,.0f} MiB, exit {run['exit']}")
            if round_number <= 0:
                continue
            entry["runs"].append({"wall_s": run["wall_s"], "read_s": read_s,
                                  "maxrss_kib": run["maxrss_kib"], "exit": run["exit"],
                                  "rows": rows})
            if extra:
                entry["output"] = extra
            if run["exit"] != 0:
                entry["error"] = run["stderr"].strip().splitlines()[-5:]
    for entry in entries:
        del entry["_command"]
        summarize(entry, meta, file_bytes)
    polars = next(entry for entry in entries if entry["tool"] == "polars")
    for entry in entries:
        if entry.get("basis_s") and polars.get("basis_s"):
            entry["x_polars"] = polars["basis_s"] / entry["basis_s"]
    return {"file": str(path), "file_bytes": file_bytes, "data": meta,
            "warm_up_read_s": warm_s, "contenders": entries}


def summarize(entry, meta, file_bytes):
    """Medians over successful runs; peak RSS is the largest over all runs."""
    good = [run for run in entry["runs"] if run["exit"] == 0]
    entry["ok"] = len(good) == len(entry["runs"])
    entry["peak_rss_mib"] = max(run["maxrss_kib"] for run in entry["runs"]) / 1024
    entry["rss_over_file"] = entry["peak_rss_mib"] * 1024 * 1024 / file_bytes
    if not good:
        return
    rows = {run["rows"] for run in good}
    entry["rows"] = rows.pop() if len(rows) == 1 else None
    entry["rows_match_file"] = entry["rows"] == meta["rows"]
    entry["wall_s"] = statistics.median(run["wall_s"] for run in good)
    reads = [run["read_s"] for run in good if run["read_s"] is not None]
    entry["read_s"] = statistics.median(reads) if len(reads) == len(good) else None
    entry["basis_s"] = entry["read_s"] if entry["read_s"] is not None else entry["wall_s"]
    entry["mb_per_s"] = file_bytes / 1e6 / entry["basis_s"]
    entry["rows_per_s"] = meta["rows"] / entry["basis_s"]


# --------------------------------------------------------------------------- machine


def first_line(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if done.returncode == 0 and text else None


def machine_info(romtrack, romtrack_cmd):
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    os_name = platform.system()
    if Path("/etc/os-release").is_file():
        fields = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines()
                      if "=" in line)
        os_name = fields.get("PRETTY_NAME", os_name).strip('"')
    peers = json.loads(first_line([sys.executable, str(PEERS), "versions"]) or "{}")
    if romtrack_cmd:
        romtrack_version = f"stand-in ({romtrack_cmd})"
    elif romtrack:
        romtrack_version = first_line([romtrack, "--version"]) or "unknown version"
    else:
        romtrack_version = "not run"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "os": os_name,
        "kernel": platform.release(),
        "python": peers.get("python", platform.python_version()),
        "polars": peers.get("polars"), "polars_threads": peers.get("polars_threads"),
        "pyarrow": peers.get("pyarrow"), "pyarrow_threads": peers.get("pyarrow_threads"),
        "romtrack": romtrack_version,
        "wc": first_line(["wc", "--version"]),
    }


def machine_line(m):
    return (f"{m['cpu']} · {m['cores']} cores ({m['usable_cores']} usable) · "
            f"{m['memory_gib']} GiB RAM · {m['os']} · Linux {m['kernel']} · "
            f"Python {m['python']} · polars {m['polars']} ({m['polars_threads']} threads) · "
            f"pyarrow {m['pyarrow']} ({m['pyarrow_threads']} threads) · "
            f"romtrack {m['romtrack']} · {m['wc']}")


# --------------------------------------------------------------------------- report


def cell(value, spec, missing="–"):
    return missing if value is None else format(value, spec)


def render_markdown(report):
    lines = [f"# romtrack ingest benchmark, {report['date']}", "",
             f"**Machine:** {machine_line(report['machine'])}", "",
             f"**Method:** {report['warmup']} untimed warm-up round(s), then the median of "
             f"{report['repeat']} timed run(s) per contender (contenders interleaved "
             "round by round), each run a fresh process. "
             "**Warm page cache:** the cache is not dropped; each file is read once "
             "before the first timed run. **Peak RSS:** `ru_maxrss` from `os.wait4` on "
             "the contender's own process, "
             + ("started by a throw-away `sh` so the harness's memory is not counted; "
                if report["rss_via_sh"] else
                "spawned from the harness, so it includes the harness's own memory; ")
             + f"`true` measures {report['rss_floor_kib'] / 1024:.1f} MiB this way. "
             f"**Other processes** used {report['other_cpu']:.0%} of the machine's CPU "
             "during the measurements.", ""]
    if report["other_cpu"] > BUSY_SHARE:
        lines += ["**Warning:** other work was running on the machine during this run; "
                  "the times are less trustworthy than usual.", ""]
    for result in report["results"]:
        data = result["data"]
        lines.append(f"- `{Path(result['file']).name}` ({data['rows']:,} rows, "
                     f"{result['file_bytes'] / 1e6:,.1f} MB): {data['generator']}"
                     + (f", seed {data['seed']}" if data.get("seed") is not None else ""))
    lines += ["", "| tool | rows | file MB | wall s | read s | MB/s | rows/s | "
              "peak RSS MiB | RSS / file | × polars |",
              "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    notes = []
    for result in report["results"]:
        for entry in result["contenders"]:
            tool = entry["tool"]
            if not entry["ok"]:
                tool += " (failed)"
                notes.append(f"{entry['tool']} on {Path(result['file']).name} failed: "
                             + " / ".join(entry.get("error") or ["no stderr"]))
            elif not entry.get("rows_match_file", True):
                tool += " (row count differs)"
                notes.append(f"{entry['tool']} reported {entry.get('rows')} rows; "
                             f"the file has {result['data']['rows']:,}")
            lines.append("| " + " | ".join([
                tool, f"{result['data']['rows']:,}", f"{result['file_bytes'] / 1e6:,.1f}",
                cell(entry.get("wall_s"), ".3f"), cell(entry.get("read_s"), ".3f"),
                cell(entry.get("mb_per_s"), ",.1f"), cell(entry.get("rows_per_s"), ",.0f"),
                cell(entry.get("peak_rss_mib"), ",.1f"), cell(entry.get("rss_over_file"), ".2f"),
                cell(entry.get("x_polars"), ".2f"),
            ]) + " |")
    lines += ["",
              "*wall s*: whole process, start to exit (for the Python readers this includes "
              "interpreter start-up and the import; for romtrack, reading, validating, grouping "
              "into series and checking duplicates). *read s*: in-process time of reading the "
              "file into columns: the Python readers' read call, romtrack's ingest phase (from "
              "its `--json-summary` timings). *MB/s*, *rows/s* and *× polars* "
              "(polars' time ÷ this tool's time; above 1 is faster) use *read s* where "
              "there is one, else *wall s*. *peak RSS*: the largest `ru_maxrss` over the runs, "
              "from `os.wait4`. MB = 10⁶ bytes; MiB = 2²⁰ bytes.", ""]
    lines += render_goals(report)
    if notes:
        lines += ["**Problems:**", ""] + [f"- {note}" for note in notes] + [""]
    return "\n".join(lines)


def render_goals(report):
    """The issue's targets, checked for the romtrack row (or its stand-in)."""
    lines = ["**Goals** (from the issue): romtrack at least 2× polars, "
             "peak RSS under 1.5× the file size.", ""]
    for result in report["results"]:
        entry = next((e for e in result["contenders"] if e["kind"] in ("romtrack", "stand-in")),
                     None)
        if entry is None or not entry["ok"] or entry.get("x_polars") is None:
            lines.append(f"- {result['data']['rows']:,} rows: no romtrack result")
            continue
        speed = "met" if entry["x_polars"] >= 2 else "not met"
        memory = "met" if entry["rss_over_file"] < 1.5 else "not met"
        caveat = " (stand-in command, not romtrack)" if entry["kind"] == "stand-in" else ""
        lines.append(f"- {result['data']['rows']:,} rows: speed {entry['x_polars']:.2f}× polars, "
                     f"{speed}; peak RSS {entry['rss_over_file']:.2f}× file, {memory}{caveat}")
    return lines + [""]


def to_json(report):
    return json.dumps(report, indent=2, default=str) + "\n"


# --------------------------------------------------------------------------- commands


def command_data(args):
    if not args.fake_data and not args.romtrack:
        sys.exit("measure.py data: give --romtrack BIN (or --fake-data)")
    path = prepare_data(args.work_dir, args.rows, args.seed,
                        None if args.fake_data else args.romtrack)
    print(path)


def command_bench(args):
    if not (args.romtrack or args.romtrack_cmd):
        log("bench: no romtrack binary or stand-in given; timing the others only")
    via_sh = become_subreaper()
    if not via_sh:
        log("bench: cannot become a child subreaper; peak RSS includes this harness's own")
    cpu_before = cpu_seconds()
    report = {
        "benchmark": "ingest",
        "date": args.date,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "cache": "warm (each file read once before timing; cache not dropped)",
        "machine": machine_info(args.romtrack, args.romtrack_cmd),
        "rss_via_sh": via_sh,
        "rss_floor_kib": run_once(["true"], via_sh)["maxrss_kib"],
        "results": [bench_file(path, args.repeat, args.warmup, args.romtrack,
                               args.romtrack_cmd, via_sh)
                    for path in args.files],
    }
    report["other_cpu"] = other_cpu_share(cpu_before, cpu_seconds())
    markdown = render_markdown(report)
    for target, text in ((args.md, markdown + "\n"), (args.json, to_json(report))):
        if target:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_text(text)
            log(f"bench: wrote {target}")
    print(markdown)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    data = commands.add_parser("data", help="make or reuse a data file; print its path")
    data.add_argument("--rows", type=int, required=True, help="target number of data rows")
    data.add_argument("--seed", type=int, default=7)
    data.add_argument("--work-dir", type=Path, required=True)
    data.add_argument("--romtrack", help="romtrack binary used to generate the data")
    data.add_argument("--fake-data", action="store_true", help=argparse.SUPPRESS)
    data.set_defaults(handler=command_data)

    bench = commands.add_parser("bench", help="time every contender on the files")
    bench.add_argument("files", nargs="+", type=Path)
    bench.add_argument("--repeat", type=int, default=3)
    bench.add_argument("--warmup", type=int, default=1,
                       help="untimed rounds before the timed ones (default 1)")
    bench.add_argument("--romtrack", help="romtrack binary to time")
    bench.add_argument("--romtrack-cmd", help=argparse.SUPPRESS)
    bench.add_argument("--md", type=Path, help="write the Markdown table here")
    bench.add_argument("--json", type=Path, help="write the full results here")
    bench.add_argument("--date", default=datetime.date.today().isoformat())
    bench.set_defaults(handler=command_bench)

    args = parser.parse_args(argv)
    if getattr(args, "repeat", 1) < 1 or getattr(args, "warmup", 0) < 0:
        parser.error("--repeat must be at least 1 and --warmup at least 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    args.handler(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
