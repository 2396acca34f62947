use steward_llm::LlmError;
use steward_service::ServiceError;
use steward_types::{ErrorKind, HasKind};

pub type Result<T, E = AgentError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Llm(#[from] LlmError),
    /// The context was opened without a model.
    #[error("no local model is loaded")]
    NoModel,
    #[error("{0}")]
    Invalid(String),
    /// The model's thread stopped.
    #[error("{0}")]
    Model(String),
}

impl HasKind for AgentError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Service(e) => e.kind(),
            Self::Llm(e) => e.kind(),
            Self::NoModel => ErrorKind::Unavailable,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Model(_) => ErrorKind::Internal,
        }
    }
}
