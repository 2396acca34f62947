use datafusion::error::DataFusionError;
use steward_types::{ErrorKind, HasKind};

/// What can go wrong setting up evaluation. A broken policy is not an error
/// of this kind: it is a [`crate::Problem`], reported while the others run.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("building the system tables: {0}")]
    SystemTables(#[source] DataFusionError),
}

impl HasKind for PolicyError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::SystemTables(_) => ErrorKind::Internal,
        }
    }
}
