//! One model, loaded once, served from a thread of its own. Requests wait in a
//! bounded queue (a full queue refuses new ones: back-pressure); the worker
//! decodes every admitted request together, one sequence each, in shared
//! batches, admitting new ones between steps. Each sequence slot keeps the KV
//! cache of what it last processed, and a new prompt reuses the longest prefix
//! any slot holds (copied between slots when needed), so a shared system prompt
//! is decoded once.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Instant;

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use serde::{Deserialize, Serialize};

use crate::error::{LlmError, Result};
use crate::gguf;

/// llama.cpp's process-wide state: initialised once, never torn down.
fn backend() -> Result<&'static LlamaBackend> {
    static BACKEND: OnceLock<std::result::Result<LlamaBackend, String>> = OnceLock::new();
    BACKEND
        .get_or_init(|| {
            // llama.cpp logs a great deal to stderr; route it to tracing.
            llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default());
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| LlmError::Runtime(e.clone()))
}

/// How the runtime runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Capped at the machine's cores.
    pub threads: usize,
    pub context: u32,
    pub batch: u32,
    pub sequences: u32,
    pub queue: usize,
    /// One KV cache for all sequences (each may use the whole context), or
    /// one per sequence (`context / sequences` each). See `LlmConfig`.
    pub shared_cache: bool,
}

impl Settings {
    /// Tokens one sequence may hold (prompt and reply).
    pub fn sequence_context(&self) -> usize {
        if self.shared_cache {
            self.context as usize
        } else {
            (self.context / self.sequences.max(1)) as usize
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        crate::config::LlmConfig::default().settings()
    }
}

/// A chat message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: &str, content: impl Into<String>) -> Self {
        Self {
            role: role.to_string(),
            content: content.into(),
        }
    }
}

/// What the model is asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// Rendered with the model's chat template (ChatML when it has none).
    Chat(Vec<Message>),
    /// Used as is.
    Text(String),
}

/// Stops a generation from another thread; the reply so far is kept.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is cancelled when `flag` is set, e.g. by a signal
    /// handler that can only store to an atomic.
    pub fn from_flag(flag: Arc<AtomicBool>) -> Self {
        Self(flag)
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A generation request.
#[derive(Debug, Clone)]
pub struct Request {
    pub prompt: Prompt,
    pub max_tokens: usize,
    /// The reply must be JSON matching this schema (enforced by a grammar).
    pub schema: Option<serde_json::Value>,
    /// 0 decodes greedily (the same prompt, the same reply).
    pub temperature: f32,
    pub seed: u32,
    pub cancel: Option<CancelToken>,
    /// Keep generating past the end of the reply, up to `max_tokens`: what a
    /// benchmark of generation speed needs, never a real request.
    pub ignore_end: bool,
}

impl Request {
    pub fn new(prompt: Prompt, max_tokens: usize) -> Self {
        Self {
            prompt,
            max_tokens,
            schema: None,
            temperature: 0.0,
            seed: 0,
            cancel: None,
            ignore_end: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model ended its reply.
    EndOfGeneration,
    MaxTokens,
    Cancelled,
}

/// What one request cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub prompt_tokens: usize,
    /// Prompt tokens whose KV cache was reused instead of decoded.
    pub cached_tokens: usize,
    pub generated_tokens: usize,
    pub queued_ms: f64,
    pub time_to_first_token_ms: f64,
    pub total_ms: f64,
    /// Generated tokens per second after the first.
    pub tokens_per_second: f64,
}

impl Metrics {
    /// The tokens a request read and wrote: its prompt and its reply.
    pub fn tokens(&self) -> usize {
        self.prompt_tokens + self.generated_tokens
    }
}

/// A finished generation.
#[derive(Debug, Clone, Serialize)]
pub struct Generation {
    pub text: String,
    pub stop: StopReason,
    /// The reply parsed, when a schema was given (validated against it).
    pub json: Option<serde_json::Value>,
    pub metrics: Metrics,
}

/// The label the model prefers, and how much, from its logits.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub label: String,
    /// Each label's log-probability given the prompt, best first.
    pub scores: Vec<(String, f32)>,
    /// Forward passes it took: 1 when the labels' first tokens differ.
    pub passes: usize,
    pub metrics: Metrics,
}

/// Totals since the model was loaded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RuntimeStats {
    pub requests: u64,
    /// Refused because the queue was full.
    pub rejected: u64,
    pub failed: u64,
    pub prompt_tokens: u64,
    pub cached_tokens: u64,
    pub generated_tokens: u64,
    /// Decode steps, and the most sequences decoded in one.
    pub steps: u64,
    pub max_batched_sequences: usize,
    /// Sequences moved into a gap between busy ones (per-sequence caches).
    pub moved_sequences: u64,
    /// Steps that decoded generated tokens only (no prompt), the tokens they
    /// produced and the time they took (decoding and picking the tokens):
    /// the throughput of generation, prompt reading left out.
    pub generation_steps: u64,
    pub generation_step_tokens: u64,
    pub generation_seconds: f64,
    pub mean_time_to_first_token_ms: f64,
    pub mean_tokens_per_second: f64,
    /// Requests queued or being answered now: the queue's depth.
    pub waiting: usize,
}

/// What the model file is.
#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub path: PathBuf,
    pub architecture: Option<String>,
    pub parameters: u64,
    pub bytes: u64,
    pub context_trained: u32,
    /// Whether the model carries a chat template (else ChatML is used).
    pub chat_template: bool,
}

/// Something the worker streams back.
enum Event {
    Piece(String),
    Done(Result<Generation>),
}

enum Job {
    Generate {
        tokens: Vec<LlamaToken>,
        request: Request,
        grammar: Option<String>,
        events: Sender<Event>,
        /// Whether the caller reads pieces as they come: a caller that only
        /// wants the whole reply is not woken for every token (on two cores a
        /// woken caller takes a core from llama.cpp's threads).
        stream: bool,
        queued: Instant,
    },
    Choose {
        tokens: Vec<LlamaToken>,
        labels: Vec<(String, Vec<LlamaToken>)>,
        reply: Sender<Result<Choice>>,
        queued: Instant,
    },
}

/// A loaded model and the thread that serves it.
pub struct Llm {
    model: Arc<LlamaModel>,
    jobs: Option<SyncSender<Job>>,
    worker: Option<JoinHandle<()>>,
    stats: Arc<Mutex<RuntimeStats>>,
    /// Requests sent to the worker and not yet answered.
    waiting: Arc<std::sync::atomic::AtomicUsize>,
    info: ModelInfo,
    settings: Settings,
}

/// Counts a request as waiting until its caller has the answer.
struct Waiting(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Llm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Llm")
            .field("info", &self.info)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Drop for Llm {
    fn drop(&mut self) {
        // Closing the queue ends the worker after its current work.
        self.jobs = None;
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Llm {
    /// Loads a GGUF model: the header is checked first (a file that is not
    /// GGUF or is cut short is refused with its name), then llama.cpp loads
    /// it and a context is made on the worker thread.
    pub fn load(path: &Path, settings: &Settings) -> Result<Self> {
        let header = gguf::read_header(path)?;
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let backend = backend()?;
        let model = LlamaModel::load_from_file(backend, path, &LlamaModelParams::default())
            .map_err(|e| LlmError::Load {
                path: path.to_path_buf(),
                reason: format!(
                    "{e}; the file may be truncated or its architecture ({}) unknown to this build",
                    header.architecture.as_deref().unwrap_or("not stated")
                ),
            })?;
        let model = Arc::new(model);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut settings = settings.clone();
        settings.threads = settings.threads.clamp(1, cores);
        settings.sequences = settings.sequences.clamp(1, 64);
        settings.batch = settings.batch.max(16);
        let floor = 256 * settings.sequences;
        if settings.context < floor {
            // Room for a prompt and a reply in every sequence; llama.cpp pads
            // a per-sequence cache to 256 cells anyway.
            tracing::warn!(
                configured = settings.context,
                context = floor,
                "llm.context raised to 256 tokens a sequence"
            );
            settings.context = floor;
        }
        let info = ModelInfo {
            path: path.to_path_buf(),
            architecture: header.architecture,
            parameters: model.n_params(),
            bytes,
            context_trained: model.n_ctx_train(),
            chat_template: model.chat_template(None).is_ok(),
        };
        let stats = Arc::new(Mutex::new(RuntimeStats::default()));
        let (jobs, queue) = mpsc::sync_channel::<Job>(settings.queue.max(1));
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let worker = {
            let model = model.clone();
            let stats = stats.clone();
            let settings = settings.clone();
            std::thread::Builder::new()
                .name("steward-llm".to_string())
                .spawn(move || worker(model, settings, queue, stats, ready_tx))
                .map_err(|e| LlmError::Runtime(format!("cannot start the model thread: {e}")))?
        };
        ready_rx.recv().map_err(|_| LlmError::Stopped)??;
        Ok(Self {
            model,
            jobs: Some(jobs),
            worker: Some(worker),
            stats,
            waiting: Arc::default(),
            info,
            settings,
        })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn stats(&self) -> RuntimeStats {
        let mut stats = self.stats.lock().map(|s| s.clone()).unwrap_or_default();
        stats.waiting = self.waiting.load(Ordering::Relaxed);
        stats
    }

    /// The prompt text the model sees: chat messages through its template,
    /// ChatML when it has none or llama.cpp cannot apply it.
    pub fn render(&self, prompt: &Prompt) -> Result<String> {
        let messages = match prompt {
            Prompt::Text(text) => return Ok(text.clone()),
            Prompt::Chat(messages) => messages,
        };
        if let Ok(template) = self.model.chat_template(None) {
            let chat: std::result::Result<Vec<LlamaChatMessage>, NotApplied> = messages
                .iter()
                .map(|m| {
                    LlamaChatMessage::new(m.role.clone(), m.content.clone()).map_err(|_| NotApplied)
                })
                .collect();
            if let Ok(text) = chat.and_then(|chat| {
                self.model
                    .apply_chat_template(&template, &chat, true)
                    .map_err(|_| NotApplied)
            }) {
                return Ok(text);
            }
        }
        Ok(chatml(messages))
    }

    /// The prompt's tokens (special tokens of the template parsed as such).
    pub fn tokenize(&self, prompt: &Prompt) -> Result<Vec<LlamaToken>> {
        let text = self.render(prompt)?;
        Ok(self.model.vocab().tokenize(text.as_bytes(), true, true))
    }

    fn send(&self, job: Job) -> Result<Waiting> {
        let jobs = self.jobs.as_ref().ok_or(LlmError::Stopped)?;
        match jobs.try_send(job) {
            Ok(()) => {
                self.waiting.fetch_add(1, Ordering::Relaxed);
                Ok(Waiting(self.waiting.clone()))
            }
            Err(TrySendError::Full(_)) => {
                if let Ok(mut s) = self.stats.lock() {
                    s.rejected += 1;
                }
                Err(LlmError::Busy(self.settings.queue))
            }
            Err(TrySendError::Disconnected(_)) => Err(LlmError::Stopped),
        }
    }

    /// Generates a reply, calling `on_piece` with each piece of text as it
    /// comes; `on_piece` returning false cancels the rest.
    pub fn generate_streaming(
        &self,
        request: &Request,
        on_piece: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        self.run_generation(request, Some(on_piece))
    }

    /// Generates a reply and returns it whole.
    pub fn generate(&self, request: &Request) -> Result<Generation> {
        self.run_generation(request, None)
    }

    fn run_generation(
        &self,
        request: &Request,
        mut on_piece: Option<&mut dyn FnMut(&str) -> bool>,
    ) -> Result<Generation> {
        let tokens = self.tokenize(&request.prompt)?;
        let context = self.settings.sequence_context();
        if tokens.len() + request.max_tokens > context {
            return Err(LlmError::PromptTooLong {
                tokens: tokens.len(),
                reply: request.max_tokens,
                context,
            });
        }
        // The validator compiled here checks the reply too.
        let (validator, grammar) = match request.schema.as_ref().map(compile_schema).transpose()? {
            Some((validator, grammar)) => (Some(validator), Some(grammar)),
            None => (None, None),
        };
        let mut request = request.clone();
        let cancel = request
            .cancel
            .get_or_insert_with(CancelToken::default)
            .clone();
        let (events, replies) = mpsc::channel();
        let _waiting = self.send(Job::Generate {
            tokens,
            request: request.clone(),
            grammar,
            events,
            stream: on_piece.is_some(),
            queued: Instant::now(),
        })?;
        loop {
            match replies.recv().map_err(|_| LlmError::Stopped)? {
                Event::Piece(piece) => {
                    if let Some(on_piece) = on_piece.as_mut()
                        && !on_piece(&piece)
                    {
                        cancel.cancel();
                    }
                }
                Event::Done(result) => {
                    let mut generation = result?;
                    if let Some(validator) = validator
                        .as_ref()
                        .filter(|_| generation.stop == StopReason::EndOfGeneration)
                    {
                        generation.json = Some(validate(validator, &generation.text)?);
                    }
                    return Ok(generation);
                }
            }
        }
    }

    /// `n` replies to one request, decoded together (seeds `seed`, `seed+1`,
    /// ...): self-consistency voting at a fraction of `n` separate runs.
    pub fn generate_n(&self, request: &Request, n: usize) -> Result<Vec<Generation>> {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let mut r = request.clone();
                    r.seed = request.seed.wrapping_add(i as u32);
                    scope.spawn(move || self.generate(&r))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(Err(LlmError::Stopped)))
                .collect()
        })
    }

    /// The label the model finds likeliest after the prompt, from its logits
    /// (no sampling). When the labels' first tokens differ, one forward pass
    /// over the prompt decides; otherwise each label's full token sequence is
    /// scored too.
    pub fn choose(&self, prompt: &Prompt, labels: &[String]) -> Result<Choice> {
        if labels.is_empty() {
            return Err(LlmError::Runtime("no labels to choose from".to_string()));
        }
        let tokens = self.tokenize(prompt)?;
        let labels: Vec<(String, Vec<LlamaToken>)> = labels
            .iter()
            .map(|l| {
                (
                    l.clone(),
                    self.model.vocab().tokenize(l.as_bytes(), false, false),
                )
            })
            .collect();
        let longest = labels.iter().map(|(_, t)| t.len()).max().unwrap_or(0);
        let context = self.settings.sequence_context();
        if tokens.len() + longest > context {
            return Err(LlmError::PromptTooLong {
                tokens: tokens.len(),
                reply: longest,
                context,
            });
        }
        let (reply, answer) = mpsc::channel();
        let _waiting = self.send(Job::Choose {
            tokens,
            labels,
            reply,
            queued: Instant::now(),
        })?;
        answer.recv().map_err(|_| LlmError::Stopped)?
    }
}

/// The model's template could not be applied (ChatML is used instead).
struct NotApplied;

/// ChatML, the fallback template.
fn chatml(messages: &[Message]) -> String {
    let mut text = String::new();
    for m in messages {
        text.push_str(&format!(
            "<|im_start|>{}\n{}<|im_end|>\n",
            m.role, m.content
        ));
    }
    text.push_str("<|im_start|>assistant\n");
    text
}

/// The GBNF grammar that constrains a reply to `schema`. The schema is
/// compiled as JSON Schema first: llama.cpp's converter reports no reason when
/// it fails (its message is lost at the FFI boundary), while the compiler
/// names the keyword and place, e.g. an unresolved `$ref` or an invalid
/// `pattern`.
pub fn schema_grammar(schema: &serde_json::Value) -> Result<String> {
    compile_schema(schema).map(|(_, grammar)| grammar)
}

/// The schema's validator (for the reply) and grammar (for the tokens).
fn compile_schema(schema: &serde_json::Value) -> Result<(jsonschema::Validator, String)> {
    let validator = jsonschema::validator_for(schema).map_err(|e| {
        let at = e.instance_path().to_string();
        LlmError::Schema(if at.is_empty() {
            e.to_string()
        } else {
            format!("{e} (at `{at}`)")
        })
    })?;
    let grammar = llama_cpp_2::json_schema_to_grammar(&schema.to_string()).map_err(|_| {
        LlmError::Schema(
            "llama.cpp's converter rejected it (it gives no reason); it handles objects, \
             arrays, strings (with anchored `pattern`s), numbers, booleans, `enum`, \
             `const`, `anyOf`/`oneOf`/`allOf` and local `$ref`s"
                .to_string(),
        )
    })?;
    Ok((validator, grammar))
}

/// Parses the reply and checks it against the schema.
fn validate(validator: &jsonschema::Validator, text: &str) -> Result<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(text.trim())
        .map_err(|e| LlmError::Invalid(format!("not JSON: {e}")))?;
    if let Some(error) = validator.iter_errors(&value).next() {
        return Err(LlmError::Invalid(format!(
            "{} at `{}`",
            error,
            error.instance_path()
        )));
    }
    Ok(value)
}

/// Picks the next token. Greedy decoding without a grammar reads the
/// highest logit directly; anything else goes through llama.cpp's sampler,
/// wrapped so that nothing can call `accept` after `sample` (which already
/// accepts): with a grammar in the chain, a second accept aborts the process.
enum TokenPicker {
    /// The first highest logit, as llama.cpp's greedy sampler picks it,
    /// without copying the vocabulary into a candidate list each token.
    Greedy,
    Sampler(LlamaSampler),
}

impl TokenPicker {
    fn new(model: &LlamaModel, request: &Request, grammar: Option<&str>) -> Result<Self> {
        if grammar.is_none() && request.temperature <= 0.0 {
            return Ok(Self::Greedy);
        }
        let mut chain = Vec::new();
        if let Some(grammar) = grammar {
            chain.push(
                LlamaSampler::grammar(model, grammar, "root")
                    .map_err(|e| LlmError::Schema(e.to_string()))?,
            );
        }
        if request.temperature > 0.0 {
            chain.push(LlamaSampler::temp(request.temperature));
            chain.push(LlamaSampler::dist(request.seed));
        } else {
            chain.push(LlamaSampler::greedy());
        }
        Ok(Self::Sampler(LlamaSampler::chain_simple(chain)))
    }

    fn pick(&mut self, ctx: &LlamaContext<'_>, index: i32) -> LlamaToken {
        match self {
            Self::Greedy => LlamaToken(first_max(ctx.get_logits_ith(index)) as i32),
            Self::Sampler(sampler) => sampler.sample(ctx, index),
        }
    }
}

/// The index of the first largest value (0 for an empty slice).
fn first_max(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Bytes of token pieces turned into text, holding back a UTF-8 character
/// split across tokens until it is whole.
#[derive(Default)]
struct Utf8Buffer(Vec<u8>);

impl Utf8Buffer {
    fn push(&mut self, bytes: &[u8]) -> String {
        self.0.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&self.0) {
            Ok(s) => s.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Invalid bytes, not a split character: let them through, replaced.
            Err(_) => self.0.len(),
        };
        let rest = self.0.split_off(valid);
        let text = String::from_utf8_lossy(&self.0).into_owned();
        self.0 = rest;
        text
    }
}

/// A request being decoded in a sequence slot.
struct Active {
    slot: usize,
    prompt: Vec<LlamaToken>,
    /// Prompt tokens already in the KV cache.
    fed: usize,
    cached: usize,
    picker: TokenPicker,
    request: Request,
    events: Sender<Event>,
    stream: bool,
    text: String,
    utf8: Utf8Buffer,
    generated: usize,
    next: Option<LlamaToken>,
    queued: Instant,
    started: Instant,
    first_token: Option<Instant>,
}

impl Active {
    fn pos(&self) -> usize {
        self.fed + self.generated
    }
}

/// A sequence slot: what its KV cache holds.
#[derive(Default, Clone)]
struct Slot {
    tokens: Vec<LlamaToken>,
    busy: bool,
}

/// The next piece of a prompt to decode after `fed` of its `len` tokens: up
/// to `budget` tokens, and the last token always alone. Attention over many
/// query rows takes another path in llama.cpp (tiled), and the reply's first
/// token must come from the same one-row computation whether the prompt was
/// just read or partly cached; otherwise a repeated request could get another
/// reply.
fn prompt_piece(fed: usize, len: usize, budget: usize) -> std::ops::Range<usize> {
    let end = if fed + 1 < len { len - 1 } else { len };
    fed..end.min(fed + budget.max(1))
}

/// A shared prefix shorter than this is not worth waiting for, copying a
/// sequence, or giving up the lowest free slot for.
const WORTH_SHARING: usize = 16;

/// Where a new prompt goes: a free slot, and a slot (busy or not) whose
/// cached sequence it starts from a copy of, if that is worth it.
#[derive(Debug, PartialEq)]
struct Placement {
    slot: usize,
    copy_from: Option<usize>,
    /// Prompt tokens already in the slot's cache (before the copy, if any).
    reuse: usize,
}

/// The free slot with the longest cached prefix of `tokens`; a short match
/// counts as none, so new sequences fill the lowest free slots (with a KV
/// cache per sequence llama.cpp decodes together only consecutive sequence
/// ids: gaps would split every step). A prefix at least `WORTH_SHARING`
/// tokens longer in another slot is copied. `None` when no slot is free.
fn plan_placement(slots: &[Slot], tokens: &[LlamaToken]) -> Option<Placement> {
    let worth = |n: usize| if n < WORTH_SHARING { 0 } else { n };
    let (slot, own) = slots
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.busy)
        .map(|(i, s)| (i, common_prefix(&s.tokens, tokens)))
        .max_by_key(|&(i, n)| (worth(n), std::cmp::Reverse(i)))?;
    let (best, longest) = longest_cached(slots, tokens)?;
    let copy = longest >= own + WORTH_SHARING;
    Some(Placement {
        slot,
        copy_from: copy.then_some(best),
        reuse: if copy { longest } else { own },
    })
}

/// The slot, busy or not, holding the longest cached prefix of `tokens`
/// (the lowest of equals), and its length.
fn longest_cached(slots: &[Slot], tokens: &[LlamaToken]) -> Option<(usize, usize)> {
    slots
        .iter()
        .enumerate()
        .map(|(i, s)| (i, common_prefix(&s.tokens, tokens)))
        .max_by_key(|&(i, n)| (n, std::cmp::Reverse(i)))
}

fn common_prefix(a: &[LlamaToken], b: &[LlamaToken]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

struct Worker<'m> {
    model: &'m LlamaModel,
    ctx: LlamaContext<'m>,
    slots: Vec<Slot>,
    /// The decode step's batch, kept between steps (llama.cpp allocates one
    /// buffer per token slot when a batch is made).
    batch: LlamaBatch<'static>,
    settings: Settings,
    stats: Arc<Mutex<RuntimeStats>>,
}

fn worker(
    model: Arc<LlamaModel>,
    settings: Settings,
    queue: Receiver<Job>,
    stats: Arc<Mutex<RuntimeStats>>,
    ready: Sender<Result<()>>,
) {
    let backend = match backend() {
        Ok(b) => b,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let threads = settings.threads as i32;
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(settings.context))
        .with_n_batch(settings.batch)
        .with_n_ubatch(settings.batch)
        .with_n_threads(threads)
        .with_n_threads_batch(threads)
        .with_n_seq_max(settings.sequences)
        .with_kv_unified(settings.shared_cache)
        // Flash attention skips other sequences' cells instead of multiplying
        // them by zero, so a sequence's attention does not depend on where its
        // cells sit in a shared cache: asked for, not left to llama.cpp's
        // "auto", which turns it off where a backend lacks it.
        .with_flash_attention_policy(llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_ENABLED);
    let ctx = match model.new_context(backend, params) {
        Ok(ctx) => ctx,
        Err(e) => {
            let _ = ready.send(Err(LlmError::Runtime(format!(
                "cannot create a context: {e}"
            ))));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let mut w = Worker {
        model: &model,
        ctx,
        slots: vec![Slot::default(); settings.sequences as usize],
        batch: LlamaBatch::new(settings.batch as usize, 1),
        settings,
        stats,
    };
    w.run(&queue);
}

impl Worker<'_> {
    fn run(&mut self, queue: &Receiver<Job>) {
        let mut active: Vec<Active> = Vec::new();
        // Requests held until a prompt they share is read (`shares_a_prompt_being_read`).
        let mut held: Vec<Job> = Vec::new();
        loop {
            // Idle: wait for work. Busy: take what is waiting, up to the free
            // slots (held requests count as taking one: the queue's bound
            // stays the back-pressure).
            if active.is_empty() && held.is_empty() {
                match queue.recv() {
                    Ok(job) => held.push(job),
                    Err(_) => return,
                }
            }
            let mut ready = std::mem::take(&mut held).into_iter();
            loop {
                let free = self.slots.iter().filter(|s| !s.busy).count();
                if free <= held.len() {
                    break;
                }
                let job = match ready.next() {
                    Some(job) => job,
                    None => match queue.try_recv() {
                        Ok(job) => job,
                        Err(_) => break,
                    },
                };
                if self.shares_a_prompt_being_read(&job, &active) {
                    held.push(job);
                } else {
                    self.admit(job, &mut active);
                }
            }
            held.extend(ready);
            if !active.is_empty() {
                self.step(&mut active);
            }
        }
    }

    /// Whether a request's prompt shares more with a prompt still being read
    /// than with anything cached: it then waits until that prompt is read
    /// and starts from a copy of it. It loses nothing by waiting (prompts
    /// are read one at a time), and concurrent requests with one system
    /// prompt, or the samples of a self-consistency vote, read it once.
    fn shares_a_prompt_being_read(&self, job: &Job, active: &[Active]) -> bool {
        let Job::Generate { tokens, .. } = job else {
            return false;
        };
        let cached = longest_cached(&self.slots, tokens).map_or(0, |(_, n)| n);
        active
            .iter()
            .filter(|a| a.fed < a.prompt.len())
            .any(|a| common_prefix(&a.prompt, tokens) >= cached + WORTH_SHARING)
    }

    /// A free slot for `tokens`, with as much of them as any slot has cached
    /// already in its KV cache; returns the slot and the tokens reused.
    fn place(&mut self, tokens: &[LlamaToken]) -> Option<(usize, usize)> {
        let Placement {
            slot,
            copy_from,
            mut reuse,
        } = plan_placement(&self.slots, tokens)?;
        if let Some(from) = copy_from {
            // Copied whole (llama.cpp aborts on a partial copy between
            // per-sequence caches), then cut back to the shared prefix below.
            let _ = self.ctx.clear_kv_cache_seq(Some(slot as u32), None, None);
            let _ = self
                .ctx
                .copy_kv_cache_seq(from as i32, slot as i32, None, None);
            self.slots[slot].tokens = tokens[..reuse].to_vec();
        }
        // The last prompt token is always decoded: its logits are needed.
        reuse = reuse.min(tokens.len().saturating_sub(1));
        let _ = self
            .ctx
            .clear_kv_cache_seq(Some(slot as u32), Some(reuse as u32), None);
        self.slots[slot].tokens.truncate(reuse);
        self.slots[slot].busy = true;
        Some((slot, reuse))
    }

    fn admit(&mut self, job: Job, active: &mut Vec<Active>) {
        match job {
            Job::Generate {
                tokens,
                request,
                grammar,
                events,
                stream,
                queued,
            } => {
                let picker = match TokenPicker::new(self.model, &request, grammar.as_deref()) {
                    Ok(p) => p,
                    Err(e) => {
                        self.count_failure();
                        let _ = events.send(Event::Done(Err(e)));
                        return;
                    }
                };
                let Some((slot, reuse)) = self.place(&tokens) else {
                    let _ = events.send(Event::Done(Err(LlmError::Runtime(
                        "no free sequence".into(),
                    ))));
                    return;
                };
                active.push(Active {
                    slot,
                    prompt: tokens,
                    fed: reuse,
                    cached: reuse,
                    picker,
                    request,
                    events,
                    stream,
                    text: String::new(),
                    utf8: Utf8Buffer::default(),
                    generated: 0,
                    next: None,
                    queued,
                    started: Instant::now(),
                    first_token: None,
                });
            }
            Job::Choose {
                tokens,
                labels,
                reply,
                queued,
            } => {
                let result = self.choose(&tokens, &labels, queued);
                if result.is_err() {
                    self.count_failure();
                }
                let _ = reply.send(result);
            }
        }
    }

    fn count_failure(&self) {
        if let Ok(mut s) = self.stats.lock() {
            s.failed += 1;
        }
    }

    /// Decodes `tokens` into `slot` from position `start`, piece by piece as
    /// `prompt_piece` cuts them; returns the batch index of the last token's
    /// logits.
    fn prefill(&mut self, slot: usize, tokens: &[LlamaToken], start: usize) -> Result<i32> {
        if tokens.is_empty() {
            return Err(LlmError::Runtime("nothing to decode".into()));
        }
        let budget = self.settings.batch as usize;
        let mut batch = LlamaBatch::new(budget, 1);
        let mut fed = 0;
        while fed < tokens.len() {
            let piece = prompt_piece(fed, tokens.len(), budget);
            batch.clear();
            for i in piece.clone() {
                batch
                    .add(
                        tokens[i],
                        (start + i) as i32,
                        &[slot as i32],
                        i + 1 == tokens.len(),
                    )
                    .map_err(|e| LlmError::Runtime(e.to_string()))?;
            }
            self.ctx
                .decode(&mut batch)
                .map_err(|e| LlmError::Runtime(format!("decode: {e}")))?;
            fed = piece.end;
        }
        Ok(batch.n_tokens() - 1)
    }

    fn choose(
        &mut self,
        tokens: &[LlamaToken],
        labels: &[(String, Vec<LlamaToken>)],
        queued: Instant,
    ) -> Result<Choice> {
        let started = Instant::now();
        let (slot, reuse) = self
            .place(tokens)
            .ok_or_else(|| LlmError::Runtime("no free sequence".into()))?;
        let result = (|| {
            let last = self.prefill(slot, &tokens[reuse..], reuse)?;
            let logits = self.ctx.get_logits_ith(last).to_vec();
            let firsts: Vec<Option<LlamaToken>> =
                labels.iter().map(|(_, t)| t.first().copied()).collect();
            let distinct = firsts.iter().all(Option::is_some)
                && firsts
                    .iter()
                    .collect::<std::collections::BTreeSet<_>>()
                    .len()
                    == firsts.len();
            let mut passes = 1;
            let mut scores: Vec<(String, f32)> = Vec::with_capacity(labels.len());
            if distinct {
                let norm = log_sum_exp(&logits);
                for ((name, _), first) in labels.iter().zip(&firsts) {
                    let t = first.map_or(0, |t| t.0 as usize);
                    scores.push((
                        name.clone(),
                        logits.get(t).copied().unwrap_or(f32::MIN) - norm,
                    ));
                }
            } else {
                // Labels share their first token: score each whole label.
                for (name, label_tokens) in labels {
                    let mut score = 0.0;
                    let mut current = logits.clone();
                    for (i, t) in label_tokens.iter().enumerate() {
                        score += current.get(t.0 as usize).copied().unwrap_or(f32::MIN)
                            - log_sum_exp(&current);
                        if i + 1 < label_tokens.len() {
                            let idx = self.prefill(slot, &[*t], tokens.len() + i)?;
                            current = self.ctx.get_logits_ith(idx).to_vec();
                            passes += 1;
                        }
                    }
                    let _ = self.ctx.clear_kv_cache_seq(
                        Some(slot as u32),
                        Some(tokens.len() as u32),
                        None,
                    );
                    scores.push((name.clone(), score));
                }
            }
            scores.sort_by(|a, b| b.1.total_cmp(&a.1));
            let total = started.elapsed().as_secs_f64() * 1000.0;
            Ok(Choice {
                label: scores[0].0.clone(),
                scores,
                passes,
                metrics: Metrics {
                    prompt_tokens: tokens.len(),
                    cached_tokens: reuse,
                    generated_tokens: 0,
                    queued_ms: (started - queued).as_secs_f64() * 1000.0,
                    time_to_first_token_ms: total,
                    total_ms: total,
                    tokens_per_second: 0.0,
                },
            })
        })();
        let s = &mut self.slots[slot];
        s.busy = false;
        s.tokens = if result.is_ok() {
            tokens.to_vec()
        } else {
            Vec::new()
        };
        if result.is_err() {
            let _ = self.ctx.clear_kv_cache_seq(Some(slot as u32), None, None);
        }
        self.record(result.as_ref().ok().map(|c| &c.metrics));
        result
    }

    /// One decode step for every active request: the next chunk of prompts
    /// still being read, the last sampled token of the others.
    fn step(&mut self, active: &mut Vec<Active>) {
        let started = Instant::now();
        let budget = self.settings.batch as usize;
        let batch = &mut self.batch;
        batch.clear();
        // (index in `active`, batch index of its logits)
        let mut wants: Vec<(usize, i32)> = Vec::new();
        // A prompt is read alone, never beside other sequences' tokens, in
        // the pieces `prompt_piece` cuts. Generated tokens are then decoded
        // together, one row per sequence.
        let reading = active.iter().any(|a| a.fed < a.prompt.len());
        if let Some((a_index, a)) = active
            .iter_mut()
            .enumerate()
            .find(|(_, a)| a.fed < a.prompt.len())
        {
            let piece = prompt_piece(a.fed, a.prompt.len(), budget);
            let take = piece.len();
            for pos in piece {
                let last = pos + 1 == a.prompt.len();
                if batch
                    .add(a.prompt[pos], pos as i32, &[a.slot as i32], last)
                    .is_err()
                {
                    break;
                }
                if last {
                    wants.push((a_index, batch.n_tokens() - 1));
                }
            }
            a.fed += take;
            // What the slot's cache holds so far, for requests that share it.
            self.slots[a.slot].tokens = a.prompt[..a.fed].to_vec();
        } else {
            // In slot order: with a KV cache per sequence, llama.cpp decodes
            // together only runs of consecutive sequence ids, in order.
            let mut order: Vec<usize> = (0..active.len()).collect();
            order.sort_by_key(|&i| active[i].slot);
            for a_index in order {
                let a = &mut active[a_index];
                if let Some(token) = a.next.take() {
                    let pos = a.pos() - 1;
                    if batch.add(token, pos as i32, &[a.slot as i32], true).is_ok() {
                        wants.push((a_index, batch.n_tokens() - 1));
                    }
                }
            }
        }
        if batch.n_tokens() == 0 {
            return;
        }
        if let Ok(mut s) = self.stats.lock() {
            s.steps += 1;
            s.max_batched_sequences = s.max_batched_sequences.max(wants.len().max(1));
        }
        let mut decoded = self.ctx.decode(&mut self.batch);
        if decoded.is_err() && self.slots.iter().any(|s| !s.busy && !s.tokens.is_empty()) {
            // The KV cache is full: give up the prefixes idle slots keep, retry.
            for (i, slot) in self.slots.iter_mut().enumerate() {
                if !slot.busy && !slot.tokens.is_empty() {
                    let _ = self.ctx.clear_kv_cache_seq(Some(i as u32), None, None);
                    slot.tokens.clear();
                }
            }
            decoded = self.ctx.decode(&mut self.batch);
        }
        if let Err(e) = decoded {
            // Still no room: fail these requests, drop every cached prefix,
            // and go on with the queue.
            let error = format!(
                "decode: {e} ({} sequences at once; lower llm.sequences or raise llm.context)",
                active.len()
            );
            for a in active.drain(..) {
                let _ = a
                    .events
                    .send(Event::Done(Err(LlmError::Runtime(error.clone()))));
                self.count_failure();
            }
            self.ctx.clear_kv_cache();
            for s in &mut self.slots {
                *s = Slot::default();
            }
            return;
        }
        let mut finished: Vec<(usize, StopReason)> = Vec::new();
        let picked = wants.len() as u64;
        for (a_index, logits_at) in wants {
            let a = &mut active[a_index];
            let token = a.picker.pick(&self.ctx, logits_at);
            if a.first_token.is_none() {
                a.first_token = Some(Instant::now());
            }
            let cancelled = a
                .request
                .cancel
                .as_ref()
                .is_some_and(CancelToken::is_cancelled);
            if self.model.vocab().is_eog(token) && !a.request.ignore_end {
                finished.push((a_index, StopReason::EndOfGeneration));
                continue;
            }
            a.generated += 1;
            let piece = a
                .utf8
                .push(&self.model.vocab().token_to_piece(token, false, None));
            if a.stream && !piece.is_empty() {
                let _ = a.events.send(Event::Piece(piece.clone()));
            }
            a.text.push_str(&piece);
            if cancelled {
                finished.push((a_index, StopReason::Cancelled));
            } else if a.generated >= a.request.max_tokens {
                finished.push((a_index, StopReason::MaxTokens));
            } else {
                a.next = Some(token);
            }
        }
        // Requests cancelled while still reading their prompt.
        for (i, a) in active.iter().enumerate() {
            if a.first_token.is_none()
                && a.request
                    .cancel
                    .as_ref()
                    .is_some_and(CancelToken::is_cancelled)
            {
                finished.push((i, StopReason::Cancelled));
            }
        }
        // Counted before any request is told it is done, so a caller that
        // reads the stats after its reply sees its last step.
        if !reading && let Ok(mut s) = self.stats.lock() {
            s.generation_steps += 1;
            s.generation_step_tokens += picked;
            s.generation_seconds += started.elapsed().as_secs_f64();
        }
        finished.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
        finished.dedup_by_key(|(i, _)| *i);
        let any_finished = !finished.is_empty();
        for (i, stop) in finished {
            let a = active.swap_remove(i);
            self.finish(a, stop);
        }
        if any_finished && !self.settings.shared_cache {
            self.close_gaps(active);
        }
    }

    /// With a KV cache per sequence llama.cpp decodes together only
    /// consecutive sequence ids, so a request ending between others would
    /// split every later step in two. The highest busy sequence moves into
    /// the lowest gap instead (a whole-stream copy, a few megabytes, against
    /// a pass over the weights per extra split); the slot it leaves keeps
    /// its prompt as a cached prefix, the gap's old prefix is given up.
    fn close_gaps(&mut self, active: &mut [Active]) {
        loop {
            let busy: Vec<usize> = (0..self.slots.len())
                .filter(|&i| self.slots[i].busy)
                .collect();
            let (Some(&low), Some(&high)) = (busy.first(), busy.last()) else {
                return;
            };
            if high - low + 1 == busy.len() {
                return;
            }
            let Some(gap) = (low..high).find(|&i| !self.slots[i].busy) else {
                return;
            };
            let Some(a) = active.iter_mut().find(|a| a.slot == high) else {
                return;
            };
            let _ = self.ctx.clear_kv_cache_seq(Some(gap as u32), None, None);
            let _ = self
                .ctx
                .copy_kv_cache_seq(high as i32, gap as i32, None, None);
            let _ = self
                .ctx
                .clear_kv_cache_seq(Some(high as u32), Some(a.fed as u32), None);
            self.slots[gap] = Slot {
                tokens: self.slots[high].tokens.clone(),
                busy: true,
            };
            self.slots[high].busy = false;
            a.slot = gap;
            if let Ok(mut s) = self.stats.lock() {
                s.moved_sequences += 1;
            }
        }
    }

    fn finish(&mut self, a: Active, stop: StopReason) {
        let now = Instant::now();
        let first = a.first_token.unwrap_or(now);
        let after_first = (now - first).as_secs_f64();
        let metrics = Metrics {
            prompt_tokens: a.prompt.len(),
            cached_tokens: a.cached,
            generated_tokens: a.generated,
            queued_ms: (a.started - a.queued).as_secs_f64() * 1000.0,
            time_to_first_token_ms: (first - a.started).as_secs_f64() * 1000.0,
            total_ms: (now - a.started).as_secs_f64() * 1000.0,
            tokens_per_second: if after_first > 0.0 && a.generated > 1 {
                (a.generated - 1) as f64 / after_first
            } else {
                0.0
            },
        };
        tracing::info!(
            prompt_tokens = metrics.prompt_tokens,
            cached_tokens = metrics.cached_tokens,
            generated_tokens = metrics.generated_tokens,
            ttft_ms = metrics.time_to_first_token_ms,
            tokens_per_second = metrics.tokens_per_second,
            "generation finished"
        );
        self.record(Some(&metrics));
        // The slot keeps what it read of the prompt as a cached prefix (its
        // tokens grew as the prompt was read).
        self.slots[a.slot].busy = false;
        // Generated tokens are in the cache too, but a prompt rarely repeats a
        // reply verbatim: drop them so the cache holds only the prompt.
        let _ = self
            .ctx
            .clear_kv_cache_seq(Some(a.slot as u32), Some(a.fed as u32), None);
        let mut text = a.text;
        let mut utf8 = a.utf8;
        text.push_str(&utf8.push(&[]));
        let _ = a.events.send(Event::Done(Ok(Generation {
            text,
            stop,
            json: None,
            metrics,
        })));
    }

    fn record(&self, metrics: Option<&Metrics>) {
        let Ok(mut s) = self.stats.lock() else {
            return;
        };
        let Some(m) = metrics else {
            return;
        };
        s.requests += 1;
        let n = s.requests as f64;
        s.prompt_tokens += m.prompt_tokens as u64;
        s.cached_tokens += m.cached_tokens as u64;
        s.generated_tokens += m.generated_tokens as u64;
        s.mean_time_to_first_token_ms +=
            (m.time_to_first_token_ms - s.mean_time_to_first_token_ms) / n;
        s.mean_tokens_per_second += (m.tokens_per_second - s.mean_tokens_per_second) / n;
    }
}

fn log_sum_exp(logits: &[f32]) -> f32 {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    max + logits.iter().map(|l| (l - max).exp()).sum::<f32>().ln()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_schema_becomes_a_grammar_or_an_error_that_says_where() {
        let grammar = schema_grammar(&serde_json::json!({
            "type": "object",
            "properties": {"column": {"type": "string"}, "pii": {"type": "boolean"}},
            "required": ["column", "pii"]
        }))
        .unwrap();
        assert!(grammar.contains("root ::="), "{grammar}");

        let e = schema_grammar(&serde_json::json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/definitions/missing"}}
        }))
        .unwrap_err();
        assert!(matches!(e, LlmError::Schema(_)), "{e}");
        assert!(e.to_string().contains("/definitions/missing"), "{e}");

        let e =
            schema_grammar(&serde_json::json!({"type": "string", "pattern": "^(a$"})).unwrap_err();
        assert!(e.to_string().contains("pattern"), "{e}");

        // Valid JSON Schema (an empty `enum` admits nothing) that llama.cpp's
        // converter refuses.
        let e = schema_grammar(&serde_json::json!({
            "type": "object", "properties": {"kind": {"enum": []}}
        }))
        .unwrap_err();
        assert!(e.to_string().contains("converter rejected it"), "{e}");
    }

    #[test]
    fn a_prompt_is_cut_into_pieces_with_its_last_token_alone() {
        assert_eq!(prompt_piece(0, 10, 512), 0..9);
        assert_eq!(prompt_piece(9, 10, 512), 9..10);
        assert_eq!(prompt_piece(0, 1, 512), 0..1);
        assert_eq!(prompt_piece(0, 1000, 512), 0..512);
        assert_eq!(prompt_piece(512, 1000, 512), 512..999);
        assert_eq!(prompt_piece(999, 1000, 512), 999..1000);
    }

    fn slot(tokens: std::ops::Range<i32>, busy: bool) -> Slot {
        Slot {
            tokens: tokens.map(LlamaToken).collect(),
            busy,
        }
    }

    #[test]
    fn new_sequences_fill_the_lowest_free_slot_unless_a_prefix_is_worth_reusing() {
        let prompt: Vec<LlamaToken> = (0..40).map(LlamaToken).collect();
        let cases = [
            // A few shared tokens in slot 3 do not beat the lowest free slot.
            (
                vec![
                    slot(0..0, true),
                    slot(100..120, false),
                    slot(0..0, false),
                    slot(0..5, false),
                ],
                (1, None, 0),
            ),
            // A long cached prefix in a free slot is taken where it is.
            (vec![slot(0..0, false), slot(0..30, false)], (1, None, 30)),
            // A busy slot's longer prefix is copied into the chosen free slot...
            (
                vec![slot(0..35, true), slot(0..3, false), slot(0..0, false)],
                (1, Some(0), 35),
            ),
            // ...but not for a few tokens more than the free slot has.
            (vec![slot(0..35, true), slot(0..25, false)], (1, None, 25)),
        ];
        for (slots, (slot, copy_from, reuse)) in cases {
            assert_eq!(
                plan_placement(&slots, &prompt),
                Some(Placement {
                    slot,
                    copy_from,
                    reuse
                })
            );
        }
        // Nothing free.
        assert_eq!(plan_placement(&[slot(0..3, true)], &prompt), None);
    }

    #[test]
    fn first_max_takes_the_first_of_equal_highs() {
        assert_eq!(first_max(&[0.5, 2.0, -1.0, 2.0]), 1);
        assert_eq!(first_max(&[3.0, 2.0]), 0);
        assert_eq!(first_max(&[]), 0);
    }

    /// The greedy shortcut must pick what llama.cpp's greedy sampler picks,
    /// token after token, on a real model's logits.
    #[test]
    fn the_greedy_shortcut_picks_what_llama_cpps_greedy_sampler_picks() {
        let Some(path) = crate::test_model_path() else {
            return;
        };
        let backend = backend().unwrap();
        let model =
            LlamaModel::load_from_file(backend, &path, &LlamaModelParams::default()).unwrap();
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(512))
            .with_n_threads(1)
            .with_n_threads_batch(1);
        let mut ctx = model.new_context(backend, params).unwrap();
        let prompt = model.vocab().tokenize(
            b"A data steward checks the table of customer e-mails because",
            true,
            false,
        );
        let mut batch = LlamaBatch::new(512, 1);
        for (i, t) in prompt.iter().enumerate() {
            batch
                .add(*t, i as i32, &[0], i + 1 == prompt.len())
                .unwrap();
        }
        ctx.decode(&mut batch).unwrap();
        let mut shortcut = TokenPicker::Greedy;
        let mut sampler = TokenPicker::Sampler(LlamaSampler::greedy());
        let mut at = batch.n_tokens() - 1;
        for step in 0..24 {
            let ours = shortcut.pick(&ctx, at);
            let theirs = sampler.pick(&ctx, at);
            assert_eq!(ours, theirs, "step {step}");
            batch.clear();
            batch
                .add(ours, (prompt.len() + step) as i32, &[0], true)
                .unwrap();
            ctx.decode(&mut batch).unwrap();
            at = 0;
        }
    }
}
