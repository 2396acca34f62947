#!/usr/bin/env bash
# The governed SQL path (steward-sql: catalog, masks, limits, usage) against
# plain DataFusion on the same Parquet: TPC-H lineitem at scale factor SF (1),
# made by tpchgen-cli (PyPI), in a catalog of its own with the file as a
# source, scanned; then `steward bench sql` runs each query of
# scripts/bench/sql-queries.jsonl RUNS times (5) by each, alternating, and
# prints the medians and their ratio.
#
#   scripts/bench/sql-overhead.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
sf=${SF:-1}
runs=${RUNS:-5}
work=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/sql-sf$sf

if ! command -v tpchgen-cli >/dev/null && [ ! -x "$HOME/.local/bin/tpchgen-cli" ]; then
    echo "bench: installing tpchgen-cli (PyPI)" >&2
    python3 -m pip install --quiet --user tpchgen-cli
fi
tpchgen=$(command -v tpchgen-cli || echo "$HOME/.local/bin/tpchgen-cli")
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
"$steward" bench sql --source tpch --table lineitem --parquet "$work/data/lineitem.parquet" \
    --queries "$repo/scripts/bench/sql-queries.jsonl" --runs "$runs" "$@"
