#!/usr/bin/env python3
"""Peer CSV readers for the romtrack ingest benchmark.

Each invocation reads one file with one reader and prints a single JSON line:

    {"tool": "polars", "version": "...", "threads": 2, "rows": 1000000,
     "columns": 9, "read_s": 0.41}

`read_s` covers the read call only (time.perf_counter around it); interpreter
start-up and the library import are outside it. measure.py times the whole
process separately, so the table can show both.

Usage:
    peers.py polars FILE
    peers.py pyarrow FILE
    peers.py versions
"""

import argparse
import json
import sys
import time


def read_polars(path):
    """Read with polars' eager reader, multi-threaded by default."""
    import polars as pl

    start = time.perf_counter()
    frame = pl.read_csv(path, try_parse_dates=True)
    read_s = time.perf_counter() - start
    return {
        "tool": "polars",
        "version": pl.__version__,
        "threads": pl.thread_pool_size(),
        "rows": frame.height,
        "columns": frame.width,
        "read_s": read_s,
    }


def read_pyarrow(path):
    """Read with pyarrow.csv, multi-threaded by default."""
    import pyarrow
    import pyarrow.csv

    start = time.perf_counter()
    table = pyarrow.csv.read_csv(path)
    read_s = time.perf_counter() - start
    return {
        "tool": "pyarrow",
        "version": pyarrow.__version__,
        "threads": pyarrow.cpu_count(),
        "rows": table.num_rows,
        "columns": table.num_columns,
        "read_s": read_s,
    }


def versions():
    """Library versions and thread-pool sizes, without reading anything."""
    import polars as pl
    import pyarrow

    return {
        "python": sys.version.split()[0],
        "polars": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "pyarrow": pyarrow.__version__,
        "pyarrow_threads": pyarrow.cpu_count(),
    }


READERS = {"polars": read_polars, "pyarrow": read_pyarrow}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reader", choices=[*READERS, "versions"])
    parser.add_argument("file", nargs="?", help="CSV file to read")
    args = parser.parse_args(argv)

    if args.reader == "versions":
        result = versions()
    elif args.file is None:
        parser.error(f"{args.reader} needs a FILE")
    else:
        result = READERS[args.reader](args.file)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
