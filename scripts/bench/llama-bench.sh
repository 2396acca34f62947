#!/usr/bin/env bash
# llama.cpp's own figures for `steward llm bench`: builds the llama.cpp that
# llama-cpp-sys-2 vendors (Release, the CPU features of Steward's build:
# x86-64-v3) in a scratch folder, never in the repository, links
# scripts/bench/llama_pp_tg.cpp (llama-bench's pp/tg measurement; the crate
# vendors no llama-bench sources) against it, and runs it at 1 and 2 threads.
#   scripts/bench/llama-bench.sh MODEL.gguf [PROMPT_TOKENS] [GEN_TOKENS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:?usage: llama-bench.sh MODEL.gguf [PROMPT_TOKENS] [GEN_TOKENS] [RUNS]}
n_prompt=${2:-512}
n_gen=${3:-128}
runs=${4:-3}
scratch=${SCRATCH:-/tmp/steward-llama-bench}
march=${LLAMA_MARCH:-x86-64-v3}
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/llama-cpp-sys-2-0.1.161/llama.cpp | head -n1)
if [ ! -x "$scratch/llama_pp_tg" ]; then
    cmake -S "$src" -B "$scratch/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
        -DGGML_NATIVE=OFF -DCMAKE_C_FLAGS="-march=$march" -DCMAKE_CXX_FLAGS="-march=$march" \
        -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
        -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_COMMON=OFF >/dev/null
    cmake --build "$scratch/build" --target llama -j "$(nproc)" >/dev/null
    libs=$(find "$scratch/build" -name 'lib*.a' | sort -r | tr '\n' ' ')
    g++ -O3 -march="$march" -std=c++17 scripts/bench/llama_pp_tg.cpp \
        -I "$src/include" -I "$src/ggml/include" \
        -Wl,--start-group $libs -Wl,--end-group -fopenmp -lpthread -o "$scratch/llama_pp_tg"
fi
for t in 1 2; do
    "$scratch/llama_pp_tg" "$model" "$t" "$n_prompt" "$n_gen" "$runs"
done
