// llama.cpp's own speed on a model, with nothing of Steward in the way: the
// measurement llama-bench makes (pp: one batch of N prompt tokens; tg: N
// single-token decodes; a warm-up first, then the median of the runs), written
// against the llama.h of the llama.cpp that llama-cpp-sys-2 vendors (the crate
// vendors no llama-bench sources). Built and run by scripts/bench/llama-bench.sh.
#include "llama.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

static void quiet(ggml_log_level, const char *, void *) {}

int main(int argc, char ** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s MODEL THREADS PROMPT_TOKENS GEN_TOKENS RUNS\n", argv[0]);
        return 2;
    }
    const char * path = argv[1];
    const int threads = std::atoi(argv[2]);
    const int n_prompt = std::atoi(argv[3]);
    const int n_gen = std::atoi(argv[4]);
    const int runs = std::atoi(argv[5]);

    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model * model = llama_model_load_from_file(path, llama_model_default_params());
    if (!model) {
        std::fprintf(stderr, "cannot load %s\n", path);
        return 1;
    }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = n_prompt + n_gen + 16;
    cp.n_batch = n_prompt;
    cp.n_ubatch = n_prompt;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    llama_context * ctx = llama_init_from_model(model, cp);
    const llama_vocab * vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    std::mt19937 rng(42);
    auto random_tokens = [&](int n) {
        std::vector<llama_token> t(n);
        for (auto & x : t) x = rng() % n_vocab;
        t[0] = llama_vocab_bos(vocab) >= 0 ? llama_vocab_bos(vocab) : t[0];
        return t;
    };

    std::vector<double> pp, tg;
    for (int run = 0; run <= runs; run++) {  // run 0 warms up
        llama_memory_clear(llama_get_memory(ctx), true);
        auto prompt = random_tokens(n_prompt);
        auto t0 = std::chrono::steady_clock::now();
        llama_decode(ctx, llama_batch_get_one(prompt.data(), n_prompt));
        llama_synchronize(ctx);
        double p = seconds_since(t0);

        llama_memory_clear(llama_get_memory(ctx), true);
        llama_token token = llama_vocab_bos(vocab) >= 0 ? llama_vocab_bos(vocab) : 0;
        t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < n_gen; i++) {
            llama_decode(ctx, llama_batch_get_one(&token, 1));
            llama_synchronize(ctx);
            token = rng() % n_vocab;
        }
        double g = seconds_since(t0);
        if (run > 0) {
            pp.push_back(n_prompt / p);
            tg.push_back(n_gen / g);
        }
    }
    std::sort(pp.begin(), pp.end());
    std::sort(tg.begin(), tg.end());
    std::printf("{\"threads\": %d, \"pp%d\": %.1f, \"tg%d\": %.1f", threads, n_prompt, pp[pp.size() / 2], n_gen,
                tg[tg.size() / 2]);
    llama_free(ctx);

    // Batched generation: n sequences, one token each per decode, in one
    // shared (unified) KV cache with flash attention, as Steward runs them
    // by default (LLAMA_FA=auto: with llama.cpp's default attention instead;
    // LLAMA_KVU=0: a KV cache per sequence, as `llm.shared_cache = false`;
    // LLAMA_AS_STEWARD=1: the context `steward llm bench` batches in, 4096
    // cells, 8 sequence slots and batches of up to 512, instead of the least
    // each run needs).
    const char * as_steward = std::getenv("LLAMA_AS_STEWARD");
    const bool steward_context = as_steward && std::string(as_steward) == "1";
    for (int n_seq : {1, 4, 8}) {
        llama_context_params bp = llama_context_default_params();
        bp.n_ctx = steward_context ? 4096 : n_seq * (n_gen + 16);
        bp.n_batch = steward_context ? 512 : n_seq;
        bp.n_ubatch = bp.n_batch;
        bp.n_seq_max = steward_context ? 8 : n_seq;
        const char * kvu = std::getenv("LLAMA_KVU");
        bp.kv_unified = !(kvu && std::string(kvu) == "0");
        // LLAMA_FA=auto measures llama.cpp's default attention instead.
        const char * fa = std::getenv("LLAMA_FA");
        bp.flash_attn_type = fa && std::string(fa) == "auto" ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_ENABLED;
        bp.n_threads = threads;
        bp.n_threads_batch = threads;
        llama_context * bctx = llama_init_from_model(model, bp);
        std::vector<double> rates;
        for (int run = 0; run <= runs; run++) {
            llama_memory_clear(llama_get_memory(bctx), true);
            llama_batch batch = llama_batch_init(n_seq, 0, 1);
            auto t0 = std::chrono::steady_clock::now();
            for (int i = 0; i < n_gen; i++) {
                batch.n_tokens = n_seq;
                for (int s = 0; s < n_seq; s++) {
                    batch.token[s] = rng() % n_vocab;
                    batch.pos[s] = i;
                    batch.n_seq_id[s] = 1;
                    batch.seq_id[s][0] = s;
                    batch.logits[s] = 1;
                }
                llama_decode(bctx, batch);
                llama_synchronize(bctx);
            }
            double g = seconds_since(t0);
            llama_batch_free(batch);
            if (run > 0) rates.push_back(double(n_seq) * n_gen / g);
        }
        std::sort(rates.begin(), rates.end());
        std::printf(", \"batched%d\": %.1f", n_seq, rates[rates.size() / 2]);
        llama_free(bctx);
    }
    std::printf("}\n");
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
