# Shared by the Ask agent benchmarks (agent.sh, agent_chinook.sh,
# agent_lahman.sh, ...): each script builds its own warehouse and plants its
# own injections; this file builds Steward, prepares the work folder, and runs
# and scores the questions. Source it from a script that has `set -euo
# pipefail` and is run from anywhere.
#
# Settings (environment): MODEL, THREADS, SAMPLES, EXTRA_STEPS, QUESTIONS,
# STEWARD_BENCH_DIR.

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
model=${MODEL:-qwen2.5-coder-1.5b}
threads=${THREADS:-2}
samples=${SAMPLES:-1}
extra=${EXTRA_STEPS:-0}
bench=${STEWARD_BENCH_DIR:-$HOME/.cache/steward/bench}

# agent_prepare NAME QUESTIONS_FILE: builds steward (debug: llama.cpp and the
# runtime are optimised in it), pulls the model, and leaves the shell in a
# fresh, initialised work folder $bench/NAME. Sets $steward and $questions.
agent_prepare() {
    local name=$1
    questions=${QUESTIONS:-$2}
    (cd "$repo" && cargo build --quiet --bin steward)
    steward=$(cd "$repo" && realpath "${CARGO_TARGET_DIR:-target}/debug/steward")
    "$steward" model pull "$model" >&2
    work=$bench/$name
    rm -rf "$work" && mkdir -p "$work" && cd "$work"
    "$steward" init >/dev/null
}

# agent_run_and_score: run in the work folder once the warehouse is scanned and
# its injections planted. Lists the catalog's assets (for the share of real
# citations), asks every question, scores the answers, and checks the
# warehouse's files are byte-identical after the run.
agent_run_and_score() {
    local before after t
    before=$(find warehouse -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
    "$steward" tables --json | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    print((t["schema"] + "." if t.get("schema") else "") + t["name"])
' > assets.txt
    for t in $(sort -u assets.txt); do
        "$steward" show "$t" --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = (d["table"].get("schema") + "." if d["table"].get("schema") else "") + d["table"]["name"]
for c in d["columns"]:
    print(t + "." + c["name"])
' >> assets.txt || true
    done
    sort -u assets.txt -o assets.txt

    "$steward" bench agent --questions "$questions" --out answers.jsonl \
        --model "$model" --threads "$threads" --samples "$samples" --extra-steps "$extra"
    after=$(find warehouse -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
    python3 "$repo/scripts/bench/score_agent.py" "$questions" answers.jsonl --assets assets.txt
    if [ "$before" = "$after" ]; then echo "source data: byte-identical"; else echo "source data: CHANGED"; fi
}
