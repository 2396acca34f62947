#!/usr/bin/env bash
# Peak memory of scans and policy checks against their limits. Writes a
# 2,000-column Parquet table (5,000 rows) and a 60,000-row CSV with DuckDB,
# then, RUNS times in turn, scans each with warehouse.memory_limit_mb=LIMIT
# (wide tables profiled in passes) and with the limit lifted (one pass, as
# before the limit held), and runs a check whose grouping needs far more than
# policy.memory_limit_mb=LIMIT. Prints every run's peak RSS (from
# /usr/bin/time) and seconds as JSON lines, then the medians.
#
#   scripts/bench/memory.sh          # LIMIT=256 RUNS=3 by default
#
# Uses the debug build CI tests (the release build peaks alike).
set -euo pipefail
cd "$(dirname "$0")/../.."

limit=${LIMIT:-256}
runs=${RUNS:-3}
work=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/memory
mkdir -p "$work"
if ! python3 -c "import duckdb" 2>/dev/null; then
    echo "bench: installing duckdb" >&2
    python3 -m pip install --quiet --user duckdb
fi
cargo build --quiet --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/debug/steward")

cd "$work"
if [ ! -f lake/wide/part-0.parquet ]; then
    echo "bench: writing the tables" >&2
    python3 - <<'EOF'
import os, duckdb
os.makedirs("lake/wide", exist_ok=True)
os.makedirs("lake/csv", exist_ok=True)
con = duckdb.connect()
cols = ", ".join(
    f"(i*{k}+{k})::BIGINT AS c{k}" if k % 3 == 0
    else f"'v' || (i % {k+7})::VARCHAR || 'xyzxyzxyz' AS c{k}" if k % 3 == 1
    else f"(i*1.5+{k})::DOUBLE AS c{k}"
    for k in range(2000))
con.execute(f"COPY (SELECT {cols} FROM range(5000) t(i)) TO 'lake/wide/part-0.parquet' (FORMAT parquet)")
con.execute("COPY (SELECT i AS id, 'name ' || i AS name, 'user' || i || '@example.com' AS email, "
            "(i*7)%1000 AS amount, md5(i::VARCHAR) AS h, md5((i+1)::VARCHAR) AS h2, repeat('x', 200) AS pad "
            "FROM range(60000) t(i)) TO 'lake/csv/rows.csv' (HEADER)")
EOF
fi
if [ ! -f steward.toml ]; then
    "$steward" init >/dev/null
    "$steward" source add lake lake >/dev/null
fi
mkdir -p hungry
cat > hungry/hungry.toml <<'EOF'
id = "hungry-grouping"
title = "A check that groups twenty million keys"
severity = "low"
description = "Measures the policy memory limit."
remediation = "None."
check = """
SELECT CAST(k AS VARCHAR) AS asset, 'm' AS message
FROM (SELECT (value * 48271) % 2147483647 AS k FROM generate_series(1, 20000000))
GROUP BY k HAVING count(*) > 1
"""
EOF

measure() { # name env... -- command...
    local name=$1; shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    local out
    # The command's own exit code (a check over its limit fails) is not the point.
    out=$(env "${envs[@]}" /usr/bin/time -f "%M %e" "$@" 2>&1 >/dev/null | tail -n1 || true)
    echo "{\"case\":\"$name\",\"peak_rss_mib\":$(( ${out% *} / 1024 )),\"seconds\":${out#* }}"
}

results=$(mktemp)
for _ in $(seq 1 "$runs"); do
    measure "scan 2000 columns, limit ${limit} MB" STEWARD__WAREHOUSE__MEMORY_LIMIT_MB="$limit" -- "$steward" scan --tables wide
    measure "scan 2000 columns, no limit" STEWARD__WAREHOUSE__MEMORY_LIMIT_MB=1000000 -- "$steward" scan --tables wide
    measure "scan 60k-row CSV, limit ${limit} MB" STEWARD__WAREHOUSE__MEMORY_LIMIT_MB="$limit" -- "$steward" scan --tables csv.rows
    measure "check, limit ${limit} MB" STEWARD__POLICY__MEMORY_LIMIT_MB="$limit" -- "$steward" check --policies hungry --policy hungry-grouping
    measure "check, no limit" STEWARD__POLICY__MEMORY_LIMIT_MB=1000000 -- "$steward" check --policies hungry --policy hungry-grouping
done | tee "$results"
python3 - "$results" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for case in dict.fromkeys(r["case"] for r in rows):
    mine = [r for r in rows if r["case"] == case]
    print(json.dumps({"case": case, "runs": len(mine),
        "median_peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in mine),
        "median_seconds": statistics.median(r["seconds"] for r in mine)}))
EOF
