#!/usr/bin/env bash
# `steward llm bench` beside llama.cpp's own loop (scripts/bench/llama-bench.sh),
# one run of each in turn, ROUNDS times, the order swapped every round: these
# machines are shared and their speed drifts over minutes, so both must see the
# same stretches of it. Prints each figure's median over the rounds (and the
# lowest-highest) and the ratios of medians; the raw runs stay in OUT.
#   scripts/bench/llm.sh PRESET [ROUNDS] [PROMPT_TOKENS] [GEN_TOKENS]
set -euo pipefail
cd "$(dirname "$0")/../.."
preset=${1:?usage: llm.sh PRESET [ROUNDS] [PROMPT_TOKENS] [GEN_TOKENS]}
rounds=${2:-5}
n_prompt=${3:-512}
n_gen=${4:-128}
steward=${STEWARD:-${CARGO_TARGET_DIR:-target}/debug/steward}
model_dir=${XDG_CACHE_HOME:-$HOME/.cache}/steward/models
model="$model_dir/$preset.gguf"
out=${OUT:-$(mktemp -d /tmp/steward-llm-bench.XXXXXX)}
mkdir -p "$out"
[ -f "$model" ] || "$steward" model pull "$preset"

run_steward() {
    "$steward" llm bench --model "$preset" --repeat 1 --prompt-tokens "$n_prompt" \
        --gen-tokens "$n_gen" --json >"$out/steward.$1.json" 2>/dev/null
}
run_llama() {
    scripts/bench/llama-bench.sh "$model" "$n_prompt" "$n_gen" 1 >"$out/llama.$1.jsonl" 2>/dev/null
}
for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds ($(date -u +%H:%M:%S))" >&2
    if [ $((round % 2)) -eq 1 ]; then
        run_steward "$round"
        run_llama "$round"
    else
        run_llama "$round"
        run_steward "$round"
    fi
done

python3 - "$out" "$preset" <<'EOF'
import glob, json, statistics, sys
out, preset = sys.argv[1], sys.argv[2]
steward = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/steward.*.json"))]
llama = [[json.loads(l) for l in open(f) if l.strip()] for f in sorted(glob.glob(f"{out}/llama.*.jsonl"))]
med = statistics.median
def cell(values):
    """The median, and the spread over the rounds."""
    return f"{med(values):.1f} ({min(values):.1f}-{max(values):.1f})"
print(f"{preset}: {len(steward)} rounds, medians (tokens/s); raw runs in {out}")
for threads in (1, 2):
    s = [r for run in steward for r in run["speed"] if r["threads"] == threads]
    l = [r for run in llama for r in run if r["threads"] == threads]
    if not s or not l:
        continue
    pp_key = next(k for k in l[0] if k.startswith("pp"))
    tg_key = next(k for k in l[0] if k.startswith("tg"))
    for name, sv, lv in (
        ("pp", [r["prompt_tokens_per_second"] for r in s], [r[pp_key] for r in l]),
        ("tg", [r["generation_tokens_per_second"] for r in s], [r[tg_key] for r in l]),
    ):
        print(f"  {threads} thread(s) {name}: steward {cell(sv)}  llama.cpp {cell(lv)}  ratio {med(sv) / med(lv):.2f}")
threads = max(r["threads"] for run in llama for r in run)
l = [r for run in llama for r in run if r["threads"] == threads]
for label, values in (
    ("steward, wall clock", {b["sequences"]: med([bb["tokens_per_second"] for run in steward for bb in run["batched"] if bb["sequences"] == b["sequences"]]) for b in steward[0]["batched"]}),
    ("steward, while generating", {b["sequences"]: med([bb["generation_tokens_per_second"] for run in steward for bb in run["batched"] if bb["sequences"] == b["sequences"]]) for b in steward[0]["batched"]}),
    ("llama.cpp", {n: med([r[f"batched{n}"] for r in l]) for n in (1, 4, 8)}),
):
    cells = " / ".join(f"{values[n]:.1f}" for n in sorted(values))
    print(f"  batched 1/4/8 sequences, {threads} threads, {label}: {cells} ({values[8] / values[1]:.2f}x at 8)")
prefix = [run["prefix"] for run in steward]
print(f"  time to first token behind {prefix[0]['prefix_tokens']} tokens: cold {med([p['cold_ms'] for p in prefix]):.0f} ms, "
      f"cached {med([p['cached_ms'] for p in prefix]):.0f} ms ({100 * med([p['ratio'] for p in prefix]):.1f}% of cold)")
EOF
