#!/usr/bin/env bash
# The profiling benchmark: a full profile of TPC-H lineitem at scale factor 1
# (Parquet from tpchgen-cli, 6M rows), Steward against DuckDB computing the same
# statistics on the same file with the same threads, in one run. Runs each side
# RUNS times, alternating, and prints every run and the medians as JSON lines.
#
#   scripts/bench/profile.sh            # THREADS=2 RUNS=5 by default
#
# Data and tools go to $STEWARD_BENCH_DIR (default ~/.cache/steward/bench).
set -euo pipefail
cd "$(dirname "$0")/../.."

threads=${THREADS:-2}
runs=${RUNS:-5}
cache=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}
mkdir -p "$cache"
export PATH="$cache/tools/bin:$PATH"

if ! command -v tpchgen-cli >/dev/null; then
    echo "bench: installing tpchgen-cli" >&2
    cargo install --quiet --locked tpchgen-cli --version 4.0.0 --root "$cache/tools"
fi
data="$cache/tpch-sf1/lineitem"
if [ ! -d "$data" ] || [ -z "$(ls "$data"/*.parquet 2>/dev/null)" ]; then
    echo "bench: generating TPC-H lineitem SF1" >&2
    mkdir -p "$data"
    tpchgen-cli parquet --scale-factor 1 --tables lineitem --output-dir "$data" >&2
fi
parquet=$(ls "$data"/*.parquet | head -n1)
if ! python3 -c "import duckdb" 2>/dev/null; then
    echo "bench: installing duckdb" >&2
    python3 -m pip install --quiet --user duckdb
fi
cargo build --quiet --release --bin steward
steward=${CARGO_TARGET_DIR:-target}/release/steward

results=$(mktemp)
for i in $(seq 1 "$runs"); do
    "$steward" --json bench profile "$(dirname "$parquet")" --threads "$threads" \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"tool":"steward","mode":"full","threads":r["threads"],"seconds":round(r["seconds"],3),"peak_rss_mib":round(r["peak_rss_mib"],1)}))' \
        | tee -a "$results"
    for mode in exact approx; do
        python3 scripts/bench/duckdb_profile.py "$parquet" --threads "$threads" --mode "$mode" | tee -a "$results"
    done
    [ "$i" -eq 1 ] && python3 scripts/bench/duckdb_profile.py "$parquet" --threads "$threads" --mode summarize | tee -a "$results"
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
groups = {}
for r in rows:
    groups.setdefault((r["tool"].split()[0], r["mode"]), []).append(r)
for (tool, mode), rs in sorted(groups.items()):
    print(json.dumps({"median_of": len(rs), "tool": rs[0]["tool"], "mode": mode, "threads": rs[0]["threads"],
                      "seconds": statistics.median(r["seconds"] for r in rs),
                      "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in rs)}))
PY
rm -f "$results"
