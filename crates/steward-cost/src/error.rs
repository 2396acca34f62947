use steward_types::{ErrorKind, HasKind};

#[derive(Debug, thiserror::Error)]
pub enum CostError {
    /// A setting that cannot be used, named with its key.
    #[error("[cost] {0}")]
    Config(String),
}

impl HasKind for CostError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Config(_) => ErrorKind::Invalid,
        }
    }
}
