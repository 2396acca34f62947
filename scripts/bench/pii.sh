#!/usr/bin/env bash
# The PII benchmark: Steward and Microsoft Presidio on the same corpus, the same
# K, one core each, scored by the corpus's own scorer, in one run.
#
#   scripts/bench/pii.sh [CORPUS_DIR]     # default ../shared/bench/pii/corpus
#
# Prints each tool's score report and one JSON line per tool with the headline
# figures. Steward classifies the corpus RUNS times (median time); Presidio once
# (it takes minutes). Presidio's virtualenv comes from presidio-setup.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

corpus=$(realpath "${1:-../shared/bench/pii/corpus}")
scorer=$(realpath "${SCORER:-../shared/bench/pii/score.py}")
runs=${RUNS:-9}
k=${SAMPLE_K:-30}
out=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}/pii
mkdir -p "$out"

cargo build --quiet --release --bin steward
steward=${CARGO_TARGET_DIR:-target}/release/steward

summary() {
    python3 "$scorer" "$corpus" "$2" --json "$2.scores" >"$2.report"
    cat "$2.report"
    python3 - "$1" "$2.scores" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))
def find(d, *keys):
    for k in keys:
        d = d[k]
    return d
print(json.dumps({
    "tool": sys.argv[1],
    "binary_f1": find(s, "binary_sensitive_vs_none", "f1"),
    "typed_micro_f1": find(s, "typed_exact", "micro", "f1"),
    "hard_negative_fp_rate": s.get("hard_negative_fp_rate"),
    "values_per_s": find(s, "throughput", "values_per_s"),
}))
PY
}

echo "== steward (one core, median of $runs passes)"
taskset -c 0 "$steward" bench pii --corpus "$corpus" --out "$out/steward.json" \
    --sample-k "$k" --repeat "$runs"
summary steward "$out/steward.json"

echo "== presidio (one core)"
bash scripts/bench/presidio-setup.sh >&2
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 \
    "${PRESIDIO_VENV:-$HOME/.cache/steward/presidio-venv}/bin/python" \
    scripts/bench/presidio_pii.py "$corpus" "$out/presidio.json" --sample-k "$k"
summary presidio "$out/presidio.json"
