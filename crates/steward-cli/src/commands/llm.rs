//! `steward model pull|list` and `steward llm chat|generate|bench`: the local
//! model, fetched, talked to and measured. The runtime is blocking (its own
//! thread decodes), so calls are made with `block_in_place`.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::Serialize;
use signal_hook::consts::SIGINT;
use steward_llm::{
    CancelToken, Conversation, Llm, LlmConfig, LlmError, Message, PRESETS, Prompt, Request,
    StopReason, preset, preset_path, pull,
};
use steward_types::{ErrorKind, HasKind};

use crate::cli::{LlmBenchArgs, LlmChatArgs, LlmCommand, LlmGenerateArgs, ModelArg, ModelCommand};
use crate::config::Loaded;
use crate::failure::Failure;
use crate::output::Output;

fn llm_error(e: LlmError) -> anyhow::Error {
    Failure::new(e.kind(), e.to_string()).into()
}

fn model_dir(loaded: &Loaded) -> std::path::PathBuf {
    loaded.config.llm.model_dir_in(&loaded.base_dir)
}

#[derive(Serialize)]
struct PresetLine {
    name: &'static str,
    description: &'static str,
    size: &'static str,
    path: String,
    present: bool,
}

pub async fn model(loaded: &Loaded, command: &ModelCommand, out: &Output) -> anyhow::Result<()> {
    let dir = model_dir(loaded);
    match command {
        ModelCommand::Pull { preset: name } => {
            let preset = preset(name).map_err(llm_error)?;
            let quiet = out.json();
            let pulled = tokio::task::block_in_place(|| {
                pull(preset, &dir, &mut |step| {
                    if !quiet {
                        eprintln!("{step}");
                    }
                })
            })
            .map_err(llm_error)?;
            out.print(&pulled, |p| {
                format!(
                    "{} {} ({} bytes, sha256 verified)\n",
                    if p.fetched {
                        "fetched"
                    } else {
                        "already here:"
                    },
                    p.path.display(),
                    p.bytes
                )
            })
        }
        ModelCommand::List => {
            let lines: Vec<PresetLine> = PRESETS
                .iter()
                .map(|p| {
                    let path = preset_path(&dir, p);
                    PresetLine {
                        name: p.name,
                        description: p.description,
                        size: p.size,
                        present: path.exists(),
                        path: path.display().to_string(),
                    }
                })
                .collect();
            out.print(&lines, |lines| {
                let mut text = String::new();
                for l in lines {
                    let _ = writeln!(
                        text,
                        "{:<20} {:>7}  {:<9} {}",
                        l.name,
                        l.size,
                        if l.present { "here" } else { "not here" },
                        l.description
                    );
                }
                let _ = writeln!(text, "folder: {}", dir.display());
                text
            })
        }
    }
}

/// The model the command names (or the configured one), loaded.
pub fn load(loaded: &Loaded, arg: &ModelArg) -> anyhow::Result<Llm> {
    load_with(loaded, arg, |_| {})
}

/// `load`, with the configuration adjusted first (the benchmark's slots).
fn load_with(
    loaded: &Loaded,
    arg: &ModelArg,
    adjust: impl FnOnce(&mut LlmConfig),
) -> anyhow::Result<Llm> {
    let mut config: LlmConfig = loaded.config.llm.clone();
    if let Some(model) = &arg.model {
        config.model = model.clone();
    }
    if let Some(threads) = arg.threads {
        config.threads = threads;
    }
    adjust(&mut config);
    tokio::task::block_in_place(|| config.load(&loaded.base_dir)).map_err(llm_error)
}

pub async fn run(loaded: &Loaded, command: &LlmCommand, out: &Output) -> anyhow::Result<()> {
    match command {
        LlmCommand::Chat(args) => chat(loaded, args),
        LlmCommand::Generate(args) => generate(loaded, args, out),
        LlmCommand::Bench(args) => bench(loaded, args, out),
    }
}

const CHAT_HELP: &str = "Type a message and press Enter. /reset clears the history, \
/quit (or an empty line, or end of input) ends the session; Ctrl-C stops a reply.";

fn chat(loaded: &Loaded, args: &LlmChatArgs) -> anyhow::Result<()> {
    let llm = load(loaded, &args.model)?;
    let interactive = std::io::stdin().is_terminal();
    // Ctrl-C stops the reply being written and keeps the session; with no
    // reply under way it ends the session as it always did.
    let idle = Arc::new(AtomicBool::new(true));
    let interrupted = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&idle))
        .and_then(|_| signal_hook::flag::register(SIGINT, Arc::clone(&interrupted)))
        .map_err(|e| anyhow::anyhow!("cannot handle Ctrl-C: {e}"))?;
    if interactive {
        eprintln!("{CHAT_HELP}");
    }
    let mut conversation = Conversation::new(args.system.clone());
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            print!("> ");
            let _ = std::io::stdout().flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line?;
        let text = match line.trim() {
            "" | "/quit" | "/exit" => break,
            "/reset" => {
                conversation.reset();
                println!("(history cleared)");
                continue;
            }
            "/help" => {
                println!("{CHAT_HELP}");
                continue;
            }
            text => text.to_string(),
        };
        interrupted.store(false, Ordering::SeqCst);
        idle.store(false, Ordering::SeqCst);
        let cancel = Some(CancelToken::from_flag(Arc::clone(&interrupted)));
        let result = tokio::task::block_in_place(|| {
            conversation.send(&llm, &text, args.max_tokens, cancel, &mut |piece| {
                print!("{piece}");
                let _ = std::io::stdout().flush();
                true
            })
        });
        idle.store(true, Ordering::SeqCst);
        let reply = match result {
            Ok(reply) => reply,
            // The message alone does not fit: say so and keep the session.
            Err(e @ LlmError::PromptTooLong { .. }) => {
                eprintln!("error: {e}; send a shorter message");
                continue;
            }
            Err(e) => return Err(llm_error(e)),
        };
        println!();
        if reply.generation.stop == StopReason::Cancelled {
            eprintln!("(reply stopped)");
        }
        if reply.dropped > 0 {
            eprintln!(
                "(the {} oldest message(s) were dropped to fit the context)",
                reply.dropped
            );
        }
        if interactive {
            let m = &reply.generation.metrics;
            eprintln!(
                "({} prompt tokens, {} cached; {} generated at {:.1} tokens/s; first token after {:.0} ms)",
                m.prompt_tokens,
                m.cached_tokens,
                m.generated_tokens,
                m.tokens_per_second,
                m.time_to_first_token_ms
            );
        }
    }
    Ok(())
}

fn generate(loaded: &Loaded, args: &LlmGenerateArgs, out: &Output) -> anyhow::Result<()> {
    let prompt = match &args.prompt {
        Some(p) => p.clone(),
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
    };
    if prompt.trim().is_empty() {
        return Err(Failure::new(ErrorKind::Invalid, "the prompt is empty").into());
    }
    let schema = match &args.schema {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::new(
                    ErrorKind::Invalid,
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            let schema = serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
                Failure::new(
                    ErrorKind::Invalid,
                    format!("{}: not JSON: {e}", path.display()),
                )
            })?;
            // Checked before the model loads, so a bad schema fails at once
            // and names its file.
            steward_llm::schema_grammar(&schema)
                .map_err(|e| Failure::new(e.kind(), format!("{}: {e}", path.display())))?;
            Some(schema)
        }
        None => None,
    };
    let llm = load(loaded, &args.model)?;
    let mut messages = Vec::new();
    if let Some(system) = &args.system {
        messages.push(Message::new("system", system.clone()));
    }
    messages.push(Message::new("user", prompt));
    let mut request = Request::new(Prompt::Chat(messages), args.max_tokens);
    request.schema = schema;
    request.temperature = args.temperature;
    let stream = !out.json() && request.schema.is_none();
    let generation = tokio::task::block_in_place(|| {
        llm.generate_streaming(&request, &mut |piece| {
            if stream {
                print!("{piece}");
                let _ = std::io::stdout().flush();
            }
            true
        })
    })
    .map_err(llm_error)?;
    if stream {
        println!();
        return Ok(());
    }
    out.print(&generation, |g| match &g.json {
        Some(json) => format!(
            "{}\n",
            serde_json::to_string_pretty(json).unwrap_or_default()
        ),
        None => format!("{}\n", g.text),
    })
}

/// One measured configuration.
#[derive(Debug, Serialize)]
struct SpeedRun {
    threads: usize,
    prompt_tokens: usize,
    /// Median over the runs.
    prompt_tokens_per_second: f64,
    generated_tokens: usize,
    generation_tokens_per_second: f64,
}

#[derive(Debug, Serialize)]
struct PrefixRun {
    prefix_tokens: usize,
    cold_ms: f64,
    cached_ms: f64,
    ratio: f64,
}

#[derive(Debug, Serialize)]
struct BatchRun {
    sequences: usize,
    tokens: usize,
    seconds: f64,
    /// Over the whole run, prompts included.
    tokens_per_second: f64,
    /// While the sequences generate together.
    generation_tokens_per_second: f64,
}

#[derive(Debug, Serialize)]
struct BenchReport {
    model: String,
    speed: Vec<SpeedRun>,
    prefix: PrefixRun,
    batched: Vec<BatchRun>,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Words that tokenize about one token each, for prompts of a known length.
fn filler(tokens: usize, salt: usize) -> String {
    const WORDS: [&str; 8] = [
        "table", "column", "owner", "lineage", "policy", "steward", "finding", "schema",
    ];
    let mut text = format!("run {salt}:");
    for i in 0..tokens {
        text.push(' ');
        text.push_str(WORDS[(i * 7 + salt) % WORDS.len()]);
    }
    text
}

/// A filler prompt of exactly `tokens` tokens (or the nearest below), so the
/// prompt measure compares with llama.cpp's ppN.
fn exact_prompt(llm: &Llm, tokens: usize, salt: usize) -> anyhow::Result<String> {
    let count = |words: usize| -> anyhow::Result<usize> {
        Ok(llm
            .tokenize(&Prompt::Text(filler(words, salt)))
            .map_err(llm_error)?
            .len())
    };
    let (mut lo, mut hi) = (1usize, tokens.max(2));
    while count(hi)? < tokens {
        hi *= 2;
    }
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if count(mid)? <= tokens {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(filler(lo, salt))
}

/// One untimed request on a freshly loaded model, as llama-bench warms up:
/// the first decodes pay for page faults in the mapped weights and buffer
/// set-up, which are not the speed being measured. Its prompt shares nothing
/// worth reusing with the timed ones.
fn warm_up(llm: &Llm, prompt_tokens: usize) -> anyhow::Result<()> {
    let mut request = Request::new(Prompt::Text(exact_prompt(llm, prompt_tokens, 999_999)?), 4);
    request.ignore_end = true;
    tokio::task::block_in_place(|| llm.generate(&request)).map_err(llm_error)?;
    Ok(())
}

fn bench(loaded: &Loaded, args: &LlmBenchArgs, out: &Output) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut thread_counts = vec![1];
    if cores >= 2 {
        thread_counts.push(2);
    }
    let repeat = args.repeat.max(1);
    let mut speed = Vec::new();
    let mut model_name = String::new();
    let progress = !out.json();
    for &threads in &thread_counts {
        let arg = ModelArg {
            model: args.model.model.clone(),
            threads: Some(threads),
        };
        let llm = load(loaded, &arg)?;
        warm_up(&llm, args.prompt_tokens)?;
        model_name = llm.info().path.display().to_string();
        let mut pp = Vec::new();
        let mut tg = Vec::new();
        let mut prompt_tokens = 0;
        let mut generated = 0;
        for run in 0..repeat {
            // A different prompt each run: nothing comes from the cache.
            let text = exact_prompt(&llm, args.prompt_tokens, run + threads * 100)?;
            let request = Request::new(Prompt::Text(text), 1);
            let g = tokio::task::block_in_place(|| llm.generate(&request)).map_err(llm_error)?;
            prompt_tokens = g.metrics.prompt_tokens;
            // Only the tokens read count (a few may match the warm-up's).
            let read = g.metrics.prompt_tokens - g.metrics.cached_tokens;
            pp.push(read as f64 / (g.metrics.time_to_first_token_ms / 1000.0));
            let mut request = Request::new(
                Prompt::Text(format!("{} Count:", run + threads * 100)),
                args.gen_tokens,
            );
            request.ignore_end = true;
            let g = tokio::task::block_in_place(|| llm.generate(&request)).map_err(llm_error)?;
            generated = g.metrics.generated_tokens;
            tg.push(g.metrics.tokens_per_second);
        }
        let s = SpeedRun {
            threads,
            prompt_tokens,
            prompt_tokens_per_second: median(pp),
            generated_tokens: generated,
            generation_tokens_per_second: median(tg),
        };
        if progress {
            eprintln!(
                "{threads} thread(s): prompt {:.1} tokens/s, generation {:.1} tokens/s",
                s.prompt_tokens_per_second, s.generation_tokens_per_second
            );
        }
        speed.push(s);
    }

    // Cold and cached time to first token behind a ~700-token system prompt.
    let max_threads = *thread_counts.last().unwrap_or(&1);
    let arg = ModelArg {
        model: args.model.model.clone(),
        threads: Some(max_threads),
    };
    let system = format!("You are Steward. Catalog notes: {}", filler(690, 7));
    let ask = |llm: &Llm, question: &str| -> anyhow::Result<steward_llm::Generation> {
        let request = Request::new(
            Prompt::Chat(vec![
                Message::new("system", system.clone()),
                Message::new("user", question),
            ]),
            1,
        );
        tokio::task::block_in_place(|| llm.generate(&request)).map_err(llm_error)
    };
    let mut cold = Vec::new();
    let mut cached = Vec::new();
    let mut prefix_tokens = 0;
    for run in 0..repeat {
        let llm = load(loaded, &arg)?;
        warm_up(&llm, 64)?;
        let first = ask(&llm, &format!("Who owns table {run}?"))?;
        prefix_tokens = first.metrics.prompt_tokens;
        cold.push(first.metrics.time_to_first_token_ms);
        let second = ask(
            &llm,
            &format!("Which columns of table {run} are sensitive?"),
        )?;
        cached.push(second.metrics.time_to_first_token_ms);
    }
    let (cold_ms, cached_ms) = (median(cold), median(cached));
    let prefix = PrefixRun {
        prefix_tokens,
        cold_ms,
        cached_ms,
        ratio: cached_ms / cold_ms,
    };
    if progress {
        eprintln!(
            "prefix of {prefix_tokens} tokens: first token cold {cold_ms:.0} ms, cached {cached_ms:.0} ms ({:.1}%)",
            prefix.ratio * 100.0
        );
    }

    // Batched throughput: n sequences generating together.
    let mut batched = Vec::new();
    let llm = load_with(loaded, &arg, |c| {
        c.sequences = 8;
        c.context = 4096;
    })?;
    warm_up(&llm, 64)?;
    for n in [1usize, 4, 8] {
        let mut runs = Vec::new();
        let mut generation = Vec::new();
        let mut tokens = 0;
        for run in 0..repeat {
            let before = llm.stats();
            let started = Instant::now();
            let total = tokio::task::block_in_place(|| {
                std::thread::scope(|s| {
                    let handles: Vec<_> = (0..n)
                        .map(|i| {
                            let llm = &llm;
                            let mut request = Request::new(
                                Prompt::Text(format!(
                                    "Sequence {i} of run {run} {n}: list tables:"
                                )),
                                args.gen_tokens,
                            );
                            request.ignore_end = true;
                            s.spawn(move || llm.generate(&request).map(|g| g.metrics))
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or(Err(LlmError::Stopped)))
                        .collect::<Result<Vec<steward_llm::Metrics>, _>>()
                })
            })
            .map_err(llm_error)?;
            let wall = started.elapsed().as_secs_f64();
            tokens = total.iter().map(|m| m.generated_tokens).sum();
            runs.push(tokens as f64 / wall);
            // Generation alone, as llama-batched-bench's S_TG counts it: the
            // tokens of the steps that decoded only generated tokens over the
            // time of those steps, reading the prompts left out (the
            // sequences' short prompts are read one after another first).
            let after = llm.stats();
            let seconds = after.generation_seconds - before.generation_seconds;
            let step_tokens = after.generation_step_tokens - before.generation_step_tokens;
            generation.push(step_tokens as f64 / seconds);
        }
        let tps = median(runs);
        let gen_tps = median(generation);
        if progress {
            eprintln!(
                "{n} sequence(s) together: {tps:.1} tokens/s ({gen_tps:.1} while generating)"
            );
        }
        batched.push(BatchRun {
            sequences: n,
            tokens,
            seconds: tokens as f64 / tps,
            tokens_per_second: tps,
            generation_tokens_per_second: gen_tps,
        });
    }
    let report = BenchReport {
        model: model_name,
        speed,
        prefix,
        batched,
    };
    out.print(&report, |r| {
        let mut text = format!("model {}\n", r.model);
        for s in &r.speed {
            let _ = writeln!(
                text,
                "threads {}: pp{} {:.1} tokens/s, tg{} {:.1} tokens/s",
                s.threads, s.prompt_tokens, s.prompt_tokens_per_second, s.generated_tokens, s.generation_tokens_per_second
            );
        }
        let _ = writeln!(
            text,
            "time to first token behind {} prompt tokens: cold {:.0} ms, cached prefix {:.0} ms ({:.1}% of cold)",
            r.prefix.prefix_tokens,
            r.prefix.cold_ms,
            r.prefix.cached_ms,
            r.prefix.ratio * 100.0
        );
        let one = r.batched.first().map_or(1.0, |b| b.tokens_per_second);
        let one_gen = r.batched.first().map_or(1.0, |b| b.generation_tokens_per_second);
        for b in &r.batched {
            let _ = writeln!(
                text,
                "{} sequence(s): {:.1} tokens/s ({:.2}x one); while generating {:.1} tokens/s ({:.2}x one)",
                b.sequences,
                b.tokens_per_second,
                b.tokens_per_second / one,
                b.generation_tokens_per_second,
                b.generation_tokens_per_second / one_gen
            );
        }
        text
    })
}
