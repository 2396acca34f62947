#!/usr/bin/env bash
# Create the virtualenv for scripts/bench/sqlglot_lineage.py (the sqlglot peer on the
# lineage benchmark, ../shared/bench/lineage) and install sqlglot from PyPI.
# Idempotent: when the venv already holds the pinned version it only checks it and exits.
#
#   bash scripts/bench/sqlglot-setup.sh        # venv at $SQLGLOT_VENV
#
# peer_scores.json names no exact version ("sqlglot 30"), so the newest 30.x on PyPI is
# pinned: 30.30.0. The `c` extra adds sqlglotc (the same modules compiled with mypyc,
# binary wheels for CPython >= 3.10), which is sqlglot's own fastest configuration;
# set SQLGLOT_EXTRA= (empty) to install the pure-Python package only.
set -euo pipefail

VENV="${SQLGLOT_VENV:-$HOME/.cache/steward/sqlglot-venv}"
PY="${PYTHON:-python3}"
VERSION=30.30.0
EXTRA="${SQLGLOT_EXTRA-c}"
if [ -n "$EXTRA" ]; then PKG="sqlglot[$EXTRA]==$VERSION"; else PKG="sqlglot==$VERSION"; fi

check() {
  "$VENV/bin/python" - "$VERSION" "$EXTRA" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
assert version("sqlglot") == sys.argv[1]
if sys.argv[2] == "c" and sys.version_info >= (3, 10):
    assert version("sqlglotc") == sys.argv[1]
import sqlglot, sqlglot.lineage  # noqa: F401
EOF
}

if [ -x "$VENV/bin/python" ] && check; then
  echo "sqlglot venv ready: $VENV ($PKG)"
  exit 0
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "$PKG"
check || { echo "sqlglot venv check failed: $VENV" >&2; exit 1; }
echo "sqlglot venv ready: $VENV ($PKG)"
