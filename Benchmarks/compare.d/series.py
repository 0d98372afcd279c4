"""Per-series figures of romtrack's clients.csv, computed the way an analyst would in DuckDB, polars
or pandas, from the same outcome and alliance CSV files.

For each series (client_id, episode_id, instrument), over the rows with a score:
  n_scores         the number of scores (missing scores, empty or NA, do not count)
  intake, latest   the score at the first and at the last session
  slope            least-squares slope of score on session (empty with fewer than two sessions)
  reliable_change  improved / unchanged / deteriorated from the registry's fixed points: the change in
                   the better direction, dir * (latest - intake), reaches +points or -points
                   (inclusive); empty for fewer than two scores or an instrument without points

Usage: python3 series.py duckdb|polars|pandas --outcomes F --alliance F --registry R.json --out OUT.csv

Prints one JSON object: the library's version, the time of reading and computing (query_seconds, the
result held in memory) and of writing OUT.csv (write_seconds), and the number of series. The start-up
of the interpreter and the import of the library are left out of both.
"""

import argparse
import json
import sys
import time

KEYS = ["client_id", "episode_id", "instrument"]
COLUMNS = KEYS + ["session", "score"]
OUTPUT = KEYS + ["n_scores", "intake", "latest", "slope", "reliable_change"]


def instruments_with_points(registry):
    """(name, direction, points) of every instrument with fixed reliable-change points."""
    return [(i["name"], i["direction"], i["points"]) for i in registry if i["points"] is not None]


def with_duckdb(files, registry, out):
    import duckdb

    con = duckdb.connect()
    values = ", ".join(f"('{name}', {direction}, {points})" for name, direction, points in instruments_with_points(registry))
    paths = ", ".join(f"'{f}'" for f in files)
    query = f"""
        WITH points(instrument, direction, points) AS (VALUES {values}),
        scores AS (
            SELECT client_id, episode_id, instrument, session, score
            FROM read_csv([{paths}], header = true, nullstr = ['', 'NA'],
                          types = {{'client_id': 'VARCHAR', 'episode_id': 'VARCHAR', 'instrument': 'VARCHAR',
                                    'session': 'INTEGER', 'score': 'DOUBLE'}})
        ),
        series AS (
            SELECT client_id, episode_id, instrument,
                   count(score) AS n_scores,
                   arg_min(score, session) FILTER (WHERE score IS NOT NULL) AS intake,
                   arg_max(score, session) FILTER (WHERE score IS NOT NULL) AS latest,
                   CASE WHEN regr_sxx(score, session) > 0 THEN regr_slope(score, session) END AS slope
            FROM scores
            GROUP BY client_id, episode_id, instrument
        )
        SELECT s.client_id, s.episode_id, s.instrument, s.n_scores, s.intake, s.latest, s.slope,
               CASE WHEN s.n_scores < 2 OR p.points IS NULL THEN NULL
                    WHEN p.direction * (s.latest - s.intake) >= p.points THEN 'improved'
                    WHEN p.direction * (s.latest - s.intake) <= -p.points THEN 'deteriorated'
                    ELSE 'unchanged' END AS reliable_change
        FROM series s LEFT JOIN points p USING (instrument)
    """
    started = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE result AS {query}")
    queried = time.perf_counter()
    con.execute(f"COPY result TO '{out}' (HEADER, DELIMITER ',')")
    written = time.perf_counter()
    count = con.execute("SELECT count(*) FROM result").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return {"version": duckdb.__version__, "threads": int(threads), "series": count,
            "query_seconds": queried - started, "write_seconds": written - queried}


def with_polars(files, registry, out):
    import polars as pl

    scored = pl.col("score").is_not_null()
    t = pl.when(scored).then(pl.col("session").cast(pl.Float64))
    y = pl.col("score")
    points = pl.LazyFrame(instruments_with_points(registry), schema=["instrument", "direction", "points"], orient="row")

    started = time.perf_counter()
    scores = pl.scan_csv(
        files, null_values=["NA"],
        schema_overrides={"client_id": pl.String, "episode_id": pl.String, "instrument": pl.String,
                          "session": pl.Int32, "score": pl.Float64},
    ).select(COLUMNS)
    series = scores.group_by(KEYS).agg(
        n_scores=y.count(),
        intake=y.sort_by("session").drop_nulls().first(),
        latest=y.sort_by("session").drop_nulls().last(),
        st=t.sum(), stt=(t * t).sum(), sy=y.sum(), sty=(t * y).sum(),
    )
    n = pl.col("n_scores")
    sxx = pl.col("stt") - pl.col("st") ** 2 / n
    sxy = pl.col("sty") - pl.col("st") * pl.col("sy") / n
    gain = pl.col("direction") * (pl.col("latest") - pl.col("intake"))
    result = (
        series.join(points, on="instrument", how="left")
        .with_columns(
            slope=pl.when((n >= 2) & (sxx > 0)).then(sxy / sxx),
            reliable_change=pl.when((n < 2) | pl.col("points").is_null()).then(None)
            .when(gain >= pl.col("points")).then(pl.lit("improved"))
            .when(gain <= -pl.col("points")).then(pl.lit("deteriorated"))
            .otherwise(pl.lit("unchanged")),
        )
        .select(OUTPUT)
        .collect()
    )
    queried = time.perf_counter()
    result.write_csv(out)
    written = time.perf_counter()
    return {"version": pl.__version__, "threads": pl.thread_pool_size(), "series": result.height,
            "query_seconds": queried - started, "write_seconds": written - queried}


def with_pandas(files, registry, out):
    import numpy as np
    import pandas as pd
    import pyarrow

    points = pd.DataFrame(instruments_with_points(registry), columns=["instrument", "direction", "points"])
    started = time.perf_counter()
    dtypes = {"client_id": "string", "episode_id": "string", "instrument": "string", "session": "int32",
              "score": "float64"}
    scores = pd.concat(
        [pd.read_csv(f, usecols=COLUMNS, dtype=dtypes, na_values=["NA"], engine="pyarrow") for f in files],
        ignore_index=True,
    )
    # first() and last() skip missing scores; a stable sort by session puts each series in time order.
    scores = scores.sort_values("session", kind="stable")
    t = scores["session"].astype("float64").where(scores["score"].notna())
    scores = scores.assign(t=t, tt=t * t, ty=t * scores["score"])
    series = scores.groupby(KEYS, sort=False).agg(
        n_scores=("score", "count"), intake=("score", "first"), latest=("score", "last"),
        st=("t", "sum"), stt=("tt", "sum"), sy=("score", "sum"), sty=("ty", "sum"),
    ).reset_index()
    n = series["n_scores"]
    sxx = series["stt"] - series["st"] ** 2 / n
    sxy = series["sty"] - series["st"] * series["sy"] / n
    series["slope"] = (sxy / sxx).where((n >= 2) & (sxx > 0))
    series = series.merge(points, on="instrument", how="left")
    gain = series["direction"] * (series["latest"] - series["intake"])
    category = np.select([gain >= series["points"], gain <= -series["points"]], ["improved", "deteriorated"],
                         "unchanged").astype(object)
    category[(n < 2).to_numpy() | series["points"].isna().to_numpy()] = None
    series["reliable_change"] = category
    result = series[OUTPUT]
    queried = time.perf_counter()
    result.to_csv(out, index=False)
    written = time.perf_counter()
    return {"version": pd.__version__, "threads": f"{pyarrow.cpu_count()} (read), 1", "series": len(result),
            "query_seconds": queried - started, "write_seconds": written - queried}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tool", choices=["duckdb", "polars", "pandas"])
    parser.add_argument("--outcomes", action="append", default=[])
    parser.add_argument("--alliance", action="append", default=[])
    parser.add_argument("--registry", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.registry) as f:
        registry = json.load(f)
    run = {"duckdb": with_duckdb, "polars": with_polars, "pandas": with_pandas}[args.tool]
    report = {"tool": args.tool, **run(args.outcomes + args.alliance, registry, args.out)}
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
