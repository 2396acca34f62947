use std::path::PathBuf;

use steward_types::{ErrorKind, HasKind};

/// What can go wrong with a model or a request. Every failure of llama.cpp
/// that can be caught before it aborts the process arrives here instead.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("model file `{}` not found", .0.display())]
    ModelNotFound(PathBuf),
    #[error("`{}` is not a GGUF model: {reason}", path.display())]
    NotGguf { path: PathBuf, reason: String },
    #[error("`{}`: llama.cpp could not load the model ({reason})", path.display())]
    Load { path: PathBuf, reason: String },
    #[error("unknown model preset `{name}` (known: {known})")]
    UnknownPreset { name: String, known: String },
    #[error("`{}`: sha256 is {actual}, expected {expected}; the file was not kept", path.display())]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("fetching the model: {0}")]
    Fetch(String),
    #[error("`{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the prompt is {tokens} tokens and the reply may take {reply} more: over the context of {context}"
    )]
    PromptTooLong {
        tokens: usize,
        reply: usize,
        context: usize,
    },
    #[error("the JSON schema cannot be turned into a grammar: {0}")]
    Schema(String),
    #[error("the reply does not match the JSON schema: {0}")]
    Invalid(String),
    #[error("the model is busy: {0} requests are queued; try again")]
    Busy(usize),
    #[error("llama.cpp: {0}")]
    Runtime(String),
    #[error("the model runtime has stopped")]
    Stopped,
}

impl HasKind for LlmError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::ModelNotFound(_) | Self::UnknownPreset { .. } => ErrorKind::NotFound,
            Self::NotGguf { .. }
            | Self::Load { .. }
            | Self::Checksum { .. }
            | Self::PromptTooLong { .. }
            | Self::Schema(_)
            | Self::Invalid(_) => ErrorKind::Invalid,
            Self::Fetch(_) | Self::Busy(_) | Self::Io { .. } => ErrorKind::Unavailable,
            Self::Runtime(_) | Self::Stopped => ErrorKind::Internal,
        }
    }
}

pub type Result<T, E = LlmError> = std::result::Result<T, E>;
