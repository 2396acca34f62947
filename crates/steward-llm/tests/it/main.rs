//! The runtime with the real `smollm2-135m` model, one thread, one test at a
//! time. The model is `test_model_path()`: `STEWARD_TEST_MODEL`, else the preset cache
//! (`make test` pulls it); without it the tests say so and pass, except under
//! CI, where it must be there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use steward_llm::{
    CancelToken, Llm, LlmError, Message, Prompt, Request, Settings, StopReason, test_model_path,
};

/// Tests load a model each and must not overlap: two models on two cores
/// would only measure contention.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn settings() -> Settings {
    Settings {
        threads: 1,
        context: 2048,
        batch: 256,
        sequences: 4,
        queue: 8,
        shared_cache: true,
    }
}

fn load() -> Option<Llm> {
    test_model_path().map(|p| Llm::load(&p, &settings()).unwrap())
}

fn chat(system: &str, user: &str) -> Prompt {
    Prompt::Chat(vec![
        Message::new("system", system),
        Message::new("user", user),
    ])
}

const SYSTEM: &str = "You are Steward, a data governance assistant. You answer questions about \
tables, columns, owners, sensitive data and lineage in a warehouse. Be brief and precise. \
Never invent a table that the user did not mention.";

#[test]
fn loads_and_renders_its_chat_template() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let info = llm.info();
    assert_eq!(info.architecture.as_deref(), Some("llama"));
    assert!(info.parameters > 100_000_000, "{info:?}");
    assert!(info.chat_template);
    let text = llm.render(&chat("sys", "hello")).unwrap();
    assert!(text.contains("<|im_start|>user\nhello<|im_end|>"), "{text}");
    assert!(text.ends_with("<|im_start|>assistant\n"), "{text}");
}

#[test]
fn streams_pieces_that_add_up_to_the_reply() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let mut pieces = Vec::new();
    let generation = llm
        .generate_streaming(
            &Request::new(chat(SYSTEM, "Name three kinds of personal data."), 40),
            &mut |p| {
                pieces.push(p.to_string());
                true
            },
        )
        .unwrap();
    assert!(pieces.len() > 3, "{pieces:?}");
    assert_eq!(pieces.concat(), generation.text);
    assert!(generation.metrics.generated_tokens > 3);
    assert!(matches!(
        generation.stop,
        StopReason::EndOfGeneration | StopReason::MaxTokens
    ));
    assert!(generation.metrics.time_to_first_token_ms > 0.0);
    let stats = llm.stats();
    assert_eq!(stats.requests, 1);
    assert_eq!(
        stats.generated_tokens as usize,
        generation.metrics.generated_tokens
    );
    // The first token comes from the prompt's last step; every later pick,
    // the end of generation included, from a generation step of one row.
    let eog = usize::from(generation.stop == StopReason::EndOfGeneration);
    assert_eq!(
        stats.generation_step_tokens as usize,
        generation.metrics.generated_tokens - 1 + eog,
        "{stats:?}"
    );
    assert_eq!(stats.generation_steps, stats.generation_step_tokens);
    assert!(stats.generation_seconds > 0.0, "{stats:?}");
    // Asked again without a reader of pieces (its prompt now cached), the
    // same reply comes back whole.
    let whole = llm
        .generate(&Request::new(
            chat(SYSTEM, "Name three kinds of personal data."),
            40,
        ))
        .unwrap();
    assert!(whole.metrics.cached_tokens > 40, "{:?}", whole.metrics);
    assert_eq!(whole.text, generation.text);
}

#[test]
fn json_schema_output_parses_and_validates() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "column": {"type": "string", "enum": ["email", "phone", "order_id"]},
            "sensitive": {"type": "boolean"},
            "reason": {"type": "string", "maxLength": 60}
        },
        "required": ["column", "sensitive", "reason"],
        "additionalProperties": false
    });
    let mut request = Request::new(
        chat(
            SYSTEM,
            "Which column holds e-mail addresses: email, phone or order_id? Answer in JSON.",
        ),
        120,
    );
    request.schema = Some(schema);
    let generation = llm.generate(&request).unwrap();
    assert_eq!(
        generation.stop,
        StopReason::EndOfGeneration,
        "{}",
        generation.text
    );
    let json = generation.json.expect("validated JSON");
    assert!(
        json["column"].is_string() && json["sensitive"].is_boolean(),
        "{json}"
    );
    // A second request with a grammar in the same runtime: the sampler is
    // never asked to accept a token twice (that would abort the process).
    let again = llm.generate(&request).unwrap();
    assert_eq!(again.text, generation.text, "greedy: the same reply");
}

#[test]
fn labels_are_chosen_from_logits() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let labels: Vec<String> = ["yes", "no"].iter().map(|s| s.to_string()).collect();
    let choice = llm
        .choose(
            &chat(
                SYSTEM,
                "Is an e-mail address personal data? Answer yes or no.",
            ),
            &labels,
        )
        .unwrap();
    assert_eq!(choice.passes, 1, "distinct first tokens: one forward pass");
    assert_eq!(choice.scores.len(), 2);
    assert!(choice.scores[0].1 >= choice.scores[1].1);
    assert_eq!(choice.label, choice.scores[0].0);
    // Labels sharing their first token are scored whole.
    let labels: Vec<String> = ["PERSON_NAME", "PERSON_ID"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let choice = llm
        .choose(&chat(SYSTEM, "Label the column `full_name`."), &labels)
        .unwrap();
    assert!(choice.passes > 1, "{choice:?}");
    assert!(
        choice.scores.iter().all(|(_, s)| s.is_finite()),
        "{choice:?}"
    );
}

/// Under 64 tokens: llama.cpp reads 64 or more prompt rows of a sequence in
/// one decode with a tiled attention kernel whose rounding differs from the
/// row-by-row one, so a long prompt read whole (cold) and its uncached tail
/// (warm) would take different paths; see README, "Local LLM".
const ROW_BY_ROW: usize = 64;

/// A system prompt that keeps the whole prompt under `ROW_BY_ROW` tokens.
const SHORT_SYSTEM: &str = "You are Steward, a data governance assistant. You answer questions \
about tables, columns, owners, sensitive data and lineage in a warehouse.";

#[test]
fn a_cached_prefix_gives_the_same_reply_as_a_cold_run() {
    let _one = serial();
    let Some(path) = test_model_path() else {
        return;
    };
    let warm = Llm::load(&path, &settings()).unwrap();
    let first = warm
        .generate(&Request::new(chat(SHORT_SYSTEM, "What is lineage?"), 24))
        .unwrap();
    assert_eq!(first.metrics.cached_tokens, 0);
    let question = Request::new(chat(SHORT_SYSTEM, "What does a data steward do?"), 24);
    let cached = warm.generate(&question).unwrap();
    assert!(
        cached.metrics.prompt_tokens < ROW_BY_ROW,
        "{:?}",
        cached.metrics
    );
    assert!(
        cached.metrics.cached_tokens > 25,
        "the system prompt is reused: {:?}",
        cached.metrics
    );
    // While one request decodes in the slot holding the prefix, another
    // with the same system prompt gets a copy of it in a slot of its own.
    let other = Request::new(chat(SHORT_SYSTEM, "Who owns a table?"), 24);
    let long = Request::new(
        chat(SHORT_SYSTEM, "Write a long essay about data quality."),
        120,
    );
    let copied = std::thread::scope(|s| {
        let running = s.spawn(|| warm.generate(&long));
        while warm.stats().steps < 3 {
            std::thread::sleep(Duration::from_millis(2));
        }
        let copied = warm.generate(&other).unwrap();
        running.join().unwrap().unwrap();
        copied
    });
    assert!(copied.metrics.cached_tokens > 25, "{:?}", copied.metrics);
    assert!(
        copied.metrics.prompt_tokens < ROW_BY_ROW,
        "{:?}",
        copied.metrics
    );
    drop(warm);
    let cold = Llm::load(&path, &settings()).unwrap();
    let fresh = cold.generate(&question).unwrap();
    assert_eq!(fresh.metrics.cached_tokens, 0);
    assert_eq!(cached.text, fresh.text);
    assert_eq!(copied.text, cold.generate(&other).unwrap().text);
}

#[test]
fn batched_sequences_match_single_runs_under_greedy_decoding() {
    let _one = serial();
    let Some(path) = test_model_path() else {
        return;
    };
    let questions = [
        "Where would you store customer e-mails?",
        "Why mask credit card numbers?",
        "What is a data owner?",
        "Name a column that holds a date of birth.",
    ];
    for shared_cache in [true, false] {
        let settings = Settings {
            shared_cache,
            ..settings()
        };
        let single = Llm::load(&path, &settings).unwrap();
        let alone: Vec<String> = questions
            .iter()
            .map(|q| {
                single
                    .generate(&Request::new(chat("Answer in one sentence.", q), 20))
                    .unwrap()
                    .text
            })
            .collect();
        drop(single);
        let batched = Llm::load(&path, &settings).unwrap();
        let together: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = questions
                .iter()
                .map(|q| {
                    let llm = &batched;
                    s.spawn(move || {
                        llm.generate(&Request::new(chat("Answer in one sentence.", q), 20))
                            .unwrap()
                            .text
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            batched.stats().max_batched_sequences > 1,
            "decoded together: {:?}",
            batched.stats()
        );
        assert_eq!(alone, together, "shared_cache = {shared_cache}");
    }
}

/// With a KV cache per sequence, a request that ends between two others
/// leaves a gap; the sequence above it moves down, and no reply changes.
#[test]
fn a_sequence_moves_into_a_gap_without_changing_its_reply() {
    let _one = serial();
    let Some(path) = test_model_path() else {
        return;
    };
    let settings = Settings {
        shared_cache: false,
        ..settings()
    };
    // Slot 0 and 2 generate 24 tokens; slot 1 stops after 6, leaving a gap.
    let asks = [
        ("Where would you store customer e-mails?", 24),
        ("Why mask credit card numbers?", 6),
        ("What is a data owner?", 24),
    ];
    let request = |(q, n): (&str, usize)| {
        let mut r = Request::new(chat("Answer in one sentence.", q), n);
        r.ignore_end = true;
        r
    };
    let single = Llm::load(&path, &settings).unwrap();
    let alone: Vec<String> = asks
        .iter()
        .map(|&a| single.generate(&request(a)).unwrap().text)
        .collect();
    drop(single);
    let llm = Llm::load(&path, &settings).unwrap();
    let together: Vec<String> = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for &ask in &asks {
            // Each request is admitted once the one before it is generating,
            // so they take slots 0, 1 and 2 in turn.
            let (started, generating) = std::sync::mpsc::channel();
            let llm = &llm;
            handles.push(s.spawn(move || {
                let mut first = Some(started);
                llm.generate_streaming(&request(ask), &mut |_| {
                    if let Some(started) = first.take() {
                        let _ = started.send(());
                    }
                    true
                })
                .unwrap()
                .text
            }));
            generating.recv().unwrap();
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let stats = llm.stats();
    assert!(stats.moved_sequences >= 1, "no sequence moved: {stats:?}");
    assert_eq!(alone, together);
}

#[test]
fn a_self_consistency_vote_reads_its_prompt_once() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let request = Request::new(
        chat(SYSTEM, "Is a column named ssn sensitive? Answer yes or no."),
        12,
    );
    let votes = llm.generate_n(&request, 4).unwrap();
    assert_eq!(votes.len(), 4);
    let prompt = votes[0].metrics.prompt_tokens;
    let cached: usize = votes.iter().map(|g| g.metrics.cached_tokens).sum();
    // One sample reads the prompt; the others start from a copy of it, all
    // but the last token (whose logits each needs).
    assert_eq!(
        cached,
        3 * (prompt - 1),
        "{:?}",
        votes.iter().map(|g| &g.metrics).collect::<Vec<_>>()
    );
    assert!(llm.stats().max_batched_sequences > 1, "{:?}", llm.stats());
    // Greedy: every sample is the reply the request gets alone.
    let alone = llm.generate(&request).unwrap();
    for vote in &votes {
        assert_eq!(vote.text, alone.text);
    }
}

#[test]
fn generation_can_be_cancelled() {
    let _one = serial();
    let Some(llm) = load() else { return };
    let mut seen = 0;
    let generation = llm
        .generate_streaming(
            &Request::new(
                chat(SYSTEM, "Write a long essay about data governance."),
                200,
            ),
            &mut |_| {
                seen += 1;
                seen < 3
            },
        )
        .unwrap();
    assert_eq!(generation.stop, StopReason::Cancelled);
    assert!(
        generation.metrics.generated_tokens < 20,
        "{:?}",
        generation.metrics
    );
    // From another thread, with a token.
    let cancel = CancelToken::default();
    let mut request = Request::new(chat(SYSTEM, "Write a long essay about lineage."), 400);
    request.cancel = Some(cancel.clone());
    let generation = std::thread::scope(|s| {
        let handle = s.spawn(|| llm.generate(&request));
        std::thread::sleep(Duration::from_millis(300));
        cancel.cancel();
        handle.join().unwrap().unwrap()
    });
    assert_eq!(generation.stop, StopReason::Cancelled);
    assert!(generation.metrics.generated_tokens < 400);
}

#[test]
fn bad_input_is_an_error_never_an_abort() {
    let _one = serial();
    let Some(path) = test_model_path() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let e = Llm::load(&dir.path().join("missing.gguf"), &settings()).unwrap_err();
    assert!(matches!(e, LlmError::ModelNotFound(_)), "{e}");
    let text = dir.path().join("readme.gguf");
    std::fs::write(&text, "not a model").unwrap();
    let e = Llm::load(&text, &settings()).unwrap_err();
    assert!(matches!(e, LlmError::NotGguf { .. }), "{e}");
    // The real model cut in half: the header reads, llama.cpp refuses it.
    let bytes = std::fs::read(&path).unwrap();
    let cut = dir.path().join("cut.gguf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = Llm::load(&cut, &settings()).unwrap_err();
    assert!(matches!(e, LlmError::Load { .. }), "{e}");
    assert!(e.to_string().contains("cut.gguf"), "{e}");

    let llm = Llm::load(&path, &settings()).unwrap();
    let long = "governance ".repeat(3000);
    let e = llm
        .generate(&Request::new(Prompt::Text(long), 10))
        .unwrap_err();
    assert!(matches!(e, LlmError::PromptTooLong { .. }), "{e}");
    let mut request = Request::new(chat(SYSTEM, "hi"), 10);
    request.schema = Some(
        serde_json::json!({"type": "object", "properties": {"a": {"$ref": "#/definitions/missing"}}}),
    );
    let e = llm.generate(&request).unwrap_err();
    assert!(matches!(e, LlmError::Schema(_)), "{e}");
    // The runtime still works after all that.
    llm.generate(&Request::new(chat(SYSTEM, "hi"), 4)).unwrap();
}

#[test]
fn a_full_queue_refuses_new_requests() {
    let _one = serial();
    let Some(path) = test_model_path() else {
        return;
    };
    let llm = Llm::load(
        &path,
        &Settings {
            sequences: 1,
            queue: 1,
            ..settings()
        },
    )
    .unwrap();
    let long = Request::new(chat(SYSTEM, "Write a long essay about data quality."), 150);
    std::thread::scope(|s| {
        let running = s.spawn(|| llm.generate(&long));
        // Wait until the first request is being decoded (out of the queue).
        while llm.stats().steps == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let waiting = s.spawn(|| llm.generate(&Request::new(chat(SYSTEM, "hi"), 4)));
        std::thread::sleep(Duration::from_millis(50));
        let refused = llm.generate(&Request::new(chat(SYSTEM, "hello"), 4));
        assert!(matches!(refused, Err(LlmError::Busy(1))), "{refused:?}");
        running.join().unwrap().unwrap();
        waiting.join().unwrap().unwrap();
    });
    assert_eq!(llm.stats().rejected, 1);
}
