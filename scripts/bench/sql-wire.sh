#!/usr/bin/env bash
# Steward's SQL endpoint over the wire against DuckDB's own CLI on the same
# Parquet: TPC-H lineitem at scale factor SF (1, made by tpchgen-cli), the
# queries of scripts/bench/sql-queries.jsonl and a 1M-row result, each run
# RUNS times (5) by psql through `steward sql serve` (a release build,
# SCRAM login, an admin) and by the DuckDB CLI (PyPI duckdb-cli), in turn.
# Both write every row as text to /dev/null; each run is a whole client
# process (connect, log in, plan, stream, exit). Prints the medians, their
# ratio, and rows/s for the 1M-row result.
#
#   scripts/bench/sql-wire.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
sf=${SF:-1}
runs=${RUNS:-5}
work=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/sql-sf$sf
duckdb_version=1.5.6
venv=${STEWARD_CACHE:-$HOME/.cache/steward}/venv/duckdb-cli-$duckdb_version

if ! command -v tpchgen-cli >/dev/null && [ ! -x "$HOME/.local/bin/tpchgen-cli" ]; then
    echo "bench: installing tpchgen-cli (PyPI)" >&2
    python3 -m pip install --quiet --user tpchgen-cli
fi
tpchgen=$(command -v tpchgen-cli || echo "$HOME/.local/bin/tpchgen-cli")
if [ ! -x "$venv/bin/duckdb" ]; then
    echo "bench: installing the DuckDB CLI $duckdb_version (PyPI duckdb-cli)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "duckdb-cli==$duckdb_version"
fi
cargo build --quiet --release --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/release/steward")

mkdir -p "$work/data"
if [ ! -f "$work/data/lineitem.parquet" ]; then
    echo "bench: generating lineitem at scale factor $sf" >&2
    "$tpchgen" parquet -s "$sf" --tables lineitem --output-dir "$work/data"
fi
cd "$work"
if [ ! -f steward.toml ]; then
    "$steward" init >/dev/null
    "$steward" source add tpch "$work/data" >/dev/null
    echo "bench: scanning" >&2
    "$steward" scan >/dev/null
fi
password=bench-wire-password
echo "$password" | "$steward" user add bench-admin --role admin --password-stdin --exists-ok >/dev/null
echo "$password" | "$steward" user passwd bench-admin >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$steward" sql serve --listen "127.0.0.1:$port" 2>"$work/wire-server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$port" 2>/dev/null && break
    sleep 0.1
done

PGPASSWORD=$password python3 - "$repo/scripts/bench/sql-queries.jsonl" "$port" "$venv/bin/duckdb" \
    "$work/data/lineitem.parquet" "$runs" <<'PY'
import json, os, statistics, subprocess, sys, time

queries_file, port, duckdb, parquet, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
queries = [json.loads(l) for l in open(queries_file) if l.strip()]
queries.append({"name": "result_1m_rows",
                "sql": "SELECT l_orderkey, l_partkey, l_suppkey, l_quantity, l_extendedprice FROM {table} LIMIT 1000000",
                "rows": 1_000_000})

def steward(sql):
    return ["psql", "-X", "-q", "-A", "-t", "-h", "127.0.0.1", "-p", port, "-U", "bench-admin",
            "-d", "steward", "-v", "ON_ERROR_STOP=1", "-c", sql.format(table="tpch.lineitem")]

def duck(sql):
    return [duckdb, "-csv", "-noheader", "-c", sql.format(table=f"read_parquet('{parquet}')")]

def timed(cmd):
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"bench: {cmd[0]} failed: {r.stderr.decode()[:500]}")
    return time.perf_counter() - start

print(f"{'query':24} {'steward (psql) s':>17} {'duckdb cli s':>13} {'ratio':>7}")
for q in queries:
    timed(steward(q["sql"])); timed(duck(q["sql"]))  # warm-up
    a, b = [], []
    for _ in range(runs):
        a.append(timed(steward(q["sql"])))
        b.append(timed(duck(q["sql"])))
    ma, mb = statistics.median(a), statistics.median(b)
    line = f"{q['name']:24} {ma:17.3f} {mb:13.3f} {ma / mb:7.2f}"
    if "rows" in q:
        line += f"   rows/s: steward {q['rows'] / ma:,.0f}, duckdb {q['rows'] / mb:,.0f}"
    print(line, flush=True)
PY
