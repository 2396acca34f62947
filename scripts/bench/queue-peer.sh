#!/usr/bin/env bash
# The pgqueuer peer on Steward's job-queue benchmark (`steward bench queue`): creates
# the virtualenv with pgqueuer 1.6.0 and its asyncpg driver from PyPI on first use
# (idempotent: a venv that already holds the pinned versions is only checked), then
# runs scripts/bench/queue_peer_pgqueuer.py with it; arguments are passed through.
#
#   bash scripts/bench/queue-peer.sh --jobs 10000 --workers 4
#   bash scripts/bench/queue-peer.sh --help
#
# Needs PostgreSQL at 127.0.0.1:5432, user postgres, trust auth (or --dsn URL); uses
# (and creates) the database steward_bench_pgqueuer. Prints one JSON line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version=1.6.0
asyncpg_version=0.32.0
venv=${STEWARD_CACHE:-$HOME/.cache/steward}/venv/pgqueuer-$version

check() {
  "$venv/bin/python" - "$version" "$asyncpg_version" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
assert version("pgqueuer") == sys.argv[1]
assert version("asyncpg") == sys.argv[2]
import asyncpg, pgqueuer, pgqueuer.db  # noqa: F401
PY
}

if [ ! -x "$venv/bin/python" ] || ! check; then
  echo "queue-peer: installing pgqueuer $version into $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "pgqueuer[asyncpg]==$version" "asyncpg==$asyncpg_version"
  check || { echo "queue-peer: venv check failed: $venv" >&2; exit 1; }
fi

exec "$venv/bin/python" "$here/queue_peer_pgqueuer.py" "$@"
