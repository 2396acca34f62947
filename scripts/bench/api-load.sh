#!/usr/bin/env bash
# The API under load: a catalog of TABLES (10,000) SQLite tables, scanned for
# real, served by the release `steward serve` with no model; then wrk on
# loopback, 32 connections, DURATION seconds per run, RUNS runs each of
#   - the search endpoint (20 searches, some misspelt, cycled), and
#   - the table page endpoint (1,000 tables' pages, cycled),
# each run printed as one JSON line (requests/s, p50/p90/p99, errors), and the
# server's resident memory idle before the load and after it.
#
#   scripts/bench/api-load.sh          # TABLES=10000 RUNS=3 DURATION=20
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

tables=${TABLES:-10000}
runs=${RUNS:-3}
duration=${DURATION:-20}
work=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/api-load-$tables

if ! command -v wrk >/dev/null; then
    echo "bench: installing wrk (Debian's package)" >&2
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
cargo build --quiet --release --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/release/steward")

mkdir -p "$work"
cd "$work"
if [ ! -f token ]; then
    rm -rf .steward steward.toml
    echo "bench: writing $tables tables" >&2
    python3 "$repo/scripts/bench/api_load_catalog.py" tables.db "$tables" paths
    "$steward" init >/dev/null
    "$steward" source add ops "sqlite://$work/tables.db" >/dev/null
    echo "bench: scanning them" >&2
    /usr/bin/time -f "scan: %e s, peak RSS %M KiB" "$steward" scan >/dev/null
    "$steward" user add load-viewer --role viewer --no-password --exists-ok >/dev/null
    "$steward" user token load-viewer --label api-load --json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' > token
fi
"$steward" tables --json | python3 -c 'import json,sys; print("catalog:", len(json.load(sys.stdin)), "tables")'
token=$(cat token)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$steward" serve --listen "127.0.0.1:$port" --no-model 2>serve.log &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    sleep 0.1
done
sleep 2
echo "idle RSS: $(( $(ps -o rss= -p $server) / 1024 )) MiB"

for endpoint in search tables; do
    for run in $(seq 1 "$runs"); do
        printf '{"endpoint": "%s", "run": %d, ' "$endpoint" "$run"
        PATHS="$work/paths/$endpoint.txt" TOKEN="$token" \
            wrk -t2 -c32 -d"${duration}s" --latency -s "$repo/scripts/bench/api_load.lua" \
            "http://127.0.0.1:$port" | tail -n1 | sed 's/^{//'
    done
done
echo "RSS after the load: $(( $(ps -o rss= -p $server) / 1024 )) MiB"
