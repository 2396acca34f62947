//! The local LLM runtime on llama.cpp (`llama-cpp-2`): GGUF models checked
//! before loading, presets fetched and verified, chat templates (ChatML when a
//! model has none), streamed generation with cancellation, JSON output
//! constrained by a grammar from a JSON Schema, label choice from logits, and
//! one model served to concurrent requests with batching and a cached prompt
//! prefix per sequence.

mod chat;
mod config;
mod error;
mod gguf;
mod presets;
mod runtime;

pub use chat::{Conversation, Reply};
pub use config::LlmConfig;
pub use error::{LlmError, Result};
pub use gguf::{GgufHeader, read_header};
pub use presets::{
    PRESETS, Preset, Pulled, default_model_dir, preset, preset_path, pull, sha256_file,
    test_model_path,
};
pub use runtime::{
    CancelToken, Choice, Generation, Llm, Message, Metrics, ModelInfo, Prompt, Request,
    RuntimeStats, Settings, StopReason, schema_grammar,
};

/// What the agents need of a language model. `Llm` is the real one; a
/// scripted one serves unit tests of agent loops.
pub trait LanguageModel: Send + Sync {
    fn generate(&self, request: &Request) -> Result<Generation>;
    fn choose(&self, prompt: &Prompt, labels: &[String]) -> Result<Choice>;

    /// `generate`, handing each piece of text to `on_piece` as it comes
    /// (return `false` to stop). A model that cannot stream hands over the
    /// whole text at the end.
    fn generate_streaming(
        &self,
        request: &Request,
        on_piece: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        let generation = self.generate(request)?;
        on_piece(&generation.text);
        Ok(generation)
    }

    /// What the runtime has done so far, for a model that keeps count.
    fn stats(&self) -> Option<RuntimeStats> {
        None
    }
}

impl LanguageModel for Llm {
    fn generate(&self, request: &Request) -> Result<Generation> {
        Llm::generate(self, request)
    }

    fn stats(&self) -> Option<RuntimeStats> {
        Some(Llm::stats(self))
    }

    fn choose(&self, prompt: &Prompt, labels: &[String]) -> Result<Choice> {
        Llm::choose(self, prompt, labels)
    }

    fn generate_streaming(
        &self,
        request: &Request,
        on_piece: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation> {
        Llm::generate_streaming(self, request, on_piece)
    }
}

/// Replies from a script, in order: for unit tests of the loops that use a
/// model, never for the runtime's own tests.
#[derive(Debug, Default)]
pub struct ScriptedModel {
    replies: std::sync::Mutex<std::collections::VecDeque<String>>,
}

impl ScriptedModel {
    pub fn new(replies: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            replies: std::sync::Mutex::new(replies.into_iter().map(Into::into).collect()),
        }
    }
}

impl LanguageModel for ScriptedModel {
    fn generate(&self, request: &Request) -> Result<Generation> {
        let text = self
            .replies
            .lock()
            .map_err(|_| LlmError::Stopped)?
            .pop_front()
            .ok_or_else(|| LlmError::Runtime("the script has no more replies".to_string()))?;
        let json = match &request.schema {
            Some(_) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| LlmError::Invalid(format!("not JSON: {e}")))?,
            ),
            None => None,
        };
        Ok(Generation {
            text,
            stop: StopReason::EndOfGeneration,
            json,
            metrics: Metrics::default(),
        })
    }

    fn choose(&self, _prompt: &Prompt, labels: &[String]) -> Result<Choice> {
        let reply = self
            .replies
            .lock()
            .map_err(|_| LlmError::Stopped)?
            .pop_front()
            .ok_or_else(|| LlmError::Runtime("the script has no more replies".to_string()))?;
        let label = labels
            .iter()
            .find(|l| **l == reply)
            .cloned()
            .ok_or_else(|| {
                LlmError::Runtime(format!("scripted label `{reply}` is not among the labels"))
            })?;
        Ok(Choice {
            scores: vec![(label.clone(), 0.0)],
            label,
            passes: 0,
            metrics: Metrics::default(),
        })
    }
}
