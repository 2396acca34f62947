#!/usr/bin/env bash
# The lineage benchmark: Steward and sqlglot on the same cases, one core each,
# scored by the corpus's own scorer, in one run.
#
#   scripts/bench/lineage.sh [CORPUS_DIR]     # default ../shared/bench/lineage
#
# For each of sqllineage.jsonl, openlineage_sql.jsonl and tpc_unlabelled.jsonl:
# Steward's `bench lineage` (median of RUNS passes) and sqlglot's
# (scripts/bench/sqlglot_lineage.py, median of 3), then both scored. The TPC
# corpus has no expectations: it reports parse errors and cases without lineage.
set -euo pipefail
cd "$(dirname "$0")/../.."

corpus=$(realpath "${1:-../shared/bench/lineage}")
runs=${RUNS:-9}
out=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/lineage
mkdir -p "$out"

cargo build --quiet --release --bin steward
steward=${CARGO_TARGET_DIR:-target}/release/steward
bash scripts/bench/sqlglot-setup.sh >&2
python=${SQLGLOT_VENV:-$HOME/.cache/steward/sqlglot-venv}/bin/python

for cases in sqllineage openlineage_sql tpc_unlabelled; do
    echo "== $cases"
    # sqllineage's suite writes file and directory datasets as {"path": ...}.
    style=name
    [ "$cases" = sqllineage ] && style=object
    # The suites differ on what count(*) feeds from: sqllineage's expects the
    # table's `*`, openlineage-sql's no edge ([lineage] count_star).
    count_star=table
    [ "$cases" = openlineage_sql ] && count_star=none
    taskset -c 0 "$steward" bench lineage --cases "$corpus/$cases.jsonl" \
        --out "$out/steward_$cases.jsonl" --repeat "$runs" --path-style "$style" \
        --count-star "$count_star"
    OMP_NUM_THREADS=1 taskset -c 0 "$python" scripts/bench/sqlglot_lineage.py \
        "$corpus/$cases.jsonl" "$out/sqlglot_$cases.jsonl" --repeat 3
    for tool in steward sqlglot; do
        if [ "$cases" = tpc_unlabelled ]; then
            python3 - "$tool" "$out/${tool}_$cases.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[2])]
errors = sum(1 for r in rows if r.get("error"))
empty = sum(1 for r in rows if not r.get("error") and not (r["tables"]["sources"] and r["columns"]))
print(f"{sys.argv[1]}: {len(rows)} cases, {errors} errors, {empty} without table and column lineage")
PY
        else
            echo "$tool:"
            python3 "$corpus/score.py" "$corpus/$cases.jsonl" "$out/${tool}_$cases.jsonl"
        fi
    done
done
