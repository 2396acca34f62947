#!/usr/bin/env bash
# The search benchmark: a generated catalog of 100k tables / 1.1M columns
# (build rate, index size, p50/p99 of 200 fixed queries on one core), the same
# catalog and queries in SQLite FTS5 on the same core (the peer,
# scripts/bench/fts5_search.py), the build on both cores; then recall@5 of
# retrieval on the sample warehouse with tests/fixtures/search/questions.jsonl.
#
#   scripts/bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --quiet --release --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/release/steward")
questions=$(realpath tests/fixtures/search/questions.jsonl)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dump="$work/corpus"

echo "== generated catalog, one core"
taskset -c 0 "$steward" bench search --tables "${TABLES:-100000}" --columns 11 --threads 1 --dump "$dump"
echo "== the same catalog and queries in SQLite FTS5, one core"
taskset -c 0 python3 scripts/bench/fts5_search.py "$dump" --passes 3
echo "== build on two threads"
"$steward" bench search --tables "${TABLES:-100000}" --columns 11 --threads 2 --passes 1

echo "== recall on the sample warehouse"
mkdir "$work/sample"
cd "$work/sample"
"$steward" init >/dev/null
"$steward" demo-data warehouse >/dev/null
"$steward" source add lake warehouse/lake >/dev/null
"$steward" source add app sqlite://warehouse/app.db >/dev/null
"$steward" scan >/dev/null
"$steward" lineage ingest --query-log warehouse/query_log.jsonl --models warehouse/models --dialect duckdb >/dev/null
# The index then also holds the policies and open findings, as after `make demo`.
"$steward" check >/dev/null
"$steward" bench search --questions "$questions" --k 5
