//! The `[llm]` section of steward.toml.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmConfig {
    /// A preset name (`steward model list`) or a path to a GGUF file.
    pub model: String,
    /// Where presets are kept. Default: `~/.cache/steward/models`.
    pub model_dir: Option<PathBuf>,
    /// Threads for generation and prompt processing. Default: the machine's
    /// cores; never more.
    pub threads: usize,
    /// Context length in tokens, shared by the sequences decoded together;
    /// at least 256 a sequence (a smaller value is raised, with a warning).
    pub context: u32,
    /// Most tokens decoded in one step (prompt chunks and generated tokens).
    pub batch: u32,
    /// Sequences decoded together (concurrent requests, self-consistency
    /// samples); each keeps its own cached prompt prefix.
    pub sequences: u32,
    /// Requests that may wait for the model before new ones are refused.
    pub queue: usize,
    /// One KV cache shared by all sequences (each may use the whole
    /// context), or one per sequence (`context / sequences` tokens each).
    /// Either way generation of several sequences is batched.
    pub shared_cache: bool,
}

impl Default for LlmConfig {
    fn default() -> Self {
        Self {
            model: "qwen2.5-coder-0.5b".to_string(),
            model_dir: None,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            context: 8192,
            batch: 512,
            sequences: 4,
            queue: 32,
            shared_cache: true,
        }
    }
}

impl LlmConfig {
    /// Where presets are kept: `model_dir` (relative to `base`), else the
    /// shared model cache.
    pub fn model_dir_in(&self, base: &std::path::Path) -> PathBuf {
        self.model_dir
            .as_ref()
            .map(|d| base.join(d))
            .unwrap_or_else(crate::default_model_dir)
    }

    /// Loads the configured model, paths relative to `base`. Blocking: it
    /// reads the file and starts the runtime's decoding thread.
    pub fn load(&self, base: &std::path::Path) -> crate::Result<crate::Llm> {
        let mut config = self.clone();
        config.model_dir = Some(self.model_dir_in(base));
        let path = config.model_path(base)?;
        crate::Llm::load(&path, &config.settings())
    }

    /// The model file: a preset's place in the model folder, or the path
    /// given (relative to `base`). A preset not yet fetched is an error that
    /// says how to fetch it.
    pub fn model_path(&self, base: &std::path::Path) -> crate::Result<PathBuf> {
        let dir = self
            .model_dir
            .clone()
            .unwrap_or_else(crate::default_model_dir);
        if let Ok(preset) = crate::preset(&self.model) {
            let path = crate::preset_path(&dir, preset);
            if !path.exists() {
                return Err(crate::LlmError::Fetch(format!(
                    "preset `{}` is not here yet: `steward model pull {}` fetches it into {}",
                    preset.name,
                    preset.name,
                    dir.display()
                )));
            }
            return Ok(path);
        }
        let path = base.join(&self.model);
        if !path.exists() {
            return Err(crate::LlmError::ModelNotFound(path));
        }
        Ok(path)
    }

    /// The runtime's settings (`Llm::load` caps threads at the machine's cores).
    pub fn settings(&self) -> crate::Settings {
        crate::Settings {
            threads: self.threads,
            context: self.context,
            batch: self.batch,
            sequences: self.sequences,
            queue: self.queue,
            shared_cache: self.shared_cache,
        }
    }
}
