#!/usr/bin/env bash
# The search benchmark: a generated catalog of 100k tables / 1M columns
# (build rate on one thread, index size, p50/p99 of 200 fixed queries), on one
# core; then recall@5 of retrieval on the sample warehouse with the questions
# in tests/fixtures/search/questions.jsonl.
#
#   scripts/bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

cargo build --quiet --release --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/release/steward")
questions=$(realpath tests/fixtures/search/questions.jsonl)

echo "== generated catalog"
taskset -c 0 "$steward" bench search --tables "${TABLES:-100000}" --columns 11 --threads 1 --dump "$dump"

echo "== recall on the sample warehouse"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$steward" init >/dev/null
"$steward" demo-data warehouse >/dev/null
"$steward" source add lake warehouse/lake >/dev/null
"$steward" source add app sqlite://warehouse/app.db >/dev/null
"$steward" scan >/dev/null
"$steward" lineage ingest --query-log warehouse/query_log.jsonl --models warehouse/models --dialect duckdb >/dev/null
"$steward" bench search --questions "$questions" --k 5
