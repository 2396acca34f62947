#!/usr/bin/env python3
"""The peer side of the profiling benchmark: DuckDB computing the statistics
`steward bench profile` computes (per column: count, nulls, approximate
distinct, min, max, mean and stddev for numbers, min/avg/max length for
strings, top-5 values) on the same Parquet file with the same thread count.

Modes: `exact` (top-5 by GROUP BY per column), `approx` (approx_top_k in the
same aggregate), `summarize` (DuckDB's own SUMMARIZE, for reference).
Prints one JSON object: tool, mode, threads, seconds, peak_rss_mib.
"""
import argparse
import json
import resource
import time

import duckdb

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
           "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("parquet")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mode", choices=["exact", "approx", "summarize"], default="exact")
    args = parser.parse_args()

    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    source = f"read_parquet('{args.parquet}')"
    columns = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()

    started = time.perf_counter()
    if args.mode == "summarize":
        con.execute(f"SUMMARIZE SELECT * FROM {source}").fetchall()
    else:
        aggregates = ["count(*)"]
        for name, dtype, *_ in columns:
            c = quote(name)
            aggregates += [f"count({c})", f"approx_count_distinct({c})", f"min({c})", f"max({c})"]
            if dtype.startswith(NUMERIC):
                aggregates += [f"avg({c}::DOUBLE)", f"stddev_samp({c}::DOUBLE)"]
            if dtype == "VARCHAR":
                aggregates += [f"min(length({c}))", f"avg(length({c}))", f"max(length({c}))"]
            if args.mode == "approx":
                aggregates.append(f"approx_top_k({c}, 5)")
        con.execute(f"SELECT {', '.join(aggregates)} FROM {source}").fetchall()
        if args.mode == "exact":
            for name, *_ in columns:
                c = quote(name)
                con.execute(
                    f"SELECT {c}, count(*) AS n FROM {source} GROUP BY {c} ORDER BY n DESC LIMIT 5"
                ).fetchall()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({"tool": f"duckdb {duckdb.__version__}", "mode": args.mode, "threads": args.threads,
                      "seconds": round(seconds, 3), "peak_rss_mib": round(peak, 1)}))


if __name__ == "__main__":
    main()
