#!/usr/bin/env bash
# The dashboard's speed in Debian's Chromium, against the release
# `steward serve` on loopback:
#   - the lineage graph of 1,000+ and 5,000+ tables (a tree of CTAS scripts
#     below one table): time to interactive, frame rate while panning;
#   - time to first render of a table page and of the findings inbox on the
#     10,000-table catalog of scripts/bench/api-load.sh (run that first: it
#     scans the catalog once and keeps it).
# Each measurement RUNS times (3), one JSON line each.
#
#   scripts/bench/web-perf.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
runs=${RUNS:-3}
bench=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}

cargo build --quiet --release --bin steward
steward=$(realpath "${CARGO_TARGET_DIR:-target}/release/steward")
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null || true' EXIT

serve() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$steward" serve --listen "127.0.0.1:$port" --no-model 2>serve.log &
    server=$!
    for _ in $(seq 1 200); do
        python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1])" "http://127.0.0.1:$port/healthz" 2>/dev/null && break
        sleep 0.1
    done
    url="http://127.0.0.1:$port"
}

measure() {
    for _ in $(seq 1 "$runs"); do
        (cd "$repo/web" && STEWARD_URL=$url STEWARD_USER=web-bench STEWARD_PASSWORD=$password node bench/measure.mjs "$@")
    done
}

# The lineage graphs: fan-out 10 to depth 3 (1,110 tables), 17 to depth 3 (5,219).
for tree in "10 3" "17 3"; do
    set -- $tree
    work="$bench/lineage-tree-$1-$2"
    rm -rf "$work" && mkdir -p "$work" && cd "$work"
    "$steward" init >/dev/null
    echo "bench: $(python3 "$repo/scripts/bench/lineage_tree.py" tree.sql "$1" "$2") tables below bench.t0" >&2
    "$steward" lineage ingest --sql tree.sql >/dev/null
    echo "$password" | "$steward" user add web-bench --role viewer --password-stdin >/dev/null
    serve
    measure "lineage|/lineage/bench.t0?direction=down&depth=3"
    kill "$server"; wait "$server" 2>/dev/null || true; server=
done

catalog="$bench/api-load-10000"
if [ ! -f "$catalog/token" ]; then
    echo "bench: no 10,000-table catalog in $catalog; run scripts/bench/api-load.sh first" >&2
    exit 1
fi
cd "$catalog"
"$steward" user remove web-bench >/dev/null 2>&1 || true
echo "$password" | "$steward" user add web-bench --role viewer --password-stdin >/dev/null
table=$(head -n1 paths/tables.txt | sed 's|^/api/v1/tables/||')
serve
measure "first-render|/tables/$table|h1" "first-render|/findings|table.findings"
